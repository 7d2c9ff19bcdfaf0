"""A stored plan's PyPSA network (``result.network`` on a run read back from the run store), rebuilt from what
the store keeps: the scenario gives the network's components (:func:`gigawatt.power.network.build_network` on
the plan's inputs, read again), and the stored figures and hourly dispatch give the optimum it carries
(capacities, flows, states of charge), as :func:`gigawatt.power.network.solved_network` fills a fresh plan's.

The plan is not solved again. Where the stored run cannot tell which LP it came from (phases: one LP over every
period; ``constraints.online_by``: the long-run plan's floors come from a bridge solve), or its input files no
longer read as they did, a :class:`~gigawatt.core.errors.ScenarioError` says why and how to get the network:
plan the scenario again (``gigawatt.plan(result.inputs, fresh=True).network``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gigawatt.core.errors import GigawattError, MissingExtraError, ScenarioError

if TYPE_CHECKING:
    import pypsa

    from gigawatt.core.results import Result

AGAIN = "plan it again to get one: gigawatt.plan(result.inputs, fresh=True).network"


def stored_network(result: Result) -> pypsa.Network:
    """The solved PyPSA network of a stored plan (see the module doc); a ScenarioError where it cannot be rebuilt."""
    from gigawatt.power.aggregate import aggregate
    from gigawatt.power.lp import generator_names
    from gigawatt.power.plan import plan_inputs

    scenario, data, ident = result.inputs, result.data, result.run.id[:12]
    if scenario.phases:
        raise ScenarioError(f"result.network: run {ident} is a phased plan (phases), solved as one LP over its periods that "
                            f"the store does not keep; {AGAIN}")
    if scenario.constraints.online_by is not None:
        raise ScenarioError(f"result.network: run {ident} was planned with constraints.online_by, its long-run LP built on a bridge "
                            f"solve that the store does not keep; {AGAIN}")
    try:
        from gigawatt.power.network import solved_network

        inputs = plan_inputs(scenario)
        if scenario.site is not None and scenario.site.screening_segments is not None:
            inputs = aggregate(inputs, scenario.site.screening_segments)
    except MissingExtraError:
        raise
    except (GigawattError, OSError) as exc:
        raise ScenarioError(f"result.network: run {ident}'s inputs no longer read as they did ({' '.join(str(exc).split())[:200]}); "
                            f"its tables are in result.to_frames(); fix the inputs and {AGAIN}") from None
    if not data.get("unserved_energy_mwh"):
        inputs = replace(inputs, value_of_lost_load_usd_per_mwh=None)  # every hour served: solved without the slack
    dispatch = result.to_frames().get("dispatch")
    if dispatch is None or dispatch.empty:
        raise ScenarioError(f"result.network: run {ident} kept no hourly dispatch; {AGAIN}")
    from gigawatt.weather.timezones import standard_index

    if data.get("utc_offset_hours") is not None:  # stored in the site's zone; the model's hours are standard time
        dispatch = dispatch.set_axis(standard_index(pd.DatetimeIndex(dispatch.index), data["utc_offset_hours"]))
    index = inputs.load_mw.index
    try:  # a screening run's dispatch repeats each segment's MW over its hours: the segment's first hour holds it
        rows = dispatch.loc[pd.DatetimeIndex(index)]
    except KeyError:
        raise ScenarioError(f"result.network: run {ident}'s stored dispatch does not cover the hours its inputs give now; {AGAIN}") from None

    def column(name: str) -> np.ndarray:
        return rows[name].to_numpy(dtype=float) if name in rows else np.zeros(len(index))

    values: dict[str, np.ndarray] = {}
    for name in generator_names(inputs):
        values[f"p({name})"] = column(f"{name}_mw")
    for name, option in inputs.options.items():
        values[f"p_nom({name})"] = np.array([float(data["capacity_mw"].get(name, 0.0))])
        if option.kind == "storage":
            root_efficiency = float(np.sqrt(option.efficiency))
            values[f"charge({name})"] = column(f"{name}_charge_mw")
            values[f"discharge({name})"] = column(f"{name}_discharge_mw") / root_efficiency
            values[f"soc({name})"] = column(f"{name}_soc_mwh")
            values[f"e_nom({name})"] = np.array([_energy_mwh(data, inputs, name)])
    objective = (data.get("solver") or {}).get("objective", float("nan"))
    return solved_network(inputs, values, float(objective) if objective is not None else float("nan"))


def _energy_mwh(data: dict[str, Any], inputs: Any, name: str) -> float:
    """A store's MWh: the plan's storage energy where it has one store (what the store keeps is the total)."""
    stores = [n for n, o in inputs.options.items() if o.kind == "storage"]
    if len(stores) == 1:
        return float(data["storage_mwh"])
    raise ScenarioError(f"result.network: the plan has {len(stores)} stores ({', '.join(stores)}) and the run store keeps only "
                        f"their total MWh; {AGAIN}")

"""The site plan as a PyPSA network, for export: ``gigawatt plan --network`` and ``result.network``.

One bus, ``site``, carries the cluster load. Every allowed option becomes an extendable component:
generators (solar, wind, gas, fuel cells, nuclear, diesel), a grid import whose size pays the demand
charge, and a Li-ion battery whose power (charge/discharge links of one inverter) and energy (a store) are
sized separately; a costly ``unserved`` generator where load may go unserved. It is the model
:mod:`gigawatt.power.lp` solves, written in PyPSA's terms (the tests optimise both and compare); the
scenario's extra constraints (carbon, reserve margin, budgets) are not carried by the network.

PyPSA is an extra (``pip install 'gigawatt[pypsa]'``): only this module imports it, and a plan imports this
module only when its network is asked for; without PyPSA, importing it raises a one-line
:class:`~gigawatt.core.errors.MissingExtraError` naming the extra.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gigawatt.core.errors import require
from gigawatt.power.flexibility import CAP_PREFIX, PAUSE, Flexibility
from gigawatt.power.inputs import UNSERVED, PlanInputs, SupplyOption
from gigawatt.core.units import HOURS_PER_YEAR

SITE_BUS = "site"
BATTERY_BUS = "battery"

if TYPE_CHECKING:
    import pypsa
else:
    pypsa = require("pypsa", "pypsa", "the PyPSA network of a plan (result.network)")

pypsa.options.api.legacy_string_dtype = True  # keep PyPSA 1.x behaviour explicitly (silences its warning)
logging.getLogger("pypsa").setLevel(logging.WARNING)
logging.getLogger("linopy").setLevel(logging.WARNING)


def build_network(inputs: PlanInputs) -> pypsa.Network:
    """The PyPSA network of the site, unsolved (PyPSA's own ``n.optimize()`` runs on it)."""
    inputs.check()
    index = inputs.load_mw.index
    n = pypsa.Network()
    n.set_snapshots(index)
    if inputs.snapshot_weightings_h is not None:  # objective, generators and stores alike
        n.snapshot_weightings = inputs.snapshot_weightings_h.astype(float)
    n.add("Carrier", ["electricity", "battery", UNSERVED])
    n.add("Bus", SITE_BUS, carrier="electricity", unit="MW")
    n.add("Load", "cluster", bus=SITE_BUS, p_set=inputs.load_mw)
    # capacity costs are per year: charge the share of the year the snapshots stand for (results do the same)
    year_share = inputs.modelled_hours / HOURS_PER_YEAR
    for name, option in inputs.options.items():
        _define_option(n, name, option, inputs, year_share)
    if inputs.flexibility is not None:
        _define_flexibility(n, inputs.load_mw, inputs.flexibility)
    serve_all = inputs.value_of_lost_load_usd_per_mwh is None
    n.add(
        "Generator", UNSERVED, bus=SITE_BUS, carrier=UNSERVED, p_nom=0.0 if serve_all else float(inputs.load_mw.max()),
        marginal_cost=0.0 if serve_all else inputs.value_of_lost_load_usd_per_mwh,
    )
    return n


def _define_flexibility(n: pypsa.Network, load_mw: pd.Series, flex: Flexibility) -> None:
    """Capping segments and pausing as generators of 'negative load' at the site bus, priced at the compute lost."""
    peak_mw = float(load_mw.max())
    n.add("Carrier", "flexibility")
    for k, segment in enumerate(flex.segments, start=1):
        n.add("Generator", f"{CAP_PREFIX}{k}", bus=SITE_BUS, carrier="flexibility", p_nom=peak_mw,
              p_max_pu=segment.width * flex.accelerator_share * load_mw / peak_mw,
              marginal_cost=flex.cap_cost_usd_per_mwh(segment))
    n.add("Generator", PAUSE, bus=SITE_BUS, carrier="flexibility", p_nom=peak_mw,
          p_max_pu=(1.0 - flex.paused_load_share) * load_mw / peak_mw, marginal_cost=flex.pause_cost_usd_per_mwh())


def _define_option(n: pypsa.Network, name: str, option: SupplyOption, inputs: PlanInputs, year_share: float) -> None:
    if name not in n.carriers.index:
        # tCO2 per MWh of the carrier's output, as PyPSA's statistics and a user's own GlobalConstraint read it
        # (a grid with an hourly intensity series carries its flat catalog or scenario figure here)
        n.add("Carrier", name, co2_emissions=option.co2_t_per_mwh if option.kind != "storage" else 0.0, nice_name=name.replace("_", " "))
    common = dict(
        p_nom_extendable=True, p_nom_min=option.min_mw, p_nom_max=option.max_mw,
    )
    if option.kind == "storage":
        root_efficiency = float(np.sqrt(option.efficiency))  # round trip split evenly between charge and discharge
        n.add("Bus", BATTERY_BUS, carrier="battery", unit="MW")
        n.add("Store", name, bus=BATTERY_BUS, carrier=name, e_nom_extendable=True, e_cyclic=True,
              capital_cost=year_share * option.energy_capital_usd_per_mwh_year)
        n.add("Link", f"{name}_charge", bus0=SITE_BUS, bus1=BATTERY_BUS, carrier=name,
              efficiency=root_efficiency, capital_cost=year_share * option.capital_usd_per_mw_year, **common)
        # the same inverter discharges: its size is tied to the charge link's in solve.define_battery_power
        n.add("Link", f"{name}_discharge", bus0=BATTERY_BUS, bus1=SITE_BUS, carrier=name,
              efficiency=root_efficiency, **common)
        return
    marginal = inputs.marginal_usd_per_mwh(name)
    attrs = dict(bus=SITE_BUS, carrier=name, capital_cost=year_share * option.capital_usd_per_mw_year, marginal_cost=marginal, **common)
    if name in inputs.capacity_factor:
        attrs["p_max_pu"] = inputs.capacity_factor[name]
    elif option.kind == "contract":
        # a firm block bought from a plant, paid for whether used or not (in its fixed cost); unused hours spill
        attrs["p_max_pu"] = option.availability
    n.add("Generator", name, **attrs)




def solved_network(inputs: PlanInputs, values: dict[str, np.ndarray], objective: float) -> pypsa.Network:
    """The network of ``inputs`` carrying an optimum of :mod:`gigawatt.power.lp` (``values``: its column
    blocks by name): optimal capacities (``p_nom_opt``, ``e_nom_opt``), hourly flows and the objective, as
    ``n.optimize()`` would leave them, so that ``n.statistics`` works on it."""
    n = build_network(inputs)
    index = n.snapshots
    flows = {name: values.get(f"p({name})", np.zeros(len(index))) for name in n.generators.index}
    n.generators_t.p = pd.DataFrame(flows, index=index)
    n.generators["p_nom_opt"] = [float(values[f"p_nom({name})"][0]) if f"p_nom({name})" in values else n.generators.at[name, "p_nom"]
                                 for name in n.generators.index]
    p0, p1, stores_e, stores_p = {}, {}, {}, {}
    for name, option in inputs.options.items():
        if option.kind != "storage":
            continue
        root_efficiency = float(np.sqrt(option.efficiency))
        charge, discharge = values[f"charge({name})"], values[f"discharge({name})"]
        p0[f"{name}_charge"], p1[f"{name}_charge"] = charge, -root_efficiency * charge
        p0[f"{name}_discharge"], p1[f"{name}_discharge"] = discharge, -root_efficiency * discharge
        for link in (f"{name}_charge", f"{name}_discharge"):
            n.links.loc[link, "p_nom_opt"] = float(values[f"p_nom({name})"][0])
        n.stores.loc[name, "e_nom_opt"] = float(values[f"e_nom({name})"][0])
        stores_e[name], stores_p[name] = values[f"soc({name})"], discharge - root_efficiency * charge
    if p0:
        n.links_t.p0, n.links_t.p1 = pd.DataFrame(p0, index=index), pd.DataFrame(p1, index=index)
        n.stores_t.e, n.stores_t.p = pd.DataFrame(stores_e, index=index), pd.DataFrame(stores_p, index=index)
    n._objective = objective
    return n

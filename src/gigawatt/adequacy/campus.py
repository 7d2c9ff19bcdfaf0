"""A campus's reliability from its plan: the plan's supply drawn as failing units, a grid that trips and a battery
that may be empty (:mod:`gigawatt.power.reliability` builds the inputs, :mod:`gigawatt.adequacy.montecarlo`
draws the years), read as what a planner asks: how available, how many hours and MWh lost, how much compute and
its value, and whether the plan meets the N+1 rule it would be judged by.

Compute lost: an unserved MWh stops its share of the cluster's accelerator-hours (the load is the cluster's);
a capped MWh costs its share too at most, since pausing that share of the accelerators sheds it exactly, and less
where capping power is the cheaper way (``compute_per_energy``: the catalog curve's compute lost per energy shed at
its deepest cap, no more than 1; at the training curve's 27% power throughput is 19%, so there pausing is cheaper).

Redundancy (where the section gives ``target_availability``): the plan's options as additions
(:func:`additions`: its dispatchable groups, the dispatchable options it offered but did not build, its battery),
costed at the plan's annualised USD/MW-yr and USD/MWh-yr, sized by :mod:`gigawatt.adequacy.redundancy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.core.results import json_safe
from gigawatt.core.units import HOURS_PER_YEAR
from gigawatt.power.inputs import PlanInputs
from gigawatt.power.reliability import Flexibility, monte_carlo_inputs
from gigawatt.adequacy.montecarlo import Estimate, Mapper, ReliabilityInputs, ReliabilityResult, simulate
from gigawatt.adequacy.redundancy import BATTERY, UNITS, Addition, size_redundancy
from gigawatt.adequacy.scenario import Reliability
from gigawatt.power.results import BUILT_MW

EVENT_QUANTILES = (0.5, 0.9, 0.99)  # of outage events' duration and depth


def _estimate(value: Estimate) -> dict[str, float]:
    return {"mean": value.mean, "low": value.low, "high": value.high}


@dataclass
class CampusReliability:
    """What the Monte Carlo found for a plan, with 95% intervals (``mean``, ``low``, ``high``) over the drawn years."""

    scenario: str
    section: dict[str, Any]  # the reliability section as run (defaults resolved)
    draws: int
    availability: dict[str, float]  # share of the load's energy served, ratio
    nines: float
    lole_hours_per_year: dict[str, float]
    eue_mwh_per_year: dict[str, float]
    events_per_year: dict[str, float]
    capped_hours_per_year: dict[str, float]
    capped_mwh_per_year: dict[str, float]
    lost_accelerator_hours_per_year: dict[str, float]
    lost_compute_usd_per_year: dict[str, float]
    value_usd_per_accelerator_hour: float | None
    draws_for_eue_target: int | None
    events: dict[str, Any]  # count drawn, duration and depth quantiles
    flexibility: dict[str, Any]
    n_plus_1: dict[str, Any]  # the rule a plan is judged by today: firm MW without its largest unit against the peak
    redundancy: dict[str, Any] | None  # the cheapest additions to reliability.target_availability (None without a target)
    units: pd.DataFrame = field(repr=False)
    per_draw: pd.DataFrame = field(repr=False)
    event_table: pd.DataFrame = field(repr=False)
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Figures as JSON-safe values; the units as records."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__ if name not in ("units", "per_draw", "event_table", "messages")}
        out["units"] = self.units.to_dict(orient="records")
        return json_safe(out)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """``units`` (the fleet drawn), ``per_draw`` (one row a drawn year) and ``events`` (one row an outage event)."""
        return {"units": self.units, "per_draw": self.per_draw, "events": self.event_table}


def _n_plus_1(units: pd.DataFrame, peak_mw: float) -> dict[str, Any]:
    """N-1 as planners state it: the firm MW (units and the grid connection, not weather or storage) without the
    largest single unit, against the peak load."""
    total = float((units["units"] * units["unit_mw"]).sum())
    largest = float(units["unit_mw"].max()) if len(units) else 0.0
    return {"firm_mw": total, "largest_unit_mw": largest, "peak_mw": peak_mw, "firm_without_largest_mw": total - largest,
            "meets": bool(total - largest >= peak_mw - 1e-6)}


def _outage_figure(section: Reliability, technology: str, name: str, row: pd.Series | None) -> float | None:
    """A unit figure from the section, else the catalog; None where neither has one."""
    given = section.units.get(technology)
    value = getattr(given, name, None) if given is not None else None
    if value is None and row is not None:
        value = row.get(name)
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def additions(section: Reliability, inputs: PlanInputs, capacity_mw: dict[str, float], mc: ReliabilityInputs) -> tuple[list[Addition], list[str]]:
    """What the redundancy search may add to the plan's fleet ``mc``, at the plan's annualised costs: one more unit of
    each dispatchable group built (its unit size); a unit of each dispatchable option offered but not built (the
    section's or the catalog's outage figures and unit size; skipped, said in the messages, where there are none);
    and battery hours at the plan's battery power, or a one-hour battery of the largest unit's MW where the scenario
    offers a battery the plan did not build. The scenario's MW limits hold."""
    outages = catalog.outages().set_index("technology")
    groups = {g.technology: g for g in mc.units}
    largest_mw = max((g.unit_mw for g in mc.units), default=0.0)
    found: list[Addition] = []
    messages: list[str] = []
    for name, option in inputs.options.items():
        if option.kind == "grid" or name in inputs.capacity_factor:
            continue
        if option.kind == "storage":
            built = float(capacity_mw.get(name, 0.0)) > BUILT_MW
            if any(a.kind == BATTERY for a in found) or (not built and largest_mw <= 0):
                continue
            found.append(Addition(name, BATTERY, largest_mw, option.capital_usd_per_mw_year, option.energy_capital_usd_per_mwh_year,
                                  round_trip_efficiency=option.efficiency, max_mw=option.max_mw))
            continue
        if name in groups:
            g = groups[name]
            found.append(Addition(name, UNITS, g.unit_mw, option.capital_usd_per_mw_year, forced_outage_rate=g.forced_outage_rate,
                                  mean_time_to_repair_hours=g.mean_time_to_repair_hours, max_mw=option.max_mw))
            continue
        row = outages.loc[option.technology] if option.technology in outages.index else None
        figures = {k: _outage_figure(section, option.technology, k, row) for k in ("unit_mw", "forced_outage_rate", "mean_time_to_repair_hours")}
        missing = [k for k, v in figures.items() if v is None]
        if missing:
            messages.append(f"reliability: {name} is not tried as redundancy: no {', '.join(missing)} (give reliability.units.{option.technology})")
            continue
        found.append(Addition(name, UNITS, figures["unit_mw"], option.capital_usd_per_mw_year, forced_outage_rate=figures["forced_outage_rate"],
                              mean_time_to_repair_hours=figures["mean_time_to_repair_hours"], max_mw=option.max_mw))
    return found, messages


def _lost_compute(result: ReliabilityResult, flex: Flexibility, accelerators: float) -> Estimate:
    per_draw = result.per_draw
    load = per_draw["load_mwh"].where(per_draw["load_mwh"] > 0, 1.0)
    share = (per_draw["unserved_mwh"] + flex.compute_per_energy * per_draw["capped_mwh"]) / load
    return Estimate.of((share * accelerators * HOURS_PER_YEAR).to_numpy())


def campus_reliability(scenario: Any, inputs: PlanInputs, plan: dict[str, Any], accelerators: float, map: Mapper | None = None) -> CampusReliability:
    """The Monte Carlo of ``plan`` (its JSON form: ``capacity_mw``, ``storage_mwh``, costs) on every hour of ``inputs``
    for ``scenario``'s ``reliability`` section (the defaults where it has none); ``map`` runs the draws' pieces
    (``montecarlo.simulate``), here and in the redundancy search."""
    section = scenario.reliability or Reliability()
    mc, units, flex = monte_carlo_inputs(scenario, inputs, plan["capacity_mw"], float(plan.get("storage_mwh") or 0.0))
    result = simulate(mc, section.draws, section.seed, map=map)
    value = plan.get("cost_usd_per_delivered_accelerator_hour")
    lost = _lost_compute(result, flex, accelerators)
    events = result.events
    summary = {"drawn": len(events)}
    for column in ("duration_hours", "depth_mw"):
        values = events[column].to_numpy()
        summary[column] = {f"p{int(q * 100)}": float(np.quantile(values, q)) if len(values) else None for q in EVENT_QUANTILES}
        summary[column]["max"] = float(values.max()) if len(values) else None
    messages = []
    if any(units["figures"] == "catalog"):
        messages.append("reliability: outage figures from the catalog (gigawatt catalog outages) for "
                        + ", ".join(units.loc[units["figures"] == "catalog", "technology"]) + "; give reliability.units.<id> to change them")
    if mc.battery is not None:
        messages.append("reliability: the battery is drawn always available (its own outages are not drawn)")
    if result.draws_for_eue_target is not None and result.draws_for_eue_target > result.draws:
        messages.append(f"reliability: {result.draws:,} draws give EUE within ±{(result.eue_mwh_per_year.high - result.eue_mwh_per_year.mean) / max(result.eue_mwh_per_year.mean, 1e-12):.0%}; "
                        f"about {result.draws_for_eue_target:,} would give ±10% (reliability.draws)")
    redundancy = None
    if section.target_availability is not None:
        offered, notes = additions(section, inputs, plan["capacity_mw"], mc)
        sized = size_redundancy(mc, offered, section.target_availability, section.draws, section.seed, before=result, map=map)
        redundancy = json_safe(sized.to_dict())
        messages += [*notes, *sized.messages]
    return CampusReliability(
        scenario=scenario.name, section={**section.model_dump(mode="json"), "flexible_share": flex.share},
        draws=result.draws, availability=_estimate(result.availability), nines=result.nines,
        lole_hours_per_year=_estimate(result.lole_hours_per_year), eue_mwh_per_year=_estimate(result.eue_mwh_per_year),
        events_per_year=_estimate(result.events_per_year), capped_hours_per_year=_estimate(result.capped_hours_per_year),
        capped_mwh_per_year=_estimate(result.capped_mwh_per_year), lost_accelerator_hours_per_year=_estimate(lost),
        lost_compute_usd_per_year=_estimate(Estimate(lost.mean * (value or 0.0), lost.low * (value or 0.0), lost.high * (value or 0.0))),
        value_usd_per_accelerator_hour=value, draws_for_eue_target=result.draws_for_eue_target, events=summary,
        flexibility={"share": flex.share, "max_hours": None if flex.max_hours == float("inf") else flex.max_hours,
                     "compute_per_energy": flex.compute_per_energy, "source": flex.source},
        n_plus_1=_n_plus_1(units, float(mc.load_mw.max())), redundancy=redundancy, units=units, per_draw=result.per_draw, event_table=events, messages=messages,
    )


__all__ = ["CampusReliability", "additions", "campus_reliability"]

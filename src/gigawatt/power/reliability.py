"""A solved plan's supply as the inputs of a sequential Monte Carlo (:mod:`gigawatt.adequacy.montecarlo`).

Every hour of the scenario's year (not a screening run's segments): the load, the variable options' available MW
(capacity x capacity factor), each dispatchable option's MW split into whole units of about the catalog's unit size
(``catalog/outages.csv``: ``count = ceil(MW / unit_mw)`` units of ``MW / count``, so the fleet's MW is the plan's),
the battery with its round-trip efficiency, and the grid connection with its outages and, for a flexible
connection, its hourly share. Outage figures come from the scenario's ``reliability:`` section, else the catalog;
a figure neither gives is refused naming the field. The cluster's power caps, the last resource before load is
lost, come from the catalog's power-capping curve for ``site.workload`` unless the section gives them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.core.units import HOURS_PER_YEAR
from gigawatt.power.inputs import PlanInputs
from gigawatt.power.results import BUILT_MW
from gigawatt.adequacy.montecarlo import Battery, FuelEvent, GridConnection, ReliabilityInputs, UnitGroup
from gigawatt.adequacy.scenario import Reliability

GRID_ROW = "grid_import"  # the catalog's outage row for a grid connection (EIA-861 SAIFI and SAIDI)


@dataclass(frozen=True)
class Flexibility:
    """How far the cluster can cap its power in an outage: ``share`` of the load, for at most ``max_hours`` an event,
    losing ``compute_per_energy`` of its compute share per share of energy capped (from the curve's deepest cap)."""

    share: float
    max_hours: float
    compute_per_energy: float
    source: str


def unit_split(mw: float, unit_mw: float) -> tuple[int, float]:
    """``mw`` as whole units of about ``unit_mw``: (count, MW each), the count rounded up so no unit is larger."""
    count = max(1, math.ceil(mw / unit_mw - 1e-9))
    return count, mw / count


def flexibility(section: Reliability, workload: str) -> Flexibility:
    """The cluster's caps in an outage: the section's share and hours, else the deepest cap of the catalog's
    power-capping curve for ``workload`` (all workloads' most cautious where the curve has none for it), held as
    long as the event lasts."""
    curve = catalog.power_capping()
    rows = curve[curve["workload"] == workload]
    if rows.empty:  # e.g. a mixed campus: the workload whose deepest cap saves least
        rows = curve.loc[curve.groupby("workload")["power_share"].idxmin()]
        deepest = rows.loc[rows["power_share"].idxmax()]
    else:
        deepest = rows.loc[rows["power_share"].idxmin()]
    saved = 1.0 - float(deepest["power_share"])
    per_energy = min(1.0, (1.0 - float(deepest["throughput_share"])) / saved) if saved > 0 else 1.0  # pausing loses its share: no more
    share = saved if section.flexible_share is None else section.flexible_share
    source = (f"catalog power_capping {deepest['id']}: power to {float(deepest['power_share']):.0%}, throughput {float(deepest['throughput_share']):.0%}"
              if section.flexible_share is None else "reliability.flexible_share")
    hours = section.flexible_max_hours if section.flexible_max_hours is not None else math.inf
    return Flexibility(share, hours, per_energy, source)


def _figure(section: Reliability, tech: str, name: str, row: pd.Series | None) -> float:
    given = section.units.get(tech)
    value = getattr(given, name, None) if given is not None else None
    if value is None and row is not None:
        value = row.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ScenarioError(f"reliability.units.{tech}.{name}: the catalog has no public figure for {tech}; give one "
                            f"(e.g. reliability.units.{tech}: {{forced_outage_rate: 0.05, mean_time_to_repair_hours: 48}})")
    return float(value)


def fuel_events(section: Reliability, inputs: PlanInputs) -> tuple[FuelEvent, ...]:
    """The section's fuel interruptions as hours of the load's year, striking the options burning their carrier."""
    technologies = catalog.technologies().set_index("technology")
    index = inputs.load_mw.index
    events = []
    for i, event in enumerate(section.fuel_interruptions):
        try:
            begins = pd.Timestamp(f"{index[0].year}-{event.start}", tz=index.tz)
        except ValueError:
            raise ScenarioError(f"reliability.fuel_interruptions[{i}].start: {event.start} is no day of {index[0].year}") from None
        struck = tuple(name for name, option in inputs.options.items()
                       if option.technology in technologies.index and technologies.at[option.technology, "carrier"] == event.carrier)
        events.append(FuelEvent(event.name, int(np.searchsorted(index, begins)), math.ceil(event.hours), event.share,
                                event.probability_per_year, struck))
    return tuple(events)


def check_section(scenario: Any) -> None:
    """Every dispatchable option the scenario offers has the outage figures a draw needs (the section's or the
    catalog's) and every fuel interruption names a catalog carrier, else a one-line error naming the field: before
    any plan is solved."""
    section = scenario.reliability or Reliability()
    outages = catalog.outages().set_index("technology")
    technologies = catalog.technologies().set_index("technology")
    carriers = set(technologies["carrier"].dropna())
    for i, event in enumerate(section.fuel_interruptions):
        if event.carrier not in carriers:
            raise ScenarioError(f"reliability.fuel_interruptions[{i}].carrier: '{event.carrier}' is no catalog carrier ({', '.join(sorted(carriers))})")
    unknown = sorted(set(section.units) - set(scenario.supply.technologies))
    if unknown:
        raise ScenarioError(f"reliability.units.{unknown[0]}: not a supply option of this scenario ({', '.join(scenario.supply.technologies)}); "
                            "give one of supply.technologies")
    variable = set(catalog.variable_technologies())
    for tech in scenario.supply.technologies:
        if tech in variable or tech not in technologies.index or technologies.at[tech, "kind"] in ("storage", "grid"):
            continue
        row = outages.loc[tech] if tech in outages.index else None
        for name in ("unit_mw", "forced_outage_rate", "mean_time_to_repair_hours"):
            _figure(section, tech, name, row)


def monte_carlo_inputs(scenario: Any, inputs: PlanInputs, capacity_mw: dict[str, float], storage_mwh: float,
                       ) -> tuple[ReliabilityInputs, pd.DataFrame, Flexibility]:
    """The Monte Carlo's inputs for a plan of ``scenario`` (its ``reliability`` section, or the defaults) on every
    hour of ``inputs``, with what the plan built; and a table of the units (technology, count, MW each, outage
    figures and where each came from) and the cluster's flexibility."""
    section = scenario.reliability or Reliability()
    if inputs.snapshot_weightings_h is not None:
        raise ScenarioError("reliability: the Monte Carlo draws every hour; give it the plan's hourly inputs, not its time segments")
    outages = catalog.outages().set_index("technology")
    unknown = sorted(set(section.units) - set(capacity_mw))
    if unknown:
        raise ScenarioError(f"reliability.units.{unknown[0]}: not a supply option of this plan ({', '.join(capacity_mw)}); give one of those")
    load = inputs.load_mw.to_numpy(dtype=float)
    variable = np.zeros_like(load)
    units: list[UnitGroup] = []
    rows: list[dict[str, Any]] = []
    battery = grid = None
    for name, option in inputs.options.items():
        mw = float(capacity_mw.get(name, 0.0))
        if mw <= BUILT_MW:
            continue
        row = outages.loc[option.technology] if option.technology in outages.index else None
        if option.kind == "storage":
            battery = Battery(power_mw=mw, energy_mwh=float(storage_mwh), round_trip_efficiency=option.efficiency)
        elif option.kind == "grid":
            given = section.grid
            frequency = given.outages_per_year if given.outages_per_year is not None else float(outages.at[GRID_ROW, "outages_per_year"])
            hours = given.mean_outage_hours if given.mean_outage_hours is not None else float(outages.at[GRID_ROW, "mean_time_to_repair_hours"])
            share = inputs.capacity_factor.get(name)
            grid = GridConnection(mw, frequency, hours, None if share is None else share.to_numpy(dtype=float))
            rows.append({"technology": name, "units": 1, "unit_mw": mw, "forced_outage_rate": frequency * hours / HOURS_PER_YEAR,
                         "mean_time_to_repair_hours": hours, "figures": "reliability.grid" if given.outages_per_year is not None else "catalog"})
        elif name in inputs.capacity_factor:  # weather-driven: its hourly MW, no forced outages drawn (many small units)
            variable += mw * inputs.capacity_factor[name].to_numpy(dtype=float)
        else:
            unit_mw = _figure(section, option.technology, "unit_mw", row)
            count, size = unit_split(mw, unit_mw)
            q = _figure(section, option.technology, "forced_outage_rate", row)
            r = _figure(section, option.technology, "mean_time_to_repair_hours", row)
            units.append(UnitGroup(name, size, count, q, r))
            rows.append({"technology": name, "units": count, "unit_mw": size, "forced_outage_rate": q, "mean_time_to_repair_hours": r,
                         "figures": "reliability.units" if option.technology in section.units else "catalog"})
    flex = flexibility(section, scenario.site.workload if scenario.site is not None else "training")
    mc = ReliabilityInputs(load_mw=load, units=tuple(units), variable_mw=variable, battery=battery, grid=grid,
                           flexible_share=flex.share, flexible_max_hours=min(flex.max_hours, float(load.size)),
                           fuel_events=fuel_events(section, inputs))
    return mc, pd.DataFrame(rows, columns=["technology", "units", "unit_mw", "forced_outage_rate", "mean_time_to_repair_hours", "figures"]), flex


__all__ = ["Flexibility", "check_section", "flexibility", "fuel_events", "monte_carlo_inputs", "unit_split"]

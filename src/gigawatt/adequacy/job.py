"""The reliability job as every face sees it (``gigawatt reliability``): a plan scenario, planned, then its supply
drawn as failing units over many years (:mod:`gigawatt.adequacy.campus`); its figures, table, plot, charts, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from gigawatt.core.errors import ScenarioError
from gigawatt.core.jsonschema import NUMBER
from gigawatt.core.present import Chart, chart_layout, fmt, plain_list, pyplot, save_figure
from gigawatt.core.results import Result, json_safe
from gigawatt.core.spec import JobSpec, RunSettings
from gigawatt.power.scenario import Scenario

PHASED = "phases: the reliability of a phased plan is not drawn yet; give the period to study its own scenario (drop phases)"

# --- figures --------------------------------------------------------------------------------------


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell reliability runs apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    return {
        "availability": data["availability"]["mean"], "nines": data["nines"],
        "LOLE h/yr": data["lole_hours_per_year"]["mean"], "EUE MWh/yr": data["eue_mwh_per_year"]["mean"],
        "outage events/yr": data["events_per_year"]["mean"], "capped h/yr": data["capped_hours_per_year"]["mean"],
        "lost accelerator-hours/yr": data["lost_accelerator_hours_per_year"]["mean"],
        "lost compute USD/yr": data["lost_compute_usd_per_year"]["mean"], "meets N-1": data["n_plus_1"]["meets"],
    }


FIGURE_LABELS = ("availability", "nines", "LOLE h/yr", "EUE MWh/yr", "outage events/yr", "capped h/yr", "lost accelerator-hours/yr",
                 "lost compute USD/yr", "meets N-1")

# --- running ------------------------------------------------------------------------------------------


def check(scenario: Scenario) -> None:
    """The plan's references (cluster, technologies, site); a phased plan is refused before it is solved."""
    from gigawatt.power.job import check as plan_check

    from gigawatt.power.reliability import check_section

    if scenario.phases:
        raise ScenarioError(PHASED)
    plan_check(scenario)
    check_section(scenario)


def draw(scenario: Scenario, plan: dict[str, Any]) -> Any:
    """The Monte Carlo of a plan's JSON form (solved now, or stored) for its scenario: the hourly inputs read again
    on every hour (weather, load), the cluster sized again from the catalog."""
    from gigawatt.compute.sizing import size
    from gigawatt.power.plan import plan_inputs
    from gigawatt.adequacy.campus import campus_reliability

    if scenario.phases:
        raise ScenarioError(PHASED)
    sizing = size(scenario)
    return campus_reliability(scenario, plan_inputs(scenario, sizing), plan, float(sizing.accelerator_count))


def run(scenario: Scenario, settings: RunSettings) -> tuple[Any, list[str], dict[str, Any] | None]:
    """The job run on a validated scenario: (its output, messages for the user, solver facts or None)."""
    from gigawatt.power.job import run as plan_run

    check(scenario)
    plan, messages, solver = plan_run(scenario, settings)
    result = draw(scenario, json_safe(plan.to_dict()))
    return result, [*messages, *result.messages], solver


# --- table --------------------------------------------------------------------------------------------


def _interval(value: dict[str, float], digits: str = ",.1f") -> str:
    return f"{value['mean']:{digits}} ({value['low']:{digits}} to {value['high']:{digits}})"


def table(r: Result, console: Console) -> None:
    """Availability, loss of load and lost compute with their 95% intervals, the units drawn, and the N-1 rule."""
    d = r.data
    head = Table(title=f"{d['scenario']}: {d['draws']:,} years drawn (mean, 95% interval)")
    head.add_column("figure")
    head.add_column("value", justify="right")
    availability = d["availability"]
    head.add_row("availability (energy served)", f"{availability['mean']:.5%} ({availability['low']:.5%} to {availability['high']:.5%})")
    head.add_row("nines", fmt(d["nines"]) if d["nines"] is not None else f"no drawn year fell short (in {d['draws']:,})")
    head.add_row("loss of load, hours/yr (LOLE)", _interval(d["lole_hours_per_year"], ",.2f"))
    head.add_row("unserved energy, MWh/yr (EUE)", _interval(d["eue_mwh_per_year"]))
    head.add_row("outage events/yr", _interval(d["events_per_year"], ",.2f"))
    head.add_row("hours capped/yr (the cluster's last resource)", _interval(d["capped_hours_per_year"]))
    head.add_row("compute lost, accelerator-hours/yr", _interval(d["lost_accelerator_hours_per_year"], ",.0f"))
    if d["value_usd_per_accelerator_hour"]:
        head.add_row(f"its value at {d['value_usd_per_accelerator_hour']:.2f} USD/accelerator-hour, USD/yr",
                     _interval(d["lost_compute_usd_per_year"], ",.0f"))
    events = d["events"]
    if events["drawn"]:
        head.add_row("event duration, hours (p50 / p90 / max)",
                     " / ".join(fmt(events["duration_hours"][k]) for k in ("p50", "p90", "max")))
        head.add_row("event depth, MW (p50 / p90 / max)", " / ".join(fmt(events["depth_mw"][k]) for k in ("p50", "p90", "max")))
    console.print(head)
    units = Table(title="the fleet drawn (the plan's MW as units)")
    for column in ("technology", "units", "MW each", "forced-outage rate", "repair, hours", "figures"):
        units.add_column(column, justify="left" if column in ("technology", "figures") else "right")
    for row in d["units"]:
        units.add_row(row["technology"], str(row["units"]), fmt(row["unit_mw"]), f"{row['forced_outage_rate']:.2%}",
                      fmt(row["mean_time_to_repair_hours"]), row["figures"])
    console.print(units)
    n1 = d["n_plus_1"]
    console.print(f"N-1: firm {n1['firm_mw']:,.0f} MW less the largest unit ({n1['largest_unit_mw']:,.0f} MW) is "
                  f"{n1['firm_without_largest_mw']:,.0f} MW against a {n1['peak_mw']:,.0f} MW peak: "
                  f"{'meets' if n1['meets'] else 'does not meet'} the rule", highlight=False)
    flex = d["flexibility"]
    console.print(f"cluster caps: up to {flex['share']:.0%} of the load ({flex['source']})", highlight=False)


# --- figures (plot) -------------------------------------------------------------------------------------


def plot(result: Result, path: Path) -> Path:
    """The figure of ``gigawatt reliability --plot``: the outage-duration curve and the unserved energy of each drawn year."""
    plt = pyplot()
    frames = result.to_frames()
    events, per_draw = frames["events"], frames["per_draw"]
    draws = result.data["draws"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    durations = np.sort(events["duration_hours"].to_numpy())[::-1]
    if durations.size:
        left.step(durations, np.arange(1, durations.size + 1) / draws, where="post", color="tab:red")
        left.set_yscale("log")
    left.set_xlabel("outage event lasting at least, hours")
    left.set_ylabel("events a year")
    left.set_title("Outage duration curve")
    unserved = per_draw["unserved_mwh"].to_numpy()
    right.hist(unserved, bins=min(50, max(5, draws // 20)), color="tab:blue", alpha=0.7)
    right.axvline(unserved.mean(), color="black", linestyle="--", label=f"mean {unserved.mean():,.0f} MWh")
    right.set_xlabel("unserved energy in a drawn year, MWh")
    right.set_ylabel("years drawn")
    right.set_title("Unserved energy by year")
    right.legend()
    return save_figure(fig, path, f"{result.data['scenario']}: availability {result.data['availability']['mean']:.5%}")


def charts(r: Result) -> dict[str, Chart]:
    """The workbench's charts: the outage-duration curve, and unserved energy by drawn year."""
    frames = r.to_frames()
    durations = np.sort(frames["events"]["duration_hours"].to_numpy())[::-1]
    curve = {"type": "scatter", "mode": "lines", "line": {"shape": "hv"}, "name": "events a year at least this long",
             "x": plain_list(durations), "y": plain_list(np.arange(1, durations.size + 1) / r.data["draws"])}
    years = {"type": "histogram", "name": "unserved MWh", "x": plain_list(frames["per_draw"]["unserved_mwh"])}
    return {"duration_curve": {"data": [curve], "layout": chart_layout("Outage duration curve", "hours", "events a year")},
            "unserved": {"data": [years], "layout": chart_layout("Unserved energy by drawn year", "MWh", "years drawn")}}


# --- schema --------------------------------------------------------------------------------------------


def result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of a reliability result's ``result`` part, and the definitions it references."""
    estimate = {"type": "object", "required": ["mean", "low", "high"], "properties": {k: NUMBER for k in ("mean", "low", "high")}}
    props = {"scenario": {"type": "string"}, "section": {"type": "object"}, "draws": {"type": "integer"},
             "availability": {"$ref": "#/$defs/estimate"}, "nines": NUMBER,
             **{name: {"$ref": "#/$defs/estimate"} for name in ("lole_hours_per_year", "eue_mwh_per_year", "events_per_year", "capped_hours_per_year",
                                                               "capped_mwh_per_year", "lost_accelerator_hours_per_year", "lost_compute_usd_per_year")},
             "value_usd_per_accelerator_hour": NUMBER, "draws_for_eue_target": {"type": ["integer", "null"]},
             "events": {"type": "object"}, "flexibility": {"type": "object"}, "n_plus_1": {"type": "object"},
             "units": {"type": "array", "items": {"type": "object"}}}
    return {"type": "object", "properties": props, "required": sorted(props)}, {"estimate": estimate}


SPEC = JobSpec(
    kind="reliability", summary="Will the lights stay on: the plan's supply drawn as failing units over many years, loss of load and lost compute",
    inputs=Scenario, mark=("site", "reliability"), accepts=("plan", "size", "finance"),  # a plan scenario with a reliability section
    run=run, check=check, figures=figures, figure_labels=FIGURE_LABELS, headline=("availability", "LOLE h/yr", "EUE MWh/yr"),
    table=table, plot=plot, charts=charts, result_schema=result_schema, from_plan=draw,
)

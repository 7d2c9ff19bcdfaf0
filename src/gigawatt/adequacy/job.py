"""The reliability job as every face sees it (``gigawatt reliability``): a plan scenario, planned, then its supply
drawn as failing units over many years (:mod:`gigawatt.adequacy.campus`); its figures, table, plot, charts, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.core.jsonschema import NUMBER
from gigawatt.core.present import Chart, chart_layout, fmt, plain_list, pyplot, save_figure
from gigawatt.core.results import Result, json_safe
from gigawatt.core.spec import JobSpec, RunSettings
from gigawatt.power.scenario import Scenario

USD_PER_MILLION = 1e6  # the redundancy panel's cost axis is in million USD/yr
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
        "redundancy USD/yr": (data.get("redundancy") or {}).get("cost_usd_per_year"),
    }


FIGURE_LABELS = ("availability", "nines", "LOLE h/yr", "EUE MWh/yr", "outage events/yr", "capped h/yr", "lost accelerator-hours/yr",
                 "lost compute USD/yr", "meets N-1", "redundancy USD/yr")

# --- running ------------------------------------------------------------------------------------------


def check(scenario: Scenario) -> None:
    """The plan's references (cluster, technologies, site); a phased plan is refused before it is solved."""
    from gigawatt.power.job import check as plan_check

    from gigawatt.power.reliability import check_section

    if scenario.phases:
        raise ScenarioError(PHASED)
    plan_check(scenario)
    check_section(scenario)


def draw(scenario: Scenario, plan: dict[str, Any], settings: RunSettings | None = None) -> Any:
    """The Monte Carlo of a plan's JSON form (solved now, or stored) for its scenario: the hourly inputs read again
    on every hour (weather, load), the cluster sized again from the catalog; the draws run where ``settings.map``
    sends them (in this process without one)."""
    from gigawatt.compute.sizing import size
    from gigawatt.power.plan import plan_inputs
    from gigawatt.adequacy.campus import campus_reliability

    if scenario.phases:
        raise ScenarioError(PHASED)
    sizing = size(scenario)
    return campus_reliability(scenario, plan_inputs(scenario, sizing), plan, float(sizing.accelerator_count),
                              map=settings.map if settings is not None else None)


def run(scenario: Scenario, settings: RunSettings) -> tuple[Any, list[str], dict[str, Any] | None]:
    """The job run on a validated scenario: (its output, messages for the user, solver facts or None)."""
    from gigawatt.power.job import run as plan_run

    check(scenario)
    plan, messages, solver = plan_run(scenario, settings)
    result = draw(scenario, json_safe(plan.to_dict()), settings)
    return result, [*messages, *result.messages], solver


# --- table --------------------------------------------------------------------------------------------


def _interval(value: dict[str, float], digits: str = ",.1f") -> str:
    return f"{value['mean']:{digits}} ({value['low']:{digits}} to {value['high']:{digits}})"


def table(r: Result, console: Console) -> None:
    """Availability, loss of load and lost compute with their 95% intervals, the units drawn, and the N-1 rule."""
    d = r.data
    head = Table(title=f"{d['scenario']}: {d['draws']:,} years drawn (mean, 95% interval)")
    head.add_column("figure", overflow="fold")
    head.add_column("value", justify="right", overflow="fold")
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
        units.add_column(column, justify="left" if column in ("technology", "figures") else "right", overflow="fold")
    for row in d["units"]:
        units.add_row(catalog.display_name(row["technology"]), str(row["units"]), fmt(row["unit_mw"]), f"{row['forced_outage_rate']:.2%}",
                      fmt(row["mean_time_to_repair_hours"]), row["figures"])
    console.print(units)
    n1 = d["n_plus_1"]
    console.print(f"N-1: firm {n1['firm_mw']:,.0f} MW less the largest unit ({n1['largest_unit_mw']:,.0f} MW) is "
                  f"{n1['firm_without_largest_mw']:,.0f} MW against a {n1['peak_mw']:,.0f} MW peak: "
                  f"{'meets' if n1['meets'] else 'does not meet'} the rule", highlight=False)
    flex = d["flexibility"]
    console.print(f"cluster caps: up to {flex['share']:.0%} of the load ({flex['source']})", highlight=False)
    if d.get("redundancy"):
        _redundancy_table(d["redundancy"], console)


def _redundancy_table(red: dict[str, Any], console: Console) -> None:
    """The additions that reach the target, their cost, before and after, the cost of each nine and N-1 beside them."""
    added = Table(title=f"redundancy to {red['target_availability']:.4%} of energy served: {red['cost_usd_per_year']:,.0f} USD/yr "
                        f"(searched on {red['search_draws']:,} years, checked on {red['draws']:,})")
    for column in ("added", "units", "MW", "MWh", "USD/yr"):
        added.add_column(column, justify="left" if column == "added" else "right", overflow="fold")
    for row in red["additions"]:
        added.add_row(f"{catalog.display_name(row['technology'])} ({row['kind']})", str(row["units"]) if row["kind"] == "units" else "-", fmt(row["mw"]),
                      fmt(row["mwh"]) if row["mwh"] else "-", f"{row['usd_per_year']:,.0f}")
    if not red["additions"]:
        added.add_row("nothing: the plan already reaches the target", "-", "-", "-", "0")
    console.print(added)
    compare = Table(title="before and after the additions (mean, 95% interval)")
    for column in ("figure", "before", "after"):
        compare.add_column(column, justify="left" if column == "figure" else "right", overflow="fold")
    before, after = red["before"], red["after"]
    compare.add_row("availability", f"{before['availability']['mean']:.5%}", f"{after['availability']['mean']:.5%}")
    compare.add_row("loss of load, hours/yr (LOLE)", _interval(before["lole_hours_per_year"], ",.2f"), _interval(after["lole_hours_per_year"], ",.2f"))
    compare.add_row("unserved energy, MWh/yr (EUE)", _interval(before["eue_mwh_per_year"]), _interval(after["eue_mwh_per_year"]))
    console.print(compare)
    for nine in red["cost_of_nines"]:
        console.print(f"  {nine['availability']:.{max(0, nine['nines'] - 2)}%}: reached at {nine['cumulative_usd_per_year']:,.0f} USD/yr "
                      f"(+{nine['increment_usd_per_year']:,.0f} for this nine, step {nine['step']})", highlight=False)
    n1, rules = red["n_minus_1"], red["rules"]
    if n1["technology"]:
        availability = n1["availability"]["mean"]
        console.print(f"N-1 rule instead: {n1['units']} x {catalog.display_name(n1['technology'])} ({n1['mw']:,.0f} MW) for {n1['usd_per_year']:,.0f} USD/yr "
                      f"gives {availability:.5%}", highlight=False)
    else:
        console.print(f"N-1 rule: {n1['note']}", highlight=False)
    before, after = (round(rules[k], 3) + 0.0 for k in ("firm_margin_before", "firm_margin_after"))  # + 0.0: no "-0.0%"
    console.print(f"firm margin over the peak: {before:.1%} before, {after:.1%} after; after sizing "
                  f"{'meets' if rules['meets_n_minus_1_after'] else 'does not meet'} N-1 (~Uptime Tier III), "
                  f"{'meets' if rules['meets_2n_after'] else 'does not meet'} 2N (~Tier IV); the Tiers set no availability figure",
                  highlight=False)


# --- figures (plot) -------------------------------------------------------------------------------------


def plot(result: Result, path: Path) -> Path:
    """The figure of ``gigawatt reliability --plot``: the outage-duration curve and the unserved energy of each drawn year,
    and, with a target, availability against the cost of redundancy along the search's path."""
    plt = pyplot()
    frames = result.to_frames()
    events, per_draw = frames["events"], frames["per_draw"]
    draws = result.data["draws"]
    redundancy = result.data.get("redundancy")
    fig, axes = plt.subplots(1, 3 if redundancy else 2, figsize=(18 if redundancy else 12, 4.5))
    left, right = axes[0], axes[1]
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
    if redundancy:
        _plot_redundancy(axes[2], redundancy)
    return save_figure(fig, path, f"{result.data['scenario']}: availability {result.data['availability']['mean']:.5%}")


def _unavailability(path: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """(cumulative USD/yr, 1 - availability) along the path: unavailability on a log axis shows the nines."""
    return ([p["cumulative_usd_per_year"] for p in path], [max(1.0 - p["availability"], 0.0) for p in path])


def _plot_redundancy(ax: Any, redundancy: dict[str, Any]) -> None:
    cost, unavailable = _unavailability(redundancy["path"])
    ax.plot(np.array(cost) / USD_PER_MILLION, unavailable, marker="o", color="tab:green")
    ax.axhline(1.0 - redundancy["target_availability"], color="black", linestyle="--", label="target")
    if redundancy["n_minus_1"].get("availability"):
        n1 = redundancy["n_minus_1"]
        ax.plot([n1["usd_per_year"] / USD_PER_MILLION], [1.0 - n1["availability"]["mean"]], marker="s", color="tab:orange", linestyle="none", label="N-1 rule")
    if min(unavailable, default=0.0) > 0:
        ax.set_yscale("log")
    ax.set_xlabel("cost of redundancy, million USD/yr")
    ax.set_ylabel("unavailability (1 - share of energy served)")
    ax.set_title("Availability vs cost of redundancy")
    ax.legend()


def charts(r: Result) -> dict[str, Chart]:
    """The workbench's charts: the outage-duration curve, unserved energy by drawn year and, with a target,
    availability against the cost of redundancy (``redundancy``)."""
    frames = r.to_frames()
    durations = np.sort(frames["events"]["duration_hours"].to_numpy())[::-1]
    curve = {"type": "scatter", "mode": "lines", "line": {"shape": "hv"}, "name": "events a year at least this long",
             "x": plain_list(durations), "y": plain_list(np.arange(1, durations.size + 1) / r.data["draws"])}
    years = {"type": "histogram", "name": "unserved MWh", "x": plain_list(frames["per_draw"]["unserved_mwh"])}
    out = {"duration_curve": {"data": [curve], "layout": chart_layout("Outage duration curve", "hours", "events a year")},
           "unserved": {"data": [years], "layout": chart_layout("Unserved energy by drawn year", "MWh", "years drawn")}}
    redundancy = r.data.get("redundancy")
    if redundancy:
        cost, unavailable = _unavailability(redundancy["path"])
        path = {"type": "scatter", "mode": "lines+markers", "name": "greedy additions", "x": cost, "y": unavailable,
                "text": [f"step {p['step']}: {p['technology'] or 'as planned'}" for p in redundancy["path"]]}
        target = {"type": "scatter", "mode": "lines", "name": "target", "line": {"dash": "dash"},
                  "x": [0.0, max(cost)], "y": [1.0 - redundancy["target_availability"]] * 2}
        layout = chart_layout("Availability vs cost of redundancy", "USD/yr", "unavailability (1 - share served)")
        if min(unavailable, default=0.0) > 0:
            layout["yaxis"]["type"] = "log"
        out["redundancy"] = {"data": [path, target], "layout": layout}
    return out


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
             "redundancy": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/redundancy"}]},
             "units": {"type": "array", "items": {"type": "object"}}}
    figures = {"type": "object", "required": ["availability", "lole_hours_per_year", "eue_mwh_per_year"],
               "properties": {"availability": {"$ref": "#/$defs/estimate"}, "nines": NUMBER,
                              "lole_hours_per_year": {"$ref": "#/$defs/estimate"}, "eue_mwh_per_year": {"$ref": "#/$defs/estimate"}}}
    records = {"type": "array", "items": {"type": "object"}}
    red_props = {"target_availability": NUMBER, "draws": {"type": "integer"}, "search_draws": {"type": "integer"}, "seed": {"type": "integer"},
                 "additions": records, "cost_usd_per_year": NUMBER, "before": figures, "after": figures, "path": records,
                 "cost_of_nines": records, "n_minus_1": {"type": "object"}, "rules": {"type": "object"},
                 "messages": {"type": "array", "items": {"type": "string"}}}
    redundancy = {"type": "object", "properties": red_props, "required": sorted(red_props)}
    return {"type": "object", "properties": props, "required": sorted(props)}, {"estimate": estimate, "redundancy": redundancy}


SPEC = JobSpec(
    kind="reliability", summary="Will the lights stay on: the plan's supply drawn as failing units over many years, loss of load and lost compute",
    inputs=Scenario, mark=("site", "reliability"), accepts=("plan", "size", "finance"),  # a plan scenario with a reliability section
    run=run, check=check, figures=figures, figure_labels=FIGURE_LABELS, headline=("availability", "LOLE h/yr", "EUE MWh/yr"),
    decision=("availability", "LOLE h/yr", "EUE MWh/yr", "lost compute USD/yr", "meets N-1", "redundancy USD/yr"),
    table=table, plot=plot, charts=charts, result_schema=result_schema, from_plan=draw,
)

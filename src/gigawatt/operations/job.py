"""The schedule job as every face sees it: how it runs, its figures, table, plot, charts and schema (:data:`SPEC`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from gigawatt.core.jsonschema import dataclass_schema
from gigawatt.core.present import (
    Chart,
    chart_layout,
    fmt,
    plain_list,
    pyplot,
    save_figure,
)
from gigawatt.core.results import Result
from gigawatt.core.spec import JobSpec, RunSettings
from gigawatt.operations.scenario import ScheduleScenario

# --- figures --------------------------------------------------------------------------------------


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell schedule runs apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    out: dict[str, Any] = {"energy MWh": data["energy_mwh"], "flat energy MWh": data["flat_energy_mwh"], "energy cost USD": data["energy_cost_usd"],
           "CO2 t": data["co2_t"], "lost work USD": data["lost_work_usd"], "weighted performance": data["weighted_performance"],
           "events met": f"{sum(e['met'] for e in data['events'])} of {len(data['events'])}", "largest swing MW": data["largest_swing_mw"]}
    return out


# --- running ------------------------------------------------------------------------------------------


def check(scenario: ScheduleScenario) -> None:
    """Accelerators, times and their offsets, and the signal CSVs (coverage, plausibility)."""
    from gigawatt.operations.inputs import schedule_inputs

    schedule_inputs(scenario)


def run(scenario: ScheduleScenario, settings: RunSettings) -> tuple[Any, list[str], dict[str, Any]]:
    """The job run on a validated scenario: (its output, messages for the user, solver facts or None)."""
    from gigawatt.operations import schedule as run_schedule

    result, messages = run_schedule(scenario)
    return result, messages, result.solver


# --- table ---------------------------------------------------------------------------------------


def table(r: Result, console: Console) -> None:
    d = r.data
    head = Table(title=f"{d['name']}: {d['hours']:g} h of {d['interval_minutes']:g}-minute intervals, against running flat")
    for column in ("", "schedule", "flat"):
        head.add_column(column, justify="left" if not column else "right", overflow="fold")
    head.add_row("energy MWh", fmt(d["energy_mwh"]), fmt(d["flat_energy_mwh"]))
    head.add_row("energy cost USD", fmt(d["energy_cost_usd"]), fmt(d["flat_energy_cost_usd"]))
    head.add_row("CO2 t", fmt(d["co2_t"]), fmt(d["flat_co2_t"]))
    head.add_row("lost work USD", fmt(d["lost_work_usd"]), "0")
    head.add_row("weighted performance", f"{d['weighted_performance']:.3f}", "1.000")
    head.add_row("largest ramp MW/min, swing MW", f"{fmt(d['max_ramp_mw_per_min'])}, {fmt(d['largest_swing_mw'])}", "")
    console.print(head)
    if d["events"]:
        events = Table(title="events")
        for column in ("start", "min", "asked", "flat MW", "target MW", "mean MW", "depth %", "to target (min)", "met", "shortfall MWh"):
            events.add_column(column, justify="left" if column in ("start", "met") else "right", overflow="fold")
        for e in d["events"]:
            asked = f"{e['reduce_pct']:g}%" if e["reduce_pct"] is not None else f"{e['reduce_mw']:g} MW"
            events.add_row(e["start"][:16], f"{e['duration_minutes']:g}", asked, fmt(e["flat_mw"]), fmt(e["target_mw"]), fmt(e["mean_mw"]),
                           f"{e['depth_pct']:.1f}", fmt(e["minutes_to_target"]), "yes" if e["met"] else f"no ({', '.join(e['binding_jobs'])})",
                           fmt(e["shortfall_mwh"]))
        console.print(events)
    jobs = Table(title="jobs")
    for column in ("job", "kind", "accelerators", "max slowdown", "throughput kept", "pauses", "completion", "within tier"):
        jobs.add_column(column, justify="left" if column in ("job", "kind", "completion") else "right", overflow="fold")
    for j in d["jobs"]:
        jobs.add_row(j["name"], j["kind"], f"{j['accelerators']:,}", f"{j['max_slowdown']:.0%}", f"{j['throughput_retained']:.3f}",
                     str(j["pauses"]), j["completion"] or "", "yes" if j["within_tier"] else "NO")
    console.print(jobs)
    base = Table(title="against the rule-based policies (the demonstration's)")
    for column in ("policy", "total cost USD", "lost work USD", "energy cost USD", "weighted performance", "events met", "shortfall MWh"):
        base.add_column(column, justify="left" if column == "policy" else "right", overflow="fold")
    base.add_row("optimised", fmt(d["total_cost_usd"]), fmt(d["lost_work_usd"]), fmt(d["energy_cost_usd"]), f"{d['weighted_performance']:.3f}",
                 f"{sum(e['met'] for e in d['events'])} of {len(d['events'])}", fmt(d["shortfall_mwh"]))
    for name, b in d["baselines"].items():
        base.add_row(name, fmt(b["total_cost_usd"]), fmt(b["lost_work_usd"]), fmt(b["energy_cost_usd"]), f"{b['weighted_performance']:.3f}",
                     f"{b['events_met']} of {b['events']}", fmt(b["shortfall_mwh"]))
    console.print(base)
    f = d["flexibility"]
    if f["plan"]:
        console.print(f"flexibility proven: {f['events_met']} event(s) met, at least {fmt(f['smallest_reduction_mw'])} MW for {f['event_hours']:g} h, "
                      f"{fmt(f['event_energy_mwh'])} MWh given up in them (gigawatt plan over this span: "
                      f"constraints.flexible_share={f['plan']['constraints.flexible_share']:.4f})", highlight=False)
    console.print(f"energy given up over the schedule, for any reason: {fmt(f['energy_given_up_mwh'])} MWh, {f['energy_share']:.2%} of flat", highlight=False)
    s = d["solver"]
    console.print(f"solver: HiGHS {s.get('condition')}, {s.get('columns'):,} columns, {s.get('rows'):,} rows, {s.get('integers'):,} integer; "
                  f"build {s.get('build_s', 0):.2f} s, solve {s.get('seconds', 0):.2f} s, gap {s.get('mip_gap', 0):.2%}", style="dim", highlight=False)


# --- figures --------------------------------------------------------------------------------------


def plot_schedule(result, path: Path | str, title: str = "") -> Path:
    """Write a PNG of a schedule: the site's draw against running flat and each request (events shaded,
    targets and caps dashed, the rule-based policies dotted), and a panel of each job's power."""
    plt = pyplot()

    frames = result.to_frames()
    trace, power = frames["trace"], frames["job_power"]
    when = pd.to_datetime(trace["timestamp"])
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 8.5), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    scale, unit = (1000.0, "kW") if trace["flat_mw"].max() < 1 else (1.0, "MW")
    for event in result.data["events"]:
        start = pd.Timestamp(event["start"])
        top.axvspan(start, start + pd.Timedelta(minutes=event["duration_minutes"]), color="tab:red", alpha=0.08)
    top.plot(when, trace["flat_mw"] * scale, color="grey", linewidth=1, label="running flat")
    for column, style in (("target_mw", "--"), ("cap_mw", "-.")):
        if trace[column].notna().any():
            top.plot(when, trace[column] * scale, color="tab:red", linestyle=style, linewidth=1, label=column.removesuffix("_mw"))
    for column in [c for c in trace.columns if c.startswith("caps")]:
        top.plot(when, trace[column] * scale, linestyle=":", linewidth=1, label=f"rule: {column.removesuffix('_mw')}")
    top.plot(when, trace["site_mw"] * scale, color="tab:blue", linewidth=2, label="optimised schedule")
    top.set_ylabel(f"site draw, {unit}")
    top.legend(loc="lower left", fontsize=8, ncol=3)
    for column, label, colour in (("price_usd_per_mwh", "energy price, USD/MWh", "tab:green"), ("carbon_g_per_kwh", "grid carbon, g/kWh", "tab:brown")):
        if trace[column].nunique() > 1:  # a signal that varies: drawn on its own axis, the first that does
            twin = top.twinx()
            twin.plot(when, trace[column], color=colour, linewidth=0.8, alpha=0.6)
            twin.set_ylabel(label, color=colour)
            break
    jobs = [c for c in power.columns if c != "timestamp"]
    bottom.stackplot(when, *(power[c] * scale for c in jobs), labels=jobs, alpha=0.85)
    bottom.set_ylabel(f"jobs' accelerator power, {unit}")
    bottom.legend(loc="upper center", fontsize=7, ncol=min(len(jobs), 4), bbox_to_anchor=(0.5, -0.12))
    return save_figure(fig, path, title or result.name)


# --- charts ---------------------------------------------------------------------------------------


def charts(r: Result) -> dict[str, Chart]:
    """The site's draw against running flat and the requests; each job's accelerator power."""
    frames = r.to_frames()
    trace, power = frames["trace"], frames["job_power"]
    when = trace["timestamp"].tolist()
    lines = [{"type": "scatter", "mode": "lines", "name": "running flat", "x": when, "y": plain_list(trace["flat_mw"]), "line": {"color": "grey", "width": 1}}]
    for column, dash in (("target_mw", "dash"), ("cap_mw", "dashdot")):
        if trace[column].notna().any():
            lines.append({"type": "scatter", "mode": "lines", "name": column.removesuffix("_mw"), "x": when, "y": plain_list(trace[column]),
                          "line": {"color": "firebrick", "dash": dash, "width": 1}})
    lines.append({"type": "scatter", "mode": "lines", "name": "optimised schedule", "x": when, "y": plain_list(trace["site_mw"]), "line": {"width": 2}})
    jobs = [c for c in power.columns if c != "timestamp"]
    return {
        "trace": {"data": lines, "layout": chart_layout("The site's draw against running flat and the requests", "", "MW")},
        "jobs": {"data": [{"type": "scatter", "mode": "lines", "stackgroup": "jobs", "name": c, "x": when, "y": plain_list(power[c])} for c in jobs],
                 "layout": chart_layout("Each job's accelerator power", "", "MW")},
    }


# --- schema ---------------------------------------------------------------------------------------


def result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of a schedule result's ``result`` part, and the definitions it references."""
    from gigawatt.operations.results import Schedule

    return dataclass_schema(Schedule, skip=("trace", "job_power", "job_throughput")), {}


def plot(result: Result, path: Path) -> Path:
    """The figure of ``gigawatt schedule --plot``, titled with the run's name."""
    return plot_schedule(result, path)


# every label figures() can give (a sweep refuses any other --figure before it runs), and those named by the scenario
FIGURE_LABELS = ("energy MWh", "flat energy MWh", "energy cost USD", "CO2 t", "lost work USD", "weighted performance", "events met",
                   "largest swing MW")
FIGURE_PATTERNS = ()

SPEC = JobSpec(
    kind="schedule", summary="Schedule a campus's jobs against prices, carbon and curtailment events", inputs=ScheduleScenario, mark="jobs", accepts=(),
    run=run, check=check, figures=figures, figure_labels=FIGURE_LABELS, figure_patterns=FIGURE_PATTERNS, headline=("weighted performance", "energy cost USD", "events met"),
    decision=("energy cost USD", "weighted performance", "events met", "lost work USD", "CO2 t", "largest swing MW"),
    table=table, plot=plot, charts=charts, result_schema=result_schema,
)

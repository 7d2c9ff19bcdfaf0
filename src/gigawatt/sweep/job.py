"""The sweep job as every face sees it: how it runs, its figures, table, plot, charts and schema (:data:`SPEC`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from gigawatt.core.jsonschema import NUMBER, RECORDS
from gigawatt.core.present import (
    Chart,
    chart_layout,
    fmt,
    plain_list,
    pyplot,
    save_figure,
)
from gigawatt.core.results import Result
from gigawatt.core.spec import JobSpec
from gigawatt.sweep.scenario import SweepInputs

# --- figures --------------------------------------------------------------------------------------


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell sweep runs apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    out: dict[str, Any] = {}
    rows = data["points"]
    out = {"points": len(rows), "failed": sum(r.get("status") != "done" for r in rows), "of": f"{data['job']} ({data['design']})"}
    spread = data.get("distribution") or {}
    out |= {f"{label} {data.get('figure_label', data['figure'])}": spread.get(key) for label, key in (("min", "min"), ("P50", "p50"), ("max", "max")) if key in spread}
    return out


# --- table ---------------------------------------------------------------------------------------


SWEEP_COLUMNS = 40  # a sweep's table shows at most this many points; --csv and --json have them all


def table(r: Result, console: Console) -> None:
    d = r.data
    figure, varied, rows = d["figure"], d["varied"], d["points"]
    label = d.get("figure_label", figure)  # a sweep stored before figures were keyed by identifier has its label only
    table = Table(title=f"{r.name}: {d['job']} sweep ({d['design']}), {len(rows)} points")
    for column in ("#", *varied, "status", label, "run"):
        table.add_column(column, justify="left" if column in ("status", "run") else "right", overflow="fold")
    for row in rows[:SWEEP_COLUMNS]:
        cells = [str(row["point"]), *(fmt(row.get(k)) if k in row else "(base)" for k in varied), row["status"],
                 fmt(row.get(figure)) if row["status"] == "done" else row.get("error", ""), (row.get("run_id") or "")[:12]]
        table.add_row(*cells)
    console.print(table)
    if len(rows) > SWEEP_COLUMNS:
        console.print(f"  ... {len(rows) - SWEEP_COLUMNS} more points (--csv or --json for all)", highlight=False)
    spread = d.get("distribution")
    if spread:
        console.print(f"{label}: min {fmt(spread['min'])}, P10 {fmt(spread['p10'])}, P50 {fmt(spread['p50'])}, P90 {fmt(spread['p90'])}, "
                      f"max {fmt(spread['max'])}", highlight=False)
    for row in d["tornado"]:
        about = f"base {fmt(row['base'])}" if d["design"] == "oat" else f"mean of all points {fmt(row['base'])}; each end averages the other inputs"
        console.print(f"{row['input']}: {label} {fmt(row['at_low'])} at {row['low_setting']} to {fmt(row['at_high'])} at {row['high_setting']} "
                      f"(swing {fmt(row['swing'])}; {about})", highlight=False)
    for row in d["sobol"]:
        console.print(f"{row['input']}: Sobol' first-order {row['first_order']:.2f} ± {row['first_order_conf']:.2f}, "
                      f"total {row['total']:.2f} ± {row['total_conf']:.2f}", highlight=False)
    for row in d["ranking"]:
        console.print(f"{row['input']}: Spearman rank correlation with {label} {row['spearman']:+.2f} over {row['points']} points", highlight=False)


# --- figures --------------------------------------------------------------------------------------


def plot_tornado(rows: list[dict], figure: str, path: Path | str, title: str = "", centre: str = "base") -> Path:
    """Write a PNG: the swing of ``figure`` per input (rows of :func:`gigawatt.sweep.tornado`), largest at
    the top, about ``centre`` (the base point's value, or a grid's mean)."""
    plt = pyplot()

    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.55 * len(rows)))
    base = rows[0]["base"] if rows else 0.0
    for y, row in enumerate(reversed(rows)):
        if row["at_low"] == row["at_high"]:  # one label, not two drawn over each other
            ax.annotate(f"{row['low_setting']} to {row['high_setting']}: no change", (base, y), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=8)
            continue
        for value, setting, colour in ((row["at_low"], row["low_setting"], "tab:blue"), (row["at_high"], row["high_setting"], "tab:orange")):
            ax.barh(y, value - base, left=base, color=colour, alpha=0.8)
            ax.annotate(f"{setting}", (value, y), xytext=(4 if value >= base else -4, 0), textcoords="offset points",
                        ha="left" if value >= base else "right", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [r["input"] for r in reversed(rows)])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.axvline(base, color="black", linewidth=1)
    ax.set_xlabel(f"{figure}\nblue: the input's lowest setting, orange: its highest; the line: {centre} {base:,.4g}")
    return save_figure(fig, path, title or f"What moves {figure}")


def plot_distribution(values: list[float], figure: str, path: Path | str, title: str = "") -> Path:
    """Write a PNG: the cumulative distribution of ``figure`` over a sampled sweep's points, with its
    P10, P50 and P90 marked."""
    import numpy as np

    plt = pyplot()

    fig, ax = plt.subplots(figsize=(9, 5))
    ordered = np.sort(np.asarray(values, dtype=float))
    ax.step(ordered, np.arange(1, len(ordered) + 1) / len(ordered), where="post", color="tab:blue")
    for q in (0.1, 0.5, 0.9):
        ax.axvline(np.quantile(ordered, q), color="grey", linestyle=":", linewidth=1)
        ax.annotate(f"P{q * 100:.0f} {np.quantile(ordered, q):,.4g}", (np.quantile(ordered, q), q), xytext=(4, 0), textcoords="offset points", fontsize=8)
    ax.set_xlabel(figure)
    ax.set_ylabel("share of the points at or below")
    return save_figure(fig, path, title or f"{figure} over {len(ordered)} sampled points")


def plot_fan(rows: list[dict], path: Path | str, title: str = "") -> Path:
    """Write a PNG: a build-out sweep's fan, the capacity online by date across its points (P10-P90 and
    P25-P75 bands about the median; rows of :func:`gigawatt.sweep.fan`)."""
    plt = pyplot()

    frame = pd.DataFrame(rows)
    when = pd.to_datetime(frame["date"])
    fig, ax = plt.subplots(figsize=(11, 5.5))
    ax.fill_between(when, frame["p10_online_gw"], frame["p90_online_gw"], color="tab:blue", alpha=0.18, label="P10-P90 of the points")
    ax.fill_between(when, frame["p25_online_gw"], frame["p75_online_gw"], color="tab:blue", alpha=0.35, label="P25-P75")
    ax.plot(when, frame["p50_online_gw"], color="tab:blue", linewidth=2, label="median")
    ax.set_ylabel("GW online at the meter")
    ax.legend(loc="upper left", fontsize=8)
    return save_figure(fig, path, title or "capacity online across the sweep's points")


def plot_sweep(result, path: Path | str) -> Path:
    """A sweep's chart by its design: the fan of a build-out, the figure's distribution (sampled), or the
    tornado (one at a time, or the main effects of a grid)."""
    d = result.data
    label = d.get("figure_label", d["figure"])
    values = [r[d["figure"]] for r in d["points"] if r.get("status") == "done" and isinstance(r.get(d["figure"]), int | float)]
    if not values:
        from gigawatt.core.errors import ScenarioError

        raise ScenarioError(f"--plot: no point ran with the figure '{label}'; nothing to draw")
    if d.get("fan"):
        return plot_fan(d["fan"], path, title=f"{result.name}: capacity online over {len(values)} points")
    if d["design"] in ("sample", "sobol"):
        return plot_distribution(values, label, path, title=f"{result.name}: {label} over {len(values)} points")
    how, centre = ("one at a time", "base") if d["design"] == "oat" else ("main effects over the grid", "mean of all points")
    return plot_tornado(d["tornado"], label, path, title=f"{result.name}: what moves {label} ({how})", centre=centre)


# --- charts ---------------------------------------------------------------------------------------


def charts(r: Result) -> dict[str, Chart]:
    """A sweep's charts by its design: tornado, fan, distribution, Sobol' indices and ranking, or lines over a grid."""
    d = r.data
    figure = d["figure"]  # the points' key
    label = d.get("figure_label", figure)  # what a person reads
    done = [p for p in d["points"] if p.get("status") == "done" and isinstance(p.get(figure), int | float)]
    out: dict[str, Chart] = {}
    if d["tornado"]:
        rows = list(reversed(d["tornado"]))  # Plotly draws the first bar at the bottom: the largest swing on top
        base = rows[0]["base"]
        out["tornado"] = {"data": [
            {"type": "bar", "orientation": "h", "name": f"{'lowest' if side == 'low' else 'highest'} setting",
             "y": [row["input"] for row in rows], "x": [row[f"at_{side}"] - base for row in rows], "base": [base] * len(rows),
             "text": [str(row[f"{side}_setting"]) for row in rows], "textposition": "outside"}
            for side in ("low", "high")
        ], "layout": chart_layout(f"What moves {label} ({'base' if d['design'] == 'oat' else 'main effects about the mean'} {base:,.4g})", label, "",
                             barmode="overlay", height=160 + 50 * len(rows))}
    if d["fan"]:
        fan = pd.DataFrame(d["fan"])
        when = fan["date"].tolist()
        band = {"type": "scatter", "mode": "lines", "line": {"width": 0}, "x": when}
        out["fan"] = {"data": [
            {**band, "y": plain_list(fan["p10_online_gw"]), "name": "P10", "showlegend": False},
            {**band, "y": plain_list(fan["p90_online_gw"]), "name": "P10-P90", "fill": "tonexty", "fillcolor": "rgba(31,119,180,0.18)"},
            {**band, "y": plain_list(fan["p25_online_gw"]), "name": "P25", "showlegend": False},
            {**band, "y": plain_list(fan["p75_online_gw"]), "name": "P25-P75", "fill": "tonexty", "fillcolor": "rgba(31,119,180,0.35)"},
            {"type": "scatter", "mode": "lines", "x": when, "y": plain_list(fan["p50_online_gw"]), "name": "median", "line": {"color": "rgb(31,119,180)", "width": 2}},
        ], "layout": chart_layout(f"Capacity online across {len(done)} points", "", "GW")}
    if d["design"] in ("sample", "sobol") and done:
        out["distribution"] = {"data": [{"type": "histogram", "x": [p[figure] for p in done], "name": label}],
                               "layout": chart_layout(f"{label} over {len(done)} points", label, "points")}
    if d["sobol"]:
        rows = d["sobol"]
        out["sobol"] = {"data": [
            {"type": "bar", "name": label, "x": [row["input"] for row in rows], "y": [row[key] for row in rows],
             "error_y": {"type": "data", "array": [row[f"{key}_conf"] for row in rows]}}
            for key, label in (("first_order", "first-order"), ("total", "total"))
        ], "layout": chart_layout(f"Sobol' indices of {label} (95% intervals)", "", "share of the variance", barmode="group")}
    if d["ranking"]:
        out["ranking"] = {"data": [{"type": "bar", "orientation": "h", "y": [row["input"] for row in reversed(d["ranking"])],
                                    "x": [row["spearman"] for row in reversed(d["ranking"])], "name": "Spearman"}],
                          "layout": chart_layout(f"Rank correlation of each input with {label}", "Spearman's rho", "", xaxis={"range": [-1, 1]})}
    if d["design"] == "grid" and done and d["varied"]:
        first, second = d["varied"][0], (d["varied"][1] if len(d["varied"]) > 1 else None)
        groups = sorted({str(p.get(second)) for p in done}) if second else [""]
        out["grid"] = {"data": [
            {"type": "scatter", "mode": "lines+markers", "name": f"{second} = {g}" if second else label,
             "x": [p[first] for p in done if not second or str(p.get(second)) == g],
             "y": [p[figure] for p in done if not second or str(p.get(second)) == g]}
            for g in groups
        ], "layout": chart_layout(f"{label} over the grid", first, label)}
    return out


# --- schema ---------------------------------------------------------------------------------------


def result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of a sweep result's ``result`` part, and the definitions it references."""
    point = {"type": "object", "required": ["point", "status"],
             "properties": {"point": {"type": "integer"}, "status": {"enum": ["done", "failed"]}, "run_id": {"type": "string"},
                            "seconds": NUMBER, "error": {"type": "string"}}}
    props = {
        "job": {"type": "string"}, "design": {"type": "string"}, "figure": {"type": "string", "pattern": "^[a-z0-9_]+$"},
        "figure_label": {"type": "string"},
        "varied": {"type": "array", "items": {"type": "string"}}, "points": {"type": "array", "items": point},
        "distribution": {"anyOf": [{"type": "object", "required": ["min", "p10", "p50", "p90", "max", "mean"]}, {"type": "null"}]},
        "ranking": RECORDS, "tornado": RECORDS, "sobol": RECORDS, "fan": RECORDS, "startup_s": NUMBER, "points_s": NUMBER,
    }
    return {"type": "object", "properties": props, "required": sorted(p for p in props if p != "figure_label")}, {}  # older sweeps lack a label


def plot(result: Result, path: Path) -> Path:
    """The figure of ``gigawatt sweep --plot``, titled with the run's name."""
    return plot_sweep(result, path)


SPEC = JobSpec(
    kind="sweep", summary="A scenario run at many points: a grid, one input at a time, samples, Sobol' indices or weather years", inputs=SweepInputs, mark=None, accepts=(),
    run=None, check=None, figures=figures, headline=("*",),
    table=table, plot=plot, charts=charts, result_schema=result_schema,
)

"""The headroom job as every face sees it: how it runs, its figures, table, plot, charts and schema (:data:`SPEC`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.core.figure_style import MARKERS, distinct_colours
from gigawatt.core.jsonschema import NUMBER, RECORDS
from gigawatt.core.present import MONTHS, Chart, chart_layout, pyplot, save_figure
from gigawatt.core.results import Result
from gigawatt.core.spec import JobSpec, RunSettings
from gigawatt.grid.scenario import HeadroomStudy

# --- figures --------------------------------------------------------------------------------------


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell headroom runs apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    out: dict[str, Any] = {f"headroom MW at {lim['limit_pct']:g}%": lim["headroom_mw"] for lim in data["total"]["limits"]}
    out["systems"] = len(data["systems"])
    return out


# --- running ------------------------------------------------------------------------------------------


def run(study: HeadroomStudy, settings: RunSettings) -> tuple[Any, list[str], None]:
    """The job run on a validated scenario: (its output, messages for the user, solver facts or None)."""
    from gigawatt import catalog
    from gigawatt.grid import headroom as grid

    frames = [grid.read_demand(path) for path in study.files]
    names = grid.duke22() if study.systems == "duke22" else grid.areas(frames) if study.systems == "all" else list(study.systems)
    threshold: Any = "seasonal"
    if study.threshold_mw is not None:
        threshold = study.threshold_mw
    elif study.threshold_csv:
        table = grid.read_demand(study.threshold_csv)
        if table.shape[1] != 1:
            raise ScenarioError(f"threshold_csv {study.threshold_csv}: give one MW column beside the timestamp (found {', '.join(table.columns)})")
        threshold = table.iloc[:, 0]
    result = grid.headroom(frames, names, study.limits_pct, study.years, threshold)
    messages = []
    if study.systems == "duke22":
        result.reference = catalog.duke_headroom().to_dict(orient="records")
    left_out = sorted({str(year) for s in result.systems for year in s["years_left_out"]})
    if left_out:
        messages.append(f"partial years left out: {', '.join(left_out)}")
    if study.campus is not None:
        campus = study.campus
        result.campus_schedule = grid.campus_schedule(frames, names[0], campus.mw, campus.limit_pct, study.years, threshold)
        try:
            result.availability = grid.availability_year(result.campus_schedule, campus.availability_year)
        except ScenarioError:
            if campus.availability_year is not None:
                raise
            messages.append("no local year of the files has all its hours: no availability series for gigawatt plan")
    return result, messages, None


# --- table ---------------------------------------------------------------------------------------


def table(r: Result, console: Console) -> None:
    h = r.data
    table = Table(title=f"flexible-load headroom ({h['threshold']} threshold): MW that can join if curtailed at each limit")
    table.add_column("system", overflow="fold")
    table.add_column("peak MW", justify="right", overflow="fold")
    table.add_column("years", overflow="fold")
    for limit in h["limits_pct"]:
        table.add_column(f"{limit:g}%: MW (h/yr)", justify="right", overflow="fold")
    for s in [*h["systems"], h["total"]]:
        cells = [f"{lim['headroom_mw']:,.0f} ({lim['curtailment_hours_per_year']:,.0f})" for lim in s["limits"]]
        table.add_row(s["name"], f"{s['peak_mw']:,.0f}", s["years"], *cells, style="bold" if s is h["total"] else None)
    if h["reference"]:
        study = {row["limit_pct"]: row for row in h["reference"]}
        cells = [f"{study[lim]['headroom_gw'] * 1e3:,.0f} ({study[lim]['curtailment_hours_per_year']:,.0f})" if lim in study else "-"
                 for lim in h["limits_pct"]]
        table.add_row("Duke study (2016-2024)", "", "", *cells, style="dim")
    console.print(table)
    console.print("total hours and event lengths are means over the systems; mean event hours: "
                  + ", ".join(f"{lim['limit_pct']:g}% {lim['mean_event_hours']:.1f} h" for lim in h["total"]["limits"]), highlight=False)
    if h["campus"]:
        a = h["campus"]
        console.print(
            f"campus {a['campus_mw']:,.0f} MW in {a['system']} (headroom {a['headroom_mw']:,.0f} MW at {a['limit_pct']:g}%, {a['years']}): "
            f"{a['curtailment_hours_per_year']:,.0f} h/yr curtailed, {a['curtailed_mwh_per_year']:,.0f} MWh/yr", highlight=False)


# --- figures --------------------------------------------------------------------------------------


def system_name(code: str) -> str:
    """A balancing authority's name as a reader knows it (``ERCO`` → ``ERCOT``, ``CPLE`` → ``Duke Energy Progress East``,
    from balancing_authorities.csv); a system the catalog lacks (a region, an interconnection) keeps its own name."""
    names = catalog.balancing_authorities().set_index("code")["name"]
    return str(names.get(code, code))


def plot_headroom(result, path: Path | str, title: str = "flexible-load headroom") -> Path:
    """Write a PNG: headroom (GW) against the curtailment limit, one line per system (by name, each its own colour,
    on a log scale) and the total."""
    plt = pyplot()
    from matplotlib.ticker import LogLocator

    fig, axes = plt.subplots(1, 2, figsize=(14, 7.5))
    limits = result.limits_pct
    systems = sorted(result.systems, key=lambda s: -s["limits"][-1]["headroom_mw"])
    colours = distinct_colours(len(systems))  # no two systems share a colour; the marker tells close lines apart too
    for i, s in enumerate(systems):
        axes[0].plot(limits, [lim["headroom_mw"] / 1e3 for lim in s["limits"]], marker=MARKERS[i % len(MARKERS)], markersize=5,
                     linewidth=1.2, color=colours[i], label=system_name(s["name"]))
    axes[0].set_xlabel("curtailment limit, % of the new load's energy")
    axes[0].set_yscale("log")  # systems span two decades: on a linear axis the small ones lie on top of one another
    axes[0].yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    axes[0].yaxis.set_major_formatter(lambda value, _: f"{value:g}")
    axes[0].set_ylabel("headroom, GW (log scale)")
    axes[0].set_title("by system")
    axes[0].legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    axes[1].plot(limits, [lim["headroom_mw"] / 1e3 for lim in result.total["limits"]], marker="o", color="black", label="this data")
    if result.reference:
        axes[1].plot([r["limit_pct"] for r in result.reference], [r["headroom_gw"] for r in result.reference],
                     marker="s", linestyle="--", color="tab:red", label="Duke study (2025)")
    for ax in axes:
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks(limits, [f"{limit:g}" for limit in limits])
    axes[1].set_xlabel("curtailment limit, %")
    axes[1].set_ylabel("total headroom, GW")
    axes[1].set_title(f"total over {len(result.systems)} systems")
    axes[1].legend()
    return save_figure(fig, path, title)


def plot_curtailment_heatmap(result, path: Path | str) -> Path:
    """Write a PNG: the campus's mean curtailment (MW) by month and local hour of day."""
    plt = pyplot()

    a = result.campus
    schedule = result.to_frames()["campus"]
    table = schedule.pivot_table(index="month", columns="hour", values="curtailed_mw", aggfunc="mean").reindex(index=range(1, 13), columns=range(24))
    fig, ax = plt.subplots(figsize=(11, 5))
    image = ax.imshow(table.to_numpy(), aspect="auto", cmap="magma_r", origin="upper")
    ax.set_yticks(range(12), ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
    ax.set_xticks(range(0, 24, 2))
    ax.set_xlabel("hour of day (local standard time)")
    fig.colorbar(image, ax=ax, label="mean curtailment, MW")
    title = f"{system_name(a['system'])}: {a['campus_mw']:,.0f} MW campus at {a['limit_pct']:g}% ({a['years']})"
    return save_figure(fig, path, title)


# --- charts ---------------------------------------------------------------------------------------


def charts(r: Result) -> dict[str, Chart]:
    systems = r.data.get("systems") or []
    traces = [{"type": "scatter", "mode": "lines+markers", "name": s["name"], "x": [lim["limit_pct"] for lim in s["limits"]],
               "y": [lim["headroom_mw"] / 1e3 for lim in s["limits"]]} for s in systems]
    out = {"headroom": {"data": traces, "layout": chart_layout("Flexible-load headroom against the curtailment limit", "curtailment limit, % of the year's energy", "GW")}}
    frames = r.to_frames()
    if "campus" in frames and len(frames["campus"]):
        table = frames["campus"].pivot_table(index="month", columns="hour", values="curtailed_mw", aggfunc="mean").reindex(index=range(1, 13), columns=range(24))
        out["heatmap"] = {"data": [{"type": "heatmap", "z": [[None if pd.isna(v) else v for v in row] for row in table.to_numpy().tolist()],
                                    "x": list(range(24)), "y": MONTHS, "colorscale": "Magma", "reversescale": True,
                                    "colorbar": {"title": {"text": "MW"}}}],
                          "layout": chart_layout("The campus's mean curtailment by month and hour", "hour of day (local standard time)", "")}
    return out


# --- schema ---------------------------------------------------------------------------------------


def result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of a headroom result's ``result`` part, and the definitions it references."""
    limit = {"type": "object", "required": ["limit_pct", "headroom_mw", "curtailment_hours_per_year"],
             "properties": {"limit_pct": NUMBER, "headroom_mw": NUMBER, "curtailment_hours_per_year": NUMBER}}
    system = {"type": "object", "required": ["name", "peak_mw", "years", "limits"],
              "properties": {"name": {"type": "string"}, "peak_mw": NUMBER, "years": {"type": "string"},
                             "limits": {"type": "array", "items": limit}}}
    props = {
        "threshold": {"type": "string"}, "limits_pct": {"type": "array", "items": NUMBER},
        "systems": {"type": "array", "items": system}, "total": system,
        "reference": {"anyOf": [RECORDS, {"type": "null"}]},
        "campus": {"anyOf": [{"type": "object", "required": ["system", "campus_mw", "limit_pct", "headroom_mw"]}, {"type": "null"}]},
    }
    return {"type": "object", "properties": props, "required": sorted(props)}, {}


def plot(result: Result, path: Path) -> Path:
    """The figure of ``gigawatt headroom --plot``, titled with the run's name."""
    return plot_headroom(result, path)


# every label figures() can give (a sweep refuses any other --figure before it runs), and those named by the scenario
FIGURE_LABELS = ("systems",)
FIGURE_PATTERNS = (("headroom MW at LIMIT%", r"^headroom MW at [0-9.eE+-]+%$"),)

SPEC = JobSpec(
    kind="headroom", summary="Flexible-load headroom of grids on hourly demand", inputs=HeadroomStudy, mark="files", accepts=(),
    run=run, check=None, figures=figures, figure_labels=FIGURE_LABELS, figure_patterns=FIGURE_PATTERNS, headline=("headroom MW at*",),
    decision=("headroom MW at*", "systems"),
    table=table, plot=plot, charts=charts, result_schema=result_schema,
)

"""The site job as every face sees it: how it runs, its figures, table, plot, charts and schema (:data:`SPEC`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from gigawatt import catalog
from gigawatt.core.figure_style import date_axis, size_key
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
from gigawatt.siting.scenario import SitingProgramme

# --- figures --------------------------------------------------------------------------------------


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell site runs apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    out: dict[str, Any] = {f"{a['site']} MW": a["capacity_mw"] for a in data["allocations"]}
    out |= {"annual cost USD": data["annual_cost_usd"], "power cost USD/yr": data["annual_power_cost_usd"],
            "CO2 g/kWh": data["fleet_co2_g_per_kwh"], "carbon-free share": data["fleet_carbon_free_share"]}
    return out


# --- running ------------------------------------------------------------------------------------------


def check(programme: SitingProgramme) -> None:
    """Accelerator, technologies, regions, countries, names, region limits."""
    from gigawatt.siting.allocation import check_references

    check_references(programme)


def run(programme: SitingProgramme, settings: RunSettings) -> tuple[Any, list[str], dict[str, Any]]:
    """The job run on a validated scenario: (its output, messages for the user, solver facts or None)."""
    import scipy

    from gigawatt.siting.allocation import site as place

    result = place(programme, full_year=programme.full_year, stage=settings.stage)
    messages = [*result.notes, *(f"{c['site']}: no regional figure for {', '.join(c['catalog_defaults'])}; the planner's catalog default used"
                                 for c in result.candidates if c["catalog_defaults"])]
    solver = {"name": "highs (scipy.optimize.milp)", "version": scipy.__version__, "status": "ok", "condition": "optimal",
              "seconds": result.allocation_seconds}
    return result, messages, solver


# --- table ---------------------------------------------------------------------------------------


def table(r: Result, console: Console) -> None:
    d = r.data
    table = Table(title=f"{d['programme']}: {d['total_capacity_mw'] / 1e3:,.1f} GW placed")
    for column in ("site", "region", "jurisdiction", "MW", "USD/MWh", "g/kWh", "online", "set by", "supply per MW"):
        table.add_column(column, justify="right" if column in ("MW", "USD/MWh", "g/kWh") else "left", overflow="fold")
    for a in d["allocations"]:
        mix = ", ".join(f"{catalog.display_name(t)} {mw / a['capacity_mw']:.2f}" for t, mw in a["supply_mw"].items())
        table.add_row(a["site"], a["region"], a["jurisdiction"], f"{a['capacity_mw']:,.0f}", fmt(a["lcoe_usd_per_mwh"]),
                      f"{a['co2_g_per_kwh']:,.0f}", a["online_date"], catalog.display_name(a["online_date_set_by"]), mix)
    console.print(table)
    console.print(
        f"fleet: {d['annual_cost_usd'] / 1e9:,.2f} B USD/yr (power {d['annual_power_cost_usd'] / 1e9:,.2f}, delay {d['annualised_delay_cost_usd'] / 1e9:,.2f}), "
        f"{d['fleet_co2_g_per_kwh']:,.0f} g/kWh, {d['fleet_carbon_free_share']:.0%} carbon-free", highlight=False)
    for name, usd in d["constraint_costs"].items():
        moved = ", ".join(f"{region} {mw:+,.0f} MW" for region, mw in d["constraint_moves_mw"][name].items())
        console.print(f"  {name} costs {usd / 1e9:,.3f} B USD/yr{f' (moves {moved})' if moved else ''}", highlight=False)
    ranked = Table(title="candidates, ranked by score (power + annualised delay, USD per MW-year)")
    for column in ("#", "site", "score", "power", "delay", "USD/MWh", "g/kWh", "online", "placed MW", "excluded"):
        ranked.add_column(column, justify="left" if column in ("site", "online", "excluded") else "right", overflow="fold")
    for c in d["candidates"]:
        ranked.add_row(str(c["rank"]), c["site"], f"{c['score_usd_per_mw_year']:,.0f}", f"{c['power_usd_per_mw_year']:,.0f}",
                       f"{c['delay_usd_per_mw_year']:,.0f}", fmt(c["lcoe_usd_per_mwh"]), f"{c['co2_g_per_kwh']:,.0f}",
                       c["online_date"], f"{c['allocated_mw']:,.0f}", c["excluded"] or "")
    console.print(ranked)
    s = d["screening"]
    console.print(f"screening: {s['candidates']} candidates, {s['plans_solved']} plans solved, cache hit rate {s['cache_hit_rate']:.0%}, "
                  f"{s['seconds']:.1f} s ({s['mode']}); allocation {d['allocation_seconds']:.2f} s", style="dim", highlight=False)
    if s.get("catalog_defaults"):  # records stored before the count was kept lack it
        sites = sum(1 for c in d["candidates"] if c["catalog_defaults"])
        console.print(f"catalog defaults used: {s['catalog_defaults']} figures at {sites} of {s['candidates']} candidates (listed below)",
                      style="dim", highlight=False)


# --- figures --------------------------------------------------------------------------------------


JURISDICTION_COLOURS = {"us": "tab:blue", "ally": "tab:green", "partner": "tab:orange", "restricted": "tab:red"}
JURISDICTION_NAMES = {"us": "United States", "ally": "US ally", "partner": "partner", "restricted": "restricted"}  # export-control tiers (regions.sources.md)
BUBBLE_MIN, BUBBLE_MAX = 80.0, 1580.0  # marker area, points², of the least and the most MW placed at one site


def place_name(site: str, region: str | None, country: str | None) -> str:
    """A candidate as a reader knows it: a site named by its catalog region takes the region's name (``CA`` →
    ``Canada``, ``US-LA`` → ``Louisiana``); a site named otherwise, or a candidate of the user's own that only
    shares a region's id (its own name stands in for its region; the country tells them apart), keeps its name."""
    if region and site == region:
        regions = catalog.regions().set_index("region")
        if region in regions.index and regions.at[region, "country"] == country:
            return str(regions.at[region, "name"])
    return site


LABEL_GAP_PX = 11  # the least height between two site names beside one another (7-point text at matplotlib's 100 dpi)
NEAR_PX = 120  # sites closer than this across the axis share a column of names


def _label_sites(ax, names: list[str], points: list[tuple]) -> None:
    """Name each site beside its point; names that would lie on one another (sites online in the same months at
    close costs) are pushed up in a column, each with a thin line to its point."""
    ax.autoscale_view()
    shown = ax.transData.transform([(mdates_num(x), y) for x, y in points])
    placed: list[tuple[float, float]] = []  # display (x, y) of the names written so far
    for i in sorted(range(len(names)), key=lambda i: (shown[i][1], shown[i][0])):
        x, y = shown[i]
        text_y = y + 4
        for px, py in sorted(placed, key=lambda p: p[1]):
            if abs(px - x) < NEAR_PX and abs(py - text_y) < LABEL_GAP_PX:
                text_y = py + LABEL_GAP_PX
        placed.append((x, text_y))
        moved = text_y - y > LABEL_GAP_PX
        ax.annotate(names[i], points[i], xytext=(6, text_y - y), textcoords="offset pixels", fontsize=7, va="bottom",
                    arrowprops={"arrowstyle": "-", "color": "grey", "linewidth": 0.5, "shrinkA": 0, "shrinkB": 2} if moved else None)


def mdates_num(when) -> float:
    """A timestamp as matplotlib's date number (for placing text in display coordinates)."""
    import matplotlib.dates as mdates

    return float(mdates.date2num(pd.Timestamp(when).to_pydatetime()))


def plot_siting(result, path: Path | str) -> Path:
    """Write a PNG: each candidate's cost of power against its date online, bubble area by MW placed (hollow when
    none, a key of sizes in MW or GW), colour by jurisdiction, sites by name."""
    plt = pyplot()

    fig, ax = plt.subplots(figsize=(11, 6.5))
    frame = pd.DataFrame(result.candidates)
    when = pd.to_datetime(frame["online_date"])
    colours = frame["jurisdiction"].map(JURISDICTION_COLOURS).fillna("grey")
    placed = frame["allocated_mw"] > 0
    largest = max(frame["allocated_mw"].max(), 1.0)
    area = lambda mw: BUBBLE_MIN + (BUBBLE_MAX - BUBBLE_MIN) * mw / largest  # noqa: E731
    ax.scatter(when[placed], frame["lcoe_usd_per_mwh"][placed], s=area(frame["allocated_mw"][placed]),
               c=colours[placed], alpha=0.6, edgecolors="black")
    ax.scatter(when[~placed], frame["lcoe_usd_per_mwh"][~placed], s=40, facecolors="none", edgecolors=colours[~placed])
    _label_sites(ax, [place_name(row["site"], row.get("region"), row.get("country")) for _, row in frame.iterrows()],
                 list(zip(when, frame["lcoe_usd_per_mwh"])))
    for name, colour in JURISDICTION_COLOURS.items():
        ax.scatter([], [], c=colour, label=JURISDICTION_NAMES[name])
    ax.set_xlabel("online (month the site's supply is energised)")
    ax.set_ylabel("cost of power, USD/MWh")
    ax.legend(title="jurisdiction (filled: placed)", fontsize=8, loc="upper left")
    if placed.any():
        size_key(ax, largest, area, title="placed at a site", loc="upper right")
    date_axis(ax)
    title = f"{result.programme}: {result.total_capacity_mw / 1e3:,.1f} GW, {result.annual_cost_usd / 1e9:,.2f} B USD/yr, {result.fleet_co2_g_per_kwh:,.0f} g/kWh"
    return save_figure(fig, path, title)


# --- charts ---------------------------------------------------------------------------------------


def charts(r: Result) -> dict[str, Chart]:
    from gigawatt import catalog

    frame = r.to_frames()["candidates"].copy()
    regions = catalog.regions().set_index("region")
    frame["latitude"] = frame["region"].map(regions["latitude"])
    frame["longitude"] = frame["region"].map(regions["longitude"])
    placed = frame["allocated_mw"] > 0
    largest = max(float(frame["allocated_mw"].max()), 1.0)
    geo = []
    for name, colour in JURISDICTION_COLOURS.items():
        part = frame[frame["jurisdiction"] == name]
        if part.empty:
            continue
        geo.append({"type": "scattergeo", "name": name, "lat": plain_list(part["latitude"]), "lon": plain_list(part["longitude"]),
                    "text": [f"{s}: {mw:,.0f} MW" for s, mw in zip(part["site"], part["allocated_mw"])],
                    "marker": {"size": [8 + 30 * mw / largest for mw in part["allocated_mw"]], "color": colour.removeprefix("tab:"),
                               "line": {"width": 1, "color": "black"}, "opacity": [0.9 if p else 0.3 for p in placed[part.index]]}})
    out = {"map": {"data": geo, "layout": chart_layout("Candidates and the MW placed (size)", geo={"projection": {"type": "natural earth"},
                                                                                              "showcountries": True, "showland": True,
                                                                                              "fitbounds": "locations"})}}
    out["cost_date"] = {"data": [{"type": "scatter", "mode": "markers+text", "name": "candidates", "x": frame["online_date"].astype(str).tolist(),
                                  "y": plain_list(frame["lcoe_usd_per_mwh"]), "text": frame["site"].tolist(), "textposition": "top center",
                                  "marker": {"size": [8 + 30 * mw / largest for mw in frame["allocated_mw"]]}}],
                        "layout": chart_layout("Cost of power against the date online (size: MW placed)", "online", "USD/MWh")}
    return out


# --- schema ---------------------------------------------------------------------------------------


def result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of a site result's ``result`` part, and the definitions it references."""
    from gigawatt.siting.allocation import SitingResult

    return dataclass_schema(SitingResult), {}


def plot(result: Result, path: Path) -> Path:
    """The figure of ``gigawatt site --plot``, titled with the run's name."""
    return plot_siting(result, path)


# every label figures() can give (a sweep refuses any other --figure before it runs), and those named by the scenario
FIGURE_LABELS = ("annual cost USD", "power cost USD/yr", "CO2 g/kWh", "carbon-free share")
FIGURE_PATTERNS = (("SITE MW", r"^.+ MW$"),)

SPEC = JobSpec(
    kind="site", summary="Place a programme's gigawatts across candidate sites", inputs=SitingProgramme, mark="candidates", accepts=(),
    run=run, check=check, figures=figures, figure_labels=FIGURE_LABELS, figure_patterns=FIGURE_PATTERNS, headline=("annual cost USD", "CO2 g/kWh"),
    decision=("annual cost USD", "power cost USD/yr", "CO2 g/kWh", "carbon-free share"),
    table=table, plot=plot, charts=charts, result_schema=result_schema,
)

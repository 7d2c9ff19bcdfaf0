"""The plan job as every face sees it: how it runs, its figures, table, plot, charts and schema (:data:`SPEC`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from gigawatt import catalog
from gigawatt.core.figure_style import date_axis
from gigawatt.core.jsonschema import dataclass_schema
from gigawatt.core.present import (
    MS_PER_DAY,
    Chart,
    chart_layout,
    fmt,
    plain_list,
    pyplot,
    save_figure,
)
from gigawatt.core.results import Result
from gigawatt.core.spec import JobSpec, RunSettings
from gigawatt.power.baseline_note import baseline_not_comparable
from gigawatt.power.lp import SOC_SUFFIX
from gigawatt.power.results import in_use
from gigawatt.power.scenario import Scenario
from gigawatt.power.stored_network import stored_network

# --- figures --------------------------------------------------------------------------------------


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell plan runs apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    out: dict[str, Any] = {f"{tech} MW": mw for tech, mw in sorted(data["capacity_mw"].items())}
    out |= {"storage MWh": data["storage_mwh"], "annual cost USD": data["annual_cost_usd"], "LCOE USD/MWh": data["lcoe_usd_per_mwh"],
            "CO2 t/yr": data["co2_t_per_year"], "carbon-free share": data["carbon_free_share"], "online": data["online_date"]}
    if data.get("baseline"):
        out["baseline annual cost USD"] = data["baseline"]["annual_cost_usd"]
        out["saving against baseline USD/yr"] = data["baseline"]["annual_cost_usd"] - data["annual_cost_usd"]
    if data.get("security"):
        out[f"usable for frontier weights from ({data['security']['level']})"] = data["security"]["usable_from"]
    return out


# --- running ------------------------------------------------------------------------------------------


PV_SKY_FIELD = "site.irradiance_csv"  # the measured sky a pv-model technology's series may come from instead


def measured_fields() -> dict[str, str]:
    """The scenario field(s) that replace each synthetic series with measured data: the load's, and each
    weather-driven technology's from the catalog (a pv-model one may also take a measured sky)."""
    return {"load": "site.load_csv", **{
        tech: f"{v.measured_field} or {PV_SKY_FIELD}" if v.profile_model == "pv" else v.measured_field
        for tech, v in catalog.variable_technologies().items()}}


def check(scenario: Scenario) -> None:
    """The cluster's sizing, then technologies, gas hubs, committable units and their sizes, the site's profile, prices."""
    from gigawatt.compute.sizing import size
    from gigawatt.power.plan import check_references

    size(scenario)
    check_references(scenario)


def run(scenario: Scenario, settings: RunSettings) -> tuple[Any, list[str], dict[str, Any] | None]:
    """The job run on a validated scenario: (its output, messages for the user, solver facts or None)."""
    from gigawatt.power import solve
    from gigawatt.power.planner import plan_power

    solve.check_solver(scenario.solver)  # an unknown solver fails before the series are built
    plan = plan_power(scenario, settings=settings)
    written = [str(path) for path in settings.lp_files]
    synthetic = [name for name, source in plan.series.items() if source.startswith("synthetic")]
    messages = list(plan.notes)  # what reading the inputs found (plausibility), first
    if synthetic:
        measured = measured_fields()
        fields = ", ".join(measured.get(name, name) for name in synthetic)
        messages.append(f"synthetic series (listed above): {', '.join(synthetic)}; give {fields} for measured data")
    if plan.screening_segments:
        messages.append(f"screening: solved on {plan.screening_segments} time segments, not every hour (site.screening_segments)")
    if plan.bridge is not None:
        messages.append(f"a bridge of what is available by {scenario.constraints.online_by} serves the load until "
                        f"{plan.bridge_until} ({plan.bridge_until_set_by})")
    for field, bound in plan.binding.items():
        messages.append(f"{field} binds: relaxing it saves {bound['shadow_price']:,.4g} {bound['unit']} (its shadow price)")
    if written:
        messages.append(f"LP files as solved: {', '.join(written)}")
    if plan.security is not None:
        sec = plan.security
        if plan.online_date and sec["usable_from"] > plan.online_date:
            messages.append(f"{sec['level']} is reached in {sec['reached']} ({sec['months_to_reach']:g} months from the security programme's start): "
                            f"the site holds frontier weights from {sec['usable_from']}, not from {plan.online_date} (security.months_to_reach, security.start)")
        messages.extend(sec["costs_left_out"])
    if plan.curtailed_energy_mwh > 0:
        messages.append(f"the cluster gives up {plan.curtailed_compute_share:.2%} of its compute by power capping or pausing "
                        "(constraints.flexible_share)")
    if plan.baseline is not None:
        # all-in: the supply's cost and the compute the plan gives up, against the baseline's supply cost
        note = baseline_not_comparable(scenario, plan.annual_cost_usd + plan.lost_compute_usd_per_year, plan.baseline.annual_cost_usd,
                                       max(plan.baseline.capacity_mw.values(), default=0.0))
        if note:
            messages.append(note)
    return plan, messages, plan.solver


# --- table ---------------------------------------------------------------------------------------


def table(r: Result, console: Console) -> None:
    p = r.data
    b = p["baseline"]
    table = Table(title=f"{r.name}: supply plan vs grid-only baseline" if b else f"{r.name}: supply plan")
    for column in ("", "plan", *(["baseline"] if b else [])):
        table.add_column(column, justify="right" if column else "left", overflow="fold")

    def money(v: float) -> str:
        return f"{v / 1e6:,.1f} M USD/yr"

    def co2(x: dict[str, Any]) -> str:
        return f"{x['co2_t_per_year'] / 1e3:,.0f} kt/yr ({x['co2_g_per_kwh']:,.0f} g/kWh)"

    def shown(name: str | None) -> str:
        return catalog.display_name(name) if name in catalog.technologies()["technology"].values else str(name)

    def both(plan_cell: str, baseline_cell: str = "") -> list[str]:
        return [plan_cell, baseline_cell] if b else [plan_cell]

    rows = [
        ("cost of power (LCOE)", *both(f"{fmt(p['lcoe_usd_per_mwh'])} USD/MWh", f"{fmt(b['lcoe_usd_per_mwh'])} USD/MWh" if b else "")),
        ("annual cost", *both(money(p["annual_cost_usd"]), money(b["annual_cost_usd"]) if b else "")),
        *([("saving against the baseline", *both(money(b["annual_cost_usd"] - p["annual_cost_usd"])))] if b else []),
        ("CO2", *both(co2(p), co2(b) if b else "")),
        ("carbon-free share", *both(f"{p['carbon_free_share']:.0%} (hourly {p['carbon_free_share_hourly']:.0%})", f"{b['carbon_free_share']:.0%}" if b else "")),
        ("unserved energy", *both(f"{p['unserved_energy_mwh']:,.0f} MWh", f"{b['unserved_energy_mwh']:,.0f} MWh" if b else "")),
        ("online", *both(f"{p['online_date']} (set by {shown(p['online_date_set_by'])})", f"{b['online_date']} (set by {shown(b['online_date_set_by'])})" if b else "")),
    ]
    if p["power_cost_usd_per_accelerator_hour"] is not None:
        rows.append(("power cost per accelerator-hour", *both(f"{p['power_cost_usd_per_accelerator_hour']:,.3f} USD")))
        rows.append(("all-in cost per delivered accelerator-hour", *both(
            f"{p['cost_usd_per_delivered_accelerator_hour']:,.3f} USD",
            f"{fmt(b['cost_usd_per_delivered_accelerator_hour'])} USD" if b else "")))
    if p["bridge"]:
        bridge = p["bridge"]
        built = ", ".join(f"{catalog.display_name(t)} {mw:,.0f} MW" for t, mw in bridge["capacity_mw"].items() if mw > 0)
        rows.append((f"bridge until {p['bridge_until']} ({shown(p['bridge_until_set_by'])})", *both(f"{built}; {fmt(bridge['lcoe_usd_per_mwh'])} USD/MWh")))
    if p["curtailed_energy_mwh"] > 0:
        rows.append(("compute given up (capping, pausing)", *both(f"{p['curtailed_compute_share']:.2%} ({p['curtailed_energy_mwh'] / 1e3:,.0f} GWh)")))
    for tech, mw in p["capacity_mw"].items():
        if mw > 0:
            rows.append((f"  {catalog.display_name(tech)}", *both(f"{mw:,.0f} MW, {p['energy_mwh'][tech] / 1e3:,.0f} GWh")))
    if p["storage_mwh"] > 0:
        rows.append(("  storage energy", *both(f"{p['storage_mwh']:,.0f} MWh")))
    if p.get("security"):
        s = p["security"]
        rows.append((f"security {s['level']}", *both(f"reached {s['reached']}, usable for frontier weights from {s['usable_from']}")))
        rows.append(("  its cost (where given)", *both(money(s["annual_cost_usd"]))))
    for row in rows:
        table.add_row(*row)
    console.print(table)
    for name, source in p["series"].items():
        console.print(f"  {name}: {source}", style="dim", highlight=False)
    if p.get("weather_years"):
        w = p["weather_years"]
        years = [row["weather_year"] for row in w["years"]]
        for figure, unit in (("lcoe_usd_per_mwh", "USD/MWh"), ("firm_mw", "MW firm")):
            s = w["summary"][figure]
            console.print(f"weather years {min(years)}-{max(years)}: {fmt(s['min'])} ({s['min_year']}) to {fmt(s['max'])} ({s['max_year']}) {unit}, "
                          f"spread {s['spread']:.1%}" if s["spread"] is not None else "", highlight=False)
    if p.get("security"):
        for c in p["security"]["checks"]:
            console.print(f"  {p['security']['level']} {c['requirement']}: {c['status']} ({c['why']})", style="dim", highlight=False)
    if p.get("phases"):
        _phases_table(p, console)


def _phases_table(p: dict[str, Any], console: Console) -> None:
    """The multi-period plan: what each period builds and stands on, its costs, and the myopic sequence's."""
    ph = p["phased"]
    table = Table(title=f"phases: one multi-period plan (figures above are the last period's); discount rate {ph['discount_rate']:.2%}")
    for column in ("period", "load peak", "capacity", "built", "capital", "annual cost", "power cost per acc.-hour", "myopic built"):
        table.add_column(column, justify="left" if column in ("period", "capacity", "built", "myopic built") else "right", overflow="fold")

    def listed(mw: dict[str, float]) -> str:
        return ", ".join(f"{t} {v:,.0f}" for t, v in mw.items() if v > 0) or "-"

    for row in p["phases"]:
        table.add_row(
            f"{row['date']} to {row['end']} ({row['accelerator']})", f"{row['load_mw_peak']:,.0f} MW", listed(row["capacity_mw"]),
            listed(row["built_mw"]), f"{row['capital_usd'] / 1e6:,.0f} M USD", f"{row['annual_cost_usd'] / 1e6:,.1f} M USD/yr",
            f"{fmt(row['power_cost_usd_per_accelerator_hour'])} USD", listed(row["myopic"]["built_mw"]),
        )
    console.print(table)
    console.print(f"  net present cost of the path: {ph['npv_usd'] / 1e6:,.0f} M USD; the myopic sequence {ph['myopic_npv_usd'] / 1e6:,.0f} M USD; "
                  f"planning jointly saves {ph['saving_usd'] / 1e6:,.0f} M USD ({ph['saving_share']:.1%})", highlight=False)


# --- figures --------------------------------------------------------------------------------------


HOURS_PER_WEEK = 168


def hardest_and_typical_weeks(dispatch: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hardest week (most energy from the costliest hours: least variable supply, i.e. the highest
    residual load after solar and wind) and the week closest to the median residual load."""
    weekly = _residual_mw(dispatch).rolling(HOURS_PER_WEEK).sum().iloc[HOURS_PER_WEEK - 1 :: 24]
    hardest_end = int(dispatch.index.get_loc(weekly.idxmax()))
    typical_end = int(dispatch.index.get_loc((weekly - weekly.median()).abs().idxmin()))
    pick = lambda end: dispatch.iloc[end - HOURS_PER_WEEK + 1 : end + 1]  # noqa: E731
    return pick(hardest_end), pick(typical_end)


HATCHES = {"capital": "", "fixed": "//", "fuel": "xx", "variable": "..", "energy": "\\\\", "start": "++"}  # a cost item's part in the PNG (its colour is its technology's)


def plot_plan(plan, path: Path | str, title: str = "") -> Path:
    """Write a PNG: hardest week and typical week stacked by source against the load, and the annual
    cost by item of the plan beside the grid-only baseline; with phases, capacity by period against load."""
    plt = pyplot()

    dispatch = plan.to_frames()["dispatch"]
    sources = [c for c in dispatch.columns if c.endswith("_mw") and c != "load_mw" and not c.endswith("_charge_mw") and dispatch[c].abs().sum() > 0]
    charges = [c for c in dispatch.columns if c.endswith("_charge_mw") and dispatch[c].abs().sum() > 0]
    hardest, typical = hardest_and_typical_weeks(dispatch)
    phases = getattr(plan, "phases", None)  # a phased plan adds a panel of capacity by period (its other panels show the last period)
    if phases:
        fig, axes = plt.subplots(1, 4, figsize=(24, 5), gridspec_kw={"width_ratios": [2, 2, 1, 2]})
    else:
        fig, axes = plt.subplots(1, 3, figsize=(18, 5), gridspec_kw={"width_ratios": [2, 2, 1]})
    for ax, week, label in ((axes[0], hardest, "hardest week"), (axes[1], typical, "typical week")):
        hours = pd.DatetimeIndex(pd.to_datetime(week.index))  # the scenario's own hours: dates on the axis
        ax.stackplot(hours, *(week[c].to_numpy() for c in sources), labels=[catalog.display_name(c) for c in sources],
                     colors=[catalog.style(c)[1] for c in sources], alpha=0.85)
        for c in charges:  # charging is a use: drawn below zero, so the stack above matches load + charging
            ax.fill_between(hours, -week[c].to_numpy(), 0.0, alpha=0.6, label=catalog.display_name(c), color=catalog.style(c)[1], hatch="..")
        ax.plot(hours, week["load_mw"].to_numpy(), color=catalog.style("load")[1], linewidth=1.5, label=catalog.display_name("load"))
        ax.axhline(0.0, color="grey", linewidth=0.5)
        segments = getattr(plan, "screening_segments", None)
        ax.set_title(f"{label} from {week.index[0]:%d %b}" + (f" (averages of {segments:,} time segments)" if segments else ""))
        date_axis(ax, tz=hours.tz)
        ax.set_xlabel(f"{hours[0]:%Y}, {hours.tz or 'local standard time'}")
        ax.set_ylabel("MW")
    axes[0].legend(loc="lower left", fontsize=8)
    costs = pd.Series(plan.cost_usd_per_year) / 1e6
    baseline = plan.baseline["annual_cost_usd"] / 1e6 if plan.baseline else float("nan")
    bottom = 0.0
    for item, value in costs.items():
        axes[2].bar(["plan"], [value], bottom=bottom, label=catalog.display_name(item), color=catalog.style(item)[1],
                    hatch=HATCHES.get(item.rsplit("_", 1)[-1], ""), edgecolor="white")  # a technology's parts: one colour, hatched apart
        bottom += value
    axes[2].bar(["grid-only baseline"], [baseline], color=catalog.style("baseline")[1])
    axes[2].set_ylabel("M USD per year")
    axes[2].set_title("annual cost")
    axes[2].legend(fontsize=7)
    if phases:
        _phases_panel(axes[3], plan)
    return save_figure(fig, path, title)


def _phases_panel(ax, plan) -> None:
    """A phased plan: stacked capacity by period (the joint plan) against each period's peak load, with the
    path's net present cost beside the myopic sequence's in the title."""
    phases, phased = plan.phases, plan.phased
    labels = [f"{row['date']}\n{row['accelerator']}" for row in phases]
    names = list(dict.fromkeys(name for row in phases for name, mw in row["capacity_mw"].items() if mw > 0))
    bottom = [0.0] * len(phases)
    for name in names:
        values = [row["capacity_mw"].get(name, 0.0) for row in phases]
        ax.bar(labels, values, bottom=bottom, label=catalog.display_name(name), color=catalog.style(name)[1])
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.plot(labels, [row["load_mw_peak"] for row in phases], color=catalog.style("load")[1], marker="o", linewidth=2,
            label=f"{catalog.display_name('load')} (peak)")
    ax.set_ylabel("MW")
    ax.set_title(f"capacity by period; NPV {phased['npv_usd'] / 1e9:,.2f} B USD, myopic {phased['myopic_npv_usd'] / 1e9:,.2f} B USD "
                 f"(saves {phased['saving_share']:.1%})", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")


# --- charts ---------------------------------------------------------------------------------------


def _styled(name: str) -> dict[str, Any]:
    """A trace's display name and colour from the catalog (:func:`gigawatt.catalog.style`)."""
    shown, colour = catalog.style(name)
    return {"name": shown, "line": {"color": colour}, "marker": {"color": colour}}


COST_PATTERNS = {"capital": "", "fixed": "/", "fuel": "x", "variable": ".", "energy": "\\", "start": "+"}  # a cost item's part as a bar pattern (its technology's colour stays)
HOURS_PER_DAY = 24
MWH_PER_GWH = 1e3


def _shown(what: str | None) -> str:
    """A technology id as its display name; a phrase (no underscore) as it is."""
    return catalog.display_name(what) if what and "_" in what and " " not in what else str(what)


def _hourly(dispatch: pd.DataFrame) -> pd.DataFrame:
    """The dispatch frame (MW, one row an hour, screened segments repeated over their hours) on a datetime index,
    whether fresh (indexed by timestamp) or stored (a ``timestamp`` column)."""
    if "timestamp" in dispatch.columns:
        return dispatch.set_index(pd.to_datetime(dispatch["timestamp"])).drop(columns="timestamp")
    return dispatch.set_axis(pd.to_datetime(dispatch.index), axis=0)


def _sources(frame: pd.DataFrame) -> list[str]:
    """The supply columns in use (MW): every ``*_mw`` but the load and storage charging."""
    return [c for c in frame.columns if c.endswith("_mw") and c != "load_mw" and not c.endswith("_charge_mw") and in_use(frame[c])]


def _residual_mw(frame: pd.DataFrame) -> pd.Series:
    """The load less the weather-driven supply (MW): what firm sources, storage and the grid must serve."""
    variable = [c for c in frame.columns if c.startswith(tuple(catalog.variable_technologies())) and c.endswith("_mw")]
    return frame["load_mw"] - frame[variable].sum(axis=1) if variable else frame["load_mw"]


def charts(r: Result) -> dict[str, Chart]:
    """Capacity, annual cost by item, the hardest week's dispatch, monthly energy by source, a heat map of the
    residual load (day of year by hour of day), load-duration curves and the time to power. Technologies carry
    their catalog display name and colour. A screened run (``site.screening_segments``) is drawn as what it is:
    each time segment's average over the hours it stands for (a step), titled so, never as hourly values."""
    frames = r.to_frames()
    capacity = frames["capacity"]
    segments = r.data.get("screening_segments")
    averaged = f" (averages of {segments:,} time segments, screening)" if segments else ""
    options = capacity["option"].tolist()
    out: dict[str, Chart] = {
        "capacity": {"data": [
            {"type": "bar", "name": "plan", "x": [catalog.display_name(o) for o in options], "y": capacity["capacity_mw"].tolist(),
             "marker": {"color": [catalog.style(o)[1] for o in options]}, "showlegend": False},  # coloured by source: the title says so
            {"type": "bar", "name": catalog.display_name("baseline"), "x": [catalog.display_name(o) for o in options],
             "y": capacity["baseline_capacity_mw"].tolist(), "marker": {"color": catalog.style("baseline")[1]}},
        ], "layout": chart_layout("Capacity: plan (coloured by source) against the grid-only baseline (grey)", "", "MW", barmode="group")},
    }
    costs = dict(r.data.get("cost_usd_per_year") or {})
    if r.data.get("lost_compute_usd_per_year"):
        costs["lost_compute"] = r.data["lost_compute_usd_per_year"]
    base = (r.data.get("baseline") or {}).get("cost_usd_per_year") or {}
    cost_traces = []
    for item in sorted(set(costs) | set(base)):
        shown, colour = catalog.style(item)
        part = item.rsplit("_", 1)[-1]
        cost_traces.append({"type": "bar", "name": shown, "x": ["plan", "baseline"], "y": [costs.get(item, 0.0) / 1e6, base.get(item, 0.0) / 1e6],
                            "marker": {"color": colour, "pattern": {"shape": COST_PATTERNS.get(part, "")}}})
    out["costs"] = {"data": cost_traces, "layout": chart_layout("Annual cost by item", "", "M USD/yr", barmode="stack")}
    hourly = _hourly(frames["dispatch"])
    if len(hourly) >= HOURS_PER_WEEK:
        out["dispatch"] = _dispatch_chart(hourly, averaged)
        out["monthly_energy"] = _monthly_energy_chart(hourly, averaged)
        out["heatmap"] = _heatmap_chart(hourly, averaged)
        out["load_duration"] = _load_duration_chart(hourly, averaged)
        stores = [c for c in hourly.columns if c.endswith(SOC_SUFFIX) and in_use(hourly[c])]  # none in a plan stored before it was kept
        if stores and float(r.data.get("storage_mwh") or 0.0) > 0:
            out["state_of_charge"] = _state_of_charge_chart(hourly, stores, float(r.data["storage_mwh"]), averaged)
    timeline = []
    online_by = r.inputs.constraints.online_by  # a plan's inputs are a Scenario
    if r.data.get("bridge_until") and online_by:
        timeline.append({"type": "bar", "orientation": "h", "name": f"bridge until {r.data['bridge_until']} (waiting for {_shown(r.data.get('bridge_until_set_by'))})",
                         "y": ["bridge"], "base": [online_by + "-01"],
                         "x": [(pd.Timestamp(r.data["bridge_until"]) - pd.Timestamp(online_by)).days * MS_PER_DAY]})
    if r.data.get("online_date"):
        begin = r.inputs.start
        timeline.append({"type": "bar", "orientation": "h", "name": f"long-run supply (set by {_shown(r.data.get('online_date_set_by'))})",
                         "y": ["long run"], "base": [begin + "-01"],
                         "x": [max((pd.Timestamp(r.data["online_date"]) - pd.Timestamp(begin)).days, 1) * MS_PER_DAY]})
        for bar in timeline:
            bar.update(text=[bar["name"]], textposition="inside", insidetextanchor="start")
        out["time_to_power"] = {"data": timeline, "layout": chart_layout("Time to power: from the project start to energised", "", "",
                                                                     xaxis={"type": "date"}, barmode="overlay", height=260, showlegend=False)}
    return out


def _dispatch_chart(hourly: pd.DataFrame, averaged: str) -> Chart:
    """The hardest week stacked by source against the load (MW), charging below zero. Screened: each segment's
    average drawn as a step over its hours."""
    week, _ = hardest_and_typical_weeks(hourly)
    when = [t.isoformat() for t in week.index]
    shape = "hv" if averaged else "linear"
    what = "segment average" if averaged else "hourly"
    hover = "%{x|%d %b %H:%M}: %{y:,.0f} MW " + ("(segment average)" if averaged else "") + "<extra>%{fullData.name}</extra>"
    traces = []
    for c in _sources(week):
        style = _styled(c)
        traces.append({"type": "scatter", "mode": "lines", "stackgroup": "supply", **style, "fillcolor": style["line"]["color"],
                       "line": {**style["line"], "width": 0.5, "shape": shape}, "x": when, "y": plain_list(week[c]), "hovertemplate": hover})
    for c in week.columns:
        if c.endswith("_charge_mw") and in_use(week[c]):
            style = _styled(c)
            traces.append({"type": "scatter", "mode": "lines", **style, "line": {**style["line"], "dash": "dot", "shape": shape}, "x": when,
                           "y": plain_list(-week[c]), "hovertemplate": hover})
    traces.append({"type": "scatter", "mode": "lines", "name": catalog.display_name("load"), "x": when, "y": plain_list(week["load_mw"]),
                   "line": {"color": catalog.style("load")[1], "width": 2, "shape": shape}, "hovertemplate": hover})
    title = (f"The hardest week from {week.index[0]:%d %b}{averaged}, each drawn over its hours (charging below zero)" if averaged
             else f"The hardest week from {week.index[0]:%d %b}, hour by hour (charging below zero)")
    layout = chart_layout(title, "", f"MW ({what})", xaxis={"type": "date"})
    return {"data": traces, "layout": layout}


def _state_of_charge_chart(hourly: pd.DataFrame, stores: list[str], storage_mwh: float, averaged: str) -> Chart:
    """The hardest week's state of charge of each store (MWh, at the end of each hour; screened: of each segment,
    drawn as a step over its hours) under the energy capacity built (``storage_mwh``, all stores, dashed)."""
    week, _ = hardest_and_typical_weeks(hourly)
    when = [t.isoformat() for t in week.index]
    shape = "hv" if averaged else "linear"
    traces = []
    for c in stores:
        name, colour = catalog.style(c.removesuffix(SOC_SUFFIX))
        traces.append({"type": "scatter", "mode": "lines", "name": f"{name} state of charge", "x": when, "y": plain_list(week[c]),
                       "line": {"color": colour, "width": 2, "shape": shape},
                       "hovertemplate": "%{x|%d %b %H:%M}: %{y:,.0f} MWh<extra>%{fullData.name}</extra>"})
    traces.append({"type": "scatter", "mode": "lines", "name": "energy capacity built", "x": [when[0], when[-1]], "y": [storage_mwh, storage_mwh],
                   "line": {"color": catalog.style("load")[1], "width": 1.5, "dash": "dash"}, "hoverinfo": "skip"})
    title = (f"State of charge, hardest week from {week.index[0]:%d %b}, at the end of each time segment{averaged}" if averaged
             else f"State of charge, the hardest week from {week.index[0]:%d %b}, hour by hour")
    return {"data": traces, "layout": chart_layout(title, "", "MWh", xaxis={"type": "date"})}


def _monthly_energy_chart(hourly: pd.DataFrame, averaged: str) -> Chart:
    """Energy by source and month (GWh; each row of the hourly frame is one hour), stacked, with the load's as a line."""
    months = hourly.resample("MS").sum()
    when = [t.strftime("%Y-%m-%d") for t in months.index]
    traces = [{"type": "bar", **_styled(c), "x": when, "y": plain_list(months[c] / MWH_PER_GWH)} for c in _sources(hourly)]
    for t in traces:
        t.pop("line")
    traces.append({"type": "scatter", "mode": "lines+markers", "name": catalog.display_name("load"), "x": when,
                   "y": plain_list(months["load_mw"] / MWH_PER_GWH), "line": {"color": catalog.style("load")[1], "width": 2},
                   "marker": {"color": catalog.style("load")[1]}})
    return {"data": traces, "layout": chart_layout(f"Energy by source and month{averaged}", "", "GWh", barmode="stack",
                                                   xaxis={"type": "date", "dtick": "M1", "tickformat": "%b"})}


def _heatmap_chart(hourly: pd.DataFrame, averaged: str) -> Chart:
    """The residual load (load less solar and wind, MW) by day of year (x, dates) and hour of day (y)."""
    residual = _residual_mw(hourly)
    days = residual.index.normalize()
    grid = residual.groupby([days, residual.index.hour]).mean().unstack()
    z = [[None if pd.isna(v) else round(float(v), 1) for v in grid[h]] if h in grid else [None] * len(grid) for h in range(HOURS_PER_DAY)]
    return {"data": [{"type": "heatmap", "x": [d.strftime("%Y-%m-%d") for d in grid.index], "y": list(range(HOURS_PER_DAY)), "z": z,
                      "colorscale": "RdBu", "zmid": 0, "colorbar": {"title": {"text": "MW"}},
                      "hovertemplate": "%{x|%d %b} %{y}:00: %{z:,.0f} MW<extra></extra>"}],
            "layout": chart_layout(f"Residual load (load less solar and wind) by day and hour{averaged}", "", "hour of day",
                                   xaxis={"type": "date"}, yaxis={"title": {"text": "hour of day"}, "dtick": 6, "automargin": True})}


DURATION_POINTS = 400  # points of a load-duration curve on a page


def _load_duration_chart(hourly: pd.DataFrame, averaged: str) -> Chart:
    """The load and the residual load (MW) sorted from the highest hour down: how many hours exceed each level."""
    # a sorted curve is smooth: DURATION_POINTS of its hours (the first and last among them) draw it as all 8,760 do,
    # in a twentieth of the page's bytes
    picked = np.unique(np.linspace(0, len(hourly) - 1, min(len(hourly), DURATION_POINTS)).round().astype(int))
    hours = (picked + 1).tolist()
    load = hourly["load_mw"].sort_values(ascending=False).to_numpy()[picked].round(1)
    residual = _residual_mw(hourly).sort_values(ascending=False).to_numpy()[picked].round(1)
    return {"data": [
        {"type": "scatter", "mode": "lines", "name": catalog.display_name("load"), "x": hours, "y": load.tolist(),
         "line": {"color": catalog.style("load")[1], "width": 2}},
        {"type": "scatter", "mode": "lines", "name": "Residual load (less solar and wind)", "x": hours, "y": residual.tolist(),
         "line": {"color": catalog.style("unserved")[1], "width": 2}},
    ], "layout": chart_layout(f"Load-duration curves{averaged}", "hours of the year at or above", "MW")}


# --- schema ---------------------------------------------------------------------------------------


def result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of a plan result's ``result`` part, and the definitions it references."""
    from gigawatt.power.results import PowerPlan

    return {"$ref": "#/$defs/plan"}, {"plan": dataclass_schema(PowerPlan)}


def plot(result: Result, path: Path) -> Path:
    """The figure of ``gigawatt plan --plot``, titled with the run's name."""
    return plot_plan(result, path, title=result.name)


# every label figures() can give (a sweep refuses any other --figure before it runs), and those named by the scenario
FIGURE_LABELS = ("storage MWh", "annual cost USD", "LCOE USD/MWh", "CO2 t/yr", "carbon-free share", "online", "baseline annual cost USD",
                 "saving against baseline USD/yr")
FIGURE_PATTERNS = (("TECHNOLOGY MW", r"^\S+ MW$"), ("usable for frontier weights from (LEVEL)", r"^usable for frontier weights from \(.+\)$"))

SPEC = JobSpec(
    kind="plan", summary="Power a site: the cheapest supply hour by hour beside a grid-only baseline", inputs=Scenario, mark="site", accepts=("size", "finance", "reliability"),
    run=run, check=check, figures=figures, figure_labels=FIGURE_LABELS, figure_patterns=FIGURE_PATTERNS, headline=("LCOE USD/MWh", "annual cost USD", "online"),
    decision_notes=lambda data: {"saving against baseline USD/yr": "against the same load on the grid alone (the baseline), a year"},
    decision=("LCOE USD/MWh", "annual cost USD", "saving against baseline USD/yr", "CO2 t/yr", "carbon-free share", "online"),
    table=table, plot=plot, charts=charts, result_schema=result_schema, network=stored_network,
)

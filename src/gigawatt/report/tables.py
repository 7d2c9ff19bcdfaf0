"""Tables for people (rich): one renderer per kind of result, the run list and the comparison of two runs.

Renderers read ``result.data`` (the JSON form) and ``result.to_frames()``; they compute nothing.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from gigawatt.results import Result, figures


def fmt(value: Any) -> str:
    """A figure for a table cell: '-' for nothing, thousands separators, four significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(result: Result, console: Console, notes: bool = True) -> None:
    """Print a result as its command prints it, then (with ``notes``) its messages and run id."""
    RENDERERS[result.kind](result, console)
    if not notes:
        return
    for line in result.messages:
        console.print(f"  note: {line}", style="dim", highlight=False)
    how = "from the run store" if result.run.stored else f"in {result.run.seconds:,.1f} s"
    console.print(f"run {result.run.id[:12]} ({how}; `gigawatt runs show {result.run.id[:12]}`)", style="dim", highlight=False)


def _size(r: Result, console: Console) -> None:
    d = r.data
    head = Table(title=f"{d['scenario']}: {d['count']:,} x {d['accelerator']} ({d['accelerator_count']:,} accelerators, sized by {d['sizing_mode']})")
    head.add_column("quantity")
    head.add_column("value", justify="right")

    def label(key: str, suffix: str) -> str:
        return f"  {key.removesuffix(suffix).replace('_', ' ')}"

    rows = [
        ("H100-equivalents", f"{d['h100_equivalents']:,.0f}"),
        ("IT power, peak", f"{d['it_power_mw']:,.1f} MW"),
        ("facility power at the meter, peak", f"{d['facility_power_mw']:,.1f} MW"),
        ("average draw at the meter", f"{d['average_power_mw']:,.1f} MW"),
        ("grid connection to contract (the peak)", f"{d['contracted_grid_mw']:,.1f} MW"),
        (f"electrical nameplate, {d['redundancy']}", f"{d['electrical_nameplate_mw']:,.1f} MW"),
        ("PUE", f"{d['pue']:.2f}"),
        ("annual energy", f"{d['annual_energy_mwh']:,.0f} MWh"),
        ("capital cost", f"{d['capex_usd'] / 1e9:,.2f} B USD"),
        *((label(k, "_usd"), f"{v / 1e9:,.2f} B USD") for k, v in d["capex_breakdown_usd"].items()),
        ("capital, annualised", f"{d['annualised_capex_usd_per_year'] / 1e9:,.2f} B USD/yr"),
        ("operating cost", f"{d['opex_usd_per_year'] / 1e9:,.3f} B USD/yr"),
        *((label(k, "_usd"), f"{v / 1e9:,.3f} B USD/yr") for k, v in d["opex_breakdown_usd_per_year"].items()),
        ("cost per accelerator-hour", f"{d['cost_usd_per_accelerator_hour']:,.2f} USD"),
        ("cost per useful accelerator-hour", f"{d['cost_usd_per_useful_accelerator_hour']:,.2f} USD"),
        ("cost per 1e24 FLOP delivered", f"{d['cost_usd_per_1e24_flop'] / 1e6:,.2f} M USD"),
    ]
    if d["training"]:
        t = d["training"]
        rows += [("training run energy", f"{t['energy_mwh']:,.0f} MWh over {t['days']:g} days"),
                 ("training run cost", f"{t['cost_usd'] / 1e6:,.1f} M USD")]
    for row in rows:
        head.add_row(*row)
    console.print(head)
    table = Table(title="assumptions (override in the scenario or with --set)")
    for column in ("name", "value", "unit", "source"):
        table.add_column(column, overflow="fold")
    previous = None
    for name, a in d["assumptions"].items():
        table.add_row(name, fmt(a["value"]), a["unit"], "same as above" if a["source"] == previous else a["source"])
        previous = a["source"]
    console.print(table)


def _plan(r: Result, console: Console) -> None:
    p = r.data
    b = p["baseline"]
    table = Table(title=f"{r.name}: supply plan vs grid-only baseline" if b else f"{r.name}: supply plan")
    for column in ("", "plan", *(["baseline"] if b else [])):
        table.add_column(column, justify="right" if column else "left")

    def money(v: float) -> str:
        return f"{v / 1e6:,.1f} M USD/yr"

    def co2(x: dict[str, Any]) -> str:
        return f"{x['co2_t_per_year'] / 1e3:,.0f} kt/yr ({x['co2_g_per_kwh']:,.0f} g/kWh)"

    def both(plan_cell: str, baseline_cell: str = "") -> list[str]:
        return [plan_cell, baseline_cell] if b else [plan_cell]

    rows = [
        ("cost of power (LCOE)", *both(f"{fmt(p['lcoe_usd_per_mwh'])} USD/MWh", f"{fmt(b['lcoe_usd_per_mwh'])} USD/MWh" if b else "")),
        ("annual cost", *both(money(p["annual_cost_usd"]), money(b["annual_cost_usd"]) if b else "")),
        ("CO2", *both(co2(p), co2(b) if b else "")),
        ("carbon-free share", *both(f"{p['carbon_free_share']:.0%} (hourly {p['carbon_free_share_hourly']:.0%})", f"{b['carbon_free_share']:.0%}" if b else "")),
        ("unserved energy", *both(f"{p['unserved_energy_mwh']:,.0f} MWh", f"{b['unserved_energy_mwh']:,.0f} MWh" if b else "")),
        ("online", *both(f"{p['online_date']} (set by {p['online_date_set_by']})", f"{b['online_date']} (set by {b['online_date_set_by']})" if b else "")),
    ]
    if p["power_cost_usd_per_accelerator_hour"] is not None:
        rows.append(("power cost per accelerator-hour", *both(f"{p['power_cost_usd_per_accelerator_hour']:,.3f} USD")))
        rows.append(("all-in cost per delivered accelerator-hour", *both(
            f"{p['cost_usd_per_delivered_accelerator_hour']:,.3f} USD",
            f"{fmt(b['cost_usd_per_delivered_accelerator_hour'])} USD" if b else "")))
    if p["bridge"]:
        bridge = p["bridge"]
        built = ", ".join(f"{t} {mw:,.0f} MW" for t, mw in bridge["capacity_mw"].items() if mw > 0)
        rows.append((f"bridge until {p['bridge_until']} ({p['bridge_until_set_by']})", *both(f"{built}; {fmt(bridge['lcoe_usd_per_mwh'])} USD/MWh")))
    if p["curtailed_energy_mwh"] > 0:
        rows.append(("compute given up (capping, pausing)", *both(f"{p['curtailed_compute_share']:.2%} ({p['curtailed_energy_mwh'] / 1e3:,.0f} GWh)")))
    for tech, mw in p["capacity_mw"].items():
        if mw > 0:
            rows.append((f"  {tech}", *both(f"{mw:,.0f} MW, {p['energy_mwh'][tech] / 1e3:,.0f} GWh")))
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
        _phases(p, console)


def _phases(p: dict[str, Any], console: Console) -> None:
    """The multi-period plan: what each period builds and stands on, its costs, and the myopic sequence's."""
    ph = p["phased"]
    table = Table(title=f"phases: one multi-period plan (figures above are the last period's); discount rate {ph['discount_rate']:.2%}")
    for column in ("period", "load peak", "capacity", "built", "capital", "annual cost", "power cost per acc.-hour", "myopic built"):
        table.add_column(column, justify="left" if column in ("period", "capacity", "built", "myopic built") else "right")

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


def _buildout(r: Result, console: Console) -> None:
    d = r.data
    periods = r.to_frames()["periods"]
    draws = "p10_online_gw" in periods
    band_note = f"; P10-P90 of {d['draws']:,} draws" if draws else ""
    table = Table(title=f"{d['scenario']}: build-out, end of each year (median inputs{band_note})")
    for column in ("week of", "target GW", "online GW", *(["P10-P90 GW"] if draws else []), "building GW", "accelerators",
                   "H100e", "TWh/yr", "capex B USD", "revenue needed B USD/yr", "held back by"):
        table.add_column(column, justify="left" if column in ("week of", "held back by") else "right")
    years = periods["date"].str[:4]
    for _, row in periods[years.ne(years.shift(-1))].iterrows():
        band = [f"{row['p10_online_gw']:,.2f}-{row['p90_online_gw']:,.2f}"] if draws else []
        table.add_row(
            row["date"], f"{row['target_gw']:,.2f}", f"{row['online_gw']:,.2f}", *band, f"{row['under_construction_gw']:,.2f}",
            f"{row['accelerators'] / 1e6:,.2f} M", f"{row['h100_equivalents'] / 1e6:,.2f} M", f"{row['energy_twh_per_year']:,.1f}",
            f"{row['capex_cumulative_usd'] / 1e9:,.1f}", f"{row['revenue_needed_usd_per_year'] / 1e9:,.1f}", row["binding_limit"],
        )
    console.print(table)
    over = f"over {d['draws']:,} draws" if draws else "median inputs"
    console.print(f"what held capacity back, share of weeks ({over}):", highlight=False)
    for year, shares in d["binding_by_year"].items():
        ranked = sorted(shares.items(), key=lambda item: -item[1])
        console.print(f"  {year}: {', '.join(f'{name} {share:.0%}' for name, share in ranked if share >= 0.005)}", highlight=False)
    if d["check"]:
        c = d["check"]
        line = f"P({c['online_gw']:g} GW online by {c['by']}) = {c['probability']:.0%}"
        if c.get("statement"):
            line += f": {c['statement']}"
        console.print(f"{line}; median date reached: {c['reached_date_median'] or 'not within the run'}", highlight=False)
    if d["national"]:
        rows = d["national"]["years"]
        base = rows[0]["generation_base_year_twh"]
        view = Table(title=f"national view: {d['national']['country']} (generation history and projection; base year {base:,.0f} TWh)")
        for column in ("year", "programme TWh", "generation TWh", "share", "of base-year generation", "TWh beyond projected growth"):
            view.add_column(column, justify="right")
        for row in rows:
            view.add_row(str(int(row["year"])), f"{row['demand_twh']:,.1f}", f"{row['generation_twh']:,.0f}",
                         f"{row['share_of_generation']:.1%}", f"{row['share_of_base_year']:.1%}", f"{row['beyond_projected_growth_twh']:,.0f}")
        console.print(view)


def _headroom(r: Result, console: Console) -> None:
    h = r.data
    table = Table(title=f"flexible-load headroom ({h['threshold']} threshold): MW that can join if curtailed at each limit")
    table.add_column("system")
    table.add_column("peak MW", justify="right")
    table.add_column("years")
    for limit in h["limits_pct"]:
        table.add_column(f"{limit:g}%: MW (h/yr)", justify="right")
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


def _site(r: Result, console: Console) -> None:
    d = r.data
    table = Table(title=f"{d['programme']}: {d['total_capacity_mw'] / 1e3:,.1f} GW placed")
    for column in ("site", "region", "jurisdiction", "MW", "USD/MWh", "g/kWh", "online", "set by", "supply per MW"):
        table.add_column(column, justify="right" if column in ("MW", "USD/MWh", "g/kWh") else "left")
    for a in d["allocations"]:
        mix = ", ".join(f"{t} {mw / a['capacity_mw']:.2f}" for t, mw in a["supply_mw"].items())
        table.add_row(a["site"], a["region"], a["jurisdiction"], f"{a['capacity_mw']:,.0f}", fmt(a["lcoe_usd_per_mwh"]),
                      f"{a['co2_g_per_kwh']:,.0f}", a["online_date"], a["online_date_set_by"], mix)
    console.print(table)
    console.print(
        f"fleet: {d['annual_cost_usd'] / 1e9:,.2f} B USD/yr (power {d['annual_power_cost_usd'] / 1e9:,.2f}, delay {d['annualised_delay_cost_usd'] / 1e9:,.2f}), "
        f"{d['fleet_co2_g_per_kwh']:,.0f} g/kWh, {d['fleet_carbon_free_share']:.0%} carbon-free", highlight=False)
    for name, usd in d["constraint_costs"].items():
        moved = ", ".join(f"{region} {mw:+,.0f} MW" for region, mw in d["constraint_moves_mw"][name].items())
        console.print(f"  {name} costs {usd / 1e9:,.3f} B USD/yr{f' (moves {moved})' if moved else ''}", highlight=False)
    ranked = Table(title="candidates, ranked by score (power + annualised delay, USD per MW-year)")
    for column in ("#", "site", "score", "power", "delay", "USD/MWh", "g/kWh", "online", "placed MW", "excluded"):
        ranked.add_column(column, justify="left" if column in ("site", "online", "excluded") else "right")
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


def _schedule(r: Result, console: Console) -> None:
    d = r.data
    head = Table(title=f"{d['name']}: {d['hours']:g} h of {d['interval_minutes']:g}-minute intervals, against running flat")
    for column in ("", "schedule", "flat"):
        head.add_column(column, justify="left" if not column else "right")
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
            events.add_column(column, justify="left" if column in ("start", "met") else "right")
        for e in d["events"]:
            asked = f"{e['reduce_pct']:g}%" if e["reduce_pct"] is not None else f"{e['reduce_mw']:g} MW"
            events.add_row(e["start"][:16], f"{e['duration_minutes']:g}", asked, fmt(e["flat_mw"]), fmt(e["target_mw"]), fmt(e["mean_mw"]),
                           f"{e['depth_pct']:.1f}", fmt(e["minutes_to_target"]), "yes" if e["met"] else f"no ({', '.join(e['binding_jobs'])})",
                           fmt(e["shortfall_mwh"]))
        console.print(events)
    jobs = Table(title="jobs")
    for column in ("job", "kind", "accelerators", "max slowdown", "throughput kept", "pauses", "completion", "within tier"):
        jobs.add_column(column, justify="left" if column in ("job", "kind", "completion") else "right")
    for j in d["jobs"]:
        jobs.add_row(j["name"], j["kind"], f"{j['accelerators']:,}", f"{j['max_slowdown']:.0%}", f"{j['throughput_retained']:.3f}",
                     str(j["pauses"]), j["completion"] or "", "yes" if j["within_tier"] else "NO")
    console.print(jobs)
    base = Table(title="against the rule-based policies (the demonstration's)")
    for column in ("policy", "total cost USD", "lost work USD", "energy cost USD", "weighted performance", "events met", "shortfall MWh"):
        base.add_column(column, justify="left" if column == "policy" else "right")
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


SWEEP_COLUMNS = 40  # a sweep's table shows at most this many points; --csv and --json have them all


def _sweep(r: Result, console: Console) -> None:
    d = r.data
    figure, varied, rows = d["figure"], d["varied"], d["points"]
    table = Table(title=f"{r.name}: {d['job']} sweep ({d['design']}), {len(rows)} points")
    for column in ("#", *varied, "status", figure, "run"):
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
        console.print(f"{figure}: min {fmt(spread['min'])}, P10 {fmt(spread['p10'])}, P50 {fmt(spread['p50'])}, P90 {fmt(spread['p90'])}, "
                      f"max {fmt(spread['max'])}", highlight=False)
    for row in d["tornado"]:
        about = f"base {fmt(row['base'])}" if d["design"] == "oat" else f"mean of all points {fmt(row['base'])}; each end averages the other inputs"
        console.print(f"{row['input']}: {figure} {fmt(row['at_low'])} at {row['low_setting']} to {fmt(row['at_high'])} at {row['high_setting']} "
                      f"(swing {fmt(row['swing'])}; {about})", highlight=False)
    for row in d["sobol"]:
        console.print(f"{row['input']}: Sobol' first-order {row['first_order']:.2f} ± {row['first_order_conf']:.2f}, "
                      f"total {row['total']:.2f} ± {row['total_conf']:.2f}", highlight=False)
    for row in d["ranking"]:
        console.print(f"{row['input']}: Spearman rank correlation with {figure} {row['spearman']:+.2f} over {row['points']} points", highlight=False)


RENDERERS = {"size": _size, "plan": _plan, "buildout": _buildout, "headroom": _headroom, "site": _site, "schedule": _schedule, "sweep": _sweep}


# --- the run store ----------------------------------------------------------------------------------


def run_list(rows: list[dict[str, Any]], console: Console) -> None:
    """The runs of ``Store.list``: id, kind, name, when, and their headline figures."""
    table = Table(title=f"{len(rows)} run{'' if len(rows) == 1 else 's'} (newest first; `gigawatt runs show ID`)")
    for column in ("id", "kind", "name", "created (UTC)", "s", "headline"):
        table.add_column(column, justify="right" if column == "s" else "left", overflow="fold")
    for row in rows:
        figures_text = ", ".join(f"{k} {fmt(v)}" for k, v in row["headline"].items())
        table.add_row(row["id"][:12], row["kind"], row["name"], row["created"].replace("T", " ")[:19], f"{row['seconds']:,.1f}", figures_text)
    console.print(table)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested inputs as ``dotted.key: value`` (lists of mappings as ``key[i].field``)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out |= flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list) and any(isinstance(v, dict) for v in data):
        for i, value in enumerate(data):
            out |= flatten(value, f"{prefix}[{i}]")
    else:
        out[prefix] = data
    return out


def differences(a: Result, b: Result) -> dict[str, Any]:
    """What differs between two runs: inputs (dotted keys with both values) and their figures with deltas."""
    if a.kind != b.kind:
        raise ValueError(f"a {a.kind} run and a {b.kind} run cannot be compared")
    left, right = flatten(a.to_dict()["inputs"]), flatten(b.to_dict()["inputs"])
    inputs = {k: (left.get(k), right.get(k)) for k in sorted(set(left) | set(right)) if left.get(k) != right.get(k)}
    fa, fb = figures(a.kind, a.data), figures(b.kind, b.data)
    results = {}
    for key in [*fa, *(k for k in fb if k not in fa)]:
        x, y = fa.get(key), fb.get(key)
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y))
        results[key] = (x, y, (y - x) if numeric else None)
    return {"a": a.run.id, "b": b.run.id, "kind": a.kind, "inputs": inputs, "results": results}


def diff(a: Result, b: Result, console: Console) -> None:
    """Print the inputs that differ and the figures side by side with their deltas."""
    d = differences(a, b)
    table = Table(title=f"inputs that differ: A {a.run.id[:12]} ({a.name}) vs B {b.run.id[:12]} ({b.name})")
    for column in ("key", "A", "B"):
        table.add_column(column, overflow="fold")
    for key, (x, y) in d["inputs"].items():
        table.add_row(key, fmt(x), fmt(y))
    if not d["inputs"]:
        table.add_row("(none)", "", "")
    console.print(table)
    table = Table(title=f"{a.kind} results side by side")
    for column in ("figure", "A", "B", "B - A"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for key, (x, y, delta) in d["results"].items():
        table.add_row(key, fmt(x), fmt(y), "" if delta is None else f"{'+' if delta > 0 else ''}{fmt(delta)}")
    console.print(table)

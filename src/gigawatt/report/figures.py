"""Figures for people, drawn from a :class:`~gigawatt.results.Result` (its ``data`` and frames only, so a
stored run draws exactly as a fresh one): a plan's hardest and typical week and its cost beside the
baseline, a build-out over time, headroom against the curtailment limit, a campus's curtailment heat map,
and a fleet's candidates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HOURS_PER_WEEK = 168


def hardest_and_typical_weeks(dispatch: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hardest week (most energy from the costliest hours: least variable supply, i.e. the highest
    residual load after solar and wind) and the week closest to the median residual load."""
    variable = [c for c in dispatch.columns if c.startswith(("utility_pv", "onshore_wind"))]
    residual = dispatch["load_mw"] - dispatch[variable].sum(axis=1) if variable else dispatch["load_mw"]
    weekly = residual.rolling(HOURS_PER_WEEK).sum().iloc[HOURS_PER_WEEK - 1 :: 24]
    hardest_end = int(dispatch.index.get_loc(weekly.idxmax()))
    typical_end = int(dispatch.index.get_loc((weekly - weekly.median()).abs().idxmin()))
    pick = lambda end: dispatch.iloc[end - HOURS_PER_WEEK + 1 : end + 1]  # noqa: E731
    return pick(hardest_end), pick(typical_end)


def _pyplot():
    """matplotlib's pyplot on the file-only Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path | str, title: str) -> Path:
    """Title, lay out and write a figure as PNG, then free it."""
    import matplotlib.pyplot as plt

    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_plan(plan, path: Path | str, title: str = "") -> Path:
    """Write a PNG: hardest week and typical week stacked by source against the load, and the annual
    cost by item of the plan beside the grid-only baseline; with phases, capacity by period against load."""
    plt = _pyplot()

    dispatch = plan.to_frames()["dispatch"]
    sources = [c for c in dispatch.columns if c != "load_mw" and not c.endswith("_charge_mw") and dispatch[c].abs().sum() > 0]
    charges = [c for c in dispatch.columns if c.endswith("_charge_mw") and dispatch[c].abs().sum() > 0]
    hardest, typical = hardest_and_typical_weeks(dispatch)
    phases = getattr(plan, "phases", None)  # a phased plan adds a panel of capacity by period (its other panels show the last period)
    if phases:
        fig, axes = plt.subplots(1, 4, figsize=(24, 5), gridspec_kw={"width_ratios": [2, 2, 1, 2]})
    else:
        fig, axes = plt.subplots(1, 3, figsize=(18, 5), gridspec_kw={"width_ratios": [2, 2, 1]})
    for ax, week, label in ((axes[0], hardest, "hardest week"), (axes[1], typical, "typical week")):
        hours = range(len(week))
        ax.stackplot(hours, *(week[c].to_numpy() for c in sources), labels=[c.removesuffix("_mw") for c in sources], alpha=0.85)
        for c in charges:  # charging is a use: drawn below zero, so the stack above matches load + charging
            ax.fill_between(hours, -week[c].to_numpy(), 0.0, alpha=0.6, label=c.removesuffix("_mw"))
        ax.plot(hours, week["load_mw"].to_numpy(), color="black", linewidth=1.5, label="load")
        ax.axhline(0.0, color="grey", linewidth=0.5)
        ax.set_title(f"{label} from {week.index[0]:%d %b}")
        ax.set_xlabel("hour of week")
        ax.set_ylabel("MW")
    axes[0].legend(loc="lower left", fontsize=8)
    costs = pd.Series(plan.cost_usd_per_year) / 1e6
    baseline = plan.baseline["annual_cost_usd"] / 1e6 if plan.baseline else float("nan")
    bottom = 0.0
    for item, value in costs.items():
        axes[2].bar(["plan"], [value], bottom=bottom, label=item.replace("_", " "))
        bottom += value
    axes[2].bar(["grid-only baseline"], [baseline], color="grey")
    axes[2].set_ylabel("M USD per year")
    axes[2].set_title("annual cost")
    axes[2].legend(fontsize=7)
    if phases:
        _phases_panel(axes[3], plan)
    return _save(fig, path, title)


def _phases_panel(ax, plan) -> None:
    """A phased plan: stacked capacity by period (the joint plan) against each period's peak load, with the
    path's net present cost beside the myopic sequence's in the title."""
    phases, phased = plan.phases, plan.phased
    labels = [f"{row['date']}\n{row['accelerator']}" for row in phases]
    names = list(dict.fromkeys(name for row in phases for name, mw in row["capacity_mw"].items() if mw > 0))
    bottom = [0.0] * len(phases)
    for name in names:
        values = [row["capacity_mw"].get(name, 0.0) for row in phases]
        ax.bar(labels, values, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.plot(labels, [row["load_mw_peak"] for row in phases], color="black", marker="o", linewidth=2, label="peak load")
    ax.set_ylabel("MW")
    ax.set_title(f"capacity by period; NPV {phased['npv_usd'] / 1e9:,.2f} B USD, myopic {phased['myopic_npv_usd'] / 1e9:,.2f} B USD "
                 f"(saves {phased['saving_share']:.1%})", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")


def plot_buildout(result, path: Path | str, title: str = "") -> Path:
    """Write a PNG of a build-out: capacity online against the target (with the P10-P90 band of the
    draws), compute and energy, and the limit that held capacity back in each week."""
    plt = _pyplot()

    from gigawatt.simulation import LIMITS

    frame = result.to_frames()["periods"]
    when = pd.to_datetime(frame["date"])
    fig, axes = plt.subplots(3, 1, figsize=(11, 10), sharex=True, gridspec_kw={"height_ratios": [3, 2, 1]})
    ax = axes[0]
    ax.plot(when, frame["target_gw"], color="black", linestyle="--", label="programme target")
    ax.plot(when, frame["online_gw"], color="tab:blue", linewidth=2, label="online (median inputs)")
    ax.plot(when, frame["under_construction_gw"], color="tab:orange", label="under construction")
    if "p10_online_gw" in frame:
        ax.fill_between(when, frame["p10_online_gw"], frame["p90_online_gw"], color="tab:blue", alpha=0.2,
                        label=f"online P10-P90 ({result.draws:,} draws)")
    ax.set_ylabel("GW at the meter")
    ax.legend(loc="upper left", fontsize=8)
    ax = axes[1]
    ax.plot(when, frame["h100_equivalents"] / 1e6, color="tab:green", label="H100-equivalents (M)")
    ax.set_ylabel("M H100-equivalents")
    twin = ax.twinx()
    twin.plot(when, frame["energy_twh_per_year"], color="tab:red", linestyle=":", label="energy (TWh/yr)")
    twin.set_ylabel("TWh per year")
    ax.legend(loc="upper left", fontsize=8)
    twin.legend(loc="lower right", fontsize=8)
    ax = axes[2]
    code = frame["binding_limit"].map({name: i for i, name in enumerate(LIMITS)})
    colours = plt.get_cmap("tab10")
    for i, name in enumerate(LIMITS):
        mask = (code == i).to_numpy()
        if mask.any():
            ax.fill_between(when, 0, 1, where=mask, step="post", color=colours(i), label=name)
    ax.set_yticks([])
    ax.set_title("what holds capacity back", fontsize=9)
    ax.legend(loc="upper center", ncol=4, fontsize=7, bbox_to_anchor=(0.5, -0.25))
    return _save(fig, path, title)


def plot_headroom(result, path: Path | str, title: str = "flexible-load headroom") -> Path:
    """Write a PNG: headroom (GW) against the curtailment limit, one line per system and the total."""
    plt = _pyplot()

    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    limits = result.limits_pct
    for s in sorted(result.systems, key=lambda s: -s["limits"][-1]["headroom_mw"]):
        axes[0].plot(limits, [lim["headroom_mw"] / 1e3 for lim in s["limits"]], marker="o", linewidth=1, label=s["name"])
    axes[0].set_xlabel("curtailment limit, % of the new load's energy")
    axes[0].set_ylabel("headroom, GW")
    axes[0].set_title("by system")
    axes[0].legend(fontsize=6, ncol=2)
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
    return _save(fig, path, title)


def plot_curtailment_heatmap(result, path: Path | str) -> Path:
    """Write a PNG: the campus's mean curtailment (MW) by month and local hour of day."""
    plt = _pyplot()

    a = result.campus
    schedule = result.to_frames()["campus"]
    table = schedule.pivot_table(index="month", columns="hour", values="curtailed_mw", aggfunc="mean").reindex(index=range(1, 13), columns=range(24))
    fig, ax = plt.subplots(figsize=(11, 5))
    image = ax.imshow(table.to_numpy(), aspect="auto", cmap="magma_r", origin="upper")
    ax.set_yticks(range(12), ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
    ax.set_xticks(range(0, 24, 2))
    ax.set_xlabel("hour of day (local standard time)")
    fig.colorbar(image, ax=ax, label="mean curtailment, MW")
    title = f"{a['system']}: {a['campus_mw']:,.0f} MW campus at {a['limit_pct']:g}% ({a['years']})"
    return _save(fig, path, title)


JURISDICTION_COLOURS = {"us": "tab:blue", "ally": "tab:green", "partner": "tab:orange", "restricted": "tab:red"}


def plot_siting(result, path: Path | str) -> Path:
    """Write a PNG: each candidate's cost of power against its date online, bubble size = MW placed
    (hollow when none), colour = jurisdiction."""
    plt = _pyplot()

    fig, ax = plt.subplots(figsize=(11, 6.5))
    frame = pd.DataFrame(result.candidates)
    when = pd.to_datetime(frame["online_date"])
    colours = frame["jurisdiction"].map(JURISDICTION_COLOURS).fillna("grey")
    placed = frame["allocated_mw"] > 0
    largest = max(frame["allocated_mw"].max(), 1.0)
    ax.scatter(when[placed], frame["lcoe_usd_per_mwh"][placed], s=80 + 1500 * frame["allocated_mw"][placed] / largest,
               c=colours[placed], alpha=0.6, edgecolors="black")
    ax.scatter(when[~placed], frame["lcoe_usd_per_mwh"][~placed], s=40, facecolors="none", edgecolors=colours[~placed])
    for _, row in frame.iterrows():
        ax.annotate(row["site"], (pd.Timestamp(row["online_date"]), row["lcoe_usd_per_mwh"]), fontsize=7, xytext=(4, 4), textcoords="offset points")
    for name, colour in JURISDICTION_COLOURS.items():
        ax.scatter([], [], c=colour, label=name)
    ax.set_xlabel("online (month the site's supply is energised)")
    ax.set_ylabel("cost of power, USD/MWh")
    ax.legend(title="jurisdiction (filled: placed, size = MW)", fontsize=8)
    title = f"{result.programme}: {result.total_capacity_mw / 1e3:,.1f} GW, {result.annual_cost_usd / 1e9:,.2f} B USD/yr, {result.fleet_co2_g_per_kwh:,.0f} g/kWh"
    return _save(fig, path, title)


def plot_tornado(rows: list[dict], figure: str, path: Path | str, title: str = "", centre: str = "base") -> Path:
    """Write a PNG: the swing of ``figure`` per input (rows of :func:`gigawatt.sweep.tornado`), largest at
    the top, about ``centre`` (the base point's value, or a grid's mean)."""
    plt = _pyplot()

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
    return _save(fig, path, title or f"What moves {figure}")


def plot_distribution(values: list[float], figure: str, path: Path | str, title: str = "") -> Path:
    """Write a PNG: the cumulative distribution of ``figure`` over a sampled sweep's points, with its
    P10, P50 and P90 marked."""
    import numpy as np

    plt = _pyplot()

    fig, ax = plt.subplots(figsize=(9, 5))
    ordered = np.sort(np.asarray(values, dtype=float))
    ax.step(ordered, np.arange(1, len(ordered) + 1) / len(ordered), where="post", color="tab:blue")
    for q in (0.1, 0.5, 0.9):
        ax.axvline(np.quantile(ordered, q), color="grey", linestyle=":", linewidth=1)
        ax.annotate(f"P{q * 100:.0f} {np.quantile(ordered, q):,.4g}", (np.quantile(ordered, q), q), xytext=(4, 0), textcoords="offset points", fontsize=8)
    ax.set_xlabel(figure)
    ax.set_ylabel("share of the points at or below")
    return _save(fig, path, title or f"{figure} over {len(ordered)} sampled points")


def plot_fan(rows: list[dict], path: Path | str, title: str = "") -> Path:
    """Write a PNG: a build-out sweep's fan, the capacity online by date across its points (P10-P90 and
    P25-P75 bands about the median; rows of :func:`gigawatt.sweep.fan`)."""
    plt = _pyplot()

    frame = pd.DataFrame(rows)
    when = pd.to_datetime(frame["date"])
    fig, ax = plt.subplots(figsize=(11, 5.5))
    ax.fill_between(when, frame["p10_online_gw"], frame["p90_online_gw"], color="tab:blue", alpha=0.18, label="P10-P90 of the points")
    ax.fill_between(when, frame["p25_online_gw"], frame["p75_online_gw"], color="tab:blue", alpha=0.35, label="P25-P75")
    ax.plot(when, frame["p50_online_gw"], color="tab:blue", linewidth=2, label="median")
    ax.set_ylabel("GW online at the meter")
    ax.legend(loc="upper left", fontsize=8)
    return _save(fig, path, title or "capacity online across the sweep's points")


def plot_sweep(result, path: Path | str) -> Path:
    """A sweep's chart by its design: the fan of a build-out, the figure's distribution (sampled), or the
    tornado (one at a time, or the main effects of a grid)."""
    d = result.data
    values = [r[d["figure"]] for r in d["points"] if r.get("status") == "done" and isinstance(r.get(d["figure"]), int | float)]
    if not values:
        from gigawatt.errors import ScenarioError

        raise ScenarioError(f"--plot: no point ran with the figure '{d['figure']}'; nothing to draw")
    if d.get("fan"):
        return plot_fan(d["fan"], path, title=f"{result.name}: capacity online over {len(values)} points")
    if d["design"] in ("sample", "sobol"):
        return plot_distribution(values, d["figure"], path, title=f"{result.name}: {d['figure']} over {len(values)} points")
    how, centre = ("one at a time", "base") if d["design"] == "oat" else ("main effects over the grid", "mean of all points")
    return plot_tornado(d["tornado"], d["figure"], path, title=f"{result.name}: what moves {d['figure']} ({how})", centre=centre)


def plot_schedule(result, path: Path | str, title: str = "") -> Path:
    """Write a PNG of a schedule: the site's draw against running flat and each request (events shaded,
    targets and caps dashed, the rule-based policies dotted), and a panel of each job's power."""
    plt = _pyplot()

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
    return _save(fig, path, title or result.name)


def plot(result, path: Path | str) -> Path:
    """The figure of a result's kind (plan, buildout, headroom, site, schedule, sweep), titled with its name."""
    if result.kind == "sweep":
        return plot_sweep(result, path)
    if result.kind == "schedule":
        return plot_schedule(result, path)
    if result.kind == "plan":
        return plot_plan(result, path, title=result.name)
    if result.kind == "buildout":
        return plot_buildout(result, path, title=result.name)
    if result.kind == "headroom":
        return plot_headroom(result, path)
    if result.kind == "site":
        return plot_siting(result, path)
    raise ValueError(f"no figure for a {result.kind} result")

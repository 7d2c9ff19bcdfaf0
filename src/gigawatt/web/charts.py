"""The workbench's charts as Plotly figure specifications (plain dicts, JSON-safe), drawn from a result's
``data`` and ``to_frames()`` only, so a stored run draws exactly as a fresh one. The page hands each to
Plotly.js, loaded from the package (no CDN)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from gigawatt.power.results import BUILT_MW
from gigawatt.report.figures import JURISDICTION_COLOURS, hardest_and_typical_weeks
from gigawatt.results import Result

Figure = dict[str, Any]
MS_PER_DAY = 86_400_000  # Plotly's date axes count milliseconds
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _layout(title: str, x: str = "", y: str = "", **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, "xaxis": {"title": {"text": x}}, "yaxis": {"title": {"text": y}, "automargin": True},
            "margin": {"l": 70, "r": 20, "t": 50, "b": 50}, "legend": {"orientation": "h", "y": -0.2}, **extra}


def _list(series: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else v for v in series.tolist()]


def figures(result: Result) -> dict[str, Figure]:
    """The charts of a result by name (empty for a kind without charts)."""
    draw = {"plan": _plan, "buildout": _buildout, "headroom": _headroom, "site": _site, "schedule": _schedule, "sweep": _sweep}.get(result.kind)
    return draw(result) if draw else {}


def _plan(r: Result) -> dict[str, Figure]:
    frames = r.to_frames()
    capacity = frames["capacity"]
    out: dict[str, Figure] = {
        "capacity": {"data": [
            {"type": "bar", "name": "plan", "x": capacity["option"].tolist(), "y": capacity["capacity_mw"].tolist()},
            {"type": "bar", "name": "grid-only baseline", "x": capacity["option"].tolist(), "y": capacity["baseline_capacity_mw"].tolist()},
        ], "layout": _layout("Capacity: plan against the grid-only baseline", "option", "MW", barmode="group")},
    }
    costs = dict(r.data.get("cost_usd_per_year") or {})
    if r.data.get("lost_compute_usd_per_year"):
        costs["lost compute"] = r.data["lost_compute_usd_per_year"]
    base = (r.data.get("baseline") or {}).get("cost_usd_per_year") or {}
    out["costs"] = {"data": [
        {"type": "bar", "name": item.replace("_", " "), "x": ["plan", "baseline"], "y": [costs.get(item, 0.0) / 1e6, base.get(item, 0.0) / 1e6]}
        for item in sorted(set(costs) | set(base))
    ], "layout": _layout("Annual cost by item", "", "M USD/yr", barmode="stack")}
    dispatch = frames["dispatch"]
    if len(dispatch) >= 24 * 7:
        week, _ = hardest_and_typical_weeks(dispatch.set_index(pd.to_datetime(dispatch["timestamp"])) if "timestamp" in dispatch else dispatch)
        when = [str(t) for t in week.index]
        sources = [c for c in week.columns if c.endswith("_mw") and c != "load_mw" and not c.endswith("_charge_mw") and c != "timestamp"]
        traces = [{"type": "scatter", "mode": "lines", "stackgroup": "supply", "name": c.removesuffix("_mw").replace("_", " "),
                   "x": when, "y": _list(week[c])} for c in sources if week[c].abs().max() > BUILT_MW]
        traces += [{"type": "scatter", "mode": "lines", "name": c.removesuffix("_mw").replace("_", " "), "x": when,
                    "y": _list(-week[c]), "line": {"dash": "dot"}} for c in week.columns if c.endswith("_charge_mw") and week[c].max() > BUILT_MW]
        traces.append({"type": "scatter", "mode": "lines", "name": "load", "x": when, "y": _list(week["load_mw"]), "line": {"color": "black", "width": 2}})
        out["dispatch"] = {"data": traces, "layout": _layout("The hardest week, hour by hour (charging below zero)", "", "MW")}
    timeline = []
    online_by = r.inputs.constraints.online_by  # a plan's inputs are a Scenario
    if r.data.get("bridge_until") and online_by:
        timeline.append({"type": "bar", "orientation": "h", "name": f"bridge until {r.data['bridge_until']} (waiting for {r.data.get('bridge_until_set_by')})",
                         "y": ["bridge"], "base": [online_by + "-01"],
                         "x": [(pd.Timestamp(r.data["bridge_until"]) - pd.Timestamp(online_by)).days * MS_PER_DAY]})
    if r.data.get("online_date"):
        begin = r.inputs.start
        timeline.append({"type": "bar", "orientation": "h", "name": f"long-run supply (set by {r.data.get('online_date_set_by')})",
                         "y": ["long run"], "base": [begin + "-01"],
                         "x": [max((pd.Timestamp(r.data["online_date"]) - pd.Timestamp(begin)).days, 1) * MS_PER_DAY]})
        for bar in timeline:
            bar.update(text=[bar["name"]], textposition="inside", insidetextanchor="start")
        out["time_to_power"] = {"data": timeline, "layout": _layout("Time to power: from the project start to energised", "", "",
                                                                     xaxis={"type": "date"}, barmode="overlay", height=260, showlegend=False)}
    return out


def _buildout(r: Result) -> dict[str, Figure]:
    frame = r.to_frames()["periods"]
    when = frame["date"].astype(str).tolist()
    traces = []
    if "p10_online_gw" in frame:
        traces.append({"type": "scatter", "mode": "lines", "name": "P10", "x": when, "y": _list(frame["p10_online_gw"]), "line": {"width": 0},
                       "showlegend": False, "hoverinfo": "skip"})
        traces.append({"type": "scatter", "mode": "lines", "name": "P10–P90 of the draws", "x": when, "y": _list(frame["p90_online_gw"]),
                       "fill": "tonexty", "fillcolor": "rgba(31, 119, 180, 0.25)", "line": {"width": 0}})
    traces.append({"type": "scatter", "mode": "lines", "name": "online (median inputs)", "x": when, "y": _list(frame["online_gw"]),
                   "line": {"width": 3, "color": "rgb(31, 119, 180)"}})
    traces.append({"type": "scatter", "mode": "lines", "name": "programme target", "x": when, "y": _list(frame["target_gw"]), "line": {"dash": "dash", "color": "black"}})
    shapes = []
    if "binding_limit" in frame:
        limits = frame["binding_limit"].astype(str).tolist()
        shade = {name: 0.04 + 0.05 * (k % 3) for k, name in enumerate(dict.fromkeys(limits))}  # a tone per limit
        run_start = 0
        for k in range(1, len(limits) + 1):
            if k == len(limits) or limits[k] != limits[run_start]:
                shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": when[run_start], "x1": when[k - 1], "y0": 0, "y1": 1,
                               "fillcolor": "#888", "opacity": shade[limits[run_start]], "line": {"width": 0},
                               "label": {"text": limits[run_start], "textposition": "top center", "font": {"size": 9}}})
                run_start = k
    out = {"online": {"data": traces, "layout": _layout("Online capacity (shaded: the binding limit)", "", "GW", shapes=shapes)}}
    share = [c for c in frame.columns if "share" in c and frame[c].notna().any()]
    if share:
        out["share"] = {"data": [{"type": "scatter", "mode": "lines", "name": c.replace("_", " "), "x": when, "y": _list(frame[c] * 100)} for c in share],
                        "layout": _layout("National electricity share", "", "%")}
    return out


def _headroom(r: Result) -> dict[str, Figure]:
    systems = r.data.get("systems") or []
    traces = [{"type": "scatter", "mode": "lines+markers", "name": s["name"], "x": [lim["limit_pct"] for lim in s["limits"]],
               "y": [lim["headroom_mw"] / 1e3 for lim in s["limits"]]} for s in systems]
    out = {"headroom": {"data": traces, "layout": _layout("Flexible-load headroom against the curtailment limit", "curtailment limit, % of the year's energy", "GW")}}
    frames = r.to_frames()
    if "campus" in frames and len(frames["campus"]):
        table = frames["campus"].pivot_table(index="month", columns="hour", values="curtailed_mw", aggfunc="mean").reindex(index=range(1, 13), columns=range(24))
        out["heatmap"] = {"data": [{"type": "heatmap", "z": [[None if pd.isna(v) else v for v in row] for row in table.to_numpy().tolist()],
                                    "x": list(range(24)), "y": MONTHS, "colorscale": "Magma", "reversescale": True,
                                    "colorbar": {"title": {"text": "MW"}}}],
                          "layout": _layout("The campus's mean curtailment by month and hour", "hour of day (local standard time)", "")}
    return out


def _site(r: Result) -> dict[str, Figure]:
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
        geo.append({"type": "scattergeo", "name": name, "lat": _list(part["latitude"]), "lon": _list(part["longitude"]),
                    "text": [f"{s}: {mw:,.0f} MW" for s, mw in zip(part["site"], part["allocated_mw"])],
                    "marker": {"size": [8 + 30 * mw / largest for mw in part["allocated_mw"]], "color": colour.removeprefix("tab:"),
                               "line": {"width": 1, "color": "black"}, "opacity": [0.9 if p else 0.3 for p in placed[part.index]]}})
    out = {"map": {"data": geo, "layout": _layout("Candidates and the MW placed (size)", geo={"projection": {"type": "natural earth"},
                                                                                              "showcountries": True, "showland": True,
                                                                                              "fitbounds": "locations"})}}
    out["cost_date"] = {"data": [{"type": "scatter", "mode": "markers+text", "name": "candidates", "x": frame["online_date"].astype(str).tolist(),
                                  "y": _list(frame["lcoe_usd_per_mwh"]), "text": frame["site"].tolist(), "textposition": "top center",
                                  "marker": {"size": [8 + 30 * mw / largest for mw in frame["allocated_mw"]]}}],
                        "layout": _layout("Cost of power against the date online (size: MW placed)", "online", "USD/MWh")}
    return out


def _schedule(r: Result) -> dict[str, Figure]:
    """The site's draw against running flat and the requests; each job's accelerator power."""
    frames = r.to_frames()
    trace, power = frames["trace"], frames["job_power"]
    when = trace["timestamp"].tolist()
    lines = [{"type": "scatter", "mode": "lines", "name": "running flat", "x": when, "y": _list(trace["flat_mw"]), "line": {"color": "grey", "width": 1}}]
    for column, dash in (("target_mw", "dash"), ("cap_mw", "dashdot")):
        if trace[column].notna().any():
            lines.append({"type": "scatter", "mode": "lines", "name": column.removesuffix("_mw"), "x": when, "y": _list(trace[column]),
                          "line": {"color": "firebrick", "dash": dash, "width": 1}})
    lines.append({"type": "scatter", "mode": "lines", "name": "optimised schedule", "x": when, "y": _list(trace["site_mw"]), "line": {"width": 2}})
    jobs = [c for c in power.columns if c != "timestamp"]
    return {
        "trace": {"data": lines, "layout": _layout("The site's draw against running flat and the requests", "", "MW")},
        "jobs": {"data": [{"type": "scatter", "mode": "lines", "stackgroup": "jobs", "name": c, "x": when, "y": _list(power[c])} for c in jobs],
                 "layout": _layout("Each job's accelerator power", "", "MW")},
    }


def _sweep(r: Result) -> dict[str, Figure]:
    """A sweep's charts by its design: tornado, fan, distribution, Sobol' indices and ranking, or lines over a grid."""
    d = r.data
    figure = d["figure"]
    done = [p for p in d["points"] if p.get("status") == "done" and isinstance(p.get(figure), int | float)]
    out: dict[str, Figure] = {}
    if d["tornado"]:
        rows = list(reversed(d["tornado"]))  # Plotly draws the first bar at the bottom: the largest swing on top
        base = rows[0]["base"]
        out["tornado"] = {"data": [
            {"type": "bar", "orientation": "h", "name": f"{'lowest' if side == 'low' else 'highest'} setting",
             "y": [row["input"] for row in rows], "x": [row[f"at_{side}"] - base for row in rows], "base": [base] * len(rows),
             "text": [str(row[f"{side}_setting"]) for row in rows], "textposition": "outside"}
            for side in ("low", "high")
        ], "layout": _layout(f"What moves {figure} ({'base' if d['design'] == 'oat' else 'main effects about the mean'} {base:,.4g})", figure, "",
                             barmode="overlay", height=160 + 50 * len(rows))}
    if d["fan"]:
        fan = pd.DataFrame(d["fan"])
        when = fan["date"].tolist()
        band = {"type": "scatter", "mode": "lines", "line": {"width": 0}, "x": when}
        out["fan"] = {"data": [
            {**band, "y": _list(fan["p10_online_gw"]), "name": "P10", "showlegend": False},
            {**band, "y": _list(fan["p90_online_gw"]), "name": "P10-P90", "fill": "tonexty", "fillcolor": "rgba(31,119,180,0.18)"},
            {**band, "y": _list(fan["p25_online_gw"]), "name": "P25", "showlegend": False},
            {**band, "y": _list(fan["p75_online_gw"]), "name": "P25-P75", "fill": "tonexty", "fillcolor": "rgba(31,119,180,0.35)"},
            {"type": "scatter", "mode": "lines", "x": when, "y": _list(fan["p50_online_gw"]), "name": "median", "line": {"color": "rgb(31,119,180)", "width": 2}},
        ], "layout": _layout(f"Capacity online across {len(done)} points", "", "GW")}
    if d["design"] in ("sample", "sobol") and done:
        out["distribution"] = {"data": [{"type": "histogram", "x": [p[figure] for p in done], "name": figure}],
                               "layout": _layout(f"{figure} over {len(done)} points", figure, "points")}
    if d["sobol"]:
        rows = d["sobol"]
        out["sobol"] = {"data": [
            {"type": "bar", "name": label, "x": [row["input"] for row in rows], "y": [row[key] for row in rows],
             "error_y": {"type": "data", "array": [row[f"{key}_conf"] for row in rows]}}
            for key, label in (("first_order", "first-order"), ("total", "total"))
        ], "layout": _layout(f"Sobol' indices of {figure} (95% intervals)", "", "share of the variance", barmode="group")}
    if d["ranking"]:
        out["ranking"] = {"data": [{"type": "bar", "orientation": "h", "y": [row["input"] for row in reversed(d["ranking"])],
                                    "x": [row["spearman"] for row in reversed(d["ranking"])], "name": "Spearman"}],
                          "layout": _layout(f"Rank correlation of each input with {figure}", "Spearman's rho", "", xaxis={"range": [-1, 1]})}
    if d["design"] == "grid" and done and d["varied"]:
        first, second = d["varied"][0], (d["varied"][1] if len(d["varied"]) > 1 else None)
        groups = sorted({str(p.get(second)) for p in done}) if second else [""]
        out["grid"] = {"data": [
            {"type": "scatter", "mode": "lines+markers", "name": f"{second} = {g}" if second else figure,
             "x": [p[first] for p in done if not second or str(p.get(second)) == g],
             "y": [p[figure] for p in done if not second or str(p.get(second)) == g]}
            for g in groups
        ], "layout": _layout(f"{figure} over the grid", first, figure)}
    return out

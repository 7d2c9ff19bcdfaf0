"""The buildout job as every face sees it: how it runs, its figures, table, plot, charts and schema (:data:`SPEC`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from gigawatt.build_out.scenario import BuildoutScenario
from gigawatt.core.jsonschema import NUMBER, RECORDS
from gigawatt.core.present import Chart, chart_layout, plain_list, pyplot, save_figure
from gigawatt.core.results import Result
from gigawatt.core.spec import JobSpec, RunSettings

# --- figures --------------------------------------------------------------------------------------


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell buildout runs apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    out: dict[str, Any] = {}
    last = data["periods"][-1] if data["periods"] else {}
    out = {"end": last.get("date"), "online GW at end": last.get("online_gw"), "target GW at end": last.get("target_gw"),
           "accelerators at end": last.get("accelerators"), "capex USD": last.get("capex_cumulative_usd"),
           "energy TWh/yr at end": last.get("energy_twh_per_year")}
    if "p50_online_gw" in last:
        out |= {"P10 online GW at end": last["p10_online_gw"], "P90 online GW at end": last["p90_online_gw"]}
    if data.get("check"):
        out["P(target reached)"] = data["check"]["probability"]
    if data.get("security"):
        out[f"usable for frontier weights from ({data['security']['level']})"] = data["security"]["first_usable"]
    money = data.get("finance")
    if money:
        year = money["last_year"]
        short, long = money["lives_compared_years"]
        out |= {f"P(revenue covers cost of capital) in {year}": money["coverage_probability_last_year"],
                f"P(revenue covers cost of capital) in {year}, {short:g}-year accelerator life": money["coverage_probability_last_year_short_life"],
                f"P(revenue covers cost of capital) in {year}, {long:g}-year accelerator life": money["coverage_probability_last_year_long_life"],
                f"required revenue USD/yr in {year}": money["required_revenue_usd_last_year"],
                f"stranded GW in {year}": money["stranded_gw_last_year"]}
    return out


def decision_notes(data: dict[str, Any]) -> dict[str, str]:
    """What the build-out's decision figures mean: the probability is over the draws at the check's date, while the
    online and target GW are the median-input path at the end, so 10 of 10 GW online can sit beside P = 1%."""
    notes = {"online GW at end": "the median-input path (the table), at the end of the run"}
    if data.get("check"):
        c = data["check"]
        draws = f"{data['draws']:,} draws" if data.get("draws") else "the median inputs"
        notes["P(target reached)"] = (f"share of {draws} with {c['online_gw']:g} GW online by {c['by']} (check.online_gw, check.by); "
                                      f"the best draw has {c['best_online_gw_by_then']:,.2f} GW then")
    return notes


# --- running ------------------------------------------------------------------------------------------


def check(scenario: BuildoutScenario) -> None:
    """The country and every accelerator."""
    from gigawatt.build_out.simulation import check_references

    check_references(scenario)


def run(scenario: BuildoutScenario, settings: RunSettings) -> tuple[Any, list[str], None]:
    """The job run on a validated scenario: (its output, messages for the user, solver facts or None)."""
    from gigawatt.build_out.simulation import simulate

    result = simulate(scenario, progress=settings.progress)
    messages = [result.check["statement"]] if result.check and result.check.get("statement") else []
    held = {name: weeks for name, weeks in result.binding_weeks.items() if weeks and name != "none"}
    if held:
        top = max(held, key=held.get)
        messages.append(f"the limit that held capacity back longest (median inputs): {top}, {held[top]} weeks")
    return result, messages, None


# --- table ---------------------------------------------------------------------------------------


def table(r: Result, console: Console) -> None:
    d = r.data
    periods = r.to_frames()["periods"]
    draws = "p10_online_gw" in periods
    band_note = f"; P10-P90 of {d['draws']:,} draws" if draws else ""
    table = Table(title=f"{d['scenario']}: build-out, end of each year (median inputs{band_note})")
    for column in ("week of", "target GW", "online GW", *(["P10-P90 GW"] if draws else []), "building GW", "accelerators",
                   "H100e", "TWh/yr", "capex B USD", "revenue needed B USD/yr", "held back by"):
        table.add_column(column, justify="left" if column in ("week of", "held back by") else "right", overflow="fold")
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
            view.add_column(column, justify="right", overflow="fold")
        for row in rows:
            view.add_row(str(int(row["year"])), f"{row['demand_twh']:,.1f}", f"{row['generation_twh']:,.0f}",
                         f"{row['share_of_generation']:.1%}", f"{row['share_of_base_year']:.1%}", f"{row['beyond_projected_growth_twh']:,.0f}")
        console.print(view)
    if d.get("finance"):
        _finance_table(d["finance"], r.to_frames()["finance"], console)


def _finance_table(money: dict[str, Any], frame: pd.DataFrame, console: Console) -> None:
    """The finance section: capital, the charge it must earn and the revenue against it, by year."""
    short, long = money["lives_compared_years"]
    draws = "p10_required_revenue_usd" in frame
    title = (f"revenue against the cost of capital (nominal B USD/yr; target return {money['target_return_per_year']:.1%}, "
             f"accelerator life {money['accelerator_life_years']:g} yr median" + (f"; probabilities over {money['draws']:,} draws)" if draws else "; median inputs)"))
    view = Table(title=title)
    columns = ("year", "capex", "replaced", "depreciation", "required revenue", *(["P10-P90"] if draws else []), "revenue",
               *(["P10-P90 "] if draws else []), "P(covered)", f"P @{short:g} yr", f"P @{long:g} yr", "stranded GW", *(["stranded P90"] if draws else []))
    for column in columns:
        view.add_column(column, justify="right", overflow="fold")
    b = lambda v: f"{v / 1e9:,.1f}"  # noqa: E731
    for _, row in frame.iterrows():
        view.add_row(
            str(int(row["year"])), b(row["capex_usd"]), b(row["capex_replacement_usd"]), b(row["depreciation_usd"]), b(row["required_revenue_usd"]),
            *([f"{b(row['p10_required_revenue_usd'])}-{b(row['p90_required_revenue_usd'])}"] if draws else []), b(row["revenue_usd"]),
            *([f"{b(row['p10_revenue_usd'])}-{b(row['p90_revenue_usd'])}"] if draws else []),
            f"{row['coverage_probability']:.0%}", f"{row['coverage_probability_short_life']:.0%}", f"{row['coverage_probability_long_life']:.0%}",
            f"{row['stranded_gw']:,.2f}", *([f"{row['p90_stranded_gw']:,.2f}"] if draws else []),
        )
    console.print(view)
    console.print(f"revenue: {money['revenue_basis']}", highlight=False)
    year = money["last_year"]
    console.print(f"P(revenue covers cost of capital) in {year} = {money['coverage_probability_last_year']:.0%} "
                  f"(accelerator life {short:g} yr: {money['coverage_probability_last_year_short_life']:.0%}; "
                  f"{long:g} yr: {money['coverage_probability_last_year_long_life']:.0%}); required {money['required_revenue_usd_last_year'] / 1e9:,.1f} "
                  f"B USD against revenue {money['revenue_usd_last_year'] / 1e9:,.1f} B USD (median inputs)", highlight=False)


# --- figures --------------------------------------------------------------------------------------


def plot_buildout(result, path: Path | str, title: str = "") -> Path:
    """Write a PNG of a build-out: capacity online against the target (with the P10-P90 band of the
    draws), compute and energy, and the limit that held capacity back in each week."""
    plt = pyplot()

    from gigawatt.build_out.simulation import LIMITS

    frames = result.to_frames()
    frame = frames["periods"]
    when = pd.to_datetime(frame["date"])
    money = frames.get("finance")
    rows = 3 if money is None else 4
    fig, axes = plt.subplots(rows, 1, figsize=(11, 10 if money is None else 13), sharex=True, gridspec_kw={"height_ratios": [3, 2, 1, 3][:rows]})
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
    if money is not None:
        _plot_finance(axes[3], money, result.data["finance"])
    return save_figure(fig, path, title)


def _plot_finance(ax, money: pd.DataFrame, summary: dict[str, Any]) -> None:
    """Required revenue (the capital charge) against the revenue path, by year, with the probability of coverage."""
    # each year drawn over its span, from 1 January to 31 December
    edges = pd.to_datetime([f"{int(y)}-01-01" for y in money["year"]] + [f"{int(money['year'].iloc[-1]) + 1}-01-01"])
    step = lambda column: list(money[column] / 1e9) + [money[column].iloc[-1] / 1e9]  # noqa: E731
    if "p10_required_revenue_usd" in money:
        ax.fill_between(edges, step("p10_required_revenue_usd"), step("p90_required_revenue_usd"), step="post", color="tab:red", alpha=0.15,
                        label="required P10-P90")
        ax.fill_between(edges, step("p10_revenue_usd"), step("p90_revenue_usd"), step="post", color="tab:green", alpha=0.15, label="revenue P10-P90")
    ax.step(edges, step("required_revenue_usd"), where="post", color="tab:red", linewidth=2,
            label=f"required revenue: capital charge at {summary['target_return_per_year']:.1%} (median inputs)")
    ax.step(edges, step("revenue_usd"), where="post", color="tab:green", linewidth=2, label="revenue path (median inputs)")
    ax.set_ylabel("B USD per year (nominal)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=7)
    short, long = summary["lives_compared_years"]
    twin = ax.twinx()
    middle = edges[:-1] + (edges[1:] - edges[:-1]) / 2
    twin.plot(middle, money["coverage_probability"] * 100, "o-", color="black", label="P(revenue covers cost of capital)")
    twin.plot(middle, money["coverage_probability_short_life"] * 100, "v:", color="grey", label=f"P at {short:g}-year accelerator life")
    twin.plot(middle, money["coverage_probability_long_life"] * 100, "^:", color="tab:blue", label=f"P at {long:g}-year accelerator life")
    twin.set_ylim(-5, 105)
    twin.set_ylabel("probability, %")
    twin.legend(loc="lower right", fontsize=7)
    ax.set_title("revenue against the cost of capital", fontsize=9)


# --- charts ---------------------------------------------------------------------------------------


def charts(r: Result) -> dict[str, Chart]:
    frame = r.to_frames()["periods"]
    when = frame["date"].astype(str).tolist()
    traces = []
    if "p10_online_gw" in frame:
        traces.append({"type": "scatter", "mode": "lines", "name": "P10", "x": when, "y": plain_list(frame["p10_online_gw"]), "line": {"width": 0},
                       "showlegend": False, "hoverinfo": "skip"})
        traces.append({"type": "scatter", "mode": "lines", "name": "P10–P90 of the draws", "x": when, "y": plain_list(frame["p90_online_gw"]),
                       "fill": "tonexty", "fillcolor": "rgba(31, 119, 180, 0.25)", "line": {"width": 0}})
    traces.append({"type": "scatter", "mode": "lines", "name": "online (median inputs)", "x": when, "y": plain_list(frame["online_gw"]),
                   "line": {"width": 3, "color": "rgb(31, 119, 180)"}})
    traces.append({"type": "scatter", "mode": "lines", "name": "programme target", "x": when, "y": plain_list(frame["target_gw"]), "line": {"dash": "dash", "color": "black"}})
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
    out = {"online": {"data": traces, "layout": chart_layout("Online capacity (shaded: the binding limit)", "", "GW", shapes=shapes)}}
    money = r.to_frames().get("finance")
    if money is not None:
        out["finance"] = _finance_chart(money, r.data["finance"])
    national = r.to_frames().get("national")  # the share columns are the national frame's, by year (not the weekly periods')
    if national is not None and len(national):
        years = [f"{int(y)}-07-01" for y in national["year"]]  # mid-year: each share is a year's
        names = {"share_of_generation": "of the year's national generation", "share_of_base_year": "of the base year's generation"}
        share = [c for c in names if c in national and national[c].notna().any()]
        country = (r.data.get("national") or {}).get("country", "")
        out["share"] = {"data": [{"type": "scatter", "mode": "lines+markers", "name": names[c], "x": years, "y": plain_list(national[c] * 100)}
                                 for c in share],
                        "layout": chart_layout("The programme's share of national electricity" + (f" ({country})" if country else ""), "", "%",
                                               xaxis={"type": "date", "dtick": "M12", "tickformat": "%Y"})}
    return out


def _finance_chart(money: pd.DataFrame, summary: dict[str, Any]) -> Chart:
    """Required revenue and revenue by year (B USD/yr, with P10-P90 bands over draws) and the probability of coverage (%)."""
    years = [str(int(y)) for y in money["year"]]
    traces = []
    for name, column, colour in (("required revenue", "required_revenue_usd", "214, 39, 40"), ("revenue", "revenue_usd", "44, 160, 44")):
        if f"p10_{column}" in money:
            traces.append({"type": "scatter", "mode": "lines", "name": f"{name} P10", "x": years, "y": plain_list(money[f"p10_{column}"] / 1e9),
                           "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"})
            traces.append({"type": "scatter", "mode": "lines", "name": f"{name} P10–P90", "x": years, "y": plain_list(money[f"p90_{column}"] / 1e9),
                           "fill": "tonexty", "fillcolor": f"rgba({colour}, 0.15)", "line": {"width": 0}})
        traces.append({"type": "scatter", "mode": "lines+markers", "name": f"{name} (median inputs)", "x": years, "y": plain_list(money[column] / 1e9),
                       "line": {"width": 3, "color": f"rgb({colour})"}})
    short, long = summary["lives_compared_years"]
    for name, column, dash in (("P(revenue covers cost of capital)", "coverage_probability", "solid"),
                               (f"P at {short:g}-year accelerator life", "coverage_probability_short_life", "dot"),
                               (f"P at {long:g}-year accelerator life", "coverage_probability_long_life", "dash")):
        traces.append({"type": "scatter", "mode": "lines+markers", "name": name, "x": years, "y": plain_list(money[column] * 100), "yaxis": "y2",
                       "line": {"dash": dash, "color": "black"}})
    layout = chart_layout(f"Revenue against the cost of capital (target return {summary['target_return_per_year']:.1%})", "", "B USD per year (nominal)",
                          yaxis2={"title": {"text": "probability, %"}, "overlaying": "y", "side": "right", "range": [0, 100],
                                  "dtick": 25, "automargin": True, "showgrid": False})
    return {"data": traces, "layout": layout}


# --- schema ---------------------------------------------------------------------------------------


def result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of a buildout result's ``result`` part, and the definitions it references."""
    props = {
        "scenario": {"type": "string"}, "draws": {"type": "integer"}, "seed": {"type": "integer"},
        "periods": RECORDS, "generations": RECORDS,
        "binding_weeks": {"type": "object", "additionalProperties": {"type": "integer"}},
        "binding_by_year": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": NUMBER}},
        "national": {"anyOf": [{"type": "object", "required": ["country", "years", "share_of_generation"],
                                "properties": {"country": {"type": "string"}, "years": RECORDS,
                                               "share_of_generation": {"type": "object", "additionalProperties": NUMBER}}},
                               {"type": "null"}]},
        "check": {"anyOf": [{"type": "object", "required": ["online_gw", "by", "probability"]}, {"type": "null"}]},
        "assumptions": {"type": "object"},
        "security": {"anyOf": [{"type": "object", "required": ["level", "reached", "first_usable"]}, {"type": "null"}]},
        "finance": {"anyOf": [{"type": "object",
                               "required": ["target_return_per_year", "accelerator_life_years", "lives_compared_years", "revenue_basis", "last_year",
                                            "coverage_probability_last_year", "coverage_probability_last_year_short_life",
                                            "coverage_probability_last_year_long_life", "required_revenue_usd_last_year", "years"],
                               "properties": {"target_return_per_year": NUMBER, "accelerator_life_years": NUMBER, "lives_compared_years": {"type": "array", "items": NUMBER},
                                              "facility_life_years": NUMBER, "power_life_years": NUMBER, "revenue_basis": {"type": "string"},
                                              "draws": {"type": "integer"}, "last_year": {"type": "integer"},
                                              "coverage_probability_last_year": {"type": "number", "minimum": 0, "maximum": 1},
                                              "coverage_probability_last_year_short_life": {"type": "number", "minimum": 0, "maximum": 1},
                                              "coverage_probability_last_year_long_life": {"type": "number", "minimum": 0, "maximum": 1},
                                              "required_revenue_usd_last_year": NUMBER, "revenue_usd_last_year": NUMBER, "stranded_gw_last_year": NUMBER,
                                              "years": RECORDS}},
                              {"type": "null"}]},
    }
    return {"type": "object", "properties": props, "required": sorted(props)}, {}


def plot(result: Result, path: Path) -> Path:
    """The figure of ``gigawatt buildout --plot``, titled with the run's name."""
    return plot_buildout(result, path, title=result.name)


# every label figures() can give (a sweep refuses any other --figure before it runs), and those named by the scenario
FIGURE_LABELS = ("end", "online GW at end", "target GW at end", "accelerators at end", "capex USD", "energy TWh/yr at end",
                   "P10 online GW at end", "P90 online GW at end", "P(target reached)")
FIGURE_PATTERNS = (("usable for frontier weights from (LEVEL)", r"^usable for frontier weights from \(.+\)$"),
                   ("P(revenue covers cost of capital) in YEAR", r"^P\(revenue covers cost of capital\) in \d{4}$"),
                   ("P(revenue covers cost of capital) in YEAR, N-year accelerator life",
                    r"^P\(revenue covers cost of capital\) in \d{4}, [0-9.]+-year accelerator life$"),
                   ("required revenue USD/yr in YEAR", r"^required revenue USD/yr in \d{4}$"),
                   ("stranded GW in YEAR", r"^stranded GW in \d{4}$"))

SPEC = JobSpec(
    kind="buildout", summary="Simulate a build-out programme week by week", inputs=BuildoutScenario, mark="programme", accepts=(),
    run=run, check=check, figures=figures, figure_labels=FIGURE_LABELS, figure_patterns=FIGURE_PATTERNS, headline=("online GW at end", "end"),
    decision_notes=decision_notes,
    decision=("online GW at end", "target GW at end", "end", "P(target reached)", "capex USD", "energy TWh/yr at end"),
    table=table, plot=plot, charts=charts, result_schema=result_schema,
)

"""The finance job as every face sees it (``gigawatt finance``): a plan scenario with a ``finance:`` section, planned,
then its campus and supply pro formas (:mod:`gigawatt.project_finance.campus`); its figures, tables, plot, charts, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from gigawatt.core.errors import ScenarioError
from gigawatt.core.jsonschema import NUMBER, RECORDS
from gigawatt.core.present import Chart, chart_layout, fmt, plain_list, pyplot, save_figure
from gigawatt.core.results import Result, json_safe
from gigawatt.core.spec import JobSpec, RunSettings
from gigawatt.power.scenario import Scenario

# the yearly columns the table and the chart show, with their labels (the full table: --csv, runs export)
SHOWN = {"capital_usd": "capital", "replacements_usd": "replacements", "operating_costs_usd": "operating", "revenue_usd": "revenue",
         "depreciation_usd": "depreciation", "tax_usd": "tax", "credits_usd": "credits", "interest_usd": "interest",
         "principal_usd": "principal", "equity_cash_flow_usd": "equity cash flow"}
MUSD = 1e6

# --- figures --------------------------------------------------------------------------------------


def _irr(block: dict[str, Any]) -> float | None:
    return block.get("rate_per_year") if isinstance(block, dict) else None


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell finance runs apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    campus, supply = data["campus"], data["supply"]
    return {
        "break-even USD/accelerator-hour": campus["break_even_usd_per_accelerator_hour"],
        "break-even USD/million tokens": campus["break_even_usd_per_million_tokens"],
        "capital USD": sum(data["capital_usd"].values()),
        "equity USD": campus["equity_usd"], "debt USD": campus["debt_usd"],
        "supply LCOE nominal USD/MWh": supply["lcoe_nominal_usd_per_mwh"], "supply LCOE real USD/MWh": supply["lcoe_real_usd_per_mwh"],
        "supply equity IRR": _irr(supply["equity_irr"]), "minimum DSCR": campus["min_dscr"], "payback year": campus["payback_year"],
    }


FIGURE_LABELS = ("break-even USD/accelerator-hour", "break-even USD/million tokens", "capital USD", "equity USD", "debt USD",
                 "supply LCOE nominal USD/MWh", "supply LCOE real USD/MWh", "supply equity IRR", "minimum DSCR", "payback year")

# --- running ------------------------------------------------------------------------------------------


def check(scenario: Scenario) -> None:
    """The plan's references (cluster, technologies, site), and a finance section to price."""
    from gigawatt.power.job import check as plan_check

    if scenario.finance is None:
        raise ScenarioError("finance: the scenario has no finance section; add one (e.g. finance: {analysis_years: 30}) or run gigawatt plan")
    plan_check(scenario)


def price(scenario: Scenario, plan: dict[str, Any], settings: RunSettings | None = None) -> Any:  # noqa: ARG001 - JobSpec.from_plan's signature
    """The campus and supply pro formas (:class:`~gigawatt.project_finance.campus.CampusFinance`) of a plan's JSON
    form, solved now or stored, for its scenario: the cluster sized again (one sizing a phase) from the catalog."""
    from gigawatt.compute.sizing import size
    from gigawatt.power.phases import phase_scenario
    from gigawatt.project_finance.campus import campus_finance

    sizings = [phase_scenario(scenario, i)[1] for i in range(len(scenario.phases))] if scenario.phases else [size(scenario)]
    return campus_finance(scenario, [json_safe(s.to_dict()) for s in sizings], plan)


def run(scenario: Scenario, settings: RunSettings) -> tuple[Any, list[str], dict[str, Any] | None]:
    """The job run on a validated scenario: (its output, messages for the user, solver facts or None)."""
    from gigawatt.power.job import run as plan_run

    check(scenario)
    plan, messages, solver = plan_run(scenario, settings)
    result = price(scenario, json_safe(plan.to_dict()))
    return result, [*messages, *result.messages], solver


# --- table --------------------------------------------------------------------------------------------


def table(r: Result, console: Console) -> None:
    """The metrics of both pro formas, the sources and uses, and the campus's cash flows by year (M USD)."""
    d = r.data
    campus, supply = d["campus"], d["supply"]
    dollars = f"{campus['dollar_year']} USD" if campus.get("dollar_year") else "USD"
    head = Table(title=f"{d['scenario']}: {d['accelerators']:,} accelerators, {d['finance']['analysis_years']} years, "
                       f"equity asks {d['finance']['target_equity_return_per_year']:.1%}/yr nominal")
    for column in ("figure", "campus", "supply alone"):
        head.add_column(column, justify="left" if column == "figure" else "right", overflow="fold")
    rows = [
        ("capital at close, M USD", campus["debt_usd"] / MUSD + campus["equity_usd"] / MUSD, supply["debt_usd"] / MUSD + supply["equity_usd"] / MUSD),
        ("debt, M USD", campus["debt_usd"] / MUSD, supply["debt_usd"] / MUSD),
        ("minimum DSCR", campus["min_dscr"], supply["min_dscr"]),
        ("break-even price, first year", f"{fmt(campus['break_even_usd_per_accelerator_hour'])} USD/accelerator-hour",
         f"{fmt(supply['break_even_usd_per_unit'])} USD/MWh"),
        ("LCOE nominal / real, USD/MWh (SAM's definition)", "-", f"{fmt(supply['lcoe_nominal_usd_per_mwh'])} / {fmt(supply['lcoe_real_usd_per_mwh'])}"),
        ("payback year (at break-even)", campus["payback_year"], supply["payback_year"]),
    ]
    if campus.get("break_even_usd_per_million_tokens") is not None:
        rows.append(("break-even, USD per million tokens", campus["break_even_usd_per_million_tokens"], None))
    for label, a, b in rows:
        head.add_row(label, a if isinstance(a, str) else fmt(a), b if isinstance(b, str) else fmt(b))
    console.print(head)
    frames = r.to_frames()
    uses = Table(title=f"sources and uses at close, M {dollars}")
    for column in ("item", "side", "M USD"):
        uses.add_column(column, justify="right" if column == "M USD" else "left", overflow="fold")
    for row in frames["sources_and_uses"].itertuples():
        uses.add_row(str(row.item), str(row.side), fmt(row.usd / MUSD))
    console.print(uses)
    flows = frames["cash_flows"]
    years = Table(title="campus cash flows by year, M USD nominal (at the break-even price; all columns: --csv)")
    years.add_column("year", justify="right", overflow="fold")
    shown = [c for c in SHOWN if c in flows.columns]
    for column in shown:
        years.add_column(SHOWN[column], justify="right", overflow="fold")
    for _, row in flows.iterrows():
        years.add_row(str(int(row["year"])), *(fmt(row[c] / MUSD) for c in shown))
    console.print(years)


# --- figures (plot) -------------------------------------------------------------------------------------


def _waterfall(flows: Any, rate: float) -> list[tuple[str, float]]:
    """Present values at ``rate`` of the campus's equity cash flow, split into its parts, M USD."""
    discount = (1.0 + rate) ** -flows["year"].to_numpy()

    def pv(column: str, sign: float = 1.0) -> float:
        return sign * float((flows[column].to_numpy() * discount).sum()) / MUSD if column in flows.columns else 0.0

    parts = [("revenue", pv("revenue_usd")), ("operating", pv("operating_costs_usd", -1)),
             ("capital", pv("capital_usd", -1) + pv("replacements_usd", -1)), ("tax", pv("tax_usd", -1)),
             ("credits", pv("credits_usd")), ("debt (net)", pv("debt_draw_usd") - pv("interest_usd") - pv("principal_usd") - pv("debt_fee_usd")),
             ("salvage", pv("salvage_usd"))]
    return [(label, value) for label, value in parts if abs(value) > 0]


def plot(result: Result, path: Path) -> Path:
    """The figure of ``gigawatt finance --plot``: cash flows by year, and the waterfall from revenue to equity NPV."""
    plt = pyplot()
    flows = result.to_frames()["cash_flows"]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 8))
    years = flows["year"].to_numpy()
    for column, colour in (("revenue_usd", "tab:green"), ("operating_costs_usd", "tab:orange"), ("capital_usd", "tab:red"),
                           ("replacements_usd", "tab:purple"), ("tax_usd", "tab:gray")):
        if column in flows.columns:
            sign = 1.0 if column == "revenue_usd" else -1.0
            top.bar(years, sign * flows[column] / MUSD, label=SHOWN.get(column, column), color=colour, alpha=0.6)
    top.plot(years, np.cumsum(flows["equity_cash_flow_usd"]) / MUSD, color="black", label="equity, cumulative")
    top.axhline(0, color="black", linewidth=0.5)
    top.set_ylabel("M USD nominal")
    top.set_title("cash flows by year at the break-even price per accelerator-hour")
    top.legend(fontsize=8, ncol=3)
    rate = result.data["finance"]["target_equity_return_per_year"]
    parts = _waterfall(flows, rate)
    level = 0.0
    for i, (label, value) in enumerate(parts):
        bottom.bar(i, value, bottom=level, color="tab:green" if value >= 0 else "tab:red")
        level += value
    bottom.bar(len(parts), level, color="tab:blue")
    bottom.set_xticks(range(len(parts) + 1), [label for label, _ in parts] + ["equity NPV"])
    bottom.set_ylabel(f"M USD, present value at {rate:.1%}/yr")
    bottom.set_title("from revenue to equity NPV (zero at the break-even price)")
    return save_figure(fig, path, f"{result.name}: campus pro forma")


# --- charts --------------------------------------------------------------------------------------------


def charts(r: Result) -> dict[str, Chart]:
    """The workbench's charts: cash flows by year, and the waterfall to equity NPV."""
    flows = r.to_frames()["cash_flows"]
    years = flows["year"].tolist()
    bars = [{"type": "bar", "name": SHOWN[c], "x": years, "y": plain_list((1 if c == "revenue_usd" else -1) * flows[c] / MUSD)}
            for c in ("revenue_usd", "operating_costs_usd", "capital_usd", "replacements_usd", "tax_usd") if c in flows.columns]
    bars.append({"type": "scatter", "mode": "lines", "name": "equity, cumulative", "x": years,
                 "y": plain_list(flows["equity_cash_flow_usd"].cumsum() / MUSD)})
    parts = _waterfall(flows, r.data["finance"]["target_equity_return_per_year"])
    waterfall = {"type": "waterfall", "x": [label for label, _ in parts] + ["equity NPV"], "y": [value for _, value in parts] + [0.0],
                 "measure": ["relative"] * len(parts) + ["total"]}
    return {"cash_flows": {"data": bars, "layout": chart_layout("Cash flows by year", "year", "M USD nominal", barmode="relative")},
            "waterfall": {"data": [waterfall], "layout": chart_layout("From revenue to equity NPV", "", "M USD, present value")}}


# --- schema --------------------------------------------------------------------------------------------


def result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of a finance result's ``result`` part, and the definitions it references."""
    irr = {"type": "object", "required": ["rate_per_year", "reason"]}
    pro_forma = {"type": "object", "required": ["cash_flows", "sources_and_uses", "equity_npv_usd", "equity_irr", "lcoe_nominal_usd_per_mwh",
                                                "lcoe_real_usd_per_mwh", "min_dscr", "break_even_usd_per_unit"],
                 "properties": {"cash_flows": RECORDS, "equity_npv_usd": NUMBER, "equity_irr": irr,
                                "lcoe_nominal_usd_per_mwh": NUMBER, "lcoe_real_usd_per_mwh": NUMBER, "min_dscr": NUMBER,
                                "break_even_usd_per_unit": NUMBER}}
    props = {"scenario": {"type": "string"}, "finance": {"type": "object"}, "accelerators": {"type": "integer"},
             "accelerator_hours_per_year": NUMBER, "energy_mwh_per_year": NUMBER,
             "capital_usd": {"type": "object", "additionalProperties": NUMBER}, "campus": {"$ref": "#/$defs/pro_forma"},
             "supply": {"$ref": "#/$defs/pro_forma"}}
    return {"type": "object", "properties": props, "required": sorted(props)}, {"pro_forma": pro_forma}


SPEC = JobSpec(
    kind="finance", summary="A campus's money over time: cash flows, financing, tax and the break-even price per accelerator-hour",
    inputs=Scenario, mark=("site", "finance"), accepts=("plan", "size", "reliability"),  # a plan scenario with a finance section (a build-out may have one too)
    run=run, check=check, figures=figures, figure_labels=FIGURE_LABELS, headline=("break-even USD/accelerator-hour", "supply LCOE real USD/MWh", "capital USD"),
    decision=("break-even USD/accelerator-hour", "supply LCOE real USD/MWh", "capital USD", "supply equity IRR", "minimum DSCR", "payback year"),
    table=table, plot=plot, charts=charts, result_schema=result_schema, from_plan=price,
)

"""The size job as every face sees it: how it runs, its figures, table, plot, charts and schema (:data:`SPEC`)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from gigawatt.core.jsonschema import dataclass_schema
from gigawatt.core.present import fmt
from gigawatt.core.results import Result
from gigawatt.core.spec import JobSpec, RunSettings
from gigawatt.power.scenario import Scenario

# --- figures --------------------------------------------------------------------------------------


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell size runs apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    out: dict[str, Any] = {"accelerators": data["accelerator_count"], "facility power MW": data["facility_power_mw"],
           "annual energy MWh": data["annual_energy_mwh"], "capital USD": data["capex_usd"],
           "total cost USD/yr": data["total_cost_usd_per_year"], "USD per accelerator-hour": data["cost_usd_per_accelerator_hour"]}
    return out


# --- running ------------------------------------------------------------------------------------------


def check(scenario: Scenario) -> None:
    """The accelerator and catalog figures the sizing reads, resolved."""
    from gigawatt.compute.sizing import size as size_cluster

    size_cluster(scenario, require_price=False)


def run(scenario: Scenario, settings: RunSettings) -> tuple[Any, list[str], None]:
    """The job run on a validated scenario: (its output, messages for the user, solver facts or None)."""
    from gigawatt.compute.sizing import size as size_cluster

    sizing = size_cluster(scenario, require_price=False)  # power does not depend on the price: give it without one
    defaults = [name for name, a in sizing.assumptions.items() if a.source != "scenario"]
    note = f"{len(defaults)} of {len(sizing.assumptions)} figures are catalog defaults (the assumptions table gives their sources)"
    messages = ([sizing.capital_note] if sizing.capital_note else []) + ([note] if defaults else [])
    return sizing, messages, None


# --- table ---------------------------------------------------------------------------------------


def table(r: Result, console: Console) -> None:
    d = r.data
    head = Table(title=f"{d['scenario']}: {d['count']:,} x {d['accelerator']} ({d['accelerator_count']:,} accelerators, sized by {d['sizing_mode']})")
    head.add_column("quantity", overflow="fold")
    head.add_column("value", justify="right", overflow="fold")

    def label(key: str, suffix: str) -> str:
        return f"  {key.removesuffix(suffix).replace('_', ' ')}"

    def usd(value: float | None, scale: float, unit: str, digits: int) -> str:
        return "-" if value is None else f"{value / scale:,.{digits}f} {unit}"

    priced = d["capex_usd"] is not None  # without a price the capital rows are left out (the messages say why)
    capital = [
        ("capital cost", usd(d["capex_usd"], 1e9, "B USD", 2)),
        *((label(k, "_usd"), f"{v / 1e9:,.2f} B USD") for k, v in d["capex_breakdown_usd"].items()),
        ("capital, annualised", usd(d["annualised_capex_usd_per_year"], 1e9, "B USD/yr", 2)),
    ] if priced else []
    costs = [
        ("cost per accelerator-hour", usd(d["cost_usd_per_accelerator_hour"], 1, "USD", 2)),
        ("cost per useful accelerator-hour", usd(d["cost_usd_per_useful_accelerator_hour"], 1, "USD", 2)),
        ("cost per 1e24 FLOP delivered", usd(d["cost_usd_per_1e24_flop"], 1e6, "M USD", 2)),
    ] if priced else []
    rows = [
        ("H100-equivalents", f"{d['h100_equivalents']:,.0f}"),
        ("IT power, peak", f"{d['it_power_mw']:,.1f} MW"),
        ("facility power at the meter, peak", f"{d['facility_power_mw']:,.1f} MW"),
        ("average draw at the meter", f"{d['average_power_mw']:,.1f} MW"),
        ("grid connection to contract (the peak)", f"{d['contracted_grid_mw']:,.1f} MW"),
        (f"electrical nameplate, {d['redundancy']}", f"{d['electrical_nameplate_mw']:,.1f} MW"),
        ("PUE", f"{d['pue']:.2f}"),
        ("annual energy", f"{d['annual_energy_mwh']:,.0f} MWh"),
        *capital,
        ("operating cost", f"{d['opex_usd_per_year'] / 1e9:,.3f} B USD/yr"),
        *((label(k, "_usd"), f"{v / 1e9:,.3f} B USD/yr") for k, v in d["opex_breakdown_usd_per_year"].items()),
        *costs,
    ]
    if d["training"]:
        t = d["training"]
        rows += [("training run energy", f"{t['energy_mwh']:,.0f} MWh over {t['days']:g} days")]
        rows += [("training run cost", usd(t["cost_usd"], 1e6, "M USD", 1))] if priced else []
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


# --- schema ---------------------------------------------------------------------------------------


def result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of a size result's ``result`` part, and the definitions it references."""
    from gigawatt.compute.sizing import ClusterSizing

    return dataclass_schema(ClusterSizing), {}


# every label figures() can give (a sweep refuses any other --figure before it runs), and those named by the scenario
FIGURE_LABELS = ("accelerators", "facility power MW", "annual energy MWh", "capital USD", "total cost USD/yr", "USD per accelerator-hour")
FIGURE_PATTERNS = ()

SPEC = JobSpec(
    kind="size", summary="Size a cluster: power at the meter, energy, capital and operating cost", inputs=Scenario, mark="cluster", accepts=("plan", "finance", "reliability"),
    run=run, check=check, figures=figures, figure_labels=FIGURE_LABELS, figure_patterns=FIGURE_PATTERNS, headline=("facility power MW", "USD per accelerator-hour"),
    decision=("facility power MW", "accelerators", "annual energy MWh", "capital USD", "total cost USD/yr", "USD per accelerator-hour"),
    table=table, plot=None, charts=None, result_schema=result_schema,
)

"""`gigawatt catalog`, `validate` and `schema`: the bundled tables, checking a scenario, and every key."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gigawatt.cli._common import OUTPUTS, FieldChoice, JsonOption, SetOption, app, examples, out_console, print_json
from gigawatt.core.documents import envelope
from gigawatt.core.errors import ScenarioError


# (column, header) shown for people; --json gives every column
_CATALOG_COLUMNS = {
    "accelerators": [
        ("name", "name"), ("vendor", "vendor"), ("year", "year"), ("accelerators_per_unit", "per unit"),
        ("tdp_w", "TDP W"), ("bf16_dense_tflops", "BF16 TF/s"), ("fp8_dense_tflops", "FP8 TF/s"),
        ("hbm_gb", "HBM GB"), ("unit_price_usd", "price USD"), ("cooling", "cooling"),
    ],
    "technologies": [
        ("technology", "technology"), ("capex_usd_per_kw", "capex $/kW"), ("capex_usd_per_kwh", "capex $/kWh"),
        ("fom_usd_per_kw_year", "FOM $/kW-yr"),
        ("vom_usd_per_mwh", "VOM $/MWh"), ("heat_rate_mmbtu_per_mwh", "heat rate MMBtu/MWh"),
        ("lifetime_years", "life yr"), ("lead_time_months", "lead mo"), ("co2_t_per_mwh", "CO2 t/MWh"),
    ],
    "assumptions": [("name", "name"), ("value", "value"), ("unit", "unit"), ("description", "description")],
    "power_capping": [
        ("workload", "workload"), ("power_cap_share", "cap / TDP"), ("power_share", "power kept"),
        ("throughput_share", "throughput kept"), ("measured_on", "measured on"),
    ],
    "roadmap": [("accelerator", "accelerator"), ("available", "volume from"), ("source", "source")],
    "national_generation": [("country", "country"), ("name", "name"), ("year", "year"), ("generation_twh", "TWh")],
    "national_growth": [
        ("country", "country"), ("growth_per_year", "growth/yr"), ("from_year", "from"), ("to_year", "to"), ("source", "source"),
    ],
    "balancing_authorities": [("code", "code"), ("name", "name"), ("utc_offset_hours", "UTC offset h"), ("duke22", "Duke study")],
    "duke_headroom": [("limit_pct", "limit %"), ("headroom_gw", "GW"), ("curtailment_hours_per_year", "h/yr"), ("mean_event_hours", "event h")],
    "regions": [
        ("region", "region"), ("name", "name"), ("jurisdiction", "jurisdiction"), ("price_usd_per_mwh", "USD/MWh"),
        ("price_basis", "price basis"), ("co2_g_per_kwh", "g/kWh"), ("grid_carbon_free_share", "carbon-free"), ("gas_hub", "gas hub"), ("gas_price_usd_per_mmbtu", "gas USD/MMBtu"),
        ("connection_wait_months", "wait mo"), ("generation_queue_months", "gen queue mo (proxy)"), ("pv_yield_kwh_per_kwp", "PV kWh/kWp"), ("wind_cf", "wind CF"),
    ],
    "security_levels": [
        ("level", "level"), ("thwarts", "thwarts"), ("attacker_budget_usd", "attacker USD"), ("months_to_reach_low", "months from"),
        ("months_to_reach_high", "to"), ("security_staff_min", "staff at least"), ("security_staff_share", "or share"), ("jurisdictions", "jurisdictions"),
    ],
    "security_controls": [("id", "id"), ("level", "from"), ("stream", "stream"), ("check", "check"), ("control", "control")],
    "unit_commitment": [
        ("technology", "technology"), ("unit_mw", "unit MW"), ("min_stable_share", "min output"), ("start_cost_usd_per_mw", "start USD/MW"), ("start_fuel_mmbtu_per_mw", "start fuel MMBtu/MW"),
        ("min_up_hours", "min up h"), ("min_down_hours", "min down h"), ("heat_rate_at_min_share", "heat rate at min"),
    ],
    "gas_hubs": [
        ("hub", "hub"), ("name", "name"), ("market", "market"), ("year", "year"), ("price_usd_per_mmbtu", "USD/MMBtu"),
        ("basis", "basis"), ("tag", "read"),
    ],
    "profiles": [
        ("profile", "profile"), ("dataset", "dataset"), ("year", "year"), ("regions", "fits regions"), ("solar_mean_cf", "solar CF"),
        ("wind_mean_cf", "wind CF"),
    ],
    "countries": [("country", "country"), ("name", "name")],
    "finance": [
        ("key", "key"), ("value", "value"), ("date", "date"), ("unit", "unit"), ("category", "category"), ("source_year", "source year"),
    ],
    "outages": [
        ("technology", "technology"), ("unit_mw", "unit MW"), ("forced_outage_rate", "forced-outage rate"),
        ("mean_time_to_repair_hours", "repair h"), ("outages_per_year", "outages/yr"), ("source_year", "source year"),
    ],
}


@app.command("catalog", epilog=examples(
    "gigawatt catalog accelerators",
    "gigawatt catalog technologies --json   # every column, with sources",
))
def catalog_command(
    table: Annotated[str, typer.Argument(parser=FieldChoice(tuple(_CATALOG_COLUMNS), "TABLE")["parser"], metavar="TABLE", show_default=False, help="The table: " + ", ".join(_CATALOG_COLUMNS))],
    as_json: JsonOption = False,
) -> None:
    """Print a bundled catalog table (every row has its source)."""
    from rich.table import Table

    from gigawatt import catalog
    from gigawatt.report.tables import fmt

    loaders = {
        "accelerators": catalog.accelerators, "technologies": catalog.technologies,
        "assumptions": catalog.assumptions, "power_capping": catalog.power_capping, "roadmap": catalog.roadmap,
        "national_generation": catalog.national_generation, "national_growth": catalog.national_growth,
        "balancing_authorities": catalog.balancing_authorities, "duke_headroom": catalog.duke_headroom, "regions": catalog.regions,
        "security_levels": catalog.security_levels, "security_controls": catalog.security_controls, "unit_commitment": catalog.unit_commitment,
        "gas_hubs": catalog.gas_hubs, "profiles": catalog.profiles, "countries": catalog.countries,
        "finance": catalog.finance_defaults, "outages": catalog.outages,
    }
    if table not in loaders:
        raise ScenarioError(f"catalog: unknown table '{table}'; choose one of {', '.join(loaders)}")
    frame = loaders[table]()
    if as_json:
        print_json(envelope("catalog", table=table, rows=frame.to_dict(orient="records")))
        return
    view = Table(title=f"{table} ({len(frame)} rows; --json for every column and source)")
    columns = _CATALOG_COLUMNS[table]
    for i, (_, header) in enumerate(columns):
        view.add_column(header, overflow="fold", no_wrap=i == 0)
    for _, row in frame.iterrows():
        # a year is a label, not a quantity: no thousands separator
        view.add_row(*(str(row[c]) if c.endswith("year") and isinstance(row[c], int) else fmt(row[c]) for c, _ in columns))
    out_console().print(view)


@app.command("validate", epilog=examples(
    "gigawatt validate examples/west-texas-grid-gas.yaml",
    "gigawatt validate examples/h100-100k.yaml --set cluster.count=200000 --json",
))
def validate_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.yaml", show_default=False, help="Scenario YAML file")],
    overrides: SetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a scenario file of any kind; point at the offending key and line."""
    from gigawatt import api
    from gigawatt.core.inputs import read_yaml

    data, _ = read_yaml(file)
    kind = api.looks_like(data) or "size"
    model = api.load_inputs(kind, file, overrides)
    api.check_references(kind, model)
    if as_json:
        print_json(envelope("validate", valid=True, file=str(file), scenario_kind=kind, scenario=model.model_dump(mode="json")))
    else:
        from rich.text import Text

        out_console().print(Text.assemble(("OK", "green"), f" {file}: valid {kind} scenario '{model.name}'"))


SCHEMA_KINDS = ("plan", "size", "buildout", "headroom", "site")  # api.MODELS, and the outputs of gigawatt.schemas: a test keeps them equal
OUTPUT_KINDS = ("size", "plan", "buildout", "headroom", "site", "schedule", "finance", "reliability", "sweep",  # schemas.OUTPUTS:
                "catalog", "runs_list", "runs_diff", "runs_size", "runs_prune", "validate", "security_check", "scenario_keys")  # a test keeps them equal


@app.command("schema", epilog=examples(
    "gigawatt schema plan   # every key of a plan scenario, its type, default and unit",
    "gigawatt schema --output plan > plan.schema.json",
))
def schema_command(
    kind: Annotated[Optional[str], typer.Argument(**FieldChoice(SCHEMA_KINDS, "KIND"), show_default="plan", help="Whose keys (size uses the plan's)")] = None,
    buildout: Annotated[bool, typer.Option("--buildout", help="Keys of a build-out programme (same as: gigawatt schema buildout)")] = False,
    output: Annotated[Optional[str], typer.Option("--output", **FieldChoice(OUTPUT_KINDS, "--output"), rich_help_panel=OUTPUTS, help="Print the JSON Schema of this command's --json output instead")] = None,
    as_json: JsonOption = False,
) -> None:
    """List every scenario key with its type, default and description (units included), or an output's JSON Schema."""
    from rich.table import Table

    from gigawatt.api import MODELS
    from gigawatt.core.inputs import describe_fields

    if output is not None:
        from gigawatt.schemas import output_schema

        print_json(output_schema(output))
        return
    kind = "buildout" if buildout else kind or "plan"
    if kind not in MODELS:
        raise ScenarioError(f"schema: unknown kind '{kind}'; choose one of {', '.join(MODELS)}")
    rows = describe_fields(MODELS[kind])
    if as_json:
        print_json(envelope("scenario_keys", scenario_kind=kind, keys=rows))
        return
    view = Table(title=f"{kind} scenario keys (set in YAML or with --set KEY=VALUE)")
    for column in ("key", "type", "default", "description"):
        view.add_column(column, overflow="fold")
    for row in rows:
        view.add_row(*row.values())
    out_console().print(view)

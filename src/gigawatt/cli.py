"""The ``gigawatt`` command line: a thin layer over the library.

User mistakes print one line naming the field and the fix, and exit with status 2; ``--debug`` shows
the traceback instead.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import click
import typer
from rich.console import Console
from rich.table import Table

from gigawatt import catalog
from gigawatt.compute import ClusterSizing, size
from gigawatt.errors import GigawattError, ScenarioError
from gigawatt.scenario import Scenario, apply_overrides, describe_fields, load_scenario, parse_scenario

app = typer.Typer(
    name="gigawatt",
    help="Plan AI compute clusters and the electricity they need.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(width=None if sys.stdout.isatty() else 160)  # pipes and CI get wide tables
_state = {"debug": False}

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]
SetOption = Annotated[
    Optional[list[str]],
    typer.Option("--set", help="Override a scenario value by dotted key, e.g. --set cluster.count=200000 (repeatable)."),
]


@app.callback()
def _root(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False) -> None:
    _state["debug"] = debug


def _clean(value: Any) -> Any:
    """Make catalog values JSON-safe (NaN → null, numpy scalars → Python)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(_clean(data), indent=2) + "\n")


# --- catalog ---------------------------------------------------------------------------------------

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
        ("co2_g_per_kwh", "g/kWh"), ("grid_carbon_free_share", "carbon-free"), ("gas_price_usd_per_mmbtu", "gas USD/MMBtu"),
        ("connection_wait_months", "wait mo"), ("pv_yield_kwh_per_kwp", "PV kWh/kWp"), ("wind_cf", "wind CF"),
    ],
}


@app.command("catalog")
def catalog_command(
    table: Annotated[str, typer.Argument(help="accelerators, technologies, assumptions, power_capping, roadmap, national_generation, national_growth, balancing_authorities, duke_headroom or regions")],
    as_json: JsonOption = False,
) -> None:
    """Print a bundled catalog table (every row has its source)."""
    loaders = {
        "accelerators": catalog.accelerators, "technologies": catalog.technologies,
        "assumptions": catalog.assumptions, "power_capping": catalog.power_capping, "roadmap": catalog.roadmap,
        "national_generation": catalog.national_generation, "national_growth": catalog.national_growth,
        "balancing_authorities": catalog.balancing_authorities, "duke_headroom": catalog.duke_headroom, "regions": catalog.regions,
    }
    if table not in loaders:
        raise ScenarioError(f"catalog: unknown table '{table}'; choose one of {', '.join(loaders)}")
    frame = loaders[table]()
    if as_json:
        _print_json(frame.to_dict(orient="records"))
        return
    view = Table(title=f"{table} ({len(frame)} rows; --json for every column and source)")
    columns = _CATALOG_COLUMNS[table]
    for i, (_, header) in enumerate(columns):
        view.add_column(header, overflow="fold", no_wrap=i == 0)
    for _, row in frame.iterrows():
        view.add_row(*(_fmt(row[c]) for c, _ in columns))
    console.print(view)


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


# --- validate --------------------------------------------------------------------------------------


@app.command("validate")
def validate_command(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file")],
    overrides: SetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a scenario file; point at the offending key and line."""
    scenario = load_scenario(file, overrides or [])
    size(scenario)  # also resolves the accelerator and catalog figures
    if as_json:
        _print_json({"valid": True, "file": str(file), "scenario": scenario.model_dump(mode="json")})
    else:
        console.print(f"[green]OK[/green] {file}: valid scenario '{scenario.name}'")


@app.command("schema")
def schema_command(
    buildout: Annotated[bool, typer.Option("--buildout", help="Keys of a build-out programme (gigawatt buildout) instead")] = False,
    as_json: JsonOption = False,
) -> None:
    """List every scenario key with its type, default and description (units included)."""
    from gigawatt.scenario import BuildoutScenario

    rows = describe_fields(BuildoutScenario) if buildout else describe_fields()
    if as_json:
        _print_json(rows)
        return
    view = Table(title="scenario keys (set in YAML or with --set KEY=VALUE)")
    for column in ("key", "type", "default", "description"):
        view.add_column(column, overflow="fold")
    for row in rows:
        view.add_row(*row.values())
    console.print(view)


# --- size ------------------------------------------------------------------------------------------


@app.command("size")
def size_command(
    file: Annotated[Optional[Path], typer.Argument(help="Scenario YAML file (or give --accelerator and one sizing option)")] = None,
    accelerator: Annotated[Optional[str], typer.Option("--accelerator", "-a", help="Accelerator name or alias, e.g. H100")] = None,
    count: Annotated[Optional[int], typer.Option("--count", "-n", help="Number of catalog units")] = None,
    power_mw: Annotated[Optional[float], typer.Option("--power-mw", help="Power budget at the meter, MW: how many fit")] = None,
    training_flop: Annotated[Optional[float], typer.Option("--training-flop", help="Training compute target, FLOP (with --days)")] = None,
    days: Annotated[Optional[float], typer.Option("--days", help="Training duration, days (with --training-flop)")] = None,
    overrides: SetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Size a cluster: power at the meter, energy, capital and operating cost, cost per accelerator-hour."""
    scenario = _scenario_from_options(file, accelerator, count, power_mw, training_flop, days, overrides or [])
    result = size(scenario)
    if as_json:
        _print_json(result.to_dict())
    else:
        _print_sizing(result)


def _scenario_from_options(
    file: Path | None,
    accelerator: str | None,
    count: int | None,
    power_mw: float | None,
    training_flop: float | None,
    days: float | None,
    overrides: list[str],
) -> Scenario:
    flags: list[str] = []
    if accelerator is not None:
        flags.append(f"cluster.accelerator={json.dumps(accelerator)}")
    if count is not None:
        flags.append(f"cluster.count={count}")
    if power_mw is not None:
        flags.append(f"cluster.power_mw={power_mw!r}")
    if (training_flop is None) != (days is None):
        raise ScenarioError("--training-flop and --days go together; give both")
    if training_flop is not None:
        flags.append(f"cluster.training={{flop: {training_flop!r}, days: {days!r}}}")
    sizing_flags = sum(x is not None for x in (count, power_mw, training_flop))
    if sizing_flags > 1:
        raise ScenarioError("give one of --count, --power-mw or --training-flop/--days, not several")
    if file is not None:
        return load_scenario(file, [*flags, *overrides])
    if accelerator is None:
        raise ScenarioError("size: give a scenario file, or --accelerator NAME with --count, --power-mw or --training-flop/--days")
    if sizing_flags == 0:
        raise ScenarioError("size: with --accelerator, give one of --count N, --power-mw P or --training-flop F --days D")
    return parse_scenario(apply_overrides({"name": "command line"}, [*flags, *overrides]), origin="command line")


def _print_sizing(r: ClusterSizing) -> None:
    head = Table(title=f"{r.scenario}: {r.count:,} x {r.accelerator} ({r.accelerator_count:,} accelerators, sized by {r.sizing_mode})")
    head.add_column("quantity")
    head.add_column("value", justify="right")
    rows = [
        ("H100-equivalents", f"{r.h100_equivalents:,.0f}"),
        ("IT power, peak", f"{r.it_power_mw:,.1f} MW"),
        ("facility power at the meter, peak", f"{r.facility_power_mw:,.1f} MW"),
        ("average draw at the meter", f"{r.average_power_mw:,.1f} MW"),
        ("PUE", f"{r.pue:.2f}"),
        ("annual energy", f"{r.annual_energy_mwh:,.0f} MWh"),
        ("capital cost", f"{r.capex_usd / 1e9:,.2f} B USD"),
        *((f"  {k.removesuffix('_usd').replace('_', ' ')}", f"{v / 1e9:,.2f} B USD") for k, v in r.capex_breakdown_usd.items()),
        ("capital, annualised", f"{r.annualised_capex_usd_per_year / 1e9:,.2f} B USD/yr"),
        ("operating cost", f"{r.opex_usd_per_year / 1e9:,.3f} B USD/yr"),
        *((f"  {k.removesuffix('_usd').replace('_', ' ')}", f"{v / 1e9:,.3f} B USD/yr") for k, v in r.opex_breakdown_usd_per_year.items()),
        ("cost per accelerator-hour", f"{r.cost_usd_per_accelerator_hour:,.2f} USD"),
        ("cost per useful accelerator-hour", f"{r.cost_usd_per_useful_accelerator_hour:,.2f} USD"),
        ("cost per 1e24 FLOP delivered", f"{r.cost_usd_per_1e24_flop / 1e6:,.2f} M USD"),
    ]
    if r.training:
        rows += [
            ("training run energy", f"{r.training['energy_mwh']:,.0f} MWh over {r.training['days']:g} days"),
            ("training run cost", f"{r.training['cost_usd'] / 1e6:,.1f} M USD"),
        ]
    for row in rows:
        head.add_row(*row)
    console.print(head)
    table = Table(title="assumptions (override in the scenario or with --set)")
    for column in ("name", "value", "unit", "source"):
        table.add_column(column, overflow="fold")
    previous = None
    for name, a in r.assumptions.items():
        table.add_row(name, _fmt(a.value), a.unit, "same as above" if a.source == previous else a.source)
        previous = a.source
    console.print(table)


@app.command("plan")
def plan_command(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file with a site")],
    overrides: SetOption = None,
    dispatch: Annotated[Optional[Path], typer.Option("--dispatch", help="Write the hourly dispatch (MW, one row an hour) to this CSV, or Parquet if it ends in .parquet")] = None,
    build_only: Annotated[bool, typer.Option("--build-only", help="Build the model without solving (use with --save-lp)")] = False,
    save_lp: Annotated[Optional[Path], typer.Option("--save-lp", help="Write the optimisation model as an LP file")] = None,
    online_by: Annotated[Optional[str], typer.Option("--online-by", help="Serve the load from this month, YYYY-MM: supply available by then bridges until later options (the grid) arrive")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Write a PNG: hardest and typical week, cost vs baseline")] = None,
    screening: Annotated[Optional[int], typer.Option("--screening", metavar="SEGMENTS", help="Fast screening: solve on this many chronological time segments (e.g. 2190) instead of every hour")] = None,
    as_json: JsonOption = False,
) -> None:
    """Power a site: the cheapest supply for the cluster, hour by hour, beside a grid-only baseline."""
    from gigawatt.power import plan as power  # imports PyPSA: only when planning
    from gigawatt.power.build import build_network
    from gigawatt.power.solve import save_lp as write_lp

    scenario = load_scenario(file, overrides or [])
    if build_only or save_lp:
        if not save_lp:
            raise ScenarioError("--build-only: give --save-lp FILE.lp to write the model")
        inputs = power.plan_inputs(scenario)
        _write_atomically(save_lp, lambda tmp: write_lp(build_network(inputs), inputs, tmp))
        if build_only:
            console.print(f"wrote {save_lp}")
            return
    result = power.plan_power(scenario, online_by=online_by, segments=screening)
    if dispatch:
        _write_atomically(dispatch, lambda tmp: _write_dispatch(result.dispatch, tmp))
    if plot:
        from gigawatt.report import plot_plan

        _write_atomically(plot, lambda tmp: plot_plan(result, tmp, title=scenario.name))
    if as_json:
        _print_json(result.to_dict())
    else:
        _print_plan(scenario.name, result)


DISPATCH_DECIMALS = 4  # 0.1 kW: far below any meaningful flow, and no solver noise like -0.0000


def _write_dispatch(frame: Any, path: Path) -> None:
    """The hourly dispatch as CSV, or as Parquet when the name ends in .parquet (needs pyarrow)."""
    frame = frame.round(DISPATCH_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    if Path(path).suffix.lower() == ".parquet":
        try:
            frame.to_parquet(path)
        except ImportError:
            raise ScenarioError("--dispatch: writing .parquet needs pyarrow; `pip install pyarrow` or write a .csv") from None
    else:
        frame.to_csv(path)


def _write_atomically(path: Path, write: Any) -> None:
    """Write through a temporary file in the same folder, then rename: no half-written outputs."""
    path = Path(path)
    if not path.parent.exists():
        raise ScenarioError(f"{path}: folder {path.parent} does not exist; create it or choose another path")
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _print_plan(name: str, p: Any) -> None:
    table = Table(title=f"{name}: supply plan vs grid-only baseline")
    for column in ("", "plan", "baseline"):
        table.add_column(column, justify="right" if column else "left")
    b = p.baseline or {}
    def money(v: float) -> str:
        return f"{v / 1e6:,.1f} M USD/yr"
    rows = [
        ("cost of power (LCOE)", f"{p.lcoe_usd_per_mwh:,.1f} USD/MWh", f"{b.get('lcoe_usd_per_mwh', float('nan')):,.1f} USD/MWh"),
        ("annual cost", money(p.annual_cost_usd), money(b.get("annual_cost_usd", float("nan")))),
        ("CO2", f"{p.co2_t_per_year / 1e3:,.0f} kt/yr ({p.co2_g_per_kwh:,.0f} g/kWh)", f"{b.get('co2_t_per_year', 0) / 1e3:,.0f} kt/yr ({b.get('co2_g_per_kwh', 0):,.0f} g/kWh)"),
        ("carbon-free share", f"{p.carbon_free_share:.0%} (hourly {p.carbon_free_share_hourly:.0%})", f"{b.get('carbon_free_share', 0):.0%}"),
        ("unserved energy", f"{p.unserved_energy_mwh:,.0f} MWh", f"{b.get('unserved_energy_mwh', 0):,.0f} MWh"),
        ("online", f"{p.online_date} (set by {p.online_date_set_by})", f"{b.get('online_date')} (set by {b.get('online_date_set_by')})"),
    ]
    if p.power_cost_usd_per_accelerator_hour is not None:
        rows.append(("power cost per accelerator-hour", f"{p.power_cost_usd_per_accelerator_hour:,.3f} USD", ""))
        rows.append(("all-in cost per delivered accelerator-hour", f"{p.cost_usd_per_delivered_accelerator_hour:,.3f} USD",
                     f"{b.get('cost_usd_per_delivered_accelerator_hour', float('nan')):,.3f} USD"))
    if p.bridge:
        built = ", ".join(f"{t} {mw:,.0f} MW" for t, mw in p.bridge["capacity_mw"].items() if mw > 0)
        rows.append((f"bridge until {p.bridge['until']} ({p.bridge['until_set_by']})", f"{built}; {p.bridge['lcoe_usd_per_mwh']:,.1f} USD/MWh", ""))
    if p.curtailed_energy_mwh > 0:
        rows.append(("compute given up (capping, pausing)", f"{p.curtailed_compute_share:.2%} ({p.curtailed_energy_mwh / 1e3:,.0f} GWh)", ""))
    for tech, mw in p.capacity_mw.items():
        if mw > 0:
            rows.append((f"  {tech}", f"{mw:,.0f} MW, {p.energy_mwh[tech] / 1e3:,.0f} GWh", ""))
    if p.storage_mwh > 0:
        rows.append(("  storage energy", f"{p.storage_mwh:,.0f} MWh", ""))
    for row in rows:
        table.add_row(*row)
    console.print(table)
    for name, source in p.series.items():
        console.print(f"  {name}: {source}", style="dim", highlight=False)


# --- buildout --------------------------------------------------------------------------------------


@app.command("buildout")
def buildout_command(
    file: Annotated[Path, typer.Argument(help="Build-out programme YAML file")],
    overrides: SetOption = None,
    draws: Annotated[Optional[int], typer.Option("--draws", help="Monte Carlo draws of the uncertain rates (default: the file's draws, else 0)")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Random seed of the draws (same seed, same result)")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Write a PNG: capacity, compute and energy, and the binding limit over time")] = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Write the weekly table to this CSV")] = None,
    as_json: JsonOption = False,
) -> None:
    """Simulate a build-out programme week by week: capacity online, what holds it back, cost and grid share."""
    from rich.progress import Progress

    from gigawatt.buildout import simulate
    from gigawatt.scenario import BuildoutScenario

    scenario = load_scenario(file, overrides or [], model=BuildoutScenario)
    with Progress(console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("Monte Carlo draws", total=None)
        result = simulate(scenario, draws=draws, seed=seed, progress=lambda done, total: bar.update(task, completed=done, total=total))
    if csv:
        _write_atomically(csv, lambda tmp: result.to_frame().to_csv(tmp, index=False))
    if plot:
        from gigawatt.report import plot_buildout

        _write_atomically(plot, lambda tmp: plot_buildout(result, tmp, title=scenario.name))
    if as_json:
        _print_json(result.to_dict())
    else:
        _print_buildout(result)


def _print_buildout(r: Any) -> None:
    draws = "p10_online_gw" in r.periods
    table = Table(title=f"{r.scenario}: build-out, end of each year (median inputs{f'; P10-P90 of {r.draws:,} draws' if draws else ''})")
    for column in ("week of", "target GW", "online GW", *(["P10-P90 GW"] if draws else []), "building GW", "accelerators",
                   "H100e", "TWh/yr", "capex B USD", "revenue needed B USD/yr", "held back by"):
        table.add_column(column, justify="left" if column in ("week of", "held back by") else "right")
    for _, row in r.yearly().iterrows():
        band = [f"{row['p10_online_gw']:,.2f}-{row['p90_online_gw']:,.2f}"] if draws else []
        table.add_row(
            row["date"], f"{row['target_gw']:,.2f}", f"{row['online_gw']:,.2f}", *band, f"{row['under_construction_gw']:,.2f}",
            f"{row['accelerators'] / 1e6:,.2f} M", f"{row['h100_equivalents'] / 1e6:,.2f} M", f"{row['energy_twh_per_year']:,.1f}",
            f"{row['capex_cumulative_usd'] / 1e9:,.1f}", f"{row['revenue_needed_usd_per_year'] / 1e9:,.1f}", row["binding_limit"],
        )
    console.print(table)
    over = f"over {r.draws:,} draws" if draws else "median inputs"
    console.print(f"what held capacity back, share of weeks ({over}):", highlight=False)
    for year, row in r.binding_by_year.iterrows():
        shares = ", ".join(f"{name} {share:.0%}" for name, share in row.sort_values(ascending=False).items() if share >= 0.005)
        console.print(f"  {year}: {shares}", highlight=False)
    if r.check:
        c = r.check
        line = f"P({c['online_gw']:g} GW online by {c['by']}) = {c['probability']:.0%}"
        if c.get("statement"):
            line += f": {c['statement']}"
        console.print(f"{line}; median date reached: {c['reached_date_median'] or 'not within the run'}", highlight=False)
    if r.national is not None:
        base = r.national["generation_base_year_twh"].iloc[0]
        view = Table(title=f"national view: {r.country} (generation history and projection; base year {base:,.0f} TWh)")
        for column in ("year", "programme TWh", "generation TWh", "share", "of base-year generation", "TWh beyond projected growth"):
            view.add_column(column, justify="right")
        for _, row in r.national.iterrows():
            view.add_row(str(int(row["year"])), f"{row['demand_twh']:,.1f}", f"{row['generation_twh']:,.0f}",
                         f"{row['share_of_generation']:.1%}", f"{row['share_of_base_year']:.1%}",
                         f"{row['beyond_projected_growth_twh']:,.0f}")
        console.print(view)


# --- headroom --------------------------------------------------------------------------------------


def _parse_limits(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ScenarioError(f"--limits '{text}': give percentages separated by commas, e.g. 0.25,0.5,1,5") from None


def _parse_years(text: str | None) -> list[int] | None:
    if not text:
        return None
    years: list[int] = []
    try:
        for part in text.split(","):
            first, _, last = part.partition("-")
            years.extend(range(int(first), int(last or first) + 1))
    except ValueError:
        raise ScenarioError(f"--years '{text}': give a span or a list, e.g. 2016-2024 or 2018,2020") from None
    if not years:
        raise ScenarioError(f"--years '{text}': the span is empty; give e.g. 2016-2024")
    return years


def _parse_threshold(text: str) -> Any:
    """``seasonal``, a flat MW figure, or a CSV of MW by hour (timestamp, MW)."""
    from gigawatt import grid

    if text == "seasonal":
        return text
    try:
        return float(text)
    except ValueError:
        pass
    table = grid.read_demand(text)
    if table.shape[1] != 1:
        raise ScenarioError(f"--threshold {text}: give one MW column beside the timestamp (found {', '.join(table.columns)})")
    return table.iloc[:, 0]


@app.command("headroom")
def headroom_command(
    files: Annotated[list[Path], typer.Argument(help="Hourly demand CSV files (EIA-930 or timestamp + MW columns)")],
    systems: Annotated[Optional[str], typer.Option("--systems", help="Systems to study, comma-separated (a column, or the prefix of sub-zone columns: PJM sums PJM-*)")] = None,
    duke22: Annotated[bool, typer.Option("--duke22", help="The 22 balancing authorities of the Duke study")] = False,
    all_systems: Annotated[bool, typer.Option("--all", help="Every system in the files")] = False,
    limits: Annotated[str, typer.Option("--limits", help="Curtailment limits, % of the new load's energy, comma-separated")] = "0.25,0.5,1,5",
    years: Annotated[Optional[str], typer.Option("--years", help="Years to use, e.g. 2016-2024 (default: every whole year in the files)")] = None,
    threshold: Annotated[str, typer.Option("--threshold", help="seasonal (Duke), a flat MW figure, or a CSV of MW by hour")] = "seasonal",
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Write a PNG of headroom against the curtailment limit")] = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Write the table (one row per system and limit) to this CSV")] = None,
    campus_mw: Annotated[Optional[float], typer.Option("--campus-mw", help="With one system: a campus of this size, MW, for --schedule")] = None,
    limit: Annotated[float, typer.Option("--limit", help="With --campus-mw: the system's curtailment limit, %")] = 1.0,
    schedule: Annotated[Optional[Path], typer.Option("--schedule", help="With --campus-mw: write the campus's hourly curtailment and grid availability (CSV)")] = None,
    heatmap: Annotated[Optional[Path], typer.Option("--heatmap", help="With --campus-mw: write a month x hour heat map of the campus's curtailment (PNG)")] = None,
    availability: Annotated[Optional[Path], typer.Option("--availability", help="With --campus-mw: write one year's grid availability share for gigawatt plan's grid.availability_csv")] = None,
    availability_year: Annotated[Optional[int], typer.Option("--availability-year", help="The year --availability writes (default: the last whole year)")] = None,
    as_json: JsonOption = False,
) -> None:
    """How much flexible load a grid can take: headroom by curtailment limit, on hourly demand."""
    from gigawatt import grid

    if sum([bool(systems), duke22, all_systems]) != 1:
        raise ScenarioError("headroom: choose the systems with one of --systems A,B,..., --duke22 or --all")
    frames = [grid.read_demand(f) for f in files]
    names = grid.duke22() if duke22 else grid.areas(frames) if all_systems else [x.strip() for x in systems.split(",") if x.strip()]
    if campus_mw is not None and len(names) != 1:
        raise ScenarioError("--campus-mw: name one system with --systems, e.g. --systems PJM")
    if campus_mw is None and (schedule or heatmap or availability):
        raise ScenarioError("--schedule, --heatmap and --availability describe a campus: add --campus-mw MW")
    chosen_years, chosen_threshold = _parse_years(years), _parse_threshold(threshold)
    result = grid.headroom(frames, names, _parse_limits(limits), chosen_years, chosen_threshold)
    if duke22:
        result.reference = catalog.duke_headroom().to_dict(orient="records")
    campus = None
    if campus_mw is not None:
        campus = grid.campus_schedule(frames, names[0], campus_mw, limit, chosen_years, chosen_threshold)
        if schedule:
            _write_atomically(schedule, lambda tmp: campus.to_csv(tmp, index=False))
        if availability:
            year_table = grid.availability_year(campus, availability_year)
            _write_atomically(availability, lambda tmp: year_table.to_csv(tmp, index=False))
        if heatmap:
            from gigawatt.report import plot_curtailment_heatmap

            _write_atomically(heatmap, lambda tmp: plot_curtailment_heatmap(campus, tmp))
    if csv:
        _write_atomically(csv, lambda tmp: result.to_frame().to_csv(tmp, index=False))
    if plot:
        from gigawatt.report import plot_headroom

        _write_atomically(plot, lambda tmp: plot_headroom(result, tmp))
    if as_json:
        data = result.to_dict()
        if campus is not None:
            data["campus"] = {k: v for k, v in campus.attrs.items() if k not in ("month", "hour")}
        _print_json(data)
    else:
        _print_headroom(result, campus)


def _print_headroom(h: Any, campus: Any) -> None:
    table = Table(title=f"flexible-load headroom ({h.threshold} threshold): MW that can join if curtailed at each limit")
    table.add_column("system")
    table.add_column("peak MW", justify="right")
    table.add_column("years")
    for limit in h.limits_pct:
        table.add_column(f"{limit:g}%: MW (h/yr)", justify="right")
    for s in [*h.systems, h.total]:
        cells = [f"{lim['headroom_mw']:,.0f} ({lim['curtailment_hours_per_year']:,.0f})" for lim in s["limits"]]
        table.add_row(s["name"], f"{s['peak_mw']:,.0f}", s["years"], *cells, style="bold" if s is h.total else None)
    if h.reference:
        study = {r["limit_pct"]: r for r in h.reference}
        cells = [f"{study[lim]['headroom_gw'] * 1e3:,.0f} ({study[lim]['curtailment_hours_per_year']:,.0f})" if lim in study else "-"
                 for lim in h.limits_pct]
        table.add_row("Duke study (2016-2024)", "", "", *cells, style="dim")
    console.print(table)
    console.print("total hours and event lengths are means over the systems; mean event hours: "
                  + ", ".join(f"{lim['limit_pct']:g}% {lim['mean_event_hours']:.1f} h" for lim in h.total["limits"]), highlight=False)
    left_out = {s["name"]: s["years_left_out"] for s in h.systems if s["years_left_out"]}
    if left_out:
        partial = sorted({f"{y} ({share:.0%})" for years in left_out.values() for y, share in years.items()})
        console.print(f"partial years left out (share of hours present): {', '.join(partial)}", highlight=False)
    if campus is not None:
        a = campus.attrs
        console.print(
            f"campus {a['campus_mw']:,.0f} MW in {a['system']} (headroom {a['headroom_mw']:,.0f} MW at {a['limit_pct']:g}%, {a['years']}): "
            f"{a['curtailment_hours_per_year']:,.0f} h/yr curtailed, {a['curtailed_mwh_per_year']:,.0f} MWh/yr",
            highlight=False,
        )


# --- site ------------------------------------------------------------------------------------------


@app.command("site")
def site_command(
    file: Annotated[Path, typer.Argument(help="Siting programme YAML file")],
    overrides: SetOption = None,
    full_year: Annotated[bool, typer.Option("--full-year", help="Screen every candidate on all 8,760 hours instead of typical periods")] = False,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Write a PNG: cost against date online per candidate, bubble = MW placed")] = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Write the ranked candidates with their score terms to this CSV")] = None,
    as_json: JsonOption = False,
) -> None:
    """Place a programme's gigawatts across candidate sites: cost of power plus delay, under fleet constraints."""
    from gigawatt.scenario import SitingProgramme
    from gigawatt.siting import site

    programme = load_scenario(file, overrides or [], model=SitingProgramme)
    result = site(programme, full_year=full_year)
    if csv:
        _write_atomically(csv, lambda tmp: result.to_frame().to_csv(tmp, index=False))
    if plot:
        from gigawatt.report import plot_siting

        _write_atomically(plot, lambda tmp: plot_siting(result, tmp))
    if as_json:
        _print_json(result.to_dict())
    else:
        _print_siting(result)


def _print_siting(r: Any) -> None:
    table = Table(title=f"{r.programme}: {r.total_capacity_mw / 1e3:,.1f} GW placed")
    for column in ("site", "region", "jurisdiction", "MW", "USD/MWh", "g/kWh", "online", "set by", "supply per MW"):
        table.add_column(column, justify="right" if column in ("MW", "USD/MWh", "g/kWh") else "left")
    for a in r.allocations:
        mix = ", ".join(f"{t} {mw / a['capacity_mw']:.2f}" for t, mw in a["supply_mw"].items())
        table.add_row(a["site"], a["region"], a["jurisdiction"], f"{a['capacity_mw']:,.0f}", f"{a['lcoe_usd_per_mwh']:,.1f}",
                      f"{a['co2_g_per_kwh']:,.0f}", a["online_date"], a["online_date_set_by"], mix)
    console.print(table)
    console.print(
        f"fleet: {r.annual_cost_usd / 1e9:,.2f} B USD/yr (power {r.annual_power_cost_usd / 1e9:,.2f}, delay {r.annualised_delay_cost_usd / 1e9:,.2f}), "
        f"{r.fleet_co2_g_per_kwh:,.0f} g/kWh, {r.fleet_carbon_free_share:.0%} carbon-free", highlight=False)
    for name, usd in r.constraint_costs.items():
        moved = ", ".join(f"{region} {mw:+,.0f} MW" for region, mw in r.constraint_moves_mw[name].items())
        console.print(f"  {name} costs {usd / 1e9:,.3f} B USD/yr{f' (moves {moved})' if moved else ''}", highlight=False)
    ranked = Table(title="candidates, ranked by score (power + annualised delay, USD per MW-year)")
    for column in ("#", "site", "score", "power", "delay", "USD/MWh", "g/kWh", "online", "placed MW", "excluded"):
        ranked.add_column(column, justify="left" if column in ("site", "online", "excluded") else "right")
    for c in r.candidates:
        ranked.add_row(str(c["rank"]), c["site"], f"{c['score_usd_per_mw_year']:,.0f}", f"{c['power_usd_per_mw_year']:,.0f}",
                       f"{c['delay_usd_per_mw_year']:,.0f}", f"{c['lcoe_usd_per_mwh']:,.1f}", f"{c['co2_g_per_kwh']:,.0f}",
                       c["online_date"], f"{c['allocated_mw']:,.0f}", c["excluded"] or "")
    console.print(ranked)
    defaults = [f"{c['site']} ({', '.join(c['catalog_defaults'])})" for c in r.candidates if c["catalog_defaults"]]
    if defaults:
        console.print("no regional figure, the planner's catalog default used: " + "; ".join(defaults), style="yellow", highlight=False)
    s = r.screening
    console.print(f"screening: {s['candidates']} candidates, {s['plans_solved']} plans solved, cache hit rate {s['cache_hit_rate']:.0%}, "
                  f"{s['seconds']:.1f} s ({s['mode']}); allocation {r.allocation_seconds:.2f} s", style="dim", highlight=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning user errors into one line and exit status 2."""
    _state["debug"] = False
    try:
        app(args=argv, prog_name="gigawatt", standalone_mode=False)
    except GigawattError as exc:
        if _state["debug"]:
            raise
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(1)


if __name__ == "__main__":
    main()

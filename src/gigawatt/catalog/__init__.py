"""Bundled reference data: CSV tables with a ``source`` on every row, validated on load.

Each table has a schema (column → type, bounds, required); :func:`load_table` checks it and raises
:class:`~gigawatt.core.errors.DataError` naming the file, the row (1-based, as a spreadsheet shows it, header
= row 1) and the column.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from gigawatt.core.errors import DataError
from gigawatt.core.units import name_key, shorten


@dataclass(frozen=True)
class Column:
    """One column of a catalog table: its type, bounds and whether a value is required."""

    kind: type  # str, float or int
    required: bool = True
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    pattern: str | None = None  # a text value must match this regular expression in full
    pattern_hint: str = ""  # what the pattern asks for, as the error says it (e.g. YYYY-MM)


ACCELERATORS_SCHEMA: dict[str, Column] = {
    "name": Column(str),
    "aliases": Column(str, required=False),
    "vendor": Column(str),
    "family": Column(str),
    "year": Column(int, min=2015, max=2035),
    "accelerators_per_unit": Column(int, min=1, max=1024),
    "tdp_w": Column(float, min=50, max=500_000),
    "bf16_dense_tflops": Column(float, min=1, max=1e6),
    "fp8_dense_tflops": Column(float, required=False, min=1, max=1e6),
    "hbm_gb": Column(float, min=1, max=1e5),
    "hbm_bandwidth_tbps": Column(float, min=0.1, max=1e4),
    # prices may be empty where no public figure exists (chips not sold: TPU, Trainium)
    "unit_price_usd": Column(float, required=False, min=100, max=1e8),
    "price_year": Column(int, required=False, min=2015, max=2035),
    "server_usd": Column(float, required=False, min=0, max=1e8),
    "network_usd": Column(float, required=False, min=0, max=1e8),
    "host_power_w": Column(float, min=0, max=500_000),
    "network_power_w": Column(float, min=0, max=500_000),
    "storage_power_w": Column(float, min=0, max=500_000),
    "cooling": Column(str, choices=("air", "liquid")),
    "epoch_name": Column(str, required=False),
    "confidential_computing": Column(str, choices=("yes", "no", "unknown")),  # a TEE on the accelerator
    "confidential_computing_source": Column(str),
    "notes": Column(str, required=False),
    "source": Column(str),
    # what tdp_w is (board TDP, board power, superchip module maximum, an Epoch estimate ...), the page it is read
    # from (empty only where no vendor figure exists yet), and how the host share was derived (system maximum - chips)
    "tdp_kind": Column(str),
    "tdp_source_url": Column(str, required=False),
    "host_power_source": Column(str),
}

PROFILE_MODELS = ("pv", "wind")  # how a variable technology's hourly output per MW is modelled (gigawatt.weather.synthetic)

TECHNOLOGIES_SCHEMA: dict[str, Column] = {
    "technology": Column(str),
    "name": Column(str),
    "kind": Column(str, choices=("generator", "storage", "grid", "contract")),
    "carrier": Column(str),
    "capex_usd_per_kw": Column(float, min=0, max=50_000),
    "capex_usd_per_kwh": Column(float, required=False, min=0, max=5_000),
    "fom_usd_per_kw_year": Column(float, min=0, max=2_000),
    "vom_usd_per_mwh": Column(float, min=0, max=500),
    "energy_price_usd_per_mwh": Column(float, required=False, min=0, max=2_000),
    "fuel_price_usd_per_mmbtu": Column(float, required=False, min=0, max=100),
    "heat_rate_mmbtu_per_mwh": Column(float, required=False, min=3, max=20),
    "efficiency": Column(float, min=0.05, max=1.0),
    "lifetime_years": Column(float, min=1, max=100),
    "lead_time_months": Column(float, min=0, max=240),
    "co2_t_per_mwh": Column(float, min=0, max=2),
    "forced_outage_rate": Column(float, min=0, max=1),
    "land_m2_per_kw": Column(float, min=0, max=1_000),
    "dollar_year": Column(int, min=2000, max=2035),
    # variable (weather-driven) technologies: how their hourly output per MW is made (see VariableTechnology)
    "profile_model": Column(str, required=False, choices=PROFILE_MODELS),
    "measured_series_field": Column(str, required=False),
    "calibration_field": Column(str, required=False),
    "mean_cf": Column(float, required=False, min=0.01, max=0.99),
    "weather_column": Column(str, required=False),
    "default_option": Column(str, choices=("yes", "no")),  # offered to a plan or siting programme that lists no technologies
    "notes": Column(str, required=False),
    "source": Column(str),
    # the first month a plan may build it, YYYY-MM (its first commercial plant or delivery); empty: available now
    "available_from": Column(str, required=False, pattern=r"\d{4}-(0[1-9]|1[0-2])", pattern_hint="a month YYYY-MM"),
    # a storage row whose energy is tied to its power: hours of discharge at full power; empty: sized freely
    "duration_hours": Column(float, required=False, min=1, max=1_000),
}

ASSUMPTIONS_SCHEMA: dict[str, Column] = {
    "name": Column(str),
    "value": Column(float),
    "unit": Column(str),
    "description": Column(str),
    "source": Column(str),
}

POWER_CAPPING_SCHEMA: dict[str, Column] = {
    "id": Column(str),
    "workload": Column(str, choices=("training", "inference", "fine_tuning")),
    "power_cap_share": Column(float, min=0.05, max=1.0),
    "power_share": Column(float, min=0.05, max=1.0),
    "throughput_share": Column(float, min=0.0, max=1.0),
    "measured_on": Column(str),
    "source": Column(str),
}

NATIONAL_GENERATION_SCHEMA: dict[str, Column] = {
    "country": Column(str),
    "name": Column(str),
    "year": Column(int, min=1985, max=2100),
    "generation_twh": Column(float, min=0, max=100_000),
    "source": Column(str),
}

NATIONAL_GROWTH_SCHEMA: dict[str, Column] = {
    "country": Column(str),
    "growth_per_year": Column(float, min=-0.1, max=0.2),
    "from_year": Column(int, min=2000, max=2100),
    "to_year": Column(int, min=2000, max=2100),
    "basis": Column(str),
    "source": Column(str),
}

ROADMAP_SCHEMA: dict[str, Column] = {
    "accelerator": Column(str),
    "available": Column(str),
    "notes": Column(str, required=False),
    "source": Column(str),
}

BALANCING_AUTHORITIES_SCHEMA: dict[str, Column] = {
    "code": Column(str),
    "name": Column(str),
    "utc_offset_hours": Column(float, min=-12, max=14),
    "duke22": Column(str, required=False),
    "source": Column(str),
}

DUKE_HEADROOM_SCHEMA: dict[str, Column] = {
    "limit_pct": Column(float, min=0.01, max=50),
    "headroom_gw": Column(float, min=0, max=10_000),
    "curtailment_hours_per_year": Column(float, min=0, max=8784),
    "mean_event_hours": Column(float, min=0, max=8784),
    "source": Column(str),
}

# price_basis of regions.csv: the all-in bases rank together; a price on another basis is not ranked against them
ALL_IN_PRICE_BASES = ("all_in_industrial", "all_in_tariff")
PRICE_BASES = (*ALL_IN_PRICE_BASES, "wholesale_energy_only", "none")
CONNECTION_WAIT_BASES = ("large_load", "large_load_minimum", "statutory_maximum")

REGIONS_SCHEMA: dict[str, Column] = {
    "region": Column(str),
    "name": Column(str),
    "kind": Column(str, choices=("iso", "utility_area", "market", "state", "country")),
    "country": Column(str),  # ISO 3166 alpha-2
    "jurisdiction": Column(str, choices=("us", "ally", "partner", "restricted")),
    "latitude": Column(float, min=-90, max=90),
    "longitude": Column(float, min=-180, max=180),
    # figures are optional: empty where no public figure was found (the row's notes say so)
    "price_usd_per_mwh": Column(float, required=False, min=1, max=1_000),
    "price_year": Column(int, required=False, min=2015, max=2035),
    "co2_g_per_kwh": Column(float, required=False, min=0, max=1_500),
    "co2_basis": Column(str, required=False),
    "grid_carbon_free_share": Column(float, required=False, min=0, max=1),
    "gas_price_usd_per_mmbtu": Column(float, required=False, min=0, max=100),
    "connection_wait_months": Column(float, required=False, min=0, max=240),
    "dc_operating_mw": Column(float, required=False, min=0, max=100_000),
    "dc_planned_mw": Column(float, required=False, min=0, max=200_000),
    "pv_yield_kwh_per_kwp": Column(float, required=False, min=500, max=3_000),
    "wind_cf": Column(float, required=False, min=0, max=1),
    "water_stress": Column(str, required=False),
    "gas_hub": Column(str, required=False),  # the hub of gas_hubs.csv whose price gas_price_usd_per_mmbtu is
    "gas_year": Column(int, required=False, min=2015, max=2035),  # ... in this year
    "profile": Column(str, required=False),  # the bundled hourly solar and wind profile (catalog/profiles) that fits the region
    "notes": Column(str, required=False),
    "source": Column(str),
    # what price_usd_per_mwh is (regions.sources.md): an all-in price a large customer pays (a statistical average or a
    # published tariff, network charges and levies included), an energy-only wholesale price, or none where no price is given
    "price_basis": Column(str, choices=PRICE_BASES),
    # a generation-interconnection queue duration, months: a proxy for the wait where no large-load figure of the region's
    # own is known, used by siting only when asked (use_generation_queue_proxy); never in connection_wait_months
    "generation_queue_months": Column(float, required=False, min=0, max=240),
    # what connection_wait_months is: a large load's wait, a floor of it, or a statutory maximum (empty with no wait)
    "connection_wait_basis": Column(str, required=False, choices=CONNECTION_WAIT_BASES),
}

SECURITY_LEVELS_SCHEMA: dict[str, Column] = {
    "level": Column(str, choices=("SL1", "SL2", "SL3", "SL4", "SL5")),
    "rank": Column(int, min=1, max=5),
    "thwarts": Column(str),
    "attacker_class": Column(str),
    # empty where no public figure exists (the row's notes say so)
    "attacker_budget_usd": Column(float, required=False, min=0, max=1e12),
    "attacker_team_people": Column(float, required=False, min=0, max=1e6),
    "attacker_duration": Column(str, required=False),
    "months_to_reach_low": Column(float, required=False, min=0, max=240),
    "months_to_reach_high": Column(float, required=False, min=0, max=240),
    "defense_layers": Column(float, required=False, min=0, max=100),
    "security_staff_min": Column(float, required=False, min=0, max=1e5),
    "security_staff_share": Column(float, required=False, min=0, max=1),
    "weight_access_people_max": Column(float, required=False, min=0, max=1e6),
    "rescreen_months": Column(float, required=False, min=0, max=240),
    "capex_overhead_share": Column(float, required=False, min=0, max=10),
    "opex_usd_per_year": Column(float, required=False, min=0, max=1e12),
    "jurisdictions": Column(str),
    "jurisdictions_source": Column(str),
    "notes": Column(str, required=False),
    "source": Column(str),
}

SECURITY_CONTROLS_SCHEMA: dict[str, Column] = {
    "id": Column(str),
    "level": Column(str, choices=("SL1", "SL2", "SL3", "SL4", "SL5")),
    "stream": Column(str, choices=("physical", "network", "machine", "personnel", "supply_chain", "operations")),
    "control": Column(str),
    "check": Column(str, required=False, choices=("jurisdiction", "tenancy", "cleared_staff", "tee", "outbound_bandwidth", "time_to_reach", "security_staff")),
    "notes": Column(str, required=False),
    "source": Column(str),
}

UNIT_COMMITMENT_SCHEMA: dict[str, Column] = {
    "technology": Column(str),  # a fuelled technology of technologies.csv
    "unit_mw": Column(float, min=0.01, max=2_000),  # typical unit size
    "min_stable_share": Column(float, min=0, max=0.95),  # minimum stable output, share of the unit
    "start_cost_usd_per_mw": Column(float, min=0, max=1_000),  # per MW of unit started
    "min_up_hours": Column(float, min=0, max=168),
    "min_down_hours": Column(float, min=0, max=168),
    "heat_rate_at_min_share": Column(float, min=1, max=3),  # heat rate at minimum stable output / at full load
    "notes": Column(str, required=False),
    "source": Column(str),
    "dollar_year": Column(int, min=2000, max=2035),  # of the start costs: the technology row's dollar_year
    # Kumar et al. (2012) Table 1-1 start costs escalated to dollar_year (empty: no class in the study); the state
    # whose figure start_cost_usd_per_mw carries
    "start_state_charged": Column(str, required=False, choices=("hot", "warm", "cold")),
    "start_cost_hot_usd_per_mw": Column(float, required=False, min=0, max=1_000),
    "start_cost_warm_usd_per_mw": Column(float, required=False, min=0, max=1_000),
    "start_cost_cold_usd_per_mw": Column(float, required=False, min=0, max=1_000),
    # fuel burnt per start per MW of unit started, MMBtu/MW (Kumar Table 1-3); empty: none charged
    "start_fuel_mmbtu_per_mw": Column(float, required=False, min=0, max=50),
    "start_fuel_hot_mmbtu_per_mw": Column(float, required=False, min=0, max=50),
    "start_fuel_warm_mmbtu_per_mw": Column(float, required=False, min=0, max=50),
    "start_fuel_cold_mmbtu_per_mw": Column(float, required=False, min=0, max=50),
}

OUTAGES_SCHEMA: dict[str, Column] = {
    "technology": Column(str),  # a technology of technologies.csv
    # empty cells: no public figure was found (the row's notes say so); a scenario must give the figure
    "unit_mw": Column(float, required=False, min=0.01, max=2_000),
    "forced_outage_rate": Column(float, required=False, min=0, max=0.99),  # ratio; EFORd or FOR (IEEE Std 762), the row says which
    "mean_time_to_repair_hours": Column(float, required=False, min=0.01, max=8760),
    "planned_outage_weeks_per_year": Column(float, required=False, min=0, max=52),
    "outages_per_year": Column(float, required=False, min=0, max=1000),  # a grid connection: interruptions a year (SAIFI)
    "source": Column(str),
    "source_year": Column(int, min=1979, max=2035),  # the year of the data or publication
    "notes": Column(str, required=False),
}

MONTHS = tuple(f"m{m:02d}" for m in range(1, 13))  # monthly columns of gas_hubs.csv

GAS_HUBS_SCHEMA: dict[str, Column] = {
    "hub": Column(str),  # id used by regions.csv gas_hub and supply.limits.<gas>.gas_hub
    "name": Column(str),
    "market": Column(str),
    "year": Column(int, min=2015, max=2035),
    # negative hub prices happen (Waha traded below zero on many days of 2024): the bounds allow them
    "price_usd_per_mmbtu": Column(float, min=-10, max=100),
    **{m: Column(float, required=False, min=-10, max=100) for m in MONTHS},
    "basis": Column(str),  # what the price is: spot hub average, import price, regulated tariff
    "source": Column(str),
    "source_detail": Column(str, required=False),
    "tag": Column(str, choices=("R", "R2")),  # R: read in the original or a verbatim copy; R2: a secondary quoting it
}

PROFILES_SCHEMA: dict[str, Column] = {
    "profile": Column(str),  # file catalog/profiles/<profile>.csv.gz: year, hour_of_year_utc, solar_cf, wind_cf
    "name": Column(str),
    "dataset": Column(str),
    "year": Column(int, min=1980, max=2100),
    "regions": Column(str),  # regions it fits, '; '-separated
    "solar_mean_cf": Column(float, min=0, max=1),
    "wind_mean_cf": Column(float, min=0, max=1),
    "method": Column(str),
    "source": Column(str),
}

COUNTRIES_SCHEMA: dict[str, Column] = {
    "country": Column(str),  # ISO 3166-1 alpha-2
    "name": Column(str),
    "source": Column(str),
}

FINANCE_CATEGORIES = ("macrs", "recovery_class", "tax", "credit", "accounting_life", "financing", "performance")

FINANCE_SCHEMA: dict[str, Column] = {
    "key": Column(str),
    # a figure, or a date (ISO, YYYY-MM-DD) for the rows whose unit is "date"; exactly one of the two (checked on load)
    "value": Column(float, required=False, min=0, max=100),
    "date": Column(str, required=False),
    "unit": Column(str),
    "category": Column(str, choices=FINANCE_CATEGORIES),
    "description": Column(str),
    "source": Column(str),  # publication, section or table, and where it was read
    "source_year": Column(int, min=1900, max=2035),  # the year of the publication or law the figure comes from
}

STYLES_SCHEMA: dict[str, Column] = {
    "name": Column(str),  # a technology of technologies.csv, or a series every plan has (load, unserved, ...)
    "display_name": Column(str),  # as a person reads it in tables, legends and pages
    "colour": Column(str),  # #RRGGBB, the same in every chart, page and PNG
    "source": Column(str),
}

MACRS_CLASSES = (3, 5, 7, 10, 15, 20)  # half-year convention tables in finance.csv (IRS Publication 946, Table A-1)
MACRS_SUM_TOLERANCE = 1e-4  # the published percentages are rounded to 0.01 (0.001 for 20-year): they sum to 100% within this

_SCHEMAS: dict[str, tuple[dict[str, Column], str | tuple[str, ...]]] = {
    "accelerators.csv": (ACCELERATORS_SCHEMA, "name"),
    "technologies.csv": (TECHNOLOGIES_SCHEMA, "technology"),
    "assumptions.csv": (ASSUMPTIONS_SCHEMA, "name"),
    "power_capping.csv": (POWER_CAPPING_SCHEMA, "id"),
    "national_generation.csv": (NATIONAL_GENERATION_SCHEMA, ("country", "year")),
    "national_growth.csv": (NATIONAL_GROWTH_SCHEMA, "country"),
    "roadmap.csv": (ROADMAP_SCHEMA, "accelerator"),
    "balancing_authorities.csv": (BALANCING_AUTHORITIES_SCHEMA, "code"),
    "duke_headroom.csv": (DUKE_HEADROOM_SCHEMA, "limit_pct"),
    "regions.csv": (REGIONS_SCHEMA, "region"),
    "security_levels.csv": (SECURITY_LEVELS_SCHEMA, "level"),
    "security_controls.csv": (SECURITY_CONTROLS_SCHEMA, "id"),
    "unit_commitment.csv": (UNIT_COMMITMENT_SCHEMA, "technology"),
    "outages.csv": (OUTAGES_SCHEMA, "technology"),
    "gas_hubs.csv": (GAS_HUBS_SCHEMA, ("hub", "year")),
    "profiles.csv": (PROFILES_SCHEMA, "profile"),
    "countries.csv": (COUNTRIES_SCHEMA, "country"),
    "finance.csv": (FINANCE_SCHEMA, "key"),
    "styles.csv": (STYLES_SCHEMA, "name"),
}


def _bad(file: str, row: int, column: str, why: str) -> DataError:
    return DataError(f"{file}: row {row}, column '{column}': {why}")


def validate_table(
    frame: pd.DataFrame, schema: dict[str, Column], key: str | tuple[str, ...], file: str
) -> pd.DataFrame:
    """Check ``frame`` against ``schema`` and return it with typed columns.

    Raises :class:`DataError` naming ``file``, the spreadsheet row and the column of the first problem:
    a missing or unexpected column, an empty required cell, a value of the wrong type or out of bounds,
    or a duplicate key. ``key`` is one column or a tuple of columns unique together (``("country", "year")``).
    """
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise DataError(f"{file}: missing column(s) {', '.join(missing)}; expected {', '.join(schema)}")
    extra = [c for c in frame.columns if c not in schema]
    if extra:
        raise DataError(f"{file}: unexpected column(s) {', '.join(extra)}; expected {', '.join(schema)}")
    out: dict[str, list] = {}
    for column, spec in schema.items():
        values: list = []
        for i, raw in enumerate(frame[column].tolist()):
            row = i + 2  # header is row 1
            empty = raw is None or (isinstance(raw, float) and math.isnan(raw)) or str(raw).strip() == ""
            if empty:
                if spec.required:
                    raise _bad(file, row, column, "value is required but empty")
                values.append(None if spec.kind is str else math.nan)
                continue
            if spec.kind is str:
                value = str(raw).strip()
                if spec.choices and value not in spec.choices:
                    raise _bad(file, row, column, f"'{value}' is not one of {', '.join(spec.choices)}")
                if spec.pattern and not re.fullmatch(spec.pattern, value):
                    raise _bad(file, row, column, f"'{value}' is not {spec.pattern_hint or 'in the expected form'}")
            else:
                try:
                    number = float(raw)
                except (TypeError, ValueError):
                    raise _bad(file, row, column, f"'{raw}' is not a number") from None
                if math.isnan(number) or math.isinf(number):
                    raise _bad(file, row, column, f"'{raw}' is not a finite number")
                if spec.kind is int and number != int(number):
                    raise _bad(file, row, column, f"'{raw}' is not a whole number")
                if spec.min is not None and number < spec.min:
                    raise _bad(file, row, column, f"{number:g} is below the minimum {spec.min:g}")
                if spec.max is not None and number > spec.max:
                    raise _bad(file, row, column, f"{number:g} is above the maximum {spec.max:g}")
                value = int(number) if spec.kind is int else number
            values.append(value)
        out[column] = values
    table = pd.DataFrame(out)
    columns = [key] if isinstance(key, str) else list(key)
    labels = table[columns[0]].astype(str)
    for column in columns[1:]:
        labels = labels + "-" + table[column].astype(str)
    duplicated = labels[labels.str.casefold().duplicated()]
    if not duplicated.empty:
        row = int(duplicated.index[0]) + 2
        raise _bad(file, row, "+".join(columns), f"duplicate '{duplicated.iloc[0]}'")
    return table


def read_table(path: Path | str, schema: dict[str, Column], key: str | tuple[str, ...]) -> pd.DataFrame:
    """Read and validate a CSV file against ``schema`` (see :func:`validate_table`).

    Rows whose field count differs from the header's (an unquoted comma, say) are refused rather than
    silently shifted into the wrong columns.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path.name}: cannot be read as CSV ({exc})") from None
    if not rows:
        raise DataError(f"{path.name}: the file is empty; expected a header row {', '.join(schema)}")
    header, body = rows[0], [r for r in rows[1:] if any(cell.strip() for cell in r)]
    for i, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row) and len(row) != len(header):
            raise DataError(
                f"{path.name}: row {i} has {len(row)} fields but the header has {len(header)}; "
                "quote any value that contains a comma"
            )
    return validate_table(pd.DataFrame(body, columns=header, dtype=str), schema, key, path.name)


@cache
def load_table(name: str) -> pd.DataFrame:
    """Load one bundled table by file name (``accelerators.csv``, ``national_generation.csv``, ...)."""
    schema, key = _SCHEMAS[name]
    with resources.as_file(resources.files(__package__) / name) as path:
        return read_table(path, schema, key).copy()


def accelerators() -> pd.DataFrame:
    """The accelerator catalog: one row per accelerator or rack-scale system (see ACCELERATORS_SCHEMA)."""
    return load_table("accelerators.csv").copy()


def technologies() -> pd.DataFrame:
    """The supply-technology catalog (see TECHNOLOGIES_SCHEMA); costs in the row's ``dollar_year`` USD."""
    return load_table("technologies.csv").copy()


SERIES_SUFFIXES = {"_discharge": "discharge", "_charge": "charging", "_capital": "capital", "_energy": "energy",
                   "_fixed": "fixed O&M", "_fuel": "fuel", "_variable": "variable O&M", "_start": "starts"}


def style(name: str) -> tuple[str, str]:
    """(display name, colour ``#RRGGBB``) of a technology, a series (``utility_pv_mw``, ``battery_li_ion_charge_mw``)
    or a cost item (``gas_recip_capital``) from ``styles.csv``: one name and one colour for it in every chart, page
    and PNG. A name the table lacks is shown with underscores as spaces, in a colour fixed by the name."""
    styles = _styles()
    base = name.removesuffix("_mw").removesuffix("_usd")
    part = ""
    if base not in styles:
        for suffix, words in SERIES_SUFFIXES.items():
            if base.endswith(suffix) and base.removesuffix(suffix) in styles:
                base, part = base.removesuffix(suffix), words
                break
    if base not in styles:
        spare = FALLBACK_COLOURS[sum(map(ord, base)) % len(FALLBACK_COLOURS)]  # stable across runs (hash() is salted)
        return base.replace("_", " "), spare
    shown, colour = styles[base]
    return (f"{shown} {part}" if part else shown), colour


def display_name(name: str) -> str:
    """A technology's, series' or cost item's name as a person reads it (:func:`style`)."""
    return style(name)[0]


FALLBACK_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")  # Plotly's default cycle


@cache
def _styles() -> dict[str, tuple[str, str]]:
    table = load_table("styles.csv")
    return {row.name: (row.display_name, row.colour) for row in table.itertuples()}


@dataclass(frozen=True)
class VariableTechnology:
    """A weather-driven supply technology of technologies.csv: where its hourly output per MW comes from.

    - ``profile_model``: how the plan models its hours when the site gives none: ``pv`` (pvlib plant under the
      site's sky, :func:`gigawatt.weather.synthetic.solar_cf`) or ``wind`` (a turbine's power curve on synthetic
      winds, :func:`gigawatt.weather.synthetic.wind_cf`);
    - ``measured_field``: the scenario field that gives a measured hourly series instead (``site.solar_csv``);
      a row without ``measured_series_field`` takes ``site.capacity_factor_csv.<technology>``;
    - ``calibration_field``: the site field the modelled series is scaled to (``site.wind_mean_cf``), or None;
    - ``mean_cf``: the modelled series' annual mean capacity factor where no calibration field gives it;
    - ``weather_column``: the column of the bundled profiles (catalog/profiles) and ERA5 capacity-factor CSVs
      that holds its hours, or None where those files have none (its modelled series is kept);
    - ``stream``: its rank among the technologies of the same model (catalog order), so that two of them
      (onshore and offshore wind) draw independent synthetic weather from one seed.
    """

    technology: str
    profile_model: str
    measured_field: str
    calibration_field: str | None
    mean_cf: float | None
    weather_column: str | None
    stream: int


def variable_technologies() -> dict[str, VariableTechnology]:
    """The weather-driven technologies of the catalog by id, in catalog order (rows with a ``profile_model``)."""
    return dict(_variable_technologies())


def _text(value: object) -> str | None:
    """A text cell of a loaded table, None where it was empty (pandas may hold an empty cell as NaN)."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


@cache
def _variable_technologies() -> tuple[tuple[str, VariableTechnology], ...]:
    out, streams = [], {}
    for row in load_table("technologies.csv").itertuples(index=False):
        row = row._replace(**{c: _text(getattr(row, c)) for c in ("profile_model", "measured_series_field", "calibration_field", "weather_column")})
        if row.profile_model is None:
            continue
        if row.calibration_field is None and math.isnan(row.mean_cf):
            raise DataError(f"technologies.csv: {row.technology} has profile_model {row.profile_model} but neither a "
                            "calibration_field nor a mean_cf; give the mean capacity factor its modelled series is scaled to")
        stream = streams.setdefault(row.profile_model, 0)
        streams[row.profile_model] += 1
        measured = f"site.{row.measured_series_field}" if row.measured_series_field else f"site.capacity_factor_csv.{row.technology}"
        out.append((row.technology, VariableTechnology(
            technology=row.technology, profile_model=row.profile_model, measured_field=measured, calibration_field=row.calibration_field,
            mean_cf=None if math.isnan(row.mean_cf) else float(row.mean_cf), weather_column=row.weather_column, stream=stream)))
    return tuple(out)


def default_technologies() -> list[str]:
    """The technology ids a plan or siting programme may build when its scenario lists none (``default_option``)."""
    table = load_table("technologies.csv")
    return [str(t) for t in table.loc[table["default_option"] == "yes", "technology"]]


def unit_commitment() -> pd.DataFrame:
    """Committable units of the fuelled technologies: unit size, minimum stable output, start cost, minimum
    up/down time and part-load heat rate (see UNIT_COMMITMENT_SCHEMA)."""
    return load_table("unit_commitment.csv").copy()


def outages() -> pd.DataFrame:
    """Forced outages of the technologies a plan can build: unit size (MW), forced-outage rate (ratio), mean time
    to repair (hours), planned outage (weeks a year) and, for a grid connection, interruptions a year; empty where
    no public figure was found (see OUTAGES_SCHEMA and outages.sources.md)."""
    return load_table("outages.csv").copy()


def assumptions() -> pd.DataFrame:
    """Default figures used by sizing and costing, each with unit and source."""
    return load_table("assumptions.csv").copy()


def power_capping() -> pd.DataFrame:
    """Measured throughput versus power under a GPU power cap, by workload (shares of the uncapped job)."""
    return load_table("power_capping.csv").copy()


def national_generation() -> pd.DataFrame:
    """Yearly electricity generation by country or region (TWh per year), one row per country and year."""
    return load_table("national_generation.csv").copy()


def national_growth() -> pd.DataFrame:
    """Published growth of electricity generation/demand per country (ratio per year), with its basis."""
    return load_table("national_growth.csv").copy()


def roadmap() -> pd.DataFrame:
    """Accelerator generations and the first month of their volume deliveries (``YYYY-MM``), oldest first."""
    return load_table("roadmap.csv").copy()


def balancing_authorities() -> pd.DataFrame:
    """US balancing authorities by EIA-930 code: name, standard-time UTC offset (hours) and the Duke study's label."""
    return load_table("balancing_authorities.csv").copy()


def duke_headroom() -> pd.DataFrame:
    """The Duke "Rethinking Load Growth" (2025) totals by curtailment limit: headroom GW, hours, event length."""
    return load_table("duke_headroom.csv").copy()


def security_levels() -> pd.DataFrame:
    """RAND's weight-security levels SL1-SL5: attackers they stop, time to reach, staffing rules (sourced; empty where unknown)."""
    return load_table("security_levels.csv").copy()


def security_controls() -> pd.DataFrame:
    """Controls each security level requires that bear on planning, by stream, with the check each feeds."""
    return load_table("security_controls.csv").copy()


def regions() -> pd.DataFrame:
    """Grids, markets, states and countries for siting: price, carbon, gas, queue, DC MW, PV/wind, water."""
    return load_table("regions.csv").copy()


def gas_hubs() -> pd.DataFrame:
    """Gas hubs and regulated gas prices: annual average and, where published, monthly prices (USD/MMBtu)."""
    return load_table("gas_hubs.csv").copy()


def gas_hub(name: str, year: int | None = None) -> pd.Series:
    """One gas hub's prices by id or name ("waha", "Henry Hub") for ``year`` (default: its latest in the
    catalog); an unknown name suggests the closest, a year without prices lists those it has."""
    hub = _lookup("gas_hubs.csv", lambda row: (row["hub"], row["name"]), "hub", "gas hub", name)["hub"]
    table = load_table("gas_hubs.csv")
    rows = table[table["hub"] == hub].sort_values("year")
    if year is None:
        return rows.iloc[-1].copy()
    if year not in set(rows["year"]):
        raise DataError(f"gas hub '{hub}' has no {year} prices; it has {', '.join(str(y) for y in rows['year'])}")
    return rows[rows["year"] == year].iloc[0].copy()


def profiles() -> pd.DataFrame:
    """Bundled hourly solar and wind profiles (one weather year each, UTC) and the regions they fit."""
    return load_table("profiles.csv").copy()


def profile(name: str) -> pd.Series:
    """One bundled profile's row by id or name; unknown names suggest the closest."""
    return _lookup("profiles.csv", lambda row: (row["profile"], row["name"]), "profile", "profile", name)


def profile_file(name: str):
    """A context manager giving the path of a bundled profile's CSV (columns year, hour_of_year_utc, solar_cf, wind_cf)."""
    return resources.as_file(resources.files(__package__) / "profiles" / f"{profile(name)['profile']}.csv.gz")


def countries() -> pd.DataFrame:
    """ISO 3166-1 alpha-2 country codes and their usual English names (what a site's ``country`` may be)."""
    return load_table("countries.csv").copy()


def country(code: str) -> pd.Series:
    """One country row by its ISO 3166-1 alpha-2 code, ignoring case ("de" finds "DE").

    An unknown code raises :class:`DataError`; there is no "did you mean" for two letters."""
    table = load_table("countries.csv").set_index("country", drop=False)
    wanted = str(code).strip().upper()
    if wanted not in table.index:
        raise DataError(f"{shorten(code)} is not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE); see `gigawatt catalog countries`")
    return table.loc[wanted].copy()


def _names(row: pd.Series) -> list[str]:
    aliases = [a.strip() for a in (row["aliases"] or "").split(";") if a.strip()]
    return [row["name"], *aliases]


def assumption(name: str) -> float:
    """The value of one row of the assumptions table (``gigawatt catalog assumptions``), in its unit."""
    return float(assumptions().set_index("name").at[name, "value"])


@cache
def _keyed(file: str, names) -> dict[str, pd.Series]:
    """Each row of ``file`` under every name ``names(row)`` gives it, by :func:`name_key` (read once; callers copy)."""
    return {name_key(n): row for _, row in load_table(file).iterrows() for n in names(row)}


def _lookup(file: str, names, label: str, kind: str, name: str) -> pd.Series:
    """The row of ``file`` that one of ``names(row)`` matches (see :func:`gigawatt.core.units.name_key`), or :class:`DataError`
    suggesting the closest ``label`` values."""
    wanted = name_key(name)
    every = _keyed(file, names)
    if wanted in every:
        return every[wanted].copy()
    close = difflib.get_close_matches(wanted, list(every), n=3, cutoff=0.4)
    suggestions = list(dict.fromkeys(every[c][label] for c in close))
    hint = f"did you mean {', '.join(repr(s) for s in suggestions)}? " if suggestions else ""
    raise DataError(f"unknown {kind} {shorten(name)}; {hint}see `gigawatt catalog {file.removesuffix('.csv')}`")


def accelerator(name: str) -> pd.Series:
    """One accelerator row by name or alias, ignoring case and punctuation ("h100" finds "H100 SXM").

    An unknown name raises :class:`DataError` listing the closest catalog names.
    """
    return _lookup("accelerators.csv", _names, "name", "accelerator", name)


def region(name: str) -> pd.Series:
    """One region row by id or name, ignoring case and punctuation ("nova" finds "NoVA", "us tx" finds "US-TX").

    An unknown name raises :class:`DataError` suggesting the closest region id.
    """
    return _lookup("regions.csv", lambda row: (row["region"], row["name"]), "region", "region", name)


def finance_defaults() -> pd.DataFrame:
    """Sourced finance defaults (see FINANCE_SCHEMA and finance.sources.md): MACRS tables, recovery classes, tax rates,
    the 45Y/48E credits and their 2025 dates, and accounting lives of servers; each row has its source and year."""
    return _finance().copy()


@cache
def _finance() -> pd.DataFrame:
    table = load_table("finance.csv")
    for i, row in enumerate(table.itertuples(index=False), start=2):
        has_value, has_date = not math.isnan(row.value), _text(row.date) is not None
        if has_value == has_date:
            raise DataError(f"finance.csv: row {i} ({row.key}) needs exactly one of value or date; fill one and empty the other")
        if has_date:
            try:
                date.fromisoformat(row.date)
            except ValueError:
                raise DataError(f"finance.csv: row {i} ({row.key}): date '{row.date}' is not YYYY-MM-DD") from None
    for years in MACRS_CLASSES:
        shares = _macrs_rows(table, years)
        if len(shares) != years + 1:
            raise DataError(f"finance.csv: MACRS {years}-year table has {len(shares)} years; the half-year convention needs {years + 1}")
        if abs(sum(shares) - 1) > MACRS_SUM_TOLERANCE:
            raise DataError(f"finance.csv: MACRS {years}-year shares sum to {sum(shares):.6f}, not 1; check the macrs_hy_{years}_year_* rows")
    return table


def _macrs_rows(table: pd.DataFrame, years: int) -> tuple[float, ...]:
    prefix = f"macrs_hy_{years}_year_"
    rows = table[table["key"].str.startswith(prefix)].sort_values("key")
    return tuple(float(v) for v in rows["value"])


def _finance_row(key: str) -> pd.Series:
    table = _finance().set_index("key", drop=False)
    if key not in table.index:
        close = difflib.get_close_matches(str(key), list(table.index), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
        raise DataError(f"unknown finance default {shorten(key)}; {hint}see `gigawatt catalog finance`")
    return table.loc[key]


def finance_default(key: str) -> float:
    """One finance default's value in its unit (``gigawatt catalog finance``); an unknown key suggests the closest."""
    row = _finance_row(key)
    if math.isnan(row["value"]):
        raise DataError(f"finance default '{key}' is a date ({row['date']}), not a number; use catalog.finance_date('{key}')")
    return float(row["value"])


def finance_date(key: str) -> date:
    """One dated finance default (a deadline of the 45Y/48E credits, the bonus-depreciation start) as a date."""
    row = _finance_row(key)
    if _text(row["date"]) is None:
        raise DataError(f"finance default '{key}' is a number ({row['value']:g} {row['unit']}), not a date; use catalog.finance_default('{key}')")
    return date.fromisoformat(row["date"])


def macrs_table(years: int) -> tuple[float, ...]:
    """The MACRS half-year-convention shares of basis for a ``years``-year class (3, 5, 7, 10, 15 or 20), one per recovery year
    (``years`` + 1 of them, summing to 1 within rounding), as IRS Publication 946 Table A-1 gives them."""
    if years not in MACRS_CLASSES:
        raise DataError(f"no MACRS table for {shorten(years)}-year property; the catalog has {', '.join(str(y) for y in MACRS_CLASSES)}")
    return _macrs_rows(_finance(), years)

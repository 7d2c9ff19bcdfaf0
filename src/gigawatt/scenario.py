"""Scenario files: strict, frozen pydantic models of every input, loaded from YAML.

A scenario says what to plan. Every field carries its unit in its name or description, and a default; a
default of ``None`` means "take the figure from the bundled catalog" (``gigawatt catalog assumptions``),
so the output can say where each number came from. Mistakes raise :class:`ScenarioError` with the dotted
key, the line in the file and the fix, e.g.::

    scenario.yaml line 3: unknown key 'cluster.cout'; did you mean 'count'?
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gigawatt.errors import ScenarioError
from gigawatt.units import ECHO_CHARS, month_start, shorten

MESSAGE_CHARS = 300  # and the reason a validator gives (which may quote a long list) to this many
MAX_SCENARIO_BYTES = 1_000_000  # 1 MB: the largest example is ~3 kB and a programme of 1,000 candidates ~200 kB;
# a larger file is a mistake (a data file given as the scenario) and would take minutes to validate
MAX_YAML_NODES = 200_000  # values in a scenario counted with anchors expanded: aliases can multiply a small file


def _number_types(annotation: Any) -> set[type]:
    """The scalar types an annotation accepts (``float | None`` -> {float, NoneType})."""
    args = getattr(annotation, "__args__", None)
    if args is None or getattr(annotation, "__origin__", None) is Literal:
        return {annotation} if isinstance(annotation, type) else set()
    if getattr(annotation, "__origin__", None) in (list, tuple, dict):
        return set()
    return {t for a in args for t in _number_types(a)}


def _yes_no_in_number(annotation: Any, value: Any) -> bool:
    """Whether ``value`` puts a YAML yes/no (a bool) where ``annotation`` expects a number."""
    origin = getattr(annotation, "__origin__", None)
    args = getattr(annotation, "__args__", ()) or ()
    if isinstance(value, bool):
        types = _number_types(annotation)
        return bool(types & {int, float}) and bool not in types
    if origin in (list, tuple) and isinstance(value, list | tuple):
        inner = [a for a in args if a is not Ellipsis]
        return any(isinstance(v, bool) and any(_yes_no_in_number(a, v) for a in inner) for v in value)
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        return any(_yes_no_in_number(args[1], v) for v in value.values())
    if args and origin is not Literal and not isinstance(value, dict):  # a union: look into its list or dict members
        return any(_yes_no_in_number(a, value) for a in args if getattr(a, "__origin__", None) in (list, tuple, dict))
    return False


class _Strict(BaseModel):
    """Base of every scenario model: unknown keys are refused, instances are immutable, numbers are finite
    (no ``.nan`` or ``.inf``) and a yes/no is never read as a number (``count: true`` is not 1)."""

    # defer_build: a model's validator is built when first used, so a run pays only for the models it reads
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False, defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_no_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and _yes_no_in_number(field.annotation, value):
            raise ValueError("a yes/no value is not a number; give a number")
        return value



class Training(_Strict):
    """Size the cluster to finish a training run of a given compute in a given time."""

    flop: float = Field(gt=0, le=1e35, description="Training compute target, FLOP (e.g. 4e25)")
    days: float = Field(gt=0, le=3650, description="Wall-clock duration of the run, days")


class Cluster(_Strict):
    """The accelerators and how many: give exactly one of ``count``, ``power_mw`` or ``training``."""

    accelerator: str = Field(min_length=1, description="Accelerator or system name from the catalog (case-insensitive, aliases allowed)")
    count: int | None = Field(default=None, gt=0, le=10**11, description="Number of catalog units (accelerators, or racks for rack rows)")
    power_mw: float | None = Field(default=None, gt=0, le=1e6, description="Power budget at the meter (facility peak), MW: how many units fit")
    training: Training | None = Field(default=None, description="Training target: how many units to finish it in time")
    cooling: Literal["air", "liquid"] | None = Field(default=None, description="Cooling type; default: the accelerator's usual cooling in the catalog")
    pue: float | None = Field(default=None, ge=1.0, le=3.0, description="Power usage effectiveness (facility/IT), ratio; default: catalog pue_air or pue_liquid by cooling")
    average_to_tdp_ratio: float | None = Field(default=None, ge=0.1, le=1, description="Average/peak draw of accelerators and hosts, ratio (at least 0.1: an idle accelerator still draws ~15% of its TDP, catalog paused_accelerator_power_share); default: catalog average_to_tdp_ratio")
    model_flop_utilisation: float | None = Field(default=None, ge=0.01, le=1, description="Useful FLOP/s over peak dense FLOP/s while running, ratio (at least 0.01: published large runs reach 0.2-0.6); default: catalog model_flop_utilisation")
    utilisation: float | None = Field(default=None, ge=0.01, le=1, description="Share of installed accelerator-hours doing useful work, ratio (at least 0.01: below it the cost per useful hour is a hundredfold or more); default: catalog utilisation")
    precision: Literal["bf16", "fp8"] = Field(default="bf16", description="Number format whose dense peak FLOP/s is used for delivered compute")
    redundancy: Literal["N", "N+1", "2N"] = Field(default="N", description="Electrical redundancy the campus is built to (Uptime Institute: N+1 concurrently maintainable, Tier III; 2N fault tolerant, Tier IV): sets the on-site nameplate it must contract")
    redundancy_blocks: int | None = Field(default=None, ge=1, le=1000, description="With N+1: the power blocks (count) that carry the peak, one more installed")

    @model_validator(mode="after")
    def _one_way_of_sizing(self) -> Cluster:
        given = [name for name in ("count", "power_mw", "training") if getattr(self, name) is not None]
        if len(given) != 1:
            found = " and ".join(given) if given else "none of them"
            raise ValueError(f"give exactly one of count, power_mw or training (found {found})")
        return self


class Costs(_Strict):
    """Prices and financial figures; each ``None`` takes the catalog default (with its source)."""

    electricity_price_usd_per_mwh: float | None = Field(default=None, ge=0, le=2000, description="Price of electricity at the meter, USD/MWh; default: catalog grid_import energy price")
    accelerator_price_usd: float | None = Field(default=None, gt=0, le=1e8, description="Price of one catalog unit, USD; default: the accelerator's unit_price_usd")
    discount_rate: float | None = Field(default=None, ge=0, le=0.5, description="Discount rate for annualising capital, per year; default: catalog discount_rate")
    it_lifetime_years: float | None = Field(default=None, ge=1, le=30, description="Economic life of IT hardware, years (at least 1: capital is annualised over whole years); default: catalog it_lifetime_years")
    facility_lifetime_years: float | None = Field(default=None, ge=1, le=60, description="Economic life of the facility, years (at least 1: capital is annualised over whole years); default: catalog facility_lifetime_years")
    building_electrical_usd_per_mw_it: float | None = Field(default=None, ge=0, le=1e8, description="Building and electrical cost per MW of IT, USD/MW; default: catalog")
    liquid_cooling_premium_share: float | None = Field(default=None, ge=0, le=1, description="Liquid-cooling cost as a share of building cost, ratio; default: catalog")
    maintenance_and_staff_usd_per_mw_it_year: float | None = Field(default=None, ge=0, le=1e7, description="Non-energy operating cost per MW of IT and year, USD/MW-yr; default: catalog")


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"  # YYYY-MM
# The months of a programme (siting, build-out, security) and of a plan (start, phases, grid.available,
# constraints.online_by) lie in this century: the catalog's accelerators
# ship from 2017 and its prices, carbon and connection waits are 2020s figures, while its national
# projections and pvlib's solar-position data (behind every candidate's plan) end in 2100. A month outside
# is a typo (1900 for 2026, 9999), which would otherwise run, or overflow the calendar past year 9999.
FIRST_MONTH, LAST_MONTH = "2000-01", "2100-12"


def _this_century(month: str) -> str:
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise ValueError(f"{month} is outside {FIRST_MONTH}..{LAST_MONTH} (the catalog's accelerators, prices and projections are "
                         "of this century); check the year")
    return month


ProgrammeMonth = Annotated[str, AfterValidator(_this_century)]


def _one_line(text: str) -> str:
    """A label is printed in tables and quoted in one-line errors: no line breaks or other control characters."""
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError("a label holds a line break or another control character; write it on one line")
    return text


Label = Annotated[str, AfterValidator(_one_line)]  # a name printed in tables and quoted in errors


def _floor(least: float, unit: str, reason: str) -> AfterValidator:
    """A field's meaningful smallest value, refused with its reason (the schema's bound only says "above 0")."""

    def check(value: float | None) -> float | None:
        if value is not None and value < least:
            raise ValueError(f"{value:g} is below {least:g}{unit}: {reason}")
        return value

    return AfterValidator(check)
# Longest lists a scenario may give: far above any real use, low enough that a mistake cannot run for hours
MAX_ITEMS = 100  # technologies, price periods, supply routes, roadmap generations, limits (the catalog has ~20 technologies)
MAX_POINTS = 1_000  # target points (monthly over the 15-year maximum is 180)
MAX_CANDIDATES = 1_000  # siting candidates, regions and systems: each candidate is a plan to solve (seconds each)
MIN_BLOCK_MW = 1.0  # a siting block: the catalog's largest rack-scale unit (GB300 NVL72) draws ~0.19 MW at the meter
MAX_FILES = 1_000  # demand files of a headroom study (EIA-930 ships two a year per release)
MAX_DRAWS = 100_000  # Monte Carlo draws: each keeps 783 weekly float32 values (15 years), 313 MB at the cap; 1e6 would be 3 GB


class _Job(_Strict):
    """Base of a job's whole scenario: what every kind of scenario shares."""

    accept_implausible: list[str] = Field(
        default_factory=list, max_length=MAX_ITEMS,
        description="Fields whose plausibility checks you waive (e.g. grid.price_usd_per_mwh): a value outside what any market, grid or "
        "campus has shown is refused naming its field, unless the field is listed here; the result then says it was accepted",
    )


class Site(_Strict):
    """Where the campus is, and the weather and load series to plan on."""

    latitude: float = Field(ge=-90, le=90, description="Latitude, degrees north (-90..90)")
    longitude: float = Field(ge=-180, le=180, description="Longitude, degrees east (-180..180)")
    year: int = Field(default=2025, ge=1980, le=2100, description="Calendar year of the hourly series (8760 or 8784 hours)")
    tracking: Literal["single_axis", "fixed"] = Field(default="single_axis", description="PV mounting: single-axis tracker or fixed tilt at the latitude")
    mean_clearness: float = Field(default=0.6, ge=0.2, lt=1, description="Mean daylight clearness index of the synthetic sky, ratio (e.g. 0.7 desert, 0.5 cloudy; at least 0.2: the cloudiest climates, western Norway or the Sichuan basin, average ~0.35)")
    land_km2: float | None = Field(default=None, gt=0, le=1e5, description="Land available for on-site supply, km2 (catalog land use per kW); default: unlimited")
    solar_yield_kwh_per_kwp: float | None = Field(default=None, ge=300, le=3000, description="Published annual PV yield at the site, kWh per kWp of a fixed plant at optimal tilt (e.g. Solargis PVOUT; at least 300: the cloudiest inhabited regions give ~700): the modelled sky is scaled to it; default: the sky as modelled")
    wind_mean_cf: float = Field(default=0.35, ge=0.05, lt=1, description="Mean capacity factor of the synthetic wind series, ratio (at least 0.05: the calmest regions of the catalog give 0.11)")
    workload: Literal["training", "inference", "mixed"] = Field(default="training", description="Shape of the hourly load")
    seed: int = Field(default=0, ge=0, description="Seed of the synthetic series (same seed, same series)")
    load_csv: str | None = Field(default=None, description="Hourly facility load, MW (timestamp,value CSV); replaces the synthetic load")
    pue_csv: str | None = Field(default=None, description="Hourly PUE, ratio 1..3 (CSV, e.g. from a cooling model driven by outdoor temperature); scales the synthetic IT load hour by hour instead of the annual PUE")
    irradiance_csv: str | None = Field(default=None, description="Hourly measured sky for the pvlib plant model, as downloaded: NSRDB PSM3/PSM4 CSV, PVGIS hourly (slope 0) or TMY CSV, EPW, TMY3, renewables.ninja Weather CSV, or a CSV of timestamp, ghi [, dni, dhi] (W/m2) [, temp_air] (degrees C); the format is recognised and named in the plan's series; replaces the synthetic sky")
    solar_csv: str | None = Field(default=None, description="Hourly PV output per MW AC, ratio 0..1 (CSV of timestamp,value; or a renewables.ninja PV CSV or PVGIS hourly PV output, per unit of their capacity); replaces the pvlib series")
    wind_csv: str | None = Field(default=None, description="Hourly wind output per MW, ratio 0..1 (CSV of timestamp,value, or a renewables.ninja wind CSV); replaces the synthetic series")
    weather_years: str | int | None = Field(default=None, description="Also plan the site once per weather year of era5_csv (e.g. 2010-2020 or 2012,2019, calendar years) and report how cost and firm capacity move between them")
    era5_csv: str | None = Field(default=None, description="Hourly ERA5 solar and wind capacity factors for weather_years (columns year, hour_of_year_utc, solar_cf, wind_cf)")
    screening_segments: int | None = Field(default=None, ge=1, le=8784, description="Fast screening: solve on this many chronological time segments (e.g. 2190), a count at most the hours of the year, instead of every hour; default: every hour")
    profile: str | None = Field(default=None, min_length=1, description="A bundled hourly solar and wind profile of the region (`gigawatt catalog profiles`, e.g. ercot_top25_merra2_2018): its hours replace the synthetic sky's and wind's, scaled to the annual energy the site's figures give (solar_yield_kwh_per_kwp, wind_mean_cf)")

    @model_validator(mode="after")
    def _one_weather_source(self) -> Site:
        if self.profile is not None:
            given = [name for name in ("solar_csv", "wind_csv", "irradiance_csv") if getattr(self, name)]
            if given:
                raise ValueError(f"give profile or {given[0]}, not both: the profile brings its own solar and wind hours")
        return self


class TimeOfUse(_Strict):
    """One time-of-use period of the grid price; the first period covering an hour sets its price."""

    price_usd_per_mwh: float = Field(ge=0, le=20_000, description="Energy price in the period, USD/MWh")
    months: list[int] = Field(default_factory=list, max_length=12, description="Calendar months it applies (1..12), list of month numbers; empty: every month")
    hours: tuple[int, int] | None = Field(default=None, description="Local hours [start, end) of the day, 0..24 hours; start > end wraps past midnight; default: all day")
    weekdays_only: bool = Field(default=False, description="Monday to Friday only")

    @model_validator(mode="after")
    def _valid(self) -> TimeOfUse:
        if any(not 1 <= m <= 12 for m in self.months):
            raise ValueError(f"months {self.months}: give months 1..12")
        if self.hours is not None:
            start, end = self.hours
            if not (0 <= start <= 24 and 0 <= end <= 24) or start == end:
                raise ValueError(f"hours {list(self.hours)}: give [start, end) with 0 <= hours <= 24 and start != end")
        return self


class Grid(_Strict):
    """The utility connection."""

    import_mw: float | None = Field(default=None, ge=0, le=1e6, description="Import limit, MW; 0 = off-grid; default: no limit")
    price_usd_per_mwh: float | None = Field(default=None, ge=0, le=2000, description="Energy price, USD/MWh; default: catalog grid_import")
    price_csv: str | None = Field(default=None, description="Hourly energy price, USD/MWh (CSV); replaces price_usd_per_mwh")
    time_of_use: list[TimeOfUse] = Field(default_factory=list, max_length=MAX_ITEMS, description="Time-of-use prices, USD/MWh, over price_usd_per_mwh in the hours they cover")
    co2_csv: str | None = Field(default=None, description="Hourly carbon intensity of imports, tCO2/MWh (CSV); replaces co2_t_per_mwh")
    demand_charge_usd_per_kw_month: float = Field(default=0.0, ge=0, le=200, description="Charge on the year's peak import, USD/kW-month")
    co2_t_per_mwh: float | None = Field(default=None, ge=0, le=2, description="Carbon intensity of imports, tCO2/MWh; default: catalog grid_import")
    available: ProgrammeMonth | None = Field(default=None, pattern=MONTH_PATTERN, description="Month the connection is energised, YYYY-MM (2000..2100); default: start + catalog lead time")
    availability_csv: str | None = Field(default=None, description="Hourly share of the connection the grid delivers, ratio 0..1 (CSV), e.g. a flexible connection's curtailment schedule from `gigawatt headroom --availability`")

    @model_validator(mode="after")
    def _one_price_series(self) -> Grid:
        if self.price_csv and self.time_of_use:
            raise ValueError("give price_csv or time_of_use, not both")
        return self


class OptionLimits(_Strict):
    """Bounds and cost overrides for one supply option."""

    min_mw: float | None = Field(default=None, ge=0, le=1e6, description="Build at least this much, MW")
    max_mw: float | None = Field(default=None, ge=0, le=1e6, description="Build at most this much, MW")
    capex_usd_per_kw: float | None = Field(default=None, ge=0, le=50_000, description="Overnight capital cost, USD/kW; default: catalog")
    capex_usd_per_kwh: float | None = Field(default=None, ge=0, le=5_000, description="Storage energy capital cost, USD/kWh; default: catalog")
    fuel_price_usd_per_mmbtu: float | None = Field(default=None, ge=0, le=100, description="Fuel price, USD/MMBtu; default: catalog")
    gas_hub: str | None = Field(default=None, min_length=1, description="Buy the fuel at this hub of `gigawatt catalog gas_hubs` (e.g. waha, henry_hub, ttf): its latest annual average, month by month where the catalog has monthly prices; instead of fuel_price_usd_per_mmbtu")
    gas_year: int | None = Field(default=None, ge=2015, le=2035, description="Calendar year of the gas hub's prices; default: the latest in the catalog")
    max_hours_per_year: float | None = Field(default=None, ge=0, le=8784, description="Run at most this many full-load hours a year, hours")
    lifetime_years: float | None = Field(default=None, ge=1, le=80, description="Capital recovery period, years (e.g. a 20-year contract; at least 1: capital is annualised over whole years); default: catalog lifetime")
    commitment: Literal["none", "linear", "integer"] | None = Field(default=None, description="Unit commitment of a fuelled option: none (default), linear (PyPSA-style linearised) or integer (whole units, a MIP)")
    unit_mw: float | None = Field(default=None, gt=0, le=2_000, description="Size of one committable unit, MW; default: catalog unit_commitment")
    min_stable_share: float | None = Field(default=None, ge=0, le=0.95, description="Minimum stable output of a committed unit, ratio to its size (0-0.95); default: catalog")
    start_cost_usd_per_mw: float | None = Field(default=None, ge=0, le=1_000, description="Cost of a start per MW of unit started, USD/MW; default: catalog")
    min_up_hours: float | None = Field(default=None, ge=0, le=168, description="A started unit stays on at least this long, hours; default: catalog")
    min_down_hours: float | None = Field(default=None, ge=0, le=168, description="A stopped unit stays off at least this long, hours; default: catalog")

    @model_validator(mode="after")
    def _commitment_figures_need_commitment(self) -> OptionLimits:
        given = [name for name in ("unit_mw", "min_stable_share", "start_cost_usd_per_mw", "min_up_hours", "min_down_hours")
                 if getattr(self, name) is not None]
        if given and self.commitment in (None, "none"):
            raise ValueError(f"{given[0]} describes committable units, which this option has only with commitment (linear or integer); "
                             f"give commitment: linear (or integer), or drop {given[0]}")
        return self

    @model_validator(mode="after")
    def _one_fuel_price(self) -> OptionLimits:
        if self.gas_hub is not None and self.fuel_price_usd_per_mmbtu is not None:
            raise ValueError("give fuel_price_usd_per_mmbtu or gas_hub, not both")
        if self.gas_year is not None and self.gas_hub is None:
            raise ValueError("gas_year is the year of a gas_hub's prices; give gas_hub too")
        return self


class Supply(_Strict):
    """Which on-site options the optimiser may build, with their limits."""

    technologies: list[str] = Field(
        default_factory=lambda: ["utility_pv", "onshore_wind", "battery_li_ion", "gas_cc", "gas_ct_aero", "gas_recip"], max_length=MAX_ITEMS,
        description="Catalog technology ids the plan may build (see `gigawatt catalog technologies`); grid import is set under grid",
    )
    limits: dict[str, OptionLimits] = Field(default_factory=dict, max_length=MAX_ITEMS, description="Per technology id: min_mw, max_mw and cost overrides")


SecurityLevel = Literal["SL1", "SL2", "SL3", "SL4", "SL5"]
Tenancy = Literal["dedicated", "colocation", "multi_tenant"]


class Security(_Strict):
    """The weight-security level a site must reach (RAND's SL1-SL5, `gigawatt catalog security_levels`) and
    the facts its checks read. Costs have no public figure: they count only where given."""

    level: SecurityLevel = Field(description="Security level the site must reach: SL1 (amateurs) ... SL5 (top nation-state operations)")
    required: bool = Field(default=True, description="A level that cannot be met is an error (else a warning in the posture)")
    start: ProgrammeMonth | None = Field(default=None, pattern=MONTH_PATTERN, description="Month the security programme starts, YYYY-MM; default: the scenario's start")
    months_to_reach: float | None = Field(default=None, gt=0, le=240, description="Time to reach the level from start, months; default: the catalog's published estimate (its upper end)")
    jurisdiction: Literal["us", "ally", "partner", "restricted"] | None = Field(default=None, description="Where the site is (export-control category), for a plan; siting candidates take their region's")
    tenancy: Tenancy | None = Field(default=None, description="The facility: dedicated, colocation (a cage in a shared building) or multi_tenant (shared halls or hosts)")
    cleared_staff: bool | None = Field(default=None, description="Whether vetted (cleared) staff can be hired or posted at the site")
    staff: int | None = Field(default=None, ge=0, le=100_000, description="Security team planned, people; default: the level's staffing rule where one is published")
    headcount: int | None = Field(default=None, ge=1, le=10_000_000, description="The organisation's headcount, people (for staffing rules stated as a share of it)")
    geo_distributed: bool = Field(default=False, description="Training spans sites, so weights or gradients leave the site's enclave")
    outbound_gbps: float | None = Field(default=None, ge=0, le=1e6, description="Outbound bandwidth the workload needs from the weight enclave, Gbit/s")
    enclave_outbound_limit_gbps: float | None = Field(default=None, ge=0, le=1e6, description="The enclave's outbound limit, Gbit/s (no public figure: yours)")
    staff_cost_usd_per_person_year: float | None = Field(default=None, ge=0, le=1e7, description="Cost of one security staff member a year, USD (no public default)")
    capex_usd: float | None = Field(default=None, ge=0, le=1e12, description="Capital for the level (construction, shielding, hardware), USD (no public default)")
    opex_usd_per_year: float | None = Field(default=None, ge=0, le=1e11, description="Other running cost of the level a year, USD (no public default)")


class Constraints(_Strict):
    """Reliability and carbon requirements."""

    co2_cap_t_per_year: float | None = Field(default=None, ge=0, description="Annual CO2 cap, tCO2/yr")
    carbon_free_share: float | None = Field(default=None, ge=0, le=1, description="Minimum annual carbon-free share of load, ratio")
    carbon_free_share_hourly: float | None = Field(default=None, ge=0, le=1, description="Minimum 24/7 carbon-free share, clean energy matched hour by hour to the load, ratio")
    capex_budget_usd: float | None = Field(default=None, gt=0, description="Most overnight capital to spend on supply, USD")
    reserve_margin: float | None = Field(default=None, ge=0, le=2, description="Firm capacity (fuelled, contracts, grid, derated by forced outages) above peak load, ratio (e.g. 0.25)")
    flexible_share: float | None = Field(default=None, ge=0, le=1, description="Share of the cluster's annual energy it may give up by power capping or pausing, ratio; default: none (serve all load)")
    value_of_compute_usd_per_accelerator_hour: float | None = Field(default=None, ge=0, le=1000, description="Value of one full-speed accelerator-hour lost to capping or pausing, USD; default: the cluster's cost per accelerator-hour other than electricity")
    power_capping: bool = Field(default=True, description="With flexible_share: cap accelerator power along the catalog's measured curve before pausing")
    value_of_lost_load_usd_per_mwh: float = Field(default=10_000.0, ge=1_000, le=1e6, description="Penalty on unserved load when a plan cannot serve every hour, used to say where and by how much, USD/MWh (at least 1,000: below the cost of some supply, the penalised plan would leave load unserved that could be served)")
    online_by: ProgrammeMonth | None = Field(default=None, pattern=MONTH_PATTERN, description="Serve the load from this month, YYYY-MM (2000..2100): supply available by then bridges until later options (the grid) arrive")


class Solver(_Strict):
    """Which solver runs the optimisation and its settings (any solver linopy supports, where installed)."""

    name: str = Field(default="highs", min_length=1, description="Solver name as linopy knows it: highs (default, bundled), gurobi, cplex, xpress, cbc, glpk, ...")
    threads: int | None = Field(default=None, ge=1, le=1024, description="Solver threads, a count; default: the solver's own choice")
    time_limit_s: float | None = Field(default=None, gt=0, le=1e6, description="Stop the solver after this long, seconds; default: no limit")
    mip_gap: float | None = Field(default=None, ge=0, le=1, description="Relative optimality gap at which a mixed-integer solve stops, ratio; default: the solver's")
    method: Literal["simplex", "dual-devex", "ipm", "race"] = Field(
        default="simplex",
        description="How HiGHS solves a site plan: simplex (its default dual simplex), dual-devex (dual simplex with devex "
        "pricing), ipm (interior point with crossover), or race (simplex and dual-devex at once on two threads, the first "
        "optimum kept); other solvers use their own defaults",
    )


class Phase(_Strict):
    """One phase of a campus that grows: from ``date`` on the whole campus draws this load (give exactly one
    of ``power_mw`` or ``count``), sized through the catalog like ``cluster`` (``accelerator`` names a newer
    generation; the cluster's own accelerator and settings otherwise)."""

    date: ProgrammeMonth = Field(pattern=MONTH_PATTERN, description="Month the phase's load starts, YYYY-MM (2000..2100)")
    power_mw: float | None = Field(default=None, gt=0, le=1e6, description="The campus's power budget at the meter (facility peak) from this date, MW")
    count: int | None = Field(default=None, gt=0, le=10**11, description="The campus's catalog units (accelerators, or racks for rack rows) from this date")
    accelerator: str | None = Field(default=None, min_length=1, description="Accelerator or system of this phase, from the catalog; default: cluster.accelerator")

    @model_validator(mode="after")
    def _one_load(self) -> Phase:
        given = [name for name in ("power_mw", "count") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of power_mw or count (found {' and '.join(given) if given else 'none of them'})")
        return self


class Scenario(_Job):
    """Everything a plan needs: the cluster, its costs, and for `gigawatt plan` the site and supply."""

    name: Label = Field(default="scenario", description="A label for reports")
    description: str | None = Field(default=None, description="Free text for people")
    start: ProgrammeMonth = Field(default="2026-01", pattern=MONTH_PATTERN, description="Month the project starts (orders placed), YYYY-MM (2000..2100)")
    cluster: Cluster = Field(description="The accelerators and how to size them")
    costs: Costs = Field(default_factory=Costs, description="Prices and financial figures (defaults from the catalog)")
    site: Site | None = Field(default=None, description="Location and hourly series; required by `gigawatt plan`")
    grid: Grid = Field(default_factory=Grid, description="The utility connection")
    supply: Supply = Field(default_factory=Supply, description="On-site supply options the plan may build")
    constraints: Constraints = Field(default_factory=Constraints, description="Reliability and carbon requirements")
    security: Security | None = Field(default=None, description="The weight-security level the site must reach, and the facts its checks read")
    solver: Solver = Field(default_factory=Solver, description="Solver and its settings")
    phases: list[Phase] | None = Field(
        default=None, min_length=1, max_length=MAX_ITEMS,
        description="A campus that grows: dated loads, planned as one multi-period investment problem by `gigawatt plan` "
        "(each phase lasts until the next; the last for gigawatt.power.phases.LAST_PERIOD_YEARS)",
    )

    @field_validator("phases")
    @classmethod
    def _phases_in_order(cls, phases: list[Phase] | None) -> list[Phase] | None:
        for i in range(1, len(phases or [])):
            if phases[i].date <= phases[i - 1].date:
                raise ValueError(f"phases[{i}].date {phases[i].date} is not after phases[{i - 1}].date {phases[i - 1].date}; list phases in date order, one per month at most")
        return phases


# --- build-out programmes (`gigawatt buildout`) ----------------------------------------------------

MAX_BUILDOUT_YEARS = 15
# The most capacity a build-out may aim for, GW at the meter: 1,000 TW, ~300 times the world's average
# electricity demand (~3.5 TW); a larger figure is a unit slip (MW as GW) or a runaway growth path.
MAX_TARGET_GW = 1e6
MIN_LOAD_FACTOR = 0.1  # a campus averaging under a tenth of its peak draw is idle (catalog average_to_tdp_ratio: 0.76 in training)


UNCERTAIN_MAX = 1e15  # largest figure a distribution may hold, in its field's unit: above a year's capital of
# every economy (world GDP is ~1.1e14 USD) and far from float overflow when sampled and summed over weeks and draws


class Uncertain(_Strict):
    """A figure that may be uncertain: a plain number, or a distribution that Monte Carlo runs sample.

    ``{dist: triangular, low, mode, high}``, ``{dist: uniform, low, high}`` or ``{dist: lognormal, p10, p90}``
    (the 10th and 90th percentiles). Runs without draws use the median. Values are in the unit of the
    field that holds them and may not be negative.
    """

    dist: Literal["fixed", "triangular", "uniform", "lognormal"] = Field(default="fixed", description="Distribution of the figure")
    value: float | None = Field(default=None, ge=0, le=UNCERTAIN_MAX, description="The figure when fixed")
    low: float | None = Field(default=None, ge=0, le=UNCERTAIN_MAX, description="Lowest value (triangular, uniform)")
    mode: float | None = Field(default=None, ge=0, le=UNCERTAIN_MAX, description="Most likely value (triangular)")
    high: float | None = Field(default=None, ge=0, le=UNCERTAIN_MAX, description="Highest value (triangular, uniform)")
    p10: float | None = Field(default=None, gt=0, le=UNCERTAIN_MAX, description="10th percentile (lognormal)")
    p90: float | None = Field(default=None, gt=0, le=UNCERTAIN_MAX, description="90th percentile (lognormal)")

    @model_validator(mode="before")
    @classmethod
    def _number(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError(f"{data!r} is a yes/no value, not a number; give a number or a distribution")
        if isinstance(data, str):  # YAML 1.1 reads 1e6 (no dot) as text: still a plain number
            try:
                float(data)
            except ValueError:
                return data
            return {"value": data}
        return {"value": data} if isinstance(data, int | float) else data

    @model_validator(mode="after")
    def _complete(self) -> Uncertain:
        needed = {"fixed": ("value",), "triangular": ("low", "mode", "high"), "uniform": ("low", "high"), "lognormal": ("p10", "p90")}[self.dist]
        given = {name for name in ("value", "low", "mode", "high", "p10", "p90") if getattr(self, name) is not None}
        if given != set(needed):
            raise ValueError(f"a {self.dist} figure takes exactly {', '.join(needed)} (got {', '.join(sorted(given)) or 'none'})")
        if self.dist == "triangular" and not self.low <= self.mode <= self.high:  # type: ignore[operator]
            raise ValueError(f"triangular needs low <= mode <= high (got {self.low:g}, {self.mode:g}, {self.high:g})")
        if self.dist == "uniform" and self.low > self.high:  # type: ignore[operator]
            raise ValueError(f"uniform needs low <= high (got {self.low:g} > {self.high:g})")
        if self.dist == "lognormal" and self.p10 > self.p90:  # type: ignore[operator]
            raise ValueError(f"p10 {self.p10:g} is above p90 {self.p90:g}; swap them")
        return self

    @property
    def median(self) -> float:
        """The distribution's median (the figure itself when fixed)."""
        if self.dist == "fixed":
            return float(self.value)  # type: ignore[arg-type]
        if self.dist == "uniform":
            return (self.low + self.high) / 2  # type: ignore[operator]
        if self.dist == "lognormal":
            return float((self.p10 * self.p90) ** 0.5)  # type: ignore[operator]
        low, mode, high = self.low, self.mode, self.high
        if high == low:
            return float(low)  # type: ignore[arg-type]
        if mode >= (low + high) / 2:  # type: ignore[operator]
            return float(low + ((high - low) * (mode - low) / 2) ** 0.5)  # type: ignore[operator]
        return float(high - ((high - low) * (high - mode) / 2) ** 0.5)  # type: ignore[operator]


class Rate(_Strict):
    """A rate in the unit its field names (e.g. GW/week), from ``start`` on, growing by ``growth_per_year``.

    A plain number or distribution stands for ``{value: ...}``. Before ``start`` the rate is zero.
    """

    value: Uncertain = Field(description="The rate at its start (a number or a distribution)")
    growth_per_year: float = Field(default=0.0, ge=-0.9, le=20, description="Compound growth of the rate, per year (0.6 = +60%/yr)")
    start: ProgrammeMonth | None = Field(default=None, pattern=MONTH_PATTERN, description="First month of the rate, YYYY-MM; default: the scenario start")
    growth_until: ProgrammeMonth | None = Field(default=None, pattern=MONTH_PATTERN, description="Month the rate stops growing and holds, YYYY-MM; default: it keeps growing")

    @model_validator(mode="after")
    def _order(self) -> Rate:
        if self.start and self.growth_until and self.growth_until < self.start:
            raise ValueError(f"growth_until {self.growth_until} is before start {self.start}; give a later month")
        return self

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool) or (isinstance(data, dict) and "dist" in data):
            return {"value": data}
        return data


class PowerSupply(_Strict):
    """Power the programme can secure: GW a year of orders or connections, each delivered after a lead time."""

    name: Label = Field(min_length=1, description="A label, e.g. 'grid ERCOT' or 'gas turbines'")
    gw_per_year: Rate = Field(description="GW of supply that can be secured per year (facility power at the meter)")
    lead_months: Uncertain = Field(default_factory=lambda: Uncertain(value=0), description="Months from order or queue entry to energised supply")
    secured_gw: Uncertain = Field(default_factory=lambda: Uncertain(value=0), description="GW already secured before the start (connected, or ordered earlier and due), usable from the start")


class TargetPoint(_Strict):
    """The capacity the programme aims to have online by a month: in GW at the meter, or in accelerators."""

    date: ProgrammeMonth = Field(pattern=MONTH_PATTERN, description="Month, YYYY-MM (the first day of the month)")
    online_gw: float | None = Field(default=None, ge=0, le=1e6, description="Capacity online, GW at the meter")
    accelerators: Annotated[float | None, _floor(1, " accelerator", "a target counts whole chips")] = Field(
        default=None, gt=0, le=1e12, description="Accelerators (chips) online, at least one; converted to GW with the roadmap's generation of that month")

    @model_validator(mode="after")
    def _one(self) -> TargetPoint:
        if (self.online_gw is None) == (self.accelerators is None):
            raise ValueError("give exactly one of online_gw or accelerators")
        return self


class GrowthPath(_Strict):
    """Capacity online that multiplies by ``multiple`` every ``every_years``, from ``online_gw`` at ``start``."""

    start: ProgrammeMonth = Field(pattern=MONTH_PATTERN, description="Month the path starts, YYYY-MM")
    online_gw: float = Field(gt=0, le=1e6, description="Capacity online at the start, GW")
    multiple: float = Field(gt=1, le=1000, description="Growth multiple over every_years, ratio (10 = tenfold)")
    every_years: float = Field(gt=0, le=50, description="Period over which capacity grows by multiple, years")
    max_gw: float | None = Field(default=None, gt=0, le=1e6, description="Capacity where the path stops growing, GW")


class Programme(_Strict):
    """What the programme aims to bring online (a target path or a growth path) and how long its stages take."""

    target: list[TargetPoint] = Field(default_factory=list, max_length=MAX_POINTS, description="Capacity online by month, linear between points, held after the last")
    growth: GrowthPath | None = Field(default=None, description="Exponential path instead of target points")
    permits_months: Uncertain = Field(default_factory=lambda: Uncertain(value=0), description="Site selection and permits before construction, months; 0: sites are ready")
    construction_months: Uncertain | None = Field(default=None, description="Construction to energised building, months; default: catalog buildout_construction_months")

    @model_validator(mode="after")
    def _path(self) -> Programme:
        if bool(self.target) == (self.growth is not None):
            raise ValueError("give either target points or a growth path")
        months = [point.date for point in self.target]
        for before, after in zip(months, months[1:]):
            if after <= before:
                raise ValueError(f"target dates out of order: {after} follows {before}; list them earliest first")
        return self


class Generation(_Strict):
    """An accelerator generation on the roadmap: from which month it ships and how many units a quarter."""

    accelerator: str = Field(min_length=1, description="Accelerator or system name from the catalog")
    available: ProgrammeMonth = Field(pattern=MONTH_PATTERN, description="First month of volume deliveries, YYYY-MM")
    units_per_quarter: Rate | None = Field(default=None, description="Catalog units (chips, or racks for rack rows) the programme can get per quarter; default: as many as it needs")
    accelerator_price_usd: float | None = Field(default=None, gt=0, le=1e8, description="Price of one catalog unit, USD; default: catalog")


class Initial(_Strict):
    """Capacity already online when the simulation starts (not subject to the limits)."""

    online_gw: float = Field(default=0.0, ge=0, le=1e6, description="Capacity online at the start, GW at the meter")
    accelerator: str = Field(default="H100 SXM", min_length=1, description="Accelerator of the capacity already online")


class Limits(_Strict):
    """What can hold the programme back; a limit left out does not bind."""

    factory_gw_per_week: Rate | None = Field(default=None, description="Capacity the programme can commission (energise and bring up) per week, GW/week")
    construction_gw: Rate | None = Field(default=None, description="Most capacity under construction at once (labour, cranes, contractors), GW")
    capital_usd_per_year: Rate | None = Field(default=None, description="Capital available per year, USD/yr; unspent capital carries over")
    transformers: PowerSupply | None = Field(default=None, description="Large power transformers: GW a year with their lead time; every GW needs them")
    power: list[PowerSupply] = Field(default_factory=list, max_length=MAX_ITEMS, description="Supply routes (grid interconnection per region, gas turbines, ...): GW a year each, after its lead time or queue")


class TargetCheck(_Strict):
    """A target to test: the probability that this much capacity is online by the month."""

    online_gw: float = Field(gt=0, le=1e6, description="Capacity online, GW")
    by: ProgrammeMonth = Field(pattern=MONTH_PATTERN, description="Month, YYYY-MM (by its first day)")


class BuildoutScenario(_Job):
    """A build-out programme: what it aims for, the accelerator roadmap, the limits and the country it draws on."""

    name: Label = Field(default="buildout", description="A label for reports")
    description: str | None = Field(default=None, description="Free text for people")
    start: ProgrammeMonth = Field(default="2026-01", pattern=MONTH_PATTERN, description="First month simulated, YYYY-MM")
    end: ProgrammeMonth = Field(pattern=MONTH_PATTERN, description="Last month simulated, YYYY-MM (at most 15 years after start)")
    programme: Programme = Field(description="The capacity path the programme aims for and its stage durations")
    roadmap: list[Generation] = Field(default_factory=list, max_length=MAX_ITEMS, description="Accelerator generations and their supply; default: catalog roadmap, unlimited")
    initial: Initial = Field(default_factory=Initial, description="Capacity online at the start")
    limits: Limits = Field(default_factory=Limits, description="Rates that can hold the programme back")
    costs: Costs = Field(default_factory=Costs, description="Prices and finance; discount_rate is the return the capital must earn")
    power_capex_usd_per_kw: float = Field(default=0.0, ge=0, le=50_000, description="Capital for power supply per kW at the meter, USD/kW, paid at construction start; 0: power is bought")
    load_factor: Annotated[float | None, _floor(MIN_LOAD_FACTOR, "", "a campus averaging under a tenth of its peak draw is idle, not a load shape "
                                                "(the catalog's training average is 0.76)")] = Field(
        default=None, gt=0, le=1, description=f"Average over peak draw, ratio (at least {MIN_LOAD_FACTOR:g}); default: each generation's catalog average draw")
    country: str | None = Field(default=None, description="Country whose generation the programme draws on (see `gigawatt catalog national_generation`)")
    check: TargetCheck | None = Field(default=None, description="Probability of reaching this capacity by this month (with draws)")
    security: Security | None = Field(default=None, description="The weight-security level the programme's campuses must reach before they hold frontier weights")
    draws: int = Field(default=0, ge=0, le=MAX_DRAWS, description=f"Monte Carlo draws (0: the median inputs only), at most {MAX_DRAWS:,}: every draw keeps its weekly capacity (4 bytes a week: 313 MB at the cap over 15 years)")
    seed: int = Field(default=0, ge=0, description="Random seed of the draws (same seed, same result)")

    @model_validator(mode="after")
    def _window(self) -> BuildoutScenario:
        start, end = month_start(self.start), month_start(self.end)
        if end <= start:
            raise ValueError(f"end {self.end} is not after start {self.start}; give end later than start")
        if end.year - start.year + (end.month - start.month) / 12 > MAX_BUILDOUT_YEARS:
            raise ValueError(f"{self.start} to {self.end} is more than {MAX_BUILDOUT_YEARS} years; shorten it")
        if self.check and not self.start <= self.check.by <= self.end:
            raise ValueError(f"check.by {self.check.by} is outside {self.start}..{self.end}")
        g = self.programme.growth
        if g is not None and g.max_gw is None:  # the path at the end, in logs (a steep one overflows a float)
            years = max((end.year - month_start(g.start).year) + (end.month - month_start(g.start).month) / 12, 0.0)
            if math.log10(g.online_gw) + years / g.every_years * math.log10(g.multiple) > math.log10(MAX_TARGET_GW):
                raise ValueError(f"programme.growth: {g.multiple:g}x every {g.every_years:g} years from {g.online_gw:g} GW passes "
                                 f"{MAX_TARGET_GW:,.0f} GW by {self.end} (~300 times the world's electricity demand); "
                                 "give programme.growth.max_gw, or a slower path")
        return self


# --- fleet siting (`gigawatt site`) -----------------------------------------------------------------

Jurisdiction = Literal["us", "ally", "partner", "restricted"]


class Candidate(_Strict):
    """A candidate site: a catalog region (its figures are defaults) or an explicit site, with its limits.

    Any figure given here replaces the region's; a candidate without a region needs ``latitude``,
    ``longitude``, ``country`` and ``jurisdiction``.
    """

    region: str | None = Field(default=None, description="Region id or name from `gigawatt catalog regions`")
    name: Label | None = Field(default=None, description="A label; default: the region id")
    max_mw: float = Field(gt=0, le=1e6, description="Most capacity the site can hold, MW at the meter")
    options: Literal["grid", "onsite", "both"] = Field(default="both", description="Supply allowed: the grid, on-site plant, or both")
    latitude: float | None = Field(default=None, ge=-90, le=90, description="Latitude, degrees north")
    longitude: float | None = Field(default=None, ge=-180, le=180, description="Longitude, degrees east")
    country: str | None = Field(default=None, min_length=2, max_length=2, description="ISO 3166 alpha-2 country code")
    jurisdiction: Jurisdiction | None = Field(default=None, description="us, ally, partner or restricted (export-control category)")
    price_usd_per_mwh: float | None = Field(default=None, ge=0, le=2000, description="Grid energy price, USD/MWh")
    co2_g_per_kwh: float | None = Field(default=None, ge=0, le=2000, description="Grid carbon intensity, gCO2/kWh")
    grid_carbon_free_share: float | None = Field(default=None, ge=0, le=1, description="Carbon-free share of the grid's energy (its generation mix), ratio")
    gas_price_usd_per_mmbtu: float | None = Field(default=None, ge=0, le=100, description="Gas price, USD/MMBtu")
    connection_wait_months: float | None = Field(default=None, ge=0, le=240, description="Wait for a large-load grid connection, months")
    solar_yield_kwh_per_kwp: float | None = Field(default=None, gt=0, le=3000, description="Fixed-tilt PV yield, kWh/kWp a year")
    wind_cf: float | None = Field(default=None, gt=0, lt=1, description="Onshore wind capacity factor, ratio")
    limit_mw: float | None = Field(default=None, ge=0, le=1e6, description="Most capacity the region's grid can take (e.g. its flexible headroom from `gigawatt headroom`), MW")
    tenancy: Tenancy | None = Field(default=None, description="The facility: dedicated, colocation or multi_tenant (security checks)")
    cleared_staff: bool | None = Field(default=None, description="Whether vetted (cleared) staff can be hired or posted there (security checks)")

    @field_validator("country")
    @classmethod
    def _upper(cls, country: str | None) -> str | None:
        return country.upper() if country is not None else None  # ISO codes are capitals; "de" means DE

    @model_validator(mode="before")
    @classmethod
    def _quoted(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("region"), bool):  # YAML 1.1 reads NO (Norway) as false
            raise ValueError(f"region {data['region']!r} is a yes/no value to YAML; write the region in quotes, e.g. region: \"NO\"")
        return data


class SitingConstraints(_Strict):
    """Fleet-wide requirements of a siting programme."""

    jurisdictions: list[Jurisdiction] | None = Field(default=None, max_length=MAX_ITEMS, description="Jurisdictions allowed (e.g. [us] for domestic only, [us, ally]); default: any")
    co2_cap_t_per_year: float | None = Field(default=None, ge=0, description="Fleet CO2 cap, tCO2/yr")
    carbon_free_share: float | None = Field(default=None, ge=0, le=1, description="Fleet minimum annual carbon-free share of energy, ratio")
    max_region_share: float | None = Field(default=None, gt=0, le=1, description="Most of the programme in any one region, ratio")
    min_sites: int | None = Field(default=None, ge=1, le=1000, description="Fewest sites used, count of sites")
    region_limits_mw: dict[str, float] = Field(default_factory=dict, max_length=MAX_CANDIDATES, description="Most MW per region id (a stated figure or its flexible headroom)")
    online_by: ProgrammeMonth | None = Field(default=None, pattern=MONTH_PATTERN, description="Every site online by this month, YYYY-MM")
    security_level: SecurityLevel | None = Field(default=None, description="Weight-security level every site must reach: candidates that fail a check are excluded, and the time to reach it delays them (programme.security gives the facts and costs)")


class SitingProgramme(_Job):
    """Place a programme's gigawatts across candidate sites at the least cost of power plus delay."""

    name: Label = Field(default="programme", description="A label for reports")
    description: str | None = Field(default=None, description="Free text for people")
    start: ProgrammeMonth = Field(default="2026-01", pattern=MONTH_PATTERN, description="Month the programme starts (orders placed), YYYY-MM")
    target_mw: float = Field(gt=0, le=1e6, description="Capacity to place, MW at the meter")
    block_mw: Annotated[float, _floor(MIN_BLOCK_MW, " MW", "one rack-scale system draws up to ~0.2 MW, so a smaller block is a few racks, not a campus")] = Field(
        default=1000.0, gt=0, le=1e5, description=f"Campus block: sites take whole blocks, MW (at least {MIN_BLOCK_MW:g})")
    accelerator: str = Field(default="GB200 NVL72", min_length=1, description="Accelerator of the campuses (load shape, PUE, cost)")
    workload: Literal["training", "inference", "mixed"] = Field(default="training", description="Shape of the hourly load")
    technologies: list[str] = Field(
        default_factory=lambda: ["utility_pv", "onshore_wind", "battery_li_ion", "gas_cc", "gas_ct_aero", "gas_recip"], max_length=MAX_ITEMS,
        description="On-site technologies a candidate with on-site supply may build (catalog ids)",
    )
    reserve_margin: float | None = Field(default=None, ge=0, le=2, description="Each site's firm capacity above its peak, ratio")
    value_of_delay_usd_per_mw_month: float = Field(default=0.0, ge=0, le=1e8, description="Cost of a MW not yet online, per month after start, USD/MW-month")
    candidates: list[Candidate] = Field(min_length=1, max_length=MAX_CANDIDATES, description="Candidate sites")
    constraints: SitingConstraints = Field(default_factory=SitingConstraints, description="Fleet-wide requirements")
    costs: Costs = Field(default_factory=Costs, description="Prices and finance of the campuses (defaults from the catalog)")
    full_year: bool = Field(default=False, description="Screen every candidate on all 8,760 hours instead of typical periods")
    hourly_profiles: bool = Field(default=False, description="Plan each candidate on its region's bundled hourly solar and wind profile where the catalog has one (regions column profile) instead of the synthetic series")
    security: Security | None = Field(default=None, description="Security facts and costs shared by the sites (the level required is constraints.security_level, or this level)")
    solver: Solver = Field(default_factory=Solver, description="Solver and its settings for the candidates' plans")

    @model_validator(mode="after")
    def _online_after_start(self) -> SitingProgramme:
        if self.constraints.online_by is not None and self.constraints.online_by < self.start:
            raise ValueError(f"constraints.online_by {self.constraints.online_by} is before start {self.start}; no site can be online "
                             "before the programme starts: give a later month")
        return self

    @model_validator(mode="after")
    def _one_level(self) -> SitingProgramme:
        level = self.constraints.security_level
        if level is not None and self.security is not None and self.security.level != level:
            raise ValueError(f"constraints.security_level {level} and security.level {self.security.level} differ; give one level")
        return self

    @model_validator(mode="after")
    def _blocks(self) -> SitingProgramme:
        blocks = self.target_mw / self.block_mw
        if blocks < 1 - 1e-9:  # rounds to no block: the run would place 0 GW and call it a success
            raise ValueError(f"target_mw {self.target_mw:g} is less than one {self.block_mw:g} MW block (block_mw); sites take whole blocks, "
                             "so give target_mw of at least one block")
        if not math.isfinite(blocks) or blocks > MAX_BLOCKS:
            raise ValueError(f"target_mw {self.target_mw:g} is more than {MAX_BLOCKS:,} blocks of {self.block_mw:g} MW; give larger blocks")
        if abs(blocks - round(blocks)) > 1e-9:
            raise ValueError(f"target_mw {self.target_mw:g} is not a whole number of {self.block_mw:g} MW blocks; change one of them")
        return self


# --- flexible-load headroom (`gigawatt headroom`) ---------------------------------------------------


# A curtailment limit below 0.01% of the new load's energy is less than one hour a year at full curtailment
# (100 / 8,760 h = 0.0114%): finer than an hourly record resolves, and a typo (1e-300) rather than a study.
MIN_LIMIT_PCT = 0.01
# EIA-930 and the other demand files give whole MW: a campus below 1 MW is under the data's resolution.
MIN_CAMPUS_MW = 1.0


class Campus(_Strict):
    """A campus joining one system as flexible load: its hourly curtailment and grid availability."""

    mw: Annotated[float, _floor(MIN_CAMPUS_MW, " MW", "demand files give whole MW, so a smaller campus is below their resolution")] = Field(
        gt=0, le=1e6, description=f"Campus size, MW (at least {MIN_CAMPUS_MW:g})")
    limit_pct: Annotated[float, _floor(MIN_LIMIT_PCT, "%", "less than an hour a year of the campus's energy, finer than hourly demand resolves")] = Field(
        default=1.0, gt=0, lt=100, description=f"The system's curtailment limit the campus takes part in, % of energy (at least {MIN_LIMIT_PCT:g})")
    availability_year: int | None = Field(default=None, ge=1980, le=2100, description="The year of the availability series for `gigawatt plan` (grid.availability_csv); default: the last whole year")


class HeadroomStudy(_Job):
    """How much flexible load grids can take: which demand files, which systems, which limits."""

    name: Label = Field(default="headroom", description="A label for reports")
    description: str | None = Field(default=None, description="Free text for people")
    files: list[str] = Field(min_length=1, max_length=MAX_FILES, description="Hourly demand CSV files (EIA-930 or timestamp + MW columns)")
    systems: list[str] | Literal["duke22", "all"] = Field(max_length=MAX_CANDIDATES, description="Systems to study (a column, or the prefix of sub-zone columns: PJM sums PJM-*), or duke22 (the Duke study's 22), or all")
    limits_pct: list[float] = Field(default_factory=lambda: [0.25, 0.5, 1.0, 5.0], min_length=1, max_length=MAX_ITEMS, description="Curtailment limits, % of the new load's energy")
    years: list[int] | None = Field(default=None, max_length=MAX_ITEMS, description="Years to use, e.g. [2016, 2017, 2018]; default: every whole year in the files")
    threshold_mw: float | None = Field(default=None, gt=0, le=1e7, description="A flat threshold, MW, instead of the seasonal (Duke) one")
    threshold_csv: str | None = Field(default=None, description="An hourly threshold, MW (timestamp, MW CSV), instead of the seasonal one")
    campus: Campus | None = Field(default=None, description="A campus in the (single) system: its curtailment schedule and availability")

    @field_validator("systems")
    @classmethod
    def _systems(cls, systems: list[str] | str) -> list[str] | str:
        if isinstance(systems, list):
            if not systems or not all(name.strip() for name in systems):
                raise ValueError("name at least one system (e.g. [PJM, ERCO]), or duke22 or all")
            twice = [name for name in systems if systems.count(name) > 1]
            if twice:  # the total would count the system twice
                raise ValueError(f"{shorten(twice[0])} is listed twice; list each system once")
        return systems

    @model_validator(mode="after")
    def _one_threshold(self) -> HeadroomStudy:
        if self.threshold_mw is not None and self.threshold_csv:
            raise ValueError("give threshold_mw or threshold_csv, not both")
        if self.campus is not None and (not isinstance(self.systems, list) or len(self.systems) != 1):
            raise ValueError("campus: name one system under systems, e.g. systems: [PJM]")
        return self


# --- grid-responsive operations (`gigawatt schedule`) -------------------------------------------------

WORKLOADS = ("pre_training", "fine_tuning", "batch_inference", "online_inference")
MAX_JOBS = 1_000
MAX_BLOCKS = 100_000  # campus blocks in a siting programme: more is a typo in block_mw
MAX_INTERVALS = 200_000  # a year of 5-minute intervals is 105,120
# jobs x intervals, the size of a schedule's model before its stretches are merged (about seven columns each):
# the ERCOT example's 9 jobs x 2,016 intervals are 18,144; measured with a ramp limit (no stretches merged),
# 20 jobs x 10,080 intervals (201,600) build and solve as an LP in 25 s and 1.8 GB, and memory grows in step
MAX_JOB_INTERVALS = 200_000
# the years a schedule's times (and its CSVs' rows) may lie in: a programme's months, for the same reasons
SCHEDULE_YEARS = (int(FIRST_MONTH[:4]), int(LAST_MONTH[:4]))


def _instant(value: datetime) -> datetime:
    """A time comparable with any other: one with an offset as UTC, one without as it stands (the schedule
    converts both to its local time; here they are only ordered)."""
    return value if value.tzinfo is None else value.astimezone(timezone.utc).replace(tzinfo=None)


def _check_year(name: str, value: datetime | None) -> None:
    if value is not None and not SCHEDULE_YEARS[0] <= value.year <= SCHEDULE_YEARS[1]:
        raise ValueError(f"{name} {value} is outside {SCHEDULE_YEARS[0]}-{SCHEDULE_YEARS[1]}; check the year")


class Job(_Strict):
    """One job of the mix: what it runs on, how much it may slow down, and what it must finish by when."""

    name: Label = Field(min_length=1, description="The job's label")
    kind: Literal["pre_training", "fine_tuning", "batch_inference", "online_inference"] = Field(description="Workload kind: sets its throughput-versus-power-cap curve")
    accelerators: int = Field(ge=1, le=10_000_000, description="Accelerators the job runs on, a count")
    accelerator: str | None = Field(default=None, description="Catalog accelerator; default: the schedule's accelerator")
    power_kw: float | None = Field(default=None, gt=0, le=1e8, description="The job's accelerator power running uncapped, kW; default: accelerators x the catalog TDP")
    flex: Literal[0, 1, 2, 3] = Field(default=0, description="Flexibility tier: the largest average slowdown over the job's run (catalog flex_tier_N: 0 none, 1 10%, 2 25%, 3 50%)")
    max_slowdown: float | None = Field(default=None, ge=0, le=1, description="The largest average slowdown over the run, ratio; overrides the tier's")
    start: datetime | None = Field(default=None, description="When the job starts, local time; default: the schedule's start")
    run_hours: float | None = Field(default=None, gt=0, le=1e5, description="The job's whole run, hours, over which its slowdown is averaged; default: its hours in the schedule")
    work_hours: float | None = Field(default=None, gt=0, le=1e5, description="Full-speed hours of work to finish (with deadline): the job ends when done")
    deadline: datetime | None = Field(default=None, description="When work_hours must be done, local time")
    restart_minutes: float | None = Field(default=None, ge=0, le=1440, description="Work lost to each pause, minutes at full speed (reload, warm-up); default: catalog restart_minutes for training, 0 for inference")
    checkpoint_interval_minutes: float | None = Field(default=None, gt=0, le=10_000, description="Training: minutes between checkpoints; half of it is lost at a pause unless checkpoint_on_pause; default: catalog checkpoint_interval_minutes")
    checkpoint_on_pause: bool = Field(default=True, description="Training: write a checkpoint when paused (checkpoint --stop), so only restart_minutes are lost")
    can_pause: bool | None = Field(default=None, description="Whether the job may be paused (else only power-capped); default: when its tier allows any slowdown")
    value_usd_per_accelerator_hour: float | None = Field(default=None, ge=0, le=1000, description="Value of one full-speed accelerator-hour lost, USD; default: the cluster's cost per accelerator-hour other than electricity")

    @model_validator(mode="after")
    def _deadline(self) -> Job:
        for name in ("start", "deadline"):
            _check_year(name, getattr(self, name))
        if (self.work_hours is None) != (self.deadline is None):
            raise ValueError(f"job {self.name}: give work_hours and deadline together, or neither")
        return self


class CurtailmentEvent(_Strict):
    """A utility's request: reduce the site's power from start for duration_minutes, by reduce_pct of what it
    would draw running flat or by reduce_mw, with notice_minutes of warning."""

    start: datetime = Field(description="When the reduction must hold from, local time")
    duration_minutes: float = Field(gt=0, le=100_000, description="How long it lasts, minutes")
    reduce_pct: float | None = Field(default=None, gt=0, le=100, description="Reduction asked for, % of the site's flat draw")
    reduce_mw: float | None = Field(default=None, gt=0, le=1e6, description="Reduction asked for, MW below the flat draw")
    notice_minutes: float = Field(default=0, ge=0, le=10_000, description="Warning before start, minutes: no part of the response may begin earlier")

    @model_validator(mode="after")
    def _one_target(self) -> CurtailmentEvent:
        _check_year("start", self.start)
        if (self.reduce_pct is None) == (self.reduce_mw is None):
            raise ValueError("give reduce_pct or reduce_mw (one of them)")
        return self


class SiteCap(_Strict):
    """The most the site may draw between two times, MW."""

    start: datetime = Field(description="From, local time")
    end: datetime = Field(description="Until, local time")
    mw: float = Field(ge=0, le=1e6, description="The cap, MW at the meter")

    @model_validator(mode="after")
    def _in_order(self) -> SiteCap:
        _check_year("start", self.start)
        _check_year("end", self.end)
        if _instant(self.end) <= _instant(self.start):
            raise ValueError(f"end {self.end} is not after start {self.start}; a cap holds from start until end")
        return self


class Signals(_Strict):
    """What the grid says: prices, carbon, curtailment events, power caps and ramp limits."""

    price_usd_per_mwh: float = Field(default=0.0, ge=-20_000, le=20_000, description="Flat energy price, USD/MWh (price_csv replaces it)")
    price_csv: str | None = Field(default=None, description="Energy price, USD/MWh: CSV of timestamp and price_usd_per_mwh (hourly or 5-minute) covering the whole schedule, each row "
                                     "held until the next (rows finer than an interval averaged); local times, or times with an offset and utc_offset_hours")
    carbon_g_per_kwh: float = Field(default=0.0, ge=0, le=2_000, description="Flat grid carbon intensity, gCO2/kWh (carbon_csv replaces it)")
    carbon_csv: str | None = Field(default=None, description="Grid carbon intensity, gCO2/kWh: CSV of timestamp and carbon_g_per_kwh, covering the whole "
                                  "schedule as price_csv does")
    carbon_price_usd_per_t: float = Field(default=0.0, ge=0, le=10_000, description="Price put on each tonne of CO2 drawn, USD/t")
    events: list[CurtailmentEvent] = Field(default_factory=list, max_length=MAX_ITEMS * 10, description="Curtailment events")
    events_csv: str | None = Field(default=None, description="Curtailment events: CSV of start, duration_minutes, reduce_pct or reduce_mw, notice_minutes")
    site_cap: list[SiteCap] = Field(default_factory=list, max_length=MAX_ITEMS * 10, description="Caps on the site's draw over time")
    site_cap_csv: str | None = Field(default=None, description="The site's allowed draw over time: CSV of timestamp (or local_time) and cap_mw (or available_mw, as `gigawatt headroom` "
                                    "writes a campus schedule), MW, covering the whole schedule as price_csv does (rows finer than an interval: their least)")
    ramp_mw_per_min: float | None = Field(default=None, gt=0, le=1e5, description="Largest change of the site's draw, MW per minute, either way")
    shortfall_penalty_usd_per_mwh: float = Field(default=1e6, gt=0, le=1e9, description="Price of each MWh above an event's target or a cap, so that one is missed only when nothing can meet it")


class ScheduleScenario(_Job):
    """A campus's jobs run against grid signals: what to cap, pause and resume, interval by interval."""

    name: Label = Field(default="schedule", description="A label for reports")
    description: str | None = Field(default=None, description="Free text for people")
    start: datetime = Field(description="The first interval, local time (or with its UTC offset, which then sets the schedule's local time)")
    hours: float = Field(gt=0, le=8784, description="Length of the schedule, hours")
    utc_offset_hours: float | None = Field(
        default=None, ge=-12, le=14,
        description="The schedule's local time, hours from UTC (e.g. -6 for CST): times written with an offset or Z, in the scenario or in "
        "its CSVs, are converted to it; default: start's offset where it has one, else such times are refused (local times never shift)",
    )
    interval_minutes: float = Field(default=5, gt=0, le=60, description="Length of an interval, minutes")
    accelerator: str | None = Field(default=None, description="Catalog accelerator of jobs that do not name one (needed where a job lacks power_kw or value_usd_per_accelerator_hour)")
    pue: float = Field(default=1.0, ge=1, le=3, description="Facility power over IT power, ratio: 1 schedules accelerator power alone (as the Phoenix demonstration measured it)")
    other_load_kw: float = Field(default=0.0, ge=0, le=1e9, description="IT load that does not bend (hosts, storage, network), kW")
    jobs: list[Job] = Field(min_length=1, max_length=MAX_JOBS, description="The job mix")
    signals: Signals = Field(default_factory=Signals, description="Prices, carbon, events, caps and ramp limits")
    solver: Solver = Field(default_factory=Solver, description="Solver and its settings (mip_gap, time_limit_s)")

    @model_validator(mode="after")
    def _size(self) -> ScheduleScenario:
        intervals = self.hours * 60 / self.interval_minutes
        if not math.isfinite(intervals) or intervals > MAX_INTERVALS:  # checked first: round() of infinity overflows
            raise ValueError(f"hours x 60 / interval_minutes is {intervals:,.0f} intervals, more than {MAX_INTERVALS:,}; use longer intervals")
        if abs(intervals - round(intervals)) > 1e-6:
            raise ValueError(f"hours {self.hours:g} is not a whole number of {self.interval_minutes:g}-minute intervals; change one of them")
        if round(intervals) < 1:
            raise ValueError(f"hours {self.hours:g} is shorter than one {self.interval_minutes:g}-minute interval; give at least one")
        if round(intervals) * len(self.jobs) > MAX_JOB_INTERVALS:
            raise ValueError(f"{len(self.jobs):,} jobs x {round(intervals):,} intervals is {len(self.jobs) * round(intervals):,} job-intervals, more than "
                             f"{MAX_JOB_INTERVALS:,} (about 2 GB of model); use longer intervals (interval_minutes), a shorter schedule "
                             "(hours) or fewer jobs (merge jobs of the same kind and tier)")
        _check_year("start", self.start)
        names = [job.name for job in self.jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"jobs: the name '{next(n for n in names if names.count(n) > 1)}' is used twice; give each job its own")
        return self


def _type_name(annotation: Any) -> str:
    """A readable type: ``float | None``, ``air | liquid``, ``Training``."""
    args = getattr(annotation, "__args__", None)
    origin = getattr(annotation, "__origin__", None)
    if origin is Literal:
        return " | ".join(str(a) for a in args)
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type_name(a) for a in args)}]"
    if args:
        return " | ".join(_type_name(a) for a in args)
    return "None" if annotation is type(None) else getattr(annotation, "__name__", str(annotation))


def describe_fields(model: type[BaseModel] = Scenario, prefix: str = "") -> list[dict[str, str]]:
    """Every scenario key as ``{key, type, default, description}``, generated from the models."""
    rows: list[dict[str, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        nested = [m for m in _nested_models(annotation) if m is not Uncertain]  # a number or a distribution: one row
        if field.is_required():
            default = "required"
        elif field.default_factory is not None or field.default is None:
            default = "-"
        else:
            default = str(field.default)
        rows.append({"key": key, "type": _type_name(annotation), "default": default, "description": field.description or ""})
        if nested:
            origin = getattr(annotation, "__origin__", None)  # e.g. supply.limits.<technology>.max_mw, roadmap[].accelerator
            rows.extend(describe_fields(nested[0], f"{key}.<id>." if origin is dict else f"{key}[]." if origin is list else f"{key}."))
    return rows


# --- loading ----------------------------------------------------------------------------------------


def _line_map(text: str) -> dict[tuple[str, ...], int]:
    """Map each key path in a YAML mapping tree to its 1-based line number."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                lines[sub] = key.start_mark.line + 1
                walk(value, sub)

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


def _model_at(path: tuple[str | int, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The model under ``root`` that holds the last key of ``path`` (for "did you mean")."""
    model: type[BaseModel] = root
    for key in path[:-1]:
        if isinstance(key, int):  # an item of a list: stay on the list's item model
            continue
        field = model.model_fields.get(str(key))
        if field is None:
            return None
        candidates = _nested_models(field.annotation)
        if not candidates:
            return None
        model = candidates[0]
    return model


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    """The models inside an annotation such as ``Rate | None`` or ``list[TargetPoint]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in getattr(annotation, "__args__", ()) for m in _nested_models(a)]


def _explain(error: ValidationError, lines: dict[tuple[str, ...], int], origin: str, root: type[BaseModel] = Scenario) -> ScenarioError:
    """Turn pydantic's first error into one line naming the key, its line and the fix (user values shortened)."""
    first = error.errors()[0]
    loc = tuple(first["loc"])
    key = " ".join((".".join(str(p) for p in loc) or "(top level)").split())
    key = key if len(key) <= ECHO_CHARS else key[: ECHO_CHARS - 1] + "…"
    line = None
    for depth in range(len(loc), 0, -1):
        line = lines.get(tuple(str(p) for p in loc[:depth]))
        if line is not None:
            break
    where = f"{origin} line {line}" if line else origin
    if first["type"] == "extra_forbidden":
        model = _model_at(loc, root)
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1])[:200], known, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys here: {', '.join(known)}"
        message = f"{where}: unknown key '{key}'; {hint}"
    elif first["type"] == "missing":
        message = f"{where}: '{key}' is required; add it to the scenario"
    else:
        reason = " ".join(first["msg"].removeprefix("Value error, ").split())
        if first["type"] == "string_pattern_mismatch" and first.get("ctx", {}).get("pattern") == MONTH_PATTERN:
            reason = "not a month; write YYYY-MM, e.g. 2027-06"
        reason = reason if len(reason) <= MESSAGE_CHARS else reason[: MESSAGE_CHARS - 1] + "…"
        value = first.get("input")
        shown = "" if isinstance(value, dict) or value is None else f" (got {shorten(value)})"
        message = f"{where}: '{key}': {reason}{shown}" if loc else f"{where}: {reason}{shown}"  # a rule across keys
    return ScenarioError(" ".join(message.splitlines()))


def parse_scenario(
    data: Any, *, origin: str = "scenario", lines: dict[tuple[str, ...], int] | None = None, model: type[BaseModel] = Scenario
) -> Any:
    """Validate a mapping (as read from YAML) into ``model`` (a :class:`Scenario` by default), or raise :class:`ScenarioError`."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        keys = ", ".join(f"{k}:" for k in list(model.model_fields)[:3])
        raise ScenarioError(f"{origin}: a scenario must be a mapping of keys ({keys} ...), got {kind}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, lines or {}, origin, model) from None


def _parse_override(item: str) -> tuple[list[str], Any]:
    key, sep, raw = item.partition("=")
    key = re.sub(r"\[(\d+)\]", r".\1", key.strip())  # candidates[0].max_mw, as `gigawatt runs diff` writes keys, is candidates.0.max_mw
    if not sep or not key or any(not part for part in key.split(".")):
        raise ScenarioError(f"override {shorten(item)}: write it as dotted.key=value, e.g. cluster.count=200000")
    try:
        value = yaml.load(raw, Loader=_Loader) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:  # as in read_yaml_text
        raise ScenarioError(f"override {shorten(item)}: a value YAML cannot read ({_first_line(exc)}); quote it as text or fix it") from None
    return key.split("."), value


def _item(node: list[Any], part: str, path: list[str], depth: int, item: str) -> int:
    """The index ``part`` names in the list ``node`` (at ``path[:depth]``), or a :class:`ScenarioError`."""
    where = shorten(".".join(path[:depth]))
    if not part.isdecimal():
        example = ".".join([*path[:depth], "0", *path[depth + 1:]])
        raise ScenarioError(f"override {shorten(item)}: {where} is a list; name an item by its index, e.g. {shorten(example)}")
    index = int(part)
    if index >= len(node):
        held = f"indexes 0 to {len(node) - 1}" if len(node) > 1 else "index 0" if node else "the list is empty"
        raise ScenarioError(f"override {shorten(item)}: {where} has {len(node)} item{'' if len(node) == 1 else 's'} ({held}), so no item {index}; "
                            "give an index in range, or set the whole list")
    return index


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Return a copy of ``data`` with ``dotted.key=value`` overrides set (values parsed as YAML scalars).

    A list's item is named by its index: ``candidates.0.limit_mw=2000`` (or ``candidates[0].limit_mw``) sets
    a field of the first candidate, ``technologies.1=gas_cc`` replaces the second technology. Setting one way
    of sizing (``cluster.count``, ``cluster.power_mw``, ``cluster.training``) drops the others, so the
    override ``cluster.count=200000`` works on a scenario sized by power.
    """
    out = copy.deepcopy(data)
    for item in overrides:
        path, value = _parse_override(item)
        node: Any = out
        for depth, part in enumerate(path[:-1]):
            if isinstance(node, list):
                child = node[_item(node, part, path, depth, item)]
            else:
                child = node.get(part)
                if child is None:
                    child = node[part] = {}
            if not isinstance(child, dict | list):
                raise ScenarioError(f"override {shorten(item)}: {shorten(part)} is not a section, so it has no key {shorten(path[-1])}")
            node = child
        if isinstance(node, list):
            node[_item(node, path[-1], path, len(path) - 1, item)] = value
            continue
        if path[:1] == ["cluster"] and len(path) == 2 and path[1] in _SIZING_KEYS:
            for other in _SIZING_KEYS - {path[1]}:
                node.pop(other, None)
        node[path[-1]] = value
    return out


_SIZING_KEYS = {"count", "power_mw", "training"}


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key given twice in one mapping (YAML would keep the last silently)."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses a key given twice in one mapping (merge keys ``<<`` may still be overridden)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                continue
            if first is not None:
                raise _DuplicateKey(None, None, f"key {shorten(key)} is given twice (first on line {first}); keep one of them",
                                    key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class _Recursive(Exception):
    """An anchor used inside itself (``a: &a {x: *a}``): the tree would be infinite."""


def _expanded_size(node: yaml.Node | None) -> int:
    """How many values a YAML tree holds with its aliases expanded (a shared node counts once per use).

    Raises :class:`_Recursive` for an anchor used inside itself."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def count(n: yaml.Node) -> int:
        if id(n) in open_nodes:
            raise _Recursive
        if id(n) not in sizes:
            open_nodes.add(id(n))
            if isinstance(n, yaml.MappingNode):
                total = 1 + sum(count(k) + count(v) for k, v in n.value)
            elif isinstance(n, yaml.SequenceNode):
                total = 1 + sum(count(v) for v in n.value)
            else:
                total = 1
            open_nodes.discard(id(n))
            sizes[id(n)] = min(total, MAX_YAML_NODES + 1)
        return sizes[id(n)]

    return 0 if node is None else count(node)


def read_yaml(path: Path | str) -> tuple[Any, dict[tuple[str, ...], int]]:
    """Read a YAML file; return its data and the line of every key. Raises :class:`ScenarioError`.

    Refused: files over :data:`MAX_SCENARIO_BYTES`, keys given twice in one mapping, and trees of more than
    :data:`MAX_YAML_NODES` values once anchors are expanded.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"{path}: {size:,} bytes is more than a scenario's {MAX_SCENARIO_BYTES:,}; "
                                "give the scenario file (hourly data goes in CSV files it names)")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.__class__.__name__}); give a UTF-8 YAML file") from None
    return read_yaml_text(text, str(path))


def read_yaml_text(text: str, origin: str = "scenario") -> tuple[Any, dict[tuple[str, ...], int]]:
    """Read YAML text (``origin`` names it in errors); return its data and the line of every key, with the
    limits of :func:`read_yaml`. Raises :class:`ScenarioError`."""
    path = origin
    if len(text.encode("utf-8", errors="replace")) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{origin}: more than a scenario's {MAX_SCENARIO_BYTES:,} bytes; hourly data goes in CSV files it names")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):  # a lone surrogate: not text any file can hold
        raise ScenarioError(f"{origin}: holds a character that is not valid Unicode (a lone surrogate); remove it")
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # an unprintable character, found as the reader starts
        raise ScenarioError(f"{path}: not valid YAML ({' '.join(str(getattr(exc, 'problem', None) or exc).split())[:MESSAGE_CHARS]}); "
                            "remove control characters") from None
    try:
        root = loader.get_single_node()
        try:
            if _expanded_size(root) > MAX_YAML_NODES:
                raise ScenarioError(f"{path}: more than {MAX_YAML_NODES:,} values once its anchors (&, *) are expanded; "
                                    "write a smaller scenario")
        except _Recursive:
            raise ScenarioError(f"{path}: an anchor (&) is used inside itself, so the scenario never ends; "
                                "refer to it only from outside") from None
        data = loader.construct_document(root) if root is not None else None
    except _DuplicateKey as exc:
        mark = exc.problem_mark
        raise ScenarioError(f"{path} line {mark.line + 1}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", None) or "invalid syntax").split())[:MESSAGE_CHARS]
        raise ScenarioError(f"{path}{where}: not valid YAML ({problem}); fix the syntax there") from None
    except RecursionError:
        raise ScenarioError(f"{path}: nested too deeply to read; write a flatter scenario") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # a tagged or dated value YAML's own constructors cannot make (2026-02-30, !!int abc, !!set [1])
        raise ScenarioError(f"{path}: a value YAML cannot read ({_first_line(exc)}); quote it as text or fix it") from None
    finally:
        loader.dispose()
    return data, _line_map(text)


def _first_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return (text or type(exc).__name__)[:MESSAGE_CHARS]


def load_scenario(path: Path | str, overrides: list[str] | None = None, model: type[BaseModel] = Scenario) -> Any:
    """Load and validate a YAML scenario file into ``model``, applying ``dotted.key=value`` overrides first."""
    data, lines = read_yaml(path)
    if overrides:
        if not isinstance(data, dict):
            data = {}
        data = apply_overrides(data, overrides)
    return parse_scenario(data, origin=str(path), lines=lines, model=model)

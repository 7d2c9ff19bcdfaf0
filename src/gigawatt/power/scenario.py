"""A site power plan's scenario (``gigawatt plan``): site, grid, supply options, constraints and phases."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from gigawatt import catalog
from gigawatt.compute.scenario import Cluster
from gigawatt.core.inputs import (
    MAX_ITEMS,
    MONTH_PATTERN,
    Costs,
    Label,
    ProgrammeMonth,
    Solver,
    _Job,
    _Strict,
)
from gigawatt.project_finance.scenario import Finance
from gigawatt.adequacy.scenario import Reliability
from gigawatt.security.scenario import Security


class Site(_Strict):
    """Where the campus is, and the weather and load series to plan on."""

    latitude: float = Field(ge=-90, le=90, description="Latitude, degrees north (-90..90)")
    longitude: float = Field(ge=-180, le=180, description="Longitude, degrees east (-180..180)")
    year: int | None = Field(default=None, ge=1980, le=2100, description="Calendar year of the hourly series (8760 or 8784 hours); default: the year of the scenario's start")
    time_zone: str | None = Field(default=None, min_length=1, max_length=64, description="The site's IANA time zone (e.g. America/Chicago): its standard time is the plan's clock, its wall clock that of the result's timestamps; default: found from latitude and longitude (timezonefinder)")
    clock: Literal["standard", "local"] = Field(default="standard", description="How timestamps without a UTC offset in the site's and grid's CSVs, and time_of_use hours, are read: standard (local standard time all year) or local (the wall clock of site.time_zone, daylight saving included)")
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
    capacity_factor_csv: dict[str, str] = Field(default_factory=dict, max_length=MAX_ITEMS, description="Hourly output per MW of weather-driven technologies that have no site field of their own, by catalog technology id (`gigawatt catalog technologies`), ratio 0..1 (CSV of timestamp,value, or a renewables.ninja CSV); replaces that technology's modelled series")
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
    energy_price_usd_per_mwh: float | None = Field(default=None, ge=0, le=2_000, description="A contract's price per MWh of its block, USD/MWh (take-or-pay); required for a contract the catalog has no public price for (fusion_ppa); default: catalog")
    available_from: ProgrammeMonth | None = Field(default=None, pattern=MONTH_PATTERN, description="First month the option may be built, YYYY-MM: a plan whose start (or constraints.online_by) is earlier builds none of it, a phased plan only in phases from then; default: catalog available_from (empty: available now)")
    lifetime_years: float | None = Field(default=None, ge=1, le=80, description="Capital recovery period, years (e.g. a 20-year contract; at least 1: capital is annualised over whole years); default: catalog lifetime")
    commitment: Literal["none", "linear", "integer"] | None = Field(default=None, description="Unit commitment of a fuelled option: none (default), linear (PyPSA-style linearised) or integer (whole units, a MIP)")
    unit_mw: float | None = Field(default=None, gt=0, le=2_000, description="Size of one committable unit, MW; default: catalog unit_commitment")
    min_stable_share: float | None = Field(default=None, ge=0, le=0.95, description="Minimum stable output of a committed unit, ratio to its size (0-0.95); default: catalog")
    start_cost_usd_per_mw: float | None = Field(default=None, ge=0, le=1_000, description="Cost of a start per MW of unit started (wear, without its fuel), USD/MW; default: catalog (Kumar et al. 2012 cold start)")
    start_fuel_mmbtu_per_mw: float | None = Field(default=None, ge=0, le=50, description="Fuel burnt by a start per MW of unit started, MMBtu/MW, priced at the option's fuel price; default: catalog")
    min_up_hours: float | None = Field(default=None, ge=0, le=168, description="A started unit stays on at least this long, hours; default: catalog")
    min_down_hours: float | None = Field(default=None, ge=0, le=168, description="A stopped unit stays off at least this long, hours; default: catalog")

    @model_validator(mode="after")
    def _commitment_figures_need_commitment(self) -> OptionLimits:
        given = [name for name in ("unit_mw", "min_stable_share", "start_cost_usd_per_mw", "start_fuel_mmbtu_per_mw", "min_up_hours", "min_down_hours")
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
        default_factory=catalog.default_technologies, max_length=MAX_ITEMS,
        description="Catalog technology ids the plan may build (see `gigawatt catalog technologies`); grid import is set under grid; "
                    "default: the catalog's default options (column default_option)",
    )
    limits: dict[str, OptionLimits] = Field(default_factory=dict, max_length=MAX_ITEMS, description="Per technology id: min_mw, max_mw and cost overrides")


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
    finance: Finance | None = Field(default=None, description="How the campus and its power are paid for over time: read by `gigawatt finance` (the pro forma), not by the plan")
    reliability: Reliability | None = Field(default=None, description="Forced outages of the plan's supply drawn over many years: read by `gigawatt reliability` (availability, loss of load, redundancy to a target), not by the plan")
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


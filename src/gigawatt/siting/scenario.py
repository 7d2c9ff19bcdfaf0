"""A siting programme (``gigawatt site``): candidates and fleet-wide constraints."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from gigawatt import catalog
from gigawatt.core.inputs import (
    MAX_CANDIDATES,
    MAX_ITEMS,
    MIN_BLOCK_MW,
    MONTH_PATTERN,
    Costs,
    Label,
    ProgrammeMonth,
    Solver,
    _floor,
    _Job,
    _Strict,
)
from gigawatt.security.scenario import Security, SecurityLevel, Tenancy

MAX_BLOCKS = 100_000  # campus blocks in a siting programme: more is a typo in block_mw
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
        default_factory=catalog.default_technologies, max_length=MAX_ITEMS,
        description="On-site technologies a candidate with on-site supply may build (catalog ids)",
    )
    available_from: dict[str, Annotated[ProgrammeMonth, Field(pattern=MONTH_PATTERN)]] = Field(
        default_factory=dict, max_length=MAX_ITEMS,
        description="First month each listed technology may be built, YYYY-MM, by catalog id (e.g. geothermal_egs: 2030-01), over the "
                    "catalog's available_from; a candidate's plan leaves out a technology dated after its start")
    reserve_margin: float | None = Field(default=None, ge=0, le=2, description="Each site's firm capacity above its peak, ratio")
    value_of_delay_usd_per_mw_month: float = Field(default=0.0, ge=0, le=1e8, description="Cost of a MW not yet online, per month after start, USD/MW-month")
    candidates: list[Candidate] = Field(min_length=1, max_length=MAX_CANDIDATES, description="Candidate sites")
    constraints: SitingConstraints = Field(default_factory=SitingConstraints, description="Fleet-wide requirements")
    costs: Costs = Field(default_factory=Costs, description="Prices and finance of the campuses (defaults from the catalog)")
    full_year: bool = Field(default=False, description="Screen every candidate on all 8,760 hours instead of typical periods")
    hourly_profiles: bool = Field(default=False, description="Plan each candidate on its region's bundled hourly solar and wind profile where the catalog has one (regions column profile) instead of the synthetic series")
    use_generation_queue_proxy: bool = Field(
        default=False, description="Where a candidate's region has a generation-interconnection queue duration (regions column generation_queue_months: "
        "known only for grids without a large-load wait of their own), take it as the candidate's connection wait instead of the large-load "
        "wait the region inherits; a proxy, off unless asked, and the run's messages name each candidate it changes")
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

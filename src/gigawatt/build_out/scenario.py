"""A build-out programme (``gigawatt buildout``)."""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from gigawatt.core.inputs import (
    MAX_DRAWS,
    MAX_ITEMS,
    MAX_POINTS,
    MONTH_PATTERN,
    Costs,
    Label,
    ProgrammeMonth,
    _floor,
    _Job,
    _Strict,
)
from gigawatt.core.units import month_start
from gigawatt.security.scenario import Security

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

    one_row: ClassVar[bool] = True  # describe_fields lists it as one value (a number or a distribution)

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


def draw(figure: Uncertain, rng: np.random.Generator | None, n: int) -> np.ndarray:
    """``n`` samples of an uncertain figure, or its median once when ``rng`` is None."""
    if rng is None or figure.dist == "fixed":
        return np.full(1 if rng is None else n, figure.median)
    if figure.dist == "uniform":
        return rng.uniform(figure.low, figure.high, n)
    if figure.dist == "triangular":
        if figure.low == figure.high:
            return np.full(n, figure.low)
        return rng.triangular(figure.low, figure.mode, figure.high, n)
    z90 = 1.2815515655446004  # standard normal 90th percentile
    mu, sigma = np.log(figure.p10 * figure.p90) / 2, np.log(figure.p90 / figure.p10) / (2 * z90)
    return rng.lognormal(mu, sigma, n)


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


MAX_REVENUE_USD_PER_YEAR = 1e15  # a programme's revenue, USD a year: UNCERTAIN_MAX (above world GDP, ~1.1e14 USD)
MAX_USD_PER_ACCELERATOR_HOUR = 1000.0  # rented H100s list at ~2-10 USD an hour; 1,000 is a unit slip (cents, or a rack)


class RevenuePoint(_Strict):
    """The revenue the programme's installed base earns in one calendar year, in nominal USD."""

    year: int = Field(ge=2000, le=2100, description="Calendar year")
    usd: float = Field(ge=0, le=MAX_REVENUE_USD_PER_YEAR, description="Revenue earned in the year, nominal USD/yr")


class Revenue(_Strict):
    """What the installed base earns: a yearly path the user gives (``usd_per_year`` points, linear between them,
    growing at ``growth_per_year`` after the last, all times ``scale``), or a price per accelerator-hour or per
    GW-year of the programme's new capacity. Give exactly one of the three."""

    usd_per_year: list[RevenuePoint] = Field(default_factory=list, max_length=MAX_POINTS, description="Revenue by calendar year, nominal USD/yr, earliest first; the first year at or before the scenario's start")
    growth_per_year: Uncertain = Field(default_factory=lambda: Uncertain(value=0), description="Growth of the path after its last point, per year (0.3 = +30%/yr; a number or a distribution)")
    scale: Uncertain = Field(default_factory=lambda: Uncertain(value=1), description="Multiplier on the whole path, ratio (a distribution spreads it over the draws; 1: the path as given)")
    usd_per_accelerator_hour: Uncertain | None = Field(default=None, description="Instead of a path: revenue per accelerator-hour sold, nominal USD/h")
    utilisation: Uncertain = Field(default_factory=lambda: Uncertain(value=1), description="Share of accelerator-hours sold, ratio (with usd_per_accelerator_hour; 1: every hour, an upper bound)")
    usd_per_gw_year: Uncertain | None = Field(default=None, description="Instead of a path: revenue per GW-year of new capacity online (at the meter), nominal USD/GW-yr")

    @model_validator(mode="after")
    def _one(self) -> Revenue:
        given = [name for name, on in (("usd_per_year", bool(self.usd_per_year)), ("usd_per_accelerator_hour", self.usd_per_accelerator_hour is not None),
                                       ("usd_per_gw_year", self.usd_per_gw_year is not None)) if on]
        if len(given) != 1:
            raise ValueError(f"give exactly one of usd_per_year, usd_per_accelerator_hour or usd_per_gw_year (got {', '.join(given) or 'none'})")
        years = [point.year for point in self.usd_per_year]
        for before, after in zip(years, years[1:]):
            if after <= before:
                raise ValueError(f"usd_per_year years out of order: {after} follows {before}; list each year once, earliest first")
        price = self.usd_per_accelerator_hour
        if price is not None and max(v for v in (price.value, price.high, price.p90) if v is not None) > MAX_USD_PER_ACCELERATOR_HOUR:
            raise ValueError(f"usd_per_accelerator_hour above {MAX_USD_PER_ACCELERATOR_HOUR:,.0f} USD/h (rented H100s list at a few USD an hour); "
                             "give USD per accelerator-hour, not cents or a rack's price")
        share = self.utilisation
        if max(v for v in (share.value, share.high, share.p90) if v is not None) > 1:
            raise ValueError("utilisation above 1: give the share of accelerator-hours sold, from 0 to 1")
        return self


class Finance(_Strict):
    """Whether the programme's revenue covers its cost of capital: capital spent each year, depreciated straight-line
    by vintage over its economic life, must earn the target return on what is not yet depreciated."""

    target_return_per_year: float | None = Field(default=None, ge=0, le=0.5, description="Return the capital must earn, nominal, per year; default: costs.discount_rate, else catalog discount_rate")
    accelerator_life_years: Uncertain | None = Field(default=None, description="Economic life of accelerators, servers and network (IT capital), years (a number or a distribution, e.g. 3 to 6); default: costs.it_lifetime_years, else catalog it_lifetime_years")
    compare_accelerator_lives_years: tuple[float, float] | None = Field(default=None, description="Two accelerator lives compared side by side, years (short, long); default: catalog accelerator_life_short_years and accelerator_life_long_years (3 and 6)")
    facility_life_years: float | None = Field(default=None, ge=1, le=60, description="Economic life of building, cooling and electrical plant, years; default: costs.facility_lifetime_years, else catalog facility_lifetime_years")
    power_life_years: float | None = Field(default=None, ge=1, le=60, description="Economic life of the power supply bought with power_capex_usd_per_kw, years; default: the facility life")
    revenue: Revenue = Field(description="The revenue the programme's installed base earns")

    @field_validator("accelerator_life_years")
    @classmethod
    def _life(cls, life: Uncertain | None) -> Uncertain | None:
        if life is not None and min(v for v in (life.value, life.low, life.p10) if v is not None) < 1:
            raise ValueError("below 1 year: an economic life of zero or months is a slip; give years, at least 1")
        if life is not None and max(v for v in (life.value, life.high, life.p90) if v is not None) > 30:
            raise ValueError("above 30 years; give the years an accelerator stays economic (accounting lives are 5-6)")
        return life

    @model_validator(mode="after")
    def _lives(self) -> Finance:
        if self.compare_accelerator_lives_years is not None:
            short, long = self.compare_accelerator_lives_years
            if not 1 <= short <= long <= 30:
                raise ValueError(f"compare_accelerator_lives_years ({short:g}, {long:g}) must be two lives from 1 to 30 years, the shorter first")
        return self


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
    finance: Finance | None = Field(default=None, description="The revenue the installed base earns against the capital charge it must cover (probability by year, over draws)")
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
        path = self.finance.revenue.usd_per_year if self.finance else []
        if path and path[0].year > start.year:
            raise ValueError(f"finance.revenue.usd_per_year starts in {path[0].year}, after the start {self.start}; "
                             f"give a point for {start.year} or earlier")
        g = self.programme.growth
        if g is not None and g.max_gw is None:  # the path at the end, in logs (a steep one overflows a float)
            years = max((end.year - month_start(g.start).year) + (end.month - month_start(g.start).month) / 12, 0.0)
            if math.log10(g.online_gw) + years / g.every_years * math.log10(g.multiple) > math.log10(MAX_TARGET_GW):
                raise ValueError(f"programme.growth: {g.multiple:g}x every {g.every_years:g} years from {g.online_gw:g} GW passes "
                                 f"{MAX_TARGET_GW:,.0f} GW by {self.end} (~300 times the world's electricity demand); "
                                 "give programme.growth.max_gw, or a slower path")
        return self


# --- fleet siting (`gigawatt site`) -----------------------------------------------------------------


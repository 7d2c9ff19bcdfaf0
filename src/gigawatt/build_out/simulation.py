"""The machine that builds the machine: a programme's capacity over time under supply-chain and capital limits.

Weekly steps. Capacity, in GW at the meter, flows like a fluid through the stages of a campus:

1. **site and permits** (``programme.permits_months``): permitting is anticipatory, so it only delays the
   first construction starts;
2. **power secured and construction** (``programme.construction_months``): a start needs its power
   (transformers and a supply route, each ordered with its lead time) delivered by the time the building
   is finished, room under the concurrent-construction limit, and the capital for the whole campus:
   building, power and the accelerators of the generation expected at completion (committed when
   construction starts, as when a project's financing closes);
3. **chips delivered and energised**: a finished building comes online when accelerators are in stock
   (newest generation first) and the factory can commission it this week.

Every constraint bounds a cumulative quantity (starts, capacity online) by a non-decreasing function of
time and of earlier starts, so tightening any one limit never brings capacity online sooner. With
capital the property holds while later generations cost no less per GW than earlier ones, as in the
catalog roadmap; a cheaper later generation can let a delayed programme afford more.

Each step records which limit held capacity back: the one that cut energisation this week, or, when the
buildings were not finished, the one that cut their construction starts back then (bottleneck
attribution). Monte Carlo draws of uncertain rates advance together: every state is an array over
draws, and the only Python loop is over weeks.

Units: GW at the meter, USD in the catalog's dollar years, TWh per year, weeks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.build_out import national
from gigawatt.compute.sizing import size
from gigawatt.core.errors import GigawattError, ScenarioError
from gigawatt.core.inputs import MAX_DRAWS
from gigawatt.build_out import finance
from gigawatt.build_out.scenario import MAX_TARGET_GW, BuildoutScenario, Generation, Rate, Uncertain, draw
from gigawatt.power.scenario import Scenario
from gigawatt.core.units import HOURS_PER_YEAR, MONTHS_PER_YEAR, MW_PER_GW, month_start, shorten

DAYS_PER_WEEK = 7
WEEKS_PER_YEAR = 365.2425 / DAYS_PER_WEEK
WEEKS_PER_QUARTER = WEEKS_PER_YEAR / 4
WEEKS_PER_MONTH = WEEKS_PER_YEAR / MONTHS_PER_YEAR
MWH_PER_TWH = 1e6
CHUNK_DRAWS = 2500  # draws simulated at once: bounds memory, drives the progress callback

# what held capacity back, in the order the simulation tests them
LIMITS = (
    "on plan", "lead time", "construction labour", "transformers", "power supply", "capital",
    "factory throughput", "accelerators",
)
ON_PLAN, LEAD_TIME, LABOUR, TRANSFORMERS, POWER, CAPITAL, FACTORY, CHIPS = range(len(LIMITS))


# --- inputs as arrays -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationFigures:
    """Per catalog unit of one accelerator generation: power, compute and cost (from :func:`compute.size`)."""

    name: str
    available: date | None  # None: the installed base at the start, never delivered again
    facility_mw: float
    average_mw: float
    accelerators: float
    h100_equivalents: float
    peak_flop_per_s: float
    it_capex_usd: float
    facility_capex_usd: float
    annual_cost_usd: float  # capital recovered at the required return, plus energy and O&M, per year
    supply: Rate | None = None


def generation_figures(scenario: BuildoutScenario, accelerator: str, available: date | None,
                       price_usd: float | None = None, supply: Rate | None = None, where: str = "roadmap") -> GenerationFigures:
    """Size one catalog unit of ``accelerator`` with the scenario's costs (USD, MW per unit)."""
    costs = scenario.costs.model_copy(update={"accelerator_price_usd": price_usd}) if price_usd else scenario.costs
    try:
        unit = size(Scenario(name=accelerator, cluster={"accelerator": accelerator, "count": 1}, costs=costs))
    except GigawattError as exc:  # name the programme's field, not the one-unit sizing's
        message, named = str(exc), False
        for sizing, field in (("costs.accelerator_price_usd", f"{where}.accelerator_price_usd"), ("cluster.accelerator", f"{where}.accelerator")):
            named = named or sizing in message
            message = message.replace(sizing, field)
        raise ScenarioError(message if named else f"{where}: {message}") from None
    it_capex = sum(unit.capex_breakdown_usd[k] for k in ("accelerators_usd", "servers_usd", "network_and_storage_usd"))
    return GenerationFigures(
        name=unit.accelerator, available=available, facility_mw=unit.facility_power_mw, average_mw=unit.average_power_mw,
        accelerators=float(unit.accelerator_count), h100_equivalents=unit.h100_equivalents,
        peak_flop_per_s=unit.peak_flop_per_s, it_capex_usd=it_capex, facility_capex_usd=unit.capex_usd - it_capex,
        annual_cost_usd=unit.total_cost_usd_per_year, supply=supply,
    )


def generations(scenario: BuildoutScenario) -> tuple[list[GenerationFigures], GenerationFigures]:
    """The roadmap's generations in order of availability, and the installed base's: each accelerator resolved
    in the catalog and sized (an unknown or unpriced one is a :class:`ScenarioError` naming its entry)."""
    roadmap = sorted(scenario.roadmap or default_roadmap(), key=lambda g: g.available)
    gens = [
        generation_figures(scenario, g.accelerator, month_start(g.available), g.accelerator_price_usd, g.units_per_quarter, f"roadmap[{g.accelerator}]")
        for g in roadmap
    ]
    return gens, generation_figures(scenario, scenario.initial.accelerator, None, where="initial")


def check_references(scenario: BuildoutScenario) -> None:
    """Resolve the catalog names a programme gives (its country and every accelerator), as ``gigawatt validate``
    does: a wrong one is a :class:`ScenarioError` naming its field."""
    if scenario.country:
        national.country_code(scenario.country)
    generations(scenario)


def default_roadmap() -> list[Generation]:
    """The catalog roadmap (``gigawatt catalog roadmap``): each generation from its first volume month, unlimited."""
    return [Generation(accelerator=row["accelerator"], available=row["available"]) for _, row in catalog.roadmap().iterrows()]


def weeks(scenario: BuildoutScenario) -> pd.DatetimeIndex:
    """The simulated weeks: from the first day of ``start`` to the last day of ``end``."""
    last = month_start(scenario.end)
    last = (date(last.year + 1, 1, 1) if last.month == 12 else date(last.year, last.month + 1, 1)) - timedelta(days=1)
    return pd.date_range(month_start(scenario.start), last, freq=f"{DAYS_PER_WEEK}D")


def _week_index(day: date | str, start: date) -> float:
    day = month_start(day) if isinstance(day, str) else day
    return (day - start).days / DAYS_PER_WEEK


def _target_gw(scenario: BuildoutScenario, dates: pd.DatetimeIndex, gens: list[GenerationFigures]) -> np.ndarray:
    """The programme's capacity online by week, GW at the meter (accelerator targets converted by generation)."""
    programme, start = scenario.programme, month_start(scenario.start)
    t = np.array([(d.date() - start).days / DAYS_PER_WEEK for d in dates])
    if programme.growth is not None:
        g = programme.growth
        years = np.maximum(t - _week_index(g.start, start), 0.0) / WEEKS_PER_YEAR
        # in logs, capped before exp: a steep path over a long horizon would overflow a float (the scenario
        # refuses an uncapped one that passes its largest target, so the cap binds only with max_gw)
        logs = np.log(g.online_gw) + years / g.every_years * np.log(g.multiple)
        return np.exp(np.minimum(logs, np.log(g.max_gw or MAX_TARGET_GW)))
    points_t, points_gw = [0.0], [scenario.initial.online_gw]
    for point in programme.target:
        gw = point.online_gw
        if gw is None:
            gen = _newest(gens, month_start(point.date))
            gw = point.accelerators / gen.accelerators * gen.facility_mw / MW_PER_GW
        points_t.append(_week_index(point.date, start))
        points_gw.append(gw)
    if points_t[1] <= 0:  # the first point is at or before the start: no ramp from the installed base
        points_t, points_gw = points_t[1:], points_gw[1:]
    return np.interp(t, points_t, points_gw)


def _newest(gens: list[GenerationFigures], day: date) -> GenerationFigures:
    """The newest generation shipping by ``day`` (the first one if none ships yet)."""
    shipping = [g for g in gens if g.available is not None and g.available <= day]
    return shipping[-1] if shipping else next(g for g in gens if g.available is not None)


@dataclass
class _RateArrays:
    """A rate as (draws,) samples times a (weeks,) growth profile, with its cumulative sum."""

    sample: np.ndarray  # (draws,) the rate at its start, per week
    profile: np.ndarray  # (weeks_ext,) growth factor, zero before the rate starts
    secured: np.ndarray | float = 0.0  # (draws,) amount in hand from the start
    cumulative: np.ndarray = field(init=False)  # (weeks_ext,) sum of the profile up to and including each week

    def __post_init__(self) -> None:
        self.cumulative = np.cumsum(self.profile)

    def at(self, t: int, rows: slice) -> np.ndarray:
        return self.sample[rows] * self.profile[t]

    def cum_at(self, index: np.ndarray, rows: slice) -> np.ndarray:
        """Cumulative amount delivered by each draw's week ``index`` (0 before the first week)."""
        secured = self.secured[rows] if isinstance(self.secured, np.ndarray) else self.secured
        delivered = self.sample[rows] * self.cumulative[np.clip(index, 0, len(self.cumulative) - 1)]
        return secured + np.where(index >= 0, delivered, 0.0)


def _rate(rate: Rate, per_weeks: float, start: date, first_week: float, n_weeks: int, rng, n: int,
          secured: Uncertain | None = None) -> _RateArrays:
    """A :class:`Rate` given per ``per_weeks`` weeks as weekly arrays, starting no earlier than ``first_week``,
    with ``secured`` in hand from the start."""
    begin = max(first_week, _week_index(rate.start, start) if rate.start else 0.0)
    t = np.arange(n_weeks, dtype=float)
    grown = np.clip(t, begin, _week_index(rate.growth_until, start) if rate.growth_until else np.inf) - begin
    profile = np.where(t >= begin, (1.0 + rate.growth_per_year) ** (np.maximum(grown, 0.0) / WEEKS_PER_YEAR), 0.0)
    sample = draw(rate.value, rng, n) / per_weeks
    return _RateArrays(sample, profile, np.broadcast_to(draw(secured, rng, n), sample.shape) if secured else 0.0)


@dataclass
class _Inputs:
    """Everything the weekly loop reads, as arrays over draws (and weeks)."""

    n: int
    weeks: int
    target_new_gw: np.ndarray  # (weeks_ext,) capacity to add beyond the installed base
    permit_weeks: np.ndarray  # (n,) int
    construction_weeks: np.ndarray  # (n,) int, at least 1
    factory: _RateArrays | None
    labour: _RateArrays | None
    capital: _RateArrays | None
    transformers: tuple[_RateArrays, np.ndarray] | None  # rate and (n,) lead weeks
    supply: list[tuple[_RateArrays, np.ndarray]]
    chips: list[_RateArrays | None]  # per roadmap generation; None: unlimited
    available_week: np.ndarray  # (G,) first week each roadmap generation ships
    newest_at: np.ndarray  # (weeks_ext,) index of the newest generation shipping by each week
    initial_units: np.ndarray  # (G + 1,) the installed base sits in the last column
    gens: list[GenerationFigures]


def _months_to_weeks(samples: np.ndarray, minimum: int = 0) -> np.ndarray:
    return np.maximum(np.rint(samples * WEEKS_PER_MONTH).astype(int), minimum)


def prepare(scenario: BuildoutScenario, draws: int = 0, seed: int = 0) -> tuple[_Inputs, pd.DatetimeIndex]:
    """Turn a scenario into arrays: ``draws`` samples of every uncertain figure (0: the medians once)."""
    start = month_start(scenario.start)
    dates = weeks(scenario)
    rng = np.random.default_rng(seed) if draws else None
    n = max(draws, 1)

    gens, base = generations(scenario)
    construction = scenario.programme.construction_months or Uncertain(value=catalog.assumption("buildout_construction_months"))
    construction_weeks = _months_to_weeks(draw(construction, rng, n), minimum=1)
    permit_weeks = _months_to_weeks(draw(scenario.programme.permits_months, rng, n))
    lookahead = int(construction_weeks.max()) + 1
    n_ext = len(dates) + lookahead
    dates_ext = pd.date_range(dates[0], periods=n_ext, freq=f"{DAYS_PER_WEEK}D")

    target_new = np.maximum(_target_gw(scenario, dates_ext, gens) - scenario.initial.online_gw, 0.0)
    target_new = np.maximum.accumulate(target_new)  # capacity once online stays online

    limits = scenario.limits
    rate = lambda r, per: _rate(r, per, start, 0.0, n_ext, rng, n) if r else None  # noqa: E731
    route = lambda s: (  # noqa: E731
        _rate(s.gw_per_year, WEEKS_PER_YEAR, start, 0.0, n_ext, rng, n, s.secured_gw), _months_to_weeks(draw(s.lead_months, rng, n))
    )

    available_week = np.array([_week_index(g.available, start) for g in gens])
    chips = [
        _rate(g.supply, WEEKS_PER_QUARTER, start, max(available_week[i], 0.0), n_ext, rng, n) if g.supply else None
        for i, g in enumerate(gens)
    ]
    newest_at = np.array([max(int(np.searchsorted(available_week, t, side="right")) - 1, 0) for t in range(n_ext)])
    initial_units = np.zeros(len(gens) + 1)
    initial_units[-1] = scenario.initial.online_gw * MW_PER_GW / base.facility_mw
    inputs = _Inputs(
        n=n, weeks=len(dates), target_new_gw=target_new, permit_weeks=permit_weeks, construction_weeks=construction_weeks,
        factory=rate(limits.factory_gw_per_week, 1.0), labour=rate(limits.construction_gw, 1.0),
        capital=rate(limits.capital_usd_per_year, WEEKS_PER_YEAR),
        transformers=route(limits.transformers) if limits.transformers else None,
        supply=[route(s) for s in limits.power], chips=chips, available_week=available_week, newest_at=newest_at,
        initial_units=initial_units, gens=[*gens, base],
    )
    return inputs, dates


# --- the weekly loop --------------------------------------------------------------------------------


def _simulate(x: _Inputs, rows: slice, power_capex_usd_per_mw: float) -> dict[str, np.ndarray]:
    """Run the draws in ``rows`` through every week; return per-week arrays (draws, weeks)."""
    n = len(range(*rows.indices(x.n)))
    T, G = x.weeks, len(x.gens) - 1
    C, P = x.construction_weeks[rows], x.permit_weeks[rows]
    row = np.arange(n)
    unit = lambda attr: np.array([getattr(g, attr) for g in x.gens])  # noqa: E731
    mw_unit, it_capex_unit = unit("facility_mw"), unit("it_capex_usd")
    campus_capex_gw = ((unit("facility_capex_usd") + it_capex_unit) / mw_unit + power_capex_usd_per_mw) * MW_PER_GW
    newest_first = np.argsort(-x.available_week, kind="stable")
    inf = np.full(n, np.inf)

    started = np.zeros((n, T))  # cumulative construction starts, GW
    start_limit = np.zeros((n, T), dtype=np.int8)
    installed = np.tile(x.initial_units, (n, 1))  # units by generation, installed base last
    online = np.zeros(n)  # new GW online
    spent = np.zeros(n)
    spent_it = np.zeros(n)  # of which accelerators, servers and network
    it_capex_gw = it_capex_unit / mw_unit * MW_PER_GW
    out = {k: np.zeros((n, T)) for k in ("online_new_gw", "under_construction_gw", "built_gw", "capex_cumulative_usd", "capex_it_cumulative_usd")}
    out["binding"] = np.zeros((n, T), dtype=np.int8)
    out["units"] = np.zeros((n, T, G + 1))
    for t in range(T):
        # energise what was built, with the chips in stock and the factory's throughput
        done_week = t - C
        built = np.where(done_week >= 0, started[row, np.maximum(done_week, 0)], 0.0)
        shipping = x.available_week <= t
        stock = np.empty((n, G))
        for g in range(G):
            if x.chips[g] is None:
                stock[:, g] = np.inf if shipping[g] else 0.0
            else:
                stock[:, g] = x.chips[g].cum_at(np.full(n, t), rows) - installed[:, g]
        room = np.stack([
            x.target_new_gw[t] - online,
            built - online,
            x.factory.at(t, rows) if x.factory else inf,
            (np.where(stock > 0, stock, 0.0) * mw_unit[:G]).sum(axis=1) / MW_PER_GW,
        ])
        add_gw = np.maximum(room.min(axis=0), 0.0)
        why = room.argmin(axis=0)
        need_mw = add_gw * MW_PER_GW
        take = np.zeros((n, G + 1))
        for g in newest_first:
            units = np.minimum(stock[:, g], need_mw / mw_unit[g]) if shipping[g] else np.zeros(n)
            take[:, g] = units
            need_mw = np.maximum(need_mw - units * mw_unit[g], 0.0)
        binding = np.select(
            [why == 0, why == 1, why == 2],
            [ON_PLAN, np.where(done_week >= 0, start_limit[row, np.maximum(done_week, 0)], LEAD_TIME), FACTORY],
            CHIPS,
        )
        online += add_gw
        installed += take

        # start construction of what is permitted, with power secured for its completion
        previous = started[:, t - 1] if t else np.zeros(n)
        finished = built
        complete_at = np.minimum(t + C, len(x.target_new_gw) - 1)
        ready = np.where(t >= P, x.target_new_gw[complete_at], 0.0)
        gen = x.newest_at[complete_at]
        capital_left = x.capital.cum_at(np.full(n, t), rows) - spent if x.capital else inf
        power = [inf, inf]
        if x.transformers:
            power[0] = x.transformers[0].cum_at(t + C - x.transformers[1][rows], rows)
        if x.supply:
            power[1] = sum(r.cum_at(t + C - lead[rows], rows) for r, lead in x.supply)
        room = np.stack([
            ready - previous,
            x.labour.at(t, rows) - (previous - finished) if x.labour else inf,
            power[0] - previous,
            power[1] - previous,
            capital_left / campus_capex_gw[gen],
        ])
        starts = np.maximum(room.min(axis=0), 0.0)
        started[:, t] = previous + starts
        start_limit[:, t] = np.array([LEAD_TIME, LABOUR, TRANSFORMERS, POWER, CAPITAL], dtype=np.int8)[room.argmin(axis=0)]
        spent += starts * campus_capex_gw[gen]
        spent_it += starts * it_capex_gw[gen]

        out["online_new_gw"][:, t] = online
        out["under_construction_gw"][:, t] = started[:, t] - finished
        out["built_gw"][:, t] = finished - online
        out["capex_cumulative_usd"][:, t] = spent
        out["capex_it_cumulative_usd"][:, t] = spent_it
        out["binding"][:, t] = binding
        out["units"][:, t] = installed
    return out


# --- results ----------------------------------------------------------------------------------------


@dataclass
class Buildout:
    """A simulated programme. ``periods`` has one row a week (the median-input run, plus P10/P50/P90 of
    ``online_gw`` over the draws); ``national`` the programme's share of a country's generation by year."""

    scenario: str
    periods: pd.DataFrame
    generations: pd.DataFrame
    binding_weeks: dict[str, int]
    binding_by_year: pd.DataFrame  # share of weeks (over every draw, with draws) each limit held capacity back
    national: pd.DataFrame | None
    country: str | None
    check: dict[str, Any] | None
    draws: int
    seed: int
    assumptions: dict[str, Any]
    security: dict[str, Any] | None = None  # with scenario.security: the level, when reached, the first week capacity is usable
    finance: dict[str, Any] | None = None  # with scenario.finance: coverage of the capital charge by revenue (see build_out.finance)
    finance_years: pd.DataFrame | None = None  # with scenario.finance: its yearly table (nominal USD, GW, probabilities)

    def to_frame(self) -> pd.DataFrame:
        """The weekly table."""
        return self.periods.copy()

    def yearly(self) -> pd.DataFrame:
        """The last week of each calendar year (and of the run)."""
        frame = self.periods
        years = pd.to_datetime(frame["date"]).dt.year
        return frame[years.ne(years.shift(-1))]

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Named tables: ``periods`` (weekly), ``generations``, ``binding_by_year``, ``national`` where a country is set and
        ``finance`` (yearly: capital, depreciation, required revenue, revenue, coverage probability) with a finance section."""
        frames = {"periods": self.periods, "generations": self.generations,
                  "binding_by_year": self.binding_by_year.rename_axis("year").reset_index()}
        if self.national is not None:
            frames["national"] = self.national
        if self.finance_years is not None:
            frames["finance"] = self.finance_years
        return frames

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form (``gigawatt buildout --json``)."""
        national = None
        if self.national is not None:
            national = {"country": self.country, "years": self.national.to_dict(orient="records"),
                        "share_of_generation": dict(zip(self.national["year"].astype(str), self.national["share_of_generation"]))}
        return {
            "scenario": self.scenario,
            "draws": self.draws,
            "seed": self.seed,
            "periods": self.periods.to_dict(orient="records"),
            "generations": self.generations.to_dict(orient="records"),
            "binding_weeks": self.binding_weeks,
            "binding_by_year": {str(year): {k: v for k, v in row.items() if v > 0} for year, row in self.binding_by_year.iterrows()},
            "national": national,
            "check": self.check,
            "assumptions": self.assumptions,
            "security": self.security,
            "finance": self.finance,
        }


def _tables(x: _Inputs, out: dict[str, np.ndarray], dates: pd.DatetimeIndex, scenario: BuildoutScenario) -> pd.DataFrame:
    """The per-week table of one run (draw 0 of ``out``)."""
    gens = x.gens
    units = out["units"][0]  # (weeks, G + 1)
    per = lambda attr: units @ np.array([getattr(g, attr) for g in gens])  # noqa: E731
    online_gw = scenario.initial.online_gw + out["online_new_gw"][0]
    load_factor = per("average_mw") / np.maximum(per("facility_mw"), 1e-12) if scenario.load_factor is None else np.full(len(dates), scenario.load_factor)
    frame = pd.DataFrame({
        "date": dates.strftime("%Y-%m-%d"),
        "target_gw": scenario.initial.online_gw + x.target_new_gw[: len(dates)],
        "online_gw": online_gw,
        "under_construction_gw": out["under_construction_gw"][0],
        "built_awaiting_gw": out["built_gw"][0],
        "accelerators": per("accelerators"),
        "h100_equivalents": per("h100_equivalents"),
        "flop_per_s": per("peak_flop_per_s"),
        "load_factor": load_factor,
        "energy_twh_per_year": online_gw * load_factor * HOURS_PER_YEAR / MW_PER_GW,
        "capex_usd": np.diff(out["capex_cumulative_usd"][0], prepend=0.0),
        "capex_cumulative_usd": out["capex_cumulative_usd"][0],
        "capex_online_usd": per("it_capex_usd") + per("facility_capex_usd") + online_gw * scenario.power_capex_usd_per_kw * 1e6,
        "revenue_needed_usd_per_year": per("annual_cost_usd"),
        "binding_limit": [LIMITS[i] for i in out["binding"][0]],
    })
    for i, g in enumerate(gens):
        label = g.name if g.available is not None else f"{g.name} (installed base)"
        frame[f"accelerators:{label}"] = units[:, i] * g.accelerators
    return frame


def simulate(scenario: BuildoutScenario, draws: int | None = None, seed: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> Buildout:
    """Simulate the programme week by week: the median-input run, and ``draws`` Monte Carlo draws.

    ``draws`` and ``seed`` default to the scenario's. ``progress(done, total)`` is called after each
    chunk of draws. Raises :class:`ScenarioError` for inputs the catalog cannot resolve.
    """
    draws = scenario.draws if draws is None else _whole("draws", draws, MAX_DRAWS, "(0: the median inputs only)")
    seed = scenario.seed if seed is None else _whole("seed", seed, None, "(same seed, same draws)")
    if scenario.country:
        national.country_code(scenario.country)  # an unknown country fails before the run, not after
    power_capex = scenario.power_capex_usd_per_kw * 1000.0
    nominal, dates = prepare(scenario)
    nominal_out = _simulate(nominal, slice(0, 1), power_capex)
    periods = _tables(nominal, nominal_out, dates, scenario)
    check = None
    years = pd.to_datetime(periods["date"]).dt.year
    year_of_week = years.to_numpy()
    chips_per_unit = np.array([g.accelerators for g in nominal.gens[:-1]])
    power_capex_gw = power_capex * MW_PER_GW
    capital = finance.yearly(nominal_out, year_of_week, chips_per_unit, power_capex_gw) if scenario.finance else None
    capital_draws = None
    binding_weeks = np.stack([(periods["binding_limit"] == name).to_numpy() for name in LIMITS]).astype(float)
    if draws:
        x, _ = prepare(scenario, draws, seed)
        online = np.empty((draws, len(dates)), dtype=np.float32)
        binding_weeks[:] = 0.0
        capital_draws = finance.YearlyCapital.empty(np.unique(year_of_week), draws) if scenario.finance else None
        for first in range(0, draws, CHUNK_DRAWS):
            rows = slice(first, min(first + CHUNK_DRAWS, draws))
            out = _simulate(x, rows, power_capex)
            if capital_draws is not None:
                capital_draws.put(rows, finance.yearly(out, year_of_week, chips_per_unit, power_capex_gw))
            online[rows] = out["online_new_gw"] + scenario.initial.online_gw
            binding_weeks += np.stack([(out["binding"] == code).sum(axis=0) for code in range(len(LIMITS))])
            if progress:
                progress(rows.stop, draws)
        for q in (10, 50, 90):
            periods[f"p{q}_online_gw"] = np.percentile(online, q, axis=0)
        if scenario.check:
            check = _check(scenario, online, dates)
    elif scenario.check:
        check = _check(scenario, periods["online_gw"].to_numpy()[None, :], dates)
    codes = periods["binding_limit"].value_counts()
    gens = pd.DataFrame([
        {"accelerator": g.name, "available": g.available.isoformat() if g.available else "installed base",
         "facility_kw_per_unit": g.facility_mw * 1000, "accelerators_per_unit": g.accelerators,
         "h100_equivalents_per_unit": g.h100_equivalents, "kw_per_h100_equivalent": g.facility_mw * 1000 / g.h100_equivalents,
         "it_capex_usd_per_unit": g.it_capex_usd, "facility_capex_usd_per_unit": g.facility_capex_usd,
         "supply": "unlimited" if g.supply is None and g.available else ("installed" if not g.available else "limited")}
        for g in nominal.gens
    ])
    by_year = pd.DataFrame(binding_weeks.T, columns=list(LIMITS)).groupby(years.to_numpy()).sum()
    by_year = by_year.div(by_year.sum(axis=1), axis=0)
    view = None
    if scenario.country:
        demand = periods.groupby(years)["energy_twh_per_year"].mean()
        view = national.share_of_generation(demand, scenario.country).reset_index(drop=True)
    money = finance.evaluate(scenario, capital, capital_draws, seed) if capital is not None else None
    result = Buildout(
        scenario=scenario.name, periods=periods, generations=gens,
        binding_weeks={name: int(codes.get(name, 0)) for name in LIMITS}, binding_by_year=by_year, national=view,
        country=scenario.country, check=check, draws=draws, seed=seed,
        finance=money[0] if money else None, finance_years=money[1] if money else None,
        assumptions={
            "construction_weeks": int(nominal.construction_weeks[0]), "permit_weeks": int(nominal.permit_weeks[0]),
            "required_return_per_year": scenario.costs.discount_rate if scenario.costs.discount_rate is not None else catalog.assumption("discount_rate"),
            "energy": "online GW x 8,760 h x load factor (average over peak draw of the installed generations)"
            if scenario.load_factor is None else f"online GW x 8,760 h x {scenario.load_factor:g} (scenario load_factor)",
        },
    )
    return _secured(result, scenario)


def _whole(name: str, value: object, most: int | None, meaning: str) -> int:
    """``value`` as a whole number from 0 to ``most``, else a :class:`ScenarioError` naming the scenario field ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ScenarioError(f"{name}: {shorten(value)} is not a whole number; give 0 or more {meaning}")
    if value < 0 or (most is not None and value > most):
        span = f"0 to {most:,}" if most is not None else "0 or more"
        raise ScenarioError(f"{name}: {value:,} is outside {span}; give a whole number in that range {meaning}")
    return int(value)


def _check(scenario: BuildoutScenario, online: np.ndarray, dates: pd.DatetimeIndex) -> dict[str, Any]:
    """The probability over draws of reaching ``check.online_gw`` by ``check.by``, and when each percentile gets there."""
    assert scenario.check is not None
    target, by = scenario.check.online_gw, pd.Timestamp(month_start(scenario.check.by))
    week = min(int(dates.searchsorted(by)), len(dates) - 1)  # the first weekly state on or after the date
    reached = online[:, week] >= target * (1 - 1e-9)
    best = float(online[:, week].max())
    result = {
        "online_gw": target, "by": scenario.check.by, "probability": float(reached.mean()),
        "best_online_gw_by_then": best,
    }
    if not reached.any():
        result["statement"] = (
            f"no draw reaches {target:g} GW by {scenario.check.by}; the best reaches {best:.2f} GW"
        )
    first = np.where((online >= target * (1 - 1e-9)).any(axis=1), (online >= target * (1 - 1e-9)).argmax(axis=1), -1)
    when = [dates[i].strftime("%Y-%m-%d") if i >= 0 else None for i in first]
    result["reached_date_median"] = _median_date(when)
    return result


def _median_date(dates: list[str | None]) -> str | None:
    """The median of dates where ``None`` (never reached in the run) sorts last; None if most never do."""
    ordered = sorted(dates, key=lambda d: (d is None, d or ""))
    return ordered[(len(ordered) - 1) // 2]


def _secured(result: Buildout, scenario: BuildoutScenario) -> Buildout:
    """With scenario.security: capacity holds frontier weights only once the level is reached, so the weekly
    table gains ``secure_online_gw`` (0 before then) and the result the level's dates."""
    if scenario.security is None:
        return result
    from gigawatt.security import checks as security

    level = scenario.security.level
    when = security.reached(level, scenario.security, scenario.start)
    secured = np.where(result.periods["date"].str[:7] >= when, result.periods["online_gw"], 0.0)
    result.periods["secure_online_gw"] = secured
    online = result.periods["date"][result.periods["online_gw"] > 0]
    usable = result.periods["date"][secured > 0]
    result.security = {"level": level, "reached": when, "months_to_reach": security.months_to_reach(level, scenario.security),
                       "first_online": online.iloc[0] if len(online) else None, "first_usable": usable.iloc[0] if len(usable) else None,
                       "secure_online_gw_at_end": float(secured[-1]) if len(secured) else 0.0}
    return result

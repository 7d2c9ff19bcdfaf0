"""Where the next gigawatts go: screen candidate sites with the site planner, then place campus blocks.

1. **Screening.** Every candidate gets a power plan for one campus block from :func:`plan_power`, the
   same optimiser as a single site (typical-period mode by default, the full year on request), so its
   cost, CO2 and date online are not a formula beside it. A candidate's region fills the figures the
   candidate does not give (``gigawatt catalog regions``); plans of identical inputs are solved once.
2. **Allocation.** A mixed-integer model on HiGHS (``scipy.optimize.milp``) chooses how many blocks each
   candidate takes, to place the programme at the least annual cost of power plus the value of delay
   (USD per MW-month from the programme's start to the site's online date, annualised over the
   facility's life), under the fleet constraints: jurisdictions, online-by date, CO2 cap or carbon-free
   share, most of the programme in one region, fewest sites, per-region limits.
3. **What each constraint costs:** the allocation is solved again without it; the difference in annual
   cost and the MW it moves between regions are reported.

Units: MW at the meter, USD per year (catalog dollar years), tCO2 per year, gCO2/kWh.
"""

from __future__ import annotations

import contextlib
import difflib
import multiprocessing
import os
import sys
import time
from collections.abc import Collection
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, milp

from gigawatt import catalog
from gigawatt.core import plausibility as plausibility
from gigawatt.core.errors import DataError, InfeasibleError, ScenarioError
from gigawatt.core.finance import capital_recovery_factor
from gigawatt.core.progress import Stage, tell
from gigawatt.siting.scenario import Candidate, SitingProgramme
from gigawatt.power.scenario import Scenario
from gigawatt.core.inputs import parse_scenario
from gigawatt.core.units import add_months, month_start, months_between, name_key, shorten

DEFAULT_SEGMENTS = 365  # typical-period screening: chronological segments of the year (see power.aggregate)
# Screening in worker processes pays only where the plans outlast the workers' start: a spawned worker imports the
# model and HiGHS before its first plan. Measured on a 2-core machine (screen(), the site examples), before zones
# were kept (weather.timezones), when each worker also built the time-zone index: a worker's start 2.6 s wall,
# 2.4 s CPU (queue-proxy.yaml, 2 plans: 0.3 s here, 5.1 s CPU and 2.6 s wall on 2 workers); a typical-period plan
# 0.15-0.5 s (clean-5gw 8 plans 1.8 s, us-10gw-2029 12 plans 4.5 s, allied-10gw 16 plans 7.8 s here; on 2 workers
# 8.2, 9.8 and 14.2 s CPU, 4.2, 5.0 and 7.4 s wall). Workers now start sooner: these figures err towards in-process.
WORKER_START_S = 2.6
SCREENING_PLAN_S = 0.5  # the slowest of those typical-period plans; a full-year plan takes many times longer
GAS_TECHNOLOGIES = ("gas_cc", "gas_ct_aero", "gas_recip")
# a candidate's weather figure -> the site field of its plan it fills; a weather-driven technology of the catalog
# uses the figure whose site field is its calibration_field (catalog.variable_technologies)
WEATHER_FIGURES = {"solar_yield_kwh_per_kwp": "solar_yield_kwh_per_kwp", "wind_cf": "wind_mean_cf"}
FIGURES = ("latitude", "longitude", "country", "jurisdiction", "price_usd_per_mwh", "co2_g_per_kwh", "grid_carbon_free_share", "gas_price_usd_per_mmbtu",
           "connection_wait_months", "solar_yield_kwh_per_kwp", "wind_cf")
CATALOG_COLUMNS = {"solar_yield_kwh_per_kwp": "pv_yield_kwh_per_kwp"}  # candidate field → regions.csv column
# each fleet constraint, by the name reported in constraint_costs
CONSTRAINTS = ("jurisdictions", "online_by", "security_level", "co2_cap", "carbon_free_share", "max_region_share", "min_sites", "region_limits")
FILTERS = ("jurisdictions", "online_by", "security_level")  # the constraints that exclude candidates outright
# a candidate's own figure checked against its plausibility bound, with the field of its block's plan that carries it
PLAUSIBLE = {
    "price_usd_per_mwh": (plausibility.AVERAGE_PRICE_USD_PER_MWH, "grid.price_usd_per_mwh", "give USD/MWh (USD/kWh x 1,000)"),
    "co2_g_per_kwh": (plausibility.CARBON_G_PER_KWH, "grid.co2_t_per_mwh", "give gCO2/kWh (tCO2/MWh x 1,000)"),
}


# --- screening --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screened:
    """One candidate's plan for one campus block, and its score terms per MW (USD per year)."""

    name: str
    region: str
    country: str
    jurisdiction: str
    max_blocks: int
    options: str
    lcoe_usd_per_mwh: float
    power_usd_per_mw_year: float
    delay_usd_per_mw_year: float  # the value of delay from start to online, annualised
    co2_t_per_mw_year: float
    energy_mwh_per_mw_year: float
    carbon_free_share: float
    online_date: str
    online_date_set_by: str
    supply_mw_per_mw: dict[str, float] = field(default_factory=dict)
    defaults: tuple[str, ...] = ()  # figures neither the candidate nor its region gives: catalog defaults used
    security_fails: str | None = None  # with a required security level: the first requirement the site fails, and why
    security_usd_per_mw_year: float = 0.0  # the level's cost, and the value of the delay until it is reached

    @property
    def score_usd_per_mw_year(self) -> float:
        return self.power_usd_per_mw_year + self.delay_usd_per_mw_year

    @property
    def co2_g_per_kwh(self) -> float:
        return self.co2_t_per_mw_year / self.energy_mwh_per_mw_year * 1e3 if self.energy_mwh_per_mw_year else 0.0


def candidate_figures(candidate: Candidate, use_generation_queue_proxy: bool = False) -> dict[str, Any]:
    """The candidate's figures: its own, else its region's (catalog), else None.

    Siting ranks every candidate on one price basis, an all-in large-customer price (``catalog.ALL_IN_PRICE_BASES``):
    a region's price on another basis (a wholesale energy-only price) is set aside (``price_set_aside``: the price,
    its basis and year), so the planner's default grid price fills it. With ``use_generation_queue_proxy`` a region's
    generation-queue duration replaces the large-load wait it inherits (``queue_proxy``: the months used and the
    wait they replace); a candidate's own figures are always kept.
    """
    row = catalog.region(candidate.region) if candidate.region else None
    figures: dict[str, Any] = {"price_set_aside": None, "queue_proxy": None, "wait_basis": None}
    for name in FIGURES:
        given = getattr(candidate, name)
        column = CATALOG_COLUMNS.get(name, name)
        if given is None and row is not None and column in row.index and pd.notna(row[column]):
            given = row[column]
            if name == "price_usd_per_mwh" and row["price_basis"] not in catalog.ALL_IN_PRICE_BASES:
                figures["price_set_aside"] = (float(given), str(row["price_basis"]), int(row["price_year"]))
                given = None
            elif name == "connection_wait_months":
                queue = row.get("generation_queue_months")
                if use_generation_queue_proxy and pd.notna(queue):
                    figures["queue_proxy"] = (float(queue), float(given))
                    given = queue
                else:
                    figures["wait_basis"] = row.get("connection_wait_basis")
        figures[name] = given.item() if hasattr(given, "item") else given
    # the region's gas hub prices the fuel month by month, unless the candidate gives its own gas price
    hub = row.get("gas_hub") if row is not None and candidate.gas_price_usd_per_mmbtu is None else None
    figures["gas_hub"] = str(hub) if isinstance(hub, str) and hub else None
    figures["gas_year"] = int(row["gas_year"]) if figures["gas_hub"] else None
    profile = row.get("profile") if row is not None else None
    figures["profile"] = str(profile) if isinstance(profile, str) and profile else None
    figures["region"] = str(row["region"]) if row is not None else (candidate.name or "site")
    figures["name"] = candidate.name or figures["region"]
    missing = [n for n in ("latitude", "longitude", "country", "jurisdiction") if figures[n] is None]
    if missing:
        raise ScenarioError(f"candidates[{figures['name']}]: no {', '.join(missing)}; give a catalog region or set them")
    return figures


def check_references(programme: SitingProgramme) -> list[dict[str, Any]]:
    """Resolve every catalog name and cross-reference of a programme before any plan is solved (as
    ``gigawatt validate`` does), and return each candidate's figures (:func:`candidate_figures`).

    A :class:`ScenarioError` names the field: the accelerator, an unknown or repeated technology, a
    candidate's region or country, two candidates with one name (their results could not be told apart),
    a ``constraints.region_limits_mw`` region that no candidate is in (its limit would bind nothing), or a
    candidate's own price or carbon beyond :mod:`~gigawatt.core.plausibility`'s bounds. One listed under
    ``accept_implausible`` (e.g. ``candidates[0].price_usd_per_mwh``) runs: its figures' ``notes`` say so and
    ``accept_implausible`` waives the same check in its block's plan.
    """
    try:
        catalog.accelerator(programme.accelerator)
    except DataError as exc:
        raise ScenarioError(f"accelerator: {exc}") from None
    known = [t for t in catalog.technologies()["technology"] if t != "grid_import"]
    for i, tech in enumerate(programme.technologies):
        if tech not in known:
            close = difflib.get_close_matches(tech, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"choose from {', '.join(known)}"
            raise ScenarioError(f"technologies[{i}]: unknown technology {shorten(tech)}; {hint}")
        if tech in programme.technologies[:i]:
            raise ScenarioError(f"technologies[{i}]: {tech} is listed twice; list each technology once")
    for tech in programme.available_from:
        if tech not in programme.technologies:
            raise ScenarioError(f"available_from.{shorten(tech)}: not one of technologies ({', '.join(programme.technologies)}); "
                                "date a technology the programme lists")
    figures, named = [], {}
    for i, candidate in enumerate(programme.candidates):
        try:
            found = candidate_figures(candidate, programme.use_generation_queue_proxy)  # a DataError here is the region's lookup
        except DataError as exc:
            raise ScenarioError(f"candidates[{i}].region: {exc}") from None
        if candidate.country is not None:  # a region's own country is the catalog's
            try:
                catalog.country(candidate.country)
            except DataError as exc:
                raise ScenarioError(f"candidates[{i}].country: {exc}") from None
        found["notes"], found["accept_implausible"] = basis_notes(i, found), []
        for name, (bound, plan_field, fix) in PLAUSIBLE.items():
            value = getattr(candidate, name)
            note = None if value is None else plausibility.check(f"candidates[{i}].{name}", value, bound, programme.accept_implausible, fix)
            if note:
                found["notes"].append(note)
                found["accept_implausible"].append(plan_field)
        if found["name"] in named:
            raise ScenarioError(f"candidates[{i}]: the name {shorten(found['name'])} is also candidates[{named[found['name']]}]'s; "
                                "give each candidate its own name (name: ...) so their results can be told apart")
        named[found["name"]] = i
        figures.append(found)
    regions = {f["region"] for f in figures}
    for key in programme.constraints.region_limits_mw:
        if _region_of(key, regions) is None:
            close = difflib.get_close_matches(key, sorted(regions), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ScenarioError(f"constraints.region_limits_mw: no candidate is in region {shorten(key)}, so its limit would bind nothing; "
                                f"{hint}the candidates' regions are {', '.join(sorted(regions))}")
    return figures


WAIT_BASIS_LABELS = {"large_load_minimum": "a floor (the least such a connection takes), not a typical wait",
                     "statutory_maximum": "a statutory maximum (the law's deadline), not a measured wait"}


def basis_notes(i: int, figures: dict[str, Any]) -> list[str]:
    """One message for each figure of candidate ``i`` that is not on the basis the others are ranked on: a price
    set aside (not all-in), the generation-queue proxy used for its connection wait, a wait that is a bound."""
    region, notes = figures["region"], []
    name = region if figures["name"] == region else f"{figures['name']} ({region})"
    if figures["price_set_aside"] is not None:
        price, basis, year = figures["price_set_aside"]
        default = catalog.technologies().set_index("technology").at["grid_import", "energy_price_usd_per_mwh"]
        notes.append(f"{name}: the catalog price {price:g} USD/MWh ({year}) is {basis.replace('_', ' ')}, not an all-in large-customer price "
                     f"like the others, so it is not ranked on it: the planner's default grid price ({default:g} USD/MWh) stands in; "
                     f"give candidates[{i}].price_usd_per_mwh for a local all-in price")
    if figures["queue_proxy"] is not None:
        queue, wait = figures["queue_proxy"]
        notes.append(f"{name}: connection wait {queue:g} months is the generation-queue duration (use_generation_queue_proxy), "
                     f"a proxy in place of the large-load wait of {wait:g} months")
    if figures["wait_basis"] in WAIT_BASIS_LABELS:
        notes.append(f"{name}: connection wait {figures['connection_wait_months']:g} months is {WAIT_BASIS_LABELS[figures['wait_basis']]}")
    return notes


def _region_of(key: str, regions: set[str] | list[str]) -> str | None:
    """The candidates' region a ``region_limits_mw`` key names (its id or catalog name, any case), or None."""
    if key in regions:
        return key
    wanted = {name_key(key)}
    with contextlib.suppress(DataError):
        wanted.add(name_key(str(catalog.region(key)["region"])))
    return next((r for r in sorted(regions) if name_key(r) in wanted), None)


def defaults_used(programme: SitingProgramme, candidate: Candidate, figures: dict[str, Any]) -> tuple[str, ...]:
    """The figures the candidate's plan needs that neither it nor its region gives: the planner's catalog
    defaults fill them. A figure the plan does not use (the gas price of a grid-only site, the wind of a
    programme without wind) is not counted."""
    grid = candidate.options in ("grid", "both")
    onsite = set(programme.technologies) if candidate.options in ("onsite", "both") else set()
    used = {
        "price_usd_per_mwh": grid, "co2_g_per_kwh": grid, "grid_carbon_free_share": grid, "connection_wait_months": grid,
        "gas_price_usd_per_mmbtu": bool(onsite & set(GAS_TECHNOLOGIES)),
    }
    calibrated = {v.calibration_field for t, v in catalog.variable_technologies().items() if t in onsite}
    used.update({figure: site_field in calibrated for figure, site_field in WEATHER_FIGURES.items()})
    set_aside = {"price_usd_per_mwh"} if figures.get("price_set_aside") else set()  # said by its own message (basis_notes)
    return tuple(n for n in FIGURES[4:] if used[n] and figures[n] is None and n not in set_aside)


def candidate_scenario(programme: SitingProgramme, candidate: Candidate, figures: dict[str, Any]) -> Scenario:
    """The single-site scenario of one campus block at the candidate (what ``gigawatt plan`` would solve)."""
    grid: dict[str, Any] = {"import_mw": 0.0}
    if candidate.options in ("grid", "both"):
        grid = {"import_mw": programme.block_mw}  # a connection as large as the campus
        if figures["price_usd_per_mwh"] is not None:
            grid["price_usd_per_mwh"] = figures["price_usd_per_mwh"]
        if figures["co2_g_per_kwh"] is not None:
            grid["co2_t_per_mwh"] = figures["co2_g_per_kwh"] / 1e3
        if figures["connection_wait_months"] is not None:
            grid["available"] = add_months(programme.start, figures["connection_wait_months"])
    technologies = list(programme.technologies) if candidate.options in ("onsite", "both") else []
    if candidate.options == "onsite" and not technologies:
        raise ScenarioError(f"candidates[{figures['name']}]: options onsite but technologies is empty; list on-site technologies or allow the grid")
    limits = {}
    if figures["gas_hub"] is not None:
        limits = {t: {"gas_hub": figures["gas_hub"], "gas_year": figures["gas_year"]} for t in technologies if t in GAS_TECHNOLOGIES}
    elif figures["gas_price_usd_per_mmbtu"] is not None:
        limits = {t: {"fuel_price_usd_per_mmbtu": figures["gas_price_usd_per_mmbtu"]} for t in technologies if t in GAS_TECHNOLOGIES}
    for tech, month in programme.available_from.items():
        if tech in technologies:
            limits.setdefault(tech, {})["available_from"] = month
    site: dict[str, Any] = {"latitude": figures["latitude"], "longitude": figures["longitude"], "workload": programme.workload,
                            "year": month_start(programme.start).year}
    for figure, site_field in WEATHER_FIGURES.items():
        if figures[figure] is not None:
            site[site_field] = figures[figure]
    if programme.hourly_profiles and figures["profile"] is not None and set(technologies) & set(catalog.variable_technologies()):
        site["profile"] = figures["profile"]
    data = {
        "name": figures["name"], "start": programme.start,
        "cluster": {"accelerator": programme.accelerator, "power_mw": programme.block_mw},
        "costs": programme.costs.model_dump(exclude_none=True), "site": site, "grid": grid,
        "supply": {"technologies": technologies, "limits": limits},
        "constraints": {"reserve_margin": programme.reserve_margin} if programme.reserve_margin is not None else {},
        "solver": programme.solver.model_dump(exclude_none=True),
        "accept_implausible": figures.get("accept_implausible", []),  # the programme waived the candidate's own figure
    }
    return parse_scenario(data, origin=f"candidates[{figures['name']}]", model=Scenario)


def earliest_month(scenario: Scenario) -> str:
    """The first month a firm supply option of the scenario can be energised (grid date or catalog lead time):
    weather-driven plant and storage alone cannot carry a campus."""
    table = catalog.technologies().set_index("technology")
    variable = catalog.variable_technologies()
    firm = [t for t in scenario.supply.technologies if table.at[t, "kind"] != "storage" and t not in variable]
    months = [max(add_months(scenario.start, table.at[t, "lead_time_months"]), _dated(scenario, t, table)) for t in firm]
    if scenario.grid.import_mw != 0:
        months.append(scenario.grid.available or add_months(scenario.start, table.at["grid_import", "lead_time_months"]))
    return min(months)


def _dated(scenario: Scenario, tech: str, table: pd.DataFrame) -> str:
    """The month a technology may first be built: its scenario override, else the catalog's available_from, else '' (now)."""
    limits = scenario.supply.limits.get(tech)
    if limits is not None and limits.available_from is not None:
        return limits.available_from
    value = table.at[tech, "available_from"]
    return value if isinstance(value, str) else ""


@dataclass
class Screening:
    """Every candidate screened, and how the plan cache did."""

    candidates: list[Screened]
    plans_solved: int
    cache_hits: int
    seconds: float
    notes: list[str] = field(default_factory=list)  # implausible figures accepted as given (accept_implausible)

    @property
    def cache_hit_rate(self) -> float:
        lookups = self.plans_solved + self.cache_hits
        return self.cache_hits / lookups if lookups else 0.0


def _plan_summary(job: tuple[Scenario, str | None, int | None]) -> dict[str, Any]:
    """Solve one candidate's plan and keep what screening needs (runs in a worker process)."""
    from gigawatt.power.planner import plan_power  # imports PyPSA: only when screening

    scenario, online_by, segments = job
    try:
        plan = plan_power(scenario, online_by=online_by, segments=segments, baseline=False)
    except InfeasibleError:  # the first firm option cannot carry the campus alone: the cheapest plan
        plan = plan_power(scenario, segments=segments, baseline=False)
    return {
        "lcoe_usd_per_mwh": plan.lcoe_usd_per_mwh, "annual_cost_usd": plan.annual_cost_usd, "co2_t_per_year": plan.co2_t_per_year,
        "carbon_free_share": plan.carbon_free_share, "online_date": plan.online_date, "online_date_set_by": plan.online_date_set_by,
        "grid_mwh": plan.energy_mwh.get("grid_import", 0.0),
        # what the plan builds and uses (a connection with no demand charge is sized freely but may carry nothing)
        "capacity_mw": {t: mw for t, mw in plan.capacity_mw.items() if mw > 1e-6 and plan.energy_mwh.get(t, 1.0) > 1.0},
    }


@contextlib.contextmanager
def _main_not_reimported():
    """Let spawned workers start without re-running the caller's script.

    A spawned child imports the parent's ``__main__`` (by its file or module name) before it runs a task,
    so a plain script without an ``if __name__ == "__main__":`` guard would start the screening again in
    every worker. The workers only run :func:`_plan_summary` from this module, so the parent's main module
    is hidden from them while the pool starts its processes.
    """
    main = sys.modules.get("__main__")
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if main is not None and name in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)
            if "__spec__" not in saved:
                main.__dict__.pop("__spec__", None)


def screen(programme: SitingProgramme, full_year: bool = False, cache: dict[str, Any] | None = None, workers: int | None = None,
           stage: Stage | None = None) -> Screening:
    """Plan one campus block at every candidate; identical scenarios are solved once (``cache``), the
    distinct ones in parallel over ``workers`` processes (default: the machine's cores, where the plans would take
    longer here than the workers take to start: :data:`WORKER_START_S`); ``stage`` is told of each one planned
    ("sites screened", n of the distinct plans)."""
    cache = {} if cache is None else cache
    segments = None if full_year else DEFAULT_SEGMENTS
    rate = programme.costs.discount_rate if programme.costs.discount_rate is not None else catalog.assumption("discount_rate")
    life = programme.costs.facility_lifetime_years or catalog.assumption("facility_lifetime_years")
    crf = capital_recovery_factor(rate, life)
    # with a value on delay or a deadline, each site comes online as early as it can (a bridge from the
    # options available first, then the cheapest long-run supply keeping it); otherwise the cheapest plan
    fastest = programme.value_of_delay_usd_per_mw_month > 0 or programme.constraints.online_by is not None
    started = time.perf_counter()
    jobs: dict[str, tuple[Scenario, str | None, int | None]] = {}
    keyed = []
    checked = check_references(programme)
    for candidate, figures in zip(programme.candidates, checked):
        scenario = candidate_scenario(programme, candidate, figures)
        online_by = earliest_month(scenario) if fastest else None
        key = f"{scenario.model_dump_json(exclude={'name'})}|{segments}|{online_by}"
        if key not in cache:
            jobs.setdefault(key, (scenario, online_by, segments))
        keyed.append((candidate, figures, key))
    chosen = workers
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if chosen is None and not full_year and len(jobs) * SCREENING_PLAN_S * (1 - 1 / workers) <= WORKER_START_S:
        workers = 1  # a few typical-period plans: done here before workers would have started
    tell(stage, "sites screened", 0, len(jobs))

    def planned(summaries) -> None:  # in the candidates' order, so the first failing candidate is the one reported
        for done, (key, summary) in enumerate(zip(jobs, summaries), start=1):
            cache[key] = summary
            tell(stage, "sites screened", done, len(jobs))

    if workers > 1:
        # spawn, not fork: a fork of a process whose solver threads hold locks can hang its children
        with _main_not_reimported(), ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            planned(pool.map(_plan_summary, jobs.values()))
    else:
        planned(_plan_summary(job) for job in jobs.values())
    out = []
    for candidate, figures, key in keyed:
        plan, mw = cache[key], programme.block_mw
        energy = plan["annual_cost_usd"] / plan["lcoe_usd_per_mwh"] if plan["lcoe_usd_per_mwh"] else 0.0
        # the plan counts grid energy as not carbon-free; the grid's own mix makes part of it clean
        grid_clean = plan["grid_mwh"] * (figures["grid_carbon_free_share"] or 0.0)
        clean_share = min(1.0, plan["carbon_free_share"] + grid_clean / energy) if energy else 0.0
        late = max(months_between(programme.start, plan["online_date"]), 0)
        fails, security_usd = _security_terms(programme, figures, candidate, plan["online_date"], crf)
        out.append(Screened(
            name=figures["name"], region=figures["region"], country=figures["country"], jurisdiction=figures["jurisdiction"],
            max_blocks=int(candidate.max_mw // mw + 1e-9), options=candidate.options, lcoe_usd_per_mwh=plan["lcoe_usd_per_mwh"],
            power_usd_per_mw_year=plan["annual_cost_usd"] / mw,
            delay_usd_per_mw_year=programme.value_of_delay_usd_per_mw_month * late * crf,
            co2_t_per_mw_year=plan["co2_t_per_year"] / mw, energy_mwh_per_mw_year=energy / mw,
            carbon_free_share=clean_share, online_date=plan["online_date"], online_date_set_by=plan["online_date_set_by"],
            supply_mw_per_mw={t: v / mw for t, v in plan["capacity_mw"].items()},
            defaults=defaults_used(programme, candidate, figures), security_fails=fails, security_usd_per_mw_year=security_usd,
        ))
    hits = len(keyed) - len(jobs)
    return Screening(out, len(jobs), hits, time.perf_counter() - started, [note for figures in checked for note in figures["notes"]])


# --- allocation -------------------------------------------------------------------------------------


@dataclass
class Allocation:
    """Blocks per candidate and the fleet's totals."""

    blocks: np.ndarray
    annual_cost_usd: float
    power_cost_usd: float
    delay_cost_usd: float
    co2_t_per_year: float
    energy_mwh: float
    mw_by_region: dict[str, float]


def _allowed(programme: SitingProgramme, s: Screened, drop: str | Collection[str] | None) -> str | None:
    """Why a candidate is excluded by a filter (None if allowed), ignoring the constraint(s) ``drop``."""
    c, dropped = programme.constraints, _names(drop)
    if "jurisdictions" not in dropped and c.jurisdictions is not None and s.jurisdiction not in c.jurisdictions:
        return f"jurisdiction {s.jurisdiction} not in {', '.join(c.jurisdictions)}"
    if "online_by" not in dropped and c.online_by is not None and s.online_date > c.online_by:
        return f"online {s.online_date}, after {c.online_by}"
    if "security_level" not in dropped and security_level(programme) and s.security_fails:
        return f"{security_level(programme)}: {s.security_fails}"
    if s.max_blocks == 0:
        return f"max_mw below one {programme.block_mw:g} MW block"
    return None


def _names(drop: str | Collection[str] | None) -> set[str]:
    return {drop} if isinstance(drop, str) else set(drop or ())


def security_level(programme: SitingProgramme) -> str | None:
    """The weight-security level every site must reach: constraints.security_level, else programme.security's."""
    if programme.constraints.security_level is not None:
        return programme.constraints.security_level
    return programme.security.level if programme.security is not None else None


def _security_terms(programme: SitingProgramme, figures: dict[str, Any], candidate: Any, online: str, crf: float) -> tuple[str | None, float]:
    """A candidate's first failing security requirement (None if none) and the level's cost per MW-year: its
    annual cost over a block, and the value of the delay from online to the month the level is reached."""
    level = security_level(programme)
    if level is None:
        return None, 0.0
    from gigawatt.security import checks as security

    facts = security.candidate_facts(programme, level, candidate, figures, online)
    settings = facts.security
    failed = security.first_failure(security.posture(facts), ignore=("time_to_reach",))  # time is priced, not excluded
    cost, _ = security.annual_cost_usd(settings, crf)
    wait = max(months_between(online, security.reached(level, settings, programme.start)), 0)
    per_mw = cost / programme.block_mw + programme.value_of_delay_usd_per_mw_month * wait * crf
    return (f"{failed.requirement} fails ({failed.why})" if failed else None), per_mw


def active_constraints(programme: SitingProgramme) -> list[str]:
    """The fleet constraints the programme sets, by name."""
    c = programme.constraints
    given = {"jurisdictions": c.jurisdictions is not None, "online_by": c.online_by is not None,
             "co2_cap": c.co2_cap_t_per_year is not None, "carbon_free_share": c.carbon_free_share is not None,
             "max_region_share": c.max_region_share is not None, "min_sites": c.min_sites is not None,
             "region_limits": bool(c.region_limits_mw) or any(k.limit_mw is not None for k in programme.candidates),
             "security_level": security_level(programme) is not None}
    return [name for name in CONSTRAINTS if given[name]]


def field_of(name: str, programme: SitingProgramme) -> str:
    """The scenario field that sets the fleet constraint ``name`` (as :data:`CONSTRAINTS` names it)."""
    if name == "security_level" and programme.constraints.security_level is None:
        return "security.level"
    return {"co2_cap": "constraints.co2_cap_t_per_year", "region_limits": "constraints.region_limits_mw"}.get(name, f"constraints.{name}")


def _region_limits(programme: SitingProgramme, screened: list[Screened]) -> dict[str, tuple[float, str]]:
    """Per-region MW limits and the field that sets each: the programme's ``region_limits_mw`` (keys matched to
    the candidates' region ids) and the candidates' own ``limit_mw``, the tightest of them."""
    regions = {s.region for s in screened}
    limits: dict[str, tuple[float, str]] = {}

    def tighter(region: str, mw: float, field: str) -> None:
        if region not in limits or mw < limits[region][0]:
            limits[region] = (mw, field)

    for key, mw in programme.constraints.region_limits_mw.items():
        tighter(_region_of(key, regions) or key, mw, f"constraints.region_limits_mw.{key}")
    for i, (candidate, s) in enumerate(zip(programme.candidates, screened)):
        if candidate.limit_mw is not None:
            tighter(s.region, candidate.limit_mw, f"candidates[{i}].limit_mw")
    return limits


def allocate(programme: SitingProgramme, screened: list[Screened], drop: str | Collection[str] | None = None, explain: bool = True) -> Allocation:
    """Choose blocks per candidate at the least annual cost; ``drop`` leaves a constraint (or several) out.

    Raises :class:`InfeasibleError` naming what cannot be met (found by leaving constraints out one at a
    time when ``explain``).
    """
    c, n, dropped = programme.constraints, len(screened), _names(drop)
    need = int(round(programme.target_mw / programme.block_mw))
    block = programme.block_mw
    upper = np.array([0 if _allowed(programme, s, dropped) else s.max_blocks for s in screened], dtype=float)
    if upper.sum() < need:
        if not explain:
            raise InfeasibleError("infeasible")
        held = upper.sum() * block
        raise InfeasibleError(
            f"target_mw {programme.target_mw:,.0f} MW is {programme.target_mw - held:,.0f} MW more than the allowed candidates hold "
            f"({held:,.0f} MW): {_excluded_why(programme, screened, dropped, need)}"
        )
    secured = "security_level" not in dropped and security_level(programme) is not None
    cost = np.array([(s.score_usd_per_mw_year + (s.security_usd_per_mw_year if secured else 0.0)) * block for s in screened])
    co2 = np.array([s.co2_t_per_mw_year * block for s in screened])
    energy = np.array([s.energy_mwh_per_mw_year * block for s in screened])
    cfe = np.array([s.carbon_free_share for s in screened])
    regions = sorted({s.region for s in screened})
    member = np.array([[s.region == r for s in screened] for r in regions], dtype=float)
    rows, low, high = [np.ones(n)], [need], [need]

    def add(row: np.ndarray, lower: float, upper: float) -> None:  # lower <= row @ blocks <= upper
        rows.append(row), low.append(lower), high.append(upper)

    if "co2_cap" not in dropped and c.co2_cap_t_per_year is not None:
        add(co2, -np.inf, c.co2_cap_t_per_year)
    if "carbon_free_share" not in dropped and c.carbon_free_share is not None:
        add(energy * (cfe - c.carbon_free_share), 0.0, np.inf)
    if "max_region_share" not in dropped and c.max_region_share is not None:
        for row in member:
            add(row, -np.inf, np.floor(c.max_region_share * need + 1e-9))
    if "region_limits" not in dropped:
        for region, (limit, _) in _region_limits(programme, screened).items():
            if region in regions:
                add(member[regions.index(region)], -np.inf, np.floor(limit / block + 1e-9))
    A = np.array(rows)
    with_sites = "min_sites" not in dropped and c.min_sites is not None
    if with_sites:  # y_i = 1 when candidate i is used: n_i <= upper_i y_i, y_i <= n_i, sum y >= min_sites
        A = np.hstack([A, np.zeros((len(rows), n))])
        link = np.hstack([np.eye(n), -np.diag(upper)])
        used = np.hstack([-np.eye(n), np.eye(n)])
        count = np.hstack([np.zeros(n), np.ones(n)])[None, :]
        A = np.vstack([A, link, used, count])
        low += [-np.inf] * (2 * n) + [c.min_sites]
        high += [0.0] * (2 * n) + [np.inf]
        objective, bounds_high = np.concatenate([cost, np.zeros(n)]), np.concatenate([upper, np.ones(n)])
    else:
        objective, bounds_high = cost, upper
    solver = programme.solver  # scipy's milp is HiGHS: its gap and time limit apply; exact by default
    options = {"mip_rel_gap": solver.mip_gap or 0.0, **({"time_limit": solver.time_limit_s} if solver.time_limit_s else {})}
    result = milp(objective, integrality=np.ones(len(objective)), bounds=(0, bounds_high),
                  constraints=LinearConstraint(A, low, high), options=options)
    if result.status == 1 and result.x is None:  # the time limit, before any feasible allocation
        raise InfeasibleError(f"solver.time_limit_s: the allocation stopped at {solver.time_limit_s:g} s; raise solver.time_limit_s")
    if result.status not in (0, 1) or result.x is None:  # 1 with a solution: the best found within the limit
        raise InfeasibleError(_why_infeasible(programme, screened, dropped) if explain else "infeasible")
    blocks = np.rint(result.x[:n]).astype(int)
    power = float(sum(b * s.power_usd_per_mw_year * block for b, s in zip(blocks, screened)))
    delay = float(sum(b * s.delay_usd_per_mw_year * block for b, s in zip(blocks, screened)))
    by_region = {r: float(blocks @ member[i] * block) for i, r in enumerate(regions) if blocks @ member[i] > 0}
    return Allocation(blocks, power + delay, power, delay, float(blocks @ co2), float(blocks @ energy), by_region)


def _room(programme: SitingProgramme, screened: list[Screened], dropped: set[str]) -> int:
    """Blocks the candidates allowed with the filters ``dropped`` left out can hold."""
    return sum(s.max_blocks for s in screened if not _allowed(programme, s, dropped))


def _excluded_why(programme: SitingProgramme, screened: list[Screened], dropped: set[str], need: int) -> str:
    """Which input keeps the allowed candidates below the target, and the change that would let it through."""
    c, block = programme.constraints, programme.block_mw
    if _room(programme, screened, set(FILTERS)) < need:
        small = [s.name for s in screened if s.max_blocks == 0]
        under = f" ({', '.join(small[:4])}: max_mw below one block)" if small else ""
        total = sum(s.max_blocks for s in screened) * block
        return (f"the candidates' max_mw hold {total:,.0f} MW in whole {block:,g} MW blocks (block_mw){under}; "
                "add candidates, raise max_mw or lower target_mw")
    active = [f for f in FILTERS if f not in dropped and f in active_constraints(programme)]
    binding = [f for f in active if _room(programme, screened, dropped | {f}) >= need]
    if len(binding) != 1:  # several filters, each enough to relax, or none alone: they exclude too much together
        fields = [field_of(f, programme) for f in binding or active]
        excluded = {s.name: why for s in screened if (why := _allowed(programme, s, dropped))}
        shown = "; ".join(f"{k}: {v}" for k, v in list(excluded.items())[:4])
        return f"{' and '.join(fields)} together exclude too many ({shown}); relax one of them or add candidates that meet them"
    name = binding[0]
    field = field_of(name, programme)
    others = dropped | {name}
    out = [s for s in screened if _allowed(programme, s, dropped) and not _allowed(programme, s, others)]  # excluded by it alone
    if name == "jurisdictions":
        kinds = sorted({s.jurisdiction for s in out})
        listed = ", ".join(f"{s.name} ({s.jurisdiction})" for s in out[:4])
        return (f"{field} [{', '.join(c.jurisdictions or [])}] excludes {listed}{' ...' if len(out) > 4 else ''}; "
                f"allow {', '.join(kinds)} or add candidates in {', '.join(c.jurisdictions or [])}")
    if name == "online_by":
        by_date, held, enough = sorted((s for s in screened if not _allowed(programme, s, others)), key=lambda s: s.online_date), 0, None
        for s in by_date:
            held += s.max_blocks
            if held >= need:
                enough = s.online_date
                break
        first = min(out, key=lambda s: s.online_date)
        return (f"{field} {c.online_by} excludes {len(out)} candidate{'s' if len(out) != 1 else ''} online later (the earliest, {first.name}, "
                f"in {first.online_date}); the target can be online by {enough}: move {field} to {enough} or later, "
                "or add candidates online sooner")
    level = security_level(programme)
    listed = "; ".join(f"{s.name}: {s.security_fails}" for s in out[:3])
    return (f"{field} {level} excludes {listed}{' ...' if len(out) > 3 else ''}; choose candidates that meet {level} "
            f"(see `gigawatt security check`) or lower the level")


def _why_infeasible(programme: SitingProgramme, screened: list[Screened], dropped: set[str]) -> str:
    """Name the constraints that, left out one at a time, make the allocation feasible, with the figures that
    say by how much they miss."""
    culprits = []
    for name in active_constraints(programme):
        if name in dropped:
            continue
        try:
            allocate(programme, screened, drop=dropped | {name}, explain=False)
            culprits.append(name)
        except InfeasibleError:
            continue
    c = programme.constraints
    allowed = [s for s in screened if not _allowed(programme, s, dropped)]
    need = int(round(programme.target_mw / programme.block_mw))
    if "co2_cap" in culprits:
        best = min((s.co2_t_per_mw_year for s in allowed), default=0.0) * programme.target_mw
        return (f"constraints.co2_cap_t_per_year {c.co2_cap_t_per_year:,.0f} t/yr cannot be met: the cleanest allowed candidate alone "
                f"emits {best:,.0f} t/yr for the programme; raise the cap or add cleaner candidates")
    if "carbon_free_share" in culprits:
        best = max((s.carbon_free_share for s in allowed), default=0.0)
        return (f"constraints.carbon_free_share {c.carbon_free_share:.0%} cannot be met: the cleanest allowed candidate is "
                f"{best:.0%} carbon-free; lower the share or add cleaner candidates")
    if "min_sites" in culprits and c.min_sites is not None and c.min_sites > len(allowed):
        return f"constraints.min_sites {c.min_sites}: only {len(allowed)} candidates are allowed; lower it or add candidates"
    if culprits == ["region_limits"]:
        return _limits_why(programme, screened, allowed, need)
    if culprits == ["max_region_share"]:
        per_region = int(np.floor(c.max_region_share * need + 1e-9))
        regions = sorted({s.region for s in allowed})
        held = sum(min(per_region, sum(s.max_blocks for s in allowed if s.region == r)) for r in regions) * programme.block_mw
        return (f"constraints.max_region_share cannot be met with the others; relax it: at {c.max_region_share:.0%} a region takes at most "
                f"{per_region * programme.block_mw:,.0f} MW of the {programme.target_mw:,.0f} MW target, and the allowed candidates' "
                f"{len(regions)} region{'s' if len(regions) != 1 else ''} then hold {held:,.0f} MW; raise the share or add candidates in other regions")
    if len(culprits) == 1:
        return f"{field_of(culprits[0], programme)} cannot be met with the others; relax it"
    if culprits:
        return f"the constraints {', '.join(field_of(n, programme) for n in culprits)} cannot all be met together; relax one of them"
    return "no allocation meets the constraints together; relax several of them or add candidates"


def _limits_why(programme: SitingProgramme, screened: list[Screened], allowed: list[Screened], need: int) -> str:
    """The region limits that keep the target out: what each region may take and what it holds."""
    block, limits = programme.block_mw, _region_limits(programme, screened)
    room = 0
    capped = []
    for region in sorted({s.region for s in allowed}):
        holds = sum(s.max_blocks for s in allowed if s.region == region)
        if region in limits:
            mw, field = limits[region]
            takes = min(holds, int(np.floor(mw / block + 1e-9)))
            if takes < holds:
                capped.append(f"{field} {mw:,.0f} MW")
            room += takes
        else:
            room += holds
    return (f"the region limits hold {room * block:,.0f} MW of the {programme.target_mw:,.0f} MW target in whole {block:,g} MW blocks "
            f"({'; '.join(capped[:4])}); raise them or add candidates in other regions")


# --- the whole job ----------------------------------------------------------------------------------


@dataclass
class SitingResult:
    """The allocation, every candidate's score terms, the fleet totals and what each constraint costs."""

    programme: str
    allocations: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    total_capacity_mw: float
    annual_cost_usd: float
    annual_power_cost_usd: float
    annualised_delay_cost_usd: float
    fleet_co2_g_per_kwh: float
    fleet_carbon_free_share: float
    constraint_costs: dict[str, float]
    constraint_moves_mw: dict[str, dict[str, float]]
    screening: dict[str, Any]
    allocation_seconds: float

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form (``gigawatt site --json``)."""
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """Every candidate, ranked by score, with its allocation."""
        return pd.DataFrame(self.candidates)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Named tables: ``candidates`` (ranked, with their score terms) and ``allocations`` (MW by site)."""
        allocations = pd.DataFrame([{k: v for k, v in a.items() if k != "supply_mw"} for a in self.allocations])
        candidates = self.to_frame().drop(columns=["supply_mw_per_mw", "catalog_defaults"])
        return {"candidates": candidates, "allocations": allocations}


def site(programme: SitingProgramme, full_year: bool = False, cache: dict[str, Any] | None = None, workers: int | None = None,
         stage: Stage | None = None) -> SitingResult:
    """Screen every candidate, allocate the programme, and price each constraint by solving without it.

    Screening uses ``workers`` processes (default: every core, where that pays: see :func:`screen`); it works from a plain script without an
    ``if __name__ == "__main__":`` guard (see :func:`_main_not_reimported`). ``stage`` is told how far it has got.
    """
    screening = screen(programme, full_year=full_year, cache=cache, workers=workers, stage=stage)
    started = time.perf_counter()
    screened = screening.candidates
    tell(stage, "allocating the programme (HiGHS MILP)")
    best = allocate(programme, screened)
    costs, moves = {}, {}
    priced = active_constraints(programme)
    if priced:
        tell(stage, "constraints priced", 0, len(priced))
    for name in priced:
        free = allocate(programme, screened, drop=name)
        costs[name] = best.annual_cost_usd - free.annual_cost_usd
        regions = set(best.mw_by_region) | set(free.mw_by_region)
        moved = {r: best.mw_by_region.get(r, 0.0) - free.mw_by_region.get(r, 0.0) for r in sorted(regions)}
        moves[name] = {r: mw for r, mw in moved.items() if abs(mw) > 1e-6}
        tell(stage, "constraints priced", len(costs), len(priced))
    seconds = time.perf_counter() - started
    block = programme.block_mw
    ranked = sorted(range(len(screened)), key=lambda i: screened[i].score_usd_per_mw_year)
    candidates = []
    for rank, i in enumerate(ranked, start=1):
        s = screened[i]
        candidates.append({
            "rank": rank, "site": s.name, "region": s.region, "country": s.country, "jurisdiction": s.jurisdiction,
            "options": s.options, "max_mw": s.max_blocks * block, "allocated_mw": float(best.blocks[i] * block),
            "score_usd_per_mw_year": s.score_usd_per_mw_year, "power_usd_per_mw_year": s.power_usd_per_mw_year,
            "delay_usd_per_mw_year": s.delay_usd_per_mw_year, "lcoe_usd_per_mwh": s.lcoe_usd_per_mwh,
            "co2_g_per_kwh": s.co2_g_per_kwh, "carbon_free_share": s.carbon_free_share, "online_date": s.online_date,
            "online_date_set_by": s.online_date_set_by, "excluded": _allowed(programme, s, None),
            "supply_mw_per_mw": s.supply_mw_per_mw, "catalog_defaults": list(s.defaults),
        })
    allocations = [
        {k: c[k] for k in ("site", "region", "jurisdiction", "lcoe_usd_per_mwh", "co2_g_per_kwh", "online_date", "online_date_set_by")}
        | {"capacity_mw": c["allocated_mw"], "supply_mw": {t: v * c["allocated_mw"] for t, v in c["supply_mw_per_mw"].items()}}
        for c in candidates if c["allocated_mw"] > 0
    ]
    clean = sum(best.blocks[i] * block * s.energy_mwh_per_mw_year * s.carbon_free_share for i, s in enumerate(screened))
    result = SitingResult(
        programme=programme.name, allocations=allocations, candidates=candidates,
        total_capacity_mw=float(best.blocks.sum() * block), annual_cost_usd=best.annual_cost_usd,
        annual_power_cost_usd=best.power_cost_usd, annualised_delay_cost_usd=best.delay_cost_usd,
        fleet_co2_g_per_kwh=best.co2_t_per_year / best.energy_mwh * 1e3 if best.energy_mwh else 0.0,
        fleet_carbon_free_share=clean / best.energy_mwh if best.energy_mwh else 0.0,
        constraint_costs=costs, constraint_moves_mw=moves,
        screening={"candidates": len(screened), "plans_solved": screening.plans_solved, "cache_hits": screening.cache_hits,
                   "cache_hit_rate": screening.cache_hit_rate, "seconds": screening.seconds,
                   "mode": "full year" if full_year else f"{DEFAULT_SEGMENTS} typical periods",
                   "catalog_defaults": sum(len(s.defaults) for s in screened)},
        allocation_seconds=seconds,
    )
    result.notes = screening.notes  # for the run's messages, not its figures (to_dict leaves it out)
    return result

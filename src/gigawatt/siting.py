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
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, milp

from gigawatt import catalog
from gigawatt.errors import InfeasibleError, ScenarioError
from gigawatt.finance import capital_recovery_factor
from gigawatt.scenario import Candidate, Scenario, SitingProgramme, parse_scenario
from gigawatt.units import add_months, month_start, months_between

DEFAULT_SEGMENTS = 365  # typical-period screening: chronological segments of the year (see power.aggregate)
GAS_TECHNOLOGIES = ("gas_cc", "gas_ct_aero", "gas_recip")
VARIABLE_TECHNOLOGIES = ("utility_pv", "onshore_wind")
FIGURES = ("latitude", "longitude", "country", "jurisdiction", "price_usd_per_mwh", "co2_g_per_kwh", "grid_carbon_free_share", "gas_price_usd_per_mmbtu",
           "connection_wait_months", "solar_yield_kwh_per_kwp", "wind_cf")
CATALOG_COLUMNS = {"solar_yield_kwh_per_kwp": "pv_yield_kwh_per_kwp"}  # candidate field → regions.csv column
# each fleet constraint, by the name reported in constraint_costs
CONSTRAINTS = ("jurisdictions", "online_by", "security_level", "co2_cap", "carbon_free_share", "max_region_share", "min_sites", "region_limits")


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


def candidate_figures(candidate: Candidate) -> dict[str, Any]:
    """The candidate's figures: its own, else its region's (catalog), else None."""
    row = catalog.region(candidate.region) if candidate.region else None
    figures: dict[str, Any] = {}
    for name in FIGURES:
        given = getattr(candidate, name)
        column = CATALOG_COLUMNS.get(name, name)
        if given is None and row is not None and column in row.index and pd.notna(row[column]):
            given = row[column]
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


def defaults_used(programme: SitingProgramme, candidate: Candidate, figures: dict[str, Any]) -> tuple[str, ...]:
    """The figures the candidate's plan needs that neither it nor its region gives: the planner's catalog
    defaults fill them. A figure the plan does not use (the gas price of a grid-only site, the wind of a
    programme without wind) is not counted."""
    grid = candidate.options in ("grid", "both")
    onsite = set(programme.technologies) if candidate.options in ("onsite", "both") else set()
    used = {
        "price_usd_per_mwh": grid, "co2_g_per_kwh": grid, "grid_carbon_free_share": grid, "connection_wait_months": grid,
        "gas_price_usd_per_mmbtu": bool(onsite & set(GAS_TECHNOLOGIES)),
        "solar_yield_kwh_per_kwp": "utility_pv" in onsite, "wind_cf": "onshore_wind" in onsite,
    }
    return tuple(n for n in FIGURES[4:] if used[n] and figures[n] is None)


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
    site: dict[str, Any] = {"latitude": figures["latitude"], "longitude": figures["longitude"], "workload": programme.workload,
                            "year": month_start(programme.start).year}
    if figures["solar_yield_kwh_per_kwp"] is not None:
        site["solar_yield_kwh_per_kwp"] = figures["solar_yield_kwh_per_kwp"]
    if figures["wind_cf"] is not None:
        site["wind_mean_cf"] = figures["wind_cf"]
    if programme.hourly_profiles and figures["profile"] is not None and set(technologies) & set(VARIABLE_TECHNOLOGIES):
        site["profile"] = figures["profile"]
    data = {
        "name": figures["name"], "start": programme.start,
        "cluster": {"accelerator": programme.accelerator, "power_mw": programme.block_mw},
        "costs": programme.costs.model_dump(exclude_none=True), "site": site, "grid": grid,
        "supply": {"technologies": technologies, "limits": limits},
        "constraints": {"reserve_margin": programme.reserve_margin} if programme.reserve_margin is not None else {},
        "solver": programme.solver.model_dump(exclude_none=True),
    }
    return parse_scenario(data, origin=f"candidates[{figures['name']}]")


def earliest_month(scenario: Scenario) -> str:
    """The first month a firm supply option of the scenario can be energised (grid date or catalog lead time):
    weather-driven plant and storage alone cannot carry a campus."""
    table = catalog.technologies().set_index("technology")
    firm = [t for t in scenario.supply.technologies if table.at[t, "kind"] != "storage" and t not in VARIABLE_TECHNOLOGIES]
    months = [add_months(scenario.start, table.at[t, "lead_time_months"]) for t in firm]
    if scenario.grid.import_mw != 0:
        months.append(scenario.grid.available or add_months(scenario.start, table.at["grid_import", "lead_time_months"]))
    return min(months)


@dataclass
class Screening:
    """Every candidate screened, and how the plan cache did."""

    candidates: list[Screened]
    plans_solved: int
    cache_hits: int
    seconds: float

    @property
    def cache_hit_rate(self) -> float:
        lookups = self.plans_solved + self.cache_hits
        return self.cache_hits / lookups if lookups else 0.0


def _plan_summary(job: tuple[Scenario, str | None, int | None]) -> dict[str, Any]:
    """Solve one candidate's plan and keep what screening needs (runs in a worker process)."""
    from gigawatt.power.plan import plan_power  # imports PyPSA: only when screening

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


def screen(programme: SitingProgramme, full_year: bool = False, cache: dict[str, Any] | None = None, workers: int | None = None) -> Screening:
    """Plan one campus block at every candidate; identical scenarios are solved once (``cache``), the
    distinct ones in parallel over ``workers`` processes (default: the machine's cores)."""
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
    for candidate in programme.candidates:
        figures = candidate_figures(candidate)
        scenario = candidate_scenario(programme, candidate, figures)
        online_by = earliest_month(scenario) if fastest else None
        key = f"{scenario.model_dump_json(exclude={'name'})}|{segments}|{online_by}"
        if key not in cache:
            jobs.setdefault(key, (scenario, online_by, segments))
        keyed.append((candidate, figures, key))
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers > 1:
        # spawn, not fork: a fork of a process whose solver threads hold locks can hang its children
        with _main_not_reimported(), ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            cache.update(zip(jobs, pool.map(_plan_summary, jobs.values())))
    else:
        cache.update((key, _plan_summary(job)) for key, job in jobs.items())
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
    return Screening(out, len(jobs), hits, time.perf_counter() - started)


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


def _allowed(programme: SitingProgramme, s: Screened, drop: str | None) -> str | None:
    """Why a candidate is excluded by a filter (None if allowed), ignoring the constraint ``drop``."""
    c = programme.constraints
    if drop != "jurisdictions" and c.jurisdictions is not None and s.jurisdiction not in c.jurisdictions:
        return f"jurisdiction {s.jurisdiction} not in {', '.join(c.jurisdictions)}"
    if drop != "online_by" and c.online_by is not None and s.online_date > c.online_by:
        return f"online {s.online_date}, after {c.online_by}"
    if drop != "security_level" and security_level(programme) and s.security_fails:
        return f"{security_level(programme)}: {s.security_fails}"
    if s.max_blocks == 0:
        return f"max_mw below one {programme.block_mw:g} MW block"
    return None


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
    from gigawatt import security

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
             "region_limits": bool(_region_limits(programme)), "security_level": security_level(programme) is not None}
    return [name for name in CONSTRAINTS if given[name]]


def _region_limits(programme: SitingProgramme) -> dict[str, float]:
    """Per-region MW limits: the programme's, and the candidates' own (the tighter of them)."""
    limits = dict(programme.constraints.region_limits_mw)
    for candidate in programme.candidates:
        if candidate.limit_mw is not None:
            region = candidate.region or candidate.name or "site"
            limits[region] = min(limits.get(region, np.inf), candidate.limit_mw)
    return limits


def allocate(programme: SitingProgramme, screened: list[Screened], drop: str | None = None, explain: bool = True) -> Allocation:
    """Choose blocks per candidate at the least annual cost; ``drop`` leaves one constraint out.

    Raises :class:`InfeasibleError` naming what cannot be met (found by leaving constraints out one at a
    time when ``explain``).
    """
    c, n = programme.constraints, len(screened)
    need = int(round(programme.target_mw / programme.block_mw))
    block = programme.block_mw
    upper = np.array([0 if _allowed(programme, s, drop) else s.max_blocks for s in screened], dtype=float)
    if upper.sum() < need:
        held = upper.sum() * block
        excluded = {s.name: why for s in screened if (why := _allowed(programme, s, drop))}
        shown = "; ".join(f"{k}: {v}" for k, v in list(excluded.items())[:4])
        raise InfeasibleError(
            f"target_mw {programme.target_mw:,.0f} MW is {programme.target_mw - held:,.0f} MW more than the allowed candidates hold "
            f"({held:,.0f} MW){f'; excluded: {shown}' if shown else ''}; add candidates, raise max_mw or relax the filters"
        )
    secured = drop != "security_level" and security_level(programme) is not None
    cost = np.array([(s.score_usd_per_mw_year + (s.security_usd_per_mw_year if secured else 0.0)) * block for s in screened])
    co2 = np.array([s.co2_t_per_mw_year * block for s in screened])
    energy = np.array([s.energy_mwh_per_mw_year * block for s in screened])
    cfe = np.array([s.carbon_free_share for s in screened])
    regions = sorted({s.region for s in screened})
    member = np.array([[s.region == r for s in screened] for r in regions], dtype=float)
    rows, low, high = [np.ones(n)], [need], [need]

    def add(row: np.ndarray, lower: float, upper: float) -> None:  # lower <= row @ blocks <= upper
        rows.append(row), low.append(lower), high.append(upper)

    if drop != "co2_cap" and c.co2_cap_t_per_year is not None:
        add(co2, -np.inf, c.co2_cap_t_per_year)
    if drop != "carbon_free_share" and c.carbon_free_share is not None:
        add(energy * (cfe - c.carbon_free_share), 0.0, np.inf)
    if drop != "max_region_share" and c.max_region_share is not None:
        for row in member:
            add(row, -np.inf, np.floor(c.max_region_share * need + 1e-9))
    if drop != "region_limits":
        for region, limit in _region_limits(programme).items():
            if region in regions:
                add(member[regions.index(region)], -np.inf, np.floor(limit / block + 1e-9))
    A = np.array(rows)
    with_sites = drop != "min_sites" and c.min_sites is not None
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
        raise InfeasibleError(_why_infeasible(programme, screened, drop) if explain else "infeasible")
    blocks = np.rint(result.x[:n]).astype(int)
    power = float(sum(b * s.power_usd_per_mw_year * block for b, s in zip(blocks, screened)))
    delay = float(sum(b * s.delay_usd_per_mw_year * block for b, s in zip(blocks, screened)))
    by_region = {r: float(blocks @ member[i] * block) for i, r in enumerate(regions) if blocks @ member[i] > 0}
    return Allocation(blocks, power + delay, power, delay, float(blocks @ co2), float(blocks @ energy), by_region)


def _why_infeasible(programme: SitingProgramme, screened: list[Screened], drop: str | None) -> str:
    """Name the constraints that, left out one at a time, make the allocation feasible."""
    culprits = []
    for name in active_constraints(programme):
        if name == drop:
            continue
        try:
            allocate(programme, screened, drop=name, explain=False)
            culprits.append(name)
        except InfeasibleError:
            continue
    c = programme.constraints
    allowed = [s for s in screened if not _allowed(programme, s, None)]
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
    if len(culprits) == 1:
        return f"constraints.{culprits[0]} cannot be met with the others; relax it"
    if culprits:
        return f"the constraints {', '.join(culprits)} cannot all be met together; relax one of them"
    return "no allocation meets the constraints together; relax several of them or add candidates"


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


def site(programme: SitingProgramme, full_year: bool = False, cache: dict[str, Any] | None = None, workers: int | None = None) -> SitingResult:
    """Screen every candidate, allocate the programme, and price each constraint by solving without it.

    Screening uses ``workers`` processes (default: every core); it works from a plain script without an
    ``if __name__ == "__main__":`` guard (see :func:`_main_not_reimported`).
    """
    screening = screen(programme, full_year=full_year, cache=cache, workers=workers)
    started = time.perf_counter()
    screened = screening.candidates
    best = allocate(programme, screened)
    costs, moves = {}, {}
    for name in active_constraints(programme):
        free = allocate(programme, screened, drop=name)
        costs[name] = best.annual_cost_usd - free.annual_cost_usd
        regions = set(best.mw_by_region) | set(free.mw_by_region)
        moved = {r: best.mw_by_region.get(r, 0.0) - free.mw_by_region.get(r, 0.0) for r in sorted(regions)}
        moves[name] = {r: mw for r, mw in moved.items() if abs(mw) > 1e-6}
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
    return SitingResult(
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

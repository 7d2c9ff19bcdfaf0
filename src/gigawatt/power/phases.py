"""A campus that grows: the plan of a scenario with ``phases`` as one multi-period investment problem.

Each phase starts an investment period that runs until the next phase (the last one for
:data:`LAST_PERIOD_YEARS`). Every period has its own single-year site LP (:func:`gigawatt.power.lp.build_lp`)
built with that phase's load and solved on typical time segments (:func:`gigawatt.power.aggregate.aggregate`;
``site.screening_segments`` or :data:`DEFAULT_SEGMENTS`), so a period stands for one representative year.
The periods are stitched block-diagonally into one LP:

* each period's cost vector is multiplied by its discount weight ``w_p = Σ_k overlap(period, year k) /
  (1 + r)^k`` (years counted from the scenario's ``start``; ``r`` the scenario's discount rate, catalog
  default), so the objective is the net present cost of the path;
* each option gets ``build(option)`` columns, one a period, ≥ 0, and the rows
  ``p_nom(option)_p − Σ_{q ≤ p, alive at p} build(option)_q = 0`` (``e_nom`` and ``build_e`` for storage
  energy). Capacity's annual cost is the capital annuity plus fixed O&M, so a build pays that annuity in
  every discounted year it exists (the standard annuity form of multi-period investment); a build is alive
  from its period's start until its catalog ``lifetime_years`` have passed;
* an option arrives by date: it can be built only in periods starting on or after its
  :func:`gigawatt.power.plan.available_month` (``grid.available``, else ``start`` + catalog lead time).

The myopic sequence beside it solves the periods one at a time, each keeping what earlier periods built
(still alive) as a floor on its capacity (brownfield), and is costed on exactly the same terms. Its builds
are a feasible point of the joint problem, so the joint plan's net present cost is never higher: the
difference is the value of planning jointly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.compute.sizing import ClusterSizing, size
from gigawatt.core.spec import RunSettings
from gigawatt.core.errors import InfeasibleError, ScenarioError
from gigawatt.core.progress import Stage, tell
from gigawatt.power.aggregate import aggregate
from gigawatt.power.availability import later_options
from gigawatt.power.inputs import PlanInputs
from gigawatt.power.lp import SiteLP, build_lp
from gigawatt.power.results import BUILT_MW, PowerPlan, grid_only_plan, read_plan
from gigawatt.power.plan import (
    _security,
    _security_block,
    _series_sources,
    _served_plan,
    _with_cluster_costs,
    available_month,
    baseline_inputs,
    online_date,
    plan_inputs,
)
from gigawatt.power.solve import Solution, SolverFailed, binding_constraints, solve
from gigawatt.compute.scenario import Cluster
from gigawatt.power.scenario import Scenario
from gigawatt.core.units import MONTHS_PER_YEAR, months_between

LAST_PERIOD_YEARS = 10.0  # the last phase's period: ten years of the full campus (then the plan's horizon ends)
DEFAULT_SEGMENTS = 365  # typical time segments a period when site.screening_segments is not given (24 h on average)

__all__ = ["DEFAULT_SEGMENTS", "LAST_PERIOD_YEARS", "Period", "discount_weight", "phase_scenario", "plan_phases", "stitch"]


@dataclass(frozen=True)
class Period:
    """One investment period: its phase's scenario and sizing, its (time-segmented, every-hour-served)
    inputs and LP, when it starts and ends (years from the scenario's start) and its discount weight."""

    index: int
    date: str
    end: str
    start_years: float
    end_years: float
    weight: float
    scenario: Scenario
    sizing: ClusterSizing
    inputs: PlanInputs
    lp: SiteLP
    available: dict[str, bool]  # may each option be built in this period


def discount_weight(start_years: float, end_years: float, rate: float) -> float:
    """Σ over years k of the share of year k inside [start, end) / (1 + rate)^k: the discounted years a
    period's annual cost is paid for (a part year counts its part, discounted as its whole year)."""
    weight = 0.0
    for k in range(int(np.floor(start_years)), int(np.ceil(end_years))):
        overlap = min(end_years, k + 1) - max(start_years, k)
        if overlap > 0:
            weight += overlap / (1.0 + rate) ** k
    return weight


def phase_scenario(scenario: Scenario, i: int) -> tuple[Scenario, ClusterSizing]:
    """The scenario of phase i: the cluster resized to its load (and accelerator), without phases."""
    phase = scenario.phases[i]
    data = scenario.cluster.model_dump()
    data.update(count=phase.count, power_mw=phase.power_mw, training=None)
    if phase.accelerator is not None:
        data["accelerator"] = phase.accelerator
    cluster = Cluster.model_validate(data)
    single = scenario.model_copy(update={"cluster": cluster, "phases": None})
    try:
        return single, size(single)
    except ScenarioError as exc:
        raise ScenarioError(f"phases[{i}]: {' '.join(str(exc).split())}") from None


def _end(date: str, years: float) -> str:
    total = int(date[:4]) * MONTHS_PER_YEAR + int(date[5:]) - 1 + int(round(years * MONTHS_PER_YEAR))
    return f"{total // MONTHS_PER_YEAR:04d}-{total % MONTHS_PER_YEAR + 1:02d}"


def _lifetimes(scenario: Scenario, options) -> dict[str, float]:
    """Years each option's build stands: supply.limits.<id>.lifetime_years, else the catalog's lifetime_years."""
    table = catalog.technologies().set_index("technology")
    out = {}
    for name, option in options.items():
        limits = scenario.supply.limits.get(name)
        if limits is not None and limits.lifetime_years is not None:
            out[name] = float(limits.lifetime_years)
        else:
            out[name] = float(table.loc[option.technology, "lifetime_years"]) if option.technology in table.index else np.inf
    return out


def _periods(scenario: Scenario, segments: int, stage: Stage | None = None) -> tuple[list[Period], float, dict[str, dict[str, str]]]:
    """The periods of a phased scenario, the discount rate and each period's series sources (``stage`` told
    of each period built)."""
    phases = scenario.phases
    if phases[0].date < scenario.start:
        raise ScenarioError(f"phases[0].date {phases[0].date} is before start {scenario.start}; the first phase starts on or after the project's start")
    periods: list[Period] = []
    sources: dict[str, dict[str, str]] = {}
    rate = 0.0
    sized = [phase_scenario(scenario, i) for i in range(len(phases))]  # every phase's cluster checked before any is built
    tell(stage, "phases built (inputs and LP)", 0, len(phases))
    for i, phase in enumerate(phases):
        single, sizing = sized[i]
        rate = float(sizing.assumptions["discount_rate"].value)
        end = phases[i + 1].date if i + 1 < len(phases) else _end(phase.date, LAST_PERIOD_YEARS)
        first = months_between(scenario.start, phase.date) / MONTHS_PER_YEAR
        last = months_between(scenario.start, end) / MONTHS_PER_YEAR
        inputs = plan_inputs(single, sizing)
        sources[phase.date] = _series_sources(inputs)
        inputs = replace(aggregate(inputs, segments), value_of_lost_load_usd_per_mwh=None)  # every hour served
        available = {t: available_month(single, t, o) <= phase.date for t, o in inputs.options.items()}
        periods.append(Period(i, phase.date, end, first, last, discount_weight(first, last, rate), single, sizing, inputs,
                              build_lp(inputs), available))
        tell(stage, "phases built (inputs and LP)", i + 1, len(phases))
    return periods, rate, sources


def _capacity_columns(period: Period) -> list[tuple[str, str]]:
    """(option, column block) of each capacity that builds link across periods: p_nom, and e_nom for storage."""
    out = []
    for name, option in period.inputs.options.items():
        out.append((name, f"p_nom({name})"))
        if option.kind == "storage":
            out.append((name, f"e_nom({name})"))
    return out


def _alive(periods: list[Period], lifetimes: dict[str, float], name: str, q: int, p: int) -> bool:
    """Does a build of period q still stand in period p?"""
    return q <= p and periods[p].start_years - periods[q].start_years < lifetimes[name] - 1e-9


def stitch(periods: list[Period], lifetimes: dict[str, float]) -> tuple[SiteLP, list[int], list[int]]:
    """One LP of every period's LP (block-diagonal, costs times the period's weight), with build columns and
    the rows linking each period's capacity to the builds still alive. Returns it and each period's first
    column and row. Blocks are named ``NAME@p``; builds ``build(CAPACITY)`` with one column a period."""
    import scipy.sparse as sp

    col_off, row_off = [0], [0]
    for period in periods:
        rows, cols = period.lp.shape
        col_off.append(col_off[-1] + cols)
        row_off.append(row_off[-1] + rows)
    base_cols, base_rows, count = col_off[-1], row_off[-1], len(periods)
    blocks = sp.block_diag([sp.csc_matrix((p.lp.a_value, p.lp.a_index, p.lp.a_start), shape=p.lp.shape) for p in periods], format="csc")
    cost = [p.weight * p.lp.cost for p in periods]
    col_lower = [p.lp.col_lower.copy() for p in periods]
    col_upper = [p.lp.col_upper.copy() for p in periods]
    columns = {f"{name}@{p.index}": slice(s.start + col_off[p.index], s.stop + col_off[p.index]) for p in periods for name, s in p.lp.columns.items()}
    rows = {f"{name}@{p.index}": slice(s.start + row_off[p.index], s.stop + row_off[p.index]) for p in periods for name, s in p.lp.rows.items()}
    link_rows, link_cols, link_values = [], [], []
    build_lower, build_upper = [], []
    n_col, n_row = base_cols, 0
    for name, block in _capacity_columns(periods[0]):
        builds = np.arange(n_col, n_col + count)
        columns[f"build({block})"] = slice(n_col, n_col + count)
        n_col += count
        build_lower.append(np.zeros(count))
        build_upper.append(np.array([0.0 if not p.available[name] else np.inf for p in periods]))
        rows[f"link({block})"] = slice(base_rows + n_row, base_rows + n_row + count)
        for p in periods:
            column = p.lp.columns[block].start
            if not p.available[name]:  # nothing of it stands yet: no floor of min_mw
                col_lower[p.index][column] = 0.0
            link_rows.append(n_row + p.index)
            link_cols.append(col_off[p.index] + column)
            link_values.append(1.0)
            for q in range(p.index + 1):
                if _alive(periods, lifetimes, name, q, p.index):
                    link_rows.append(n_row + p.index)
                    link_cols.append(builds[q])
                    link_values.append(-1.0)
        n_row += count
    link = sp.csc_matrix((link_values, (link_rows, link_cols)), shape=(n_row, n_col))
    top = sp.hstack([blocks, sp.csc_matrix((base_rows, n_col - base_cols))], format="csc")
    matrix = sp.vstack([top, link], format="csc")
    matrix.sort_indices()
    lp = SiteLP(
        cost=np.concatenate([*cost, np.zeros(n_col - base_cols)]),
        col_lower=np.concatenate([*col_lower, *build_lower]),
        col_upper=np.concatenate([*col_upper, *build_upper]),
        row_lower=np.concatenate([*(p.lp.row_lower for p in periods), np.zeros(n_row)]),
        row_upper=np.concatenate([*(p.lp.row_upper for p in periods), np.zeros(n_row)]),
        a_start=matrix.indptr.astype(np.int64), a_index=matrix.indices.astype(np.int64), a_value=matrix.data.astype(float),
        columns=columns, rows=rows,
    )
    return lp, col_off, row_off


def _period_solution(solution: Solution, period: Period, col_off: list[int], row_off: list[int]) -> Solution:
    """Period p's share of the joint optimum: its columns, and its row duals in annual terms (÷ weight)."""
    p = period.index
    x = solution.x[col_off[p]:col_off[p + 1]]
    dual = None if solution.row_dual is None else solution.row_dual[row_off[p]:row_off[p + 1]] / period.weight
    objective = float(period.lp.cost @ x)
    return Solution(x=x, row_dual=dual, facts={**solution.facts, "objective": objective})


def _capacities(lp: SiteLP, x: np.ndarray, period: Period) -> dict[str, float]:
    return {block: float(lp.values(x, block)[0]) for _, block in _capacity_columns(period)}


def _myopic(periods: list[Period], lifetimes: dict[str, float], settings, run: RunSettings | None = None) -> tuple[float, list[dict[str, Any]], float]:
    """The periods solved one at a time, each keeping what is still alive from earlier builds as a floor:
    its net present cost (same weights), each period's capacity, builds and annual cost, and the seconds."""
    started = time.perf_counter()
    builds: dict[str, list[float]] = {block: [] for _, block in _capacity_columns(periods[0])}
    npv, out = 0.0, []
    stage = run.stage if run else None
    tell(stage, "myopic phases solved", 0, len(periods))
    for period in periods:
        lp = period.lp
        lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
        standing: dict[str, float] = {}
        for name, block in _capacity_columns(period):
            alive = sum(b for q, b in enumerate(builds[block]) if _alive(periods, lifetimes, name, q, period.index))
            standing[block] = alive
            column = lp.columns[block].start
            if period.available[name]:
                lower[column] = max(lower[column], alive)
                upper[column] = max(upper[column], alive)
            else:
                lower[column] = upper[column] = alive
        solution = solve(replace(lp, col_lower=lower, col_upper=upper), period.inputs, settings, role=f"myopic-{period.index}", run=run)
        capacity = _capacities(lp, solution.x, period)
        for block, mw in capacity.items():
            builds[block].append(max(0.0, mw - standing[block]))
        annual = float(lp.cost @ solution.x)
        npv += period.weight * annual
        out.append({"capacity": capacity, "built": {block: builds[block][-1] for block in builds}, "annual_cost_usd": annual})
        tell(stage, "myopic phases solved", len(out), len(periods))
    return npv, out, time.perf_counter() - started


def _explain_infeasible(periods: list[Period], error: InfeasibleError, run: RunSettings | None = None) -> InfeasibleError:
    """Which phase cannot be served with the options available by its date (solved alone, with the
    unserved-energy slack that says where), or the joint problem's own error."""
    for period in periods:
        options = {t: o for t, o in period.inputs.options.items() if period.available[t]}
        if not options:
            return InfeasibleError(f"phases[{period.index}].date {period.date}: no supply option can be energised by then "
                                   "(grid.available, catalog lead times from start); choose a later date or an earlier start")
        slack = replace(period.inputs, options=options, value_of_lost_load_usd_per_mwh=period.scenario.constraints.value_of_lost_load_usd_per_mwh)
        try:
            _served_plan(period.scenario, slack, why=f"phases[{period.index}] {period.date}: the options available by then", run=run)
        except InfeasibleError as exc:
            message = " ".join(str(exc).split())
            return exc if message.startswith("phases[") else InfeasibleError(f"phases[{period.index}].date {period.date}, with the options available by then: {message}")
    return error


def _mw(values: dict[str, float]) -> dict[str, float]:
    return {k: (v if abs(v) > BUILT_MW else 0.0) for k, v in values.items()}


def plan_phases(scenario: Scenario, segments: int | None = None, baseline: bool = True, run: RunSettings | None = None) -> PowerPlan:
    """The joint multi-period plan of a scenario with ``phases`` (see the module docstring) and the myopic
    sequence beside it. The returned plan's own figures (capacity, dispatch, costs, baseline) are those of
    the last period; ``phases`` lists every period and ``phased`` the path's net present cost against the
    myopic sequence's."""
    if scenario.constraints.online_by is not None:
        raise ScenarioError("phases and constraints.online_by: give one (each phase's date is when its load must be served)")
    if segments is None:
        segments = scenario.site.screening_segments if scenario.site is not None and scenario.site.screening_segments else DEFAULT_SEGMENTS
    guarded = _security(scenario)
    started = time.perf_counter()
    periods, rate, sources = _periods(scenario, segments, run.stage if run else None)
    lifetimes = _lifetimes(scenario, periods[0].inputs.options)
    tell(run.stage if run else None, f"stitching the {len(periods)} phases into one LP")
    lp, col_off, row_off = stitch(periods, lifetimes)
    build_s = time.perf_counter() - started
    try:
        solution = solve(lp, periods[-1].inputs, scenario.solver, role="phases", run=run)
    except SolverFailed:  # the solver's own failure: no phase is to blame
        raise
    except InfeasibleError as exc:
        raise _explain_infeasible(periods, exc, run) from None
    myopic_npv, myopic, myopic_s = _myopic(periods, lifetimes, scenario.solver, run)
    npv = float(lp.cost @ solution.x)
    security_usd = guarded[2] if guarded else 0.0
    plans: list[PowerPlan] = []
    rows: list[dict[str, Any]] = []
    for period in periods:
        part = _period_solution(solution, period, col_off, row_off)
        plan = read_plan(period.lp, part, period.inputs, binding_constraints(period.lp, part, period.inputs))
        plan = _with_cluster_costs(plan, period.sizing, security_usd)
        plans.append(plan)
        built = {block: float(solution.x[lp.columns[f"build({block})"]][period.index]) for _, block in _capacity_columns(period)}
        options = period.inputs.options
        load = period.inputs.load_mw
        rows.append({
            "period": period.index, "date": period.date, "end": period.end, "discount_weight": period.weight,
            "accelerator": period.sizing.accelerator,
            "accelerator_count": float(period.sizing.accelerator_count),
            "load_mw_average": period.inputs.energy_mwh(load) / period.inputs.modelled_hours, "load_mw_peak": float(load.max()),
            "capacity_mw": dict(plan.capacity_mw), "storage_mwh": plan.storage_mwh,
            "built_mw": _mw({name: built[f"p_nom({name})"] for name in options}),
            "built_mwh": _mw({name: built[f"e_nom({name})"] for name, o in options.items() if o.kind == "storage"}),
            "capital_usd": sum(o.capex_usd_per_mw * built[f"p_nom({name})"] for name, o in options.items())
            + sum(o.capex_usd_per_mwh * built[f"e_nom({name})"] for name, o in options.items() if o.kind == "storage"),
            "available": [name for name, ok in period.available.items() if ok],
            "annual_cost_usd": plan.annual_cost_usd, "lcoe_usd_per_mwh": plan.lcoe_usd_per_mwh,
            "power_cost_usd_per_accelerator_hour": plan.power_cost_usd_per_accelerator_hour,
            "cost_usd_per_delivered_accelerator_hour": plan.cost_usd_per_delivered_accelerator_hour,
            "energy_mwh": dict(plan.energy_mwh), "load_mwh": plan.load_mwh, "co2_t_per_year": plan.co2_t_per_year,
            "cost_usd_per_year": dict(plan.cost_usd_per_year), "unserved_energy_mwh": plan.unserved_energy_mwh,
            "curtailed_compute_share": plan.curtailed_compute_share,
            "myopic": {
                "capacity_mw": _mw({name: myopic[period.index]["capacity"][f"p_nom({name})"] for name in options}),
                "built_mw": _mw({name: myopic[period.index]["built"][f"p_nom({name})"] for name in options}),
                "capital_usd": sum(o.capex_usd_per_mw * myopic[period.index]["built"][f"p_nom({name})"] for name, o in options.items())
                + sum(o.capex_usd_per_mwh * myopic[period.index]["built"][f"e_nom({name})"] for name, o in options.items() if o.kind == "storage"),
                "annual_cost_usd": myopic[period.index]["annual_cost_usd"],
            },
        })
    phased = {
        "npv_usd": npv, "myopic_npv_usd": myopic_npv, "saving_usd": myopic_npv - npv,
        "saving_share": (myopic_npv - npv) / myopic_npv if myopic_npv > 0 else 0.0,
        "capital_usd": sum(r["capital_usd"] for r in rows), "myopic_capital_usd": sum(r["myopic"]["capital_usd"] for r in rows),
        "discount_rate": rate, "periods": len(periods), "start": scenario.start, "horizon_end": periods[-1].end,
        "last_period_years": LAST_PERIOD_YEARS, "segments_per_period": segments,
        "seconds": {"build": build_s, "solve": float(solution.facts["seconds"]), "myopic": myopic_s},
        "lp_shape": list(lp.shape),
    }
    last, first = periods[-1], periods[0]
    date, set_by = online_date(first.scenario, plans[0], first.inputs)
    notes = list(dict.fromkeys(note for period in periods for note in period.inputs.notes))  # each once, in phase order
    notes += [f"supply.technologies: {name} is available from {when}: built only in phases from then"
              for name, when in later_options(first.inputs.options, first.date).items()]
    plan = replace(plans[-1], online_date=date, online_date_set_by=set_by, series=sources[last.date], screening_segments=segments,
                   phases=rows, phased=phased, solver={**solution.facts, "objective": npv},
                   security=_security_block(guarded, date), notes=notes)
    if not baseline:
        return plan
    base = baseline_inputs(last.scenario, last.inputs, rate)
    grid_only = grid_only_plan(base)
    when, by = online_date(last.scenario, grid_only, base)
    grid_only = replace(_with_cluster_costs(grid_only, last.sizing, security_usd), online_date=when, online_date_set_by=by,
                        series=sources[last.date], screening_segments=segments)
    return replace(plan, baseline=grid_only)


def phase_frame(plan: PowerPlan) -> pd.DataFrame:
    """One row a period: date, peak load and capacity by option (MW), for tables and figures."""
    rows = []
    for row in plan.phases or []:
        rows.append({"date": row["date"], "load_mw_peak": row["load_mw_peak"], **{f"{k}_mw": v for k, v in row["capacity_mw"].items()}})
    return pd.DataFrame(rows)

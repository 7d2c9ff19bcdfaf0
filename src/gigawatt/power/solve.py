"""Solve the site LP (:mod:`gigawatt.power.lp`): HiGHS in memory by default, any solver linopy supports
by name; :func:`optimise` goes from inputs to a :class:`PowerPlan` in one call.

linopy (with xarray) is an extra, ``pip install 'gigawatt[pypsa]'``: it is imported only for a solver
other than HiGHS, and its absence is one line naming ``solver.name`` and the extra."""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import threading
import time
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from gigawatt.core.spec import RunSettings
from gigawatt.core.errors import InfeasibleError, ScenarioError, require
from gigawatt.core.progress import tell
from gigawatt.power.inputs import PlanInputs
from gigawatt.power.lp import SiteLP, Solution, build_lp
from gigawatt.power.results import read_plan
from gigawatt.core.inputs import Solver

# each solver's own names for threads, time limit (s) and relative MIP gap
SETTING_NAMES = {
    "highs": ("threads", "time_limit", "mip_rel_gap"),
    "gurobi": ("Threads", "TimeLimit", "MIPGap"),
    "cplex": ("threads", "timelimit", "mip.tolerances.mipgap"),
    "xpress": ("THREADS", "MAXTIME", "MIPRELSTOP"),
    "cbc": ("threads", "sec", "ratio"),
    "glpk": (None, "tmlim", "mipgap"),
}
PACKAGES = {"highs": "highspy", "gurobi": "gurobipy", "cplex": "cplex", "xpress": "xpress"}
# HiGHS options of each solve method (solver.method); "race" runs two at once and keeps the first optimum
METHODS: dict[str, dict[str, Any]] = {
    "simplex": {"solver": "simplex"},  # HiGHS's own choice of simplex (dual, with its default pricing)
    "dual-devex": {"solver": "simplex", "simplex_strategy": 1, "simplex_dual_edge_weight_strategy": 1},
    "ipm": {"solver": "ipm"},  # interior point, then crossover to a vertex (duals as from simplex)
}
RACE = ("simplex", "dual-devex")
_pool_threads: int | None = None  # the thread count HiGHS's pool was last made for here (None: its own choice)


# solver conditions that mean the constraints cannot all hold (HiGHS's and linopy's words): the scenario's limits
# are to blame; any other condition that is not an optimum is the solver's own failure, named as such
INFEASIBLE = {"infeasible", "primal_infeasible_or_unbounded", "infeasible_or_unbounded", "infeasible_inaccurate"}


class SolverFailed(InfeasibleError):
    """The solver stopped without an optimum for a reason of its own (its time limit, memory, iterations or
    numerics), not because the scenario's limits cannot all hold: re-solving with slack would not help."""


def _failure(name: str, condition: str, lp: SiteLP, settings: Solver) -> str:
    """What a solver's non-optimal ``condition`` means and what to do, in one line naming the fields."""
    size = f"{lp.shape[1]:,} columns and {lp.shape[0]:,} rows"
    if condition in ("memory_limit_reached", "out_of_memory"):
        return (f"{name} ran out of memory on the site LP of {size}; solve fewer snapshots (site.screening_segments, "
                "fewer phases) or allow fewer technologies (supply.technologies)")
    if condition in ("time_limit", "time_limit_reached"):
        if settings.time_limit_s is not None:
            return f"solver.time_limit_s: {name} stopped at {settings.time_limit_s:g} s before an optimum; raise solver.time_limit_s"
        return f"{name} stopped at a time limit of its own on the site LP of {size}; solve fewer snapshots (site.screening_segments)"
    if condition == "iteration_limit_reached":
        return f"{name} stopped at its iteration limit on the site LP of {size}; try solver.method: ipm, or fewer snapshots (site.screening_segments)"
    if condition.startswith("interrupted"):
        return f"{name} was interrupted before an optimum; run it again"
    if condition == "unbounded":
        return (f"{name} found the site LP unbounded (a cost that falls without limit); check the scenario for a negative "
                "cost or price with no limit on its quantity")
    return (f"{name} failed on the site LP of {size} ({condition}): numerical trouble, most often a figure many orders of magnitude "
            "from the others (a price, cost or size in the wrong unit); check the scenario's figures, or try solver.method: ipm")


def check_solver(settings: Solver) -> None:
    """Raise :class:`ScenarioError` naming ``solver.name`` when no such solver is installed (HiGHS always is)."""
    name = settings.name.lower()
    if name == "highs":
        return
    linopy = _linopy(settings.name)
    if name not in linopy.available_solvers:
        known = sorted({"highs", *linopy.available_solvers})
        close = difflib.get_close_matches(name, list(SETTING_NAMES), n=1)
        hint = f"did you mean '{close[0]}'? " if close and close[0] != name else ""
        raise ScenarioError(f"solver.name: '{settings.name}' is not installed; {hint}installed here: {', '.join(known)}")


def _linopy(name: str) -> ModuleType:
    """linopy, which drives every solver but HiGHS in memory, or a one-line error naming ``solver.name`` and the extra."""
    return require("linopy", "pypsa", f"solver.name: '{name}' (solvers other than highs run through linopy)")


def solver_options(settings: Solver, show_log: bool = False) -> dict[str, Any]:
    """The solver's own option names for ``settings`` (threads, time limit, MIP gap) and, for HiGHS, its log switch."""
    name = settings.name.lower()
    options: dict[str, Any] = {"output_flag": show_log, "log_to_console": show_log} if name == "highs" else {}
    names = SETTING_NAMES.get(name, ("threads", "time_limit", "mip_gap"))
    for key, value in zip(names, (settings.threads, settings.time_limit_s, settings.mip_gap)):
        if value is not None and key is not None:
            options[key] = value
    return options


def solver_version(name: str) -> str | None:
    """The installed version of the solver's Python package, where it has one."""
    try:
        return version(PACKAGES.get(name, name))
    except PackageNotFoundError:
        return None


@contextlib.contextmanager
def stdout_elsewhere(show: bool):
    """Keep the solver's C-level output off stdout, which would otherwise corrupt ``--json`` output:
    silenced, or sent to stderr when the log is shown."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(2 if show else devnull.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def highs_model(lp: SiteLP, options: dict[str, Any], names: bool = False):
    """A HiGHS instance holding the LP (with column and row names when ``names``) and ``options`` set."""
    import highspy

    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = len(lp.cost), len(lp.row_lower)
    model.col_cost_, model.col_lower_, model.col_upper_ = lp.cost, lp.col_lower, lp.col_upper
    model.row_lower_, model.row_upper_ = lp.row_lower, lp.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_, model.a_matrix_.index_, model.a_matrix_.value_ = lp.a_start, lp.a_index, lp.a_value
    if names:
        model.col_names_, model.row_names_ = lp.names(lp.columns), lp.names(lp.rows)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)  # before the model: passModel would print
    h.passModel(model)
    if len(lp.integer):  # committable units in the integer form: a MIP
        h.changeColsIntegrality(len(lp.integer), lp.integer, np.full(len(lp.integer), highspy.HighsVarType.kInteger))
    for key, value in options.items():
        h.setOptionValue(key, value)
    return h


def write_lp(lp: SiteLP, path: Path | str) -> Path:
    """Write the LP as a CPLEX LP file with named columns and rows; returns the path."""
    path = Path(path)
    with stdout_elsewhere(False):  # HiGHS prints its banner when the first instance is made, and writeModel a line
        h = highs_model(lp, {}, names=True)
        h.writeModel(str(path))
    return path


def _solve_highs(lp: SiteLP, options: dict[str, Any], method: str, start: Any = None, basis: list | None = None):
    """HiGHS on the arrays, with one method or the race, from the basis ``start`` (a ``highspy.HighsBasis`` of
    an LP of the same shape) where given; returns (x, row duals, status, condition, objective, method), and
    appends the optimum's basis to ``basis`` where given."""
    import highspy

    mip = len(lp.integer) > 0
    racers = ("mip",) if mip else RACE if method == "race" else (method,)  # a MIP: HiGHS's branch and bound
    global _pool_threads
    if options.get("threads") not in (None, _pool_threads):  # HiGHS keeps one thread pool per process: a
        highspy.Highs.resetGlobalScheduler(True)  # different count is refused unless the pool is made anew
        _pool_threads = options["threads"]
    solvers = [highs_model(lp, {**options, **METHODS.get(m, {})}) for m in racers]
    if start is not None:
        for h in solvers:
            h.setBasis(start)
    if len(solvers) == 1:
        solvers[0].run()
        winner = 0
    else:  # each in its own thread (HiGHS releases the GIL while it runs); the first to finish stops the other
        finished: list[int] = []
        stop = threading.Event()

        def interrupt(event) -> None:
            if stop.is_set():
                event.interrupt()

        def run(k: int) -> None:
            solvers[k].run()
            finished.append(k)
            stop.set()

        for h in solvers:
            h.cbSimplexInterrupt += interrupt
            h.cbIpmInterrupt += interrupt
        threads = [threading.Thread(target=run, args=(k,)) for k in range(len(solvers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winner = finished[0]
    h = solvers[winner]
    status = h.getModelStatus()
    condition = h.modelStatusToString(status).lower().replace(" ", "_")
    limit_s = options.get("time_limit")
    if status == highspy.HighsModelStatus.kTimeLimit or (status != highspy.HighsModelStatus.kOptimal and limit_s and h.getRunTime() >= limit_s):
        condition = "time_limit"  # stopped by the clock (in presolve HiGHS may not say so in its status)
    if status != highspy.HighsModelStatus.kOptimal:
        return None, None, "warning", condition, None, racers[winner]
    solution = h.getSolution()
    if basis is not None:
        basis.append(h.getBasis())
    dual = np.asarray(solution.row_dual) if solution.dual_valid and not mip else None
    return np.asarray(solution.col_value), dual, "ok", "optimal", h.getInfo().objective_function_value, racers[winner]


STORAGE_BLOCKS = ("p_nom", "e_nom", "charge", "discharge", "soc")  # a storage option's column blocks (lp._storage)


def _storage_last(lp: SiteLP, inputs: PlanInputs, options: dict[str, Any], method: str):
    """Solve an LP with storage in two steps, or return None where that does not apply.

    Offered and not built, storage makes the LP hard: its columns sit at zero in every hour, a degenerate
    vertex the simplex pivots through at length (a 24/7 plan: 31 s, 11 s without the battery; an off-grid
    plan that builds none: 3.5 s, 1.2 s in two steps; benchmarks/plan_suite.py).

    First the LP with the storage columns held at zero. Then the storage is priced at that optimum's row
    duals: the least reduced cost of any storage build and operation within the rows only storage fills
    (the rows it shares with other supply enter through their duals). If that is not negative, no storage
    lowers the cost and the optimum without storage is the whole LP's (a Lagrangian bound equal to a
    feasible point's cost); its duals, zero on the storage-only rows, stay optimal. Otherwise the whole LP
    is solved from that optimum's basis (the storage columns at zero), faster than from nothing: 1.0 s
    against 2.0 s where a nuclear contract's battery pays, 48 s against 51 s for a 24/7 share of 90%
    (from the optimum's point by crossover: 2.5 s and 37 s).
    Returns what :func:`_solve_highs` does and which way it went."""
    names = [name for name, option in inputs.options.items() if option.kind == "storage"]
    blocks = [lp.columns[block] for name in names for block in (f"{p}({name})" for p in STORAGE_BLOCKS) if block in lp.columns]
    if len(lp.integer) or not blocks or not _storage_optional(inputs):
        return None
    own = np.zeros(lp.shape[1], dtype=bool)
    for cols in blocks:
        own[cols] = True
    col_of = np.repeat(np.arange(lp.shape[1]), np.diff(lp.a_start))
    shared = np.zeros(lp.shape[0], dtype=bool)
    shared[lp.a_index[~own[col_of]]] = True  # rows with other supply in them
    alone = np.unique(lp.a_index[own[col_of]])
    alone = alone[~shared[alone]]  # the rows only storage fills
    if (lp.col_lower[own] != 0.0).any() or (lp.row_lower[alone] > 0.0).any() or (lp.row_upper[alone] < 0.0).any():
        return None  # storage that must be built (a floor): zero is not a point of the whole LP
    started = time.perf_counter()
    basis: list = []
    x, dual, status, condition, objective, won = _solve_highs(replace(lp, col_upper=np.where(own, 0.0, lp.col_upper)), options, method,
                                                              basis=basis)
    if condition == "time_limit":
        return x, None, status, condition, None, won, "stopped without storage"
    if status != "ok" or dual is None:  # e.g. a share that only storage can reach: the whole LP decides
        return None
    dual = np.where(shared, dual, 0.0)
    if _storage_pays(lp, dual, own, col_of, alone, objective):
        limit_s = options.get("time_limit")
        rest = {**options, "time_limit": max(limit_s - (time.perf_counter() - started), 1.0)} if limit_s else options
        return (*_solve_highs(lp, rest, method, start=basis[0]), "storage after")
    return x, dual, status, condition, objective, won, "storage priced out"


def _storage_optional(inputs: PlanInputs) -> bool:
    """Whether some supply can serve the load in any hour without storage (fuel, a contract, the grid):
    where only sun and wind are offered, storage is built anyway and the first step would be time lost."""
    return any(o.kind in ("grid", "contract") or (o.kind != "storage" and name not in inputs.capacity_factor)
               for name, o in inputs.options.items())


def _storage_pays(lp: SiteLP, dual: np.ndarray, own: np.ndarray, col_of: np.ndarray, alone: np.ndarray, objective: float) -> bool:
    """Whether some storage build and operation has a negative reduced cost at the row duals ``dual``: the
    least of Σ (cost - Aᵀ dual) × x over the storage columns ``own``, within the rows ``alone`` only they fill."""
    import highspy

    reduced = lp.cost - np.bincount(col_of, weights=lp.a_value * dual[lp.a_index], minlength=lp.shape[1])
    row_map = np.full(lp.shape[0], -1)
    row_map[alone] = np.arange(len(alone))
    keep = own[col_of] & (row_map[lp.a_index] >= 0)
    cols = np.flatnonzero(own)
    pricing = SiteLP(cost=reduced[cols], col_lower=lp.col_lower[cols], col_upper=lp.col_upper[cols],
                     row_lower=lp.row_lower[alone], row_upper=lp.row_upper[alone],
                     a_start=np.searchsorted((np.cumsum(own) - 1)[col_of[keep]], np.arange(len(cols) + 1)),
                     a_index=row_map[lp.a_index[keep]], a_value=lp.a_value[keep], columns={}, rows={})
    h = highs_model(pricing, {})
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # unbounded: storage pays without limit
        return True
    return h.getInfo().objective_function_value < -PRICED_OUT_TOLERANCE * max(1.0, abs(objective))


PRICED_OUT_TOLERANCE = 1e-9  # a storage saving below this share of the plan's cost is solver noise


def solve_linopy(lp: SiteLP, name: str, options: dict[str, Any]):
    """Any solver linopy drives (Gurobi, CPLEX, Xpress, ...), on the same LP rebuilt as a linopy model
    block by block; returns (x, row duals, status, condition, objective)."""
    linopy = _linopy(name)
    import scipy.sparse as sp
    import xarray as xr  # installed with linopy

    m = linopy.Model()
    x = m.add_variables(lower=lp.col_lower, upper=lp.col_upper, name="x")
    m.add_objective((xr.DataArray(lp.cost, dims=x.dims) * x).sum())
    matrix = sp.csc_matrix((lp.a_value, lp.a_index, lp.a_start), shape=lp.shape).tocsr()
    for block, rows in lp.rows.items():
        part = matrix[rows]
        width = max(int(np.diff(part.indptr).max(initial=0)), 1)
        columns = np.full((part.shape[0], width), -1)  # -1: no variable (linopy's padding)
        coefficients = np.zeros((part.shape[0], width))
        position = np.arange(part.nnz) - np.repeat(part.indptr[:-1], np.diff(part.indptr))
        row = np.repeat(np.arange(part.shape[0]), np.diff(part.indptr))
        columns[row, position], coefficients[row, position] = part.indices, part.data
        dims = (f"{block}_row", "_term")
        lhs = linopy.LinearExpression(xr.Dataset({"coeffs": (dims, coefficients), "vars": (dims, columns)}), m)
        lower, upper = lp.row_lower[rows], lp.row_upper[rows]
        rhs, sign = (lower, "=") if np.array_equal(lower, upper) else (upper, "<=") if np.isneginf(lower).all() else (lower, ">=")
        m.add_constraints(lhs, sign, xr.DataArray(rhs, dims=dims[0]), name=block)
    status, condition = m.solve(solver_name=name, progress=False, **options)
    if status != "ok":
        return None, None, status, str(condition), None
    try:
        dual = np.concatenate([m.constraints[block].dual.to_numpy() for block in lp.rows])
    except (AttributeError, KeyError, TypeError, ValueError):  # no duals (a solver without them)
        dual = None
    return m.variables["x"].solution.to_numpy(), dual, status, str(condition), float(m.objective.value)


def solve(lp: SiteLP, inputs: PlanInputs, settings: Solver | None = None, role: str = "plan", run: RunSettings | None = None) -> Solution:
    """Solve with the scenario's solver (HiGHS by default, in memory); raise :class:`InfeasibleError` if it
    finds no optimum, naming the limits in force.

    With ``run.save_lp`` set, the LP is first written as ``STEM.ROLE.lp`` (a second LP of the same
    role gets ``-2``, ...), exactly as it is solved, so anyone can rerun a solver on it."""
    settings = settings or Solver()
    name = settings.name.lower()
    if len(lp.integer) and name != "highs":
        raise ScenarioError(f"solver.name: integer unit commitment is solved with HiGHS here, not {name}; set solver.name: highs "
                            "or supply.limits.<id>.commitment: linear")
    run = run or RunSettings()
    if run.save_lp is not None:
        stem = Path(run.save_lp)
        path = stem.with_name(f"{stem.stem}.{role}.lp")
        count = 1
        while path in run.lp_files:
            count += 1
            path = stem.with_name(f"{stem.stem}.{role}-{count}.lp")
        write_lp(lp, path)
        run.lp_files.append(path)
    options = solver_options(settings, run.show_solver_log)
    tell(run.stage, f"solving the {role} LP with {_solver_label(name, settings.method, bool(len(lp.integer)))}")
    started = time.perf_counter()
    staged = None
    try:
        with stdout_elsewhere(run.show_solver_log):
            if name == "highs":
                staged = _storage_last(lp, inputs, options, settings.method)
                x, dual, status, condition, objective, method = staged[:6] if staged else _solve_highs(lp, options, settings.method)
            else:
                (x, dual, status, condition, objective), method = solve_linopy(lp, name, options), None
    except MemoryError:
        raise SolverFailed(_failure(name, "out_of_memory", lp, settings)) from None
    facts = {"name": name, "version": solver_version(name), "method": method, "status": status, "condition": condition,
             "seconds": time.perf_counter() - started, "objective": objective}
    if staged:
        facts["storage_last"] = staged[6]
    if status != "ok" or condition == "time_limit":
        if condition.lower() in INFEASIBLE:
            raise InfeasibleError(f"the supply model has no solution (solver: {status}, {condition}) under {_active_limits(inputs)}")
        raise SolverFailed(_failure(name, condition.lower(), lp, settings))
    return Solution(x=x, row_dual=dual, facts=facts)


def _solver_label(name: str, method: str, mip: bool) -> str:
    """The solver and its method as a progress line names them, e.g. ``HiGHS (simplex)``."""
    if name != "highs":
        return name
    if mip:
        return "HiGHS (branch and bound)"
    return f"HiGHS (race of {' and '.join(RACE)})" if method == "race" else f"HiGHS ({method})"


def optimise(inputs: PlanInputs, settings: Solver | None = None, role: str = "plan", run: RunSettings | None = None):
    """The optimal :class:`~gigawatt.power.results.PowerPlan` of ``inputs``: build the LP, solve it, read it."""
    tell(run.stage if run else None, f"building the {role} LP ({len(inputs.load_mw):,} time steps)")
    lp = build_lp(inputs)
    solution = solve(lp, inputs, settings, role, run)
    return read_plan(lp, solution, inputs, binding_constraints(lp, solution, inputs))


# the constraint of each scenario limit, and the unit of its shadow price (USD of annual cost per unit)
BINDING = {
    "co2_cap": ("constraints.co2_cap_t_per_year", "USD/tCO2"),
    "carbon_free_share": ("constraints.carbon_free_share", "USD/MWh of carbon-free energy"),
    "carbon_free_share_hourly": ("constraints.carbon_free_share_hourly", "USD/MWh matched hour by hour"),
    "firm_capacity": ("constraints.reserve_margin", "USD/MW-yr of firm capacity"),
    "flexible_share": ("constraints.flexible_share", "USD/MWh of compute given up"),
    "capex_budget": ("constraints.capex_budget_usd", "USD/yr per USD of budget"),
    "land": ("site.land_km2", "USD/yr per m2"),
}
SHADOW_PRICE_TOLERANCE = 1e-6  # a dual below this (in its unit) is solver noise: the limit does not bind


def binding_constraints(lp: SiteLP, solution: Solution, inputs: PlanInputs) -> dict[str, dict[str, Any]]:
    """The scenario limits that bind at an optimum, by field: their shadow price (the annual cost one more
    unit of the limit would save) and its unit. Empty where the solver gives no duals."""
    if solution.row_dual is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    caps = {f"{name}_hours_cap": (f"supply.limits.{name}.max_hours_per_year", "USD/MWh") for name in inputs.options}
    for name, (field, unit) in {**BINDING, **caps}.items():
        if name not in lp.rows:
            continue
        dual = float(np.abs(lp.values(solution.row_dual, name)).sum())
        if dual > SHADOW_PRICE_TOLERANCE:
            out[field] = {"shadow_price": dual, "unit": unit}
    return out


def _active_limits(inputs: PlanInputs) -> str:
    """The scenario fields that constrain the plan, named for the user to relax (an infeasible plan has
    only these against it: unserved load is always allowed, at a penalty)."""
    fields = {
        "constraints.co2_cap_t_per_year": inputs.co2_cap_t_per_year, "constraints.carbon_free_share": inputs.carbon_free_share,
        "constraints.carbon_free_share_hourly": inputs.carbon_free_share_hourly, "constraints.capex_budget_usd": inputs.capex_budget_usd,
        "constraints.reserve_margin": inputs.reserve_margin, "site.land_km2": inputs.land_m2,
        **{f"supply.limits.{name}.min_mw": option.min_mw or None for name, option in inputs.options.items()},
    }
    active = [name for name, value in fields.items() if value is not None]
    if not active:
        return "the scenario's limits; check supply.limits"
    if len(active) == 1:
        return f"{active[0]}; relax it"
    return f"{', '.join(active)} together; relax one of them"

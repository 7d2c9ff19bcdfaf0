"""The scheduler's optimisation: per interval and job, the mix of power caps and pause that meets every
event and site cap at least cost (energy, carbon, lost work), each job within its slowdown allowance over
its run and every deadline met. A linear program, or a mixed-integer one where a pause is yes/no (a job
with a restart cost: training), solved by HiGHS from arrays (:class:`gigawatt.power.lp.LPBuilder`).

Per flexible job j and active interval t: ``lam[t, k]`` (share of the interval at measured operating point
k), ``run[t]`` = Σ_k lam (the rest of the interval is paused), ``pause[t]`` ≥ run[t-1] - run[t] (each pause
costs ``restart_hours`` of work). Work = Σ_t hours x Σ_k lam x throughput_k - restart_hours x Σ pause.
Site: ``site[t]`` = PUE x (Σ jobs' power + fixed load); ``site - short ≤ event target``, ``site - over ≤ cap``
(short and over priced at the shortfall penalty), ramp limits either way, and (with a ramp limit) no ramp
down for an event before its notice.
A pause of a yes/no job is offered only where it could pay: an event, a cap or a notice window, or an
energy price above the value of the job's work per MWh (elsewhere it only caps).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from gigawatt.errors import InfeasibleError
from gigawatt.power.lp import LPBuilder
from gigawatt.operations.inputs import ScheduleInputs, upper_hull
from gigawatt.scenario import Solver

INF = np.inf
TIE_BREAK_USD = 1e-3  # per pause of a job without a restart cost: of equal schedules, the one with fewest pauses


@dataclass
class Decision:
    """What a schedule does: per job, its accelerator power (MW) and throughput share in each interval and
    its pauses; the site's draw (MW at the meter)."""

    job_power_mw: np.ndarray  # (jobs, intervals)
    job_throughput: np.ndarray  # (jobs, intervals), share of full speed while active
    pauses: np.ndarray  # (jobs,) count
    site_mw: np.ndarray
    facts: dict  # solver facts (status, seconds, gap, size)


def _may_pause(inputs: ScheduleInputs, job, active: np.ndarray) -> np.ndarray:
    """Where a yes/no pause of ``job`` is offered (see the module doc), over its active intervals; a job
    with a deadline may wait anywhere in its window (its work is fixed, so waiting costs nothing itself)."""
    if job.work_hours is not None:
        return np.ones(int(active.sum()), dtype=bool)
    pressure = np.isfinite(inputs.target_mw) | np.isfinite(inputs.cap_mw) | inputs.hold
    worth_usd_per_mwh = job.value_usd_per_hour / (job.power_mw * inputs.pue) if job.power_mw > 0 else INF
    pressure |= inputs.energy_price() * (1 - job.paused_share) > worth_usd_per_mwh
    if inputs.ramp_mw_per_interval is not None:  # a slow ramp may need the pause to start before the event
        reach = int(np.ceil(inputs.flat_mw.max() / inputs.ramp_mw_per_interval)) + 1
        pressure = np.convolve(pressure.astype(float), np.ones(2 * reach + 1), mode="same") > 0
    return pressure[active]


def optimise(inputs: ScheduleInputs, solver: Solver) -> Decision:
    """The least-cost schedule (see the module doc)."""
    started = time.perf_counter()
    b = LPBuilder()
    T = len(inputs.index)
    h = inputs.step_hours
    site = b.variables("site", T, cost=inputs.energy_price() * h)
    balance: list[tuple] = [(np.arange(T), site, 1.0)]
    fixed_mw = np.full(T, inputs.other_mw)
    integer: list[np.ndarray] = []
    handles = []
    for j, job in enumerate(inputs.jobs):
        if not job.flexible:
            fixed_mw = fixed_mw + job.flat_power_mw
            handles.append(None)
            continue
        t = np.flatnonzero(job.active)
        keep = upper_hull(job.points_power, job.points_throughput, job.paused_share if job.can_pause else None)
        points_power, points_throughput = job.points_power[keep], job.points_throughput[keep]
        n, K = len(t), len(keep)
        value = 0.0 if job.work_hours is not None else job.value_usd_per_hour  # a deadline job's work is fixed
        lam = b.variables(f"lam({job.name})", n * K, cost=np.tile(-value * h * points_throughput, n), upper=1.0).reshape(n, K)
        may = _may_pause(inputs, job, job.active) if job.restart_hours > 0 else np.ones(n, dtype=bool)
        run_lower = np.where(may, 0.0, 1.0) if job.can_pause else 1.0
        run = b.variables(f"run({job.name})", n, lower=run_lower, upper=1.0)
        b.constraints(f"mix({job.name})", n, [(np.arange(n)[:, None], lam, 1.0), (np.arange(n), run, -1.0)], lower=0.0, upper=0.0)
        # accelerator power at the meter: PUE x P x (Σ lam power_k + (1 - run) paused)
        balance.append((t[:, None], lam, -inputs.pue * job.power_mw * points_power))
        balance.append((t, run, inputs.pue * job.power_mw * job.paused_share))
        fixed_mw = fixed_mw + np.where(job.active, job.power_mw * job.paused_share, 0.0)
        work_terms = [(0, lam, h * points_throughput)]
        pause = None
        if job.can_pause:
            pause = b.variables(f"pause({job.name})", n, cost=value * job.restart_hours + TIE_BREAK_USD)
            previous = np.r_[-1, np.arange(n - 1)]
            terms = [(np.arange(n), pause, 1.0), (np.arange(n), run, 1.0)]
            terms.append((np.arange(1, n), run[previous[1:]], -1.0))
            b.constraints(f"restart({job.name})", n, terms, lower=np.r_[1.0, np.zeros(n - 1)])
            if job.restart_hours > 0:
                work_terms.append((0, pause, -job.restart_hours))
                integer.append(run[may])
        if job.work_hours is not None:
            b.constraints(f"work({job.name})", 1, work_terms, lower=job.work_hours, upper=job.work_hours)
        elif job.max_slowdown < 1:
            b.constraints(f"tier({job.name})", 1, work_terms, lower=n * h - job.max_slowdown * job.run_hours)
        handles.append((t, lam, run, pause, points_power, points_throughput))
    b.constraints("balance", T, balance, lower=inputs.pue * fixed_mw, upper=inputs.pue * fixed_mw)
    penalty = inputs.penalty_usd_per_mwh * h
    for name, limit in (("event", inputs.target_mw), ("cap", inputs.cap_mw)):
        where = np.flatnonzero(np.isfinite(limit))
        if len(where):
            slack = b.variables(f"{name}_short", len(where), cost=penalty)
            b.constraints(name, len(where), [(np.arange(len(where)), site[where], 1.0), (np.arange(len(where)), slack, -1.0)], upper=limit[where])
    where = np.flatnonzero(inputs.hold)
    if len(where):
        b.constraints("notice", len(where), [(np.arange(len(where)), site[where], 1.0)], lower=inputs.hold_floor_mw[where] - 1e-9)
    if inputs.ramp_mw_per_interval is not None:
        ramp = inputs.ramp_mw_per_interval
        b.constraints("ramp", T, [(np.arange(T), site, 1.0), (np.arange(1, T), site[:-1], -1.0)],
                      lower=np.r_[inputs.flat_mw[0] - ramp, np.full(T - 1, -ramp)], upper=np.r_[inputs.flat_mw[0] + ramp, np.full(T - 1, ramp)])
    lp = b.lp()
    built_s = time.perf_counter() - started
    x, facts = _solve(lp, np.concatenate(integer) if integer else np.zeros(0, dtype=int), solver)
    facts["build_s"] = built_s
    power = np.zeros((len(inputs.jobs), T))
    throughput = np.zeros((len(inputs.jobs), T))
    pauses = np.zeros(len(inputs.jobs))
    for j, job in enumerate(inputs.jobs):
        if handles[j] is None:
            power[j] = job.flat_power_mw
            throughput[j] = np.where(job.active, 1.0, 0.0) if job.work_hours is None else job.flat_power_mw / max(job.power_mw, 1e-12)
            continue
        t, lam, run, pause, points_power, points_throughput = handles[j]
        mix = x[lam]
        power[j, t] = job.power_mw * (mix @ points_power + (1 - x[run]) * job.paused_share)
        throughput[j, t] = mix @ points_throughput
        pauses[j] = float(np.round(x[pause].sum(), 6)) if pause is not None else 0.0
    return Decision(job_power_mw=power, job_throughput=throughput, pauses=pauses, site_mw=x[site], facts=facts)


def _solve(lp, integer: np.ndarray, solver: Solver) -> tuple[np.ndarray, dict]:
    """HiGHS on the arrays (a MIP when ``integer`` names columns); the solution and the solve's facts."""
    import highspy

    from gigawatt.power.solve import highs_model, solver_options, stdout_elsewhere, solver_version

    options = solver_options(solver)
    started = time.perf_counter()
    with stdout_elsewhere(False):  # HiGHS prints its banner on stdout, which would corrupt --json
        h = highs_model(lp, options)
        if len(integer):
            h.changeColsIntegrality(len(integer), integer.astype(np.int32), np.full(len(integer), highspy.HighsVarType.kInteger))
        h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    facts = {"name": "highs", "version": solver_version("highs"), "columns": lp.shape[1], "rows": lp.shape[0], "integers": int(len(integer)),
             "seconds": time.perf_counter() - started, "condition": h.modelStatusToString(status).lower().replace(" ", "_"),
             "mip_gap": float(info.mip_gap) if len(integer) else 0.0}
    solved = status == highspy.HighsModelStatus.kOptimal or (len(integer) and info.primal_solution_status == 2)
    if not solved:
        raise InfeasibleError(f"the schedule could not be solved ({facts['condition']}); loosen solver.time_limit_s or the jobs' deadlines")
    facts["status"] = "ok"
    facts["objective_usd"] = float(info.objective_function_value)
    return np.asarray(h.getSolution().col_value), facts

"""The scheduler's optimisation: per interval and job, the mix of power caps and pause that meets every
event and site cap at least cost (energy, carbon, lost work), each job within its slowdown allowance over
its run and every deadline met. A linear program, or a mixed-integer one where a pause is yes/no (a job
with a restart cost: training), solved by HiGHS from arrays (:class:`gigawatt.power.lp.LPBuilder`).

The intervals are grouped into *stretches* first: a run of intervals with the same energy price (carbon
included), the same jobs active and nothing that ties the jobs together within an interval (no event, cap,
notice window or ramp limit) is one stretch, of length w; every other interval is a stretch of its own
(w = 1). Within a stretch the intervals are interchangeable for each job on its own, so only how much of it
a job runs at each operating point matters, and, for a yes/no job, how many of its intervals it is paused
in: the pauses of a least-cost schedule sit at the stretch's two ends (a paused head and tail), as any other
order pays more restarts for the same energy and work. This is exact, and it keeps the mixed-integer model
small: with one interval to a decision, a price that makes pausing pay in every interval left hundreds of
yes/no columns whose LP relaxation spread a thin pause over every interval (a restart paid in fractions),
and branch-and-bound could not tell the many equal placements apart (issue 24: a carbon price of 10,000
USD/t at 2,000 g/kWh on the Phoenix demonstration's six jobs ran 15 minutes unsolved; its free stretches
now solve at once).

Per flexible job j and stretch u of w intervals: ``lam[u, k]`` (intervals at measured operating point k,
summed), ``run[u]`` = Σ_k lam (the rest is paused), and the pauses that begin: ``enter[u]`` ≥ (running at
the end of u-1) - (running at the start of u), plus, for a yes/no job on a stretch, a paused tail after a
running middle (``tail_on``); each costs ``restart_hours`` of work. A yes/no job's run on a single interval
is 0 or 1; on a stretch it is w - head - tail (whole numbers), with ``head_on``, ``run_on`` and ``tail_on``
saying which parts are there; and ``paused_at_all`` (yes/no) is 1 when the job is paused anywhere, which then
needs a pause to begin: true of every schedule, it lets branch-and-bound charge a whole restart where the LP
relaxation charges only the share of a pause it spreads over the intervals (that schedule, its event's
intervals still one by one, is optimal in 15-20 s with it, not proven in 400 s without). Work = Σ hours x Σ lam x throughput_k - restart_hours x pauses.
Site: w x ``site[u]`` = PUE x (Σ jobs' power + fixed load), summed over u; ``site - short ≤ event target``,
``site - over ≤ cap`` (short and over priced at the shortfall penalty), ramp limits either way, and (with a
ramp limit) no ramp down for an event before its notice.
A pause of a yes/no job is offered only where it could pay: an event, a cap or a notice window, or an
energy price above the value of the job's work per MWh (elsewhere it only caps).
The objective carries the value of all the jobs' work as a constant, so that it is the schedule's total cost
(energy, carbon, work lost, shortfalls at their penalty) and a MIP gap is a share of it; a mixed-integer solve
without solver.time_limit_s stops at :data:`DEFAULT_TIME_LIMIT_S` with its best schedule and says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from gigawatt.core.errors import InfeasibleError
from gigawatt.power.lp import LPBuilder, SiteLP
from gigawatt.operations.inputs import ScheduleInputs, upper_hull
from gigawatt.core.inputs import Solver

INF = np.inf
TIE_BREAK_USD = 1e-3  # per pause of a job without a restart cost: of equal schedules, the one with fewest pauses
# a mixed-integer solve given no solver.time_limit_s stops here with the best schedule found and its gap: the
# examples solve to optimality in under 10 s; what takes longer (an event no schedule can meet, a ramp limit
# with pauses paying everywhere) has its per-interval yes/no pauses coupled within an interval, where the
# stretches cannot merge them, and is told with its gap
DEFAULT_TIME_LIMIT_S = 60.0


@dataclass
class Decision:
    """What a schedule does: per job, its accelerator power (MW) and throughput share in each interval and
    its pauses; the site's draw (MW at the meter)."""

    job_power_mw: np.ndarray  # (jobs, intervals)
    job_throughput: np.ndarray  # (jobs, intervals), share of full speed while active
    pauses: np.ndarray  # (jobs,) count
    site_mw: np.ndarray
    facts: dict  # solver facts (status, seconds, gap, size)


def _may_pause(inputs: ScheduleInputs, job) -> np.ndarray:
    """Where a yes/no pause of ``job`` is offered (see the module doc), per interval (False where it is not
    active); a job with a deadline may wait anywhere in its window (its work is fixed, so waiting costs
    nothing itself)."""
    if job.work_hours is not None or job.restart_hours == 0:
        return job.active.copy()
    pressure = np.isfinite(inputs.target_mw) | np.isfinite(inputs.cap_mw) | inputs.hold
    worth_usd_per_mwh = job.value_usd_per_hour / (job.power_mw * inputs.pue) if job.power_mw > 0 else INF
    pressure |= inputs.energy_price() * (1 - job.paused_share) > worth_usd_per_mwh
    if inputs.ramp_mw_per_interval is not None:  # a slow ramp may need the pause to start before the event
        reach = np.ceil(inputs.flat_mw.max() / inputs.ramp_mw_per_interval) + 1
        if reach >= len(pressure):  # a ramp slower than the schedule is long reaches across all of it
            pressure = np.full(len(pressure), pressure.any())
        else:
            pressure = np.convolve(pressure.astype(float), np.ones(2 * int(reach) + 1), mode="same") > 0
    return pressure & job.active


def stretches(inputs: ScheduleInputs, may: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The stretches (see the module doc): the first interval and the length of each."""
    T = len(inputs.index)
    if inputs.ramp_mw_per_interval is not None:  # a ramp limit ties every interval to the next
        return np.arange(T), np.ones(T, dtype=int)
    coupled = np.isfinite(inputs.target_mw) | np.isfinite(inputs.cap_mw) | inputs.hold
    price = inputs.energy_price()
    new = np.ones(T, dtype=bool)
    new[1:] = coupled[1:] | coupled[:-1] | (price[1:] != price[:-1])
    for job, offered in zip(inputs.jobs, may):
        new[1:] |= (job.active[1:] != job.active[:-1]) | (offered[1:] != offered[:-1])
    starts = np.flatnonzero(new)
    return starts, np.diff(np.r_[starts, T])


@dataclass
class _Job:
    """A flexible job's columns: its stretches (positions in the stretch list), their lengths, lam, run,
    the pauses that begin, and for a yes/no job on stretches, which stretches and their head and tail."""

    units: np.ndarray
    width: np.ndarray
    lam: np.ndarray  # (stretches, points)
    run: np.ndarray
    points_power: np.ndarray
    points_throughput: np.ndarray
    enter: np.ndarray | None = None
    ordered: np.ndarray | None = None  # bool per stretch of the job: head and tail columns below
    head: np.ndarray | None = None
    tail: np.ndarray | None = None
    tail_on: np.ndarray | None = None


def _pauses(b: LPBuilder, job, c: _Job, may: np.ndarray, value: float, integer: list[np.ndarray]) -> list[tuple]:
    """The pause columns and rows of a job that may pause (see the module doc); returns the work terms they add."""
    n, w = len(c.units), c.width.astype(float)
    cost = value * job.restart_hours + TIE_BREAK_USD
    yes_no = job.restart_hours > 0
    c.ordered = yes_no & may & (w > 1)
    if yes_no:
        integer.append(c.run[may & (w == 1)])
    # running at each stretch's start and at its end: a constant and (position, column, coefficient) terms
    plain = np.flatnonzero(~c.ordered)
    first_const = np.zeros(n)
    first = [(plain, c.run[plain], 1.0 / w[plain])]
    last = [(plain, c.run[plain], 1.0 / w[plain])]
    where = np.flatnonzero(c.ordered)
    m = len(where)
    if m:
        rows, width = np.arange(m), w[where]
        c.head = b.variables(f"head({job.name})", m, upper=width, integer=True)
        c.tail = b.variables(f"tail({job.name})", m, upper=width, integer=True)
        head_on = b.variables(f"head_on({job.name})", m, upper=1.0, integer=True)
        run_on = b.variables(f"run_on({job.name})", m, upper=1.0, integer=True)
        c.tail_on = b.variables(f"tail_on({job.name})", m, cost=cost, upper=1.0, integer=True)  # a tail is a pause that begins
        b.constraints(f"parts({job.name})", m, [(rows, c.run[where], 1.0), (rows, c.head, 1.0), (rows, c.tail, 1.0)], lower=width, upper=width)
        for part, on in (("head", (c.head, head_on)), ("run", (c.run[where], run_on)), ("tail", (c.tail, c.tail_on))):
            # a part is there (at least one interval) exactly when its switch is on
            b.constraints(f"{part}_on({job.name})", m, [(rows, on[0], 1.0), (rows, on[1], -1.0)], lower=0.0)
            b.constraints(f"{part}_off({job.name})", m, [(rows, on[0], 1.0), (rows, on[1], -width)], upper=0.0)
        b.constraints(f"tail_after_run({job.name})", m, [(rows, run_on, 1.0), (rows, c.tail_on, -1.0)], lower=0.0)
        first_const[where] = 1.0
        first.append((where, head_on, -1.0))
        last += [(where, run_on, 1.0), (where, c.tail_on, -1.0)]
    c.enter = b.variables(f"pause({job.name})", n, cost=cost)
    # enter[i] ≥ (running at the end of i-1) - (running at the start of i); before the first, the job ran
    terms = [(np.arange(n), c.enter, 1.0), *first]
    for position, column, coefficient in last:
        coefficient = np.broadcast_to(coefficient, len(position))
        keep = position < n - 1
        terms.append((position[keep] + 1, column[keep], -coefficient[keep]))
    b.constraints(f"restart({job.name})", n, terms, lower=np.r_[1.0, np.zeros(n - 1)] - first_const)
    if yes_no and may.any():  # paused at all (see the module doc)
        at = np.flatnonzero(may)
        k = len(at)
        paused = b.variables(f"paused_at_all({job.name})", 1, upper=1.0, integer=True)
        b.constraints(f"paused_at_all({job.name})", k, [(np.arange(k), c.run[at], 1.0 / w[at]), (np.arange(k), np.repeat(paused, k), 1.0)], lower=1.0)
        b.row(f"a_pause_begins({job.name})", [(c.enter, 1.0), *([(c.tail_on, 1.0)] if m else []), (paused, -1.0)], lower=0.0)
    work = []
    if yes_no:
        work.append((0, c.enter, -job.restart_hours))
        if m:
            work.append((0, c.tail_on, -job.restart_hours))
    return work


def build(inputs: ScheduleInputs) -> tuple[SiteLP, np.ndarray, list[_Job | None], np.ndarray]:
    """The schedule's model (see the module doc): the LP, its whole-number columns, each job's columns (None
    for a job that runs flat) and the first interval of each stretch."""
    b = LPBuilder()
    T = len(inputs.index)
    h = inputs.step_hours
    may = [_may_pause(inputs, job) for job in inputs.jobs]
    starts, width = stretches(inputs, may)
    U = len(starts)
    unit_of = np.repeat(np.arange(U), width)  # each interval's stretch
    site = b.variables("site", U, cost=inputs.energy_price()[starts] * h * width)  # each stretch's mean draw, MW
    balance: list[tuple] = [(np.arange(U), site, width.astype(float))]
    fixed_mw = np.bincount(unit_of, weights=np.full(T, inputs.other_mw), minlength=U)  # summed over each stretch's intervals
    integer: list[np.ndarray] = []
    made: list[_Job | None] = []
    for j, job in enumerate(inputs.jobs):
        if not job.flexible:
            fixed_mw += np.bincount(unit_of, weights=job.flat_power_mw, minlength=U)
            made.append(None)
            continue
        units = np.flatnonzero(job.active[starts])
        w = width[units].astype(float)
        offered = may[j][starts[units]]
        keep = upper_hull(job.points_power, job.points_throughput, job.paused_share if job.can_pause else None)
        points_power, points_throughput = job.points_power[keep], job.points_throughput[keep]
        n, K = len(units), len(keep)
        value = 0.0 if job.work_hours is not None else job.value_usd_per_hour  # a deadline job's work is fixed
        lam = b.variables(f"lam({job.name})", n * K, cost=np.tile(-value * h * points_throughput, n), upper=np.repeat(w, K)).reshape(n, K)
        run = b.variables(f"run({job.name})", n, lower=np.where(offered, 0.0, w) if job.can_pause else w, upper=w)
        c = _Job(units=units, width=width[units], lam=lam, run=run, points_power=points_power, points_throughput=points_throughput)
        b.constraints(f"mix({job.name})", n, [(np.arange(n)[:, None], lam, 1.0), (np.arange(n), run, -1.0)], lower=0.0, upper=0.0)
        # accelerator power at the meter: PUE x P x (Σ lam power_k + (w - run) paused)
        balance.append((units[:, None], lam, -inputs.pue * job.power_mw * points_power))
        balance.append((units, run, inputs.pue * job.power_mw * job.paused_share))
        fixed_mw[units] += job.power_mw * job.paused_share * w
        work_terms = [(0, lam, h * points_throughput)]
        if job.can_pause:
            work_terms += _pauses(b, job, c, offered, value, integer)
        if job.work_hours is not None:
            b.constraints(f"work({job.name})", 1, work_terms, lower=job.work_hours, upper=job.work_hours)
        elif job.max_slowdown < 1:
            b.constraints(f"tier({job.name})", 1, work_terms, lower=job.active.sum() * h - job.max_slowdown * job.run_hours)
        made.append(c)
    b.constraints("balance", U, balance, lower=inputs.pue * fixed_mw, upper=inputs.pue * fixed_mw)
    penalty = inputs.penalty_usd_per_mwh * h
    # the rows below are on intervals that are stretches of their own (width 1): site[unit_of[t]] is interval t's draw
    for name, limit in (("event", inputs.target_mw), ("cap", inputs.cap_mw)):
        where = np.flatnonzero(np.isfinite(limit))
        if len(where):
            slack = b.variables(f"{name}_short", len(where), cost=penalty)
            b.constraints(name, len(where), [(np.arange(len(where)), site[unit_of[where]], 1.0), (np.arange(len(where)), slack, -1.0)], upper=limit[where])
    where = np.flatnonzero(inputs.hold)
    if len(where):
        b.constraints("notice", len(where), [(np.arange(len(where)), site[unit_of[where]], 1.0)], lower=inputs.hold_floor_mw[where] - 1e-9)
    if inputs.ramp_mw_per_interval is not None:  # every interval is a stretch of its own
        ramp = inputs.ramp_mw_per_interval
        b.constraints("ramp", T, [(np.arange(T), site, 1.0), (np.arange(1, T), site[:-1], -1.0)],
                      lower=np.r_[inputs.flat_mw[0] - ramp, np.full(T - 1, -ramp)], upper=np.r_[inputs.flat_mw[0] + ramp, np.full(T - 1, ramp)])
    lp = b.lp()
    return lp, np.concatenate([*integer, lp.integer]).astype(int), made, starts


def optimise(inputs: ScheduleInputs, solver: Solver) -> Decision:
    """The least-cost schedule (see the module doc); :class:`InfeasibleError` naming the input that binds
    when there is none."""
    started = time.perf_counter()
    lp, integer, made, starts = build(inputs)
    built_s = time.perf_counter() - started
    # the value of every job's whole work, as the objective's constant: the objective is then the schedule's
    # total cost (energy, carbon, work lost, shortfalls), and a MIP gap a share of it
    offset = sum(job.value_usd_per_hour * job.active.sum() * inputs.step_hours for job in inputs.jobs if job.flexible and job.work_hours is None)
    x, facts = _solve(lp, integer, solver, offset)
    if x is None:
        raise InfeasibleError(_why_not(inputs, solver, facts))
    facts["build_s"] = built_s
    facts["stretches"] = len(starts)
    T = len(inputs.index)
    power = np.zeros((len(inputs.jobs), T))
    throughput = np.zeros((len(inputs.jobs), T))
    pauses = np.zeros(len(inputs.jobs))
    for j, job in enumerate(inputs.jobs):
        c = made[j]
        if c is None:
            power[j] = job.flat_power_mw
            throughput[j] = np.where(job.active, 1.0, 0.0) if job.work_hours is None else job.flat_power_mw / max(job.power_mw, 1e-12)
            continue
        power[j], throughput[j] = _intervals(x, c, job, starts)
        pauses[j] = float(np.round(x[c.enter].sum() + (x[c.tail_on].sum() if c.tail_on is not None else 0.0), 6)) if c.enter is not None else 0.0
    return Decision(job_power_mw=power, job_throughput=throughput, pauses=pauses, site_mw=inputs.site_mw(power.sum(axis=0)), facts=facts)


def _intervals(x: np.ndarray, c: _Job, job, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A job's power (MW) and throughput share per interval from the solution: on a stretch, the same mix in
    every interval, or for a yes/no job its paused head, its running middle at the stretch's mean mix, and its
    paused tail."""
    T = len(job.active)
    power, throughput = np.zeros(T), np.zeros(T)
    mix = x[c.lam]  # (stretches, points): intervals at each point
    running = x[c.run]
    heads = np.zeros(len(c.units), dtype=int)
    tails = np.zeros(len(c.units), dtype=int)
    if c.head is not None:
        heads[c.ordered] = np.round(x[c.head]).astype(int)
        tails[c.ordered] = np.round(x[c.tail]).astype(int)
    for i, u in enumerate(c.units):
        begin, w = int(starts[u]), int(c.width[i])
        middle = slice(begin + heads[i], begin + w - tails[i])
        count = w - heads[i] - tails[i]
        if c.ordered is not None and c.ordered[i]:
            share = mix[i] / count if count else np.zeros_like(mix[i])
            power[begin:begin + w] = job.power_mw * job.paused_share
            power[middle] = job.power_mw * (share @ c.points_power)
            throughput[middle] = share @ c.points_throughput
        else:
            share = mix[i] / w
            power[middle] = job.power_mw * (share @ c.points_power + (1 - running[i] / w) * job.paused_share)
            throughput[middle] = share @ c.points_throughput
    return power, throughput


def _solve(lp: SiteLP, integer: np.ndarray, solver: Solver, offset: float = 0.0) -> tuple[np.ndarray | None, dict]:
    """HiGHS on the arrays (a MIP when ``integer`` names columns, stopped at :data:`DEFAULT_TIME_LIMIT_S`
    unless ``solver.time_limit_s`` says otherwise), with ``offset`` added to the objective; the solution (None
    if none was found) and the solve's facts."""
    import highspy

    from gigawatt.power.solve import highs_model, solver_options, stdout_elsewhere, solver_version

    options = solver_options(solver)
    limited = bool(len(integer)) and solver.time_limit_s is None
    if limited:
        options["time_limit"] = DEFAULT_TIME_LIMIT_S
    started = time.perf_counter()
    with stdout_elsewhere(False):  # HiGHS prints its banner on stdout, which would corrupt --json
        h = highs_model(lp, options)
        h.changeObjectiveOffset(offset)
        if len(integer):
            h.changeColsIntegrality(len(integer), integer.astype(np.int32), np.full(len(integer), highspy.HighsVarType.kInteger))
        h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    facts = {"name": "highs", "version": solver_version("highs"), "columns": lp.shape[1], "rows": lp.shape[0], "integers": int(len(integer)),
             "seconds": time.perf_counter() - started, "condition": h.modelStatusToString(status).lower().replace(" ", "_"),
             "mip_gap": float(info.mip_gap) if len(integer) else 0.0, "time_limit_s": options.get("time_limit"), "default_time_limit": limited}
    solved = status == highspy.HighsModelStatus.kOptimal or (len(integer) and info.primal_solution_status == 2)
    if not solved:
        return None, facts
    facts["status"] = "ok"
    facts["objective_usd"] = float(info.objective_function_value)
    return np.asarray(h.getSolution().col_value), facts


def _why_not(inputs: ScheduleInputs, solver: Solver, facts: dict) -> str:
    """Why no schedule was found, naming the input that binds: the time limit, else the ramp limit (when the
    schedule is feasible without it), else what is left."""
    if facts["condition"] == "time_limit_reached":
        limit = f"its default {DEFAULT_TIME_LIMIT_S:g} s" if facts["default_time_limit"] else f"solver.time_limit_s = {solver.time_limit_s:g} s"
        return f"the solve found no schedule in {limit} ({facts['integers']:,} yes/no pauses to place); give solver.time_limit_s more seconds"
    if inputs.ramp_mw_per_interval is not None:
        loose = replace(inputs, ramp_mw_per_interval=None, hold=np.zeros_like(inputs.hold))
        lp, _, _, _ = build(loose)
        x, _ = _solve(lp, np.zeros(0, dtype=int), Solver())
        if x is not None:
            ramp = inputs.ramp_mw_per_interval
            moving = [f"jobs[{job.name}].{'deadline' if job.work_hours is not None else 'start'}" for job in inputs.jobs
                      if not job.active[0] or not job.active[-1] or job.work_hours is not None]
            what = f"the jobs that start, stop or must do their work within it ({', '.join(moving)})" if moving else "the jobs' draw"
            return (f"signals.ramp_mw_per_min = {ramp / inputs.step_minutes:g} MW/min leaves no schedule: the site's draw may change by "
                    f"{ramp:.4g} MW an interval, too little to follow {what}; raise it (the schedule is feasible without it)")
    return (f"the schedule could not be solved ({facts['condition']}); check the jobs' deadlines and work_hours, and the signals' ramp "
            "limit")

"""The Phoenix demonstration's rule-based policies, as baselines beside the optimisation (so that its gain
is measured, not claimed). Each acts interval by interval, only when an event or a cap asks for less than
the site's flat draw, and at once (no ramp limit):

- ``caps-fair``: one power cap for every job that may slow down, lowered until the site meets the request,
  no job below the throughput its tier allows during the requests (its allowance spread over them) nor
  below its curve's knee;
- ``caps-pauses-fair``: the same, and where caps at the knee are not enough, whole jobs are paused (the most
  flexible first, then the largest) if their allowance covers a pause through the requests.

Jobs with a deadline and jobs that may not slow down run flat.
"""

from __future__ import annotations

import numpy as np

from gigawatt.operations.inputs import ScheduleInputs
from gigawatt.operations.optimise import Decision

POLICIES = ("caps-fair", "caps-pauses-fair")
BISECTION_STEPS = 40  # halvings of the common cap: 1e-12 of a share


def _floors(inputs: ScheduleInputs, asked: np.ndarray) -> tuple[list[int], np.ndarray, np.ndarray]:
    """The jobs that bend, the lowest power share each may run at during the requests, and whether each may
    be paused through them (its allowance covers the requested intervals and its restart)."""
    bend = [j for j, job in enumerate(inputs.jobs) if job.max_slowdown > 0 and job.work_hours is None]
    floor = np.ones(len(inputs.jobs))
    pausable = np.zeros(len(inputs.jobs), dtype=bool)
    for j in bend:
        job = inputs.jobs[j]
        hours = float((asked & job.active).sum()) * inputs.step_hours
        allowance = job.max_slowdown * job.run_hours
        least = 1.0 - allowance / hours if hours else 0.0  # the throughput share that uses the allowance up
        floor[j] = max(job.power_for(max(least, 0.0)), job.knee_share)
        pausable[j] = job.can_pause and allowance >= hours + job.restart_hours
    return bend, floor, pausable


def rule(inputs: ScheduleInputs, policy: str) -> Decision:
    """The schedule a rule-based policy makes (see the module doc)."""
    T = len(inputs.index)
    limit = np.minimum(inputs.target_mw, inputs.cap_mw)
    asked = limit < inputs.flat_mw - 1e-12
    bend, floor, pausable = _floors(inputs, asked)
    share = np.ones((len(inputs.jobs), T))  # running power share of each job
    paused = np.zeros((len(inputs.jobs), T), dtype=bool)
    order = sorted((j for j in bend if pausable[j]), key=lambda j: (-inputs.jobs[j].max_slowdown, -inputs.jobs[j].power_mw))
    for t in np.flatnonzero(asked):
        active = [j for j in bend if inputs.jobs[j].active[t]]

        def draw(cap: float, stopped: set[int]) -> float:
            mw = inputs.flat_mw[t] / inputs.pue - inputs.other_mw
            for j in active:
                job = inputs.jobs[j]
                kept = job.paused_share if j in stopped else max(cap, floor[j])
                mw -= job.power_mw * (1 - kept)
            return inputs.pue * (mw + inputs.other_mw)

        stopped: set[int] = set()
        if policy == "caps-pauses-fair":
            for j in order:
                if draw(0.0, stopped) <= limit[t] or not inputs.jobs[j].active[t]:
                    break
                stopped.add(j)
        low, high = 0.0, 1.0  # the highest common cap that meets the request (or the floors, if none does)
        if draw(0.0, stopped) <= limit[t]:
            for _ in range(BISECTION_STEPS):
                middle = (low + high) / 2
                low, high = (middle, high) if draw(middle, stopped) <= limit[t] else (low, middle)
        for j in active:
            share[j, t] = inputs.jobs[j].paused_share if j in stopped else max(low, floor[j])
            paused[j, t] = j in stopped
    power = np.zeros((len(inputs.jobs), T))
    throughput = np.zeros((len(inputs.jobs), T))
    pauses = np.zeros(len(inputs.jobs))
    for j, job in enumerate(inputs.jobs):
        if j not in bend:
            power[j] = job.flat_power_mw
            throughput[j] = np.where(job.active, 1.0, 0.0) if job.work_hours is None else job.flat_power_mw / max(job.power_mw, 1e-12)
            continue
        power[j] = np.where(job.active, job.power_mw * share[j], 0.0)
        throughput[j] = np.where(job.active & ~paused[j], [job.throughput_at(s) for s in share[j]], 0.0)
        pauses[j] = float((np.diff(np.r_[False, paused[j]].astype(int)) == 1).sum())
    site = inputs.site_mw(power.sum(axis=0))
    return Decision(job_power_mw=power, job_throughput=throughput, pauses=pauses, site_mw=site, facts={"policy": policy})

"""What a schedule did, in the project's result shape: the site's trace against its targets, each job's
throughput kept and completion, energy, cost and CO2 against running flat, ramps and swings, each event met
or its shortfall with the jobs that bound it, the rule-based baselines beside it, and the flexibility it
proves in the form ``gigawatt plan`` takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gigawatt.operations.inputs import ScheduleInputs
from gigawatt.operations.optimise import Decision

TOLERANCE_MW = 1e-6  # an event is met when its shortfall is below this in every interval (solver tolerance)
BOUND = 1e-6  # a job's allowance is used up (it binds) within this share of it


def evaluate(inputs: ScheduleInputs, d: Decision) -> dict[str, Any]:
    """The figures of a schedule ``d`` (also of the rule-based baselines, on the same terms): energy MWh,
    energy and carbon cost USD, CO2 t, lost work USD, shortfall MWh, total cost USD, weighted performance."""
    h = inputs.step_hours
    energy = float(d.site_mw.sum() * h)
    limit = np.minimum(inputs.target_mw, inputs.cap_mw)
    short = np.where(np.isfinite(limit), d.site_mw - limit, 0.0)
    short = np.where(short > TOLERANCE_MW, short, 0.0)  # the solver's tolerance is not a shortfall
    lost_usd, jobs = 0.0, []
    for j, job in enumerate(inputs.jobs):
        hours = float(job.active.sum() * h)
        work = float(d.job_throughput[j].sum() * h - job.restart_hours * d.pauses[j])
        if job.work_hours is None:
            lost = hours - work
            lost_usd += lost * job.value_usd_per_hour
            retained = work / hours if hours else 1.0
            allowed = job.max_slowdown * job.run_hours
            within = lost <= allowed + BOUND * max(allowed, 1.0)
            completion = None
        else:
            lost, allowed, retained = 0.0, 0.0, 1.0
            done = np.cumsum(d.job_throughput[j] * h)
            finished = np.flatnonzero(done >= job.work_hours - 1e-6)
            completion = (inputs.index[finished[0]] + pd.Timedelta(hours=h)).isoformat(sep=" ") if len(finished) else None
            within = completion is not None
        jobs.append({"name": job.name, "kind": job.kind, "accelerators": job.accelerators, "max_slowdown": job.max_slowdown,
                     "throughput_retained": retained, "lost_work_hours": lost, "allowance_hours": allowed, "pauses": int(round(d.pauses[j])),
                     "completion": completion, "deadline_met": completion is not None if job.work_hours is not None else None,
                     "within_tier": bool(within), "binds": bool(job.max_slowdown > 0 and allowed > 0 and lost >= allowed * (1 - 1e-4))})
    weights = np.array([job.accelerators for job in inputs.jobs], dtype=float)
    performance = float(np.dot(weights, [j["throughput_retained"] for j in jobs]) / weights.sum())
    energy_usd = float((d.site_mw * inputs.price_usd_per_mwh).sum() * h)
    co2_t = float((d.site_mw * inputs.carbon_g_per_kwh).sum() * h / 1000.0)
    carbon_usd = co2_t * inputs.carbon_price_usd_per_t
    shortfall = float(short.sum() * h)
    return {"energy_mwh": energy, "energy_cost_usd": energy_usd, "co2_t": co2_t, "carbon_cost_usd": carbon_usd, "lost_work_usd": lost_usd,
            "shortfall_mwh": shortfall, "total_cost_usd": energy_usd + carbon_usd + lost_usd + shortfall * inputs.penalty_usd_per_mwh,
            "weighted_performance": performance, "jobs": jobs, "short_mw": short}


def least_mw(inputs: ScheduleInputs) -> np.ndarray:
    """The least the site can draw in each interval, MW at the meter: the load that does not bend, the jobs
    that run flat, the jobs that may not pause at their lowest power cap, and the others paused."""
    least = np.full(len(inputs.index), inputs.other_mw)
    for job in inputs.jobs:
        if not job.flexible:
            least = least + job.flat_power_mw
        else:
            share = job.paused_share if job.can_pause else float(job.points_power.min())
            least = least + np.where(job.active, job.power_mw * share, 0.0)
    return inputs.pue * least


def bound_by(inputs: ScheduleInputs, d: Decision, jobs: list[dict], missed: np.ndarray, limit: np.ndarray) -> list[str]:
    """The inputs that keep the site above ``limit`` in the ``missed`` intervals, named as the scenario names
    them: what no schedule can go below (the load that does not bend, the jobs that may not slow or pause),
    else the ramp limit where it is reached, else the jobs' slowdown allowances used up and the deadlines."""
    floor = least_mw(inputs)
    worst = missed[np.argmax((d.site_mw - limit)[missed])]
    if floor[worst] > limit[worst] + TOLERANCE_MW:
        parts = []
        if inputs.other_mw > 0:
            parts.append(f"other_load_kw ({inputs.pue * inputs.other_mw:,.4g} MW at the meter)")
        fixed = [job.name for job in inputs.jobs if not job.flexible and job.active[worst]]
        if fixed:
            parts.append(f"jobs that may not slow ({', '.join(f'jobs[{name}].flex = 0' for name in fixed)})")
        stuck = [job.name for job in inputs.jobs if job.flexible and not job.can_pause and job.active[worst]]
        if stuck:
            parts.append(f"jobs that may not pause, at their lowest cap ({', '.join(f'jobs[{name}].can_pause = false' for name in stuck)})")
        if any(job.flexible and job.can_pause and job.paused_share > 0 and job.active[worst] for job in inputs.jobs):
            parts.append("paused accelerators' idle draw (catalog paused_accelerator_power_share)")
        return [f"no schedule can draw less than {floor[worst]:,.4g} MW at {inputs.index[worst]:%Y-%m-%d %H:%M}: {'; '.join(parts)}"]
    out = []
    if inputs.ramp_mw_per_interval is not None:
        steps = np.abs(np.diff(np.r_[inputs.flat_mw[0], d.site_mw]))
        reach = int(min(np.ceil(inputs.flat_mw.max() / inputs.ramp_mw_per_interval) + 1, len(steps)))
        near = steps[max(int(missed[0]) - reach, 0):int(missed[-1]) + 1]
        if (near >= inputs.ramp_mw_per_interval * (1 - 1e-6) - TOLERANCE_MW).any():
            out.append(f"signals.ramp_mw_per_min ({inputs.ramp_mw_per_interval / inputs.step_minutes:g} MW/min, reached on the way down)")
    spent = [j["name"] for j in jobs if j["binds"]]
    if spent:
        out.append(f"the slowdown allowances used up by {', '.join(f'jobs[{name}]' for name in spent)} (flex or max_slowdown)")
    due = [job.name for job in inputs.jobs if job.work_hours is not None and job.active[missed].any()]
    if due:
        out.append(f"the work due by {', '.join(f'jobs[{name}].deadline' for name in due)}")
    fixed = [job.name for job in inputs.jobs if not job.flexible and job.active[missed].any()]
    if fixed:
        out.append(f"jobs that may not slow ({', '.join(f'jobs[{name}].flex = 0' for name in fixed)})")
    return out or ["the jobs' restart costs and allowances together"]


def cap_misses(inputs: ScheduleInputs, d: Decision, jobs: list[dict]) -> list[dict[str, Any]]:
    """Each run of intervals where the site draws above its cap: when, which input sets the cap, by how much
    and what binds (:func:`bound_by`)."""
    over = (d.site_mw - inputs.cap_mw > TOLERANCE_MW) & np.isfinite(inputs.cap_mw)
    out = []
    if not over.any():
        return out
    where = np.flatnonzero(over)
    breaks = np.flatnonzero((np.diff(where) > 1) | (inputs.cap_from[where][1:] != inputs.cap_from[where][:-1])) + 1
    for run in np.split(where, breaks):
        excess = d.site_mw[run] - inputs.cap_mw[run]
        out.append({"start": inputs.index[run[0]].isoformat(sep=" "), "end": (inputs.index[run[-1]] + pd.Timedelta(hours=inputs.step_hours)).isoformat(sep=" "),
                    "source": str(inputs.cap_from[run[0]]), "largest_excess_mw": float(excess.max()), "excess_mwh": float(excess.sum() * inputs.step_hours),
                    "bound_by": bound_by(inputs, d, jobs, run, inputs.cap_mw)})
    return out


def _event_report(inputs: ScheduleInputs, d: Decision, jobs: list[dict]) -> list[dict[str, Any]]:
    out = []
    for event in inputs.events:
        inside = event["intervals"]
        flat, site, target = inputs.flat_mw[inside], d.site_mw[inside], inputs.target_mw[inside]
        short = np.maximum(site - target, 0.0)
        # the ramp: from the first fall below the draw at the notice to the target (0 if already below it)
        noticed = event["noticed"]
        level = d.site_mw[noticed - 1] if noticed > 0 else inputs.flat_mw[0]
        reached = np.flatnonzero(d.site_mw[noticed:] <= inputs.target_mw[inside[0]] + TOLERANCE_MW)
        began = np.flatnonzero(d.site_mw[noticed:] < level * (1 - 1e-3))
        ramp_minutes = None
        if level <= inputs.target_mw[inside[0]] + TOLERANCE_MW:
            ramp_minutes = 0.0
        elif len(reached) and len(began):
            ramp_minutes = float((reached[0] - began[0] + 1) * inputs.step_minutes)
        met = bool(short.max() <= TOLERANCE_MW)
        out.append({
            "start": event["start"], "duration_minutes": event["duration_minutes"], "reduce_pct": event["reduce_pct"], "reduce_mw": event["reduce_mw"],
            "notice_minutes": event["notice_minutes"], "flat_mw": float(flat.mean()), "target_mw": float(target.mean()), "mean_mw": float(site.mean()),
            "depth_pct": float(100 * (1 - site.mean() / flat.mean())) if flat.mean() > 0 else 0.0, "met": met,
            "shortfall_mwh": float(short.sum() * inputs.step_hours), "largest_shortfall_mw": float(short.max()),
            "minutes_to_target": ramp_minutes,
            "binding_jobs": [] if met else [j["name"] for j in jobs if j["binds"] or j["max_slowdown"] == 0],
            "source": event["source"],
            "bound_by": [] if met else bound_by(inputs, d, jobs, inside[short > TOLERANCE_MW], inputs.target_mw),
        })
    return out


@dataclass
class Schedule:
    """A schedule's result (see the module doc). Power in MW at the meter, energy MWh, money USD."""

    name: str
    start: str
    hours: float
    interval_minutes: float
    policy: str
    energy_mwh: float
    flat_energy_mwh: float
    energy_cost_usd: float
    flat_energy_cost_usd: float
    co2_t: float
    flat_co2_t: float
    carbon_cost_usd: float
    lost_work_usd: float
    shortfall_mwh: float
    total_cost_usd: float
    flat_total_cost_usd: float
    weighted_performance: float
    flat_mw: float  # the site's largest flat draw
    max_ramp_mw_per_min: float
    largest_swing_mw: float
    events: list[dict[str, Any]]
    jobs: list[dict[str, Any]]
    baselines: dict[str, dict[str, Any]]
    flexibility: dict[str, Any]
    solver: dict[str, Any]
    trace: pd.DataFrame = field(repr=False)
    job_power: pd.DataFrame = field(repr=False)
    job_throughput: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("trace", "job_power", "job_throughput")}

    def to_frames(self) -> dict[str, pd.DataFrame]:
        return {"trace": self.trace, "jobs": pd.DataFrame(self.jobs), "job_power": self.job_power, "job_throughput": self.job_throughput}


def _summary(inputs: ScheduleInputs, d: Decision, figures: dict[str, Any]) -> dict[str, Any]:
    events = _event_report(inputs, d, figures["jobs"])
    return {k: figures[k] for k in ("energy_mwh", "energy_cost_usd", "co2_t", "lost_work_usd", "shortfall_mwh", "total_cost_usd", "weighted_performance")} | {
        "events_met": sum(e["met"] for e in events), "events": len(events),
        "depth_pct": [e["depth_pct"] for e in events], "jobs_within_tier": sum(j["within_tier"] for j in figures["jobs"])}


def schedule_result(inputs: ScheduleInputs, best: Decision, baselines: dict[str, Decision], flat: Decision) -> Schedule:
    """The :class:`Schedule` of the optimum ``best``, with the baselines and the flat run beside it."""
    figures = evaluate(inputs, best)
    flat_figures = evaluate(inputs, flat)
    events = _event_report(inputs, best, figures["jobs"])
    step = np.diff(np.r_[inputs.flat_mw[0], best.site_mw])
    index = inputs.index
    names = [job.name for job in inputs.jobs]
    trace = pd.DataFrame({
        "timestamp": index.strftime("%Y-%m-%d %H:%M"), "site_mw": best.site_mw, "flat_mw": inputs.flat_mw,
        "target_mw": np.where(np.isfinite(inputs.target_mw), inputs.target_mw, np.nan),
        "cap_mw": np.where(np.isfinite(inputs.cap_mw), inputs.cap_mw, np.nan), "shortfall_mw": figures["short_mw"],
        "price_usd_per_mwh": inputs.price_usd_per_mwh, "carbon_g_per_kwh": inputs.carbon_g_per_kwh,
        **{f"{policy}_mw": decision.site_mw for policy, decision in baselines.items()},
    })
    job_power = pd.DataFrame(best.job_power_mw.T, columns=names).assign(timestamp=trace["timestamp"])[["timestamp", *names]]
    job_throughput = pd.DataFrame(best.job_throughput.T, columns=names).assign(timestamp=trace["timestamp"])[["timestamp", *names]]
    saved_mwh = flat_figures["energy_mwh"] - figures["energy_mwh"]
    reductions = [e["flat_mw"] - e["mean_mw"] for e in events if e["met"]]
    in_events = np.zeros(len(index), dtype=bool)
    for event in inputs.events:
        in_events[event["intervals"]] = True
    event_mwh = float(((inputs.flat_mw - best.site_mw) * in_events).sum() * inputs.step_hours)
    share = event_mwh / flat_figures["energy_mwh"] if flat_figures["energy_mwh"] else 0.0
    flexibility = {
        "energy_given_up_mwh": saved_mwh, "energy_share": saved_mwh / flat_figures["energy_mwh"] if flat_figures["energy_mwh"] else 0.0,
        "events_met": len(reductions), "smallest_reduction_mw": min(reductions) if reductions else 0.0,
        "event_hours": float(sum(e["duration_minutes"] for e in events) / 60), "event_energy_mwh": event_mwh,
        # what `gigawatt plan` takes (constraints.flexible_share): the energy given up in the events met, as a
        # share of the flat energy over this schedule's span (none without events: prices alone prove no request)
        "plan": {"constraints.flexible_share": max(share, 0.0)} if reductions else {},
    }
    return Schedule(
        name=inputs.name, start=index[0].isoformat(sep=" "), hours=len(index) * inputs.step_hours, interval_minutes=inputs.step_minutes,
        policy="optimised", energy_mwh=figures["energy_mwh"], flat_energy_mwh=flat_figures["energy_mwh"],
        energy_cost_usd=figures["energy_cost_usd"], flat_energy_cost_usd=flat_figures["energy_cost_usd"], co2_t=figures["co2_t"],
        flat_co2_t=flat_figures["co2_t"], carbon_cost_usd=figures["carbon_cost_usd"], lost_work_usd=figures["lost_work_usd"],
        shortfall_mwh=figures["shortfall_mwh"], total_cost_usd=figures["total_cost_usd"],
        flat_total_cost_usd=flat_figures["energy_cost_usd"] + flat_figures["carbon_cost_usd"],  # flat ignores the requests: no penalty
        weighted_performance=figures["weighted_performance"], flat_mw=float(inputs.flat_mw.max()),
        max_ramp_mw_per_min=float(np.abs(step).max() / inputs.step_minutes), largest_swing_mw=float(best.site_mw.max() - best.site_mw.min()),
        events=events, jobs=figures["jobs"], baselines={p: _summary(inputs, d, evaluate(inputs, d)) for p, d in baselines.items()},
        flexibility=flexibility, solver=best.facts, trace=trace, job_power=job_power, job_throughput=job_throughput,
    )

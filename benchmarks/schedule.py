"""How long `gigawatt schedule` takes on a week of 5-minute intervals x 50 jobs. Prints figures; asserts nothing.

    python benchmarks/schedule.py [--days 7] [--interval 5] [--jobs 50] [--threads N]

A 1 GW H100 campus (PUE 1.2, hosts, network and storage as fixed load) runs a mix of pre-training,
fine-tuning, batch and online inference jobs over the flexibility tiers (a few batch jobs with deadlines)
against the ERCOT summer-week price proxy (examples/schedule/ercot-summer-week-prices.csv, hourly) and
three curtailment events. The scenario is built here as a dict and validated with ScheduleScenario.
Printed for (1) the scenario as it is, a mixed-integer program where training jobs' pauses are yes/no (they
lose restart_minutes of work each), and (2) the same scenario with every restart_minutes 0, a pure linear
program (pauses still allowed, at no restart cost): intervals, jobs, LP columns, rows and integers, the
model's build and solve seconds and MIP gap (result.solver), the total of `gigawatt.operations.schedule`
(inputs, optimisation, the rule-based baselines and the result), and the goal (total under 10 s).
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import pandas as pd

from gigawatt.operations import schedule
from gigawatt.operations.scenario import ScheduleScenario

PRICES = Path(__file__).resolve().parents[1] / "examples" / "schedule" / "ercot-summer-week-prices.csv"
START = pd.Timestamp("2023-08-14 00:00")
GOAL_S = 10.0
HOST_W = 720  # H100 SXM hosts, network and storage per GPU (catalog: 575 + 110 + 35 W)
# (kind, flex, accelerators): a cycle of 10 jobs, repeated to the count asked for (50: 593,920 GPUs, about 1 GW)
MIX = [("pre_training", 3, 24576), ("pre_training", 2, 24576), ("fine_tuning", 1, 4096), ("fine_tuning", 2, 8192),
       ("batch_inference", 3, 12288), ("batch_inference", 2, 8192), ("online_inference", 0, 16384), ("pre_training", 3, 8192),
       ("batch_inference", 1, 4096), ("online_inference", 0, 8192)]


def scenario(days: float, interval: float, count: int) -> dict:
    """The benchmark's schedule as a dict (see the module doc)."""
    jobs = []
    for i in range(count):
        kind, flex, accelerators = MIX[i % len(MIX)]
        job = {"name": f"{kind}_{i:02d}", "kind": kind, "accelerators": accelerators, "flex": flex}
        if kind == "batch_inference" and i % 3 == 0:  # a third of batch jobs: fixed work due by a deadline
            job = {"name": job["name"], "kind": kind, "accelerators": job["accelerators"],
                   "work_hours": round(days * 24 * 0.6, 2), "deadline": str(START + pd.Timedelta(days=days))}
        jobs.append(job)
    gpus = sum(job["accelerators"] for job in jobs)
    event_days = [d for d in (0.6, 3.6, 6.6) if d * 24 + 3 <= days * 24]  # afternoons, 14:24 local
    events = [{"start": str(START + pd.Timedelta(days=d)), "duration_minutes": 150, "reduce_pct": 15 + 5 * (n % 2), "notice_minutes": 60}
              for n, d in enumerate(event_days)]
    return {"name": f"benchmark: {days:g} days x {interval:g}-minute intervals x {count} jobs", "start": str(START), "hours": days * 24,
            "interval_minutes": interval, "accelerator": "H100 SXM", "pue": 1.2, "other_load_kw": gpus * HOST_W / 1000, "jobs": jobs,
            "signals": {"price_csv": str(PRICES), "events": events}}


def timed(data: dict, threads: int | None) -> tuple[dict, float, str]:
    """The schedule's solver facts, its total seconds and a line of its figures."""
    if threads:
        data = {**data, "solver": {"threads": threads}}
    model = ScheduleScenario.model_validate(data)
    started = time.perf_counter()
    result, _ = schedule(model)
    total = time.perf_counter() - started
    figures = (f"{result.flat_mw:,.0f} MW flat; events met {sum(e['met'] for e in result.events)} of {len(result.events)}; "
               f"cost {result.total_cost_usd / 1e6:,.2f} M USD (flat energy {result.flat_energy_cost_usd / 1e6:,.2f} M), "
               f"weighted performance {result.weighted_performance:.3f}")
    return result.solver, total, figures


def report(label: str, intervals: int, jobs: int, solver: dict, total: float, figures: str) -> None:
    print(f"{label}: {figures}")
    print(f"  {intervals:,} intervals x {jobs} jobs: {solver['columns']:,} columns, {solver['rows']:,} rows, {solver['integers']:,} integer; "
          f"build {solver['build_s']:.2f} s, solve {solver['seconds']:.2f} s ({solver['condition']}, gap {solver['mip_gap']:.2%}); "
          f"total {total:.2f} s (goal < {GOAL_S:g} s: {'met' if total < GOAL_S else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--interval", type=float, default=5, help="minutes")
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    data = scenario(args.days, args.interval, args.jobs)
    intervals = round(args.days * 24 * 60 / args.interval)
    timed(scenario(0.25, args.interval, 3), args.threads)  # imports and catalog reads warm: start-up, not the job
    print(data["name"])
    report("(1) MILP, yes/no pauses for training jobs", intervals, args.jobs, *timed(data, args.threads))
    lp = copy.deepcopy(data)
    for job in lp["jobs"]:
        job["restart_minutes"] = 0
    report("(2) LP, every restart_minutes 0", intervals, args.jobs, *timed(lp, args.threads))


if __name__ == "__main__":
    main()

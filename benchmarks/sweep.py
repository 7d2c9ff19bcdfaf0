"""What a sweep adds to its plans, and how it scales from 1 to 2 workers. Prints figures; asserts nothing.

    python benchmarks/sweep.py [--points 40] [--big 100] [--segments 365]

A grid of typical-period plans of examples/west-texas-grid-gas.yaml (gas price x grid import limit) is run
(1) point after point in this process through the API with no store — the peer, what a user's own loop
would cost; (2) as a sweep on a LocalCluster of 1 worker, then of 2 workers, each into a fresh store.
Printed: the cluster's start-up, wall time of each, and the sweep's overhead per point, measured two ways:
(a) the 1-worker sweep's wall time per point less the model's own time per point in that worker (what the
sweep adds: scheduling, moving inputs and results, validation, the store's look-up and write) and (b) its
wall time against the plain loop in this process (which adds the difference between two processes on a
shared machine, often ±10%); both as a share of one plan's time. Then the parallel efficiency from 1 to 2
workers, and a --big point sweep on 2 workers, end to end.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from gigawatt import api
from gigawatt.sweep.design import Axis, points
from gigawatt.sweep.runner import run_sweep, validate

GAS = Path(__file__).resolve().parents[1] / "examples" / "west-texas-grid-gas.yaml"


def grid(count: int) -> list[dict]:
    """About ``count`` points: gas price x grid import limit."""
    side = max(2, int(np.ceil(np.sqrt(count))))
    axes = [Axis("supply.limits.gas_recip.fuel_price_usd_per_mmbtu", tuple(np.round(np.linspace(2, 8, side), 3))),
            Axis("grid.import_mw", tuple(float(v) for v in np.linspace(0, 1200, side)))]
    return points("grid", axes)[:count]


def swept(chosen, inputs, workers: int, folder: Path):
    """The sweep's result (with its start-up and points timings) on a fresh store."""
    result = run_sweep("plan", chosen, inputs, store=str(folder / f"w{workers}-{len(chosen)}.sqlite"), workers=workers)
    assert all(r["status"] == "done" for r in result.rows), [r for r in result.rows if r["status"] != "done"][:1]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=40)
    parser.add_argument("--big", type=int, default=100)
    parser.add_argument("--segments", type=int, default=365)
    args = parser.parse_args()
    base = [f"site.screening_segments={args.segments}"]
    chosen = grid(args.points)
    inputs = validate("plan", GAS, chosen, base)
    api.run("plan", inputs[0], store=None)  # imports warm, as in a worker that has run a point
    started = time.perf_counter()
    for point_inputs in inputs:
        api.run("plan", point_inputs, store=None)
    loop_s = time.perf_counter() - started
    per_plan = loop_s / len(inputs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one = swept(chosen, inputs, 1, folder)
        two = swept(chosen, inputs, 2, folder)
        big = grid(args.big) if args.big else []
        started = time.perf_counter()
        if big:
            swept(big, validate("plan", GAS, big, base), 2, folder)
        big_s = time.perf_counter() - started
    overhead = (one.points_s - loop_s) / len(inputs)
    model_s = sum(r["seconds"] for r in one.rows) / len(inputs)  # each point's model time, in the worker
    added = one.points_s / len(inputs) - model_s
    print(f"{len(inputs)} typical-period plans ({args.segments} segments): plain loop in one process {loop_s:.1f} s ({per_plan:.2f} s a plan)")
    print(f"sweep, 1 worker: {one.startup_s + one.points_s:.1f} s = start-up (cluster, warming the worker) {one.startup_s:.1f} s + points {one.points_s:.1f} s")
    print(f"(a) sweep overhead per point, wall less the model's own time in the worker ({model_s:.3f} s): "
          f"{added * 1e3:+.0f} ms = {added / model_s:+.1%} of a plan (goal < 10%)")
    print(f"(b) sweep wall per point against the plain loop in this process: {overhead * 1e3:+.0f} ms = {overhead / per_plan:+.1%} of a plan")
    print(f"sweep, 2 workers: start-up {two.startup_s:.1f} s + points {two.points_s:.1f} s; "
          f"parallel efficiency 1 -> 2 workers: {one.points_s / (2 * two.points_s):.0%} (goal >= 80%)")
    if big:
        print(f"{len(big)}-point sweep on 2 workers, end to end: {big_s:.1f} s ({big_s / len(big):.2f} s a point)")


if __name__ == "__main__":
    main()

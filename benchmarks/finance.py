"""Time the pro forma beside the plan it prices: what `gigawatt finance` adds to `gigawatt plan`, and one 30-year
pro forma alone. The issue's target: a 30-year pro forma adds under 50 ms to a plan. Prints figures; asserts nothing.

    python benchmarks/finance.py [--repeats 20] [--screening 48]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from gigawatt import api
from gigawatt.compute.sizing import size
from gigawatt.core.results import json_safe
from gigawatt.project_finance.campus import campus_finance

CAMPUS = Path(__file__).resolve().parents[1] / "examples" / "finance" / "west-texas-campus.yaml"


def main(repeats: int, screening: int | None) -> None:
    overrides = ["finance.analysis_years=30", *([f"site.screening_segments={screening}"] if screening else [])]
    scenario = api.load_inputs("finance", CAMPUS, overrides)
    started = time.perf_counter()
    plan = api.run("plan", scenario, store=None)
    plan_s = time.perf_counter() - started
    sizing = json_safe(size(scenario).to_dict())
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        campus_finance(scenario, sizing, plan.data)
        times.append(time.perf_counter() - started)
    median_ms = 1e3 * statistics.median(times)
    print(f"plan ({'every hour' if not screening else f'{screening} segments'}): {plan_s:.2f} s")
    print(f"two 30-year pro formas (campus and supply, each with its break-even search): median {median_ms:.1f} ms, "
          f"min {1e3 * min(times):.1f} ms over {repeats}")
    print(f"ratio: the pro formas add {median_ms / (1e3 * plan_s):.1%} to the plan")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--screening", type=int, default=None, help="solve the plan on this many time segments")
    args = parser.parse_args()
    main(args.repeats, args.screening)

"""Time the pro forma beside the plan it prices: what `gigawatt finance` adds to `gigawatt plan`, on the bundled
finance campus and on the phased campus (three phases). The issue's target: a 30-year pro forma for a phased plan
adds under 50 ms to the plan. Prints figures; asserts nothing.

    python benchmarks/finance.py [--repeats 20] [--screening 48]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from gigawatt import api
from gigawatt.project_finance.job import price

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASES = {"finance campus": EXAMPLES / "finance" / "west-texas-campus.yaml", "phased campus": EXAMPLES / "phased-campus.yaml"}


def main(repeats: int, screening: int | None) -> None:
    for label, path in CASES.items():
        overrides = ["finance={analysis_years: 30}" if "phased" in label else "finance.analysis_years=30",
                     *([f"site.screening_segments={screening}"] if screening else [])]
        scenario = api.load_inputs("finance", path, overrides)
        started = time.perf_counter()
        plan = api.run("plan", scenario, store=None)
        plan_s = time.perf_counter() - started
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            price(scenario, plan.data)  # the cluster sized again (each phase) and both pro formas
            times.append(time.perf_counter() - started)
        median_ms = 1e3 * statistics.median(times)
        print(f"{label}: plan ({'as the scenario says' if not screening else f'{screening} segments'}) {plan_s:.2f} s; "
              f"sizing and two 30-year pro formas (each with its break-even search): median {median_ms:.1f} ms, "
              f"min {1e3 * min(times):.1f} ms over {repeats}; they add {median_ms / (1e3 * plan_s):.1%} to the plan")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--screening", type=int, default=None, help="solve the plan on this many time segments")
    args = parser.parse_args()
    main(args.repeats, args.screening)

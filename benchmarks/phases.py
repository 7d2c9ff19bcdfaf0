"""A campus that grows, planned jointly over its phases: how long the multi-period plan takes. Prints a table; asserts nothing.

    python benchmarks/phases.py [--segments 240,730] [--phases 3,6]

Cases: the example ``examples/phased-campus.yaml`` (3 phases) and a 6-phase campus on the same site
(300 MW in 2026-07 growing to 3 GW in 2031-01 on three accelerator generations, the grid from 2029-01).
Each is planned end to end in this process (``plan_power``, no run store) with each count of typical time
segments a period. Columns: the build seconds (series, aggregation and the stitched LP), the joint
solve's HiGHS seconds, the myopic sequence's seconds (one LP a period), end-to-end seconds, the stitched
LP's rows and columns, and the net present cost of the joint path against the myopic sequence's.
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import pandas as pd
import yaml

from gigawatt.power.planner import plan_power
from gigawatt.core.inputs import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "gigawatt" / "examples" / "phased-campus.yaml"
SIX = [
    {"date": "2026-07", "power_mw": 300},
    {"date": "2027-01", "power_mw": 600},
    {"date": "2027-07", "power_mw": 1200},
    {"date": "2029-01", "power_mw": 2000, "accelerator": "Vera Rubin"},
    {"date": "2030-01", "power_mw": 2500, "accelerator": "Vera Rubin"},
    {"date": "2031-01", "power_mw": 3000, "accelerator": "Vera Rubin"},
]


def case(phases: int) -> dict:
    data = yaml.safe_load(EXAMPLE.read_text())
    if phases == 6:
        data = copy.deepcopy(data)
        data["phases"] = SIX
        data["grid"]["import_mw"] = 3000
    elif phases != 3:
        data["phases"] = SIX[:phases]
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", default="96,240,730", help="typical time segments a period, comma-separated")
    parser.add_argument("--phases", default="3,6", help="phase counts, comma-separated (3: the example; 6: the six-phase campus)")
    args = parser.parse_args()
    rows = []
    for count in (int(p) for p in args.phases.split(",")):
        for segments in (int(s) for s in args.segments.split(",")):
            scenario = parse_scenario(case(count))
            started = time.perf_counter()
            plan = plan_power(scenario, segments=segments)
            total = time.perf_counter() - started
            ph = plan.phased
            rows.append({
                "phases": count, "segments": segments, "build_s": ph["seconds"]["build"], "solve_s": ph["seconds"]["solve"],
                "myopic_s": ph["seconds"]["myopic"], "total_s": total, "rows": ph["lp_shape"][0], "columns": ph["lp_shape"][1],
                "npv_musd": ph["npv_usd"] / 1e6, "myopic_npv_musd": ph["myopic_npv_usd"] / 1e6, "saving": f"{ph['saving_share']:.2%}",
            })
            print(pd.DataFrame(rows[-1:]).to_string(index=False, float_format=lambda v: f"{v:,.2f}"), flush=True)
    print()
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()

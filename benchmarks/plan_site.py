"""Time a one-year hourly site plan with every option enabled. Prints figures; asserts nothing.

    python benchmarks/plan_site.py [SCENARIO.yaml] [--segments N]

Reports model build time, solve time, end-to-end time, and the overhead: end-to-end over HiGHS solving
the same model read from the saved LP file (target < 1.5 on 2 cores; end-to-end target < 10 s).

Then the screening mode (``gigawatt plan --screening N``: N chronological time segments, default
:data:`gigawatt.power.aggregate.DEFAULT_SEGMENTS`) against the full year, on the scenario as given and
with an 80% carbon-free share (where storage, solar and wind decide the plan): aggregate+build+solve+read
time, speed-up, and the errors in annual cost, capacities and storage energy.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import highspy

from gigawatt import load_scenario
from gigawatt.power.aggregate import DEFAULT_SEGMENTS, aggregate
from gigawatt.power.inputs import PlanInputs
from gigawatt.power.lp import build_lp
from gigawatt.power.plan import plan_inputs
from gigawatt.power.results import PowerPlan
from gigawatt.power.solve import optimise, write_lp

EVERY_OPTION = "[utility_pv, onshore_wind, battery_li_ion, gas_cc, gas_ct_aero, gas_recip, fuel_cell, nuclear_smr, diesel_backup]"
SCREENING_CASES = {"as given": [], "80% carbon-free": ["constraints.carbon_free_share=0.8"]}


def timed_plan(inputs: PlanInputs, segments: int | None = None) -> tuple[PowerPlan, float]:
    """The plan and the seconds to (aggregate,) build, solve and read it."""
    start = time.perf_counter()
    if segments is not None:
        inputs = aggregate(inputs, segments)
    return optimise(inputs), time.perf_counter() - start


def screening(path: str, segments: int) -> None:
    """Screening against the full year: speed-up and errors, one block per case."""
    for case, overrides in SCREENING_CASES.items():
        inputs = plan_inputs(load_scenario(path, [f"supply.technologies={EVERY_OPTION}", *overrides]))
        full, full_s = timed_plan(inputs)
        fast, fast_s = timed_plan(inputs, segments)
        peak_mw = float(inputs.load_mw.max())
        techs = [t for t in inputs.options if full.capacity_mw.get(t, 0) or fast.capacity_mw.get(t, 0)]
        worst = max(techs, key=lambda t: abs(fast.capacity_mw[t] - full.capacity_mw[t]))
        print(f"screening, {case}: {segments} segments of {len(inputs.load_mw)} hours")
        print(f"  time: full year {full_s:.2f} s, screening {fast_s:.2f} s (aggregate+build+solve+read), speed-up {full_s / fast_s:.1f}x")
        print(f"  annual cost: full {full.annual_cost_usd / 1e6:,.1f} M USD, screening {fast.annual_cost_usd / 1e6:,.1f} M USD, "
              f"error {fast.annual_cost_usd / full.annual_cost_usd - 1:+.2%}; LCOE {full.lcoe_usd_per_mwh:.2f} vs {fast.lcoe_usd_per_mwh:.2f} USD/MWh")
        print(f"  capacity MW (full -> screening): {', '.join(f'{t} {full.capacity_mw[t]:,.0f} -> {fast.capacity_mw[t]:,.0f}' for t in techs)}")
        print(f"  largest capacity error: {worst} {fast.capacity_mw[worst] - full.capacity_mw[worst]:+,.0f} MW "
              f"({(fast.capacity_mw[worst] - full.capacity_mw[worst]) / peak_mw:+.1%} of the {peak_mw:,.0f} MW peak load); "
              f"storage {full.storage_mwh:,.0f} -> {fast.storage_mwh:,.0f} MWh; "
              f"carbon-free share {full.carbon_free_share:.1%} -> {fast.carbon_free_share:.1%}")


def main() -> None:
    args = sys.argv[1:]
    segments = DEFAULT_SEGMENTS
    if "--segments" in args:
        at = args.index("--segments")
        segments = int(args[at + 1])
        del args[at : at + 2]
    path = args[0] if args else str(Path(__file__).parents[1] / "examples" / "west-texas-grid-gas.yaml")
    scenario = load_scenario(path, [f"supply.technologies={EVERY_OPTION}"])
    start = time.perf_counter()
    inputs = plan_inputs(scenario)
    series = time.perf_counter()
    lp = build_lp(inputs)
    built = time.perf_counter()
    plan = optimise(inputs)
    solved = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = write_lp(lp, Path(folder) / "plan.lp")
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.readModel(str(path))
        t0 = time.perf_counter()
        highs.run()
        solver_only = time.perf_counter() - t0
    end_to_end = (series - start) + (solved - built)
    print(f"hours: {len(inputs.load_mw)}, options: {len(inputs.options)}")
    print(f"series: {series - start:.2f} s, model build: {built - series:.2f} s, build+solve+read: {solved - built:.2f} s")
    print(f"end-to-end: {end_to_end:.2f} s, HiGHS alone on the LP: {solver_only:.2f} s, overhead ratio: {end_to_end / solver_only:.2f}")
    print(f"plan LCOE: {plan.lcoe_usd_per_mwh:.1f} USD/MWh, capacities: { {k: round(v) for k, v in plan.capacity_mw.items() if v} }")
    screening(path, segments)


if __name__ == "__main__":
    main()

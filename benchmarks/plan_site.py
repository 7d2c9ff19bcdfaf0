"""Time a one-year hourly site plan with every option enabled. Prints figures; asserts nothing.

    python benchmarks/plan_site.py [SCENARIO.yaml]

Reports model build time, solve time, end-to-end time, and the overhead: end-to-end over HiGHS solving
the same model read from the saved LP file (target < 1.5 on 2 cores; end-to-end target < 10 s).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import highspy

from gigawatt import load_scenario
from gigawatt.power.plan import plan_inputs
from gigawatt.power.build import build_network
from gigawatt.power.results import read_plan
from gigawatt.power.solve import create_model, solve

EVERY_OPTION = "[utility_pv, onshore_wind, battery_li_ion, gas_cc, gas_ct_aero, gas_recip, fuel_cell, nuclear_smr, diesel_backup]"


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parents[1] / "examples" / "west-texas-grid-gas.yaml")
    scenario = load_scenario(path, [f"supply.technologies={EVERY_OPTION}"])
    start = time.perf_counter()
    inputs = plan_inputs(scenario)
    series = time.perf_counter()
    network = build_network(inputs)
    create_model(network, inputs)
    built = time.perf_counter()
    network = build_network(inputs)
    solve(network, inputs)
    plan = read_plan(network, inputs)
    solved = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        lp = Path(folder) / "plan.lp"
        network.model.to_file(lp)
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.readModel(str(lp))
        t0 = time.perf_counter()
        highs.run()
        solver_only = time.perf_counter() - t0
    end_to_end = (series - start) + (solved - built)
    print(f"hours: {len(inputs.load_mw)}, options: {len(inputs.options)}")
    print(f"series: {series - start:.2f} s, model build: {built - series:.2f} s, build+solve+read: {solved - built:.2f} s")
    print(f"end-to-end: {end_to_end:.2f} s, HiGHS alone on the LP: {solver_only:.2f} s, overhead ratio: {end_to_end / solver_only:.2f}")
    print(f"plan LCOE: {plan.lcoe_usd_per_mwh:.1f} USD/MWh, capacities: { {k: round(v) for k, v in plan.capacity_mw.items() if v} }")


if __name__ == "__main__":
    main()

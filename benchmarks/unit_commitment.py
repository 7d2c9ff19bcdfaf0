"""Time a unit-commitment year against the LP. Prints figures; asserts nothing.

    python benchmarks/unit_commitment.py [SCENARIO.yaml] [--share S] [--time-limit SECONDS] [--gap G]

On the off-grid example (a full hourly year: solar, battery, gas engines and aeroderivatives), with the
carbon-free share S (default 0.44), solves the plan three ways: as the LP (no commitment), with the
linearised unit commitment and with the integer one (whole units, HiGHS's MIP under a time limit and a
relative gap) on gas_recip and gas_ct_aero. Prints build and solve seconds, the objective, the MIP's gap
and the units built; a linear UC never costs less than the LP, an integer one (to its gap) never less
than the linear one.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from gigawatt import load_scenario
from gigawatt.power.lp import build_lp
from gigawatt.power.plan import plan_inputs
from gigawatt.power.solve import highs_model, stdout_elsewhere

COMMITTABLE = ("gas_recip", "gas_ct_aero")
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "examples" / "west-texas-offgrid.yaml"))
    parser.add_argument("--share", type=float, default=0.44)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--gap", type=float, default=0.01)
    args = parser.parse_args()
    print(f"{'form':8} {'build s':>8} {'solve s':>8} {'objective USD':>16} {'vs LP':>7} {'gap':>7}  status, units built")
    lp_objective = None
    for form in ("none", "linear", "integer"):
        overrides = [f"supply.limits.{t}.commitment={form}" for t in COMMITTABLE if form != "none"]
        inputs = plan_inputs(load_scenario(args.scenario, overrides))
        inputs = replace(inputs, carbon_free_share=args.share or None)
        started = time.perf_counter()
        lp = build_lp(inputs)
        built_s = time.perf_counter() - started
        options = {"time_limit": args.time_limit, "mip_rel_gap": args.gap} if len(lp.integer) else {}
        h = highs_model(lp, options)
        started = time.perf_counter()
        with stdout_elsewhere(False):
            h.run()
        solve_s = time.perf_counter() - started
        info, status = h.getInfo(), h.modelStatusToString(h.getModelStatus())
        objective = info.objective_function_value
        gap = info.mip_gap if len(lp.integer) else 0.0
        x = list(h.getSolution().col_value)
        units = {t: round(x[lp.columns[f"p_nom({t})"].start] / inputs.options[t].commitment.unit_mw, 2)
                 for t in COMMITTABLE if inputs.options[t].commitment}
        lp_objective = lp_objective or objective
        print(f"{form:8} {built_s:8.2f} {solve_s:8.1f} {objective:16,.0f} {objective / lp_objective - 1:+7.2%} {gap:7.2%}  {status}, {units}", flush=True)


if __name__ == "__main__":
    main()

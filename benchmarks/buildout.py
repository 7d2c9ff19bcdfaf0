"""Time 10,000 Monte Carlo draws of a 10-year weekly build-out (target: under 5 s on 2 cores), without and
with its finance section (issue 26: a 10,000-draw build-out with finance under 5 s).

Every limit is active and uncertain, so each draw runs the whole pipeline. Run:
    python benchmarks/buildout.py [--draws N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gigawatt.build_out.simulation import simulate
from gigawatt.core.inputs import load_scenario
from gigawatt.build_out.scenario import BuildoutScenario

PRESET = Path(__file__).resolve().parents[1] / "examples" / "buildout" / "10gw.yaml"
FINANCE = PRESET.with_name("10gw-finance.yaml")  # the same programme with uncertain accelerator life and revenue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=10_000)
    args = parser.parse_args()
    # the 10 GW preset over ten years (2025-2034), all of its limits uncertain
    scenario = load_scenario(PRESET, ["end=2034-12"], model=BuildoutScenario)
    simulate(scenario, draws=100)  # warm-up: imports, catalog
    started = time.perf_counter()
    result = simulate(scenario, draws=args.draws, seed=1)
    seconds = time.perf_counter() - started
    weeks = len(result.periods)
    print(f"{args.draws:,} draws x {weeks} weeks: {seconds:.2f} s ({seconds / args.draws * 1e3:.3f} ms a draw)")
    last = result.periods.iloc[-1]
    print(f"online at {last['date']}: P10 {last['p10_online_gw']:.2f} / P50 {last['p50_online_gw']:.2f} / P90 {last['p90_online_gw']:.2f} GW")
    print(f"P(10 GW by 2029-12) = {result.check['probability']:.1%}")
    # the same with finance: capital by vintage, the charge at the drawn life and at the two lives compared
    scenario = load_scenario(FINANCE, ["end=2034-12"], model=BuildoutScenario)
    simulate(scenario, draws=100)
    started = time.perf_counter()
    result = simulate(scenario, draws=args.draws, seed=1)
    seconds = time.perf_counter() - started
    money = result.finance
    print(f"with finance: {args.draws:,} draws x {weeks} weeks: {seconds:.2f} s ({seconds / args.draws * 1e3:.3f} ms a draw)")
    print(f"P(revenue covers cost of capital) in {money['last_year']} = {money['coverage_probability_last_year']:.1%} "
          f"(3-year life {money['coverage_probability_last_year_short_life']:.1%}, 6-year {money['coverage_probability_last_year_long_life']:.1%})")


if __name__ == "__main__":
    main()

"""The reliability Monte Carlo against a published figure: the IEEE Reliability Test System (RTS-79) generating
system, 32 units of 3,405 MW, against its 8,736-hour load model at a 2,850 MW peak. Prints the Monte Carlo's LOLE
and EUE with their 95% intervals beside the published analytical figures (LOLE 9.39418 h/yr, EUE 1,176 MWh/yr;
sources in tests/adequacy/rts79.py) and an exact calculation from the same tables, with the time taken.
Asserts nothing (tests/adequacy/test_rts79.py does).

    python benchmarks/rts79.py [--years N] [--seed S]
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

from gigawatt.adequacy import ReliabilityInputs, UnitGroup, simulate

DATA = Path(__file__).resolve().parents[1] / "tests" / "adequacy" / "rts79.py"


def load_data():
    """The RTS-79 test-data module (loaded by path: this script shares its name)."""
    spec = importlib.util.spec_from_file_location("rts79_data", DATA)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rts = load_data()
    load = rts.hourly_load_mw()
    units = tuple(UnitGroup(rts.TECHNOLOGY[mw], float(mw), count, q, float(mttr))
                  for mw, (count, q, _mttf, mttr) in rts.UNITS.items())
    started = time.perf_counter()
    exact_lole, exact_eue = rts.analytical_indices(load)
    exact_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = simulate(ReliabilityInputs(load_mw=load, units=units), draws=args.years, seed=args.seed)
    seconds = time.perf_counter() - started
    print(f"IEEE RTS-79: {sum(u.count for u in units)} units, {sum(u.count * u.unit_mw for u in units):g} MW, "
          f"{load.size} h, peak {load.max():g} MW; Monte Carlo {args.years} years (seed {args.seed}): {seconds:.1f} s; "
          f"exact (COPT): {exact_seconds * 1e3:.1f} ms")
    print(f"  {'':10s} {'published':>10s} {'exact':>10s} {'Monte Carlo mean (95% CI)':>32s} {'MC / published':>15s}")
    for name, estimate, published, exact in (("LOLE h/yr", result.lole_hours_per_year, rts.PUBLISHED_LOLE_HOURS, exact_lole),
                                             ("EUE MWh/yr", result.eue_mwh_per_year, rts.PUBLISHED_EUE_MWH, exact_eue)):
        interval = f"{estimate.mean:.4g} ({estimate.low:.4g} .. {estimate.high:.4g})"
        print(f"  {name:10s} {published:>10.6g} {exact:>10.6g} {interval:>32s} {estimate.mean / published:>15.3f}")
    print(f"  events per year {result.events_per_year.mean:.3g}; draws for EUE +/-10%: {result.draws_for_eue_target}")


if __name__ == "__main__":
    main()

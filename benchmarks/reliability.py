"""Time the reliability Monte Carlo: 1,000 years of hourly draws for a 1 GW campus of 50 units. Prints figures;
asserts nothing (issue 27's target: under 10 s on 2 cores).

    python benchmarks/reliability.py [--years N] [--seed S]

The campus draws a flat 1,000 MW (a training cluster runs near its full power). Supply: 50 gas units of 22 MW
(1,100 MW, the catalog's aeroderivative outage figures: forced-outage rate 0.031, repair 31 h, RTS-GMLC 2019)
scaled to 22 MW each, a 200 MW / 800 MWh battery, and the cluster's power caps: 20% of the load for up to 4 hours
an event. Prints seconds, peak memory and the reliability figures with their 95% intervals.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from gigawatt.adequacy import Battery, ReliabilityInputs, UnitGroup, simulate
from gigawatt.adequacy.outages import HOURS_PER_YEAR

CAMPUS_MW = 1000.0
UNITS, UNIT_MW = 50, 22.0
BATTERY_MW, BATTERY_MWH = 200.0, 800.0
FLEXIBLE_SHARE, FLEXIBLE_MAX_HOURS = 0.2, 4.0  # indicative caps: power_capping.csv shows ~25% lower power for ~13% less throughput
KIB = 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    inputs = ReliabilityInputs(
        load_mw=np.full(HOURS_PER_YEAR, CAMPUS_MW),
        units=(UnitGroup.from_catalog("gas_ct_aero", UNITS, unit_mw=UNIT_MW),),
        battery=Battery(BATTERY_MW, BATTERY_MWH),
        flexible_share=FLEXIBLE_SHARE,
        flexible_max_hours=FLEXIBLE_MAX_HOURS,
    )
    started = time.perf_counter()
    result = simulate(inputs, draws=args.years, seed=args.seed)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB  # kilobytes on Linux
    print(f"{args.years} years x {HOURS_PER_YEAR} h, {UNITS} units of {UNIT_MW:g} MW against {CAMPUS_MW:g} MW: "
          f"{seconds:.2f} s, peak memory {peak_mib:.0f} MiB")
    for name in ("lole_hours_per_year", "eue_mwh_per_year", "availability", "events_per_year", "capped_hours_per_year"):
        estimate = getattr(result, name)
        print(f"  {name:24s} {estimate.mean:.6g}  (95% CI {estimate.low:.6g} .. {estimate.high:.6g})")
    print(f"  nines                    {result.nines:.2f}")
    print(f"  draws for EUE +/-10%     {result.draws_for_eue_target}")
    if len(result.events):
        print(f"  event duration h: median {result.events['duration_hours'].median():g}, max {result.events['duration_hours'].max():g}; "
              f"depth MW: median {result.events['depth_mw'].median():g}, max {result.events['depth_mw'].max():g}")


if __name__ == "__main__":
    main()

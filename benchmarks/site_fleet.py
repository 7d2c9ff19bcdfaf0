"""Screen and allocate 40 candidate sites (catalog regions) for a 20 GW programme in typical-period mode:
print the screening and allocation times and the plan cache's hit rate (target: under 60 s on 2 cores).

Forty candidates from 32 regions: eight regions appear twice with different size limits, as a planner
lists two parcels in one market, so their plans are solved once. Run: python benchmarks/site_fleet.py
"""

from __future__ import annotations

import time

from gigawatt import catalog
from gigawatt.siting.scenario import SitingProgramme
from gigawatt.core.inputs import parse_scenario
from gigawatt.siting.allocation import site

REGIONS = 32
CANDIDATES = 40


def programme() -> SitingProgramme:
    regions = catalog.regions()
    usable = regions[regions["jurisdiction"] != "restricted"]["region"].tolist()[:REGIONS]
    candidates = [{"region": r, "max_mw": 2000} for r in usable]
    candidates += [{"region": r, "max_mw": 1000, "name": f"{r} second parcel"} for r in usable[: CANDIDATES - len(usable)]]
    return parse_scenario({
        "name": "benchmark: 40 candidates", "start": "2026-01", "target_mw": 20000, "block_mw": 1000,
        "value_of_delay_usd_per_mw_month": 200000, "technologies": ["gas_recip", "gas_cc", "utility_pv", "battery_li_ion"],
        "candidates": candidates, "constraints": {"jurisdictions": ["us", "ally"], "max_region_share": 0.25, "min_sites": 8},
    }, model=SitingProgramme)


def main() -> None:
    p = programme()
    started = time.perf_counter()
    result = site(p)
    total = time.perf_counter() - started
    s = result.screening
    print(f"{s['candidates']} candidates: screening {s['seconds']:.1f} s ({s['plans_solved']} plans, cache hit rate "
          f"{s['cache_hit_rate']:.0%}, {s['mode']}), allocation and constraint costs {result.allocation_seconds:.2f} s, total {total:.1f} s")
    print(f"placed {result.total_capacity_mw / 1e3:.0f} GW at {result.annual_cost_usd / 1e9:.2f} B USD/yr, "
          f"{result.fleet_co2_g_per_kwh:.0f} g/kWh, in {len(result.allocations)} sites")


if __name__ == "__main__":
    main()

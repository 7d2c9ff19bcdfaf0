"""Time the Duke study's 22 systems x 4 limits over every whole year of the cleaned EIA-930 data, reading
included (target: under 2 s on 2 cores). Run: python benchmarks/headroom.py [DATA_DIR]"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from gigawatt import catalog
from gigawatt.grid import headroom as grid

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "eia930-cleaned"
FILES = ("cleaned_demand_2015_2019_by_ba.csv", "cleaned_demand_2020_2024_by_ba_subregion.csv")


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    grid.duke22(), grid.max_demand_mw()  # catalog loading is start-up, not the job
    started = time.perf_counter()
    frames = [grid.read_demand(folder / name) for name in FILES]
    read = time.perf_counter() - started
    result = grid.headroom(frames, grid.duke22())
    total = time.perf_counter() - started
    print(f"read {read:.2f} s, solve and report {total - read:.2f} s, total {total:.2f} s "
          f"({len(result.systems)} systems x {len(result.limits_pct)} limits, years {result.systems[0]['years']})")
    study = catalog.duke_headroom().set_index("limit_pct")
    for lim in result.total["limits"]:
        ref = study.loc[lim["limit_pct"]]
        print(f"{lim['limit_pct']:>5g}%: {lim['headroom_mw'] / 1e3:6.1f} GW (study {ref['headroom_gw']:.0f}, "
              f"{lim['headroom_mw'] / 1e3 / ref['headroom_gw'] - 1:+.1%}), {lim['curtailment_hours_per_year']:5.0f} h/yr "
              f"(study {ref['curtailment_hours_per_year']:.0f}), mean event {lim['mean_event_hours']:.1f} h (study {ref['mean_event_hours']:.1f})")


if __name__ == "__main__":
    main()

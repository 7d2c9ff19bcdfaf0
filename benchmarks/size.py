"""Time cluster sizing: catalog load (first call) and repeated sizings. Prints figures; asserts nothing.

    python benchmarks/size.py
"""

from __future__ import annotations

import time

from gigawatt import catalog, parse_scenario
from gigawatt.compute.sizing import size


def main(repeats: int = 2000) -> None:
    start = time.perf_counter()
    table = catalog.accelerators()
    names = table.loc[table["unit_price_usd"].notna(), "name"].tolist()  # priced rows need no override
    catalog.technologies()
    print(f"catalog load (cold): {1e3 * (time.perf_counter() - start):.1f} ms")
    scenarios = [parse_scenario({"cluster": {"accelerator": names[i % len(names)], "count": 1000 + i}}) for i in range(repeats)]
    start = time.perf_counter()
    for scenario in scenarios:
        size(scenario)
    elapsed = time.perf_counter() - start
    print(f"size(): {repeats} scenarios in {elapsed:.2f} s = {1e3 * elapsed / repeats:.2f} ms each")


if __name__ == "__main__":
    main()

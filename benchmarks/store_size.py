"""Bytes a stored full-year plan (every hour) takes in the run store, per Parquet codec, and the projected
size of a 10,000-point plan sweep (issue 28 target: under 1 GB). Prints figures; asserts nothing.

    python benchmarks/store_size.py [SCENARIO]

The plan is solved once (every hour of the year: no screening); its result is then saved into a fresh
SQLite store for each codec of ``GIGAWATT_STORE_COMPRESSION`` (none, snappy, zstd: the default now), and ``Store.size`` reads the bytes back: the JSON record and the Parquet tables.
A sweep's points are plans like this one, so 10,000 points take 10,000 times a plan (the sweep's own
record, a row per point, is small beside them).

Measured (2 cores, pyarrow 26): zstd 0.072 MB a plan (0.72 GB for 10,000), snappy 0.083, none 0.100; the
store-version-1 writer (pandas' snappy with a dictionary of the hourly timestamps) took 0.233 MB (2.3 GB).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import gigawatt
from gigawatt.store import Store

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "west-texas-grid-gas.yaml"
CODECS = ("none", "snappy", "zstd")
SWEEP_POINTS = 10_000
TARGET_BYTES = 1e9


def main() -> None:
    scenario = Path(sys.argv[1]) if len(sys.argv) > 1 else SCENARIO
    start = time.perf_counter()
    plan = gigawatt.plan(scenario, store=None)
    hours = max((len(f) for f in plan.to_frames().values() if f is not None), default=0)
    print(f"plan {scenario.name}: solved in {time.perf_counter() - start:.1f} s; its longest table has {hours} rows")
    print(f"{'codec':<8} {'record MB':>10} {'tables MB':>10} {'per plan MB':>12} {'10k sweep GB':>13} {'save ms':>8}  target < 1 GB")
    with tempfile.TemporaryDirectory() as folder:
        for codec in CODECS:
            os.environ["GIGAWATT_STORE_COMPRESSION"] = codec
            store = Store(str(Path(folder) / f"{codec}.sqlite"))
            store.list()  # created before the clock starts
            begin = time.perf_counter()
            store.save(plan)
            save_ms = 1e3 * (time.perf_counter() - begin)
            total = store.size()["total"]
            projected = SWEEP_POINTS * total["total_bytes"]
            print(f"{codec:<8} {total['record_bytes'] / 1e6:>10.3f} {total['table_bytes'] / 1e6:>10.3f} {total['total_bytes'] / 1e6:>12.3f} "
                  f"{projected / 1e9:>13.2f} {save_ms:>8.0f}  {'met' if projected < TARGET_BYTES else 'MISSED'}")


if __name__ == "__main__":
    main()

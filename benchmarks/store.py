"""The run store's cost beside the work it keeps, and the command line's start-up. Prints figures; asserts nothing.

    python benchmarks/store.py [--postgres postgresql://user@host/db]

1. Store overhead per plan (target < 50 ms beside its solve): the content hash of the inputs, saving the
   result with its hourly tables as Parquet, and reading it back, on a fresh SQLite file (and on
   PostgreSQL when a URL is given), against the plan's own solve time.
2. End to end, as a user meets it (median of 5 subprocess runs): `gigawatt --help` (target < 0.6 s),
   `gigawatt plan` of a stored run (target < 0.5 s), and the peers that bound them: the bare interpreter
   and `import pandas`, which the cached path avoids.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gigawatt
from gigawatt.store import Store, run_id

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "west-texas-grid-gas.yaml"
REPEATS = 5


def _median_ms(call, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def store_overhead(url: str, label: str) -> None:
    result = gigawatt.plan(SCENARIO, store=None)
    store = Store(url)
    store.list()  # the tables exist: what is timed is a save, not creating a store
    hash_ms = _median_ms(lambda: run_id("plan", result.inputs))

    def save_new() -> None:
        store.remove([result.run.id]) if store.get(result.run.id) else None
        store.save(result)

    save_ms = _median_ms(save_new)
    get_ms = _median_ms(lambda: store.get(result.run.id))
    frames_ms = _median_ms(lambda: store.frames(result.run.id))
    solve_s = result.run.seconds
    overhead = hash_ms + save_ms + get_ms
    print(f"{label}: plan solved in {solve_s:.1f} s; content hash {hash_ms:.1f} ms, save (JSON + {len(result.to_frames())} Parquet tables) "
          f"{save_ms:.1f} ms, lookup {get_ms:.1f} ms, tables read {frames_ms:.1f} ms")
    print(f"{label}: store overhead per run {overhead:.1f} ms = {overhead / (1e3 * solve_s):.2%} of the solve (target < 50 ms)")


def end_to_end(store_path: Path) -> None:
    exe = str(Path(sys.executable).parent / "gigawatt")
    env_store = ["--store", str(store_path)]
    subprocess.run([exe, "plan", str(SCENARIO), *env_store], capture_output=True, check=True)  # solve once and keep it

    def timed(args: list[str]) -> float:
        return _median_ms(lambda: subprocess.run(args, capture_output=True, check=True)) / 1e3

    figures = {
        "python -c pass (interpreter floor)": timed([sys.executable, "-c", "pass"]),
        "python -c 'import pandas' (what the cached path avoids)": timed([sys.executable, "-c", "import pandas"]),
        "gigawatt --help (target < 0.6 s)": timed([exe, "--help"]),
        "gigawatt plan, stored run (target < 0.5 s)": timed([exe, "plan", str(SCENARIO), *env_store]),
    }
    for label, seconds in figures.items():
        print(f"{label}: {seconds:.2f} s (median of {REPEATS})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="also time a PostgreSQL store at this URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store_overhead(str(Path(folder) / "runs.sqlite"), "SQLite")
        if args.postgres:
            store_overhead(args.postgres, "PostgreSQL")
        end_to_end(Path(folder) / "cli.sqlite")


if __name__ == "__main__":
    main()

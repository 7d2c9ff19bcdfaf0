"""Time to first chart for a new notebook user: from ``import gigawatt`` to the flagship example's result
displayed as Jupyter displays it (``result._repr_html_()``: headline table, messages and the key chart), in a
fresh Python process with an empty run store, so nothing is read from an earlier run. Prints figures; asserts nothing.

    python benchmarks/notebook_first_chart.py [SCENARIO] [--set KEY=VALUE ...] [--repeat N] [--save PAGE.html]

SCENARIO defaults to the README's flagship example (``examples/west-texas-grid-gas.yaml``, a full hourly year).
Each repeat is a new process (a notebook's first cell pays for its imports); the stages printed are the import,
the plan (validating, building the series, solving plan and baseline, saving it to the store) and the display.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "examples" / "west-texas-grid-gas.yaml"

CELL = """
import json, sys, time
started = time.perf_counter()
import gigawatt
imported = time.perf_counter()
result = gigawatt.plan(sys.argv[1], set=json.loads(sys.argv[2]), store=sys.argv[3])
planned = time.perf_counter()
page = result._repr_html_()
shown = time.perf_counter()
if sys.argv[4]:
    open(sys.argv[4], "w", encoding="utf-8").write(page)
print(json.dumps({"import_s": imported - started, "plan_s": planned - imported, "display_s": shown - planned,
                  "total_s": shown - started, "page_chars": len(page), "chart": "<svg" in page or "<img" in page,
                  "repr": repr(result)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", default=str(FLAGSHIP))
    parser.add_argument("--set", action="append", default=[], help="an override KEY=VALUE (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--save", default="", help="write the displayed HTML to this file")
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:  # an empty store each time: the plan is solved, not read back
            store = str(Path(folder) / "runs.sqlite")
            done = subprocess.run([sys.executable, "-c", CELL, args.scenario, json.dumps(args.set), store, args.save],
                                  capture_output=True, text=True, check=True, cwd=ROOT)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"scenario: {args.scenario} {' '.join(args.set)}")
    print(f"repr: {runs[0]['repr']}")
    print(f"page: {runs[0]['page_chars']:,} characters, chart: {runs[0]['chart']}")
    for stage in ("import_s", "plan_s", "display_s", "total_s"):
        values = [run[stage] for run in runs]
        print(f"{stage:>10}: median {statistics.median(values):6.2f} s  (runs: {', '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()

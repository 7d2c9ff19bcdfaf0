"""The workbench under load: concurrent clients browsing stored runs on loopback. Prints figures; asserts nothing.

    python benchmarks/web_load.py [--clients 20] [--seconds 30]

Starts ``gigawatt serve`` as a user does (the installed entry point, a fresh SQLite store in a temporary
folder), makes a few stored runs with the CLI (three screened plans of the West Texas examples and a
sizing), then ``--clients`` threads, each with its own HTTP connection (httpx), request for ``--seconds``
the pages a team reading results asks for, in turn: the home page, each run's page, its list of tables, a
small table (a plan's capacity) and a plan's hourly dispatch (8,760 rows) as JSON (the API). Prints the
requests made, the errors (an exception or any status but 200), the throughput and the p50 / p95 / max
time of each kind of page and of all together. The clients share the machine with the server.
``tests/web/test_web_load.py`` runs the same load briefly and asserts that nothing fails.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from web_server import WebServer, start_server, stop_server  # noqa: E402

RUNS = [  # (command, scenario, options): a few seconds in all
    ("plan", "west-texas-offgrid", ["--screening", "96"]),
    ("plan", "west-texas-grid-gas", ["--screening", "96"]),
    ("plan", "west-texas-offgrid", ["--screening", "96", "--set", "grid.import_mw=500"]),
    ("size", "h100-100k", []),
]


@dataclass
class Tally:
    """What the clients saw: each request's seconds by kind of page, and every error."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, took: float, error: str | None) -> None:
        with self.lock:
            self.seconds.setdefault(kind, []).append(took)
            if error:
                self.errors.append(error)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.seconds.values())


def stored_runs(server: WebServer) -> list[str]:
    """Make the runs with the CLI on the server's store; their ids."""
    import json

    ids = []
    for command, scenario, options in RUNS:
        done = server.cli(command, str(ROOT / "examples" / f"{scenario}.yaml"), *options, "--json")
        ids.append(json.loads(done.stdout)["run"]["id"])
    return ids


def pages(server: WebServer, run_ids: list[str]) -> list[tuple[str, str]]:
    """The pages a client asks for, in turn: (kind, path)."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        tables = {run_id: client.get(f"/api/v1/runs/{run_id}/tables").raise_for_status().json() for run_id in run_ids}
    out = []
    for run_id in run_ids:
        out += [("home", "/"), ("run page", f"/runs/{run_id}"), ("tables list", f"/api/v1/runs/{run_id}/tables")]
        small = [t for t in tables[run_id] if "dispatch" not in t]  # the hourly tables are 8,760 rows
        if small:
            out.append(("table (JSON)", f"/api/v1/runs/{run_id}/tables/{small[0]}"))
        if "dispatch" in tables[run_id]:
            out.append(("hourly table", f"/api/v1/runs/{run_id}/tables/dispatch"))
    return out


def load(url: str, paths: list[tuple[str, str]], clients: int, seconds: float) -> Tally:
    """``clients`` threads asking for ``paths`` in turn (each from its own place in the list) for ``seconds``."""
    tally = Tally()
    stop = time.monotonic() + seconds
    start = threading.Barrier(clients)

    def client(number: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as session:
            start.wait()
            for kind, path in itertools.islice(itertools.cycle(paths), number, None):
                if time.monotonic() >= stop:
                    return
                began = time.perf_counter()
                error = None
                try:
                    response = session.get(path)
                    if response.status_code != 200:
                        error = f"{path}: HTTP {response.status_code}: {response.text[:200]}"
                except httpx.HTTPError as exc:
                    error = f"{path}: {type(exc).__name__}: {exc}"
                tally.add(kind, time.perf_counter() - began, error)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(tally: Tally, clients: int, seconds: float) -> str:
    lines = [f"{clients} clients for {seconds:g} s: {tally.requests} requests ({tally.requests / seconds:.1f}/s), "
             f"{len(tally.errors)} errors",
             f"{'page':<14}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"]
    everything = [t for v in tally.seconds.values() for t in v]
    for kind, took in [*sorted(tally.seconds.items()), ("all", everything)]:
        if took:
            lines.append(f"{kind:<14}{len(took):>9}{1e3 * statistics.median(took):>9.0f}{1e3 * quantile(took, 0.95):>9.0f}{1e3 * max(took):>9.0f}")
    lines += [f"  error: {e}" for e in tally.errors[:10]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gigawatt-web-load-"))
    server = start_server(folder)
    try:
        began = time.perf_counter()
        run_ids = stored_runs(server)
        print(f"server {server.url}; {len(run_ids)} stored runs made with the CLI in {time.perf_counter() - began:.1f} s")
        paths = pages(server, run_ids)
        load(server.url, paths[:4], 2, 2.0)  # warm up: imports, first renders
        print(report(load(server.url, paths, args.clients, args.seconds), args.clients, args.seconds))
    finally:
        stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

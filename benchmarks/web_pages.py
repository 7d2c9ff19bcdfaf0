"""Page weight and time of the workbench's pages: bytes a browser fetches for a page (the HTML, its scripts and
style sheets), as sent (gzip when the client accepts it) and uncompressed, and the server's time to answer.

    python benchmarks/web_pages.py [--repeat N]

Runs a screened plan into a temporary store and serves it in-process (FastAPI's TestClient): no network.
Prints one row per page: bytes uncompressed, bytes sent with ``Accept-Encoding: gzip``, and the median time
of N requests for the HTML alone. Absolute times on a shared machine are noise; compare two builds in one run
of this script each, on one machine.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

import gigawatt
from fastapi.testclient import TestClient

from gigawatt.web.app import create_app

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "west-texas-offgrid.yaml"
ASSET = re.compile(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"')


def weigh(client: TestClient, path: str, repeat: int) -> tuple[int, int, float]:
    """(bytes uncompressed, bytes sent gzipped, median seconds for the HTML) of a page and the assets it loads."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        page = client.get(path)
        seconds.append(time.perf_counter() - start)
    assert page.status_code == 200, (path, page.status_code)
    plain = sent = 0
    for url in [path, *dict.fromkeys(ASSET.findall(page.text))]:
        plain += len(client.get(url, headers={"Accept-Encoding": "identity"}).content)
        with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as packed:
            sent += sum(len(chunk) for chunk in packed.iter_raw())  # the bytes on the wire, before httpx decodes them
    return plain, sent, statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = str(Path(folder) / "runs.sqlite")
        run = gigawatt.plan(EXAMPLE, set={"site.screening_segments": 96}, store=store).run.id
        other = gigawatt.plan(EXAMPLE, set={"site.screening_segments": 96, "constraints.reserve_margin": 0.2}, store=store).run.id
        with TestClient(create_app(store=store, uploads=Path(folder))) as client:
            print(f"{'page':<12}{'MB uncompressed':>17}{'MB sent':>10}{'ms (HTML)':>11}")
            for name, path in (("home", "/"), ("run", f"/runs/{run}"), ("compare", f"/compare?ids={run},{other}"),
                               ("editor", "/edit?example=west-texas-offgrid")):
                plain, sent, seconds = weigh(client, path, args.repeat)
                print(f"{name:<12}{plain / 1e6:>17.2f}{sent / 1e6:>10.2f}{seconds * 1e3:>11.0f}")


if __name__ == "__main__":
    main()

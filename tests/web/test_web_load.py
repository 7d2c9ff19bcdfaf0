"""The workbench under a short load: 20 clients browse stored runs for 5 s, and not one request fails.

The same load as ``benchmarks/web_load.py`` (which runs it for 30 s and prints the page times), on the
real server of ``tests/web_server.py``; the runs are made with the CLI.
"""

from __future__ import annotations

import sys

from web_server import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import web_load  # noqa: E402

CLIENTS = 20
SECONDS = 5.0


def test_twenty_clients_browsing_stored_runs_see_no_error(web_server):
    run_ids = [web_server.plan("west-texas-offgrid", "--screening", "96"),
               web_server.plan("west-texas-grid-gas", "--screening", "96")]
    paths = web_load.pages(web_server, run_ids)
    assert {kind for kind, _ in paths} == {"home", "run page", "tables list", "table (JSON)", "hourly table"}
    tally = web_load.load(web_server.url, paths, CLIENTS, SECONDS)
    summary = web_load.report(tally, CLIENTS, SECONDS)
    assert tally.errors == [], summary
    assert tally.requests >= CLIENTS, summary  # every client was answered at least once
    assert all(len(tally.seconds.get(kind, [])) > 0 for kind, _ in paths), summary

"""The workbench under a short load: 20 clients browse stored runs for 5 s, and not one request fails; and the
same while the job queue is full (a server serving one run at a time, with more runs started than it runs).

The same load as ``benchmarks/web_load.py`` (which runs it for 30 s and prints the page times), on the
real server of ``tests/web_server.py``; the runs are made with the CLI.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from web_server import HOST, ROOT, START_TIMEOUT_S, WebServer, _answers, free_port, gigawatt_command, server_env, stop_server

sys.path.insert(0, str(ROOT / "benchmarks"))
import web_load  # noqa: E402

CLIENTS = 20
SECONDS = 5.0
SLOTS = 1  # the queued server's --jobs: one run at a time
STARTED = 8  # runs started on it: one runs, the others wait in the queue (deleted at the end, unrun)
SLOW_PLAN = "west-texas-offgrid.yaml"  # a whole hourly year (no screening): 2-4 s each, so the seven queued
# behind one slot outlast the load's seconds (two queued did not once plans got faster: the queue emptied first)


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


@pytest.fixture(scope="module")
def one_slot_server():
    """``gigawatt serve --jobs 1`` on a fresh store, started as ``web_server`` starts its server."""
    folder = Path(tempfile.mkdtemp(prefix="gigawatt-web-queued-"))
    store, log = folder / "runs.sqlite", folder / "server.log"
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([gigawatt_command(), "serve", "--host", HOST, "--port", str(port), "--store", str(store), "--jobs", str(SLOTS)],
                                   cwd=folder, env=server_env(store), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = WebServer(url=f"http://{HOST}:{port}", store=store, folder=folder, process=process, log=log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _answers(server.url):
        assert process.poll() is None and time.monotonic() < deadline, server.output()[-4000:]
        time.sleep(0.2)
    try:
        yield server
    finally:
        stop_server(server)
        assert "Traceback" not in server.output(), server.output()[-4000:]
        shutil.rmtree(folder, ignore_errors=True)


def test_twenty_clients_see_no_error_while_the_job_queue_is_full(one_slot_server):
    import httpx

    server = one_slot_server
    run_ids = [server.plan("west-texas-offgrid", "--screening", "96")]
    scenario = (ROOT / "examples" / SLOW_PLAN).read_text()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        jobs = [client.post("/api/v1/runs", json={"kind": "plan", "yaml": scenario}).json() for _ in range(STARTED)]
        assert sorted(job["state"] for job in jobs) == ["queued"] * (STARTED - SLOTS) + ["running"] * SLOTS, jobs
        paths = web_load.pages(server, run_ids)
        tally = web_load.load(server.url, paths, CLIENTS, SECONDS)
        states = [client.get(f"/api/v1/jobs/{job['id']}").json()["state"] for job in jobs]
        for job in jobs:
            client.delete(f"/api/v1/jobs/{job['id']}")
    summary = web_load.report(tally, CLIENTS, SECONDS)
    assert "queued" in states, states  # the queue was still full when the load ended
    assert tally.errors == [], summary
    assert tally.requests >= CLIENTS, summary

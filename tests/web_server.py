"""The real workbench server for the tests, started as a user starts it (no mocks, no private calls).

A pytest plugin module, loaded from the root ``tests/conftest.py`` with ``pytest_plugins`` (as
``postgres_server`` is). Fixture:

``web_server`` (module)
    A :class:`WebServer`: the installed entry point ``gigawatt serve --port PORT --store STORE`` in a
    subprocess, on 127.0.0.1 at a free port, over a fresh SQLite run store in a temporary folder
    (``GIGAWATT_STORE`` points at the same file; ``GIGAWATT_TOKEN`` is unset). It is ready once ``GET /``
    answers; it is stopped (SIGTERM, then SIGKILL) at the end of the module, and a traceback in what it
    logged (an exception while answering) is an error, reported at the module's last test. Runs are
    made through the pages or with :meth:`WebServer.cli`, the ``gigawatt`` command on the same store.

Each test module gets a server of its own, so the runs one module makes never show on another's pages
(pytest-xdist's ``--dist loadfile`` keeps a module on one worker).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

HOST = "127.0.0.1"
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
ROOT = Path(__file__).resolve().parents[1]


def gigawatt_command() -> str:
    """The installed ``gigawatt`` entry point: beside this interpreter (the venv's), else on PATH."""
    beside = Path(sys.executable).parent / "gigawatt"
    if beside.exists():
        return str(beside)
    found = shutil.which("gigawatt")
    if found is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e \".[dev]\")")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(store: Path) -> dict[str, str]:
    """The environment of the server and of the CLI runs beside it: the test store, no token."""
    env = {k: v for k, v in os.environ.items() if k != "GIGAWATT_TOKEN"}
    env["GIGAWATT_STORE"] = str(store)
    return env


@dataclass
class WebServer:
    url: str  # http://127.0.0.1:PORT (no trailing slash)
    store: Path  # the SQLite run store it serves
    folder: Path  # a temporary folder for the test's files
    process: subprocess.Popen
    log: Path  # the server's stdout and stderr

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """Run ``gigawatt ARGS --store STORE`` (on the server's store) from the project root; fail on an error."""
        done = subprocess.run([gigawatt_command(), *args, "--store", str(self.store)], cwd=ROOT, env=server_env(self.store),
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"gigawatt {' '.join(args)} exited with {done.returncode}: {done.stderr.strip()[-2000:]}")
        return done

    def plan(self, example: str, *args: str) -> str:
        """Plan ``examples/EXAMPLE.yaml`` with the CLI (``--json``); return the stored run's id."""
        import json

        done = self.cli("plan", f"examples/{example}.yaml", *args, "--json")
        return json.loads(done.stdout)["run"]["id"]

    def output(self) -> str:
        """What the server has printed so far."""
        return self.log.read_text(errors="replace")


def _answers(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url + "/", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(folder: Path) -> WebServer:
    """Start ``gigawatt serve`` on a fresh store in ``folder`` and wait until ``GET /`` answers."""
    store, log = folder / "runs.sqlite", folder / "server.log"
    port = free_port()
    url = f"http://{HOST}:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen([gigawatt_command(), "serve", "--host", HOST, "--port", str(port), "--store", str(store)],
                                   cwd=folder, env=server_env(store), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = WebServer(url=url, store=store, folder=folder, process=process, log=log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _answers(url):
        if process.poll() is not None:
            raise RuntimeError(f"gigawatt serve exited with {process.returncode} before answering:\n{server.output()[-4000:]}")
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"gigawatt serve did not answer GET / within {START_TIMEOUT_S} s:\n{server.output()[-4000:]}")
        time.sleep(0.2)
    return server


def stop_server(server: WebServer) -> None:
    """SIGTERM (uvicorn stops its workers and exits), then SIGKILL to the server's process group if it lingers."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=STOP_TIMEOUT_S)


@pytest.fixture(scope="module")
def web_server() -> Iterator[WebServer]:
    """``gigawatt serve`` on a fresh store for this module's tests; stopped afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="gigawatt-web-"))
    server = start_server(folder)
    try:
        yield server
    finally:
        stop_server(server)
        printed = server.output()
        shutil.rmtree(folder, ignore_errors=True)
    # an error the server met while answering (a 500) is logged with its traceback: none may appear
    assert "Traceback" not in printed, f"gigawatt serve logged an error:\n{printed[-4000:]}"

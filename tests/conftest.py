"""Shared test helpers: paths to ../shared data and an in-process CLI runner."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# every run a test makes is kept in a throwaway store, never in the user's own (set before gigawatt loads)
os.environ["GIGAWATT_STORE"] = str(Path(tempfile.mkdtemp(prefix="gigawatt-test-store-")) / "runs.sqlite")
# zones looked up by the runs (weather/timezones.py) kept apart from the user's cache, shared by the workers
os.environ.setdefault("GIGAWATT_CACHE_DIR", str(Path(tempfile.gettempdir()) / "gigawatt-test-cache"))
# pytest runs with COLUMNS=80 in its environment (xdist's workers in os.environ, a plain run only in the C
# environment that subprocesses inherit), which the CLI takes as the width a user asked for; a test of a width
# sets its own, as a user would, and the others get the width of a plain pipe
os.environ.pop("COLUMNS", None)
os.unsetenv("COLUMNS")

from gigawatt.cli import main  # noqa: E402

pytest_plugins = ["postgres_server", "web_server"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


# a line of progress a run writes on a pipe or file (gigawatt.cli._progress): "[n/N ]what, 12 s[, about 3 s left]", "done, 14 s"
PROGRESS_LINE = re.compile(r"^(?!error: )(\d+/\d+ )?[a-z][^\n]*, \d[\d,]* s(, about \d[\d,]* s left)?$")


def without_progress(stderr: str) -> str:
    """``stderr`` less the progress lines a run wrote before it ended: what an error leaves is its one line."""
    return "".join(line for line in stderr.splitlines(keepends=True) if not PROGRESS_LINE.match(line.rstrip("\n")))


def shared_file(*parts: str) -> Path:
    """A file under ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared reference data sits beside the project root")
    return path


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)

    def result(self):
        """The model's figures of a run's JSON form (its ``result`` part)."""
        return self.json()["result"]


@pytest.fixture
def cli(capsys):
    """Run ``gigawatt`` in-process; return exit code, stdout and stderr."""

    def run(*args: str) -> CliResult:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def pytest_xdist_auto_num_workers(config) -> int:  # noqa: ARG001 - pytest-xdist's hook signature
    """`-n auto`: one worker more than the cores this process may use. Much of the suite waits rather than computes
    (installed commands in subprocesses, PostgreSQL, Chromium, Dask schedulers, lock timeouts): about a third of the
    cores' time sat idle with one worker a core (measured on 2 cores), so a third worker fills the waits."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + 1


# --- the installed command, as a user meets it -----------------------------------------------------

GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")


def gigawatt_cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """The installed ``gigawatt`` in a process of its own, in ``cwd``, with no store from the environment."""
    return gigawatt_all([list(args)], cwd=cwd, timeout=timeout)[0]


def gigawatt_all(commands: list[list[str]], cwd: Path, timeout: float = 300) -> list[subprocess.CompletedProcess]:
    """Several ``gigawatt`` commands in processes of their own, all at once (reads of one store)."""
    if GIGAWATT is None:
        pytest.skip("the gigawatt command is not installed (pip install -e .)")
    env = {k: v for k, v in os.environ.items() if k != "GIGAWATT_STORE"}
    env["COLUMNS"] = "200"
    procs = [subprocess.Popen([GIGAWATT, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for args in commands]
    done = []
    for args, proc in zip(commands, procs):
        out, err = proc.communicate(timeout=timeout)
        done.append(subprocess.CompletedProcess([GIGAWATT, *args], proc.returncode, out, err))
    return done


def one_line_error(done: subprocess.CompletedProcess, *expected: str) -> str:
    """The run failed as a user error should: exit 2, nothing on stdout, one line on stderr holding ``expected``."""
    assert done.returncode == 2, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    assert done.stdout == "", done.stdout[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "internal error" not in lines[0], done.stderr
    for text in expected:
        assert text in lines[0], (text, lines[0])
    return lines[0]

"""`gigawatt reliability --workers`: the draws on a local Dask cluster give the figures drawn here; bad options are
refused in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GIGAWATT = Path(sys.executable).with_name("gigawatt")
OFFGRID = Path(__file__).resolve().parents[2] / "examples" / "reliability" / "west-texas-offgrid.yaml"
QUICK = ["--no-store", "--set", "site.screening_segments=48", "--set", "reliability.draws=100",
         "--set", "reliability.target_availability=null", "--json"]
TIMEOUT_S = 300


def reliability(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GIGAWATT), "reliability", str(OFFGRID), *QUICK, *extra], capture_output=True, text=True, timeout=TIMEOUT_S)


def reliability_at_once(*extras: tuple[str, ...]) -> list[subprocess.CompletedProcess]:
    """:func:`reliability` with each of ``extras``, the commands started together."""
    procs = [subprocess.Popen([str(GIGAWATT), "reliability", str(OFFGRID), *QUICK, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for extra in extras]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT_S)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def test_workers_give_the_same_availability():
    pytest.importorskip("dask.distributed", reason="the sweep extra is not installed (pip install -e '.[sweep]')")
    here, there = reliability_at_once((), ("--workers", "2"))  # the two commands run side by side
    assert here.returncode == 0, here.stderr
    assert there.returncode == 0, there.stderr
    assert json.loads(there.stdout)["result"]["availability"] == json.loads(here.stdout)["result"]["availability"]


@pytest.mark.parametrize("extra, says", [
    (("--workers", "0"), "--workers 0"),
    (("--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"), "--scheduler"),
])
def test_bad_cluster_options_are_one_line(extra, says):
    done = reliability(*extra)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and says in lines[0] and "Traceback" not in done.stderr, done.stderr

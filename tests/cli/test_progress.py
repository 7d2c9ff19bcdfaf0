"""Progress as a log reads it (issue 30): on a file or a pipe, one line a step with n of N, the time so far and the
time left; on a terminal, one line written over itself. Plans and site screening tell their stages
(gigawatt.core.progress): a line each on stderr, none with -q, stdout unchanged."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from gigawatt.cli._common import counted_progress
from gigawatt.cli._progress import stage_lines


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def clock_at(*seconds: float):
    """A clock that reads ``seconds`` in turn: the start, then one reading a step."""
    readings = iter(seconds)
    return lambda: next(readings)


def test_a_file_gets_a_line_a_step_with_the_time_left():
    log = io.StringIO()
    progress = counted_progress("points", log, clock_at(0.0, 10.0, 20.0, 80.0))
    for done in (1, 2, 8):
        progress(done, 8)
    assert log.getvalue().splitlines() == [
        "1/8 points, 10 s, about 70 s left",  # 10 s a point so far, 7 points left
        "2/8 points, 20 s, about 60 s left",
        "8/8 points, 80 s",
    ]


def test_a_terminal_gets_one_line_written_over_itself_and_ended_when_done():
    screen = Terminal()
    progress = counted_progress("points", screen, clock_at(0.0, 5.0, 9.0))
    progress(1, 2)
    progress(2, 2)
    assert screen.getvalue() == "\r1/2 points, 5 s, about 5 s left\033[K\r2/2 points, 9 s\033[K\n"


# --- the stages a job tells (gigawatt.core.progress), as the CLI writes them --------------------------------------

GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")
SECONDS = r"\d[\d,]* s"
UNCOUNTED = re.compile(rf"^[a-z].*, {SECONDS}$")  # a stage with no count: what, the time so far
COUNTED = re.compile(rf"^(\d+)/(\d+) [a-z].*, {SECONDS}(, about {SECONDS} left)?$")  # n/N what, time so far, time left


def test_stages_read_as_lines_with_the_time_so_far_and_left():
    log = io.StringIO()
    stage, finish = stage_lines(log, clock_at(0.0, 1.0, 2.0, 12.0, 22.0, 32.0, 33.0, 34.0))
    stage("building the plan LP (24 time steps)", 0, None)
    stage("weather years planned", 0, 3)  # the count starts at 2 s: 10 s a year from there
    stage("weather years planned", 1, 3)
    stage("weather years planned", 2, 3)
    stage("weather years planned", 3, 3)
    stage("solving the plan LP with HiGHS (simplex)", 0, None)
    finish()
    assert log.getvalue().splitlines() == [
        "building the plan LP (24 time steps), 1 s",
        "0/3 weather years planned, 2 s",
        "1/3 weather years planned, 12 s, about 20 s left",
        "2/3 weather years planned, 22 s, about 10 s left",
        "3/3 weather years planned, 32 s",
        "solving the plan LP with HiGHS (simplex), 33 s",
        "done, 34 s",
    ]


def test_a_run_that_tells_no_stage_writes_nothing():
    log = io.StringIO()
    _, finish = stage_lines(log, clock_at(0.0, 5.0))
    finish()
    assert log.getvalue() == ""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    env = {k: v for k, v in os.environ.items() if k != "GIGAWATT_STORE"}
    return subprocess.run([GIGAWATT, *args, "--no-store"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def without_run(document: Any) -> Any:
    """A result's JSON form less what differs between two runs of it: when and how long (``run``, ``*seconds``)."""
    if isinstance(document, dict):
        return {k: without_run(v) for k, v in document.items() if k != "run" and "seconds" not in k}
    return [without_run(v) for v in document] if isinstance(document, list) else document


@pytest.fixture(scope="module")
def plan_runs(tmp_path_factory):
    """A plan on 24 screening segments, on a pipe: with -v (its one-off stages beside the solver's log), plain,
    with --json, and with -q --json."""
    cwd = tmp_path_factory.mktemp("plan")
    args = ("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--set", "site.screening_segments=24")
    return cli(*args, "-v", cwd=cwd), cli(*args, cwd=cwd), cli(*args, "--json", cwd=cwd), cli(*args, "--json", "-q", cwd=cwd)


def test_a_plan_on_a_pipe_says_each_stage_with_the_time_so_far_with_its_solver_log(plan_runs):
    shown, plain, _, _ = plan_runs
    assert shown.returncode == 0 and plain.returncode == 0, shown.stderr + plain.stderr
    assert plain.stderr == ""  # a log gets no one-off stage without -v: a single LP has no count to tell
    lines = [line for line in shown.stderr.splitlines() if UNCOUNTED.match(line) and not line.startswith(("Running HiGHS", "Copyright"))]
    lines = [line for line in lines if line.startswith(("building", "solving", "done"))]
    assert lines[0].startswith("building the plan LP (24 time steps), ")
    assert any(line.startswith("solving the plan LP with HiGHS (simplex), ") for line in lines), lines
    assert lines[-1].startswith("done, ")
    seconds = [int(line.rsplit(", ", 1)[1][:-2].replace(",", "")) for line in lines]
    assert seconds == sorted(seconds)  # the time since the run started
    assert "building the plan LP" not in shown.stdout and "LCOE" in shown.stdout  # stdout has the table only


def test_a_plans_json_is_the_same_with_progress_and_with_quiet(plan_runs):
    _, _, loud, quiet = plan_runs
    assert loud.returncode == 0 and quiet.returncode == 0, loud.stderr + quiet.stderr
    assert quiet.stderr == ""
    assert without_run(json.loads(loud.stdout)) == without_run(json.loads(quiet.stdout))  # one JSON document, the same


def test_a_plan_over_weather_years_counts_the_years(tmp_path):
    cf = tmp_path / "cf.csv"
    rows = [f"{year},{h},{0.2 + 0.1 * (h % 24 in range(8, 18)) * (year - 2020)},{0.3 + 0.01 * (year - 2020)}"
            for year in (2021, 2022) for h in range(8760)]
    cf.write_text("year,hour_of_year_utc,solar_cf,wind_cf\n" + "\n".join(rows) + "\n")
    done = cli("plan", str(EXAMPLES / "west-texas-grid-gas.yaml"), "--set", "site.weather_years=2021,2022", "--set", f"site.era5_csv={cf}",
               "--set", "supply.technologies=[utility_pv,onshore_wind,battery_li_ion,gas_recip]", "--set", "site.screening_segments=24",
               "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    counted = [COUNTED.match(line) for line in done.stderr.splitlines() if "weather years planned" in line]
    assert [(m.group(1), m.group(2)) for m in counted] == [("0", "2"), ("1", "2"), ("2", "2")]
    assert counted[1].group(3) is not None and counted[2].group(3) is None  # the time left, while there is some
    assert [row["weather_year"] for row in json.loads(done.stdout)["result"]["weather_years"]["years"]] == [2021, 2022]


SITES = """\
name: three regions
start: 2026-01
target_mw: 2000
block_mw: 1000
accelerator: GB200 NVL72
technologies: [utility_pv, onshore_wind, battery_li_ion, gas_cc]
candidates:
  - {region: ERCOT_W, max_mw: 2000}
  - {region: PJM, max_mw: 2000}
  - {region: FR, max_mw: 2000, options: grid}
constraints:
  max_region_share: 0.6
"""


@pytest.fixture(scope="module")
def site_runs(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("site")
    (cwd / "sites.yaml").write_text(SITES)
    return cli("site", "sites.yaml", "--json", cwd=cwd), cli("site", "sites.yaml", "--json", "-q", cwd=cwd)


def test_site_screening_counts_the_sites_with_the_time_so_far_and_left(site_runs):
    shown, _ = site_runs
    assert shown.returncode == 0, shown.stderr
    lines = shown.stderr.splitlines()
    assert all(COUNTED.match(line) or UNCOUNTED.match(line) for line in lines), lines
    screened = [COUNTED.match(line) for line in lines if "sites screened" in line]
    assert [(m.group(1), m.group(2)) for m in screened] == [("0", "3"), ("1", "3"), ("2", "3"), ("3", "3")]
    assert all(m.group(3) for m in screened[1:-1]) and not screened[-1].group(3)  # "about N s left" while sites are left
    assert not any(line.startswith("allocating the programme") for line in lines)  # one-off: on a terminal, or with -v
    assert lines[-1].startswith("done, ")


def test_site_screening_with_quiet_writes_nothing_on_stderr_and_the_same_json(site_runs):
    shown, quiet = site_runs
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert without_run(json.loads(shown.stdout)) == without_run(json.loads(quiet.stdout))


def test_a_plan_that_fails_after_solving_is_one_error_line_on_a_pipe(tmp_path):
    """A single plan has no counted stage: on a pipe its error is the only line, and stdout stays empty."""
    done = cli("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--set", "site.screening_segments=24", "--set", "site.land_km2=1e-300",
               "--json", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ") and "site.land_km2" in done.stderr, done.stderr

"""`gigawatt sweep` on bad inputs (issue 24), through the installed CLI: every mistake is one line on stderr
with exit 2, before anything runs (nothing stored), naming the option's value and the fix; nothing is read
as a base-60 number, no design allocates past the sweep's bound, and a stored sweep's inputs run again."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLES

from gigawatt.api import load_inputs
from gigawatt.core.errors import ScenarioError
from gigawatt.store import open_store, referenced_files, run_id
from gigawatt.sweep.design import MAX_POINTS, Axis, count_points, parse_sample, parse_vary, points
from gigawatt.sweep.runner import MAX_WORKERS_PER_CORE, SHIPPED_FOLDER
from gigawatt.power.weather_years import parse_years

pytest.importorskip("dask.distributed", reason="the sweep extra is not installed (pip install -e '.[sweep]')")

GIGAWATT = Path(sys.executable).with_name("gigawatt")  # the installed entry point, as a user runs it
SIZE = EXAMPLES / "h100-100k.yaml"  # the quickest kind of point
PLAN = EXAMPLES / "west-texas-grid-gas.yaml"
HOURS_2025 = 8760  # the hours of the example plan's year


def gigawatt(*args: str, store: Path, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(GIGAWATT), *args, "--store", str(store)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def refused(done: subprocess.CompletedProcess, *parts: str, store: Path) -> None:
    """Exit 2, one line on stderr holding every part, nothing on stdout, no run stored."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr[-2000:]
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    for part in parts:
        assert part in done.stderr, (part, done.stderr)
    assert done.stdout == ""
    assert not store.exists() or not open_store(str(store)).list()


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# --- ranges are ranges, never base-60 numbers --------------------------------------------------------


def test_a_colon_is_a_range_never_a_base_60_number():
    assert parse_vary("cluster.count=1:2").values == (1, 2)  # YAML 1.1 would read 1:2 as 62
    assert parse_vary("cluster.count=3:1").values == (3, 2, 1)
    assert parse_vary("cluster.count=1000:4000:4").values == (1000, 2000, 3000, 4000)
    assert all(isinstance(v, int) for v in parse_vary("cluster.count=1000:4000:4").values)
    assert parse_vary("x=2:3:3").values == (2.0, 2.5, 3.0)
    assert parse_vary("x=1:30,2").values == ("1:30", 2)  # a listed value with a colon stays text
    with pytest.raises(ScenarioError, match=r"give the number of values too, e\.g\. x=0\.5:2:5"):
        parse_vary("x=0.5:2")
    with pytest.raises(ScenarioError, match="a range is start:stop:n"):
        parse_vary("x=1:2:3:4")
    with pytest.raises(ScenarioError, match="'x' is not a whole number"):
        parse_vary("k=1:2:x")
    with pytest.raises(ScenarioError, match="'inf' is not a finite number"):
        parse_vary("k=1:inf:3")


def test_an_integer_range_runs_its_integers(tmp_path):
    done = gigawatt("sweep", str(SIZE), "--vary", "cluster.count=1000:1002", "--workers", "1", "--json", store=tmp_path / "s.sqlite")
    assert done.returncode == 0, done.stderr
    assert [p["cluster.count"] for p in json.loads(done.stdout)["result"]["points"]] == [1000, 1001, 1002]
    assert [p["accelerators"] for p in json.loads(done.stdout)["result"]["points"]] == [1000, 1001, 1002]


def test_an_unquoted_range_in_a_sweep_file_is_refused_not_read_as_base_60(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(f"sweep:\n  base: {SIZE}\n  vary:\n    cluster.count: 1:2\n")
    refused(gigawatt("sweep", str(path), store=tmp_path / "s.sqlite"), "sweep.vary", "62 is one number", "quoted range", "base-60",
            store=tmp_path / "s.sqlite")
    path.write_text(f"sweep:\n  base: {SIZE}\n  vary:\n    cluster.count: []\n")
    refused(gigawatt("sweep", str(path), store=tmp_path / "s.sqlite"), "sweep.vary", "cluster.count: no values", store=tmp_path / "s.sqlite")


# --- wrong answers with exit 0, now refused before anything runs ------------------------------------


@pytest.mark.parametrize(("args", "parts"), [
    (["--vary", "k=,,,"], ["--vary k=,,,: no values", "k=500,800"]),
    (["--vary", "cluster.count=1000,2000", "--vary", "cluster.count=3000"],
     ["--vary cluster.count is given twice", "--vary cluster.count=1000,2000,3000"]),
    (["--sample", "cluster.pue=uniform(1.1,1.2)", "--sample", "cluster.pue=uniform(1.2,1.3)", "--draws", "2"],
     ["--sample cluster.pue is given twice"]),
    (["--vary", "cluster.pue=1.1,1.2", "--sample", "cluster.pue=uniform(1.2,1.3)", "--draws", "2"],
     ["cluster.pue is given to both --vary and --sample"]),
    (["--vary", "cluster.count=1000,2000", "--figure", "nope"],
     ["--figure 'nope' is not a figure of a size run", "facility power MW", "USD per accelerator-hour"]),
    (["--vary", "cluster.count=1000,2000", "--figure", "facility power mw"], ["did you mean 'facility power MW'?"]),
], ids=["no-values", "vary-twice", "sample-twice", "varied-and-sampled", "unknown-figure", "figure-case"])
def test_silent_mistakes_are_refused_before_anything_runs(tmp_path, args, parts):
    store = tmp_path / "s.sqlite"
    refused(gigawatt("sweep", str(SIZE), *args, "--workers", "1", store=store), *parts, store=store)


def test_a_reversed_weather_year_range_is_refused(tmp_path):
    era5 = tmp_path / "era5.csv"
    era5.write_text("year,hour_of_year_utc,solar_cf,wind_cf\n")
    refused(gigawatt("sweep", str(PLAN), "--weather-years", "2020-2010", "--era5", str(era5), store=tmp_path / "s.sqlite"),
            "--weather-years '2020-2010': the range is reversed", "2010-2020", store=tmp_path / "s.sqlite")
    with pytest.raises(ScenarioError, match="2012 is given twice"):
        parse_years("2012,2019,2012", "--weather-years")
    with pytest.raises(ScenarioError, match="more than 1,000"):
        parse_years("0-99999999999", "--weather-years")


# --- crashes, now one line ----------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "parts"), [
    (["--vary", "cluster.count=1:2:1000000000000"], ["1,000,000,000,000 points is more than a sweep's 100,000"]),
    (["--vary", "cluster.count=1:1000000000000"], ["points is more than a sweep's 100,000"]),
    (["--sample", "cluster.pue=uniform(1.1,1.5)", "--draws", "100000000000"], ["--draws 100,000,000,000: more than a sweep's 100,000"]),
    (["--sample", "cluster.pue=triangular(1.2,1.2,1.2)", "--draws", "2"],
     ["--sample cluster.pue: triangular(1.2, 1.2, 1.2) is not a valid distribution", "low below high"]),
    (["--sample", "cluster.pue=lognormal(1e-300,1e300)", "--draws", "2"], ["out of a float's range"]),
    (["--vary", "cluster.count=1000,2000", "--memory-limit", "abc"], ["--memory-limit 'abc'", "e.g. 2GB"]),
    (["--vary", "cluster.count=1000,2000", "--memory-limit", "1MB"], ["--memory-limit '1MB'", "at least 512 MiB"]),
    (["--vary", "cluster.count=1000,2000", "--workers", "1000"],
     [f"--workers 1000: give 1 to {MAX_WORKERS_PER_CORE * cores()} ({MAX_WORKERS_PER_CORE} a core on this machine's {cores()})"]),
    (["--vary", "cluster.count=1000,2000", "--scheduler", "nonsense"], ["--scheduler 'nonsense': not a scheduler's address", "tcp://HOST:PORT"]),
    (["--vary", "cluster.count=1000,2000", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"],
     ["--workers size a local cluster; with --scheduler"]),
    (["--vary", "cluster.count=1000,2000", "--plot", "tornado"], ["--plot tornado: end the name in .png"]),
], ids=["range-too-long", "integer-range-too-long", "draws-too-many", "triangular-no-width", "lognormal-overflow", "memory-limit-text",
        "memory-limit-tiny", "workers-1000", "scheduler-not-an-address", "scheduler-and-workers", "plot-without-image-suffix"])
def test_what_crashed_is_one_line(tmp_path, args, parts):
    store = tmp_path / "s.sqlite"
    refused(gigawatt("sweep", str(SIZE), *args, store=store), *parts, store=store)


def test_an_unreachable_scheduler_is_one_line_naming_it_quickly(tmp_path):
    with socket.socket() as free:  # a port nothing listens on once closed
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    started = time.monotonic()
    done = gigawatt("sweep", str(SIZE), "--vary", "cluster.count=1000,2000", "--scheduler", f"tcp://127.0.0.1:{port}",
                    store=tmp_path / "s.sqlite", env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    refused(done, f"--scheduler tcp://127.0.0.1:{port}: no Dask scheduler answered within 2 s", store=tmp_path / "s.sqlite")
    assert time.monotonic() - started < 25


def test_the_connect_timeout_is_bounded_whatever_dask_is_told(monkeypatch):
    from gigawatt.sweep import runner
    from gigawatt.sweep.runner import connect

    monkeypatch.setattr(runner, "SCHEDULER_TIMEOUT_S", 2)  # the bound, shortened: the test waits it out (10 s as shipped)
    SCHEDULER_TIMEOUT_S = runner.SCHEDULER_TIMEOUT_S
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    import dask.config

    started = time.monotonic()
    with dask.config.set({"distributed.comm.timeouts.connect": "600s"}), pytest.raises(ScenarioError, match=f"within {SCHEDULER_TIMEOUT_S} s"):
        connect(f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - started < SCHEDULER_TIMEOUT_S + 10


# --- hangs: every design bounded before anything is allocated ---------------------------------------


def test_draws_past_the_cap_on_the_command_line_are_refused(tmp_path):
    store = tmp_path / "s.sqlite"
    refused(gigawatt("sweep", str(SIZE), "--sample", "cluster.pue=uniform(1.1,1.5)", "--draws", str(MAX_POINTS + 1), store=store),
            f"--draws 100,001: more than a sweep's {MAX_POINTS:,} points", store=store)
    path = tmp_path / "sweep.yaml"
    path.write_text(f"sweep:\n  base: {SIZE}\n  sample: {{cluster.pue: 'uniform(1.1, 1.5)'}}\n  draws: {MAX_POINTS + 1}\n")
    refused(gigawatt("sweep", str(path), store=store), "sweep.draws", "100000", store=store)


@pytest.mark.parametrize(("args", "parts"), [
    (["--vary", "cluster.count=1:200000", "--design", "oat"], ["200,000 points is more than a sweep's 100,000"]),
    (["--vary", "cluster.count=1:400", "--vary", "cluster.pue=1:2:400"], ["design grid: 160,000 points is more than a sweep's 100,000"]),
    (["--sample", "cluster.pue=uniform(1.1,1.5)", "--draws", "65536", "--design", "sobol"],
     ["design sobol (--draws x (inputs + 2)): 196,608 points is more than a sweep's 100,000"]),
    (["--sample", "cluster.pue=uniform(1.1,1.5)", "--draws", "1000", "--vary", "cluster.count=1:200"],
     ["design sample (--draws x the varied values): 200,000 points"]),
], ids=["oat", "grid", "sobol", "sample-crossed"])
def test_every_design_is_bounded_on_the_command_line(tmp_path, args, parts):
    store = tmp_path / "s.sqlite"
    started = time.monotonic()
    refused(gigawatt("sweep", str(SIZE), *args, store=store), *parts, store=store)
    assert time.monotonic() - started < 60


def test_every_design_is_counted_before_it_is_made():
    many = Axis("a", tuple(range(MAX_POINTS)))
    assert count_points("oat", [many]) == MAX_POINTS + 1
    with pytest.raises(ScenarioError, match="design oat: 100,001 points is more than a sweep's 100,000"):
        points("oat", [many])
    with pytest.raises(ScenarioError, match="design grid: 200,000 points"):
        points("grid", [many, Axis("b", (1, 2))])
    pue = parse_sample("cluster.pue=uniform(1.1,1.5)")
    with pytest.raises(ScenarioError, match=r"--draws 10,000,000,000: more than"):
        points("sample", [], [pue], draws=10**10)
    with pytest.raises(ScenarioError, match="no values"):
        points("grid", [Axis("a", ())])
    with pytest.raises(ScenarioError, match="a is varied or sampled twice"):
        points("grid", [Axis("a", (1,)), Axis("a", (2,))])


# --- the round trip: a stored sweep's inputs run again ----------------------------------------------


def test_a_stored_sweeps_inputs_run_again_as_the_same_sweep(tmp_path):
    store = tmp_path / "s.sqlite"
    first = gigawatt("sweep", str(SIZE), "--vary", "cluster.count=1000,2000", "--figure", "USD per accelerator-hour", "--workers", "1",
                     "--json", store=store)
    assert first.returncode == 0, first.stderr
    sweep_id = json.loads(first.stdout)["run"]["id"]
    printed = gigawatt("runs", "inputs", sweep_id, store=store)
    assert printed.returncode == 0, printed.stderr
    again_yaml = tmp_path / "again.yaml"
    again_yaml.write_text(printed.stdout)
    again = gigawatt("sweep", str(again_yaml), "--workers", "1", "--json", store=store)
    assert again.returncode == 0, again.stderr
    out = json.loads(again.stdout)
    assert out["run"]["id"] == sweep_id  # the same inputs: the same sweep, its record replaced
    assert out["result"]["figure"] == "usd_per_accelerator_hour" and out["result"]["figure_label"] == "USD per accelerator-hour"
    assert [p["run_id"] for p in out["result"]["points"]] == [p["run_id"] for p in json.loads(first.stdout)["result"]["points"]]
    assert len(open_store(str(store)).list(kind="sweep")) == 1
    # its points are fixed: options that would change them are refused, naming them
    refused_store = tmp_path / "other.sqlite"
    refused(gigawatt("sweep", str(again_yaml), "--vary", "cluster.count=5,6", store=refused_store),
            "is a stored sweep's inputs", "drop --vary", store=refused_store)
    refused(gigawatt("sweep", str(again_yaml), "--figure", "nope", store=refused_store), "--figure 'nope'", store=refused_store)


DASK = str(Path(sys.executable).with_name("dask"))


def start_scheduler() -> tuple[subprocess.Popen, str]:
    """`dask scheduler` started as a process of its own on a free loopback port, and its address."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    scheduler = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", "127.0.0.1:0"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return scheduler, f"tcp://127.0.0.1:{port}"


def start_workers(address: str, elsewhere: Path) -> subprocess.Popen:
    """Two `dask worker` processes started apart, in another folder with it as HOME and TMPDIR: nothing of the
    driver's paths reaches them."""
    elsewhere.mkdir()
    return subprocess.Popen([DASK, "worker", address, "--nthreads", "1", "--nworkers", "2"], cwd=elsewhere,
                            env={**os.environ, "HOME": str(elsewhere), "TMPDIR": str(elsewhere)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_scheduler_runs_the_points_on_its_workers_and_one_without_workers_is_an_error(tmp_path, monkeypatch):
    from gigawatt.sweep import runner as sweeps

    scheduler, address = start_scheduler()
    worker = None
    try:
        chosen = [{"cluster.count": 1000}]
        inputs = sweeps.validate("size", SIZE, chosen)
        monkeypatch.setattr(sweeps, "WORKERS_TIMEOUT_S", 3)
        deadline = time.monotonic() + 60
        while True:  # until the scheduler listens: then, with no worker, the sweep stops in one line
            try:
                sweeps.run_sweep("size", chosen, inputs, store=None, scheduler=address)
            except ScenarioError as exc:
                if "no worker joined it within 3 s" in str(exc):
                    assert f"dask worker {address}" in str(exc)
                    break
                assert "no Dask scheduler answered" in str(exc) and time.monotonic() < deadline, str(exc)
        elsewhere = tmp_path / "elsewhere"
        worker = start_workers(address, elsewhere)
        # ten sweeps in a row, each with a new SQLite store: the driver is the store's only writer, so none is locked
        for n in range(10):
            store = tmp_path / f"s{n}.sqlite"
            done = gigawatt("sweep", str(SIZE), "--vary", f"cluster.count=1000,2000,{3000 + n}", "--scheduler", address, "--json", store=store)
            assert done.returncode == 0, done.stderr[-2000:]
            points = json.loads(done.stdout)["result"]["points"]
            assert [p["status"] for p in points] == ["done"] * 3
            kept = open_store(str(store))
            assert all(kept.get(p["run_id"]) is not None for p in points)
        # a plan that reads a CSV: its bytes go with the tasks, the workers run on their own copies, and the points are
        # kept under the ids and with the paths they have on the driver (as `gigawatt plan` of each would keep them)
        load = tmp_path / "load.csv"
        load.write_text("timestamp,value\n" + "".join(f"{t:%Y-%m-%d %H:%M},900\n" for t in pd.date_range("2025-01-01", periods=HOURS_2025, freq="h")))
        store = tmp_path / "plan.sqlite"
        settings = ["site.screening_segments=24", f"site.load_csv={load}"]
        done = gigawatt("sweep", str(PLAN), *(arg for setting in settings for arg in ("--set", setting)), "--vary", "grid.import_mw=500,600",
                        "--scheduler", address, "--json", store=store)
        assert done.returncode == 0, done.stderr[-2000:]
        points = json.loads(done.stdout)["result"]["points"]
        assert [p["status"] for p in points] == ["done"] * 2, points
        expected = [run_id("plan", load_inputs("plan", PLAN, [*settings, f"grid.import_mw={mw}", "solver.threads=1"])) for mw in (500, 600)]
        assert [p["run_id"] for p in points] == expected
        kept = open_store(str(store))
        assert [kept.get(ident).inputs.site.load_csv for ident in expected] == [str(load)] * 2
        named = sorted({Path(f).name for f in referenced_files(kept.get(expected[0]).inputs.model_dump(mode="json"))})
        assert "load.csv" in named  # with the example's own CSVs
        assert sorted(p.name for p in (elsewhere / SHIPPED_FOLDER).glob("*/*")) == named  # each sent once, copied once
        # a file the driver cannot read: one line naming the field, before anything is sent
        refused(gigawatt("sweep", str(PLAN), "--set", f"site.load_csv={tmp_path / 'gone.csv'}", "--vary", "grid.import_mw=500,600",
                         "--scheduler", address, store=tmp_path / "gone.sqlite"),
                "site.load_csv file", "gone.csv: no such file", store=tmp_path / "gone.sqlite")
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


def test_sweeps_on_a_cluster_started_apart_keep_their_points_in_postgresql(tmp_path, postgres_db_url):
    scheduler, address = start_scheduler()
    worker = start_workers(address, tmp_path / "elsewhere")
    try:
        for n in range(3):  # sweeps in a row into one PostgreSQL store, a team's, which only the driver opens
            done = gigawatt("sweep", str(SIZE), "--vary", f"cluster.count=1000,{2000 + n}", "--scheduler", address, "--json",
                            store=postgres_db_url)
            assert done.returncode == 0, done.stderr[-2000:]
            points = json.loads(done.stdout)["result"]["points"]
            assert [p["status"] for p in points] == ["done"] * 2
            kept = open_store(postgres_db_url)
            assert all(kept.get(p["run_id"]) is not None for p in points)
        assert len(open_store(postgres_db_url).list(kind="sweep")) == 3
        assert len(open_store(postgres_db_url).list(kind="size")) == 4  # 1000 is one point of all three
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=30)


def test_a_damaged_stored_sweep_is_refused_before_anything_runs(tmp_path):
    from gigawatt.sweep.runner import sweep_again

    record = {"name": "x", "kind": "size", "design": "grid", "figure": "facility power MW", "base": {"cluster": {"accelerator": "H100 SXM", "count": 1000}},
              "points": [{"cluster.count": 1000}], "sampled": [], "seed": 0, "weather": {}}
    store = str(tmp_path / "s.sqlite")
    for change, message in [({"kind": "bogus"}, "kind 'bogus' is not a kind of run a sweep can vary"),
                            ({"design": "mesh"}, "design 'mesh': choose one of grid"),
                            ({"points": []}, "0 points; a sweep has 1 to 100,000"),
                            ({"figure": "nope"}, "--figure 'nope' is not a figure of a size run"),
                            ({"design": "sobol", "sampled": ["cluster.pue"]}, "1 points is not Saltelli's design for 1 sampled inputs"),
                            ({"points": [{"weather_year": 2019}]}, "weather year 2019 of its points has no series"),
                            ({"weather": {2019: {"site.solar_csv": str(tmp_path / "gone.csv")}}, "points": [{"weather_year": 2019}]},
                             "gone.csv is gone"),
                            ({"points": [{"cluster.count": -1}]}, "point 1 (cluster.count=-1)"),
                            ({"seed": "x"}, "a stored sweep's inputs: seed:")]:
        with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(")", r"\)")):
            sweep_again({**record, **change}, store=store, workers=1)
    assert not Path(store).exists() or not open_store(store).list()


def test_a_weather_year_cannot_be_varied_by_hand(tmp_path):
    store = tmp_path / "s.sqlite"
    refused(gigawatt("sweep", str(SIZE), "--vary", "weather_year=2010,2011", store=store),
            "point 1: weather_year 2010 has no weather series", "--weather-years", store=store)


# --- the figures a sweep accepts are the figures its runs have -----------------------------------------


@pytest.mark.parametrize("kind, example, overrides", [
    ("size", "h100-100k.yaml", []),
    ("buildout", "buildout/10gw.yaml", ["draws=0"]),
    ("plan", "west-texas-grid-gas.yaml", ["site.screening_segments=24"]),
])
def test_every_figure_of_a_real_run_is_one_a_sweep_accepts(kind, example, overrides):
    """A job's figure_labels list what its figures() gives: a label changed in one without the other fails this."""
    from gigawatt import api, registry
    from gigawatt.sweep.runner import check_figure

    run = api.run(kind, EXAMPLES / example, set=overrides, store=None)
    labels = registry.figures(kind, run.data)
    assert labels
    for label in labels:
        check_figure(kind, label)  # raises ScenarioError for a label the sweep would refuse


def test_the_figure_is_named_by_its_label_or_by_the_key_the_json_gives_it(tmp_path):
    """``--figure`` takes the table's label (``facility power MW``) or the JSON's identifier (``facility_power_mw``):
    both chart the same figure, and the document keys it by the identifier with the label beside it."""
    from gigawatt.core.documents import identifier
    from gigawatt.registry import JOBS

    label = JOBS["size"].figure_labels[1]
    documents = []
    for name in (label, identifier(label)):
        done = gigawatt("sweep", str(SIZE), "--vary", "cluster.count=1000,2000", "--figure", name, "--json", store=tmp_path / "runs.db")
        assert done.returncode == 0, done.stderr[-2000:]
        documents.append(json.loads(done.stdout)["result"])
    for result in documents:
        assert result["figure"] == identifier(label) and result["figure_label"] == label
        assert [p[identifier(label)] for p in result["points"]] == [p[identifier(label)] for p in documents[0]["points"]]
    refused(gigawatt("sweep", str(SIZE), "--vary", "cluster.count=1000,2000", "--figure", "facility_power_kw", store=tmp_path / "no.db"),
            "--figure", "is not a figure of a size run", store=tmp_path / "no.db")

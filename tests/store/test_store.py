"""The run store on SQLite and on a real PostgreSQL server: save, find, list, compare, export, remove;
concurrent writers, a writer killed mid-write, and stores of another version."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest
from runs_fixtures import runs  # noqa: F401  (fixture)

import gigawatt
from gigawatt.core.errors import ScenarioError
from gigawatt.report.export import export
from gigawatt.report.tables import differences
from gigawatt.registry import KINDS
from gigawatt.store import STORE_VERSION, Store

pytest_plugins = ["postgres_server"]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "runs.sqlite")
    return request.getfixturevalue("postgres_db_url")


def test_every_kind_round_trips_through_the_store(store_url, runs):  # noqa: F811
    store = Store(store_url)
    for kind in KINDS:
        fresh = runs[kind]
        store.save(fresh)
        back = store.load(fresh.run.id[:10])
        assert back.run.stored and back.kind == kind
        assert back.to_dict() == json.loads(json.dumps(fresh.to_dict()))  # the same JSON form, exactly
        assert back.inputs == fresh.inputs
        frames = back.to_frames()
        assert set(frames) == {k for k, f in fresh.to_frames().items() if len(f.columns)}
        for name, frame in fresh.to_frames().items():
            pd.testing.assert_frame_equal(frames[name], frame, check_freq=False, check_dtype=False, obj=f"{kind}.{name}")
    listed = store.list()
    assert {row["kind"] for row in listed} == set(KINDS)
    assert [row["kind"] for row in store.list(kind="plan")] == ["plan"]
    assert store.list(name="PJM test")[0]["kind"] == "headroom"
    assert store.list(since="2999-01-01") == []
    plan_row = store.list(kind="plan")[0]
    assert plan_row["headline"]["LCOE USD/MWh"] == pytest.approx(runs["plan"].lcoe_usd_per_mwh)
    removed = store.remove([runs["size"].run.id[:12]])
    assert removed == [runs["size"].run.id] and store.get(runs["size"].run.id) is None
    with pytest.raises(ScenarioError, match="no such run"):
        store.load(runs["size"].run.id[:12])


def test_saving_the_same_run_twice_keeps_one(store_url, runs):  # noqa: F811
    store = Store(store_url)
    store.save(runs["size"])
    store.save(runs["size"])
    assert len(store.list()) == 1


def test_an_identical_run_returns_from_the_store_and_fresh_recomputes(tmp_path):
    url = str(tmp_path / "runs.sqlite")
    scenario = {"name": "x", "cluster": {"accelerator": "H100", "count": 1000}}
    first = gigawatt.size(scenario, store=url)
    again = gigawatt.size(scenario, store=url)
    assert not first.run.stored and again.run.stored and again.run.id == first.run.id
    assert again.facility_power_mw == first.facility_power_mw
    other = gigawatt.size(scenario, set={"cluster.count": 2000}, store=url)
    assert other.run.id != first.run.id and not other.run.stored
    recomputed = gigawatt.size(scenario, store=url, fresh=True)
    assert not recomputed.run.stored and recomputed.run.id == first.run.id


def test_the_id_changes_with_the_bytes_of_a_file_the_inputs_name(tmp_path):
    from runs_fixtures import demand_csv

    path = demand_csv(tmp_path)
    study = {"files": [path], "systems": ["PJM"], "limits_pct": [1.0]}
    first = gigawatt.headroom(study, store=str(tmp_path / "s.sqlite"))
    frame = pd.read_csv(path, index_col=0)
    frame["PJM"] *= 1.01
    frame.to_csv(path)
    second = gigawatt.headroom(study, store=str(tmp_path / "s.sqlite"))
    assert second.run.id != first.run.id and not second.run.stored
    assert second.data["total"]["limits"][0]["headroom_mw"] != first.data["total"]["limits"][0]["headroom_mw"]


def test_the_id_changes_with_the_bytes_of_a_file_named_by_technology(tmp_path):
    """``site.capacity_factor_csv`` maps technologies to files: each file's bytes are in the id like any *_csv field's."""
    from gigawatt.api import load_inputs
    from gigawatt.store import referenced_files, run_id

    path = tmp_path / "offshore.csv"
    path.write_text("timestamp,value\n2025-01-01 00:00,0.5\n")
    scenario = {"name": "x", "cluster": {"accelerator": "H100", "count": 1000},
                "site": {"latitude": 40, "longitude": -74, "capacity_factor_csv": {"offshore_wind": str(path)}}}
    model = load_inputs("plan", scenario)
    assert list(referenced_files(model.model_dump(mode="json"))) == [str(path)]
    first = run_id("plan", model)
    path.write_text("timestamp,value\n2025-01-01 00:00,0.6\n")
    assert run_id("plan", model) != first


def test_diff_names_the_inputs_that_differ_and_the_deltas(tmp_path):
    url = str(tmp_path / "runs.sqlite")
    a = gigawatt.size({"cluster": {"accelerator": "H100", "count": 1000}}, store=url)
    b = gigawatt.size({"cluster": {"accelerator": "H100", "count": 2000}}, store=url)
    d = differences(Store(url).load(a.run.id), Store(url).load(b.run.id))
    assert d["inputs"] == {"cluster.count": (1000, 2000)}
    x, y, delta = d["results"]["facility power MW"]
    assert delta == pytest.approx(y - x) and y == pytest.approx(2 * x)


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet", "xlsx"])
def test_export_writes_every_table(runs, tmp_path, fmt):  # noqa: F811
    result = runs["plan"]
    path = export(result, fmt, tmp_path / f"out.{fmt}")
    if fmt == "json":
        assert json.loads(path.read_text())["result"]["annual_cost_usd"] == pytest.approx(result.annual_cost_usd)
    elif fmt == "xlsx":
        sheets = pd.read_excel(path, sheet_name=None)
        assert {"Summary", "Inputs", "dispatch", "capacity"} <= set(sheets)
        assert sheets["dispatch"]["load (MW)"].sum() == pytest.approx(result.load_mwh, rel=1e-6)
    else:
        dispatch = pd.read_csv(path / "dispatch.csv") if fmt == "csv" else pd.read_parquet(path / "dispatch.parquet")
        assert dispatch["load_mw"].sum() == pytest.approx(result.load_mwh, rel=1e-6)
        assert json.loads((path / "run.json").read_text())["run"]["id"] == result.run.id


# --- real processes ---------------------------------------------------------------------------------

SAVER = textwrap.dedent("""
    import sys, gigawatt
    count = int(sys.argv[2])
    result = gigawatt.size({"cluster": {"accelerator": "H100", "count": count}}, store=sys.argv[1])
    print(result.run.id)
""")


def _python(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_two_processes_saving_at_once_both_succeed(store_url):
    # four writers, two of them the same run: every save succeeds, and identical runs are kept once
    procs = [_python("-c", SAVER, store_url, str(count)) for count in (1000, 1000, 2000, 3000)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    ids = {out.strip() for out, _ in outs}
    assert len(ids) == 3
    assert {row["id"] for row in Store(store_url).list()} == ids


KILLED = textwrap.dedent("""
    import sys, time, pathlib, gigawatt, gigawatt.store as store
    result = gigawatt.size({"cluster": {"accelerator": "H100", "count": 777}}, store=None)
    real = store._parquet
    def slow(frame):
        pathlib.Path(sys.argv[2]).write_text(result.run.id)  # inside the transaction: the run row is written
        time.sleep(60)
        return real(frame)
    store._parquet = slow
    store.Store(sys.argv[1]).save(result)
""")


def test_a_writer_killed_mid_write_leaves_no_half_record(store_url, tmp_path):
    Store(store_url)  # created before, so the writer is killed inside its own transaction, not during set-up
    flag = tmp_path / "inside"
    proc = _python("-c", KILLED, store_url, str(flag))
    deadline = time.monotonic() + 60
    while not (flag.exists() and flag.read_text()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # until the id is written, not only the file created
    assert flag.exists() and flag.read_text(), proc.communicate()[1]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    ident = flag.read_text()
    store = Store(store_url)
    assert store.get(ident) is None and store.frames(ident) == {}
    again = gigawatt.size({"cluster": {"accelerator": "H100", "count": 777}}, store=store_url)  # the store still works
    assert not again.run.stored and Store(store_url).get(ident) is not None


# --- other versions and other files -----------------------------------------------------------------


def test_a_store_of_a_newer_version_is_refused(tmp_path):
    url = str(tmp_path / "runs.sqlite")
    gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=url)
    import sqlite3

    with sqlite3.connect(url) as db:
        db.execute("UPDATE gigawatt_store SET value = ? WHERE key = 'store_version'", (str(STORE_VERSION + 1),))
    with pytest.raises(ScenarioError, match="newer gigawatt"):
        Store(url).list()
    with pytest.raises(ScenarioError, match="newer gigawatt"):  # the quick lookup refuses it too
        gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=Store(url))


def test_an_older_store_without_a_migration_is_refused(tmp_path):
    url = str(tmp_path / "runs.sqlite")
    Store(url).list()
    import sqlite3

    with sqlite3.connect(url) as db:
        db.execute("UPDATE gigawatt_store SET value = '0' WHERE key = 'store_version'")
    with pytest.raises(ScenarioError, match="cannot migrate"):
        Store(url).list()


def test_a_database_that_is_not_a_store_is_refused(tmp_path):
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(ScenarioError, match="not a gigawatt run store"):
        Store(str(path)).list()
    (tmp_path / "text.sqlite").write_text("hello, not a database\n" * 100)
    with pytest.raises(ScenarioError, match="cannot be opened"):
        Store(str(tmp_path / "text.sqlite")).list()


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_exports_and_diffs(runs, tmp_path, kind):  # noqa: F811
    result = runs[kind]
    folder = export(result, "csv", tmp_path / kind)
    assert {p.stem for p in folder.glob("*.csv")} == {k for k, f in result.to_frames().items() if len(f.columns)}
    d = differences(result, result)
    assert d["inputs"] == {} and d["results"] and all(delta in (None, 0) for _, _, delta in d["results"].values())

"""The store's size per kind, pruning (by age, kind, sweep; tagged runs kept; dry runs), the Parquet
compression setting, the migration of a version-1 store, and `gigawatt runs size/tag/prune` through the
installed entry point. On SQLite and on a real PostgreSQL where the fixture gives one."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import gigawatt
from gigawatt.core.errors import ScenarioError
from gigawatt.store import Store

pytest_plugins = ["postgres_server"]

ROOT = Path(__file__).resolve().parents[2]
GIGAWATT = Path(sys.executable).with_name("gigawatt")
V1_COMMIT = "2616e1f"  # the last commit whose store.py wrote store version 1
COUNTS = (1000, 2000, 3000)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "runs.sqlite")
    return request.getfixturevalue("postgres_db_url")


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> list[gigawatt.Result]:
    """A stored size sweep of two points and the points, read back: copied into each test's store."""
    from gigawatt.sweep.runner import sweep

    url = str(tmp_path_factory.mktemp("sweep") / "s.sqlite")
    result = sweep(ROOT / "examples" / "h100-100k.yaml", {"design": "grid", "vary": {"cluster.count": [1500, 2500]}}, store=url, workers=1)
    source = Store(url)
    assert result.kind == "sweep"
    return [source.load(row["id"]) for row in source.list()]


def _sizes(url: str) -> list[str]:
    """Three size runs saved in the store at ``url``; their ids."""
    return [gigawatt.size({"name": f"n{n}", "cluster": {"accelerator": "H100", "count": n}}, store=url).run.id for n in COUNTS]


def _age(store: Store, ident: str, days: int) -> None:
    """Make a stored run look ``days`` days old."""
    import datetime as dt

    import sqlalchemy as sa

    created = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).isoformat(timespec="seconds")
    with store.engine.begin() as db:
        db.execute(sa.update(store.runs).where(store.runs.c.id == ident).values(created=created))


def test_sizes_add_up_over_kinds(store_url, swept):
    store = Store(store_url)
    _sizes(store_url)
    for result in swept:
        store.save(result)
    sizes = store.size()
    assert set(sizes["kinds"]) == {"size", "sweep"}
    assert sizes["kinds"]["size"]["runs"] == 5 and sizes["kinds"]["sweep"]["runs"] == 1
    for field in ("runs", "total_bytes", "record_bytes", "table_bytes"):
        assert sum(k[field] for k in sizes["kinds"].values()) == sizes["total"][field], field
    assert sizes["total"]["runs"] == len(store.list())
    assert sizes["total"]["total_bytes"] == sizes["total"]["record_bytes"] + sizes["total"]["table_bytes"]
    size_kind = sizes["kinds"]["size"]
    assert size_kind["mean_bytes_per_run"] <= size_kind["max_bytes_per_run"] and 0 < size_kind["table_share"] < 1
    if store.path is not None:
        assert sizes["file_bytes"] >= sizes["total"]["total_bytes"]
    else:
        assert sizes["file_bytes"] is None


def test_prune_by_age_and_kind_keeps_tagged_runs_and_dry_run_removes_nothing(store_url):
    store = Store(store_url)
    old, tagged, new = _sizes(store_url)
    _age(store, old, 40)
    _age(store, tagged, 40)
    store.tag(tagged[:10], "paper")
    dry = store.prune(older_than_days=30, dry_run=True)
    assert [row["id"] for row in dry["runs"]] == [old] and dry["kept_tagged"] == [tagged]
    assert len(store.list()) == 3  # nothing went
    done = store.prune(older_than_days=30)
    assert [row["id"] for row in done["runs"]] == [old] and done["kinds"] == {"size": {"runs": 1, "bytes": dry["kinds"]["size"]["bytes"]}}
    assert {row["id"] for row in store.list()} == {tagged, new}
    assert store.prune(kind="plan")["runs"] == []
    assert [row["id"] for row in store.prune(kind="size")["runs"]] == [new]
    assert [row["id"] for row in store.list()] == [tagged]
    store.tag(tagged[:10], "paper", remove=True)
    assert [row["id"] for row in store.prune(kind="size", older_than_days=0)["runs"]] == [tagged]
    assert store.list() == [] and store.tags() == {}


def test_prune_a_sweep_removes_it_and_its_points_only(store_url, swept):
    store = Store(store_url)
    others = _sizes(store_url)
    for result in swept:
        store.save(result)
    sweep_id = next(r.run.id for r in swept if r.kind == "sweep")
    points = {p["run_id"] for p in next(r for r in swept if r.kind == "sweep").data["points"]}
    removed = store.prune(sweep=sweep_id[:10])
    assert {row["id"] for row in removed["runs"]} == {sweep_id, *points}
    assert {row["id"] for row in store.list()} == set(others)
    with pytest.raises(ScenarioError, match="--sweep .* is a size run, not a sweep"):
        store.prune(sweep=others[0][:10])


def test_bad_filters_are_refused(store_url):
    store = Store(store_url)
    _sizes(store_url)
    for kwargs, match in [({"older_than_days": -1}, "--older-than -1"), ({"kind": "nope"}, "--kind 'nope'"), ({}, "at least one")]:
        with pytest.raises(ScenarioError, match=match):
            store.prune(**kwargs)
    assert len(store.list()) == 3


def test_old_uncompressed_rows_still_load_after_the_setting_changes(store_url, monkeypatch):
    monkeypatch.setenv("GIGAWATT_STORE_COMPRESSION", "none")
    first = gigawatt.size({"cluster": {"accelerator": "H100", "count": 1234}}, store=None)
    Store(store_url).save(first)
    monkeypatch.setenv("GIGAWATT_STORE_COMPRESSION", "zstd")
    second = gigawatt.size({"cluster": {"accelerator": "H100", "count": 4321}}, store=None)
    store = Store(store_url)
    store.save(second)
    import sqlalchemy as sa

    with store.engine.connect() as db:
        codecs = dict(db.execute(sa.select(store.frames_table.c.run_id, store.frames_table.c.compression)).all())
    assert codecs == {first.run.id: "none", second.run.id: "zstd"}
    for result in (first, second):
        back = Store(store_url).load(result.run.id)
        for name, frame in result.to_frames().items():
            pd.testing.assert_frame_equal(back.to_frames()[name], frame, check_dtype=False, check_freq=False)
    monkeypatch.setenv("GIGAWATT_STORE_COMPRESSION", "lzma")
    with pytest.raises(ScenarioError, match="GIGAWATT_STORE_COMPRESSION='lzma'"):
        Store(store_url).save(gigawatt.size({"cluster": {"accelerator": "H100", "count": 99}}, store=None))


def _version_1_store_module():
    """store.py as it was at store version 1 (from git), as a module; skips where git or the commit is absent."""
    try:
        source = subprocess.run(["git", "show", f"{V1_COMMIT}:src/gigawatt/store.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"git or commit {V1_COMMIT} (the store-version-1 code) is not available here")
    return source


def test_a_store_written_by_version_1_code_migrates_without_losing_a_run(store_url, tmp_path):
    path = tmp_path / "store_v1.py"
    path.write_text(_version_1_store_module())
    spec = importlib.util.spec_from_file_location("gigawatt_store_v1", path)
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)
    assert old.STORE_VERSION == 1
    results = [gigawatt.size({"name": f"v1 {n}", "cluster": {"accelerator": "H100", "count": n}}, store=None) for n in COUNTS]
    writer = old.Store(store_url)
    for result in results:
        writer.save(result)
    writer.engine.dispose()
    store = Store(store_url)  # migrates to version 2
    assert {row["id"] for row in store.list()} == {r.run.id for r in results}
    for result in results:
        back = store.load(result.run.id)
        assert back.to_dict()["result"] == Store(store_url).load(result.run.id).to_dict()["result"]
        for name, frame in result.to_frames().items():
            pd.testing.assert_frame_equal(back.to_frames()[name], frame, check_dtype=False, check_freq=False)
    store.tag(results[0].run.id[:10], "kept")
    assert store.size()["total"]["runs"] == 3 and [r["id"] for r in store.prune(kind="size")["runs"]] != []
    assert [row["id"] for row in store.list()] == [results[0].run.id]


def _cli(*args: str, store: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GIGAWATT), "runs", *args, "--store", store], capture_output=True, text=True, timeout=120)


def test_the_commands_through_the_installed_entry_point(store_url):
    if not GIGAWATT.exists():
        pytest.skip(f"no gigawatt entry point beside {sys.executable} (pip install -e .)")
    ids = _sizes(store_url)
    size = _cli("size", store=store_url)
    assert size.returncode == 0 and "size" in size.stdout and "all" in size.stdout, size.stderr
    assert _cli("tag", ids[0][:10], "keep", store=store_url).returncode == 0
    dry = _cli("prune", "--kind", "size", "--dry-run", store=store_url)
    assert dry.returncode == 0 and "would remove 2 size runs" in dry.stdout and len(Store(store_url).list()) == 3
    done = _cli("prune", "--kind", "size", store=store_url)
    assert done.returncode == 0 and "removed 2 size runs" in done.stdout and "kept 1 tagged run" in done.stdout, done.stdout
    assert ("VACUUM reclaimed" in done.stdout) == (Store(store_url).path is not None)
    assert [row["id"] for row in Store(store_url).list()] == [ids[0]]
    for bad, named in [(["--older-than", "-1"], "--older-than"), (["--kind", "nope"], "--kind"), (["--sweep", ids[0][:10]], "--sweep"), ([], "--older-than")]:
        refused = _cli("prune", *bad, store=store_url)
        assert refused.returncode == 2 and refused.stdout == "", bad
        assert len(refused.stderr.strip().splitlines()) == 1 and named in refused.stderr, refused.stderr
    assert len(Store(store_url).list()) == 1


def test_prune_a_sweep_keeps_the_points_another_sweep_lists(tmp_path, swept):
    import dataclasses

    url = str(tmp_path / "runs.sqlite")
    store = Store(url)
    for result in swept:
        store.save(result)
    first = next(r for r in swept if r.kind == "sweep")
    twin = dataclasses.replace(first, run=dataclasses.replace(first.run, id="f" * 64))  # another sweep of the same points
    store.save(twin)
    points = {p["run_id"] for p in first.data["points"]}
    report = store.prune(sweep=first.run.id[:10])
    assert [row["id"] for row in report["runs"]] == [first.run.id] and set(report["kept_shared"]) == points
    assert {row["id"] for row in store.list()} == {twin.run.id, *points}

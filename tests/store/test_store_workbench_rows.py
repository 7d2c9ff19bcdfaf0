"""The workbench's rows kept beside a run (display name and note, share links, the author's scenario text) go
with the run on `gigawatt runs rm` and `runs prune` through the installed entry point, also from a store made
before those tables existed; and the project list (`Store.projects`) filters and pages in SQL. On SQLite and on
a real PostgreSQL where the fixture gives one (issue 29)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

import gigawatt
from gigawatt.store import RUN_SIDE_TABLES, Store, open_store
from gigawatt.web.editor import Kept

pytest_plugins = ["postgres_server"]

GIGAWATT = Path(sys.executable).with_name("gigawatt")
MANY_RUNS = 300  # enough that a page is a small part of the list
PAGE = 25


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "runs.sqlite")
    return request.getfixturevalue("postgres_db_url")


def _cli(*args: str, store: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GIGAWATT), "runs", *args, "--store", store], capture_output=True, text=True, timeout=120)


def _rows(store: Store, table: str, ident: str) -> int:
    with store.engine.connect() as db:
        if table not in sa.inspect(db).get_table_names():
            return 0
        return db.execute(sa.text(f"SELECT count(*) FROM {table} WHERE run_id = :i"), {"i": ident}).scalar()  # noqa: S608 (our names)


def _size(url: str, count: int) -> str:
    return gigawatt.size({"name": f"n{count}", "cluster": {"accelerator": "H100", "count": count}}, store=url).run.id


def test_runs_rm_removes_the_workbench_rows_of_the_run_only(store_url, tmp_path):
    gone, kept = _size(store_url, 1000), _size(store_url, 2000)
    store = Store(store_url)
    for ident in (gone, kept):
        store.label(ident, name="a display name", note="a note")
        store.add_share("sig-" + ident[:20], ident)
        Kept(store, tmp_path).keep_text(ident, "size", "cluster: {accelerator: H100}\n")
    tables = ("run_labels", "run_shares", "editor_texts")
    assert all(_rows(store, t, gone) == 1 for t in tables)
    done = _cli("rm", gone[:12], store=store_url)
    assert done.returncode == 0, done.stderr
    after = Store(store_url)
    assert {t: _rows(after, t, gone) for t in tables} == dict.fromkeys(tables, 0)
    assert {t: _rows(after, t, kept) for t in tables} == dict.fromkeys(tables, 1)  # the other run's rows stay


def test_runs_rm_and_prune_work_in_a_store_without_the_workbench_tables(store_url):
    first, second = _size(store_url, 1000), _size(store_url, 2000)
    store = Store(store_url)
    with store.engine.connect() as db:
        assert not set(RUN_SIDE_TABLES) & set(sa.inspect(db).get_table_names())  # a store the workbench never opened
    store.engine.dispose()
    done = _cli("rm", first[:12], store=store_url)
    assert done.returncode == 0, done.stderr
    labelled = Store(store_url)
    labelled.label(second, note="pruned with its note")
    for held in (labelled, open_store(store_url)):  # no connection of this process left open while another prunes and VACUUMs
        held.engine.dispose()
    done = _cli("prune", "--kind", "size", store=store_url)
    assert done.returncode == 0, done.stderr + done.stdout
    after = Store(store_url)
    assert after.list() == [] and _rows(after, "run_labels", second) == 0


def test_projects_filters_and_pages_in_the_database(store_url):
    store = Store(store_url)
    store.engine  # noqa: B018  (creates the tables)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    rows = [{"id": f"{n:064x}", "kind": "size" if n % 3 else "plan", "name": f"campus {n:03d}" + (" 50%_off" if n == 7 else ""),
             "created": (start + dt.timedelta(hours=n)).isoformat(timespec="seconds"), "gigawatt_version": gigawatt.__version__,
             "catalog_hash": "x", "seconds": 1.0, "headline": "{}", "record": "{}"} for n in range(MANY_RUNS)]
    with store.engine.begin() as db:
        db.execute(sa.insert(store.runs), rows)
    store.label(rows[5]["id"], name="Renamed North Campus")

    page, total = store.projects(offset=PAGE, limit=PAGE)
    newest_first = sorted(rows, key=lambda r: r["created"], reverse=True)
    assert total == MANY_RUNS and [r["id"] for r in page] == [r["id"] for r in newest_first[PAGE: 2 * PAGE]]
    last, _ = store.projects(offset=MANY_RUNS - 10, limit=PAGE)
    assert len(last) == 10

    plans, total = store.projects(kind="plan", limit=PAGE)
    assert total == MANY_RUNS // 3 and len(plans) == PAGE and {r["kind"] for r in plans} == {"plan"}

    found, total = store.projects(search="north CAMPUS")  # the display name, any case
    assert total == 1 and found[0]["id"] == rows[5]["id"] and found[0]["display_name"] == "Renamed North Campus"
    found, total = store.projects(search="50%_")  # the text itself, not a LIKE pattern
    assert total == 1 and found[0]["name"] == "campus 007 50%_off"
    found, total = store.projects(search="campus 01")
    assert total == 10

    day = (start + dt.timedelta(days=2)).date().isoformat()  # hours 48 to 71
    found, total = store.projects(since=day, until=day, limit=PAGE)
    assert total == 24 and all(r["created"].startswith(day) for r in found)

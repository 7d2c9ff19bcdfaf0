"""A store that nothing damages, and outputs written whole or not at all: through the installed CLI, in real
processes, on real files, on SQLite and on a real PostgreSQL server.

- another program's SQLite file given as a store is refused without a byte of it changing;
- a store locked by another process: a bounded wait, then one line, and a computed result kept in a file;
- store paths are paths (``a%20b.db`` is that name), URLs are URLs; a malformed PostgreSQL URL is one line;
- stored runs that cannot be read (cut short, unknown kind, newer gigawatt) are refused one by one, and
  listed, marked, beside the others;
- a run name with rich markup prints as written;
- exports and --plot/--csv outputs replace a file only when complete, and paths that cannot be written
  are refused in one line before the job runs.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, gigawatt_all, gigawatt_cli, one_line_error

import gigawatt
from gigawatt.core.errors import ScenarioError, StoreError
from gigawatt.core.files import write_atomically, write_folder
from gigawatt.store import STORE_LOCK_WAIT_S, Store, UnreadableRun

pytest_plugins = ["postgres_server"]

PROCESS_START_S = 30  # the most a CLI process may take beyond the lock wait to start, compute and answer (loaded CI)
SIZE = ["size", "-a", "H100", "-n"]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "runs.sqlite")
    return request.getfixturevalue("postgres_db_url")


def _folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- a file that is not a store is never written to ------------------------------------------------


def _customers(path: Path) -> None:
    with sqlite3.connect(path) as db:  # another program's database, in SQLite's default (rollback) journal mode
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO customers (name) VALUES (?)", [("ada",), ("grace",)])
    db.close()


def _empty_database(path: Path) -> None:
    with sqlite3.connect(path) as db:  # a SQLite database with a header and no tables
        db.execute("CREATE TABLE t (x)")
        db.execute("DROP TABLE t")
    db.close()


@pytest.mark.parametrize("make, expected", [
    (_customers, "holds tables that are not a gigawatt run store (customers)"),
    (_empty_database, "empty SQLite database that is not a gigawatt run store"),
    (lambda path: path.write_text("name,mw\nabilene,1200\n" * 50), "not a SQLite database"),
], ids=["another-programs-database", "empty-database", "text-file"])
def test_a_file_that_is_not_a_store_is_refused_and_left_byte_for_byte(tmp_path, make, expected):
    path = tmp_path / "theirs.db"
    make(path)
    before = _folder_state(tmp_path)
    header = path.read_bytes()[:100]
    commands = [[*SIZE, "1000", "--store", str(path)], ["runs", "list", "--store", str(path)], ["runs", "show", "ab12", "--store", str(path)]]
    for done in gigawatt_all(commands, cwd=tmp_path):
        one_line_error(done, f"store '{path}'", expected)
    assert path.read_bytes()[:100] == header  # not switched to WAL mode (bytes 18-19), nothing else either
    assert _folder_state(tmp_path) == before  # the whole file identical, and no -wal or -shm beside it
    with pytest.raises(ScenarioError, match="not a gigawatt run store|not a SQLite database"):
        gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=str(path))
    assert _folder_state(tmp_path) == before


# --- a store locked by another process --------------------------------------------------------------

LOCKER = textwrap.dedent("""
    import sqlite3, sys, time
    url, readers = sys.argv[1], sys.argv[2] == "readers"
    if url.startswith("postgresql"):
        import psycopg
        db = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        # EXCLUSIVE lets others read but not write; ACCESS EXCLUSIVE stops reading too
        db.execute(f"LOCK TABLE runs IN {'ACCESS EXCLUSIVE' if readers else 'EXCLUSIVE'} MODE")
    else:
        db = sqlite3.connect(url, isolation_level=None)
        if readers:
            db.execute("PRAGMA locking_mode=EXCLUSIVE")  # in WAL mode, the only way to keep readers out
        db.execute("BEGIN EXCLUSIVE")
        db.execute("SELECT count(*) FROM runs").fetchall()
    print("locked", flush=True)
    time.sleep(600)
""")


def _hold_lock(url: str, readers: bool = False) -> subprocess.Popen:
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, url, "readers" if readers else "writers"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert locker.stdout.readline().strip() == "locked", locker.communicate(timeout=30)[1]
    return locker


def _release(locker: subprocess.Popen) -> None:
    locker.kill()
    locker.wait(timeout=30)


def test_a_finished_job_on_a_locked_store_keeps_its_result_in_a_file(store_url, tmp_path):
    assert gigawatt_cli(*SIZE, "10", "--store", store_url, "-q", cwd=tmp_path).returncode == 0  # the store exists
    work = tmp_path / "work"
    work.mkdir()
    locker = _hold_lock(store_url)
    try:
        started = time.monotonic()
        done = gigawatt_cli(*SIZE, "1000", "--store", store_url, "--json", cwd=work)
        took = time.monotonic() - started
    finally:
        _release(locker)
    line = one_line_error(done, "locked by another process", f"waited {STORE_LOCK_WAIT_S} s", "is kept in")
    assert STORE_LOCK_WAIT_S <= took < STORE_LOCK_WAIT_S + PROCESS_START_S, took  # waited, but not a minute
    kept = [p for p in work.iterdir() if p.name.startswith("gigawatt-unsaved-size-")]
    assert len(kept) == 1 and str(kept[0]) in line and not [p for p in work.iterdir() if p.name.startswith(".")]
    saved = json.loads(kept[0].read_text())
    # the same run, the lock gone: computed again and stored, with the figures the kept file holds
    again = gigawatt_cli(*SIZE, "1000", "--store", store_url, "--json", cwd=work)
    assert again.returncode == 0, again.stderr
    stored = json.loads(again.stdout)
    assert stored["run"]["id"] == saved["run"]["id"] and stored["inputs"] == saved["inputs"]
    assert stored["result"]["facility_power_mw"] == pytest.approx(saved["result"]["facility_power_mw"], rel=1e-12)
    listed = json.loads(gigawatt_cli("runs", "list", "--store", store_url, "--json", cwd=work).stdout)["runs"]
    assert saved["run"]["id"] in {row["id"] for row in listed} and len(listed) == 2


def test_a_store_locked_against_readers_is_one_line_after_a_bounded_wait(store_url, tmp_path):
    assert gigawatt_cli(*SIZE, "10", "--store", store_url, "-q", cwd=tmp_path).returncode == 0
    locker = _hold_lock(store_url, readers=True)
    try:
        started = time.monotonic()
        for done in gigawatt_all([["runs", "list", "--store", store_url], [*SIZE, "1000", "--store", store_url]], cwd=tmp_path):
            one_line_error(done, "locked by another process", "try again once it is free")
        assert time.monotonic() - started < STORE_LOCK_WAIT_S + PROCESS_START_S
    finally:
        _release(locker)
    assert not list(tmp_path.glob("gigawatt-unsaved-*"))  # refused before the job: nothing computed, nothing to keep
    assert gigawatt_cli("runs", "list", "--store", store_url, cwd=tmp_path).returncode == 0


def test_the_api_names_the_kept_file(tmp_path, monkeypatch):
    import gigawatt.store

    monkeypatch.setattr(gigawatt.store, "STORE_LOCK_WAIT_S", 1)  # in this process: wait 1 s for the lock, not 5
    url = str(tmp_path / "runs.sqlite")
    Store(url).list()
    monkeypatch.chdir(tmp_path)
    locker = _hold_lock(url)
    try:
        with pytest.raises(StoreError, match="locked by another process") as caught:
            gigawatt.size({"cluster": {"accelerator": "H100", "count": 123}}, store=url)
    finally:
        _release(locker)
    kept = caught.value.kept
    assert kept.parent == tmp_path and json.loads(kept.read_text())["inputs"]["cluster"]["count"] == 123


# --- store paths and URLs ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a%20b.db", "x?y#z%3F.db", "with space [1].db"])
def test_a_store_path_is_a_path_not_a_url(tmp_path, name):
    first = gigawatt_cli(*SIZE, "1000", "--store", name, "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / name).is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [name]
    # the quick lookup finds the run in that very file: the second run is the stored one (its timestamp)
    again = gigawatt_cli(*SIZE, "1000", "--store", name, "--json", cwd=tmp_path)
    assert json.loads(again.stdout)["run"] == json.loads(first.stdout)["run"]


def test_a_sqlite_url_is_a_url(tmp_path):
    done = gigawatt_cli(*SIZE, "1000", "--store", "sqlite:///a%20b.db", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "a b.db").is_file() and not (tmp_path / "a%20b.db").exists()


@pytest.mark.parametrize("url, shown", [
    ("postgresql://u:secret@h:notaport/db", "postgresql://u:***@h:notaport/db"),
    ("postgresql://u@h:99999/db", "postgresql://u@h:99999/db"),
    ("postgres://u:secret@[::1/db", "postgres://u:***@[::1/db"),
])
def test_a_postgresql_url_that_cannot_be_read_is_one_line(tmp_path, url, shown):
    line = one_line_error(gigawatt_cli(*SIZE, "1000", "--store", url, cwd=tmp_path), f"store '{shown}'", "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
    assert "secret" not in line


def test_an_unreachable_postgresql_server_is_one_line_before_the_job(tmp_path):
    line = one_line_error(gigawatt_cli(*SIZE, "1000", "--store", "postgresql://u:secret@127.0.0.1:1/db", cwd=tmp_path),
                          "store 'postgresql://u:***@127.0.0.1:1/db'", "cannot be opened")
    assert "secret" not in line and not list(tmp_path.iterdir())


def test_a_store_that_cannot_be_created_is_refused_before_the_job(tmp_path):
    (tmp_path / "afile").write_text("x")
    one_line_error(gigawatt_cli(*SIZE, "1000", "--store", "afile/runs.sqlite", cwd=tmp_path), "afile is a file, not a folder")
    if Path("/proc").is_dir():
        one_line_error(gigawatt_cli(*SIZE, "1000", "--store", "/proc/runs.sqlite", cwd=tmp_path), "cannot create the store in /proc")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


# --- stored runs that cannot be read ----------------------------------------------------------------


def _damage(url: str, ident: str, how: str) -> None:
    """Change a stored run as a crash, another tool or a newer gigawatt could have left it."""
    import sqlalchemy as sa

    engine = sa.create_engine(url if "://" in url else f"sqlite:///{url}", poolclass=sa.pool.NullPool)
    with engine.begin() as db:
        record = db.execute(sa.text("SELECT record FROM runs WHERE id = :id"), {"id": ident}).scalar()
        data = json.loads(record)
        if how == "cut-short":
            values = {"record": record[: len(record) // 2]}
        elif how == "unknown-kind":
            values = {"record": json.dumps({**data, "kind": "teleport"}), "kind": "teleport"}
        elif how == "newer-version":
            data["run"]["gigawatt_version"] = "99.0.0"
            data["run"]["a_field_this_version_lacks"] = 1
            values = {"record": json.dumps(data), "gigawatt_version": "99.0.0"}
        elif how == "result-emptied":
            values = {"record": json.dumps({**data, "result": {}})}
        elif how == "result-nulled":
            values = {"record": json.dumps({**data, "result": dict.fromkeys(data["result"])})}
        elif how == "damaged-table":
            db.execute(sa.text("UPDATE run_frames SET parquet = :blob WHERE run_id = :id"), {"blob": b"PAR1 cut", "id": ident})
            return
        sets = ", ".join(f"{k} = :{k}" for k in values)
        db.execute(sa.text(f"UPDATE runs SET {sets} WHERE id = :id"), {**values, "id": ident})
    engine.dispose()


UNREADABLE = {  # how a run is damaged: what `runs show` says, what `runs list` marks
    "cut-short": ("its stored record is damaged (cut short, or not JSON)", "stored record cut short"),
    "unknown-kind": ("is of kind 'teleport', which this gigawatt does not know", "kind 'teleport' unknown to this gigawatt"),
    "newer-version": ("was written by gigawatt 99.0.0, newer than this", "written by gigawatt 99.0.0"),
}


def test_unreadable_runs_are_refused_one_by_one_and_listed_beside_the_others(store_url, tmp_path):
    ids = {}
    for count, how in zip((10, 20, 30, 40), [*UNREADABLE, "good"]):
        ids[how] = gigawatt.size({"name": f"run {how}", "cluster": {"accelerator": "H100", "count": count}}, store=store_url).run.id
    for how in UNREADABLE:
        _damage(store_url, ids[how], how)
    good = ids["good"][:12]
    refused = {(how, verb): ["runs", verb, *args, "--store", store_url] for how in UNREADABLE
               for verb, args in (("show", [ids[how][:12]]), ("inputs", [ids[how][:12]]), ("export", [ids[how][:12], "--format", "csv"]),
                                  ("diff", [good, ids[how][:12]]))}
    for (how, _), done in zip(refused, gigawatt_all(list(refused.values()), cwd=tmp_path)):
        one_line_error(done, f"run {ids[how][:12]}", UNREADABLE[how][0])
    for how, (says, _) in UNREADABLE.items():
        with pytest.raises(UnreadableRun, match=re.escape(says)):
            Store(store_url).load(ids[how][:12])
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("runs.sqlite")]  # the refused export wrote nothing

    listed, as_json, shown = gigawatt_all([["runs", "list", "--store", store_url], ["runs", "list", "--store", store_url, "--json"],
                                           ["runs", "show", good, "--store", store_url]], cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert all(ident[:12] in listed.stdout for ident in ids.values())
    for how in UNREADABLE:
        assert "UNREADABLE" in next(line for line in listed.stdout.splitlines() if ids[how][:12] in line)
    assert "UNREADABLE" not in next(line for line in listed.stdout.splitlines() if good in line)
    assert "3 runs cannot be read" in listed.stderr
    rows = {row["id"]: row for row in json.loads(as_json.stdout)["runs"]}
    assert rows[ids["good"]]["unreadable"] is None
    for how, (_, mark) in UNREADABLE.items():
        assert rows[ids[how]]["unreadable"].startswith(mark)
    assert shown.returncode == 0 and "run good" in shown.stdout

    # the same run made again replaces the damaged record of its own id
    again = gigawatt_cli(*SIZE, "10", "--set", "name=run cut-short", "--store", store_url, "--json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["run"]["id"] == ids["cut-short"]
    assert gigawatt_cli("runs", "show", ids["cut-short"][:12], "--store", store_url, cwd=tmp_path).returncode == 0


def test_a_stored_result_without_its_figures_is_refused_and_made_again(store_url, tmp_path):
    emptied = gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=store_url).run.id
    nulled = gigawatt.size({"cluster": {"accelerator": "H100", "count": 20}}, store=store_url).run.id
    _damage(store_url, emptied, "result-emptied")
    _damage(store_url, nulled, "result-nulled")
    checks = {("show", emptied): "its stored record is damaged (no 'accelerator_count')", ("show", nulled): "its stored result cannot be shown",
              ("diff", emptied): "its stored record is damaged", ("export", emptied): "its stored record is damaged"}
    commands = [["runs", verb, ident[:12], *([ident[:12]] if verb == "diff" else []), "--store", store_url] for verb, ident in checks]
    for ((_, ident), says), done in zip(checks.items(), gigawatt_all(commands, cwd=tmp_path)):
        one_line_error(done, f"run {ident[:12]}", says)
    # the identical run is not served from a damaged record: computed again, it replaces it
    again = gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=store_url)
    assert not again.run.stored and again.run.id == emptied and again.facility_power_mw > 0
    assert Store(store_url).load(emptied[:12]).facility_power_mw == pytest.approx(again.facility_power_mw)


def test_a_damaged_stored_table_is_refused_and_the_export_writes_nothing(store_url, tmp_path):
    ident = gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=store_url).run.id
    _damage(store_url, ident, "damaged-table")
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text("earlier export\n")
    before = _folder_state(out)
    for fmt in ("csv", "parquet", "xlsx"):
        target = out if fmt != "xlsx" else out / "run.xlsx"
        one_line_error(gigawatt_cli("runs", "export", ident[:12], "--format", fmt, "--out", str(target), "--store", store_url, cwd=tmp_path),
                       f"run {ident[:12]}", "stored table", "is damaged")
        assert _folder_state(out) == before and sorted(p.name for p in out.iterdir()) == ["run.json"]


# --- rich markup in what a user named ---------------------------------------------------------------


def test_markup_in_a_run_name_and_an_output_path_prints_as_written(tmp_path):
    url = str(tmp_path / "runs.sqlite")
    made = gigawatt_cli(*SIZE, "1000", "--set", "name=x [/bold] y [red]z", "--store", url, "--json", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    ident = json.loads(made.stdout)["run"]["id"]
    listed, shown = gigawatt_all([["runs", "list", "--store", url], ["runs", "show", ident[:12], "--store", url]], cwd=tmp_path)
    assert listed.returncode == 0 and "x [/bold] y [red]z" in listed.stdout, listed.stderr
    assert shown.returncode == 0 and "x [/bold] y [red]z" in shown.stdout, shown.stderr
    folder = tmp_path / "[b]"
    folder.mkdir()
    exported = gigawatt_cli("runs", "export", ident[:12], "--out", "[b]/run [red].json", "--store", url, cwd=tmp_path)
    assert exported.returncode == 0 and exported.stdout.strip() == "wrote [b]/run [red].json", exported.stderr
    assert json.loads((folder / "run [red].json").read_text())["name"] == "x [/bold] y [red]z"


# --- outputs: whole or not at all, and refused before the job -----------------------------------------


def test_a_refused_folder_export_leaves_the_existing_folder_as_it_was(tmp_path):
    url = str(tmp_path / "runs.sqlite")
    ident = gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=url).run.id[:12]
    out = tmp_path / "out"
    (out / "summary.csv").mkdir(parents=True)  # one of the tables' names is taken by a folder
    (out / "run.json").write_text("earlier export\n")
    (out / "assumptions.csv").write_text("earlier table\n")
    (out / "notes.txt").write_text("mine\n")
    before = _folder_state(out)
    one_line_error(gigawatt_cli("runs", "export", ident, "--format", "csv", "--out", "out", "--store", url, cwd=tmp_path),
                   "--out out", "summary.csv is a folder")
    assert _folder_state(out) == before and sorted(p.name for p in out.iterdir()) == ["assumptions.csv", "notes.txt", "run.json", "summary.csv"]
    (out / "summary.csv").rmdir()
    done = gigawatt_cli("runs", "export", ident, "--format", "csv", "--out", "out", "--store", url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["assumptions.csv", "notes.txt", "run.json", "summary.csv"]  # no staging folder left
    assert (out / "notes.txt").read_text() == "mine\n" and json.loads((out / "run.json").read_text())["run"]["id"].startswith(ident)


def test_a_write_that_fails_midway_changes_nothing(tmp_path):
    target = tmp_path / "result.json"
    target.write_text("the earlier result\n")
    target.chmod(0o640)

    def half(tmp: Path) -> None:
        tmp.write_text('{"cut": ')
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        write_atomically(target, half)
    assert target.read_text() == "the earlier result\n" and [p.name for p in tmp_path.iterdir()] == ["result.json"]
    write_atomically(target, lambda tmp: tmp.write_text("the new result\n"))
    assert target.read_text() == "the new result\n" and (target.stat().st_mode & 0o777) == 0o640  # its permissions kept

    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "a.csv").write_text("old a\n")
    with pytest.raises(RuntimeError):
        write_folder(folder, {"a.csv": lambda tmp: tmp.write_text("new a\n"), "b.csv": half})
    assert _folder_state(folder) == {"a.csv": b"old a\n"} and [p.name for p in folder.iterdir()] == ["a.csv"]
    with pytest.raises(RuntimeError):
        write_folder(tmp_path / "new", {"a.csv": half})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json", "tables"]


def test_outputs_that_cannot_be_written_are_refused_before_the_job(tmp_path):
    url = str(tmp_path / "runs.sqlite")
    (tmp_path / "afile").write_text("not a folder\n")
    scenario = str(EXAMPLES / "buildout" / "10gw.yaml")
    cases = [("--csv", "afile/periods.csv", "afile is a file, not a folder"),
             ("--plot", "missing/plot.png", "folder missing does not exist"),
             ("--plot", "plot", "end the name in .png"), ("--plot", "plot.txt", "end the name in .png")]
    if Path("/proc").is_dir():
        cases += [("--plot", "/proc/x.png", "cannot write in /proc"), ("--csv", "/proc/x.csv", "cannot write in /proc")]
    started = time.monotonic()
    commands = [["buildout", scenario, "--set", "draws=40", option, path, "--store", url] for option, path, _ in cases]
    for (option, path, says), done in zip(cases, gigawatt_all(commands, cwd=tmp_path)):
        one_line_error(done, f"{option} {path}", says)
    assert time.monotonic() - started < PROCESS_START_S
    assert not (tmp_path / "runs.sqlite").exists() or Store(url).list() == []  # no job ran: nothing stored


def test_export_paths_that_cannot_be_written_are_one_line(tmp_path):
    url = str(tmp_path / "runs.sqlite")
    ident = gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=url).run.id[:12]
    (tmp_path / "afile").write_text("not a folder\n")
    cases = [("parquet", "afile/sub", "afile is a file, not a folder"), ("csv", "afile", "a file of that name exists"),
             ("json", "afile/x.json", "afile is a file, not a folder"), ("json", ".", "is a folder")]
    if Path("/proc").is_dir():
        cases += [("json", "/proc/x.json", "cannot write in /proc"), ("parquet", "/proc/x", "could not be written")]
    commands = [["runs", "export", ident, "--format", fmt, "--out", path, "--store", url] for fmt, path, _ in cases]
    for (_, path, says), done in zip(cases, gigawatt_all(commands, cwd=tmp_path)):
        one_line_error(done, f"--out {path}", says)
    assert (tmp_path / "afile").read_text() == "not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("runs.sqlite")) == ["afile"]


def test_an_id_with_control_characters_is_shown_not_obeyed(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        Store(str(tmp_path / "runs.sqlite")).resolve("0\r0\n\x1b[2J")
    message = str(caught.value)
    assert "\r" not in message and "\n" not in message and "\x1b" not in message and "0\\r0" in message


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts the process's threads in /proc (Linux)")
def test_reading_a_runs_tables_starts_no_thread_pool(tmp_path):
    """Arrow's thread pools, left running at exit, abort the process now and then after its answer is printed
    (SIGABRT, "terminate called without an active exception"; apache/arrow#34314): reading a run starts none."""
    url = str(tmp_path / "runs.sqlite")
    ident = gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=url).run.id
    script = textwrap.dedent(f"""
        import os
        from gigawatt.store import Store
        store = Store({url!r})
        before = len(os.listdir("/proc/self/task"))
        frames = store.frames({ident!r})
        print(len(frames), before, len(os.listdir("/proc/self/task")))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    tables, before, after = map(int, done.stdout.split())
    assert tables > 0
    assert after == before, f"{after - before} threads started by reading {tables} tables"

"""No secret ends up in what gigawatt stores or exports.

What a stored run holds (store.py, results.py): one ``runs`` row (id, kind, name, created, version, catalog
hash, seconds, headline figures, and the record: ``Result.to_dict()``, that is the run facts, the
messages, the validated inputs and the result) and its tables as Parquet. Nothing in it comes from the
environment, the store's URL, the user or the machine, and file paths are kept as the user wrote them:
a path is an input like any other (the user's own data, reproducing the run needs it), so a relative
path stays relative and no absolute path (the home folder, the working folder) is added.

Checked here, on real runs through the installed command and the Python API:

- a run made with secrets in the environment (``GIGAWATT_TOKEN``, cloud keys, a database URL with a
  password, ``PGPASSWORD``) and with ``GIGAWATT_STORE`` pointing elsewhere while ``--store`` names a
  file: the store file (raw bytes, records and tables), ``gigawatt runs show --json``, ``runs inputs``
  and ``runs export`` as JSON, CSV and XLSX hold none of them, nor the user's home folder;
- a run kept in PostgreSQL through a URL with a password: the password is in no row or export;
- the web workbench's token (``gigawatt serve --token``): a run started through its API with the token
  is stored, shown and exported (JSON, CSV, XLSX, and the self-contained HTML report) without it, and the
  HTML report carries no share signature (a file passed around must not grant access).

A leak found and fixed keeps its test (the store URL's password in error lines is masked).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import gigawatt
from gigawatt.core.errors import GigawattError
from gigawatt.report.export import export

from conftest import EXAMPLES

GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")
TOKEN = "sekrit-token-7f3a9c0e5b2d4e61"
PLANTED = {  # fake secrets a user's environment may hold
    "GIGAWATT_TOKEN": TOKEN,
    "AWS_SECRET_ACCESS_KEY": "sekrit-aws-wJalrXUtnFEMIK7MDENGbPxRfiCY",
    "GITHUB_TOKEN": "ghp_sekritGithubToken0123456789abcdef",
    "PGPASSWORD": "sekrit-pgpassword-5521",
    "DATABASE_URL": "postgresql://app:sekrit-db-password-9931@db.internal:5432/app",
}
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW|API_?KEY|PRIVATE|CREDENTIAL|AUTH", re.IGNORECASE)
SIZE_EXAMPLE = EXAMPLES / "h100-100k.yaml"
SCHEDULE_EXAMPLE = EXAMPLES / "schedule" / "phoenix-srp-event.yaml"


def secrets_of(env: dict[str, str]) -> dict[str, str]:
    """Values to look for, by a label that names them without showing them: every variable whose name
    looks secret (values of 8 characters or more), and the password inside any URL."""
    found = {name: value for name, value in env.items() if SECRET_NAME.search(name) and len(value) >= 8}
    for name, value in env.items():
        match = re.search(r"://[^:/@\s]+:([^@/\s]{6,})@", value)
        if match:
            found[f"password in ${name}"] = match.group(1)
    return found


def assert_none_in(secrets: dict[str, str], texts: dict[str, str]) -> None:
    """No secret in any text; a failure names the secret's label and where it is, never its value."""
    leaks = [f"{label} in {where}" for label, value in secrets.items() for where, text in texts.items() if value in text]
    assert not leaks, "secrets found: " + "; ".join(leaks)


def store_texts(path: Path) -> dict[str, str]:
    """A SQLite run store as text: its files' raw bytes, every row of every table, and every table decoded
    from its Parquet (compressed bytes would hide a string from a plain search)."""
    texts = {}
    for file in sorted(path.parent.glob(path.name + "*")):  # the database and its -wal, -shm
        texts[f"store file {file.name}"] = file.read_bytes().decode("latin-1")
    with sqlite3.connect(path) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
            texts[f"store table {table}"] = repr([[v for v in row if not isinstance(v, bytes)] for row in rows])
        for run_id, name, blob in db.execute("SELECT run_id, name, parquet FROM run_frames"):
            texts[f"store frame {run_id[:8]}/{name}"] = pd.read_parquet(io.BytesIO(blob)).to_csv()
    return texts


def file_texts(path: Path) -> dict[str, str]:
    """An exported file or folder as text (an XLSX workbook is a zip of XML: each member read)."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    texts = {}
    for file in files:
        if file.suffix == ".xlsx":
            with zipfile.ZipFile(file) as book:
                for member in book.namelist():
                    texts[f"{file.name}:{member}"] = book.read(member).decode("utf-8", "replace")
        else:
            texts[file.name] = file.read_bytes().decode("utf-8", "replace")
    return texts


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    p = subprocess.run([GIGAWATT, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    assert p.returncode == 0, f"gigawatt {' '.join(args)}: exit {p.returncode}: {p.stderr[-1500:]}"
    return p


@pytest.fixture(scope="module")
def user_runs(tmp_path_factory) -> dict:
    """Two runs through the installed command, by a user whose environment holds secrets, working in a
    project under their home folder: a size and a schedule that reads a price CSV named relatively."""
    home = tmp_path_factory.mktemp("secrets") / "home" / "alice"
    project = home / "project"
    project.mkdir(parents=True)
    shutil.copy(SIZE_EXAMPLE, project / "cluster.yaml")
    shutil.copy(SCHEDULE_EXAMPLE, project / "event.yaml")
    (project / "prices.csv").write_text("timestamp,price_usd_per_mwh\n" + "".join(f"2025-05-03 {h}:00,{30 + h}\n" for h in range(14, 22)))
    store = home / "stores" / "runs.sqlite"
    env = {**os.environ, **PLANTED, "HOME": str(home), "GIGAWATT_STORE": str(home / "env-store.sqlite"), "COLUMNS": "160"}
    ids = {}
    for kind, args in {"size": ["size", "cluster.yaml"], "schedule": ["schedule", "event.yaml", "--set", "signals.price_csv=prices.csv"]}.items():
        made = run_cli(*args, "--store", str(store), "--json", env=env, cwd=project)
        ids[kind] = json.loads(made.stdout)["run"]["id"]
    outputs: dict[str, str] = {}
    for kind, ident in ids.items():
        outputs[f"runs show {kind} --json"] = run_cli("runs", "show", ident, "--json", "--store", str(store), env=env, cwd=project).stdout
        if kind == "size":  # the schedule, with its CSV input and more tables, is exported in every format; the size as JSON
            run_cli("runs", "export", ident, "--out", str(home / "size.json"), "--store", str(store), env=env, cwd=project)
            outputs |= {f"runs export size --format json: {k}": v for k, v in file_texts(home / "size.json").items()}
            continue
        outputs[f"runs inputs {kind}"] = run_cli("runs", "inputs", ident, "--store", str(store), env=env, cwd=project).stdout
        for fmt in ["json", "csv"] + (["xlsx"] if _has_openpyxl() else []):
            out = home / "exports" / f"{kind}.{fmt}"
            out.parent.mkdir(exist_ok=True)
            run_cli("runs", "export", ident, "--format", fmt, "--out", str(out), "--store", str(store), env=env, cwd=project)
            outputs |= {f"runs export {kind} --format {fmt}: {name}": text for name, text in file_texts(out).items()}
    return {"home": home, "store": store, "env": env, "ids": ids, "outputs": outputs}


def _has_openpyxl() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def test_a_stored_run_and_its_exports_hold_no_secret_of_the_environment(user_runs):
    secrets = secrets_of(user_runs["env"]) | secrets_of(dict(os.environ))  # planted, and any the real environment holds
    assert set(PLANTED) - {"DATABASE_URL"} <= set(secrets) and "password in $DATABASE_URL" in secrets
    texts = store_texts(user_runs["store"]) | user_runs["outputs"]
    assert any("export" in where and "xlsx" in where for where in texts) or not _has_openpyxl()
    assert_none_in(secrets, texts)


def test_a_stored_run_and_its_exports_hold_no_home_folder(user_runs):
    homes = {"the user's home folder ($HOME of the runs)": str(user_runs["home"])}
    real = os.path.expanduser("~")
    if len(Path(real).parts) > 1:  # "/" would be in every path
        homes["the test's own home folder"] = real
    assert_none_in(homes, store_texts(user_runs["store"]) | user_runs["outputs"])


def test_file_paths_are_kept_as_written_and_the_store_is_the_one_named(user_runs):
    shown = json.loads(user_runs["outputs"]["runs show schedule --json"])
    assert shown["inputs"]["signals"]["price_csv"] == "prices.csv"  # relative, as written: not resolved to an absolute path
    # --store wins over GIGAWATT_STORE, and the store's location is in no record
    assert not (user_runs["home"] / "env-store.sqlite").exists()
    assert_none_in({"the store's path": str(user_runs["store"])}, store_texts(user_runs["store"]) | user_runs["outputs"])


def test_a_run_kept_in_postgresql_holds_no_password_of_the_store_url(postgres_db_url, tmp_path):
    import sqlalchemy as sa

    password = "sekrit-store-password-4417"
    url = postgres_db_url.replace("://postgres@", f"://postgres:{password}@")  # the test server trusts, so any password works
    assert password in url
    result = gigawatt.size(SIZE_EXAMPLE, store=url)
    again = gigawatt.size(SIZE_EXAMPLE, store=url)
    assert again.run.stored and again.run.id == result.run.id
    texts = {"the run's JSON form": json.dumps(again.to_dict())}
    engine = sa.create_engine(postgres_db_url)
    try:
        with engine.connect() as db:
            for table in ("gigawatt_store", "runs", "run_frames"):
                rows = db.execute(sa.text(f"SELECT * FROM {table}")).all()
                texts[f"table {table}"] = repr([[v for v in row if not isinstance(v, bytes | memoryview)] for row in rows])
            for name, blob in db.execute(sa.text("SELECT name, parquet FROM run_frames")).all():
                texts[f"frame {name}"] = pd.read_parquet(io.BytesIO(bytes(blob))).to_csv()
    finally:
        engine.dispose()
    for fmt in ("json", "csv"):
        texts |= {f"export {fmt}: {k}": v for k, v in file_texts(export(again, fmt, tmp_path / f"run.{fmt}")).items()}
    assert_none_in({"the store URL's password": password}, texts)


def test_an_error_about_the_store_does_not_show_its_password():
    from gigawatt.store import Store

    password = "sekrit-store-password-2209"
    with pytest.raises(GigawattError) as err:
        Store(f"postgresql://gigawatt:{password}@127.0.0.1:1/runs").list()  # nothing listens on port 1: refused at once
    assert "127.0.0.1" in str(err.value)  # it does name the store
    assert password not in str(err.value), "the store URL's password is in the error line"


# --- the web workbench's token ---------------------------------------------------------------------------


def test_the_workbench_token_is_in_no_stored_run_page_or_export(tmp_path, monkeypatch):
    pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[web]')")
    from fastapi.testclient import TestClient

    from gigawatt.web.app import create_app

    monkeypatch.setenv("GIGAWATT_TOKEN", TOKEN)  # as `gigawatt serve` takes it; the worker processes inherit it
    store = tmp_path / "web-runs.sqlite"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    texts: dict[str, str] = {}
    with TestClient(create_app(store=str(store), token=TOKEN, uploads=tmp_path / "uploads")) as client:
        started = client.post("/api/v1/runs", json={"kind": "size", "yaml": SIZE_EXAMPLE.read_text()}, headers=auth)
        assert started.status_code == 202, started.text
        job = started.json()
        deadline = time.monotonic() + 120
        while job["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, f"the job is still {job['state']}"
            time.sleep(0.2)
            job = client.get(f"/api/v1/jobs/{job['id']}", headers=auth).json()
        assert job["state"] == "done", job
        run_id = job["run_id"]
        made = client.post(f"/api/v1/runs/{run_id}/share", headers=auth)  # a link, as the run page's button makes one
        assert made.status_code == 201, made.text
        texts["GET /api/v1/runs/ID"] = client.get(f"/api/v1/runs/{run_id}", headers=auth).text
        page = client.get(f"/runs/{run_id}", headers=auth)
        assert page.status_code == 200
        texts["the run's page"] = page.text
        for fmt in ("json", "csv", "xlsx", "html"):
            got = client.get(f"/api/v1/runs/{run_id}/export", params={"format": fmt}, headers=auth)
            assert got.status_code == 200, (fmt, got.text[:300])
            if fmt in ("csv", "xlsx"):  # a zip of tables, or a workbook (a zip of XML)
                with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
                    texts |= {f"export {fmt}: {m}": archive.read(m).decode("utf-8", "replace") for m in archive.namelist()}
            else:
                texts[f"export {fmt}"] = got.text
    texts |= store_texts(store)
    assert "100k H100 cluster" in texts["export html"] and "<script" in texts["export html"]  # the report itself, not an error page
    assert_none_in({"the workbench token": TOKEN}, texts)
    # the page offers a signed read-only link; the downloadable report must not carry it
    signature = re.search(rf"/share/{run_id}\?sig=([0-9a-f]+)", texts["the run's page"])
    assert signature, "the run's page has no share link"
    assert_none_in({"the run's share signature": signature.group(1)}, {k: v for k, v in texts.items() if k.startswith("export")})

"""The run store: every run kept, content-addressed, in SQLite by default or a shared PostgreSQL.

A run's id is the SHA-256 of its kind, its canonical inputs (JSON, keys sorted), the bytes of every file
those inputs name (``*_csv`` fields, headroom ``files``), the hash of the bundled catalog and the gigawatt
version: the same id means the same answer, so an identical run returns from the store at once.

Three tables (SQLAlchemy Core, the same code on SQLite and PostgreSQL):

- ``gigawatt_store``: ``store_version``; a store of another version is migrated or refused, never misread;
- ``runs``: one row a run: id, kind, name, created (UTC ISO), version, catalog hash, seconds, the headline
  figures and the whole JSON form (``Result.to_dict()``);
- ``run_frames``: the run's named tables (hourly dispatch, weekly periods...) as Parquet bytes.

A run and its tables are written in one transaction: a process killed mid-write leaves no half record,
and two processes saving the same run both succeed (the second insert is skipped).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt import __version__
from gigawatt.errors import ScenarioError
from gigawatt.results import Result, RunInfo, headline

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

STORE_VERSION = 1  # of the tables' layout; raise it (with a migration in MIGRATIONS) when they change
MIGRATIONS: dict[int, Any] = {}  # from version N to N + 1: a function of a connection
ENV = "GIGAWATT_STORE"
CATALOG_DIR = Path(__file__).parent / "catalog"
FILE_FIELDS = ("files",)  # besides every field whose name ends in _csv
SQLITE_BUSY_TIMEOUT_S = 60  # a writer waits this long for another process's transaction to end


# --- content addressing -----------------------------------------------------------------------------


@cache
def catalog_hash() -> str:
    """SHA-256 (first 16 hex digits) of every bundled catalog table's and hourly profile's bytes, in name order."""
    digest = hashlib.sha256()
    for path in sorted([*CATALOG_DIR.glob("*.csv"), *CATALOG_DIR.glob("profiles/*.csv.gz")]):
        digest.update(path.relative_to(CATALOG_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def referenced_files(data: Any, key: str = "") -> Iterator[str]:
    """Every file path the inputs name: values of fields ending in ``_csv`` and of ``files``."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from referenced_files(v, k)
    elif isinstance(data, list):
        for item in data:
            yield from referenced_files(item, key)
    elif isinstance(data, str) and (key.endswith("_csv") or key in FILE_FIELDS):
        yield data


def run_id(kind: str, inputs: BaseModel) -> str:
    """The content hash of a run (see the module doc), 64 hex digits."""
    data = inputs.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps([kind, data, catalog_hash(), __version__], sort_keys=True).encode())
    for path in sorted(set(referenced_files(data))):
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            digest.update(b"<unreadable>")  # the job itself says what is wrong with the file
    return digest.hexdigest()


# --- where the store is -------------------------------------------------------------------------------


def default_url() -> str:
    """``GIGAWATT_STORE``, else a SQLite file in the user's data directory (platformdirs)."""
    if os.environ.get(ENV):
        return os.environ[ENV]
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("gigawatt", appauthor=False)) / "runs.sqlite")


def database_url(url: str) -> str:
    """An SQLAlchemy URL from a path or URL: a plain path is a SQLite file, ``postgresql://`` uses psycopg 3."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" in url:
        return url
    path = Path(url).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


_OPEN: dict[str, Store] = {}


def open_store(store: Any = "default") -> Store | None:
    """A :class:`Store` from a Store, a URL or path, ``"default"``, or None/False (no store)."""
    if store is None or store is False:
        return None
    if isinstance(store, Store):
        return store
    url = default_url() if store in ("default", True) else str(store)
    if url not in _OPEN:
        _OPEN[url] = Store(url)
    return _OPEN[url]


# --- the store ----------------------------------------------------------------------------------------


class Store:
    """Runs kept in a database (see the module doc). ``Store(url)`` opens or creates it."""

    def __init__(self, url: str):
        self.url = url  # as given (workers reopen the store with it)
        self.shown = _masked(url)  # what messages show: a password in the URL never appears in one
        self.address = database_url(url)  # the real URL, password included: only the engine sees it
        self._engine: Any = None
        path = Path(self.address.removeprefix("sqlite:///")) if self.address.startswith("sqlite:///") else None
        if path is not None and path.is_dir():  # found now, before a run whose result could not be kept
            raise ScenarioError(f"store '{url}' is a folder; give a file path such as {path / 'runs.sqlite'}")

    @property
    def engine(self) -> Any:
        """The SQLAlchemy engine, made (and the store created or checked) on first use."""
        if self._engine is None:
            self._connect()
        return self._engine

    def _connect(self) -> None:
        import sqlalchemy as sa

        url, address = self.shown, self.address
        options: dict[str, Any] = {}
        if address.startswith("sqlite"):
            options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
        try:
            self._engine = sa.create_engine(address, **options)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise ScenarioError(f"store '{url}': not a database URL this gigawatt can open ({_first_line(exc)}); give a path, sqlite:///PATH or postgresql://...") from None
        if address.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        meta = sa.MetaData()
        self.info = sa.Table("gigawatt_store", meta, sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text))
        self.runs = sa.Table(
            "runs", meta,
            sa.Column("id", sa.String(64), primary_key=True), sa.Column("kind", sa.String(16), index=True),
            sa.Column("name", sa.Text), sa.Column("created", sa.String(32), index=True),
            sa.Column("gigawatt_version", sa.String(32)), sa.Column("catalog_hash", sa.String(64)),
            sa.Column("seconds", sa.Float), sa.Column("headline", sa.Text), sa.Column("record", sa.Text),
        )
        self.frames_table = sa.Table(
            "run_frames", meta,
            sa.Column("run_id", sa.String(64), primary_key=True), sa.Column("name", sa.String(64), primary_key=True),
            sa.Column("parquet", sa.LargeBinary),
        )
        self._meta = meta
        self._ready()

    def _ready(self) -> None:
        """Create the tables in a new store; check the version of an existing one (migrate or refuse)."""
        import sqlalchemy as sa

        try:
            names = set(sa.inspect(self.engine).get_table_names())
        except sa.exc.SQLAlchemyError as exc:
            raise ScenarioError(f"store '{self.shown}': cannot be opened ({_first_line(exc)}); check the path or URL, or give --no-store") from None
        if names and "gigawatt_store" not in names:
            raise ScenarioError(f"store '{self.shown}' holds tables that are not a gigawatt run store ({', '.join(sorted(names)[:5])}); give another store")
        if names != set(self._meta.tables):
            # a new store, or one another process is creating this moment (SQLite makes each table apart):
            # create what is missing and write the version; whichever process is second changes nothing
            try:
                self._meta.create_all(self.engine)
                with self.engine.begin() as db:
                    if not db.execute(sa.select(sa.func.count()).select_from(self.runs)).scalar():
                        db.execute(self._insert(self.info).values(key="store_version", value=str(STORE_VERSION)).on_conflict_do_nothing())
            except sa.exc.SQLAlchemyError:
                pass  # created by the other process at the same moment: the version check below decides
        with self.engine.begin() as db:
            found = db.execute(sa.select(self.info.c.value).where(self.info.c.key == "store_version")).scalar()
            version = int(found) if found and str(found).isdigit() else None
            if found is None and not db.execute(sa.select(sa.func.count()).select_from(self.runs)).scalar():
                # empty, its creator (another process) between making the tables and writing the version
                db.execute(self._insert(self.info).values(key="store_version", value=str(STORE_VERSION)).on_conflict_do_nothing())
                version = STORE_VERSION
            if version is None:
                raise ScenarioError(f"store '{self.shown}' has no store version: it is damaged or not a gigawatt store; give another store")
            if version > STORE_VERSION:
                raise ScenarioError(f"store '{self.shown}' was written by a newer gigawatt (store version {version}; this one reads {STORE_VERSION}); upgrade gigawatt")
            while version < STORE_VERSION:
                if version not in MIGRATIONS:
                    raise ScenarioError(f"store '{self.shown}' is store version {version}, which this gigawatt cannot migrate to {STORE_VERSION}; "
                                        "export its runs with the gigawatt that wrote it, or give a new store")
                MIGRATIONS[version](db)
                version += 1
                db.execute(self.info.update().where(self.info.c.key == "store_version").values(value=str(version)))

    def _insert(self, table: Any) -> Any:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    # --- writing ---

    def save(self, result: Result) -> str:
        """Keep a run with its tables (one transaction); an existing run of the same id is left as it is,
        but a sweep run again replaces its record (its points' failures may have changed)."""
        frames = {name: frame for name, frame in result.to_frames().items() if frame is not None and len(frame.columns)}
        record = result.to_dict()
        row = {
            "id": result.run.id, "kind": result.kind, "name": result.name, "created": result.run.created,
            "gigawatt_version": result.run.gigawatt_version, "catalog_hash": result.run.catalog_hash,
            "seconds": result.run.seconds, "headline": json.dumps(headline(result.kind, result.data)), "record": json.dumps(record),
        }
        with self.engine.begin() as db:
            if result.kind == "sweep":
                db.execute(self.frames_table.delete().where(self.frames_table.c.run_id == result.run.id))
                db.execute(self.runs.delete().where(self.runs.c.id == result.run.id))
            inserted = db.execute(self._insert(self.runs).values(**row).on_conflict_do_nothing()).rowcount
            if inserted:
                for name, frame in frames.items():
                    blob = _parquet(frame)
                    db.execute(self._insert(self.frames_table).values(run_id=result.run.id, name=name, parquet=blob).on_conflict_do_nothing())
        return result.run.id

    def remove(self, ids: list[str]) -> list[str]:
        """Delete runs (ids or unique prefixes) with their tables; returns the full ids removed."""
        full = [self.resolve(i) for i in ids]
        with self.engine.begin() as db:
            for ident in full:
                db.execute(self.frames_table.delete().where(self.frames_table.c.run_id == ident))
                db.execute(self.runs.delete().where(self.runs.c.id == ident))
        return full

    # --- reading ---

    def resolve(self, prefix: str) -> str:
        """The full id of the one run whose id starts with ``prefix`` (as git resolves short hashes)."""
        import sqlalchemy as sa

        prefix = prefix.strip().lower()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            raise ScenarioError(f"run id '{prefix[:70]}': give the hexadecimal id `gigawatt runs list` shows")
        with self.engine.connect() as db:
            found = db.execute(sa.select(self.runs.c.id).where(self.runs.c.id.like(prefix + "%")).limit(2)).scalars().all()
        if not found:
            raise ScenarioError(f"run id '{prefix}': no such run in {self.shown}; see `gigawatt runs list`")
        if len(found) > 1:
            raise ScenarioError(f"run id '{prefix}': several runs start with it; give more of the id")
        return found[0]

    def get(self, ident: str) -> Result | None:
        """The run of this full id as a :class:`Result` (tables read on first use), or None."""
        if self._engine is None and self.address.startswith("sqlite:///"):
            record = self._sqlite_record(self.address.removeprefix("sqlite:///"), ident)
        else:
            import sqlalchemy as sa

            with self.engine.connect() as db:
                record = db.execute(sa.select(self.runs.c.record).where(self.runs.c.id == ident)).scalar()
        return None if record is None else self._result(json.loads(record))

    def _sqlite_record(self, path: str, ident: str) -> str | None:
        """The lookup of an identical run, on SQLite through the standard library: the one read every run
        makes, without importing SQLAlchemy (0.3 s) for it. Same tables, same version check."""
        import sqlite3

        if not Path(path).is_file():
            return None
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)) as db:
                version = db.execute("SELECT value FROM gigawatt_store WHERE key = 'store_version'").fetchone()
                if version is None or version[0] != str(STORE_VERSION):
                    return self._via_engine(ident)  # let the full check explain, migrate or refuse
                row = db.execute("SELECT record FROM runs WHERE id = ?", (ident,)).fetchone()
        except sqlite3.Error:
            return self._via_engine(ident)
        return row[0] if row else None

    def _via_engine(self, ident: str) -> str | None:
        import sqlalchemy as sa

        with self.engine.connect() as db:
            return db.execute(sa.select(self.runs.c.record).where(self.runs.c.id == ident)).scalar()

    def load(self, prefix: str) -> Result:
        """The run whose id starts with ``prefix``."""
        result = self.get(self.resolve(prefix))
        assert result is not None
        return result

    def _result(self, record: dict[str, Any]) -> Result:
        from gigawatt.api import MODELS

        kind = record["kind"]
        run = RunInfo(**record["run"], stored=True)
        if kind == "sweep":
            from gigawatt.sweep import SweepInputs as model
        else:
            model = MODELS[kind]
        return Result(
            kind=kind, inputs=model.model_validate(record["inputs"]), data=record["result"], run=run,
            messages=record["messages"], frames_loader=lambda: self.frames(run.id),
        )

    def frames(self, ident: str) -> dict[str, pd.DataFrame]:
        """The named tables of a run, from Parquet."""
        import pandas as pd
        import sqlalchemy as sa

        engine = self.engine
        t = self.frames_table
        with engine.connect() as db:
            rows = db.execute(sa.select(t.c.name, t.c.parquet).where(t.c.run_id == ident)).all()
        return {name: pd.read_parquet(io.BytesIO(blob)) for name, blob in rows}

    def list(self, kind: str | None = None, since: str | None = None, name: str | None = None, limit: int | None = None,
             ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Runs, newest first: id, kind, name, created, version, seconds and headline figures (only those of
        ``ids``, full ids, when given: a sweep's points)."""
        import sqlalchemy as sa

        engine = self.engine
        r = self.runs
        query = sa.select(r.c.id, r.c.kind, r.c.name, r.c.created, r.c.gigawatt_version, r.c.seconds, r.c.headline).order_by(r.c.created.desc(), r.c.id)
        if kind:
            query = query.where(r.c.kind == kind)
        if since:
            query = query.where(r.c.created >= since)
        if name:
            query = query.where(r.c.name.ilike(f"%{name}%"))
        if ids is not None:
            query = query.where(r.c.id.in_(ids))
        if limit:
            query = query.limit(limit)
        with engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [{**row, "headline": json.loads(row["headline"] or "{}")} for row in rows]


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame = frame.copy(deep=False)
    frame.attrs = {}  # figures kept in attrs are in the run's JSON form already
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL lets readers run beside a writer; the busy timeout makes concurrent writers wait, not fail."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


PASSWORD_IN_URL = re.compile(r"(\w[\w+.-]*://[^:/@\s]+):[^@\s]*@")


def _masked(text: str) -> str:
    """``text`` with the password of any URL in it replaced by ***: what messages show."""
    return PASSWORD_IN_URL.sub(r"\1:***@", text)


def _first_line(exc: Exception) -> str:
    return _masked(str(exc).strip().splitlines()[0][:200]) if str(exc).strip() else type(exc).__name__


__all__ = ["Store", "catalog_hash", "open_store", "run_id"]

"""The run store: every run kept, content-addressed, in SQLite by default or a shared PostgreSQL.

A run's id is the SHA-256 of its kind, its canonical inputs (JSON, keys sorted), the bytes of every file
those inputs name (``*_csv`` fields, headroom ``files``), the hash of the bundled catalog and the gigawatt
version: the same id means the same answer, so an identical run returns from the store at once.

Four tables (SQLAlchemy Core, the same code on SQLite and PostgreSQL):

- ``gigawatt_store``: ``store_version``; a store of another version is migrated or refused, never misread;
- ``runs``: one row a run: id, kind, name, created (UTC ISO), version, catalog hash, seconds, the headline
  figures and the whole JSON form (``Result.to_dict()``);
- ``run_frames``: the run's named tables (hourly dispatch, weekly periods...) as Parquet bytes, with the
  codec each was written with (``compression``: zstd, snappy, none...; NULL in rows of store version 1, which
  pandas wrote with its default, snappy). Parquet names its codec in its own footer, so every row reads
  whatever ``GIGAWATT_STORE_COMPRESSION`` says now;
- ``run_tags``: names a user gave runs (``gigawatt runs tag``); :meth:`Store.prune` keeps tagged runs.

:meth:`Store.size` says how big the store is per kind of run, :meth:`Store.prune` removes runs by age,
kind or sweep (and on SQLite gives the space back with VACUUM).

A run and its tables are written in one transaction: a process killed mid-write leaves no half record,
and two processes saving the same run both succeed (the second insert is skipped). A store locked by
another process is waited on for ``STORE_LOCK_WAIT_S``, then reported; a result computed meanwhile is
never lost: :meth:`Store.save` keeps it in a JSON file it names. A file that is not a store is refused
before anything is written to it, and a stored run that cannot be read (cut short, of a kind or a
version this gigawatt does not know) is refused in one line, without stopping the listing of the others.
PostgreSQL is reached through psycopg, an extra (``pip install 'gigawatt[postgres]'``); a ``postgresql://``
store without it is refused in one line naming the extra, before any run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from gigawatt.core import __version__
from gigawatt.core.errors import GigawattError, ScenarioError, StoreError, require
from gigawatt.core.files import cannot_create_in, file_above, write_atomically
from gigawatt.core.input_files import referenced_fields
from gigawatt.core.results import SCHEMA_VERSION, Result, RunInfo
from gigawatt.registry import STORED, STORED_KINDS, figures, headline

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

STORE_VERSION = 2  # of the tables' layout; raise it (with a migration in MIGRATIONS) when they change
ENV = "GIGAWATT_STORE"
COMPRESSION_ENV = "GIGAWATT_STORE_COMPRESSION"  # the Parquet codec of the tables saved from now on
COMPRESSIONS = ("zstd", "snappy", "gzip", "brotli", "lz4", "none")  # what the setting accepts (where pyarrow has it)
TAG_MAX_CHARS = 64
# tables keyed by run id that are made on first use (an older store may lack them), emptied of a run with it:
# the workbench's display names and notes (Store._labels) and the author's scenario text (gigawatt.web.editor)
RUN_SIDE_TABLES = ("run_labels", "editor_texts")
SECONDS_PER_DAY = 86_400
CATALOG_DIR = Path(__file__).parent / "catalog"
# How long a reader or writer waits for another process's lock on the store before reporting it locked:
# SQLite's busy handler retries until then, PostgreSQL's lock_timeout is set to it. A few seconds outlast
# any transaction of this module (a run and its tables) many times over; a lock held longer is another
# program's, and waiting a minute on it only delays the message (and, before, lost the result).
STORE_LOCK_WAIT_S = 5
STORE_CONNECT_TIMEOUT_S = 10  # a PostgreSQL server that does not answer in this long is reported unreachable
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
SQLITE_WAL_MODE = 2  # header bytes 18 and 19 (file format write and read versions) in WAL mode
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")  # what makes a store a URL rather than a path
POSTGRES_URL_FORM = "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
PSYCOPG_SCHEME = "postgresql+psycopg://"  # SQLAlchemy's name for PostgreSQL through psycopg 3 (the [postgres] extra)
UNSAVED = "gigawatt-unsaved-{kind}-{id}.json"  # a result the store could not take (in the working directory)


# --- content addressing -----------------------------------------------------------------------------


@cache
def catalog_hash() -> str:
    """SHA-256 (first 16 hex digits) of every bundled catalog table's and hourly profile's bytes, in name order."""
    digest = hashlib.sha256()
    for path in sorted([*CATALOG_DIR.glob("*.csv"), *CATALOG_DIR.glob("profiles/*.csv.gz")]):
        digest.update(path.relative_to(CATALOG_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def referenced_files(data: Any) -> Iterator[str]:
    """Every file path the inputs name (see :func:`referenced_fields`)."""
    return (path for _, path in referenced_fields(data))


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
    """An SQLAlchemy URL from a store URL: ``postgresql://`` uses psycopg 3, any other URL is kept as given.
    (A plain path is a SQLite file: see :func:`sqlite_path`.)"""
    if url.startswith(("postgres://", "postgresql://")):
        return PSYCOPG_SCHEME + url.split("://", 1)[1]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite store: a path as written (a path is never URL-decoded: ``a%20b.db`` is that
    name), or the decoded path of a ``sqlite:///`` URL; None for other URLs and in-memory SQLite."""
    if not URL_SCHEME.match(url):
        return Path(url).expanduser()
    if url.startswith("sqlite:///"):
        rest = unquote(url.removeprefix("sqlite:///").split("?", 1)[0])
        return Path(rest) if rest and rest != ":memory:" else None
    return None


def _check_postgres_url(url: str, shown: str) -> None:
    """Refuse, before connecting, a PostgreSQL URL whose parts cannot be read (a port that is not a number)."""
    try:
        urlsplit(url).port  # noqa: B018  (raises ValueError for a port that is not a number from 0 to 65535)
    except ValueError:
        raise ScenarioError(f"store '{shown}': not a valid URL (its host or port cannot be read: the port must be a number "
                            f"from 0 to 65535); write it as {POSTGRES_URL_FORM}") from None


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
        self.path = sqlite_path(url)  # the file of a SQLite store, else None
        self._engine: Any = None
        # found now, before a run whose result would have nowhere to go
        if self.path is not None:
            self._check_location(self.path)
        elif url.startswith(("postgres://", "postgresql://", "postgresql+")):
            _check_postgres_url(url, self.shown)
            if database_url(url).startswith(PSYCOPG_SCHEME):  # another driver (postgresql+pg8000://) is the user's to install
                require("psycopg", "postgres", f"store '{self.shown}' (a PostgreSQL run store)")

    def _check_location(self, path: Path) -> None:
        """A SQLite store's path names a file, or one that can be created."""
        if path.is_dir():
            raise ScenarioError(f"store '{self.shown}' is a folder; give a file path such as {path / 'runs.sqlite'}")
        blocker = file_above(path)
        if blocker is not None:
            raise ScenarioError(f"store '{self.shown}': {blocker} is a file, not a folder; give another path")
        if path.exists():
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ScenarioError(f"store '{self.shown}': cannot create the folder {path.parent} ({exc.strerror}); give another path") from None
        why = cannot_create_in(path.parent)
        if why is not None:
            raise ScenarioError(f"store '{self.shown}': cannot create the store in {path.parent} ({why}); give another path")

    @property
    def engine(self) -> Any:
        """The SQLAlchemy engine, made (and the store created or checked) on first use."""
        if self._engine is None:
            self._connect()
        return self._engine

    def _connect(self) -> None:
        import sqlalchemy as sa

        # the real URL, password included: only the engine sees it; a path is passed as a path, not parsed
        address: Any = database_url(self.url)
        options: dict[str, Any] = {}
        if self.path is not None:
            self._check_sqlite_file(self.path)  # before the first connection sets its pragmas (which write)
            if not URL_SCHEME.match(self.url):
                address = sa.engine.URL.create("sqlite", database=str(self.path))
            options["connect_args"] = {"timeout": STORE_LOCK_WAIT_S}
        elif address.startswith("postgresql"):
            options["connect_args"] = {"connect_timeout": STORE_CONNECT_TIMEOUT_S, "options": f"-c lock_timeout={STORE_LOCK_WAIT_S * 1000}"}
        try:
            engine = sa.create_engine(address, **options)
        except (sa.exc.ArgumentError, ImportError, ValueError) as exc:
            raise ScenarioError(f"store '{self.shown}': not a database URL this gigawatt can open ({_first_line(exc)}); "
                                f"give a path, sqlite:///PATH or {POSTGRES_URL_FORM}") from None
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        self._engine = engine
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
            sa.Column("parquet", sa.LargeBinary), sa.Column("compression", sa.String(16)),
        )
        self.tags_table = sa.Table(
            "run_tags", meta,
            sa.Column("run_id", sa.String(64), primary_key=True), sa.Column("tag", sa.String(TAG_MAX_CHARS), primary_key=True),
        )
        self.shares_table = sa.Table(  # the web workbench's read-only share links (gigawatt.web.public)
            "run_shares", meta,
            sa.Column("sig", sa.String(64), primary_key=True), sa.Column("run_id", sa.String(64), index=True),
            sa.Column("created", sa.String(32)), sa.Column("revoked", sa.Boolean, nullable=False, default=False),
        )
        self._meta = meta
        self._ready()

    def _ready(self) -> None:
        """Create the tables in a new store; check the version of an existing one (migrate or refuse)."""
        import sqlalchemy as sa

        try:
            names = set(sa.inspect(self.engine).get_table_names())
        except sa.exc.SQLAlchemyError as exc:
            if _is_lock(exc):
                raise StoreError(self._locked()) from None
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
        with self._reading(), self.engine.begin() as db:
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

    def _check_sqlite_file(self, path: Path) -> None:
        """Refuse a file that is not a gigawatt store before anything writes to it (connecting sets WAL mode,
        which rewrites the header): read its first bytes, then its table names through a read-only connection."""
        try:
            with open(path, "rb") as handle:
                head = handle.read(100)
        except FileNotFoundError:
            return  # a new store
        except OSError as exc:
            raise ScenarioError(f"store '{self.shown}': cannot be opened ({exc.strerror}); check the path, or give --no-store") from None
        if not head:
            return  # an empty file is an empty database: a new store
        if not head.startswith(SQLITE_HEADER):
            raise ScenarioError(f"store '{self.shown}' cannot be opened: it is not a SQLite database, so not a gigawatt run store; give another path")
        try:
            with contextlib.closing(_read_only(path)) as db:
                names = sorted(row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        except sqlite3.Error as exc:
            if _is_lock(exc):
                raise StoreError(self._locked()) from None
            raise ScenarioError(f"store '{self.shown}': cannot be opened ({_first_line(exc)}); check the path, or give --no-store") from None
        if names and "gigawatt_store" not in names:
            raise ScenarioError(f"store '{self.shown}' holds tables that are not a gigawatt run store ({', '.join(names[:5])}); give another store")
        if not names and head[18:20] != bytes([SQLITE_WAL_MODE] * 2):
            # no tables and not in WAL mode: another program's empty database (a store being created by
            # another gigawatt this moment is in WAL mode already: its first connection set it)
            raise ScenarioError(f"store '{self.shown}' is an empty SQLite database that is not a gigawatt run store; give another path")

    def _locked(self, fix: str = "try again once it is free") -> str:
        return f"store '{self.shown}' is locked by another process (waited {STORE_LOCK_WAIT_S} s); {fix}"

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Database errors as one line: a lock held past ``STORE_LOCK_WAIT_S``, or what the database said."""
        import sqlalchemy as sa

        try:
            yield
        except sa.exc.DBAPIError as exc:
            if _is_lock(exc):
                raise StoreError(self._locked()) from None
            raise StoreError(f"store '{self.shown}': {_first_line(exc)}; check that it is reachable, or give --no-store") from None

    def _insert(self, table: Any) -> Any:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    # --- writing ---

    def save(self, result: Result, replace: bool = False) -> str:
        """Keep a run with its tables (one transaction); an existing run of the same id is left as it is,
        unless ``replace`` (a stored record that could not be read), and a sweep run again replaces its
        record (its points' failures may have changed).

        A result the store cannot take (locked by another process past ``STORE_LOCK_WAIT_S``, unreachable,
        not a store any more) is not lost: it is written as JSON to a file (see :func:`keep_unsaved`) and a
        :class:`StoreError` names that file (its ``kept`` attribute) and what was wrong."""
        import sqlalchemy as sa

        frames = {name: frame for name, frame in result.to_frames().items() if frame is not None and len(frame.columns)}
        record = result.to_dict()
        row = {
            "id": result.run.id, "kind": result.kind, "name": result.name, "created": result.run.created,
            "gigawatt_version": result.run.gigawatt_version, "catalog_hash": result.run.catalog_hash,
            "seconds": result.run.seconds, "headline": json.dumps(headline(result.kind, result.data)), "record": json.dumps(record),
        }
        codec = store_compression()  # a bad setting is refused before anything is written
        try:
            with self.engine.begin() as db:
                if result.kind == "sweep" or replace:
                    db.execute(self.frames_table.delete().where(self.frames_table.c.run_id == result.run.id))
                    db.execute(self.runs.delete().where(self.runs.c.id == result.run.id))
                inserted = db.execute(self._insert(self.runs).values(**row).on_conflict_do_nothing()).rowcount
                if inserted:
                    for name, frame in frames.items():
                        blob = _parquet(frame)  # with store_compression(), the codec recorded beside it
                        db.execute(self._insert(self.frames_table).values(run_id=result.run.id, name=name, parquet=blob, compression=codec)
                                   .on_conflict_do_nothing())
        except (GigawattError, sa.exc.DBAPIError, OSError) as exc:
            if isinstance(exc, GigawattError):
                why = str(exc)
            elif _is_lock(exc):
                why = self._locked("run it again once the store is free")
            else:
                why = f"store '{self.shown}' cannot be written ({_first_line(exc)})"
            raise self._unsaved(result, why) from None
        return result.run.id

    def _unsaved(self, result: Result, why: str) -> StoreError:
        """The error of a result the store could not take, after keeping it in a file."""
        folders = [Path.cwd(), *([self.path.parent] if self.path is not None else []), Path(tempfile.gettempdir())]
        kept = keep_unsaved(result, folders)
        if kept is None:
            error = StoreError(f"this {result.kind} run's result could not be kept: {why}; nor could it be written to a file in "
                               f"{', '.join(map(str, folders))}")
        else:
            error = StoreError(f"this {result.kind} run's result is kept in {kept} (its JSON form), not in the store: {why}")
        error.kept = kept  # type: ignore[attr-defined]
        return error

    def remove(self, ids: list[str]) -> list[str]:
        """Delete runs (ids or unique prefixes) with their tables; returns the full ids removed."""
        full = [self.resolve(i) for i in ids]
        with self._reading(), self.engine.begin() as db:
            for ident in full:
                self._delete(db, ident)
        return full

    def _delete(self, db: Any, ident: str) -> None:
        """Delete one run with its tables, tags and share links, and the workbench's rows kept beside it
        (:data:`RUN_SIDE_TABLES`: its display name and note, the author's scenario text), in the caller's
        transaction, so every path (``runs rm``, ``runs prune``, the web page) leaves nothing keyed by the id."""
        import sqlalchemy as sa

        db.execute(self.frames_table.delete().where(self.frames_table.c.run_id == ident))
        db.execute(self.tags_table.delete().where(self.tags_table.c.run_id == ident))
        db.execute(self.shares_table.delete().where(self.shares_table.c.run_id == ident))
        present = set(sa.inspect(db).get_table_names())  # made on first use: an older store may lack them
        for name in RUN_SIDE_TABLES:
            if name in present:
                side = sa.table(name, sa.column("run_id"))
                db.execute(side.delete().where(side.c.run_id == ident))
        db.execute(self.runs.delete().where(self.runs.c.id == ident))

    # --- tags, size and pruning ---

    def tag(self, prefix: str, tag: str, remove: bool = False) -> str:
        """Give the run whose id starts with ``prefix`` the tag ``tag`` (or take it away with ``remove``);
        a tagged run is kept by :meth:`prune`. Returns the full id."""
        import sqlalchemy as sa

        tag = tag.strip()
        if not tag or len(tag) > TAG_MAX_CHARS or not tag.isprintable():
            shown = tag[:70].encode("unicode_escape").decode("ascii")
            raise ScenarioError(f"tag '{shown}': give a name of 1 to {TAG_MAX_CHARS} printable characters")
        ident = self.resolve(prefix)
        t = self.tags_table
        with self._reading(), self.engine.begin() as db:
            if remove:
                db.execute(t.delete().where(sa.and_(t.c.run_id == ident, t.c.tag == tag)))
            else:
                db.execute(self._insert(t).values(run_id=ident, tag=tag).on_conflict_do_nothing())
        return ident

    def tags(self, ident: str | None = None) -> dict[str, list[str]]:
        """The tags of every tagged run (or of the run of full id ``ident``): full id -> sorted tags."""
        import sqlalchemy as sa

        self.engine  # noqa: B018  (connects: the tables are defined then)
        t = self.tags_table
        query = sa.select(t.c.run_id, t.c.tag).order_by(t.c.run_id, t.c.tag)
        if ident is not None:
            query = query.where(t.c.run_id == ident)
        found: dict[str, list[str]] = {}
        with self._reading(), self.engine.connect() as db:
            for run, tag in db.execute(query):
                found.setdefault(run, []).append(tag)
        return found

    # --- share links (the web workbench's; see gigawatt.web.public) ---

    def secret(self, name: str) -> str:
        """A random key kept in the store under ``name`` (made on first use, the same for every process and
        after a restart): what signs share links, so a link outlives the server that made it."""
        import secrets as random
        import sqlalchemy as sa

        self.engine  # noqa: B018  (connects: the tables are defined then)
        key = f"secret:{name}"
        with self._reading(), self.engine.begin() as db:
            db.execute(self._insert(self.info).values(key=key, value=random.token_hex(32)).on_conflict_do_nothing())
            return db.execute(sa.select(self.info.c.value).where(self.info.c.key == key)).scalar_one()

    def add_share(self, sig: str, run_id: str) -> dict[str, Any]:
        """Record the share link of signature ``sig`` to the run of full id ``run_id``; the record."""
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._reading(), self.engine.begin() as db:
            db.execute(self._insert(self.shares_table).values(sig=sig, run_id=run_id, created=created, revoked=False).on_conflict_do_nothing())
        return {"sig": sig, "run_id": run_id, "created": created, "revoked": False}

    def shares(self, run_id: str | None = None, sig: str | None = None) -> list[dict[str, Any]]:
        """The share records of a run (full id), or the one of signature ``sig``, oldest first."""
        import sqlalchemy as sa

        self.engine  # noqa: B018
        t = self.shares_table
        query = sa.select(t.c.sig, t.c.run_id, t.c.created, t.c.revoked).order_by(t.c.created, t.c.sig)
        if run_id is not None:
            query = query.where(t.c.run_id == run_id)
        if sig is not None:
            query = query.where(t.c.sig == sig)
        with self._reading(), self.engine.connect() as db:
            return [{"sig": s, "run_id": r, "created": c, "revoked": bool(v)} for s, r, c, v in db.execute(query)]

    def revoke_share(self, sig: str) -> bool:
        """Revoke the share link of signature ``sig``; whether there was one."""
        self.engine  # noqa: B018
        t = self.shares_table
        with self._reading(), self.engine.begin() as db:
            return db.execute(t.update().where(t.c.sig == sig).values(revoked=True)).rowcount > 0

    def _bytes(self, column: Any) -> Any:
        """SQL for a column's size in bytes (JSON text is ASCII, so characters are bytes on SQLite)."""
        import sqlalchemy as sa

        return sa.func.octet_length(column) if self.engine.dialect.name == "postgresql" else sa.func.length(column)

    def _run_sizes(self) -> list[dict[str, Any]]:
        """Per run: id, kind, created, name, record_bytes (its JSON record and headline), table_bytes (its
        Parquet tables)."""
        import sqlalchemy as sa

        self.engine  # noqa: B018
        r, f = self.runs, self.frames_table
        tables = (sa.select(f.c.run_id, sa.func.sum(self._bytes(f.c.parquet)).label("table_bytes"))
                  .group_by(f.c.run_id).subquery())
        query = (sa.select(r.c.id, r.c.kind, r.c.created, r.c.name,
                           (sa.func.coalesce(self._bytes(r.c.record), 0) + sa.func.coalesce(self._bytes(r.c.headline), 0)).label("record_bytes"),
                           sa.func.coalesce(tables.c.table_bytes, 0).label("table_bytes"))
                 .select_from(r.outerjoin(tables, tables.c.run_id == r.c.id)).order_by(r.c.created, r.c.id))
        with self._reading(), self.engine.connect() as db:
            return [{**row, "record_bytes": int(row["record_bytes"]), "table_bytes": int(row["table_bytes"])}
                    for row in db.execute(query).mappings()]

    def file_bytes(self) -> int | None:
        """The SQLite store's size on disk in bytes (the file and its write-ahead log), else None."""
        if self.path is None or not self.path.exists():
            return None
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

    def size(self) -> dict[str, Any]:
        """The store's size: per kind of run (runs, total_bytes, mean and max bytes_per_run, record_bytes
        in JSON records, table_bytes in Parquet tables, table_share of the total), the same over all runs
        (``total``), and ``file_bytes`` on disk (SQLite; None on PostgreSQL). The kinds' sums are the total."""
        per_kind: dict[str, dict[str, Any]] = {}
        every = {"runs": 0, "total_bytes": 0, "record_bytes": 0, "table_bytes": 0, "max_bytes_per_run": 0}
        for row in self._run_sizes():
            run_bytes = row["record_bytes"] + row["table_bytes"]
            for into in (per_kind.setdefault(str(row["kind"]), dict.fromkeys(every, 0)), every):
                into["runs"] += 1
                into["total_bytes"] += run_bytes
                into["record_bytes"] += row["record_bytes"]
                into["table_bytes"] += row["table_bytes"]
                into["max_bytes_per_run"] = max(into["max_bytes_per_run"], run_bytes)
        for into in (*per_kind.values(), every):
            into["mean_bytes_per_run"] = into["total_bytes"] / into["runs"] if into["runs"] else 0.0
            into["table_share"] = into["table_bytes"] / into["total_bytes"] if into["total_bytes"] else 0.0
        return {"kinds": dict(sorted(per_kind.items())), "total": every, "file_bytes": self.file_bytes(), "store": self.shown}

    def prune(self, older_than_days: float | None = None, kind: str | None = None, sweep: str | None = None,
              keep_tagged: bool = True, dry_run: bool = False) -> dict[str, Any]:
        """Remove the runs that match every filter given: created more than ``older_than_days`` days ago,
        of ``kind``, and the sweep ``sweep`` (an id or its first characters) with its points (a point another
        sweep also lists is kept). Tagged runs are kept unless ``keep_tagged`` is False. At least one filter
        is needed; a bad one raises :class:`ScenarioError` naming it. With ``dry_run`` nothing is removed.

        Returns ``runs`` (id, kind, created, name, bytes of each run removed or that would be), ``kinds``
        (kind -> runs, bytes), ``kept_tagged`` and ``kept_shared`` (ids kept), and on SQLite after a real
        prune ``file_bytes_before`` and ``file_bytes_after`` (VACUUM gives the freed pages back to the disk)."""
        import sqlalchemy as sa

        if older_than_days is None and kind is None and sweep is None:
            raise ScenarioError("runs prune: give at least one of --older-than, --kind or --sweep (nothing is removed without a filter)")
        if older_than_days is not None and not (older_than_days >= 0 and older_than_days < 1e6):  # NaN fails both
            raise ScenarioError(f"--older-than {older_than_days:g}: give a number of days from 0 to 1000000")
        if kind is not None and kind not in STORED_KINDS:
            raise ScenarioError(f"--kind '{kind[:40]}': choose one of {', '.join(STORED_KINDS)}")
        within: set[str] | None = None
        shared: set[str] = set()
        if sweep is not None:
            ident = self.resolve(sweep)
            records = self._sweep_points()
            if ident not in records:
                found = next((row["kind"] for row in self._run_sizes() if row["id"] == ident), "other")
                raise ScenarioError(f"--sweep {sweep[:40]}: run {ident[:12]} is a {found} run, not a sweep; see `gigawatt runs list --kind sweep`")
            others = set().union(*(points for other, points in records.items() if other != ident))
            within = {ident, *records[ident]}
            shared = within & others
            within -= shared
        cutoff = None
        if older_than_days is not None:
            cutoff = (datetime.now(timezone.utc) - timedelta(days=older_than_days)).isoformat(timespec="seconds")
        tagged = set(self.tags()) if keep_tagged else set()
        chosen, kept_tagged = [], []
        for row in self._run_sizes():
            if (within is not None and row["id"] not in within) or (kind is not None and row["kind"] != kind) \
                    or (cutoff is not None and not (str(row["created"] or "") < cutoff)):
                continue
            if row["id"] in tagged:
                kept_tagged.append(row["id"])
                continue
            chosen.append({k: row[k] for k in ("id", "kind", "created", "name")} | {"bytes": row["record_bytes"] + row["table_bytes"]})
        kinds: dict[str, dict[str, int]] = {}
        for row in chosen:
            into = kinds.setdefault(str(row["kind"]), {"runs": 0, "bytes": 0})
            into["runs"] += 1
            into["bytes"] += row["bytes"]
        report: dict[str, Any] = {"runs": chosen, "kinds": dict(sorted(kinds.items())), "kept_tagged": kept_tagged,
                                  "kept_shared": sorted(shared), "dry_run": dry_run, "store": self.shown}
        if dry_run or not chosen:
            return report
        before = self._checkpointed_bytes()
        with self._reading(), self.engine.begin() as db:
            for row in chosen:
                self._delete(db, row["id"])
        if self.path is not None:
            with self._reading(), self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
                db.execute(sa.text("VACUUM"))
            report["file_bytes_before"], report["file_bytes_after"] = before, self._checkpointed_bytes()
        return report

    def _checkpointed_bytes(self) -> int | None:
        """The SQLite file's size once its write-ahead log is folded in (so the figure is the data's)."""
        import sqlalchemy as sa

        if self.path is None:
            return None
        with self._reading(), self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            db.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return self.file_bytes()

    def _sweep_points(self) -> dict[str, set[str]]:
        """Every stored sweep's id -> the run ids of its points (from its record)."""
        import sqlalchemy as sa

        with self._reading(), self.engine.connect() as db:
            rows = db.execute(sa.select(self.runs.c.id, self.runs.c.record).where(self.runs.c.kind == "sweep")).all()
        found = {}
        for ident, text in rows:
            try:
                points = json.loads(text)["result"]["points"]
                found[ident] = {p["run_id"] for p in points if isinstance(p, dict) and p.get("run_id")}
            except (TypeError, ValueError, KeyError):
                found[ident] = set()  # a damaged sweep record: the sweep alone goes
        return found

    # --- reading ---

    def resolve(self, prefix: str) -> str:
        """The full id of the one run whose id starts with ``prefix`` (as git resolves short hashes)."""
        import sqlalchemy as sa

        prefix = prefix.strip().lower()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            shown = prefix[:70].encode("unicode_escape").decode("ascii")  # a control character shown, not obeyed
            raise ScenarioError(f"run id '{shown}': give the hexadecimal id `gigawatt runs list` shows")
        with self._reading(), self.engine.connect() as db:
            found = db.execute(sa.select(self.runs.c.id).where(self.runs.c.id.like(prefix + "%")).limit(2)).scalars().all()
        if not found:
            raise ScenarioError(f"run id '{prefix}': no such run in {self.shown}; see `gigawatt runs list`")
        if len(found) > 1:
            raise ScenarioError(f"run id '{prefix}': several runs start with it; give more of the id")
        return found[0]

    def get(self, ident: str) -> Result | None:
        """The run of this full id as a :class:`Result` (tables read on first use), or None; a stored record
        that cannot be read raises :class:`UnreadableRun`, saying why."""
        if self._engine is None and self.path is not None:
            record = self._sqlite_record(self.path, ident)
        else:
            record = self._via_engine(ident)
        return None if record is None else self._result(ident, record)

    def _sqlite_record(self, path: Path, ident: str) -> str | None:
        """The lookup of an identical run, on SQLite through the standard library: the one read every run
        makes, without importing SQLAlchemy (0.3 s) for it. Same tables, same version check."""
        if not path.is_file():
            return None
        try:
            with contextlib.closing(_read_only(path)) as db:
                version = db.execute("SELECT value FROM gigawatt_store WHERE key = 'store_version'").fetchone()
                current = version is not None and version[0] == str(STORE_VERSION)
                row = db.execute("SELECT record FROM runs WHERE id = ?", (ident,)).fetchone() if current else None
        except sqlite3.Error as exc:
            if _is_lock(exc):
                raise StoreError(self._locked()) from None
            current = False
        if not current:
            return self._via_engine(ident)  # let the full check explain, migrate or refuse
        return row[0] if row else None

    def _via_engine(self, ident: str) -> str | None:
        import sqlalchemy as sa

        with self._reading(), self.engine.connect() as db:
            return db.execute(sa.select(self.runs.c.record).where(self.runs.c.id == ident)).scalar()

    def load(self, prefix: str) -> Result:
        """The run whose id starts with ``prefix``."""
        result = self.get(self.resolve(prefix))
        assert result is not None
        return result

    def _result(self, ident: str, text: Any) -> Result:
        """A stored record as a :class:`Result`, or :class:`UnreadableRun` naming the run, what is wrong and the fix."""
        where = f"run {ident[:12]} in {self.shown}"
        remove = f"remove it with `gigawatt runs rm {ident[:12]}`"
        try:
            record = json.loads(text)
        except (TypeError, ValueError):
            record = None
        if not isinstance(record, dict):
            raise UnreadableRun(f"{where}: its stored record is damaged (cut short, or not JSON); {remove} and run it again")
        run_facts = record.get("run")
        version = run_facts.get("gigawatt_version") if isinstance(run_facts, dict) else None
        if isinstance(version, str) and newer_version(version):
            raise UnreadableRun(f"{where} was written by gigawatt {version[:20]}, newer than this {__version__}; read it with that version, or upgrade")
        schema = record.get("schema_version")
        if isinstance(schema, int) and schema > SCHEMA_VERSION:
            raise UnreadableRun(f"{where} is in a newer result format (schema version {schema}; this gigawatt reads {SCHEMA_VERSION}); upgrade gigawatt")
        kind = record.get("kind")
        if kind not in STORED_KINDS:
            raise UnreadableRun(f"{where} is of kind '{str(kind)[:40]}', which this gigawatt does not know ({', '.join(STORED_KINDS)}); "
                                f"upgrade gigawatt, or {remove}")
        try:
            run = RunInfo(**record["run"], stored=True)
            model = STORED[kind].inputs
            data, messages = record["result"], record["messages"]
            if not isinstance(data, dict) or not isinstance(messages, list):
                raise TypeError("its result is not a mapping, or its messages not a list")
            figures(kind, data)  # the figures every face reads: a result without them is not this kind's
            return Result(
                kind=kind, inputs=model.model_validate(record["inputs"]), data=data, run=run,
                messages=messages, frames_loader=lambda: self.frames(run.id),
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:  # pydantic's ValidationError is a ValueError
            problem = _first_line(exc)[:120] if not isinstance(exc, KeyError) else f"no {exc}"
            raise UnreadableRun(f"{where}: its stored record is damaged ({problem}); {remove} and run it again") from None

    def frames(self, ident: str) -> dict[str, pd.DataFrame]:
        """The named tables of a run, from Parquet (:class:`UnreadableRun` names one that cannot be read)."""
        import sqlalchemy as sa

        engine = self.engine
        t = self.frames_table
        with self._reading(), engine.connect() as db:
            rows = db.execute(sa.select(t.c.name, t.c.parquet).where(t.c.run_id == ident)).all()
        frames = {}
        for name, blob in rows:
            try:
                frames[name] = _read_parquet(blob)
            except Exception as exc:  # noqa: BLE001  (pyarrow raises its own types for a damaged file)
                raise UnreadableRun(f"run {ident[:12]} in {self.shown}: its stored table '{name}' is damaged ({_first_line(exc)[:80]}); "
                                    f"remove it with `gigawatt runs rm {ident[:12]}` and run it again") from None
        return frames

    def list(self, kind: str | None = None, since: str | None = None, name: str | None = None, limit: int | None = None,
             ids: list[str] | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Runs, newest first: id, kind, name, created, version, seconds, headline figures and ``unreadable``
        (why ``load`` would refuse the run, else None: its record cut short, a kind or a version this gigawatt
        does not know), so one damaged run never hides the others. Only those of ``ids``, full ids, when
        given (a sweep's points)."""
        import sqlalchemy as sa

        self.engine  # noqa: B018  (connects: the tables below are defined then)
        r = self.runs
        whole = r.c.record.like("%}").label("whole")  # a JSON object cut short no longer ends in }
        query = sa.select(r.c.id, r.c.kind, r.c.name, r.c.created, r.c.gigawatt_version, r.c.seconds, r.c.headline, whole)
        query = query.order_by(r.c.created.desc(), r.c.id)
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
        if offset:  # the runs after the first ``offset`` (a page of the list)
            query = query.offset(offset)
        with self._reading(), self.engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [_listed(row) for row in rows]


    # --- display names and notes (the workbench's run list; issue 29) ---

    def _labels(self) -> Any:
        """The ``run_labels`` table (a run's display name and free-text note), created on first use: a run's id
        is content-addressed, so a rename is kept beside the run, never in it."""
        import sqlalchemy as sa

        self.engine  # noqa: B018  (connects: the metadata is defined then)
        if getattr(self, "_labels_table", None) is None:
            table = sa.Table("run_labels", self._meta, sa.Column("run_id", sa.String(64), primary_key=True),
                             sa.Column("display_name", sa.Text), sa.Column("note", sa.Text), extend_existing=True)
            try:
                table.create(self.engine, checkfirst=True)
            except sa.exc.OperationalError as exc:
                if not _is_lock(exc):
                    raise
                raise StoreError(self._locked()) from None
            self._labels_table = table
        return self._labels_table

    def label(self, prefix: str, name: str | None = None, note: str | None = None) -> dict[str, str | None]:
        """Set a run's display name and/or note (None: left as it is; "": cleared); returns both as now kept.
        The run's id and record do not change."""
        ident = self.resolve(prefix)
        t = self._labels()
        with self.engine.begin() as db:
            now = db.execute(t.select().where(t.c.run_id == ident)).mappings().first()
            kept = {"display_name": now["display_name"] if now else None, "note": now["note"] if now else None}
            if name is not None:
                kept["display_name"] = name.strip() or None
            if note is not None:
                kept["note"] = note.strip() or None
            db.execute(t.delete().where(t.c.run_id == ident))
            if kept["display_name"] or kept["note"]:
                db.execute(t.insert().values(run_id=ident, **kept))
        return kept

    def labels(self, ids: list[str]) -> dict[str, dict[str, str | None]]:
        """The display names and notes of the runs ``ids`` (full ids) that have one."""
        t = self._labels()
        if not ids:
            return {}
        with self._reading(), self.engine.connect() as db:
            rows = db.execute(t.select().where(t.c.run_id.in_(ids))).mappings().all()
        return {row["run_id"]: {"display_name": row["display_name"], "note": row["note"]} for row in rows}

    def _point_order(self, ident: str) -> dict[str, int]:
        """A stored sweep's point run ids -> their point number (from 0), as its record lists them."""
        try:
            points = json.loads(self._via_engine(ident) or "{}")["result"]["points"]
            order: dict[str, int] = {}
            for n, p in enumerate(points):  # a run that is several points (the same inputs) takes its first place
                if isinstance(p, dict) and p.get("run_id"):
                    order.setdefault(p["run_id"], n)
            return order
        except (TypeError, ValueError, KeyError):
            return {}

    def projects(self, *, search: str | None = None, kind: str | None = None, since: str | None = None, until: str | None = None,
                 offset: int = 0, limit: int = 25) -> tuple[list[dict[str, Any]], int]:
        """A page of the run list for people: the runs that are not a stored sweep's points, newest first, each
        as :meth:`list` gives it with its ``display_name`` and ``note``, a sweep with its points (``points``);
        ``search`` matches the name or the display name (any case), ``since``/``until`` bound the creation date
        (ISO dates, UTC, both included). Returns the page and how many runs match in all."""
        import sqlalchemy as sa

        r, t = self.runs, self._labels()
        grouped = self._sweep_points()  # only the sweeps' records are read, not every run's
        inside = sorted(set().union(*grouped.values())) if grouped else []
        conditions = []
        if kind:
            conditions.append(r.c.kind == kind)
        if since:
            conditions.append(r.c.created >= since)
        if until:  # a date (or a time's first characters): every run created that day is included
            conditions.append(sa.func.substr(r.c.created, 1, len(until)) <= until)
        if inside:
            conditions.append(r.c.id.notin_(inside))
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"  # the text itself, not a LIKE pattern
            conditions.append(sa.or_(r.c.name.ilike(pattern, escape="\\"), t.c.display_name.ilike(pattern, escape="\\")))
        joined = r.outerjoin(t, t.c.run_id == r.c.id)
        whole = r.c.record.like("%}").label("whole")  # as list() marks a record cut short
        query = (sa.select(r.c.id, r.c.kind, r.c.name, r.c.created, r.c.gigawatt_version, r.c.seconds, r.c.headline, whole,
                           t.c.display_name, t.c.note)
                 .select_from(joined).where(*conditions).order_by(r.c.created.desc(), r.c.id).offset(offset).limit(limit))
        counted = sa.select(sa.func.count()).select_from(joined).where(*conditions)
        with self._reading(), self.engine.connect() as db:
            found = db.execute(query).mappings().all()
            total = int(db.execute(counted).scalar() or 0)
        page = [{**_listed(row), "display_name": row["display_name"], "note": row["note"]} for row in found]
        for row in page:
            if row["kind"] == "sweep":
                points = sorted(grouped.get(row["id"], set()))
                order = self._point_order(row["id"])
                row["points"] = sorted(self.list(ids=points), key=lambda p: order.get(p["id"], len(order))) if points else []
        return page, total


def _listed(row: Any) -> dict[str, Any]:
    """A row of :meth:`Store.list`, with what makes its run unreadable (None when nothing does)."""
    listed = {k: row[k] for k in ("id", "kind", "name", "created", "gigawatt_version", "seconds")}
    try:
        figures = json.loads(row["headline"] or "{}")
    except (TypeError, ValueError):
        figures = None
    version = row["gigawatt_version"]
    if isinstance(version, str) and newer_version(version):  # checked in the order Store.get checks them
        problem = f"written by gigawatt {version[:20]}, newer than this {__version__}"
    elif row["kind"] not in STORED_KINDS:
        problem = f"kind '{str(row['kind'])[:40]}' unknown to this gigawatt"
    elif not row["whole"]:
        problem = "stored record cut short"
    elif not isinstance(figures, dict):
        problem = "stored headline damaged"
    else:
        problem = None
    return {**listed, "headline": figures if isinstance(figures, dict) else {}, "unreadable": problem}


class UnreadableRun(StoreError):
    """A stored run that cannot be read: its record cut short or damaged, or of a kind or a gigawatt
    version this one does not know. The others in the store are unaffected."""


def newer_version(version: str) -> bool:
    """Whether ``version`` (of gigawatt) is newer than this one, comparing the release numbers."""
    return _release(version) > _release(__version__)


def _release(version: str) -> tuple[int, ...]:
    found = re.match(r"\s*v?(\d+(?:\.\d+)*)", version)
    numbers = [int(n) for n in found.group(1).split(".")] if found else []
    while numbers and numbers[-1] == 0:
        numbers.pop()  # 0.1 and 0.1.0 are the same release
    return tuple(numbers)


def keep_unsaved(result: Result, folders: list[Path]) -> Path | None:
    """Write ``result``'s JSON form (as ``gigawatt runs export --format json`` writes it) to the first of
    ``folders`` that takes it, as ``gigawatt-unsaved-KIND-ID.json``; the path, or None when none does."""
    text = json.dumps(result.to_dict(), indent=2) + "\n"
    for folder in folders:
        path = folder / UNSAVED.format(kind=result.kind, id=result.run.id[:12])
        try:
            return write_atomically(path, lambda tmp: tmp.write_text(text), "unsaved result")
        except (GigawattError, OSError):
            continue
    return None


def store_compression() -> str:
    """The Parquet codec for tables saved now: ``GIGAWATT_STORE_COMPRESSION`` (zstd, snappy, gzip, brotli,
    lz4 or none), else zstd where pyarrow has it, else snappy."""
    import pyarrow as pa

    chosen = os.environ.get(COMPRESSION_ENV, "").strip().lower()
    if not chosen:
        return "zstd" if pa.Codec.is_available("zstd") else "snappy"
    if chosen not in COMPRESSIONS:
        raise ScenarioError(f"{COMPRESSION_ENV}='{chosen[:40]}': choose one of {', '.join(COMPRESSIONS)}")
    if chosen != "none" and not pa.Codec.is_available(chosen):
        raise ScenarioError(f"{COMPRESSION_ENV}='{chosen}': this pyarrow lacks that codec; choose zstd, snappy or none")
    return chosen


def _parquet(frame: pd.DataFrame, compression: str | None = None) -> bytes:
    """A table as Parquet bytes with the codec ``compression`` (``none``: uncompressed; by default
    :func:`store_compression`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    compression = compression or store_compression()
    buffer = io.BytesIO()
    frame = frame.copy(deep=False)
    frame.attrs = {}  # figures kept in attrs are in the run's JSON form already
    table = pa.Table.from_pandas(frame)  # what DataFrame.to_parquet writes, the index and pandas metadata included
    # an hourly timestamp (the index of every hourly table) is unique in every row, so a dictionary of it is
    # as big as the column and no codec shrinks it (69 of a full-year dispatch table's 102 kB); as deltas
    # of a regular step it takes a few hundred bytes. Any Parquet reader reads it the same.
    deltas = [f.name for f in table.schema if pa.types.is_timestamp(f.type) or pa.types.is_integer(f.type)]
    pq.write_table(table, buffer, compression="NONE" if compression == "none" else compression,
                   use_dictionary=[f.name for f in table.schema if f.name not in deltas],
                   column_encoding=dict.fromkeys(deltas, "DELTA_BINARY_PACKED") or None)
    return buffer.getvalue()



def _read_parquet(blob: bytes) -> pd.DataFrame:
    """The table in Parquet bytes, as ``pd.read_parquet`` gives it, read without Arrow's thread pools: a pool
    still running when the process exits aborts it now and then (SIGABRT, "terminate called without an
    active exception", apache/arrow#34314) after its answer is printed. ``pq.read_table`` starts one even
    with ``use_threads=False``; a single file read whole starts none."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(io.BytesIO(blob), pre_buffer=False).read(use_threads=False).to_pandas(use_threads=False)

def _to_version_2(db: Any) -> None:
    """Store version 1 -> 2: ``run_frames`` gains ``compression`` (NULL in the rows already there, which read
    as before), and ``run_tags`` is made (by ``create_all`` before this runs; made here too if not). Nothing is
    rewritten or removed. Safe when another process has just done the same."""
    import sqlalchemy as sa

    columns = {c["name"] for c in sa.inspect(db).get_columns("run_frames")}
    if "compression" not in columns:
        exists = " IF NOT EXISTS" if db.dialect.name == "postgresql" else ""  # another process may have just added it
        db.execute(sa.text(f"ALTER TABLE run_frames ADD COLUMN{exists} compression VARCHAR(16)"))
    db.execute(sa.text("CREATE TABLE IF NOT EXISTS run_tags (run_id VARCHAR(64) NOT NULL, tag VARCHAR(64) NOT NULL, "
                       "PRIMARY KEY (run_id, tag))"))


MIGRATIONS: dict[int, Any] = {1: _to_version_2}  # from version N to N + 1: a function of a connection


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL lets readers run beside a writer; the busy timeout makes concurrent writers wait (SQLite retries
    until it ends), then fail with a lock error that :meth:`Store.save` turns into a kept result."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={STORE_LOCK_WAIT_S * 1000}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to a SQLite file (no pragma, nothing written); the path quoted for the URI."""
    return sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True, timeout=STORE_LOCK_WAIT_S)


def _is_lock(exc: BaseException) -> bool:
    """Whether a database error is another process's lock: SQLite's BUSY or LOCKED, PostgreSQL's
    lock_not_available (lock_timeout ran out) or deadlock_detected."""
    error = getattr(exc, "orig", None) or exc
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (and their extended codes)
    if getattr(error, "sqlstate", None) in ("55P03", "40P01"):
        return True
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


PASSWORD_IN_URL = re.compile(r"(\w[\w+.-]*://[^:/@\s]+):[^@\s]*@")


def _masked(text: str) -> str:
    """``text`` with the password of any URL in it replaced by ***: what messages show."""
    return PASSWORD_IN_URL.sub(r"\1:***@", text)


def _first_line(exc: Exception) -> str:
    return _masked(str(exc).strip().splitlines()[0][:200]) if str(exc).strip() else type(exc).__name__


__all__ = ["Store", "UnreadableRun", "catalog_hash", "keep_unsaved", "open_store", "run_id"]

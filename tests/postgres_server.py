"""A real, throwaway PostgreSQL server for the tests (no mocks).

A pytest plugin module. Load it from the root ``tests/conftest.py`` with::

    pytest_plugins = ["postgres_server"]

(``tests/`` is on ``sys.path``, as for ``from conftest import ...``), or from a
single test module with the same line. Fixtures:

``postgres_server`` (session)
    A :class:`PostgresServer`: a fresh cluster made by Debian's ``initdb`` in a
    temporary directory, listening on 127.0.0.1 at a free port with trust
    authentication and fsync off; stopped and removed at the end of the session.
``postgres_url`` (session)
    ``postgresql+psycopg://postgres@127.0.0.1:PORT/gigawatt_test``: an SQLAlchemy
    URL of an empty database that every test of the session shares.
``postgres_db_url`` (function)
    The URL of a database made for one test (``CREATE DATABASE``) and dropped
    after it, so tests that write do not see one another's rows.

Without the server binaries (Debian's ``postgresql`` package, which ``.ci/run``
installs) or without psycopg, a test asking for these fixtures is skipped with
the reason. When the tests run as root, which ``initdb`` refuses, the server runs
as the unprivileged ``postgres`` user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

DATABASE = "gigawatt_test"
SUPERUSER = "postgres"
HOST = "127.0.0.1"
# settings for a disposable server: durability buys nothing here, speed does
SETTINGS = {
    "listen_addresses": f"'{HOST}'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
}
START_TIMEOUT_S = 60


def find_binaries() -> Path | None:
    """The folder of Debian's newest PostgreSQL server binaries, else that of initdb on PATH."""

    def version(folder: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(folder).parent.name)) or (0,)

    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        folders.append(str(Path(on_path).resolve().parent))
    for folder in folders:
        if all(os.access(Path(folder, name), os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _reachable_by_all(path: Path) -> bool:
    """Whether every folder on the way to ``path`` lets other users through."""
    for folder in [path, *path.parents]:
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return True


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


@dataclass
class PostgresServer:
    """A running throwaway cluster; ``url(dbname)`` gives an SQLAlchemy URL to one of its databases."""

    bindir: Path
    root: Path
    port: int
    host: str = HOST
    user: str = SUPERUSER
    run_as: pwd.struct_passwd | None = None  # the unprivileged account when the tests run as root

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    def url(self, dbname: str = DATABASE) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres"):
        """A psycopg autocommit connection, for CREATE / DROP DATABASE."""
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname=dbname,
            autocommit=True, connect_timeout=10,
        )

    def create_database(self, dbname: str) -> None:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))

    def drop_database(self, dbname: str) -> None:
        from psycopg import sql

        with self.connect() as conn:  # FORCE ends connections a test left open (PostgreSQL 13+)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))

    # -- process control -------------------------------------------------------------

    def _run(self, *args: str, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", TZ="UTC")
        extra = {}
        if self.run_as is not None:
            env.update(HOME=str(self.root), USER=self.run_as.pw_name, LOGNAME=self.run_as.pw_name)
            extra = dict(user=self.run_as.pw_uid, group=self.run_as.pw_gid, extra_groups=[])
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]], cwd=self.root, env=env, timeout=timeout,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            **extra,
        )

    def init(self) -> None:
        done = self._run(
            "initdb", "-D", str(self.datadir), "--auth=trust", f"--username={self.user}",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )
        if done.returncode:
            pytest.fail(f"initdb failed ({done.returncode}):\n{done.stdout}", pytrace=False)
        settings = dict(SETTINGS, unix_socket_directories=f"'{self.root}'")
        with open(self.datadir / "postgresql.conf", "a") as conf:
            conf.write("\n# gigawatt tests\n")
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())

    def start(self) -> subprocess.CompletedProcess:
        return self._run(
            "pg_ctl", "start", "-D", str(self.datadir), "-l", str(self.logfile),
            "-w", "-t", str(START_TIMEOUT_S), "-o", f"-p {self.port}",
            timeout=START_TIMEOUT_S + 10,
        )

    def stop(self) -> None:
        if (self.datadir / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "immediate", "-w", "-t", "30", timeout=40)


def start_server() -> PostgresServer:
    """Make and start a cluster, or skip when the binaries are absent; the caller stops it."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'gigawatt[postgres]'; [dev] brings it)")
    bindir = find_binaries()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found; .ci/run installs Debian's postgresql package")

    run_as = None
    if os.geteuid() == 0:  # initdb refuses root: run the server as an unprivileged account
        for name in ("postgres", "nobody"):
            try:
                run_as = pwd.getpwnam(name)
                break
            except KeyError:
                pass
        else:
            pytest.skip("running as root and no unprivileged 'postgres' user to run PostgreSQL as")

    parent = Path(tempfile.gettempdir())
    if run_as is not None and not _reachable_by_all(parent):
        parent = Path("/tmp")  # the server's account must reach its data and socket folder
    root = Path(tempfile.mkdtemp(prefix="gigawatt-pg-", dir=parent))
    if run_as is not None:
        os.chown(root, run_as.pw_uid, run_as.pw_gid)
    server = PostgresServer(bindir=bindir, root=root, port=0, run_as=run_as)
    try:
        server.init()
        for _ in range(3):  # another process may take the free port before the server binds it
            server.port = free_port()
            done = server.start()
            if done.returncode == 0:
                break
            server.stop()
            if "could not bind" not in _tail(server.logfile):
                break
        if done.returncode:
            pytest.fail(
                f"PostgreSQL did not start ({bindir / 'pg_ctl'} exited {done.returncode}):\n"
                f"{done.stdout}\n--- server log {server.logfile} (tail) ---\n{_tail(server.logfile)}",
                pytrace=False,
            )
        server.create_database(DATABASE)
    except BaseException:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        raise
    return server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A fresh PostgreSQL cluster on loopback for the whole session, removed afterwards."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of the session's empty ``gigawatt_test`` database."""
    return postgres_server.url(DATABASE)


@pytest.fixture
def postgres_db_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a database of this test's own, dropped after it."""
    name = f"gigawatt_test_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name)
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)


__all__ = ["PostgresServer", "postgres_server", "postgres_url", "postgres_db_url", "find_binaries"]

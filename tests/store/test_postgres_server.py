"""The throwaway PostgreSQL server fixture works against a real server (no mocks)."""

from __future__ import annotations

import pytest

pytest_plugins = ["postgres_server"]

sqlalchemy = pytest.importorskip("sqlalchemy", reason="SQLAlchemy is not installed (the run store needs it)")
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select, text  # noqa: E402


def engine_for(url: str):
    return create_engine(url, poolclass=sqlalchemy.pool.NullPool)


def test_a_fresh_database_round_trips_a_row(postgres_db_url):
    assert postgres_db_url.startswith("postgresql+psycopg://")
    engine = engine_for(postgres_db_url)
    metadata = MetaData()
    runs = Table("runs", metadata, Column("id", Integer, primary_key=True), Column("name", String(50)))
    try:
        with engine.begin() as conn:
            assert "PostgreSQL" in conn.execute(text("SELECT version()")).scalar_one()
            metadata.create_all(conn)
            conn.execute(insert(runs), [{"id": 1, "name": "west-texas"}])
        with engine.connect() as conn:
            assert conn.execute(select(runs.c.id, runs.c.name)).all() == [(1, "west-texas")]
    finally:
        engine.dispose()


def _database_and_tables(url: str) -> tuple[str, list[str]]:
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            name = conn.execute(text("SELECT current_database()")).scalar_one()
            tables = sorted(sqlalchemy.inspect(conn).get_table_names())
            conn.execute(text("CREATE TABLE marker (id integer)"))
        return name, tables
    finally:
        engine.dispose()


@pytest.fixture
def second_db_url(postgres_server):
    """A second per-test database, made as postgres_db_url makes its own."""
    name = "gigawatt_test_second"
    postgres_server.create_database(name)
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


def test_each_test_gets_its_own_empty_database(postgres_db_url, second_db_url, postgres_url):
    first, first_tables = _database_and_tables(postgres_db_url)
    second, second_tables = _database_and_tables(second_db_url)
    assert first != second
    assert first_tables == [] and second_tables == []  # the marker table made in one is not in the other
    assert postgres_url.endswith("/gigawatt_test")
    assert first != "gigawatt_test" and second != "gigawatt_test"


_seen: list[str] = []


@pytest.mark.parametrize("turn", [1, 2])
def test_the_per_test_database_is_new_and_the_old_one_dropped(postgres_db_url, postgres_server, turn):
    name, tables = _database_and_tables(postgres_db_url)
    assert tables == []
    assert name not in _seen
    with postgres_server.connect() as conn:
        existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    assert name in existing
    assert not existing & set(_seen), "an earlier test's database was not dropped"
    _seen.append(name)

"""Backups restore into an empty database with every table equal."""

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from core.backup import DatabaseNotEmpty, backup, restore
from core.setup import seed_demo
from db.engine import make_engine
from db.models import Base
from tests.conftest import skip_or_fail


def snapshot(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: sorted(tuple(map(str, row)) for row in connection.execute(select(table)))
                for table in Base.metadata.sorted_tables
                if table.name in inspect(engine).get_table_names()
            }
    finally:
        engine.dispose()


def test_a_sqlite_backup_restores_into_an_empty_database_with_every_table_equal(tmp_path):
    source = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    seed_demo(make_engine(source), members=60, seed=5)
    backup(source, tmp_path / "backup.sqlite3")
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restore(target, tmp_path / "backup.sqlite3")
    before, after = snapshot(source), snapshot(target)
    assert before == after
    assert len(after["members"]) == 60


def test_restoring_over_a_database_with_data_is_refused(tmp_path):
    source = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    seed_demo(make_engine(source), members=20, seed=5)
    backup(source, tmp_path / "backup.sqlite3")
    with pytest.raises(DatabaseNotEmpty):
        restore(source, tmp_path / "backup.sqlite3")


@pytest.fixture
def two_pg_databases():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        skip_or_fail("TEST_DATABASE_URL is not set (PostgreSQL tests)")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    names = [f"backup_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield [make_url(base).set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_a_postgresql_backup_restores_with_every_table_equal(two_pg_databases, tmp_path: Path):
    source, target = two_pg_databases
    seed_demo(make_engine(source), members=60, seed=5)
    backup(source, tmp_path / "backup.dump")
    restore(target, tmp_path / "backup.dump")
    assert snapshot(source) == snapshot(target)

"""Shared fixtures: fresh SQLite and PostgreSQL databases, and the app under AppTest."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("ALUMNI_BCRYPT_ROUNDS", "4")  # fast hashes in tests; production uses 12

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from core.setup import init_database
from db.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
COOKIE_KEY = "test-cookie-key-" + "0123456789abcdef" * 2


def skip_or_fail(reason: str) -> None:
    """Skip on a developer machine; fail where ALUMNI_STRICT_TESTS=1 (CI), so nothing is silently left out."""
    if os.environ.get("ALUMNI_STRICT_TESTS") == "1":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'alumni.sqlite3'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        skip_or_fail("TEST_DATABASE_URL is not set (PostgreSQL tests)")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(any_url: str) -> Iterator[Engine]:
    """A migrated database, on SQLite and on PostgreSQL."""
    engine = make_engine(any_url)
    init_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    init_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Settings are cached per database URL for a few seconds; a test's database is new."""
    from core.settings import forget_settings

    forget_settings()
    yield
    forget_settings()

"""Engine creation (SQLite tuned for concurrent use, PostgreSQL via psycopg 3) and sessions."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = PROJECT_DIR / "data" / "alumni.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def database_url() -> str:
    """DATABASE_URL from the environment, else the SQLite file under data/."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def is_default_database() -> bool:
    return not os.environ.get("DATABASE_URL")


def _json(value) -> str:
    """JSON columns keep Japanese as written (not escaped), so text search and erasure find it."""
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str | None = None) -> Engine:
    """Create an engine; for SQLite: WAL, foreign keys, busy timeout and BEGIN IMMEDIATE for writes."""
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, json_serializer=_json)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, json_serializer=_json)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction, committed on success, rolled back on error.

    On SQLite the transaction starts with BEGIN IMMEDIATE so two writers queue instead of
    deadlocking when a reader upgrades to a writer.
    """
    immediate = engine.execution_options(sqlite_immediate=True)
    with Session(immediate, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session

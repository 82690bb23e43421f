"""Backups: SQLite's online backup, or pg_dump/pg_restore for PostgreSQL; restore only into an empty database."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from core.errors import DomainError
from core.settings import forget_settings
from db.engine import make_engine
from db.models import Application, Member, Survey, UserAccount

DATA_TABLES = (Member, Application, UserAccount, Survey)


class DatabaseNotEmpty(DomainError):
    key = "backup.not_empty"


class BackupToolMissing(DomainError):
    key = "backup.tool_missing"


class BackupFailed(DomainError):
    key = "backup.failed"


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while the app writes."""
    source_db, target_db = sqlite3.connect(source), sqlite3.connect(target)
    try:
        source_db.backup(target_db)
    finally:
        target_db.close()
        source_db.close()


def _run(tool: str, *args: str) -> None:
    """Raises BackupToolMissing when `tool` is not installed, BackupFailed when it fails."""
    if shutil.which(tool) is None:
        raise BackupToolMissing(tool=tool)
    result = subprocess.run([tool, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupFailed(reason=result.stderr.strip()[-500:])


def is_empty(url: str) -> bool:
    """True when the database holds no members, applications, accounts or surveys (or no tables at all)."""
    engine = make_engine(url)
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            return all(
                model.__tablename__ not in present
                or connection.scalar(select(func.count()).select_from(model)) == 0
                for model in DATA_TABLES
            )
    finally:
        engine.dispose()


def backup(url: str, out: Path) -> None:
    """Write a consistent copy of the database to `out` while the app keeps running.

    Raises BackupToolMissing when pg_dump is not installed, BackupFailed when it fails.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_copy(Path(parsed.database), out)
    else:
        _run("pg_dump", "--format=custom", "--no-owner", f"--file={out}", _libpq_url(url))


def restore(url: str, source: Path) -> None:
    """Restore a backup into an empty database. Raises DatabaseNotEmpty, BackupToolMissing, BackupFailed."""
    if not is_empty(url):
        raise DatabaseNotEmpty()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, Path(parsed.database))
    else:
        _run("pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error",
             f"--dbname={_libpq_url(url)}", str(source))
    forget_settings()

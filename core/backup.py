"""Backups: SQLite's online backup, or pg_dump/pg_restore for PostgreSQL; restore only into an empty database."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from core.errors import DomainError
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
        source = sqlite3.connect(parsed.database)
        target = sqlite3.connect(out)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    if shutil.which("pg_dump") is None:
        raise BackupToolMissing(tool="pg_dump")
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={out}", _libpq_url(url)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupFailed(reason=result.stderr.strip()[-500:])


def restore(url: str, source: Path) -> None:
    """Restore a backup into an empty database. Raises DatabaseNotEmpty, BackupToolMissing, BackupFailed."""
    if not is_empty(url):
        raise DatabaseNotEmpty()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        backup_file = sqlite3.connect(source)
        target = sqlite3.connect(parsed.database)
        try:
            backup_file.backup(target)
        finally:
            target.close()
            backup_file.close()
        return
    if shutil.which("pg_restore") is None:
        raise BackupToolMissing(tool="pg_restore")
    result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error",
                             f"--dbname={_libpq_url(url)}", str(source)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupFailed(reason=result.stderr.strip()[-500:])

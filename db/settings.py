"""Key/value rows of the settings table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Setting

MISSING = object()


def get(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return MISSING if row is None else row.value


def all_values(session: Session) -> dict[str, Any]:
    return {row.key: row.value for row in session.scalars(select(Setting))}


def put(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value

"""Reading the audit log (admins only): filter, show, export. Rows are never changed or removed."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from core.csvio import write_table
from core.i18n import t
from db.audit import record
from db.engine import read_session, write_session
from db.models import AuditLog

TOKYO = ZoneInfo("Asia/Tokyo")
COLUMNS = ("at", "actor", "action", "entity", "entity_id", "old_value", "new_value", "details")


@dataclass(frozen=True)
class AuditFilter:
    actions: tuple[str, ...] = ()
    actor: str = ""
    since: dt.datetime | None = None  # naive UTC
    until: dt.datetime | None = None
    limit: int = 1000


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    old_value: str
    new_value: str
    details: str


def actions(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        return sorted(session.scalars(select(AuditLog.action).distinct()))


def entries(engine: Engine, query: AuditFilter) -> list[AuditEntry]:
    """Newest first."""
    statement = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(query.limit)
    if query.actions:
        statement = statement.where(AuditLog.action.in_(query.actions))
    if query.actor.strip():
        statement = statement.where(AuditLog.actor.contains(query.actor.strip().lower()))
    if query.since:
        statement = statement.where(AuditLog.at >= query.since)
    if query.until:
        statement = statement.where(AuditLog.at < query.until)
    with read_session(engine) as session:
        return [
            AuditEntry(row.at, row.actor, row.action, row.entity or "", row.entity_id, row.old_value or "",
                       row.new_value or "", json.dumps(row.details or {}, ensure_ascii=False, sort_keys=True))
            for row in session.scalars(statement)
        ]


def audit_csv(engine: Engine, query: AuditFilter, actor: str, lang: str = "ja") -> bytes:
    """The filtered entries as CSV; the export itself is audited."""
    rows = [
        [e.at.replace(tzinfo=dt.UTC).astimezone(TOKYO).strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.entity,
         e.entity_id if e.entity_id is not None else "", e.old_value, e.new_value, e.details]
        for e in entries(engine, query)
    ]
    with write_session(engine) as session:
        record(session, actor=actor, action="export", entity="audit_log", details={"rows": len(rows)})
    return write_table([t(f"audit.col.{c}", lang) for c in COLUMNS], rows)

"""The append-only audit log: rows are only ever added."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from db.models import AuditLog


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit row."""


ERASURE = "erasure"


@event.listens_for(AuditLog, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    if not connection.info.get(ERASURE):
        raise AuditLogIsAppendOnly(f"audit row {target.id} cannot be changed")


@event.listens_for(AuditLog, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AuditLogIsAppendOnly(f"audit row {target.id} cannot be removed")


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str | None = None,
    entity_id: int | None = None,
    old_value: str | None = None,
    new_value: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditLog(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            old_value=old_value,
            new_value=new_value,
            details=details or {},
        )
    )

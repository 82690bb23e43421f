"""Read-side queries: aggregate figures computed in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, or_, select

from db.engine import read_session
from db.models import Application, Member

OPEN_STATUSES = ("pending", "on_hold")


@dataclass(frozen=True)
class Overview:
    members: int
    new_this_month: int
    waiting: int
    oldest_waiting_since: dt.datetime | None


def overview(engine: Engine, today: dt.date) -> Overview:
    """Current members on `today` (leavers excluded, erased members still counted) and the queue size."""
    month_start = today.replace(day=1)
    current = (Member.joined_on <= today) & or_(Member.left_on.is_(None), Member.left_on > today)
    with read_session(engine) as session:
        members, new = session.execute(
            select(
                func.count().filter(current),
                func.count().filter(Member.joined_on >= month_start, Member.joined_on <= today),
            ).select_from(Member)
        ).one()
        waiting, oldest = session.execute(
            select(func.count(), func.min(Application.submitted_at)).where(Application.status.in_(OPEN_STATUSES))
        ).one()
    return Overview(members, new, waiting, oldest)

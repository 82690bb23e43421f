"""Membership growth counted in SQL: GROUP BY calendar month (Asia/Tokyo) and by member attribute.

Members' joined_on/left_on are local dates already; applications' submitted_at/decided_at are naive
UTC and are shifted by nine hours (Japan has no daylight saving time) before the month is taken.
Only counts leave this module, never a row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, Integer, Interval, Select, cast, extract, func, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement

from db.engine import read_session
from db.models import Application, Member

JST_HOURS = 9
COMPOSITION_COLUMNS = {
    "company": Member.former_company,
    "industry": Member.industry_code,
    "region": Member.region,
}
DECISION_STATUSES = ("approved", "rejected")
NOT_AN_APPLICATION = ("duplicate",)  # the same person applying again is not a new application


@dataclass(frozen=True)
class MonthlyCounts:
    """Counts keyed by month ("YYYY-MM", Asia/Tokyo); months without any are absent."""

    joined: dict[str, int] = field(default_factory=dict)
    left: dict[str, int] = field(default_factory=dict)
    applications: dict[str, int] = field(default_factory=dict)  # by month submitted
    approvals: dict[str, int] = field(default_factory=dict)  # by month decided
    rejections: dict[str, int] = field(default_factory=dict)  # by month decided
    decision_hours: dict[str, dict[int, int]] = field(default_factory=dict)  # month -> {whole hours: decisions}


def _month(column: ColumnElement, dialect: str, shift_hours: int = 0) -> ColumnElement[str]:
    """The calendar month of a date or a naive-UTC datetime as text 'YYYY-MM'."""
    if dialect == "sqlite":
        if shift_hours:
            return func.strftime("%Y-%m", column, f"+{shift_hours} hours")
        return func.strftime("%Y-%m", column)
    if shift_hours:
        column = column + literal_column(f"INTERVAL '{shift_hours} hours'", Interval)
    return func.to_char(column, "YYYY-MM")


def _hours_between(start: ColumnElement, end: ColumnElement, dialect: str) -> ColumnElement[int]:
    if dialect == "sqlite":
        return cast((func.julianday(end) - func.julianday(start)) * 24, Integer)
    return cast(func.floor(extract("epoch", end - start) / 3600), Integer)


def _count_by_month(session, month: ColumnElement[str], *where: ColumnElement[bool]) -> dict[str, int]:
    inner = select(month.label("month")).where(*where).subquery()
    rows = session.execute(select(inner.c.month, func.count()).group_by(inner.c.month))
    return {row[0]: row[1] for row in rows if row[0]}


def monthly_counts(engine: Engine) -> MonthlyCounts:
    """Joins, leaves, applications, approvals, rejections and decision times per month, counted in SQL."""
    dialect = engine.dialect.name
    submitted = _month(Application.submitted_at, dialect, JST_HOURS)
    decided = _month(Application.decided_at, dialect, JST_HOURS)
    with read_session(engine) as session:
        joined = _count_by_month(session, _month(Member.joined_on, dialect))
        left = _count_by_month(session, _month(Member.left_on, dialect), Member.left_on.is_not(None))
        applications = _count_by_month(session, submitted, Application.status.not_in(NOT_AN_APPLICATION))
        decided_as = Application.decided_at.is_not(None)
        approvals = _count_by_month(session, decided, decided_as, Application.status == "approved")
        rejections = _count_by_month(session, decided, decided_as, Application.status == "rejected")
        inner: Select = select(
            decided.label("month"),
            _hours_between(Application.submitted_at, Application.decided_at, dialect).label("hours"),
        ).where(decided_as, Application.status.in_(DECISION_STATUSES))
        durations = inner.subquery()
        hours: dict[str, dict[int, int]] = {}
        for month, spent, count in session.execute(
            select(durations.c.month, durations.c.hours, func.count()).group_by(durations.c.month, durations.c.hours)
        ):
            bucket = hours.setdefault(month, {})
            spent = max(0, int(spent or 0))
            bucket[spent] = bucket.get(spent, 0) + count
    return MonthlyCounts(joined, left, applications, approvals, rejections, hours)


def composition_counts(engine: Engine, by: str, on: dt.date) -> dict[str | None, int]:
    """Members on `on` (joined, not yet left; erased members included) per value of one attribute.

    `by` is 'company' (former group company), 'industry' (the stored JSIC code) or 'region'.
    Raises KeyError for another `by`.
    """
    column = COMPOSITION_COLUMNS[by]
    current = (Member.joined_on <= on) & or_(Member.left_on.is_(None), Member.left_on > on)
    with read_session(engine) as session:
        rows = session.execute(select(column, func.count()).where(current).group_by(column))
        return {value: count for value, count in rows}

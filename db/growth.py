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


# The same text as the SQLite indexes of migration 0007: SQLite uses an index on an expression only
# for exactly that expression, so these are literal SQL, not built with bound parameters.
SQLITE_SUBMITTED_MONTH = "strftime('%Y-%m', submitted_at, '+9 hours')"
SQLITE_DECIDED_MONTH = "strftime('%Y-%m', decided_at, '+9 hours')"
SQLITE_DECISION_HOURS = "CAST((julianday(decided_at) - julianday(submitted_at)) * 24 AS INTEGER)"


def _application_months(dialect: str) -> tuple[ColumnElement[str], ColumnElement[str], ColumnElement[int]]:
    """(month submitted, month decided, whole hours to the decision) of an application, Japan time."""
    if dialect == "sqlite":
        return (literal_column(SQLITE_SUBMITTED_MONTH), literal_column(SQLITE_DECIDED_MONTH),
                literal_column(SQLITE_DECISION_HOURS))
    shift = literal_column(f"INTERVAL '{JST_HOURS} hours'", Interval)
    return (func.to_char(Application.submitted_at + shift, "YYYY-MM"),
            func.to_char(Application.decided_at + shift, "YYYY-MM"),
            cast(func.floor(extract("epoch", Application.decided_at - Application.submitted_at) / 3600), Integer))


def _by_month(rows) -> dict[str, int]:
    """Counts per day (a date column grouped in SQL, which reads its index alone) summed per month."""
    months: dict[str, int] = {}
    for day, count in rows:
        if day is not None:
            month = day.strftime("%Y-%m") if isinstance(day, dt.date) else str(day)[:7]
            months[month] = months.get(month, 0) + count
    return months


def application_queries(dialect: str) -> tuple[Select, Select]:
    """(applications per month submitted and status; decisions per month decided, status and whole hours)."""
    submitted, decided, hours_taken = _application_months(dialect)
    return (select(submitted, Application.status, func.count()).select_from(Application)
            .group_by(submitted, Application.status),
            select(decided, Application.status, hours_taken, func.count()).select_from(Application)
            .where(decided.is_not(None)).group_by(decided, Application.status, hours_taken))


def monthly_counts(engine: Engine) -> MonthlyCounts:
    """Joins, leaves, applications, approvals, rejections and decision times per month, counted in SQL."""
    by_submission, by_decision = application_queries(engine.dialect.name)
    with read_session(engine) as session:
        joined = _by_month(session.execute(select(Member.joined_on, func.count()).group_by(Member.joined_on)))
        left = _by_month(session.execute(select(Member.left_on, func.count()).where(Member.left_on.is_not(None))
                                         .group_by(Member.left_on)))
        applications: dict[str, int] = {}
        for month, status, count in session.execute(by_submission):
            if month and status not in NOT_AN_APPLICATION:
                applications[month] = applications.get(month, 0) + count
        approvals: dict[str, int] = {}
        rejections: dict[str, int] = {}
        hours: dict[str, dict[int, int]] = {}
        for month, status, spent, count in session.execute(by_decision):
            if status not in DECISION_STATUSES:
                continue
            tally = approvals if status == "approved" else rejections
            tally[month] = tally.get(month, 0) + count
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

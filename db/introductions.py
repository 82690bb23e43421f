"""Queries over introductions: the log with both members' names, outcome counts, new members of a month."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Introduction, Member

A, B = aliased(Member), aliased(Member)


def log_rows(session: Session, statuses: tuple[str, ...] = (), member_id: int | None = None, limit: int = 500):
    """(introduction, member A, member B) rows, newest proposal first."""
    query = (select(Introduction, A, B).join(A, A.id == Introduction.member_a_id)
             .join(B, B.id == Introduction.member_b_id))
    if statuses:
        query = query.where(Introduction.status.in_(statuses))
    if member_id is not None:
        query = query.where(or_(Introduction.member_a_id == member_id, Introduction.member_b_id == member_id))
    return list(session.execute(query.order_by(Introduction.proposed_at.desc(), Introduction.id.desc())
                                .limit(limit)))


def pair_exists(session: Session, a: int, b: int) -> bool:
    return session.scalar(select(Introduction.id).where(Introduction.member_a_id == a,
                                                        Introduction.member_b_id == b)) is not None


def pairs_among(session: Session, member_ids: list[int]) -> set[tuple[int, int]]:
    """Every (member_a_id, member_b_id) already recorded between two of `member_ids`."""
    ids = sorted(set(member_ids))
    rows = session.execute(select(Introduction.member_a_id, Introduction.member_b_id)
                           .where(Introduction.member_a_id.in_(ids), Introduction.member_b_id.in_(ids)))
    return {(a, b) for a, b in rows}


def counts_by_need(session: Session) -> list[tuple[str | None, str, str | None, int]]:
    """(need tag, status, outcome, count) over every introduction."""
    query = (select(Introduction.need_tag, Introduction.status, Introduction.outcome, func.count())
             .group_by(Introduction.need_tag, Introduction.status, Introduction.outcome))
    return [tuple(row) for row in session.execute(query)]


def outcome_counts(session: Session) -> dict[str | None, int]:
    """Closed introductions per outcome, and (under None) those that reached a meeting."""
    counts = {outcome: n for outcome, n in session.execute(
        select(Introduction.outcome, func.count()).where(Introduction.status == "closed")
        .group_by(Introduction.outcome))}
    counts[None] = session.scalar(select(func.count()).where(Introduction.met_at.is_not(None))) or 0
    return counts


def joined_between(session: Session, first: dt.date, last: dt.date) -> list[Member]:
    """Members who joined between the two days, agreed to be introduced, and have not left or been erased."""
    return list(session.scalars(
        select(Member).where(Member.joined_on >= first, Member.joined_on <= last,
                             Member.introduction_opt_in.is_(True), Member.erased.is_(False),
                             Member.left_on.is_(None))
        .order_by(Member.joined_on, Member.id)))

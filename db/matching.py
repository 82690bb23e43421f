"""Read-side queries for matching: the members who may be suggested, past introductions, a data version."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from sqlalchemy import Engine, String, func, or_, select, type_coerce

from db.engine import read_session
from db.models import Introduction, Member

PROFILE_COLUMNS = (
    Member.id, Member.full_name, Member.email, Member.industry_code, Member.region, Member.former_company,
    Member.current_employer, type_coerce(Member.needs, String), type_coerce(Member.offers, String),
)  # needs and offers as JSON text: the few distinct lists are decoded once each (see eligible_profiles)


def _eligible(today: dt.date):
    return (
        Member.matching_opt_in.is_(True)
        & Member.erased.is_(False)
        & (Member.joined_on <= today)
        & or_(Member.left_on.is_(None), Member.left_on > today)
    )


def data_version(engine: Engine) -> tuple[Any, ...]:
    """Changes whenever a member is added or changed (updated_at) or an introduction is added.

    Members and introductions are never deleted; each part is an index lookup, not a scan.
    """
    with read_session(engine) as session:
        return tuple(session.execute(select(
            select(func.max(Member.id)).scalar_subquery(),
            select(func.max(Member.updated_at)).scalar_subquery(),
            select(func.max(Introduction.id)).scalar_subquery(),
        )).one())


def eligible_profiles(engine: Engine, today: dt.date) -> list[tuple]:
    """(id, name, email, industry, region, former company, employer, needs, offers) of every member who
    opted in to matching, has joined, has not left and was not erased, by id."""
    decoded = functools.cache(lambda raw: tuple(json.loads(raw) or ()))

    def tags(raw: str | list | None) -> tuple[str, ...]:  # SQLite gives the text; PostgreSQL's driver the list
        return decoded(raw) if isinstance(raw, str) else tuple(raw or ())

    with read_session(engine) as session:
        return [(*row[:7], tags(row[7]), tags(row[8])) for row in session.execute(
            select(*PROFILE_COLUMNS).where(_eligible(today)).order_by(Member.id))]


def introduced_pairs(engine: Engine) -> list[tuple[int, int]]:
    """Every (member_a_id, member_b_id) ever introduced or paired, whatever the status."""
    with read_session(engine) as session:
        return [tuple(row) for row in session.execute(select(Introduction.member_a_id, Introduction.member_b_id))]


def proposals_since(engine: Engine, since: dt.datetime) -> dict[int, int]:
    """Member id -> how many introductions proposed since `since` include them (seatings at an event are
    not counted: everyone there meets the same number of people)."""
    counts: dict[int, int] = {}
    with read_session(engine) as session:
        for column in (Introduction.member_a_id, Introduction.member_b_id):
            for member_id, count in session.execute(
                select(column, func.count())
                .where(Introduction.proposed_at >= since, Introduction.event_id.is_(None)).group_by(column)
            ):
                counts[member_id] = counts.get(member_id, 0) + count
    return counts


def member_id_for(engine: Engine, key: str, normalized_email: str) -> int | None:
    """The id of the member named by an id or an e-mail (normalized), erased members included."""
    with read_session(engine) as session:
        if key.strip().isdigit():
            return session.scalar(select(Member.id).where(Member.id == int(key.strip())))
        return session.scalar(select(Member.id).where(Member.email_normalized == normalized_email))


def ids_by_email(engine: Engine, normalized_emails: list[str]) -> dict[str, int]:
    """Normalized e-mail -> member id for the e-mails that belong to a member (erased ones left out)."""
    with read_session(engine) as session:
        found = session.execute(select(Member.email_normalized, Member.id)
                                .where(Member.email_normalized.in_(normalized_emails), Member.erased.is_(False)))
        return {email: member_id for email, member_id in found}

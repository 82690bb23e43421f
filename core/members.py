"""Members: search, profile edits and leaving (organizers only; every change is audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, or_, select

from core import vocab
from core.errors import DomainError
from core.normalize import normalize_email, normalize_name
from db.audit import record
from db.engine import read_session, write_session
from db.models import Member

EDITABLE = ("full_name", "name_kana", "current_employer", "industry_code", "region", "needs", "offers",
            "matching_opt_in", "introduction_opt_in")


class MemberNotFound(DomainError):
    key = "members.not_found"


class InvalidLeaveDate(DomainError):
    key = "members.bad_leave_date"


class NameRequired(DomainError):
    key = "members.name_required"


@dataclass(frozen=True)
class MemberView:
    id: int
    email: str
    full_name: str
    name_kana: str
    joined_on: dt.date
    left_on: dt.date | None
    former_company: str
    current_employer: str
    industry_code: str
    region: str
    needs: tuple[str, ...]
    offers: tuple[str, ...]
    matching_opt_in: bool
    introduction_opt_in: bool


def _view(m: Member) -> MemberView:
    return MemberView(
        m.id, m.email, m.full_name, m.name_kana or "", m.joined_on, m.left_on, m.former_company or "",
        m.current_employer or "", m.industry_code or "", m.region or "", tuple(m.needs or ()), tuple(m.offers or ()),
        m.matching_opt_in, m.introduction_opt_in,
    )


def search(engine: Engine, text: str = "", include_left: bool = False, limit: int = 200) -> list[MemberView]:
    """Members whose name, kana, e-mail or employer contains `text`; erased members never appear."""
    query = select(Member).where(Member.erased.is_(False))
    if not include_left:
        query = query.where(Member.left_on.is_(None))
    if text.strip():
        query = query.where(
            or_(
                Member.name_normalized.contains(normalize_name(text)),
                Member.email_normalized.contains(normalize_email(text)),
                Member.current_employer.contains(text.strip()),
                Member.former_company.contains(text.strip()),
            )
        )
    with read_session(engine) as session:
        rows = session.scalars(query.order_by(Member.joined_on.desc(), Member.id.desc()).limit(limit))
        return [_view(m) for m in rows]


def get(engine: Engine, member_id: int) -> MemberView:
    """Raises MemberNotFound."""
    with read_session(engine) as session:
        member = session.get(Member, member_id)
        if member is None or member.erased:
            raise MemberNotFound(id=member_id)
        return _view(member)


def update_profile(engine: Engine, member_id: int, changes: dict, actor: str) -> MemberView:
    """Change editable profile fields; unknown vocabulary tags are dropped. Raises MemberNotFound, NameRequired."""
    changes = {key: value for key, value in changes.items() if key in EDITABLE}
    if "full_name" in changes and not str(changes["full_name"]).strip():
        raise NameRequired()
    for key, allowed in (("needs", vocab.need_tags()), ("offers", vocab.offer_tags())):
        if key in changes:
            changes[key] = [tag for tag in changes[key] if tag in allowed]
    with write_session(engine) as session:
        member = session.get(Member, member_id)
        if member is None or member.erased:
            raise MemberNotFound(id=member_id)
        changed = [key for key, value in changes.items() if getattr(member, key) != value]
        for key in changed:
            setattr(member, key, changes[key])
        if "full_name" in changed:
            member.name_normalized = normalize_name(member.full_name)
        if changed:
            record(session, actor=actor, action="member_updated", entity="member", entity_id=member.id,
                   details={"fields": changed})
        return _view(member)


def mark_left(engine: Engine, member_id: int, left_on: dt.date | None, actor: str) -> MemberView:
    """Record that a member left on `left_on` (None: rejoined). Raises InvalidLeaveDate before the join date."""
    with write_session(engine) as session:
        member = session.get(Member, member_id)
        if member is None or member.erased:
            raise MemberNotFound(id=member_id)
        if left_on is not None and left_on < member.joined_on:
            raise InvalidLeaveDate(joined=member.joined_on.isoformat())
        member.left_on = left_on
        record(session, actor=actor, action="member_left" if left_on else "member_rejoined", entity="member",
               entity_id=member.id, details={"left_on": left_on.isoformat() if left_on else None})
        return _view(member)


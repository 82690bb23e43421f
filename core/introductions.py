"""Introductions: recording a pair, moving it along proposed → introduced → met → outcome, and what came of it.

Every change is audited; updates use the version column (optimistic locking) so two organizers
never overwrite each other. Also the new-member introductions (メンバー紹介) of a month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core import vocab
from core.csvio import write_table
from core.errors import DomainError
from core.i18n import t
from core.matching import MemberNotMatchable, today_in_japan
from core.privacy import GroupCount, suppress_value
from db import introductions as repo
from db.audit import record
from db.engine import read_session, write_session
from db.models import INTRODUCTION_OUTCOMES, INTRODUCTION_STATUSES, Introduction, Member, utcnow

STEP_TIME = {"introduced": "introduced_at", "met": "met_at", "closed": "outcome_at"}


class IntroductionNotFound(DomainError):
    key = "introductions.not_found"


class AlreadyIntroduced(DomainError):
    key = "introductions.already"


class SameMember(DomainError):
    key = "introductions.same_member"


class IntroductionConflict(DomainError):
    key = "introductions.conflict"


class StepBackwards(DomainError):
    key = "introductions.backwards"


class OutcomeRequired(DomainError):
    key = "introductions.outcome_required"


@dataclass(frozen=True)
class IntroductionView:
    id: int
    version: int
    member_a_id: int
    name_a: str
    email_a: str
    member_b_id: int
    name_b: str
    email_b: str
    status: str
    outcome: str | None
    need_tag: str | None
    reason: str
    introduced_by: str
    proposed_at: dt.datetime
    introduced_at: dt.datetime | None
    met_at: dt.datetime | None
    outcome_at: dt.datetime | None
    event_round: int | None


def _view(i: Introduction, a: Member, b: Member) -> IntroductionView:
    return IntroductionView(
        i.id, i.version, a.id, a.full_name, a.email, b.id, b.full_name, b.email, i.status, i.outcome, i.need_tag,
        i.reason or "", i.introduced_by or "", i.proposed_at, i.introduced_at, i.met_at, i.outcome_at, i.event_round,
    )


def _matchable(member: Member | None, today: dt.date) -> bool:
    return (member is not None and member.matching_opt_in and not member.erased and member.joined_on <= today
            and (member.left_on is None or member.left_on > today))


def propose(engine: Engine, member_id: int, other_id: int, actor: str, *, need_tag: str | None = None,
            reason: str = "", event_round: int | None = None, today: dt.date | None = None) -> IntroductionView:
    """Record that two members should meet (status proposed).

    Raises SameMember, MemberNotMatchable (not opted in, left or erased) and AlreadyIntroduced.
    """
    if member_id == other_id:
        raise SameMember()
    today = today or today_in_japan()
    a_id, b_id = sorted((member_id, other_id))
    try:
        with write_session(engine) as session:
            a, b = session.get(Member, a_id), session.get(Member, b_id)
            for member, wanted in ((a, a_id), (b, b_id)):
                if not _matchable(member, today):
                    raise MemberNotMatchable(id=wanted)
            if repo.pair_exists(session, a_id, b_id):
                raise AlreadyIntroduced(a=a.full_name, b=b.full_name)
            introduction = Introduction(member_a_id=a_id, member_b_id=b_id, status="proposed",
                                        need_tag=need_tag if need_tag in vocab.need_tags() else None,
                                        reason=reason.strip() or None, introduced_by=actor, event_round=event_round,
                                        proposed_at=utcnow())
            session.add(introduction)
            session.flush()
            record(session, actor=actor, action="introduction_proposed", entity="introduction",
                   entity_id=introduction.id, new_value="proposed",
                   details={"member_a_id": a_id, "member_b_id": b_id, "need_tag": introduction.need_tag})
            return _view(introduction, a, b)
    except IntegrityError:
        raise AlreadyIntroduced(a=str(a_id), b=str(b_id)) from None


def advance(engine: Engine, introduction_id: int, expected_version: int, status: str, actor: str, *,
            outcome: str | None = None, now: dt.datetime | None = None) -> IntroductionView:
    """Move an introduction to `status` (never backwards); "closed" needs an outcome.

    Raises IntroductionNotFound, StepBackwards, OutcomeRequired, and IntroductionConflict when someone
    changed it since `expected_version` was shown (nothing is overwritten).
    """
    if status not in INTRODUCTION_STATUSES:
        raise ValueError(f"unknown introduction status: {status!r}")
    if status == "closed" and outcome not in INTRODUCTION_OUTCOMES:
        raise OutcomeRequired()
    now = now or utcnow()
    try:
        with write_session(engine) as session:
            introduction = session.get(Introduction, introduction_id)
            if introduction is None:
                raise IntroductionNotFound(id=introduction_id)
            if introduction.version != expected_version:
                raise IntroductionConflict(intro_status=introduction.status, id=introduction_id)
            old = introduction.status
            if INTRODUCTION_STATUSES.index(status) < INTRODUCTION_STATUSES.index(old):
                raise StepBackwards(intro_status=old)
            introduction.status = status
            introduction.outcome = outcome if status == "closed" else None
            column = STEP_TIME.get(status)
            if column and getattr(introduction, column) is None:
                setattr(introduction, column, now)
            session.flush()
            record(session, actor=actor, action="introduction_updated", entity="introduction",
                   entity_id=introduction.id, old_value=old, new_value=status, details={"outcome": outcome})
            a, b = session.get(Member, introduction.member_a_id), session.get(Member, introduction.member_b_id)
            return _view(introduction, a, b)
    except StaleDataError:
        with read_session(engine) as session:
            current = session.get(Introduction, introduction_id)
            raise IntroductionConflict(intro_status=current.status, id=introduction_id) from None


def log(engine: Engine, statuses: tuple[str, ...] = (), member_id: int | None = None,
        limit: int = 500) -> list[IntroductionView]:
    """Introductions, newest first (at most `limit`)."""
    with read_session(engine) as session:
        return [_view(i, a, b) for i, a, b in repo.log_rows(session, statuses, member_id, limit)]


@dataclass(frozen=True)
class NeedOutcomes:
    need_tag: str | None  # None: recorded without a need
    total: int
    met: int  # reached a meeting (met or closed with an outcome other than no fit)
    deal: int
    hire: int
    partnership: int
    no_fit: int
    open: int  # not closed yet


def outcomes_by_need(engine: Engine) -> list[NeedOutcomes]:
    """Per need type: how many introductions, how far they got and what came of them, most first."""
    with read_session(engine) as session:
        rows = repo.counts_by_need(session)
    table: dict[str | None, dict[str, int]] = {}
    for need, status, outcome, count in rows:
        cell = table.setdefault(need, dict.fromkeys(("total", "met", "open", *INTRODUCTION_OUTCOMES), 0))
        cell["total"] += count
        if status == "closed" and outcome in INTRODUCTION_OUTCOMES:
            cell[outcome] += count
        else:
            cell["open"] += count
        if status == "met" or (status == "closed" and outcome != "no_fit"):
            cell["met"] += count
    order = {tag: i for i, tag in enumerate(vocab.need_tags())}
    return [NeedOutcomes(need, c["total"], c["met"], c["deal"], c["hire"], c["partnership"], c["no_fit"], c["open"])
            for need, c in sorted(table.items(), key=lambda item: (-item[1]["total"], order.get(item[0], 99)))]


def liaison_outcomes(engine: Engine, k: int) -> list[tuple[str, GroupCount]]:
    """What introductions led to, for the company liaison: counts 1..k-1 are hidden (core.privacy)."""
    with read_session(engine) as session:
        counts = repo.outcome_counts(session)
    shown = [("met", counts.get(None, 0))] + [(o, counts.get(o, 0)) for o in INTRODUCTION_OUTCOMES]
    return [(name, suppress_value(count, k)) for name, count in shown]


# ---- new-member introductions (メンバー紹介) ----------------------------------------------------

@dataclass(frozen=True)
class NewMember:
    name: str
    joined_on: dt.date
    industry_code: str
    region: str
    needs: tuple[str, ...]
    offers: tuple[str, ...]


def new_members(engine: Engine, month: dt.date) -> list[NewMember]:
    """Members who joined in the month of `month` and agreed to be introduced (not left, not erased)."""
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    with read_session(engine) as session:
        return [NewMember(m.full_name, m.joined_on, m.industry_code or "", m.region or "", tuple(m.needs or ()),
                          tuple(m.offers or ())) for m in repo.joined_between(session, first, last)]


def _tags(tags: tuple[str, ...], lang: str) -> str:
    return ("、" if lang == "ja" else ", ").join(vocab.tag_label(tag, lang) for tag in tags)


def new_members_text(members: list[NewMember], month: dt.date, network: str, lang: str = "ja") -> str:
    """A ready-to-post text introducing the month's new members."""
    blank = t("newmembers.blank", lang)
    lines = [t("newmembers.heading", lang, network=network, year=month.year, month=month.month,
               count=len(members)), ""]
    for m in members:
        lines.append(t("newmembers.name", lang, name=m.name))
        lines.append(t("newmembers.industry", lang, industry=vocab.label("industry", m.industry_code, lang) or blank,
                       region=vocab.label("region", m.region, lang) or blank))
        lines.append(t("newmembers.offers", lang, offers=_tags(m.offers, lang) or blank))
        lines.append(t("newmembers.needs", lang, needs=_tags(m.needs, lang) or blank))
        lines.append("")
    lines.append(t("newmembers.closing", lang))
    return "\n".join(lines)


NEW_MEMBER_COLUMNS = ("full_name", "joined_on", "industry", "region", "offers", "needs")


def new_members_csv(engine: Engine, month: dt.date, actor: str, lang: str = "ja") -> bytes:
    """The month's new members who agreed to be introduced, as CSV; the export is audited."""
    members = new_members(engine, month)
    rows = [[m.name, m.joined_on.isoformat(), vocab.label("industry", m.industry_code, lang),
             vocab.label("region", m.region, lang), _tags(m.offers, lang), _tags(m.needs, lang)] for m in members]
    with write_session(engine) as session:
        record(session, actor=actor, action="export", entity="new_members",
               details={"rows": len(rows), "month": month.strftime("%Y-%m")})
    return write_table([t(f"field.{c}", lang) for c in NEW_MEMBER_COLUMNS], rows)

"""Queries on applications, their answers, and the members they are checked against."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core.normalize import normalize_email, normalize_name
from core.screening import ScreeningFacts
from db.models import Application, ApplicationAnswer, AuditLog, Member, ScreeningQuestion


@dataclass(frozen=True)
class QueueFilter:
    statuses: tuple[str, ...] = ("pending", "on_hold")
    sources: tuple[str, ...] = ()
    company: str = ""
    submitted_from: dt.datetime | None = None
    submitted_to: dt.datetime | None = None
    search: str = ""
    limit: int = 500


def find_applications(session: Session, query: QueueFilter) -> list[Application]:
    """Open applications first (pending, then on hold), oldest first."""
    conditions = [Application.status.in_(query.statuses)] if query.statuses else []
    if query.sources:
        conditions.append(Application.source.in_(query.sources))
    if query.company.strip():
        conditions.append(Application.former_company.contains(query.company.strip()))
    if query.submitted_from:
        conditions.append(Application.submitted_at >= query.submitted_from)
    if query.submitted_to:
        conditions.append(Application.submitted_at < query.submitted_to)
    if query.search.strip():
        email, name = normalize_email(query.search), normalize_name(query.search)
        conditions.append(or_(Application.email_normalized.contains(email), Application.name_normalized.contains(name)))
    order = [
        (Application.status == "pending").desc(),
        (Application.status == "on_hold").desc(),
        Application.submitted_at,
        Application.id,
    ]
    return list(session.scalars(select(Application).where(and_(*conditions)).order_by(*order).limit(query.limit)))


def screening_facts(
    session: Session, applications: Sequence[Application], eligible: Sequence[str]
) -> dict[int, ScreeningFacts]:
    """The facts the screening rules need, for many applications in a few queries."""
    if not applications:
        return {}
    ids = [a.id for a in applications]
    required = dict(
        session.execute(
            select(ScreeningQuestion.id, ScreeningQuestion.text).where(
                ScreeningQuestion.required.is_(True), ScreeningQuestion.is_active.is_(True)
            )
        ).all()
    )
    answered: dict[int, set[int]] = {}
    for application_id, question_id, answer in session.execute(
        select(ApplicationAnswer.application_id, ApplicationAnswer.question_id, ApplicationAnswer.answer).where(
            ApplicationAnswer.application_id.in_(ids)
        )
    ):
        if (answer or "").strip():
            answered.setdefault(application_id, set()).add(question_id)
    emails = {a.email_normalized for a in applications}
    names = {a.name_normalized for a in applications if a.name_normalized}
    referrers = {a.id: (normalize_email(a.referrer or ""), normalize_name(a.referrer or "")) for a in applications}
    referrer_keys = {key for pair in referrers.values() for key in pair if key}
    member_emails, member_names = set(), set()
    for email, name in session.execute(
        select(Member.email_normalized, Member.name_normalized).where(
            Member.erased.is_(False),
            or_(
                Member.email_normalized.in_(emails | referrer_keys),
                Member.name_normalized.in_(names | referrer_keys),
            ),
        )
    ):
        member_emails.add(email)
        member_names.add(name)
    other_apps: dict[str, set[int]] = {}
    other_names: dict[str, set[int]] = {}
    for other_id, email, name in session.execute(
        select(Application.id, Application.email_normalized, Application.name_normalized).where(
            or_(Application.email_normalized.in_(emails), Application.name_normalized.in_(names))
        )
    ):
        other_apps.setdefault(email, set()).add(other_id)
        other_names.setdefault(name, set()).add(other_id)
    facts = {}
    for a in applications:
        hints = []
        if a.email_normalized in member_emails:
            hints.append("member_email")
        elif a.name_normalized in member_names:
            hints.append("member_name")
        if other_apps.get(a.email_normalized, set()) - {a.id}:
            hints.append("application_email")
        elif other_names.get(a.name_normalized, set()) - {a.id}:
            hints.append("application_name")
        referrer_email, referrer_name = referrers[a.id]
        facts[a.id] = ScreeningFacts(
            former_company=a.former_company,
            currently_working=a.currently_working,
            consented=a.consent_at is not None,
            unanswered_required=tuple(
                text for qid, text in required.items() if qid not in answered.get(a.id, set())
            ),
            duplicate_hints=tuple(hints),
            referred_by_member=bool(
                (referrer_email and referrer_email in member_emails)
                or (referrer_name and referrer_name in member_names)
            ),
            eligible_companies=tuple(eligible),
        )
    return facts


def answers_of(session: Session, application_id: int) -> list[tuple[str, str, bool]]:
    """(question text, answer, required) for every active question, in order."""
    rows = session.execute(
        select(ScreeningQuestion.text, ApplicationAnswer.answer, ScreeningQuestion.required)
        .outerjoin(
            ApplicationAnswer,
            and_(
                ApplicationAnswer.question_id == ScreeningQuestion.id,
                ApplicationAnswer.application_id == application_id,
            ),
        )
        .where(ScreeningQuestion.is_active.is_(True))
        .order_by(ScreeningQuestion.position, ScreeningQuestion.id)
    )
    return [(text, answer or "", required) for text, answer, required in rows]


def related_applications(session: Session, application: Application) -> list[Application]:
    """The same person's other applications (same normalised e-mail or name)."""
    return list(
        session.scalars(
            select(Application)
            .where(
                Application.id != application.id,
                or_(
                    Application.email_normalized == application.email_normalized,
                    Application.name_normalized == application.name_normalized,
                ),
            )
            .order_by(Application.submitted_at)
        )
    )


def matching_members(session: Session, application: Application) -> list[Member]:
    return list(
        session.scalars(
            select(Member).where(
                Member.erased.is_(False),
                or_(
                    Member.email_normalized == application.email_normalized,
                    Member.name_normalized == application.name_normalized,
                ),
            )
        )
    )


def history(session: Session, application_id: int) -> list[AuditLog]:
    return list(
        session.scalars(
            select(AuditLog)
            .where(AuditLog.entity == "application", AuditLog.entity_id == application_id)
            .order_by(AuditLog.at, AuditLog.id)
        )
    )


def existing_source_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        found.update(session.scalars(select(Application.source_key).where(Application.source_key.in_(chunk))))
    return found


def waiting_figures(session: Session, month_start_utc: dt.datetime, since_utc: dt.datetime):
    """(open count, oldest open submitted_at, decision delays in days since `since_utc`, approvals this month)."""
    open_count, oldest = session.execute(
        select(func.count(), func.min(Application.submitted_at)).where(
            Application.status.in_(("pending", "on_hold"))
        )
    ).one()
    delays = [
        (decided - submitted).total_seconds() / 86400
        for submitted, decided in session.execute(
            select(Application.submitted_at, Application.decided_at).where(
                Application.decided_at >= since_utc, Application.status.in_(("approved", "rejected", "duplicate"))
            )
        )
    ]
    approvals = session.scalar(
        select(func.count()).where(Application.status == "approved", Application.decided_at >= month_start_utc)
    )
    return open_count, oldest, delays, approvals

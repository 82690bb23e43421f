"""Reviewing applications: the queue, one application in detail, and decisions (single and batch)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.errors import DomainError
from core.normalize import normalize_email
from core.screening import (
    STATUS_AFTER,
    AlreadyAMember,
    ApplicationNotFound,
    DecisionConflict,
    check_decision,
    flags,
)
from core.settings import get_setting
from db import applications as repo
from db.audit import record
from db.engine import read_session, write_session
from db.models import Application, Member, utcnow

TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class QueueItem:
    id: int
    version: int
    submitted_at: dt.datetime
    days_waiting: int
    status: str
    source: str
    full_name: str
    email: str
    former_company: str
    current_employer: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QueueFigures:
    waiting: int
    oldest_days: int | None
    median_days_to_decision: float | None
    approvals_this_month: int


@dataclass(frozen=True)
class Detail:
    item: QueueItem
    fields: dict[str, str]
    answers: list[tuple[str, str, bool]]
    related: list[QueueItem]
    members: list[tuple[int, str, str]]  # (id, name, e-mail) of members who may be the same person
    history: list[tuple[dt.datetime, str, str, str | None, str | None, str]]  # at, actor, action, old, new, reason


@dataclass(frozen=True)
class BatchResult:
    approved: list[int]
    skipped: list[tuple[int, DomainError]]


def _eligible(engine: Engine) -> list[str]:
    return list(get_setting(engine, "eligible_companies"))


def _item(application: Application, found_flags: list[str], now: dt.datetime) -> QueueItem:
    return QueueItem(
        id=application.id,
        version=application.version,
        submitted_at=application.submitted_at,
        days_waiting=max(0, (now - application.submitted_at).days),
        status=application.status,
        source=application.source,
        full_name=application.full_name,
        email=application.email,
        former_company=application.former_company or "",
        current_employer=application.current_employer or "",
        flags=tuple(found_flags),
    )


def queue(engine: Engine, query: repo.QueueFilter, now: dt.datetime | None = None) -> list[QueueItem]:
    now = now or utcnow()
    eligible = _eligible(engine)
    with read_session(engine) as session:
        found = repo.find_applications(session, query)
        facts = repo.screening_facts(session, found, eligible)
        return [_item(a, flags(facts[a.id]), now) for a in found]


def figures(engine: Engine, now: dt.datetime | None = None) -> QueueFigures:
    now = now or utcnow()
    local = now.replace(tzinfo=dt.UTC).astimezone(TOKYO)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)
    with read_session(engine) as session:
        waiting, oldest, delays, approvals = repo.waiting_figures(
            session, month_start.replace(tzinfo=None), now - dt.timedelta(days=90)
        )
    return QueueFigures(
        waiting=waiting,
        oldest_days=(now - oldest).days if oldest else None,
        median_days_to_decision=round(statistics.median(delays), 1) if delays else None,
        approvals_this_month=approvals,
    )


def detail(engine: Engine, application_id: int, now: dt.datetime | None = None) -> Detail:
    """Raises ApplicationNotFound."""
    now = now or utcnow()
    eligible = _eligible(engine)
    with read_session(engine) as session:
        application = session.get(Application, application_id)
        if application is None:
            raise ApplicationNotFound(id=application_id)
        related = repo.related_applications(session, application)
        facts = repo.screening_facts(session, [application, *related], eligible)
        fields = {
            "email": application.email,
            "full_name": application.full_name,
            "name_kana": application.name_kana or "",
            "former_company": application.former_company or "",
            "former_division": application.former_division or "",
            "currently_working": {True: "yes", False: "no", None: ""}[application.currently_working],
            "current_employer": application.current_employer or "",
            "industry": application.industry_code or "",
            "region": application.region or "",
            "referrer": application.referrer or "",
            "needs": ", ".join(application.needs or []),
            "offers": ", ".join(application.offers or []),
            "consent": "yes" if application.consent_at else "no",
            "decision_reason": application.decision_reason or "",
            "override_reason": application.override_reason or "",
        }
        return Detail(
            item=_item(application, flags(facts[application.id]), now),
            fields=fields,
            answers=repo.answers_of(session, application.id),
            related=[_item(a, flags(facts[a.id]), now) for a in related],
            members=[(m.id, m.full_name, m.email) for m in repo.matching_members(session, application)],
            history=[
                (row.at, row.actor, row.action, row.old_value, row.new_value, str(row.details.get("reason") or ""))
                for row in repo.history(session, application.id)
            ],
        )


def _member_from(application: Application, joined_on: dt.date) -> Member:
    return Member(
        email=application.email.strip(),
        email_normalized=application.email_normalized,
        full_name=application.full_name,
        name_kana=application.name_kana,
        name_normalized=application.name_normalized,
        joined_on=joined_on,
        former_company=application.former_company,
        current_employer=application.current_employer,
        industry_code=application.industry_code,
        region=application.region,
        needs=list(application.needs or []),
        offers=list(application.offers or []),
        matching_opt_in=bool(application.needs or application.offers),
    )


def _who_decided(engine: Engine, application_id: int) -> DecisionConflict:
    with read_session(engine) as session:
        application = session.get(Application, application_id)
        return DecisionConflict(
            by=application.decided_by or "-", status=application.status, id=application_id
        )


def decide(
    engine: Engine,
    application_id: int,
    expected_version: int,
    decision: str,
    actor: str,
    *,
    category: str | None = None,
    note: str | None = None,
    override_reason: str | None = None,
    duplicate_of_application_id: int | None = None,
    duplicate_of_member_id: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Record one decision and return the new status.

    Raises DecisionConflict when the application changed since `expected_version` was shown
    (nothing is overwritten), and the screening errors of core.screening.check_decision.
    Approving creates exactly one member; AlreadyAMember if the e-mail already belongs to one.
    """
    now = now or utcnow()
    eligible = _eligible(engine)
    try:
        with write_session(engine) as session:
            application = session.get(Application, application_id)
            if application is None:
                raise ApplicationNotFound(id=application_id)
            if application.version != expected_version:
                raise DecisionConflict(by=application.decided_by or "-", status=application.status, id=application_id)
            facts = repo.screening_facts(session, [application], eligible)[application.id]
            check_decision(
                decision,
                application.status,
                flags(facts),
                category=category,
                note=note,
                override_reason=override_reason,
                duplicate_target=bool(duplicate_of_application_id or duplicate_of_member_id),
            )
            old_status = application.status
            new_status = STATUS_AFTER[decision]
            if decision == "approve":
                email = normalize_email(application.email)
                if session.scalar(select(Member.id).where(Member.email_normalized == email)) is not None:
                    raise AlreadyAMember(email=application.email)
                member = _member_from(application, now.replace(tzinfo=dt.UTC).astimezone(TOKYO).date())
                session.add(member)
                session.flush()
                application.member_id = member.id
                application.override_reason = (override_reason or "").strip() or None
            if decision == "duplicate":
                application.duplicate_of_application_id = duplicate_of_application_id
                application.duplicate_of_member_id = duplicate_of_member_id
            application.status = new_status
            application.decided_by = actor
            application.decided_at = now
            application.decision_category = category if decision == "reject" else None
            application.decision_reason = (note or "").strip() or None
            session.flush()
            record(
                session,
                actor=actor,
                action="decision",
                entity="application",
                entity_id=application.id,
                old_value=old_status,
                new_value=new_status,
                details={
                    "reason": (note or "").strip(),
                    "category": category,
                    "override_reason": (override_reason or "").strip() or None,
                    "member_id": application.member_id,
                },
            )
    except StaleDataError:
        raise _who_decided(engine, application_id) from None
    except IntegrityError:
        raise AlreadyAMember(email="") from None
    return new_status


def batch_approve(engine: Engine, selected: list[tuple[int, int]], actor: str) -> BatchResult:
    """Approve every (id, version) that passes every rule; the rest come back with the reason."""
    approved, skipped = [], []
    for application_id, version in selected:
        try:
            decide(engine, application_id, version, "approve", actor)
        except DomainError as error:
            skipped.append((application_id, error))
        else:
            approved.append(application_id)
    return BatchResult(approved, skipped)

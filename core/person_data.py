"""A person's rights over their data (APPI; GDPR for members abroad): disclosure and erasure.

Erasure anonymises the person's own rows and scrubs their name and e-mail from every text column
of every table, while keeping what the aggregates count (join and leave dates, company, industry,
region, application statuses and dates, survey choices), so growth and survey totals stay the same.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Engine, String, Text, cast, or_, select, update
from sqlalchemy.orm import Session

from core.errors import DomainError
from core.importing import cleaned
from core.normalize import normalize_email
from db.audit import ERASURE, record
from db.engine import read_session, write_session
from db.models import (
    Application,
    ApplicationAnswer,
    AuditLog,
    Base,
    ErasureInProgress,
    Introduction,
    Member,
    ScreeningQuestion,
    SurveyResponse,
    utcnow,
)

ERASED = "（削除済み）"
MIN_NEEDLE = 2


class PersonNotFound(DomainError):
    key = "person.not_found"


@dataclass(frozen=True)
class ErasureResult:
    members: int
    applications: int
    survey_responses: int
    introductions: int
    scrubbed_cells: int


def _rows_of(session: Session, email: str):
    key = normalize_email(email)
    members = list(session.scalars(select(Member).where(Member.email_normalized == key)))
    member_ids = [m.id for m in members]
    applications = list(session.scalars(select(Application).where(
        or_(Application.email_normalized == key, Application.member_id.in_(member_ids)))))
    responses = list(session.scalars(select(SurveyResponse).where(
        or_(SurveyResponse.email_normalized == key, SurveyResponse.member_id.in_(member_ids)))))
    introductions = list(session.scalars(select(Introduction).where(
        or_(Introduction.member_a_id.in_(member_ids), Introduction.member_b_id.in_(member_ids)))))
    return members, applications, responses, introductions


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _row(obj: Base) -> dict[str, Any]:
    return {column.key: _plain(getattr(obj, column.key)) for column in obj.__table__.columns}


def disclosure(engine: Engine, email: str) -> bytes:
    """Everything held on one person, as one UTF-8 JSON file. Raises PersonNotFound."""
    with read_session(engine) as session:
        members, applications, responses, introductions = _rows_of(session, email)
        if not (members or applications or responses):
            raise PersonNotFound(email=email)
        questions = dict(session.execute(select(ScreeningQuestion.id, ScreeningQuestion.text)).all())
        answers = session.execute(select(ApplicationAnswer).where(
            ApplicationAnswer.application_id.in_([a.id for a in applications]))).scalars()
        answers_by_application: dict[int, list[dict]] = {}
        for answer in answers:
            answers_by_application.setdefault(answer.application_id, []).append(
                {"question": questions.get(answer.question_id, ""), "answer": answer.answer})
        entity_ids = {("member", m.id) for m in members} | {("application", a.id) for a in applications}
        audit = [_row(row) for row in session.scalars(select(AuditLog).order_by(AuditLog.at))
                 if (row.entity, row.entity_id) in entity_ids]
        document = {
            "requested_email": email,
            "exported_at": utcnow().isoformat() + "Z",
            "members": [_row(m) for m in members],
            "applications": [{**_row(a), "answers": answers_by_application.get(a.id, [])} for a in applications],
            "survey_responses": [_row(r) for r in responses],
            "introductions": [_row(i) for i in introductions],
            "audit_log": audit,
        }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _scrub(value: Any, needles: list[str]) -> tuple[Any, bool]:
    if isinstance(value, str):
        new = value
        for needle in needles:
            new = new.replace(needle, ERASED)
        return new, new != value
    if isinstance(value, list):
        pairs = [_scrub(item, needles) for item in value]
        return [item for item, _ in pairs], any(changed for _, changed in pairs)
    if isinstance(value, dict):
        pairs = {key: _scrub(item, needles) for key, item in value.items()}
        return {key: item for key, (item, _) in pairs.items()}, any(changed for _, changed in pairs.values())
    return value, False


def _scrub_everywhere(session: Session, needles: list[str]) -> int:
    """Replace every needle in every text and JSON column of every table; returns the cells changed."""
    changed_cells = 0
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON) and not c.primary_key]
        if not columns or not table.primary_key.columns:
            continue
        keys = list(table.primary_key.columns)
        for column in columns:
            text = cast(column, Text) if isinstance(column.type, JSON) else column
            matches = session.execute(
                select(*keys, column).where(or_(*(text.contains(needle) for needle in needles)))
            ).all()
            for row in matches:
                new, changed = _scrub(row[-1], needles)
                if changed:
                    where = [key == value for key, value in zip(keys, row[:-1], strict=True)]
                    session.execute(update(table).where(*where).values({column.name: new}))
                    changed_cells += 1
    return changed_cells


def erase(engine: Engine, email: str, actor: str, now: dt.datetime | None = None) -> ErasureResult:
    """Erase one person (found by e-mail) everywhere. Raises PersonNotFound."""
    now = now or utcnow()
    with write_session(engine) as session:
        members, applications, responses, introductions = _rows_of(session, email)
        if not (members or applications or responses):
            raise PersonNotFound(email=email)
        needles = {cleaned(email), email.strip(), normalize_email(email)}
        for row in [*members, *applications]:
            needles |= {row.email, row.email_normalized, row.full_name, cleaned(row.full_name),
                        row.name_kana or "", cleaned(row.name_kana)}
        for m in members:
            m.email = m.email_normalized = f"erased-member-{m.id}@erased.invalid"
            m.full_name, m.name_kana, m.name_normalized = ERASED, None, f"erased-member-{m.id}"
            m.current_employer, m.needs, m.offers = None, [], []
            m.matching_opt_in = m.introduction_opt_in = False
            m.erased, m.erased_at = True, now
        for a in applications:
            a.email = a.email_normalized = f"erased-application-{a.id}@erased.invalid"
            a.full_name, a.name_kana, a.name_normalized = ERASED, None, f"erased-application-{a.id}"
            a.former_division = a.current_employer = a.referrer = None
            a.decision_reason = a.override_reason = None
            a.needs, a.offers = [], []
        session.execute(update(ApplicationAnswer).where(
            ApplicationAnswer.application_id.in_([a.id for a in applications])).values(answer=""))
        for r in responses:
            r.email_normalized, r.extra_answers = None, {}
        for i in introductions:
            i.reason = None
        session.flush()
        session.add(ErasureInProgress(id=1))
        session.flush()
        session.connection().info[ERASURE] = True
        try:
            scrubbed = _scrub_everywhere(session, sorted((n for n in needles if len(n) >= MIN_NEEDLE), key=len,
                                                         reverse=True))
            session.flush()
        finally:
            session.connection().info.pop(ERASURE, None)
        session.execute(ErasureInProgress.__table__.delete())
        record(session, actor=actor, action="erasure", entity="member",
               entity_id=members[0].id if members else None,
               details={"members": [m.id for m in members], "applications": [a.id for a in applications],
                        "survey_responses": len(responses), "introductions": len(introductions)})
        return ErasureResult(len(members), len(applications), len(responses), len(introductions), scrubbed)

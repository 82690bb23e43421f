"""The public application form: validation and storing one application."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from core import vocab
from core.errors import DomainError
from core.importing import cleaned, valid_email
from core.normalize import normalize_email, normalize_name
from db.audit import record
from db.engine import read_session, write_session
from db.models import Application, ApplicationAnswer, ScreeningQuestion, utcnow


class InvalidApplication(DomainError):
    """params["problems"] lists catalogue keys, one per problem."""

    key = "apply.invalid"


@dataclass(frozen=True)
class Question:
    id: int
    text: str
    text_en: str
    required: bool


@dataclass(frozen=True)
class ApplicationForm:
    email: str
    full_name: str
    former_company: str
    currently_working: bool | None
    consent: bool
    name_kana: str = ""
    former_division: str = ""
    current_employer: str = ""
    industry_code: str | None = None
    region: str | None = None
    referrer: str = ""
    needs: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    answers: dict[int, str] = field(default_factory=dict)


def active_questions(engine: Engine) -> list[Question]:
    with read_session(engine) as session:
        rows = session.scalars(
            select(ScreeningQuestion)
            .where(ScreeningQuestion.is_active.is_(True))
            .order_by(ScreeningQuestion.position, ScreeningQuestion.id)
        )
        return [Question(q.id, q.text, q.text_en or q.text, q.required) for q in rows]


def problems(form: ApplicationForm, questions: list[Question]) -> list[str]:
    found = []
    if valid_email(form.email) is None:
        found.append("apply.problem.email")
    if not cleaned(form.full_name):
        found.append("apply.problem.name")
    if not cleaned(form.former_company):
        found.append("apply.problem.company")
    if form.currently_working is None:
        found.append("apply.problem.working")
    if any(q.required and not form.answers.get(q.id, "").strip() for q in questions):
        found.append("apply.problem.answers")
    if not form.consent:
        found.append("apply.problem.consent")
    return found


def submit(engine: Engine, form: ApplicationForm, now: dt.datetime | None = None) -> int:
    """Store the application as pending and return its id. Raises InvalidApplication."""
    questions = active_questions(engine)
    found = problems(form, questions)
    if found:
        raise InvalidApplication(problems=found)
    now = now or utcnow()
    email = valid_email(form.email)
    name = cleaned(form.full_name)
    with write_session(engine) as session:
        application = Application(
            source="form",
            submitted_at=now,
            email=email,
            email_normalized=normalize_email(email),
            full_name=name,
            name_kana=cleaned(form.name_kana) or None,
            name_normalized=normalize_name(name),
            former_company=cleaned(form.former_company),
            former_division=cleaned(form.former_division) or None,
            currently_working=form.currently_working,
            current_employer=cleaned(form.current_employer) or None,
            industry_code=form.industry_code if form.industry_code in vocab.industries() else None,
            region=form.region or None,
            referrer=cleaned(form.referrer) or None,
            consent_at=now,
            needs=[tag for tag in form.needs if tag in vocab.need_tags()],
            offers=[tag for tag in form.offers if tag in vocab.offer_tags()],
        )
        application.answers = [
            ApplicationAnswer(question_id=q.id, answer=form.answers.get(q.id, "").strip()) for q in questions
        ]
        session.add(application)
        session.flush()
        record(session, actor="public-form", action="application_submitted", entity="application",
               entity_id=application.id, new_value="pending")
        return application.id

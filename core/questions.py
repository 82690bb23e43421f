"""Screening questions as the admin edits them (answered questions are retired, never deleted)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from core.errors import DomainError
from db.audit import record
from db.engine import read_session, write_session
from db.models import ScreeningQuestion


class QuestionTextRequired(DomainError):
    key = "settings.question_required"


@dataclass(frozen=True)
class QuestionRow:
    id: int
    text: str
    text_en: str
    required: bool
    is_active: bool
    position: int


def all_questions(engine: Engine) -> list[QuestionRow]:
    with read_session(engine) as session:
        rows = session.scalars(select(ScreeningQuestion).order_by(ScreeningQuestion.position, ScreeningQuestion.id))
        return [QuestionRow(q.id, q.text, q.text_en or "", q.required, q.is_active, q.position) for q in rows]


def save_questions(engine: Engine, rows: list[QuestionRow], actor: str) -> None:
    """Update texts, required flags, active flags and order. Raises QuestionTextRequired."""
    if any(not row.text.strip() for row in rows):
        raise QuestionTextRequired()
    with write_session(engine) as session:
        for row in rows:
            question = session.get(ScreeningQuestion, row.id)
            question.text, question.text_en = row.text.strip(), row.text_en.strip() or None
            question.required, question.is_active, question.position = row.required, row.is_active, row.position
        record(session, actor=actor, action="questions_changed", entity="screening_question")


def add_question(engine: Engine, text: str, text_en: str, required: bool, actor: str) -> None:
    if not text.strip():
        raise QuestionTextRequired()
    with write_session(engine) as session:
        position = (session.scalar(select(func.max(ScreeningQuestion.position))) or 0) + 1
        question = ScreeningQuestion(text=text.strip(), text_en=text_en.strip() or None, required=required,
                                     position=position)
        session.add(question)
        session.flush()
        record(session, actor=actor, action="question_added", entity="screening_question", entity_id=question.id)

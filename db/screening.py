"""Screening questions: the defaults every new database starts with."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ScreeningQuestion

DEFAULT_QUESTIONS = (
    ("参加の目的を教えてください", "Why do you want to join?"),
    (
        "ソニー在籍を確認できる情報（在籍期間・当時の上長など）",
        "Information that confirms your time at Sony (years, your manager then, etc.)",
    ),
)


def ensure_default_questions(session: Session) -> int:
    """Create the default (required) questions when there are none; returns how many were created."""
    if session.scalar(select(func.count()).select_from(ScreeningQuestion)):
        return 0
    session.add_all(
        ScreeningQuestion(text=ja, text_en=en, required=True, position=position)
        for position, (ja, en) in enumerate(DEFAULT_QUESTIONS)
    )
    session.flush()
    return len(DEFAULT_QUESTIONS)

"""SQL for surveys: lookups, the writes of an import, and every figure aggregated with GROUP BY."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, delete, extract, func, insert, or_, select, true
from sqlalchemy.orm import Session

from db.models import Member, Survey, SurveyChoice, SurveyOption, SurveyResponse

CHUNK = 1000
DIMENSION_COLUMNS = {
    "industry": (Member.industry_code,),
    "company": (Member.former_company,),
    "cohort": (extract("year", Member.joined_on), extract("month", Member.joined_on)),
}


def get(session: Session, survey_id: int) -> Survey | None:
    return session.get(Survey, survey_id)


def by_title_and_date(session: Session, title: str, held_on: dt.date) -> Survey | None:
    return session.scalar(select(Survey).where(Survey.title == title, Survey.held_on == held_on))


def by_title(session: Session, title: str) -> list[Survey]:
    return list(session.scalars(select(Survey).where(Survey.title == title).order_by(Survey.held_on)))


def by_source_key(session: Session, source_key: str) -> Survey | None:
    return session.scalar(select(Survey).where(Survey.source_key == source_key))


def all_with_response_counts(session: Session) -> list[tuple[Survey, int]]:
    """Every survey, newest first, with how many per-respondent answers it holds."""
    responses = (
        select(SurveyResponse.survey_id, func.count().label("n")).group_by(SurveyResponse.survey_id).subquery()
    )
    query = (
        select(Survey, func.coalesce(responses.c.n, 0))
        .outerjoin(responses, responses.c.survey_id == Survey.id)
        .order_by(Survey.held_on.desc(), Survey.id.desc())
    )
    return [(survey, count) for survey, count in session.execute(query)]


def options(session: Session, survey_id: int) -> list[SurveyOption]:
    query = select(SurveyOption).where(SurveyOption.survey_id == survey_id).order_by(SurveyOption.position,
                                                                                     SurveyOption.id)
    return list(session.scalars(query))


def option_counts(session: Session, survey: Survey) -> list[tuple[int, str, int, int]]:
    """(option id, label, position, count) for each option: chosen answers, or a poll's votes."""
    if survey.kind == "counts":
        return [(o.id, o.label, o.position, o.vote_count or 0) for o in options(session, survey.id)]
    query = (
        select(SurveyOption.id, SurveyOption.label, SurveyOption.position, func.count(SurveyChoice.response_id))
        .outerjoin(SurveyChoice, SurveyChoice.option_id == SurveyOption.id)
        .where(SurveyOption.survey_id == survey.id)
        .group_by(SurveyOption.id, SurveyOption.label, SurveyOption.position)
    )
    return [tuple(row) for row in session.execute(query)]


def response_breakdown(session: Session, survey_id: int) -> tuple[int, int, int]:
    """(answers matched to a member, answers with an e-mail of no member, anonymous answers)."""
    matched, unmatched, anonymous = session.execute(
        select(
            func.count().filter(SurveyResponse.member_id.is_not(None)),
            func.count().filter(SurveyResponse.member_id.is_(None), SurveyResponse.email_normalized.is_not(None)),
            func.count().filter(SurveyResponse.member_id.is_(None), SurveyResponse.email_normalized.is_(None)),
        ).where(SurveyResponse.survey_id == survey_id)
    ).one()
    return matched, unmatched, anonymous


def members_on(session: Session, day: dt.date) -> int:
    """Members on `day`: joined on or before it and not yet left (erased members still count)."""
    current = (Member.joined_on <= day) & or_(Member.left_on.is_(None), Member.left_on > day)
    return session.scalar(select(func.count()).select_from(Member).where(current)) or 0


def member_ids_by_email(session: Session, emails: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted(set(emails))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        query = select(Member.email_normalized, Member.id).where(Member.email_normalized.in_(chunk))
        found.update({email: member_id for email, member_id in session.execute(query)})
    return found


def existing_response_keys(session: Session, survey_id: int) -> set[str]:
    query = select(SurveyResponse.source_key).where(SurveyResponse.survey_id == survey_id)
    return set(session.scalars(query))


def existing_response_emails(session: Session, survey_id: int) -> set[str]:
    query = select(SurveyResponse.email_normalized).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.email_normalized.is_not(None)
    )
    return set(session.scalars(query))


def add_survey(session: Session, **values: Any) -> Survey:
    survey = Survey(**values)
    session.add(survey)
    session.flush()
    return survey


def add_option(session: Session, survey_id: int, label: str, position: int, vote_count: int | None) -> int:
    option = SurveyOption(survey_id=survey_id, label=label, position=position, vote_count=vote_count)
    session.add(option)
    session.flush()
    return option.id


def add_responses(session: Session, survey_id: int, rows: Sequence[dict[str, Any]]) -> None:
    """Insert answers (dicts with the response columns and `option_ids`) and their choices."""
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        responses = [SurveyResponse(survey_id=survey_id, **{k: v for k, v in row.items() if k != "option_ids"})
                     for row in chunk]
        session.add_all(responses)
        session.flush()
        choices = [
            {"response_id": response.id, "option_id": option_id}
            for response, row in zip(responses, chunk, strict=True)
            for option_id in row["option_ids"]
        ]
        if choices:
            session.execute(insert(SurveyChoice), choices)


def delete_survey(session: Session, survey: Survey) -> None:
    response_ids = select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id)
    session.execute(delete(SurveyChoice).where(SurveyChoice.response_id.in_(response_ids)))
    session.execute(delete(SurveyResponse).where(SurveyResponse.survey_id == survey.id))
    session.execute(delete(SurveyOption).where(SurveyOption.survey_id == survey.id))
    session.delete(survey)


def delete_option(session: Session, option: SurveyOption) -> None:
    session.execute(delete(SurveyChoice).where(SurveyChoice.option_id == option.id))
    session.delete(option)


def _is_member():
    return SurveyResponse.member_id.is_not(None)


def crosstab_counts(session: Session, survey_id: int, dimension: str) -> tuple[list[Row], list[Row]]:
    """Answers per (is member, group columns..., option id) and respondents per (is member, group columns...).

    The group columns are the member's industry code, former company, or join year and month.
    """
    columns = DIMENSION_COLUMNS[dimension]
    group = (_is_member(), *columns)
    cells = (
        select(*group, SurveyChoice.option_id, func.count())
        .select_from(SurveyResponse)
        .join(SurveyChoice, SurveyChoice.response_id == SurveyResponse.id)
        .outerjoin(Member, Member.id == SurveyResponse.member_id)
        .where(SurveyResponse.survey_id == survey_id)
        .group_by(*group, SurveyChoice.option_id)
    )
    totals = (
        select(*group, func.count())
        .select_from(SurveyResponse)
        .outerjoin(Member, Member.id == SurveyResponse.member_id)
        .where(SurveyResponse.survey_id == survey_id)
        .group_by(*group)
    )
    return list(session.execute(cells)), list(session.execute(totals))


def extra_answer_counts(session: Session, survey_id: int, question: str) -> list[tuple[str, int]]:
    """How often each answer to an extra (closed) question was given, most frequent first.

    The object is expanded with json_each rather than a JSON path: SQLite's path lookup misses keys
    stored with escaped (non-ASCII) characters.
    """
    if session.get_bind().dialect.name == "postgresql":
        pairs = func.json_each_text(SurveyResponse.extra_answers).table_valued("key", "value").lateral("answer")
    else:
        pairs = func.json_each(SurveyResponse.extra_answers).table_valued("key", "value").alias("answer")
    answer = pairs.c.value
    query = (
        select(answer, func.count())
        .select_from(SurveyResponse)
        .join(pairs, true())
        .where(SurveyResponse.survey_id == survey_id, pairs.c.key == question)
        .group_by(answer)
        .order_by(func.count().desc(), answer)
    )
    return [(str(value), count) for value, count in session.execute(query) if str(value).strip()]


def extra_answers(session: Session, survey_id: int) -> list[tuple[dt.datetime | None, dict[str, Any]]]:
    query = (
        select(SurveyResponse.submitted_at, SurveyResponse.extra_answers)
        .where(SurveyResponse.survey_id == survey_id)
        .order_by(SurveyResponse.submitted_at, SurveyResponse.id)
    )
    return [(submitted, extra or {}) for submitted, extra in session.execute(query)]


def _tag_values(session: Session, column):
    if session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(column).table_valued("value").lateral("tag")
    return func.json_each(column).table_valued("value").alias("tag")


def tag_counts_by_industry(session: Session, day: dt.date, field: str) -> list[tuple[str | None, str, int]]:
    """(industry code, tag, members) for the needs or offers of the members on `day` (erased left out)."""
    column = Member.needs if field == "needs" else Member.offers
    tags = _tag_values(session, column)
    current = (Member.joined_on <= day) & or_(Member.left_on.is_(None), Member.left_on > day)
    query = (
        select(Member.industry_code, tags.c.value, func.count())
        .select_from(Member)
        .join(tags, true())
        .where(current, Member.erased.is_(False))
        .group_by(Member.industry_code, tags.c.value)
    )
    return [(code, str(tag), count) for code, tag, count in session.execute(query)]

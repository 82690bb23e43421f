"""Importing survey CSV files: per-respondent form exports (Google Forms) and a poll's option counts.

A survey is found by the file it came from (the same file again adds nothing), else by title and
date, else created. Per-respondent rows are keyed by their content, so importing rows again adds
nothing; one answer counts per e-mail address. Everything is checked before the one write
transaction; rows that cannot be imported come back with a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.csvio import CsvTable, read_table
from core.errors import DomainError
from core.importing import ImportSummary, Problem, header_key, parse_timestamp, rejected_rows_csv, valid_email
from core.normalize import normalize_email
from core.surveys import (
    KINDS,
    MAX_CHANNEL,
    MAX_LABEL,
    MAX_TITLE,
    DateRequired,
    InvalidCount,
    InvalidKind,
    TitleRequired,
    TooLong,
    clean_label,
    label_key,
)
from db import surveys as repo
from db.audit import record
from db.engine import read_session, write_session
from db.models import Survey, utcnow

SEPARATOR = re.compile(r",\s+|\s*\n\s*")
REJECTED_FILE_COLUMNS = ("row", "reason")  # added to rejected rows, so a corrected file imports again
TIMESTAMP_WORDS = ("タイムスタンプ", "timestamp", "送信日時", "回答日時", "日時", "submitted")
EMAIL_WORDS = ("メールアドレス", "メール", "email", "mail")
MULTIPLE_WORDS = ("複数選択", "複数回答", "いくつでも", "すべて選択", "selectall", "checkall", "multiple")
FREE_TEXT_WORDS = (
    "自由", "記述", "意見", "要望", "コメント", "感想", "備考", "内容", "理由", "comment", "feedback", "remark",
    "suggestion", "note", "氏名", "名前", "name", "電話", "phone", "住所", "address",
)
TOTAL_LABELS = {"合計", "計", "総計", "total", "sum"}
COUNT_SUFFIX = re.compile(r"[票件人名]$")


class ImportConflict(DomainError):
    key = "surveys.error.conflict"


class ColumnMissing(DomainError):
    key = "surveys.error.column_missing"


class CountsNeedTwoColumns(DomainError):
    key = "surveys.error.counts_columns"


class KindMismatch(DomainError):
    key = "surveys.error.kind_mismatch"


@dataclass(frozen=True)
class ResponseColumns:
    """Which columns of a per-respondent file hold what; every other column is an extra question."""

    question: str
    email: str | None = None
    submitted_at: str | None = None
    free_text: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportRequest:
    kind: str  # "responses" or "counts"
    title: str
    held_on: dt.date | None
    channel: str = ""
    question: str = ""  # blank: the question column's header
    multiple_choice: bool | None = None  # None: guessed from the file (a poll: multiple)
    respondent_count: int | None = None  # a poll's respondents, when known
    columns: ResponseColumns | None = None  # None: guessed


@dataclass(frozen=True)
class OptionTally:
    label: str
    count: int
    new: bool  # the import adds this option to the survey


@dataclass(frozen=True)
class SurveyImport:
    summary: ImportSummary
    survey_id: int | None  # None in the preview of a survey still to be created
    title: str
    held_on: dt.date
    new_survey: bool
    same_file: bool  # this very file was imported before (as this survey)
    columns: ResponseColumns | None
    multiple_choice: bool
    tally: list[OptionTally]  # what the rows to be added bring, largest first


@dataclass
class _Response:
    row: int
    source_key: str
    submitted_at: dt.datetime | None
    email: str | None
    labels: list[str]
    extra: dict[str, str]


@dataclass
class _Plan:
    survey: Survey | None
    same_file: bool
    columns: ResponseColumns | None
    multiple: bool
    problems: list[Problem] = field(default_factory=list)
    responses: list[_Response] = field(default_factory=list)  # to add
    counts: list[tuple[str, int]] = field(default_factory=list)  # to add (polls)
    already: int = 0
    new_labels: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Reading the file


def _matches(header: str, words: Sequence[str]) -> bool:
    key = header_key(header)
    return any(header_key(word) in key for word in words)


def _looks_free(table: CsvTable, column: str) -> bool:
    values = [row.cells.get(column, "").strip() for row in table.rows]
    values = [value for value in values if value]
    if not values:
        return False
    average = sum(len(value) for value in values) / len(values)
    return average >= 20 and len(set(values)) >= 0.8 * len(values)


def guess_columns(table: CsvTable) -> ResponseColumns:
    """The likely timestamp, e-mail, question and free-text columns of a per-respondent file."""
    names = [name for name in table.header if name and name not in REJECTED_FILE_COLUMNS]
    submitted = next((n for n in names if _matches(n, TIMESTAMP_WORDS)), None)
    email = next((n for n in names if n != submitted and _matches(n, EMAIL_WORDS)), None)
    rest = [n for n in names if n not in (submitted, email)]
    free = [n for n in rest if (_matches(n, FREE_TEXT_WORDS) and not _matches(n, MULTIPLE_WORDS))
            or _looks_free(table, n)]

    def joined(name: str) -> int:
        return sum(1 for row in table.rows if len(SEPARATOR.split(row.cells.get(name, "").strip())) > 1)

    closed = [n for n in rest if n not in free]
    question = (
        next((n for n in closed if _matches(n, MULTIPLE_WORDS)), None)
        or max(closed, key=lambda n: (joined(n), -closed.index(n)), default=None)
        or (rest[0] if rest else "")
    )
    return ResponseColumns(question, email, submitted, tuple(n for n in free if n != question))


def guess_multiple(table: CsvTable, question: str) -> bool:
    return _matches(question, MULTIPLE_WORDS) or any(
        len(SEPARATOR.split(row.cells.get(question, "").strip())) > 1 for row in table.rows
    )


def split_answer(cell: str, known: dict[str, str], multiple: bool) -> list[str]:
    """The options ticked in one cell: joined with ", " when multiple; known labels that contain ", " kept whole."""
    text = cell.strip()
    if not text:
        return []
    if not multiple:
        return [clean_label(text)]
    pieces = [piece for piece in SEPARATOR.split(text) if piece.strip()]
    labels, start = [], 0
    while start < len(pieces):
        end = next((j for j in range(len(pieces), start + 1, -1)
                    if label_key(", ".join(pieces[start:j])) in known), start + 1)
        labels.append(clean_label(", ".join(pieces[start:end])))
        start = end
    return list(dict.fromkeys(label for label in labels if label))


def _row_key(cells: dict[str, str], occurrence: int | None) -> str:
    content = sorted((name, value.strip()) for name, value in cells.items()
                     if name and name not in REJECTED_FILE_COLUMNS and value.strip())
    if occurrence is not None:
        content.append(("#", str(occurrence)))
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def parse_responses(
    table: CsvTable, columns: ResponseColumns, multiple: bool, known: dict[str, str]
) -> tuple[list[_Response], list[Problem]]:
    """One answer per row; `known` maps label keys of the survey's options to their labels."""
    problems: list[Problem] = []
    parsed: list[_Response] = []
    seen: dict[str, int] = {}
    occurrences: dict[str, int] = {}
    skip = {columns.question, columns.email, columns.submitted_at, *REJECTED_FILE_COLUMNS}
    for row in table.rows:
        cells = row.cells

        def reject(key: str, number: int = row.number, **params: object) -> None:
            problems.append(Problem(number, key, dict(params), True))

        submitted = None
        raw_time = cells.get(columns.submitted_at or "", "").strip()
        if raw_time:
            submitted = parse_timestamp(raw_time)
            if submitted is None:
                reject("surveys.import.bad_timestamp", value=raw_time)
                continue
        email = None
        raw_email = cells.get(columns.email or "", "").strip()
        if raw_email:
            email = valid_email(raw_email)
            if email is None or len(normalize_email(email)) > 320:
                reject("surveys.import.bad_email", value=raw_email)
                continue
            email = normalize_email(email)
        labels = split_answer(cells.get(columns.question, ""), known, multiple)
        if not labels:
            reject("surveys.import.no_answer", question=columns.question)
            continue
        too_long = next((label for label in labels if len(label) > MAX_LABEL), None)
        if too_long:
            reject("surveys.import.label_too_long", max=MAX_LABEL)
            continue
        content_key = _row_key(cells, None)
        if submitted is not None:
            key = content_key
        else:
            occurrences[content_key] = occurrences.get(content_key, 0) + 1
            key = _row_key(cells, occurrences[content_key])
        if key in seen:
            problems.append(Problem(row.number, "surveys.import.repeated_row", {"first": seen[key]}, False))
            continue
        seen[key] = row.number
        extra = {name: value.strip() for name, value in cells.items() if name not in skip and value.strip()}
        parsed.append(_Response(row.number, key, submitted, email, labels, extra))
    latest: dict[str, _Response] = {}
    for response in parsed:
        if response.email is None:
            continue
        kept = latest.get(response.email)
        if kept is None or (response.submitted_at or dt.datetime.min) >= (kept.submitted_at or dt.datetime.min):
            latest[response.email] = response
    kept_rows = {response.row for response in latest.values()}
    for response in parsed:
        if response.email is not None and response.row not in kept_rows:
            problems.append(Problem(response.row, "surveys.import.email_repeated",
                                    {"kept": latest[response.email].row}, True))
    parsed = [r for r in parsed if r.email is None or r.row in kept_rows]
    return parsed, problems


def parse_counts(table: CsvTable) -> tuple[list[tuple[int, str, int]], list[Problem]]:
    """(row, option, votes) from a two-column file: the option, then its count.

    Raises CountsNeedTwoColumns.
    """
    names = [name for name in table.header if name and name not in REJECTED_FILE_COLUMNS]
    if len(names) < 2:
        raise CountsNeedTwoColumns()
    label_column, count_column = names[0], names[1]
    problems: list[Problem] = []
    parsed: list[tuple[int, str, int]] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        label = clean_label(row.cells.get(label_column, ""))
        raw = row.cells.get(count_column, "")
        if not label:
            problems.append(Problem(row.number, "surveys.import.no_label", {}, True))
            continue
        if label_key(label) in TOTAL_LABELS:
            problems.append(Problem(row.number, "surveys.import.total_row", {"value": label}, False))
            continue
        if len(label) > MAX_LABEL:
            problems.append(Problem(row.number, "surveys.import.label_too_long", {"max": MAX_LABEL}, True))
            continue
        count = _count(raw)
        if count is None:
            problems.append(Problem(row.number, "surveys.import.bad_count", {"value": raw.strip()}, True))
            continue
        if label_key(label) in first_row:
            problems.append(Problem(row.number, "surveys.import.repeated_option",
                                    {"first": first_row[label_key(label)]}, True))
            continue
        first_row[label_key(label)] = row.number
        parsed.append((row.number, label, count))
    return parsed, problems


def _count(raw: str) -> int | None:
    text = COUNT_SUFFIX.sub("", label_key(raw).replace(",", "")).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text)


# --------------------------------------------------------------------------------------------
# Planning against the database, then writing


def _check(request: ImportRequest) -> ImportRequest:
    title = clean_label(request.title)
    if request.kind not in KINDS:
        raise InvalidKind(kind=request.kind)
    if not title:
        raise TitleRequired()
    if len(title) > MAX_TITLE:
        raise TooLong(field=title[:20] + "…", max=MAX_TITLE)
    if request.held_on is None:
        raise DateRequired()
    if len(request.channel.strip()) > MAX_CHANNEL:
        raise TooLong(field=request.channel.strip()[:20] + "…", max=MAX_CHANNEL)
    if request.respondent_count is not None and request.respondent_count < 0:
        raise InvalidCount(value=request.respondent_count)
    return ImportRequest(request.kind, title, request.held_on, request.channel.strip(), request.question.strip(),
                         request.multiple_choice, request.respondent_count, request.columns)


def _plan(session: Session, table: CsvTable, request: ImportRequest, file_key: str) -> _Plan:
    survey = repo.by_source_key(session, file_key)
    same_file = survey is not None
    if survey is None:
        survey = repo.by_title_and_date(session, request.title, request.held_on)
    if survey is not None and survey.kind != request.kind:
        raise KindMismatch(title=survey.title, kind=survey.kind)
    stored = repo.options(session, survey.id) if survey else []
    known = {label_key(o.label): o.label for o in stored}
    if request.kind == "counts":
        multiple = survey.multiple_choice if survey else request.multiple_choice is not False
        plan = _Plan(survey, same_file, None, multiple)
        parsed, plan.problems = parse_counts(table)
        votes = {label_key(o.label): o.vote_count for o in stored}
        for number, label, count in parsed:
            key = label_key(label)
            if key not in votes:
                plan.counts.append((label, count))
                plan.new_labels.append(label)
            elif votes[key] is None:
                plan.counts.append((known[key], count))
            elif votes[key] == count:
                plan.already += 1
            else:
                plan.problems.append(Problem(number, "surveys.import.count_differs", {"stored": votes[key]}, True))
        return plan
    columns = request.columns or guess_columns(table)
    for name in (columns.question, columns.email, columns.submitted_at, *columns.free_text):
        if name is not None and name not in table.header:
            raise ColumnMissing(column=name or "-")
    if survey is not None:
        multiple = survey.multiple_choice
    elif request.multiple_choice is not None:
        multiple = request.multiple_choice
    else:
        multiple = guess_multiple(table, columns.question)
    plan = _Plan(survey, same_file, columns, multiple)
    parsed, plan.problems = parse_responses(table, columns, multiple, known)
    keys = repo.existing_response_keys(session, survey.id) if survey else set()
    emails = repo.existing_response_emails(session, survey.id) if survey else set()
    for response in parsed:
        if response.source_key in keys:
            plan.already += 1
        elif response.email is not None and response.email in emails:
            plan.problems.append(Problem(response.row, "surveys.import.email_answered", {}, True))
        else:
            plan.responses.append(response)
            for label in response.labels:
                if label_key(label) not in known:
                    known[label_key(label)] = label
                    plan.new_labels.append(label)
    return plan


def _write(session: Session, plan: _Plan, request: ImportRequest, table: CsvTable, file_key: str,
           actor: str) -> Survey | None:
    if not plan.responses and not plan.counts:
        return plan.survey
    columns = plan.columns
    others: list[str] = []
    if columns is not None:
        taken = {columns.question, columns.email, columns.submitted_at, *columns.free_text, *REJECTED_FILE_COLUMNS}
        others = [name for name in table.header if name and name not in taken]
    survey = plan.survey
    if survey is None:
        survey = repo.add_survey(
            session, title=request.title, held_on=request.held_on, channel=request.channel or None,
            question=request.question or (columns.question if columns else ""), multiple_choice=plan.multiple,
            kind=request.kind, respondent_count=request.respondent_count, source_key=file_key, created_at=utcnow(),
            free_text_questions=list(columns.free_text) if columns else [], other_questions=others,
        )
    else:
        if survey.source_key is None:
            survey.source_key = file_key
        if survey.respondent_count is None and request.kind == "counts":
            survey.respondent_count = request.respondent_count
        if columns is not None:
            free = list(dict.fromkeys([*survey.free_text_questions, *columns.free_text]))
            survey.free_text_questions = free
            survey.other_questions = [q for q in dict.fromkeys([*survey.other_questions, *others]) if q not in free]
    option_ids = {label_key(o.label): o.id for o in repo.options(session, survey.id)}
    position = len(option_ids)
    counts = dict(plan.counts)
    for label in plan.new_labels:
        option_ids[label_key(label)] = repo.add_option(session, survey.id, label, position, counts.pop(label, None))
        position += 1
    for option in repo.options(session, survey.id):
        if option.label in counts:
            option.vote_count = counts[option.label]
    members = repo.member_ids_by_email(session, [r.email for r in plan.responses if r.email])
    repo.add_responses(session, survey.id, [
        {
            "source_key": r.source_key,
            "submitted_at": r.submitted_at,
            "email_normalized": r.email,
            "member_id": members.get(r.email) if r.email else None,
            "extra_answers": r.extra,
            "option_ids": list(dict.fromkeys(option_ids[label_key(label)] for label in r.labels)),
        }
        for r in plan.responses
    ])
    record(session, actor=actor, action="import", entity="survey", entity_id=survey.id,
           details={"kind": request.kind, "added": len(plan.responses) or len(plan.counts),
                    "already_imported": plan.already, "rows": len(table.rows), "encoding": table.encoding})
    return survey


def _tally(plan: _Plan) -> list[OptionTally]:
    new = {label_key(label) for label in plan.new_labels}
    totals: dict[str, int] = {}
    for response in plan.responses:
        for label in response.labels:
            totals[label] = totals.get(label, 0) + 1
    for label, count in plan.counts:
        totals[label] = count
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return [OptionTally(label, count, label_key(label) in new) for label, count in ranked]


def import_survey(
    engine: Engine,
    data: bytes,
    request: ImportRequest,
    *,
    actor: str,
    dry_run: bool = False,
    reason_text: Callable[[Problem], str] = lambda problem: problem.key,
) -> SurveyImport:
    """Preview (dry_run) or import a survey file; the import is one transaction.

    Raises CsvUnreadable, CsvEmpty, TitleRequired, TooLong, DateRequired, InvalidKind, InvalidCount,
    ColumnMissing, CountsNeedTwoColumns or KindMismatch before anything is written, and
    ImportConflict when another import of the same survey wrote first (nothing is written then).
    """
    table = read_table(data)
    request = _check(request)
    file_key = hashlib.sha256(data).hexdigest()
    if dry_run:
        with read_session(engine) as session:
            plan = _plan(session, table, request, file_key)
            survey = plan.survey
    else:
        try:
            with write_session(engine) as session:
                plan = _plan(session, table, request, file_key)
                survey = _write(session, plan, request, table, file_key, actor)
        except IntegrityError as error:
            raise ImportConflict() from error
    rejected = len({p.row for p in plan.problems if p.rejects})
    added = len(plan.responses) if request.kind == "responses" else len(plan.counts)
    summary = ImportSummary(
        encoding=table.encoding_name,
        rows=len(table.rows),
        added=added,
        already_imported=plan.already,
        rejected=rejected,
        problems=sorted(plan.problems, key=lambda p: p.row),
        rejected_csv=rejected_rows_csv(table, plan.problems, reason_text),
        committed=not dry_run,
    )
    return SurveyImport(
        summary=summary,
        survey_id=survey.id if survey is not None else None,
        title=survey.title if survey is not None else request.title,
        held_on=survey.held_on if survey is not None else request.held_on,
        new_survey=plan.survey is None,
        same_file=plan.same_file,
        columns=plan.columns,
        multiple_choice=plan.multiple,
        tally=_tally(plan),
    )


def read_columns(data: bytes) -> tuple[CsvTable, ResponseColumns, bool]:
    """The table, its guessed columns and whether its question looks multiple-choice (for the import form).

    Raises CsvUnreadable or CsvEmpty.
    """
    table = read_table(data)
    columns = guess_columns(table)
    return table, columns, guess_multiple(table, columns.question) if columns.question else True

"""Importing membership applications from CSV (Google Forms exports and the like)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, insert, select

from core import vocab
from core.csvio import CsvTable, read_table
from core.importing import (
    IGNORE,
    QUESTION_PREFIX,
    ImportSummary,
    Problem,
    auto_mapping,
    check_mapping,
    cleaned,
    parse_bool,
    parse_timestamp,
    rejected_rows_csv,
    split_list,
    valid_email,
)
from core.normalize import normalize_email, normalize_name
from db import applications as repo
from db.audit import record
from db.engine import read_session, write_session
from db.models import Application, ApplicationAnswer, ScreeningQuestion

FIELDS: dict[str, tuple[str, ...]] = {
    "submitted_at": ("タイムスタンプ", "Timestamp", "送信日時", "申込日時", "回答日時", "submitted"),
    "email": ("メールアドレス", "Email Address", "E-mail", "メール", "mail"),
    "full_name": ("お名前（フルネーム）", "氏名", "お名前", "名前", "Name", "Full name"),
    "name_kana": ("お名前（ふりがな）", "ふりがな", "フリガナ", "よみがな", "Kana", "Name (kana)"),
    "former_company": ("在籍していたソニーグループの会社", "在籍していた会社", "出身会社", "Former company",
                       "Group company"),
    "former_division": ("在籍していた部署・事業", "在籍部署", "部署", "Former division", "Department"),
    "currently_working": ("現在、お仕事をされていますか？", "現在就業中", "現役", "Currently working",
                          "Are you currently working?"),
    "current_employer": ("現在のお勤め先", "現在の勤務先", "勤務先", "Current employer", "Employer"),
    "industry": ("現在の業種", "業種", "Industry"),
    "region": ("お住まいの地域", "地域", "都道府県", "居住地", "Region", "Prefecture"),
    "referrer": ("紹介者（いれば）", "紹介者", "Referrer", "Referred by"),
    "consent": ("個人情報の取り扱いに同意します", "個人情報の取り扱いへの同意", "同意", "Consent"),
    "needs": ("求めていること", "ニーズ", "Needs"),
    "offers": ("提供できること", "Offers"),
}
REQUIRED = ("submitted_at", "email", "full_name")
CHUNK = 1000


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    answers: dict[int, str] = field(default_factory=dict)
    source_key: str = ""


def industry_code(label: str) -> str | None:
    key = cleaned(label).casefold()
    if not key:
        return None
    for code, industry in vocab.industries().items():
        if key in {code.casefold(), cleaned(industry.name_ja).casefold(), industry.name_en.casefold()}:
            return code
    return None


def region_code(label: str) -> str | None:
    key = cleaned(label).casefold()
    for region in vocab.regions():
        short = region.name_ja[:-1] if region.name_ja.endswith(("都", "府", "県")) else region.name_ja
        if key and key in {region.code.casefold(), region.name_ja, region.name_en.casefold(), short}:
            return region.code
    return None


def tag_ids(raw: str, allowed: list[str]) -> tuple[list[str], list[str]]:
    """(known tag ids, unknown words) from ids or Japanese/English labels."""
    labels = {}
    for tag in allowed:
        for word in (tag, vocab.tag_label(tag, "ja"), vocab.tag_label(tag, "en")):
            labels[cleaned(word).casefold()] = tag
    known, unknown = [], []
    for word in split_list(raw):
        tag = labels.get(word.casefold())
        (known if tag else unknown).append(tag or word)
    return list(dict.fromkeys(known)), unknown


def _questions(engine: Engine) -> dict[str, tuple[int, bool]]:
    with read_session(engine) as session:
        rows = session.execute(
            select(ScreeningQuestion.text, ScreeningQuestion.id, ScreeningQuestion.required).where(
                ScreeningQuestion.is_active.is_(True)
            )
        ).all()
    return {text: (qid, required) for text, qid, required in rows}


def question_texts(engine: Engine) -> list[str]:
    return list(_questions(engine))


def suggest_mapping(engine: Engine, table: CsvTable) -> dict[str, str]:
    return auto_mapping(table.header, FIELDS, _questions(engine))


def parse_rows(table: CsvTable, mapping: dict[str, str], questions: dict[str, tuple[int, bool]],
               progress: Callable[[float], None] | None = None) -> tuple[list[ParsedRow], list[Problem]]:
    """Turn CSV rows into application values; problems say which rows are rejected and why."""
    columns = {target: column for column, target in mapping.items() if target != IGNORE}
    question_columns = {
        questions[target[len(QUESTION_PREFIX):]][0]: column
        for column, target in mapping.items()
        if target.startswith(QUESTION_PREFIX) and target[len(QUESTION_PREFIX):] in questions
    }
    required_questions = {qid for qid, required in questions.values() if required}
    # Labels repeat from row to row: look each one up in the vocabularies once per import.
    industry_of, region_of = functools.cache(industry_code), functools.cache(region_code)
    needs_of = functools.cache(lambda raw: tag_ids(raw, vocab.need_tags()))
    offers_of = functools.cache(lambda raw: tag_ids(raw, vocab.offer_tags()))
    parsed, problems, seen = [], [], set()
    for index, row in enumerate(table.rows):
        if progress and index % CHUNK == 0:
            progress(index / max(1, len(table.rows)))

        def cell(name: str, cells=row.cells) -> str:
            return cells.get(columns.get(name, ""), "")

        def problem(key: str, rejects: bool, number=row.number, **params) -> None:
            problems.append(Problem(number, key, params, rejects))

        email = valid_email(cell("email"))
        submitted = parse_timestamp(cell("submitted_at"))
        name = cleaned(cell("full_name"))
        if email is None:
            problem("import.bad_email", True, value=cleaned(cell("email")))
        if submitted is None:
            problem("import.bad_timestamp", True, value=cleaned(cell("submitted_at")))
        if not name:
            problem("import.no_name", True)
        if email is None or submitted is None or not name:
            continue
        source_key = hashlib.sha256(f"{normalize_email(email)}|{submitted.isoformat()}".encode()).hexdigest()[:40]
        if source_key in seen:
            problem("import.repeated_row", False)
            continue
        seen.add(source_key)
        industry_label = cell("industry")
        industry = industry_of(industry_label)
        if industry_label.strip() and industry is None:
            problem("import.unknown_industry", False, value=cleaned(industry_label))
        region_label = cell("region")
        region = region_of(region_label)
        if region_label.strip() and region is None:
            problem("import.unknown_region", False, value=cleaned(region_label))
        needs, unknown_needs = needs_of(cell("needs"))
        offers, unknown_offers = offers_of(cell("offers"))
        for word in unknown_needs + unknown_offers:
            problem("import.unknown_tag", False, value=word)
        consent = parse_bool(cell("consent")) is True
        if not consent:
            problem("import.no_consent", False)
        answers = {qid: row.cells.get(column, "").strip() for qid, column in question_columns.items()}
        if any(not answers.get(qid) for qid in required_questions):
            problem("import.unanswered", False)
        parsed.append(
            ParsedRow(
                number=row.number,
                source_key=source_key,
                answers=answers,
                values={
                    "submitted_at": submitted,
                    "email": email,
                    "email_normalized": normalize_email(email),
                    "full_name": name,
                    "name_kana": cleaned(cell("name_kana")) or None,
                    "name_normalized": normalize_name(name),
                    "former_company": cleaned(cell("former_company")) or None,
                    "former_division": cleaned(cell("former_division")) or None,
                    "currently_working": parse_bool(cell("currently_working")),
                    "current_employer": cleaned(cell("current_employer")) or None,
                    "industry_code": industry,
                    "region": region,
                    "referrer": cleaned(cell("referrer")) or None,
                    "consent_at": submitted if consent else None,
                    "needs": list(needs),  # a copy: the looked-up lists are shared between rows
                    "offers": list(offers),
                },
            )
        )
    return parsed, problems


def import_applications(
    engine: Engine,
    data: bytes,
    *,
    actor: str,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    reason_text: Callable[[Problem], str] = lambda p: p.key,
    progress: Callable[[float], None] | None = None,
) -> ImportSummary:
    """Preview (dry_run) or import applications from CSV bytes, all rows in one transaction.

    Raises CsvUnreadable, CsvEmpty, InvalidMapping or MissingColumn before anything is written.
    Rows already imported (same e-mail and timestamp) are skipped, so importing twice adds nothing.
    """
    table = read_table(data)
    questions = _questions(engine)
    mapping = mapping or suggest_mapping(engine, table)
    check_mapping(mapping, FIELDS, REQUIRED, questions)
    parsed, problems = parse_rows(table, mapping, questions, progress)
    rejected = len({p.row for p in problems if p.rejects})
    keys = [row.source_key for row in parsed]
    with read_session(engine) as session:
        existing = repo.existing_source_keys(session, keys)
    new = [row for row in parsed if row.source_key not in existing]
    if not dry_run and new:
        source = "import"
        with write_session(engine) as session:
            existing = repo.existing_source_keys(session, keys)
            new = [row for row in parsed if row.source_key not in existing]
            for start in range(0, len(new), CHUNK):  # bulk inserts: 10,000 rows in seconds, not in ORM objects
                chunk = new[start : start + CHUNK]
                ids = session.scalars(
                    insert(Application).returning(Application.id, sort_by_parameter_order=True),
                    [{"source": source, "source_key": row.source_key, **row.values} for row in chunk],
                ).all()
                answers = [{"application_id": application_id, "question_id": qid, "answer": answer}
                           for application_id, row in zip(ids, chunk, strict=True)
                           for qid, answer in row.answers.items()]
                if answers:
                    session.execute(insert(ApplicationAnswer), answers)
                if progress:
                    progress(min(1.0, (start + CHUNK) / len(new)))
            record(session, actor=actor, action="import", entity="applications",
                   details={"added": len(new), "already_imported": len(parsed) - len(new), "rejected": rejected,
                            "rows": len(table.rows), "encoding": table.encoding})
    return ImportSummary(
        encoding=table.encoding_name,
        rows=len(table.rows),
        added=len(new),
        already_imported=len(parsed) - len(new),
        rejected=rejected,
        problems=problems,
        rejected_csv=rejected_rows_csv(table, problems, reason_text),
        committed=not dry_run,
    )

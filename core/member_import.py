"""Importing an existing member roster from CSV, so growth history starts right."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select

from core import vocab
from core.application_import import industry_code, region_code, tag_ids
from core.csvio import CsvTable, read_table
from core.importing import (
    IGNORE,
    ImportSummary,
    Problem,
    auto_mapping,
    check_mapping,
    cleaned,
    parse_bool,
    parse_date,
    rejected_rows_csv,
    valid_email,
)
from core.normalize import normalize_email, normalize_name
from db.audit import record
from db.engine import read_session, write_session
from db.models import Member

FIELDS: dict[str, tuple[str, ...]] = {
    "email": ("メールアドレス", "Email Address", "E-mail", "メール"),
    "full_name": ("氏名", "お名前", "名前", "Name", "Full name"),
    "name_kana": ("ふりがな", "フリガナ", "Kana"),
    "joined_on": ("入会日", "参加日", "Joined", "Join date"),
    "left_on": ("退会日", "Left", "Leave date"),
    "industry": ("業種", "現在の業種", "Industry"),
    "former_company": ("在籍していた会社", "出身会社", "在籍していたソニーグループの会社", "Former company"),
    "current_employer": ("現在のお勤め先", "勤務先", "Current employer", "Employer"),
    "region": ("地域", "都道府県", "お住まいの地域", "Region", "Prefecture"),
    "needs": ("求めていること", "ニーズ", "Needs"),
    "offers": ("提供できること", "Offers"),
    "matching_opt_in": ("マッチング希望", "マッチングへの参加", "Matching opt-in"),
}
REQUIRED = ("email", "full_name", "joined_on")


def _known_emails(session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        found.update(session.scalars(select(Member.email_normalized).where(Member.email_normalized.in_(chunk))))
    return found


def suggest_mapping(table: CsvTable) -> dict[str, str]:
    return auto_mapping(table.header, FIELDS)


def import_members(
    engine: Engine,
    data: bytes,
    *,
    actor: str,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    reason_text: Callable[[Problem], str] = lambda p: p.key,
    progress: Callable[[float], None] | None = None,
) -> ImportSummary:
    """Preview or import members in one transaction; a member whose e-mail is already known is skipped.

    Raises CsvUnreadable, CsvEmpty, InvalidMapping or MissingColumn before anything is written.
    """
    table = read_table(data)
    mapping = mapping or suggest_mapping(table)
    check_mapping(mapping, FIELDS, REQUIRED)
    columns = {target: column for column, target in mapping.items() if target != IGNORE}
    problems: list[Problem] = []
    rows: dict[str, dict] = {}
    for index, row in enumerate(table.rows):
        if progress and index % 1000 == 0:
            progress(index / max(1, len(table.rows)))

        def cell(name: str, cells=row.cells) -> str:
            return cells.get(columns.get(name, ""), "")

        def problem(key: str, rejects: bool, number=row.number, **params) -> None:
            problems.append(Problem(number, key, params, rejects))

        email, name = valid_email(cell("email")), cleaned(cell("full_name"))
        joined = parse_date(cell("joined_on"))
        left = parse_date(cell("left_on")) if cleaned(cell("left_on")) else None
        if email is None:
            problem("import.bad_email", True, value=cleaned(cell("email")))
        if not name:
            problem("import.no_name", True)
        if joined is None:
            problem("import.bad_date", True, value=cleaned(cell("joined_on")))
        if cleaned(cell("left_on")) and (left is None or (joined and left < joined)):
            problem("import.bad_date", True, value=cleaned(cell("left_on")))
        if email is None or not name or joined is None or (cleaned(cell("left_on")) and left is None):
            continue
        if joined and left and left < joined:
            continue
        key = normalize_email(email)
        if key in rows:
            problem("import.repeated_row", False)
            continue
        needs, unknown_needs = tag_ids(cell("needs"), vocab.need_tags())
        offers, unknown_offers = tag_ids(cell("offers"), vocab.offer_tags())
        for word in unknown_needs + unknown_offers:
            problem("import.unknown_tag", False, value=word)
        industry = industry_code(cell("industry"))
        if cleaned(cell("industry")) and industry is None:
            problem("import.unknown_industry", False, value=cleaned(cell("industry")))
        opt_in = parse_bool(cell("matching_opt_in"))
        rows[key] = {
            "email": email,
            "email_normalized": key,
            "full_name": name,
            "name_kana": cleaned(cell("name_kana")) or None,
            "name_normalized": normalize_name(name),
            "joined_on": joined,
            "left_on": left,
            "industry_code": industry,
            "former_company": cleaned(cell("former_company")) or None,
            "current_employer": cleaned(cell("current_employer")) or None,
            "region": region_code(cell("region")),
            "needs": needs,
            "offers": offers,
            "matching_opt_in": bool(needs or offers) if opt_in is None else opt_in,
        }
    rejected = len({p.row for p in problems if p.rejects})
    with read_session(engine) as session:
        known = _known_emails(session, list(rows))
    new = [values for key, values in rows.items() if key not in known]
    if not dry_run and new:
        with write_session(engine) as session:
            known = _known_emails(session, list(rows))
            new = [values for key, values in rows.items() if key not in known]
            session.add_all(Member(**values) for values in new)
            record(session, actor=actor, action="import", entity="members",
                   details={"added": len(new), "already_imported": len(rows) - len(new), "rejected": rejected,
                            "rows": len(table.rows), "encoding": table.encoding})
    return ImportSummary(
        encoding=table.encoding_name,
        rows=len(table.rows),
        added=len(new),
        already_imported=len(rows) - len(new),
        rejected=rejected,
        problems=problems,
        rejected_csv=rejected_rows_csv(table, problems, reason_text),
        committed=not dry_run,
    )

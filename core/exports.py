"""CSV exports of applications and members for organizers (personal data: never for the liaison)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, String, select, type_coerce

from core import vocab
from core.csvio import write_table
from core.i18n import t
from core.screening import flags
from core.settings import get_setting
from db import applications as repo
from db.audit import record
from db.engine import read_session, write_session
from db.models import Application, Member

TOKYO = ZoneInfo("Asia/Tokyo")
CHUNK = 1000

APPLICATION_COLUMNS = (
    "id", "submitted_at", "status", "email", "full_name", "name_kana", "former_company", "former_division",
    "currently_working", "current_employer", "industry", "region", "referrer", "consent", "flags",
    "decided_by", "decided_at", "decision_category", "decision_reason", "override_reason", "member_id",
)
MEMBER_COLUMNS = (
    "id", "email", "full_name", "name_kana", "joined_on", "left_on", "former_company", "current_employer",
    "industry", "region", "matching_opt_in", "introduction_opt_in", "needs", "offers",
)
MEMBER_FIELDS = (
    Member.id, Member.email, Member.full_name, Member.name_kana, Member.joined_on, Member.left_on,
    Member.former_company, Member.current_employer, Member.industry_code, Member.region, Member.matching_opt_in,
    Member.introduction_opt_in, type_coerce(Member.needs, String).label("needs"),
    type_coerce(Member.offers, String).label("offers"),  # the JSON text: each distinct list is decoded once
)


def _local(value: dt.datetime | None) -> str:
    return value.replace(tzinfo=dt.UTC).astimezone(TOKYO).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _yes_no(value: bool | None, lang: str) -> str:
    return "" if value is None else t("common.yes" if value else "common.no", lang)


def column_label(column: str, lang: str) -> str:
    return t(f"field.{column}", lang)


def applications_csv(engine: Engine, actor: str, status: str | None = None, lang: str = "ja") -> bytes:
    """Every application (or those of one status) with its flags and decision; the export is audited."""
    eligible = list(get_setting(engine, "eligible_companies"))
    rows = []
    with read_session(engine) as session:
        query = select(Application).order_by(Application.submitted_at, Application.id)
        if status:
            query = query.where(Application.status == status)
        found = list(session.scalars(query))
        for start in range(0, len(found), CHUNK):
            chunk = found[start : start + CHUNK]
            facts = repo.screening_facts(session, chunk, eligible)
            for a in chunk:
                rows.append([
                    a.id, _local(a.submitted_at), t(f"status.{a.status}", lang), a.email, a.full_name,
                    a.name_kana or "", a.former_company or "", a.former_division or "",
                    _yes_no(a.currently_working, lang), a.current_employer or "",
                    vocab.label("industry", a.industry_code, lang), vocab.label("region", a.region, lang),
                    a.referrer or "", _yes_no(a.consent_at is not None, lang),
                    " / ".join(t(f"flag.{flag}", lang) for flag in flags(facts[a.id])),
                    a.decided_by or "", _local(a.decided_at),
                    t(f"reject.{a.decision_category}", lang) if a.decision_category else "",
                    a.decision_reason or "", a.override_reason or "", a.member_id or "",
                ])
    _audit(engine, actor, "applications", len(rows), status)
    return write_table([column_label(c, lang) for c in APPLICATION_COLUMNS], rows)


def members_csv(engine: Engine, actor: str, lang: str = "ja") -> bytes:
    """Every member who has not been erased, with profile and matching fields; the export is audited."""
    # Plain rows rather than ORM objects, and each label looked up once: 100,000 members in a few seconds.
    industry = functools.cache(lambda code: vocab.label("industry", code, lang))
    region = functools.cache(lambda code: vocab.label("region", code, lang))
    labels = functools.cache(lambda raw: ", ".join(vocab.tag_label(tag, lang) for tag in json.loads(raw) or ()))

    def tags(raw: str | list | None) -> str:  # SQLite gives the JSON text; PostgreSQL's driver may give the list
        return labels(raw if isinstance(raw, str) else json.dumps(raw or []))

    yes_no = {value: _yes_no(value, lang) for value in (True, False, None)}
    rows = []
    with read_session(engine) as session:
        for (member_id, email, full_name, name_kana, joined_on, left_on, former_company, current_employer,
             industry_code, region_code, matching, introduce, needs, offers) in session.execute(
                select(*MEMBER_FIELDS).where(Member.erased.is_(False)).order_by(Member.joined_on, Member.id)):
            rows.append([
                member_id, email, full_name, name_kana or "", joined_on.isoformat(),
                left_on.isoformat() if left_on else "", former_company or "", current_employer or "",
                industry(industry_code), region(region_code), yes_no[matching], yes_no[introduce],
                tags(needs), tags(offers),
            ])
    _audit(engine, actor, "members", len(rows), None)
    return write_table([column_label(c, lang) for c in MEMBER_COLUMNS], rows)


def _audit(engine: Engine, actor: str, kind: str, count: int, status: str | None) -> None:
    with write_session(engine) as session:
        record(session, actor=actor, action="export", entity=kind, details={"rows": count, "status": status})

"""CSV exports of applications and members for organizers (personal data: never for the liaison)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

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
    rows = []
    with read_session(engine) as session:
        for m in session.scalars(select(Member).where(Member.erased.is_(False)).order_by(Member.joined_on, Member.id)):
            rows.append([
                m.id, m.email, m.full_name, m.name_kana or "", m.joined_on.isoformat(),
                m.left_on.isoformat() if m.left_on else "", m.former_company or "", m.current_employer or "",
                vocab.label("industry", m.industry_code, lang), vocab.label("region", m.region, lang),
                _yes_no(m.matching_opt_in, lang), _yes_no(m.introduction_opt_in, lang),
                ", ".join(vocab.tag_label(tag, lang) for tag in m.needs or []),
                ", ".join(vocab.tag_label(tag, lang) for tag in m.offers or []),
            ])
    _audit(engine, actor, "members", len(rows), None)
    return write_table([column_label(c, lang) for c in MEMBER_COLUMNS], rows)


def _audit(engine: Engine, actor: str, kind: str, count: int, status: str | None) -> None:
    with write_session(engine) as session:
        record(session, actor=actor, action="export", entity=kind, details={"rows": count, "status": status})

"""Network settings kept in the database, with their defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from core.vocab import group_companies
from db import settings as repo
from db.audit import record
from db.engine import read_session, write_session

DEFAULTS: dict[str, Any] = {
    "network_name": "ソニー アルムナイ ネットワーク",
    "network_name_en": "Sony Alumni Network",
    "demo_mode": False,
    "k_anonymity": 5,
    "eligible_companies": [company.name_ja for company in group_companies()],
    "public_form_enabled": False,
    "import_presets": {"applications": {}, "members": {}},
    "purpose_of_use": (
        "ご提供いただいた個人情報は、入会審査、会員名簿の管理、会員同士の紹介およびネットワークからのご連絡にのみ利用し、"
        "ご本人の同意なく第三者に提供することはありません。会社側窓口には個人を特定できない集計値のみを共有します。"
    ),
}


def get_setting(engine: Engine, key: str) -> Any:
    with read_session(engine) as session:
        stored = repo.get(session, key)
    return DEFAULTS[key] if stored is repo.MISSING else stored


def set_setting(engine: Engine, key: str, value: Any, actor: str) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    with write_session(engine) as session:
        repo.put(session, key, value)
        record(session, actor=actor, action="setting_changed", entity="setting", details={"key": key, "value": value})

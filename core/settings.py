"""Network settings kept in the database, with their defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from db import settings as repo
from db.audit import record
from db.engine import read_session, write_session

DEFAULTS: dict[str, Any] = {
    "network_name": "ソニー アルムナイ ネットワーク",
    "network_name_en": "Sony Alumni Network",
    "demo_mode": False,
    "k_anonymity": 5,
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

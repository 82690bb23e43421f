"""Network settings kept in the database, with their defaults."""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from sqlalchemy import Engine

from core.vocab import group_companies
from db import settings as repo
from db.audit import record
from db.engine import read_session, write_session

CACHE_SECONDS = 5.0
_CACHE: dict[str, tuple[float, dict[str, Any]]] = {}
_LOCK = threading.Lock()

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
    """A setting's value (its default when it was never set).

    Every run of a page reads several settings: they are read together and kept for CACHE_SECONDS in
    this process (cleared at once by set_setting here; a change made by another process shows within
    those seconds).
    """
    name = engine.url.render_as_string(hide_password=False)
    now = time.monotonic()
    with _LOCK:
        cached = _CACHE.get(name)
    if cached is None or now - cached[0] > CACHE_SECONDS:
        with read_session(engine) as session:
            cached = (now, repo.all_values(session))
        with _LOCK:
            _CACHE[name] = cached
    return copy.deepcopy(cached[1].get(key, DEFAULTS[key]))


def forget_settings() -> None:
    with _LOCK:
        _CACHE.clear()


def set_setting(engine: Engine, key: str, value: Any, actor: str) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    with write_session(engine) as session:
        repo.put(session, key, value)
        record(session, actor=actor, action="setting_changed", entity="setting", details={"key": key, "value": value})
    forget_settings()

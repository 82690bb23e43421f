"""The UI language in session state and the translation helper for pages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from core.errors import DomainError
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, describe, t

TOKYO = ZoneInfo("Asia/Tokyo")
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


def lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def wkey(name: str) -> str:
    """A widget key per language: Streamlit keeps a keyed selectbox's shown labels across a language switch."""
    return name if lang() == DEFAULT_LANGUAGE else f"{name}.{lang()}"


def tr(key: str, **params: Any) -> str:
    return t(key, lang(), **params)


def error_text(error: DomainError) -> str:
    return describe(error.key, error.params, lang())


def local_time(value: dt.datetime | None) -> str:
    """A naive-UTC timestamp shown in Japan time."""
    if value is None:
        return ""
    return value.replace(tzinfo=dt.UTC).astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")


def day_start_utc(day: dt.date | None, days_later: int = 0) -> dt.datetime | None:
    """Midnight in Japan of `day` (plus `days_later`), as naive UTC for comparing with stored timestamps."""
    if day is None:
        return None
    local = dt.datetime.combine(day + dt.timedelta(days=days_later), dt.time(), tzinfo=TOKYO)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def language_switch() -> None:
    st.session_state.setdefault("lang", DEFAULT_LANGUAGE)
    st.sidebar.segmented_control(
        tr("app.language"),
        options=list(LANGUAGES),
        format_func=LANGUAGE_NAMES.get,
        key="lang",
        selection_mode="single",
        required=True,
    )

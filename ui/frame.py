"""The shared frame: the cached engine, the signed-in account and the role check every page makes."""

from __future__ import annotations

import os
from collections.abc import Iterable

import streamlit as st

from core.accounts import Account
from core.config import demo_wanted
from core.setup import init_database, seed_demo
from db.engine import Engine, database_url, is_default_database, make_engine
from ui.i18n import tr, wkey

ACCOUNT_KEY = "account"
FLASH_KEY = "frame_flash"


@st.cache_resource(show_spinner=False)
def _engine_for(url: str, demo: bool) -> Engine:
    engine = make_engine(url)
    init_database(engine)
    if demo:
        seed_demo(engine)
    return engine


def engine() -> Engine:
    """The engine for DATABASE_URL, migrated (and seeded with demo data when wanted) on first use."""
    return _engine_for(database_url(), demo_wanted(is_default_database()))


def current_account() -> Account | None:
    return st.session_state.get(ACCOUNT_KEY)


def require_role(roles: Iterable[str]) -> Account:
    """Stop the page unless the signed-in account has one of `roles`."""
    account = current_account()
    if account is None or account.role not in set(roles):
        st.error(tr("app.no_permission"))
        st.stop()
    return account


def data_changed() -> None:
    """Call after every write so cached query results are fetched again."""
    st.cache_data.clear()


def secret(name: str) -> str | None:
    """A value from .streamlit/secrets.toml, else from the environment variable ALUMNI_<NAME>."""
    try:
        value = st.secrets.get(name)
    except FileNotFoundError:
        value = None
    return value or os.environ.get(f"ALUMNI_{name.upper()}")


def flash(message: str) -> None:
    """Show `message` after a rerun, so the page is drawn again with the data just written."""
    st.session_state[FLASH_KEY] = message
    st.rerun()


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def lazy_tabs(label_keys: list[str], key: str) -> list:
    """Tabs of which only the open one runs: test `tab.open` before drawing a tab's content.

    A rerun draws one tab's widgets instead of all of them (st.tabs with on_change="rerun"); the key
    carries the language, as the open tab is remembered by its label.
    """
    return st.tabs([tr(label) for label in label_keys], key=wkey(key), on_change="rerun")

import pandas as pd
import streamlit as st

from core import accounts
from core.errors import DomainError, PasswordsDiffer
from db.models import ROLES
from ui.frame import data_changed, engine, flash, lazy_tabs, require_role, show_flash
from ui.i18n import error_text, local_time, tr, wkey

admin = require_role(("admin",))
db = engine()


def attempt(action, success_key: str, **params) -> None:
    try:
        action()
    except DomainError as error:
        st.error(error_text(error))
    else:
        data_changed()
        flash(tr(success_key, **params))


def checked_password(password: str, repeat: str) -> str:
    if password != repeat:
        raise PasswordsDiffer()
    return password


st.title(tr("accounts.title"))
show_flash()

list_tab, add_tab, edit_tab = lazy_tabs(["accounts.list", "accounts.add", "accounts.edit"], "accounts_tabs")
rows = accounts.list_accounts(db) if list_tab.open or edit_tab.open else []
if list_tab.open:
    with list_tab:
        st.dataframe(
            pd.DataFrame(
                {
                    tr("accounts.col.username"): [a.username for a in rows],
                    tr("accounts.col.name"): [a.display_name for a in rows],
                    tr("accounts.col.role"): [tr(f"role.{a.role}") for a in rows],
                    tr("accounts.col.active"): [tr("common.yes") if a.is_active else tr("common.no") for a in rows],
                    tr("accounts.col.locked_until"): [local_time(a.locked_until) for a in rows],
                    tr("accounts.col.last_login"): [local_time(a.last_login_at) for a in rows],
                }
            ),
            hide_index=True,
        )
if edit_tab.open:
    with edit_tab:
        target = st.selectbox(tr("accounts.pick"), [a.username for a in rows], key="accounts_target")
        chosen = next((a for a in rows if a.username == target), None)
        if chosen is not None:
            with st.form("accounts_role"):
                new_role = st.selectbox(tr("accounts.col.role"), ROLES, index=ROLES.index(chosen.role),
                                        format_func=lambda r: tr(f"role.{r}"), key=wkey("accounts_edit_role"))
                if st.form_submit_button(tr("accounts.change_role")):
                    attempt(lambda: accounts.change_role(db, chosen.username, new_role, actor=admin.username),
                            "accounts.role_changed", username=chosen.username)
            with st.form("accounts_password", clear_on_submit=True):
                new_password = st.text_input(tr("accounts.password"), type="password", key="accounts_reset_password",
                                             help=tr("accounts.password_help"))
                new_repeat = st.text_input(tr("accounts.password_repeat"), type="password", key="accounts_reset_repeat")
                if st.form_submit_button(tr("accounts.reset_password")):
                    attempt(
                        lambda: accounts.reset_password(db, chosen.username, checked_password(new_password, new_repeat),
                                                        actor=admin.username),
                        "accounts.password_reset",
                        username=chosen.username,
                    )
            if chosen.username == admin.username:
                st.caption(tr("accounts.self_disable"))
            elif chosen.is_active:
                if st.button(tr("accounts.disable"), key="accounts_disable", icon=":material/block:"):
                    attempt(lambda: accounts.set_active(db, chosen.username, False, actor=admin.username),
                            "accounts.disabled", username=chosen.username)
            elif st.button(tr("accounts.enable"), key="accounts_enable", icon=":material/check_circle:"):
                attempt(lambda: accounts.set_active(db, chosen.username, True, actor=admin.username),
                        "accounts.enabled", username=chosen.username)

if add_tab.open:
    with add_tab, st.form("accounts_add", clear_on_submit=True):
        username = st.text_input(tr("accounts.col.username"), key="accounts_new_username",
                                 help=tr("accounts.username_help"))
        name = st.text_input(tr("accounts.col.name"), key="accounts_new_name")
        role = st.selectbox(tr("accounts.col.role"), ROLES, format_func=lambda r: tr(f"role.{r}"),
                            index=1, key=wkey("accounts_new_role"))
        password = st.text_input(tr("accounts.password"), type="password", key="accounts_new_password",
                                 help=tr("accounts.password_help"))
        repeat = st.text_input(tr("accounts.password_repeat"), type="password", key="accounts_new_repeat")
        if st.form_submit_button(tr("accounts.create"), type="primary"):
            attempt(
                lambda: accounts.create_account(db, username, name, role, checked_password(password, repeat),
                                                actor=admin.username),
                "accounts.created",
                username=username.strip().lower(),
            )

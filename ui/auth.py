"""Login with streamlit-authenticator, backed by the accounts in the database.

The library keeps credentials in a dict and its lockout in memory; here the password check and
the failure count go to the database (core.accounts.authenticate), and a login cookie counts only
while its account is active and was issued after the account's last logout.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pandas as pd
import streamlit as st
import streamlit_authenticator as stauth

from core import accounts
from core.accounts import Account
from core.errors import DomainError, InvalidCredentials
from core.settings import get_setting
from core.setup import DEMO_ACCOUNTS
from db.engine import Engine
from ui.frame import ACCOUNT_KEY, secret
from ui.i18n import error_text, tr

COOKIE_NAME = "alumni_dashboard_login"
COOKIE_EXPIRY_DAYS = 7.0
REQUESTED_PAGE_KEY = "auth_requested_page"
NOTICE_KEY = "auth_notice"
PENDING_COOKIE_KEY = "auth_cookie_to_write"


def cookie_key() -> str:
    from core.config import resolve_cookie_key
    from db.engine import PROJECT_DIR

    return resolve_cookie_key(secret("cookie_key"), PROJECT_DIR / "data" / ".cookie_key")


def authenticator(engine: Engine) -> stauth.Authenticate:
    # the library reads the accounts only to log someone in; a signed-in session skips that query
    signed_in = st.session_state.get("authentication_status") is True
    auth = stauth.Authenticate(
        {"usernames": {}} if signed_in else accounts.credentials(engine),
        COOKIE_NAME,
        cookie_key(),
        COOKIE_EXPIRY_DAYS,
        auto_hash=False,
        login_sleep_time=0,
    )

    def check_credentials(username: str, password: str) -> bool:
        try:
            accounts.authenticate(engine, username, password)
        except InvalidCredentials:
            return False
        return True

    cookie_controller = auth.cookie_controller
    read_cookie = cookie_controller.get_cookie

    def get_cookie():
        token = read_cookie()
        if not token:
            return token
        seconds = token["exp_date"] - COOKIE_EXPIRY_DAYS * 86400
        issued = dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)
        account = accounts.find_account(engine, token["username"])
        return token if accounts.cookie_still_valid(account, issued) else None

    cookie_model = cookie_controller.cookie_model

    def set_cookie() -> None:
        cookie_model.exp_date = cookie_model._set_exp_date()
        expires = dt.datetime.fromtimestamp(cookie_model.exp_date).isoformat()
        st.session_state[PENDING_COOKIE_KEY] = {"token": cookie_model._token_encode(), "expires": expires}
        write_pending_cookie(auth)

    auth.authentication_controller.authentication_model.check_credentials = check_credentials
    cookie_controller.get_cookie = get_cookie
    cookie_controller.set_cookie = set_cookie
    return auth


def write_pending_cookie(auth: stauth.Authenticate) -> None:
    """Draw the component that writes the login cookie until the browser says it has written it.

    The library draws it once, in the run of the login form; a rerun that comes before the
    browser has loaded it (another component answering on a busy machine) would drop it, and
    the next reload would ask for the password again.
    """
    pending = st.session_state.get(PENDING_COOKIE_KEY)
    if not pending:
        return
    manager = auth.cookie_controller.cookie_model.cookie_manager
    manager._remove_extra_spacing()
    written = manager.cookie_manager(
        method="set", cookie=COOKIE_NAME, value=pending["token"],
        options={"path": "/", "expires": pending["expires"], "sameSite": "strict"},
        key="auth-cookie-write", default=False,
    )
    if written:
        st.session_state.pop(PENDING_COOKIE_KEY, None)


def _forget_login(auth: stauth.Authenticate) -> None:
    auth.authentication_controller.logout()
    st.session_state.pop(ACCOUNT_KEY, None)
    st.session_state.pop(PENDING_COOKIE_KEY, None)


def signed_in_account(engine: Engine, auth: stauth.Authenticate) -> Account | None:
    """The account of this session (logging in from a valid cookie); None for a visitor."""
    if not st.session_state.get("authentication_status"):
        auth.login(location="unrendered", key="cookie-login")
    if not st.session_state.get("authentication_status"):
        st.session_state.pop(ACCOUNT_KEY, None)
        return None
    account = accounts.find_account(engine, st.session_state["username"])
    if account is None or not account.is_active:
        _forget_login(auth)
        st.session_state[NOTICE_KEY] = "auth.session_ended"
        return None
    st.session_state[ACCOUNT_KEY] = account
    write_pending_cookie(auth)
    return account


def logout(engine: Engine, auth: stauth.Authenticate) -> None:
    """Button callback: end every cookie of this account and clear the session."""
    username = st.session_state.get("username")
    if username:
        accounts.end_sessions(engine, username)
    _forget_login(auth)


def remember_requested_page() -> None:
    """Keep the page a visitor asked for, to open it once they have logged in."""
    path = urlparse(st.context.url or "").path.strip("/")
    if path and path not in ("login", "apply"):
        st.session_state.setdefault(REQUESTED_PAGE_KEY, path)


def open_requested_page(pages: list[st.Page]) -> None:
    requested = st.session_state.pop(REQUESTED_PAGE_KEY, None)
    for page in pages:
        if requested and page.url_path == requested:
            st.switch_page(page)


def login_page(engine: Engine, auth: stauth.Authenticate) -> None:
    st.title(get_setting(engine, "network_name" if st.session_state.get("lang") != "en" else "network_name_en"))
    st.caption(tr("login.intro"))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(tr(notice))
    left, right = st.columns([3, 2], gap="large")
    with left:
        try:
            auth.login(
                fields={
                    "Form name": tr("login.form"),
                    "Username": tr("login.username"),
                    "Password": tr("login.password"),
                    "Login": tr("login.submit"),
                },
                key="login-form",
            )
        except DomainError as error:
            st.error(error_text(error))
        status = st.session_state.get("authentication_status")
        if status is False:
            st.error(tr("auth.invalid_credentials"))
        elif status:
            st.success(tr("login.success"))
    if get_setting(engine, "demo_mode"):
        with right:
            st.subheader(tr("login.demo_accounts"))
            st.dataframe(
                pd.DataFrame(
                    [(username, tr(f"role.{role}"), password) for username, _, role, password in DEMO_ACCOUNTS],
                    columns=[tr("login.username"), tr("accounts.col.role"), tr("login.password")],
                ),
                hide_index=True,
            )
            st.caption(tr("login.demo_accounts_note"))

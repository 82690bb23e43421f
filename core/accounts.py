"""Dashboard accounts: password rules, the login lockout and the account use cases."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

import bcrypt
from sqlalchemy import Engine

from core.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidRole,
    InvalidUsername,
    LastAdmin,
    PasswordHasOuterSpaces,
    PasswordTooLong,
    PasswordTooShort,
    UsernameTaken,
)
from db import accounts as repo
from db.audit import record
from db.engine import read_session, write_session
from db.models import ROLES, utcnow

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt 5 raises beyond it
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCK_DURATION = dt.timedelta(minutes=15)
BCRYPT_ROUNDS = int(os.environ.get("ALUMNI_BCRYPT_ROUNDS", "12"))
USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{3,32}$")


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    is_active: bool
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    sessions_valid_after: dt.datetime | None


def validate_password(password: str) -> None:
    """Raises PasswordTooShort, PasswordTooLong or PasswordHasOuterSpaces."""
    if password != password.strip():
        raise PasswordHasOuterSpaces()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(min=MIN_PASSWORD_LENGTH)
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise PasswordTooLong()


def hash_password(password: str) -> str:
    validate_password(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode("ascii")


def password_matches(password: str, password_hash: str) -> bool:
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False
    return bcrypt.checkpw(encoded, password_hash.encode("ascii"))


@dataclass(frozen=True)
class FailureState:
    failed_attempts: int
    first_failed_at: dt.datetime | None
    locked_until: dt.datetime | None


def after_failure(state: FailureState, now: dt.datetime) -> FailureState:
    """Count one failed login: the fifth failure within the window locks the account."""
    in_window = state.first_failed_at is not None and now - state.first_failed_at <= FAILURE_WINDOW
    attempts = state.failed_attempts + 1 if in_window else 1
    first = state.first_failed_at if in_window else now
    if attempts >= MAX_FAILURES:
        return FailureState(0, None, now + LOCK_DURATION)
    return FailureState(attempts, first, state.locked_until)


def is_locked(locked_until: dt.datetime | None, now: dt.datetime) -> bool:
    return locked_until is not None and now < locked_until


def validate_username(username: str) -> str:
    """Returns the username as stored (lower case). Raises InvalidUsername."""
    normalized = username.strip().lower()
    if not USERNAME_PATTERN.match(normalized):
        raise InvalidUsername()
    return normalized


def validate_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidRole(role=role)


def _view(row) -> Account:
    return Account(
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        is_active=row.is_active,
        locked_until=row.locked_until,
        last_login_at=row.last_login_at,
        sessions_valid_after=row.sessions_valid_after,
    )


def authenticate(engine: Engine, username: str, password: str, now: dt.datetime | None = None) -> Account:
    """Check a login and record it, failures included (they survive restarts).

    Raises AccountLocked while the account is locked (even for the right password) and
    InvalidCredentials for an unknown or disabled account or a wrong password.
    """
    now = now or utcnow()
    username = username.strip().lower()
    error: Exception | None = None
    with write_session(engine) as session:
        row = repo.get(session, username)
        if row is None or not row.is_active:
            record(session, actor=username or "-", action="login_failed", entity="user_account")
            error = InvalidCredentials()
        elif is_locked(row.locked_until, now):
            record(session, actor=username, action="login_refused_locked", entity="user_account", entity_id=row.id)
            error = AccountLocked(until=row.locked_until)
        elif password_matches(password, row.password_hash):
            row.failed_attempts, row.first_failed_at, row.locked_until = 0, None, None
            row.last_login_at = now
            record(session, actor=username, action="login", entity="user_account", entity_id=row.id)
            return _view(row)
        else:
            state = after_failure(FailureState(row.failed_attempts, row.first_failed_at, row.locked_until), now)
            row.failed_attempts, row.first_failed_at, row.locked_until = (
                state.failed_attempts,
                state.first_failed_at,
                state.locked_until,
            )
            record(session, actor=username, action="login_failed", entity="user_account", entity_id=row.id)
            locked = is_locked(state.locked_until, now)
            error = AccountLocked(until=state.locked_until) if locked else InvalidCredentials()
    raise error


def create_account(
    engine: Engine, username: str, display_name: str, role: str, password: str, actor: str
) -> Account:
    """Raises InvalidUsername, InvalidRole, UsernameTaken or a password error."""
    username = validate_username(username)
    validate_role(role)
    password_hash = hash_password(password)
    with write_session(engine) as session:
        if repo.get(session, username) is not None:
            raise UsernameTaken(username=username)
        row = repo.add(session, username, display_name.strip() or username, role, password_hash)
        record(session, actor=actor, action="account_created", entity="user_account", entity_id=row.id,
               new_value=role, details={"username": username})
        return _view(row)


def list_accounts(engine: Engine) -> list[Account]:
    with read_session(engine) as session:
        return [_view(row) for row in repo.all_accounts(session)]


def find_account(engine: Engine, username: str) -> Account | None:
    with read_session(engine) as session:
        row = repo.get(session, username.strip().lower())
        return _view(row) if row else None


def credentials(engine: Engine) -> dict:
    """Active accounts in the shape streamlit-authenticator expects (hashes only)."""
    with read_session(engine) as session:
        return {
            "usernames": {
                row.username: {
                    "name": row.display_name,
                    "password": row.password_hash,
                    "roles": [row.role],
                    "email": None,
                }
                for row in repo.all_accounts(session)
                if row.is_active
            }
        }


def _ensure_admin_remains(session, username: str) -> None:
    if repo.active_admins(session) == [username]:
        raise LastAdmin()


def change_role(engine: Engine, username: str, role: str, actor: str) -> None:
    """Raises AccountNotFound, InvalidRole or LastAdmin."""
    validate_role(role)
    with write_session(engine) as session:
        row = repo.get_or_raise(session, username)
        if row.role == "admin" and role != "admin":
            _ensure_admin_remains(session, row.username)
        old = row.role
        row.role = role
        record(session, actor=actor, action="account_role_changed", entity="user_account", entity_id=row.id,
               old_value=old, new_value=role)


def set_active(engine: Engine, username: str, active: bool, actor: str) -> None:
    """Enable or disable an account; disabling also ends its sessions. Raises LastAdmin."""
    with write_session(engine) as session:
        row = repo.get_or_raise(session, username)
        if not active and row.role == "admin":
            _ensure_admin_remains(session, row.username)
        row.is_active = active
        if not active:
            row.sessions_valid_after = utcnow()
        record(session, actor=actor, action="account_enabled" if active else "account_disabled",
               entity="user_account", entity_id=row.id)


def reset_password(engine: Engine, username: str, password: str, actor: str) -> None:
    """Set a new password, lift any lock and end existing sessions."""
    password_hash = hash_password(password)
    with write_session(engine) as session:
        row = repo.get_or_raise(session, username)
        row.password_hash = password_hash
        row.failed_attempts, row.first_failed_at, row.locked_until = 0, None, None
        row.sessions_valid_after = utcnow()
        record(session, actor=actor, action="password_reset", entity="user_account", entity_id=row.id)


def end_sessions(engine: Engine, username: str) -> None:
    """Logout: every login cookie issued to this account before now stops working."""
    with write_session(engine) as session:
        row = repo.get(session, username)
        if row is not None:
            row.sessions_valid_after = utcnow()
            record(session, actor=username, action="logout", entity="user_account", entity_id=row.id)


def cookie_still_valid(account: Account | None, issued_at: dt.datetime) -> bool:
    """A login cookie counts only for an active account and only if issued after its last logout."""
    if account is None or not account.is_active:
        return False
    return account.sessions_valid_after is None or issued_at > account.sessions_valid_after

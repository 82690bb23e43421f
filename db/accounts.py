"""Queries on user_accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import AccountNotFound
from db.models import UserAccount


def get(session: Session, username: str) -> UserAccount | None:
    return session.scalar(select(UserAccount).where(UserAccount.username == username))


def get_or_raise(session: Session, username: str) -> UserAccount:
    """Raises AccountNotFound."""
    row = get(session, username.strip().lower())
    if row is None:
        raise AccountNotFound(username=username)
    return row


def add(session: Session, username: str, display_name: str, role: str, password_hash: str) -> UserAccount:
    row = UserAccount(username=username, display_name=display_name, role=role, password_hash=password_hash)
    session.add(row)
    session.flush()
    return row


def all_accounts(session: Session) -> list[UserAccount]:
    return list(session.scalars(select(UserAccount).order_by(UserAccount.username)))


def active_admins(session: Session) -> list[str]:
    query = select(UserAccount.username).where(UserAccount.role == "admin", UserAccount.is_active.is_(True))
    return list(session.scalars(query))

"""Preparing a database: migrations, default screening questions, demo data and demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from core import accounts
from core.settings import forget_settings, set_setting
from db.engine import write_session
from db.migrate import upgrade
from db.models import UserAccount
from db.screening import ensure_default_questions

DEMO_ACCOUNTS = (
    ("admin", "デモ管理者", "admin", "admin-demo-2026"),
    ("organizer", "デモ運営", "organizer", "organizer-demo-2026"),
    ("liaison", "デモ会社窓口", "liaison", "liaison-demo-2026"),
)


@dataclass(frozen=True)
class DemoOutcome:
    members_added: int
    applications_added: int
    accounts_added: int
    skipped: bool


def init_database(engine: Engine) -> None:
    """Apply the migrations and create the default screening questions; safe to run again."""
    upgrade(engine)
    with write_session(engine) as session:
        ensure_default_questions(session)
    forget_settings()


def seed_demo(engine: Engine, members: int = 240, seed: int = 7) -> DemoOutcome:
    """Fill an empty database with demo data and demo accounts and turn demo mode on.

    A database that already has members gets nothing (skipped=True).
    """
    from db.demo import seed_demo as generate

    init_database(engine)
    result = generate(engine, members=members, seed=seed)
    if result.skipped:
        return DemoOutcome(0, 0, 0, skipped=True)
    added = 0
    with write_session(engine) as session:
        existing = set(session.scalars(select(UserAccount.username)))
    for username, name, role, password in DEMO_ACCOUNTS:
        if username not in existing:
            accounts.create_account(engine, username, name, role, password, actor="seed-demo")
            added += 1
    set_setting(engine, "demo_mode", True, actor="seed-demo")
    return DemoOutcome(result.members, result.applications, added, skipped=False)

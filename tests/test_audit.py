"""The audit log: append-only, filtered and exported by admins."""

import pytest
from sqlalchemy import delete, select, update

from core import accounts, audit
from core.audit import AuditFilter
from db.audit import AuditLogIsAppendOnly, record
from db.engine import make_engine, read_session, write_session
from db.models import AuditLog
from tests.test_app import new_app, submit_login


def test_no_code_path_can_change_or_remove_an_audit_row(engine):
    with write_session(engine) as session:
        record(session, actor="sato", action="decision", entity="application", entity_id=1)
    with pytest.raises(AuditLogIsAppendOnly), write_session(engine) as session:
        session.scalar(select(AuditLog)).actor = "someone else"
    with pytest.raises(AuditLogIsAppendOnly), write_session(engine) as session:
        session.delete(session.scalar(select(AuditLog)))
    with read_session(engine) as session:
        assert session.scalar(select(AuditLog.actor)) == "sato"


def test_bulk_statements_cannot_rewrite_the_audit_log_either(engine):
    with write_session(engine) as session:
        record(session, actor="sato", action="decision")
    for statement in (update(AuditLog).values(actor="x"), delete(AuditLog)):
        with pytest.raises(Exception), write_session(engine) as session:  # noqa: B017 - the database refuses
            session.execute(statement)
    with read_session(engine) as session:
        assert session.scalar(select(AuditLog.actor)) == "sato"


def test_entries_are_filtered_by_action_and_actor_and_exported_safely(engine):
    accounts.create_account(engine, "sato", "佐藤", "organizer", "sato-password-1", actor="=boss")
    with pytest.raises(Exception):  # noqa: B017 - a wrong password, recorded as a failed login
        accounts.authenticate(engine, "sato", "wrong-password")
    failed = audit.entries(engine, AuditFilter(actions=("login_failed",)))
    assert [(e.actor, e.action) for e in failed] == [("sato", "login_failed")]
    data = audit.audit_csv(engine, AuditFilter(), actor="boss").decode("utf-8-sig")
    assert ",'=boss," in data
    assert audit.entries(engine, AuditFilter(actions=("export",)))[0].actor == "boss"


def test_the_admin_browses_the_audit_log_and_others_cannot(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ALUMNI_DEMO", "0")
    engine = make_engine(sqlite_url)
    from core.setup import init_database

    init_database(engine)
    accounts.create_account(engine, "boss", "管理者", "admin", "boss-password-1", actor="test")
    accounts.create_account(engine, "sato", "佐藤", "organizer", "sato-password-1", actor="test")
    at = submit_login(new_app(), "boss", "boss-password-1").run()
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception
    assert "login" in at.dataframe[0].value["操作"].tolist()
    organizer = submit_login(new_app(), "sato", "sato-password-1").run()
    with pytest.raises(ValueError):
        organizer.switch_page("app_pages/audit.py")
    engine.dispose()

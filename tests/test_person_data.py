"""Erasure and disclosure: a person disappears from every text column while the totals stay the same."""

import json

import pytest
from sqlalchemy import JSON, String, Text, func, or_, select

from core import person_data, review
from core.person_data import PersonNotFound
from core.setup import seed_demo
from db.engine import read_session, write_session
from db.models import Application, AuditLog, Base, Introduction, Member, SurveyChoice, SurveyResponse


def every_text_cell_containing(engine, needles) -> list[tuple[str, str]]:
    """Reads every text and JSON cell in Python, so escaped or encoded text cannot hide a match."""
    found = []
    with read_session(engine) as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | Text | JSON):
                    continue
                for value in session.scalars(select(column)):
                    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    if any(needle in text for needle in needles):
                        found.append((table.name, column.name))
                        break
    return found


def totals(engine):
    with read_session(engine) as session:
        return {
            "members": session.scalar(select(func.count()).select_from(Member)),
            "by_company": sorted(session.execute(select(Member.former_company, func.count())
                                                 .group_by(Member.former_company)).all()),
            "statuses": sorted(session.execute(select(Application.status, func.count())
                                               .group_by(Application.status)).all()),
            "choices": session.scalar(select(func.count()).select_from(SurveyChoice)),
            "responses": session.scalar(select(func.count()).select_from(SurveyResponse)),
        }


@pytest.fixture
def demo(engine):
    seed_demo(engine, members=80, seed=3)
    with read_session(engine) as session:
        member = session.scalar(
            select(Member).join(SurveyResponse, SurveyResponse.member_id == Member.id)
            .join(Introduction, or_(Introduction.member_a_id == Member.id, Introduction.member_b_id == Member.id))
            .order_by(Member.id).limit(1)
        ) or session.scalar(select(Member).order_by(Member.id))
    return engine, member


def test_erasing_a_member_leaves_no_trace_of_name_or_email_in_any_text_column(demo):
    engine, member = demo
    with write_session(engine) as session:  # the name also appears in someone else's free text and an audit note
        other = session.scalar(select(Application).where(Application.email_normalized != member.email_normalized))
        other.referrer = member.full_name
        session.add(AuditLog(actor="sato", action="note",
                             details={"reason": f"{member.email} に確認済み", "who": [member.full_name]}))
    before = totals(engine)
    result = person_data.erase(engine, member.email.upper(), actor="boss")
    assert result.members == 1
    needles = [member.email, member.email_normalized, member.full_name]
    assert every_text_cell_containing(engine, needles) == []
    assert totals(engine) == before
    with read_session(engine) as session:
        erased = session.get(Member, member.id)
        assert erased.erased and erased.joined_on == member.joined_on
        assert session.scalar(select(AuditLog.action).order_by(AuditLog.id.desc())) == "erasure"


def test_disclosure_exports_everything_held_on_one_person(demo):
    engine, member = demo
    document = json.loads(person_data.disclosure(engine, member.email))
    assert document["members"][0]["email"] == member.email
    assert document["applications"] and document["applications"][0]["answers"]
    with pytest.raises(PersonNotFound):
        person_data.disclosure(engine, "nobody@example.jp")


def test_an_erased_person_cannot_be_found_and_the_audit_log_stays_closed(demo):
    engine, member = demo
    person_data.erase(engine, member.email, actor="boss")
    with pytest.raises(PersonNotFound):
        person_data.erase(engine, member.email, actor="boss")
    from db.audit import AuditLogIsAppendOnly

    with pytest.raises(AuditLogIsAppendOnly), write_session(engine) as session:
        session.scalar(select(AuditLog)).actor = "x"


def test_the_queue_keeps_working_after_an_erasure(demo):
    engine, member = demo
    person_data.erase(engine, member.email, actor="boss")
    assert review.queue(engine, review.repo.QueueFilter()) is not None


def test_the_command_line_discloses_and_erases(sqlite_url, tmp_path):
    from tests.test_manage import manage

    assert manage("seed-demo", "--members", "30", "--seed", "2", url=sqlite_url).returncode == 0
    from db.engine import make_engine

    engine = make_engine(sqlite_url)
    with read_session(engine) as session:
        email = session.scalar(select(Member.email).order_by(Member.id))
    out = tmp_path / "person.json"
    assert manage("export", "person", email, "--out", str(out), url=sqlite_url).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))["members"][0]["email"] == email
    erased = manage("erase-member", email, url=sqlite_url)
    assert erased.returncode == 0 and "Erased 1 member record(s)" in erased.stdout
    again = manage("erase-member", email, url=sqlite_url)
    assert again.returncode == 2 and "見つかりません" in again.stderr
    engine.dispose()


def test_an_admin_erases_a_person_on_the_page(sqlite_url, monkeypatch):
    from core import accounts
    from core.setup import init_database
    from db.engine import make_engine
    from tests.test_app import new_app, submit_login

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ALUMNI_DEMO", "0")
    engine = make_engine(sqlite_url)
    init_database(engine)
    seed_demo(engine, members=30, seed=2)
    accounts.create_account(engine, "boss", "管理者", "admin", "boss-password-1", actor="test")
    with read_session(engine) as session:
        email = session.scalar(select(Member.email).order_by(Member.id))
    at = submit_login(new_app(), "boss", "boss-password-1").run()
    at.switch_page("app_pages/person.py").run()
    at.text_input(key="person_email").input(email).run()
    assert at.metric[0].value == "1"
    at.text_input(key="person_confirm").input(email).run()
    at.button(key="person_erase").click().run()
    assert not at.exception
    assert any("削除しました" in s.value for s in at.success)
    with pytest.raises(PersonNotFound):
        person_data.disclosure(engine, email)
    engine.dispose()

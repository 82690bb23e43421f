"""The public application form: rules in core, and the page a visitor uses."""

import pytest
from sqlalchemy import select

from core import intake
from core.settings import set_setting
from db.engine import make_engine, read_session
from db.models import Application, ApplicationAnswer
from tests.test_app import new_app


def filled(engine, **changes) -> intake.ApplicationForm:
    answers = {q.id: "回答です" for q in intake.active_questions(engine)}
    values = dict(email="Ｔａｒｏ@Example.jp ", full_name="山田 太郎", former_company="ソニー株式会社",
                  currently_working=True, consent=True, answers=answers, needs=("seeking_clients", "bogus"))
    return intake.ApplicationForm(**{**values, **changes})


def test_a_complete_form_becomes_a_pending_application_with_its_answers(engine):
    application_id = intake.submit(engine, filled(engine))
    with read_session(engine) as session:
        application = session.get(Application, application_id)
        answers = list(session.scalars(select(ApplicationAnswer.answer).where(
            ApplicationAnswer.application_id == application_id)))
    assert (application.status, application.source, application.email_normalized) == (
        "pending", "form", "taro@example.jp")
    assert application.consent_at is not None
    assert application.needs == ["seeking_clients"]
    assert answers == ["回答です", "回答です"]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"consent": False}, "apply.problem.consent"),
        ({"email": "not-an-email"}, "apply.problem.email"),
        ({"full_name": "  "}, "apply.problem.name"),
        ({"currently_working": None}, "apply.problem.working"),
        ({"answers": {}}, "apply.problem.answers"),
    ],
    ids=["no-consent", "bad-email", "no-name", "working-unknown", "unanswered"],
)
def test_an_incomplete_form_is_refused_and_stores_nothing(engine, changes, problem):
    with pytest.raises(intake.InvalidApplication) as raised:
        intake.submit(engine, filled(engine, **changes))
    assert problem in raised.value.params["problems"]
    with read_session(engine) as session:
        assert session.scalar(select(Application.id)) is None


@pytest.fixture
def visitor_app(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ALUMNI_DEMO", "0")
    engine = make_engine(sqlite_url)
    from core.setup import init_database

    init_database(engine)
    yield engine
    engine.dispose()


def test_the_application_page_exists_only_when_switched_on(visitor_app):
    with pytest.raises(ValueError):
        new_app().switch_page("app_pages/apply.py")
    set_setting(visitor_app, "public_form_enabled", True, actor="test")
    at = new_app().switch_page("app_pages/apply.py").run()
    assert at.title[0].value == "入会申込"


def fill_page(at):
    at.text_input(key="apply_full_name").input("佐藤 花子")
    at.text_input(key="apply_email").input("hanako@example.com")
    at.selectbox(key="apply_company").set_value("ソニー銀行")
    at.radio(key="apply_working").set_value(True)
    for area in at.text_area:
        area.input("2010-2019 システム部")
    return at


def submit(at):
    return next(b for b in at.button if b.proto.id.endswith("申し込む")).click().run()


def test_a_visitor_applies_and_sees_only_a_thank_you(visitor_app):
    set_setting(visitor_app, "public_form_enabled", True, actor="test")
    at = new_app().switch_page("app_pages/apply.py").run()
    at = submit(fill_page(at))
    assert any("同意がないと申し込めません" in e.value for e in at.error)
    at.checkbox(key="apply_consent").check()
    at = submit(at)
    assert any("お申し込みありがとうございました" in s.value for s in at.success)
    assert not at.dataframe
    with read_session(visitor_app) as session:
        assert session.scalar(select(Application.full_name)) == "佐藤 花子"


def test_a_filled_honeypot_is_thanked_but_not_stored(visitor_app):
    set_setting(visitor_app, "public_form_enabled", True, actor="test")
    at = fill_page(new_app().switch_page("app_pages/apply.py").run())
    at.checkbox(key="apply_consent").check()
    at.text_input(key="apply_website").input("http://spam.example")
    at = submit(at)
    assert any("ありがとうございました" in s.value for s in at.success)
    with read_session(visitor_app) as session:
        assert session.scalar(select(Application.id)) is None


def test_a_session_cannot_submit_more_than_three_times(visitor_app):
    set_setting(visitor_app, "public_form_enabled", True, actor="test")
    at = new_app().switch_page("app_pages/apply.py").run()
    for _ in range(3):
        at = submit(at)
    at.run()
    assert any("上限" in w.value for w in at.warning)
    assert not [b for b in at.button if b.proto.id.endswith("申し込む")]

"""Organizers at work in the real app: importing, the review queue, decisions, members."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import accounts, members
from core.application_import import import_applications
from core.importing import mapping_from_toml
from core.settings import get_setting
from db.engine import make_engine, read_session
from db.models import Application, Member
from tests.test_app import new_app, open_tab, submit_login

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "applications_google_forms_cp932.csv"
QUEUE, IMPORTS, MEMBERS = "app_pages/queue.py", "app_pages/imports.py", "app_pages/members.py"


@pytest.fixture
def db(sqlite_url, monkeypatch):
    if not SAMPLE.exists():
        pytest.skip("the shared sample data is not beside the checkout")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ALUMNI_DEMO", "0")
    engine = make_engine(sqlite_url)
    from core.setup import init_database

    init_database(engine)
    accounts.create_account(engine, "sato", "佐藤", "organizer", "sato-password-1", actor="test")
    accounts.create_account(engine, "kaisha", "窓口", "liaison", "kaisha-password-1", actor="test")
    yield engine
    engine.dispose()


@pytest.fixture
def imported(db):
    import_applications(db, SAMPLE.read_bytes(), actor="test")
    return db


def organizer_on(page: str):
    at = submit_login(new_app(), "sato", "sato-password-1").run()
    return at.switch_page(page).run()


def status_of(engine, email_part: str) -> str:
    with read_session(engine) as session:
        return session.scalar(select(Application.status).where(Application.email_normalized.contains(email_part)))


def open_detail(at, application_id: int):
    at.selectbox(key="queue_detail").set_value(application_id).run()
    return at


def app_id(engine, email_part: str) -> int:
    with read_session(engine) as session:
        return session.scalar(
            select(Application.id).where(Application.email_normalized.contains(email_part))
            .order_by(Application.id)
        )


def decide(at, decision: str, note: str = "", category: str | None = None, override: str = ""):
    at.radio(key="queue_decision").set_value(decision)
    if category:
        at.selectbox(key="queue_category").set_value(category)
    at.text_area(key="queue_note").input(note)
    at.text_input(key="queue_override").input(override)
    submit = next(button for button in at.button if button.proto.id.endswith("判断を記録する"))
    return submit.click().run()


def test_importing_the_google_forms_sample_through_the_page(db):
    at = organizer_on(IMPORTS)
    at.file_uploader(key="imports_applications_file").set_value(
        ("applications.csv", SAMPLE.read_bytes(), "text/csv")
    ).run()
    assert any("CP932" in caption.value for caption in at.caption)
    at.button(key="imports_applications_preview").click().run()
    assert not at.exception
    with read_session(db) as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 0
    assert any("8 件を追加予定" in info.value for info in at.info)
    at.button(key="imports_applications_commit").click().run()
    assert any("8 件を追加" in s.value and "2 行" in s.value for s in at.success)
    at.button(key="imports_applications_commit").click().run()
    assert any("0 件を追加" in s.value and "8 件は取込済み" in s.value for s in at.success)
    with read_session(db) as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 8


def test_the_queue_shows_waiting_figures_and_flags(imported):
    at = organizer_on(QUEUE)
    assert not at.exception
    assert [m.value for m in at.metric][:1] == ["8"]
    table = at.dataframe[0].value
    assert len(table) == 8
    flags = " ".join(table["確認事項"].tolist())
    expected = ("必須質問が未回答", "同意なし", "グループ会社の在籍が確認できない", "現在就業していない",
                "重複の可能性")
    assert all(flag in flags for flag in expected)


def test_filtering_the_queue_by_company(imported):
    at = organizer_on(QUEUE)
    at.text_input(key="queue_filter_company").input("ソニー生命").run()
    assert at.dataframe[0].value["氏名"].tolist() == ["高橋 次郎"]


def test_approving_an_application_makes_a_member(imported):
    at = organizer_on(QUEUE)
    at = open_detail(at, app_id(imported, "taro.yamada"))
    at = decide(at, "approve")
    assert not at.exception
    assert status_of(imported, "taro.yamada") == "approved"
    with read_session(imported) as session:
        assert session.scalar(select(Member.full_name)) == "山田 太郎"
    assert any("承認" in s.value for s in at.success)


def test_a_blocked_approval_explains_why_and_changes_nothing(imported):
    at = organizer_on(QUEUE)
    at = open_detail(at, app_id(imported, "ichiro.suzuki"))
    at = decide(at, "approve")
    assert any("承認できません" in e.value and "必須質問が未回答" in e.value for e in at.error)
    assert status_of(imported, "ichiro.suzuki") == "pending"


def test_rejecting_needs_a_reason_then_is_recorded(imported):
    at = organizer_on(QUEUE)
    at = open_detail(at, app_id(imported, "kenta.ito"))
    at = decide(at, "reject", category="not_eligible")
    assert any("却下には区分とメモ" in e.value for e in at.error)
    at = decide(at, "reject", note="グループ会社での勤務経験がないため", category="not_eligible")
    assert status_of(imported, "kenta.ito") == "rejected"


def test_an_answer_written_as_markup_is_shown_as_plain_text(imported):
    at = organizer_on(QUEUE)
    at = open_detail(at, app_id(imported, "misaki.tanaka"))
    texts = [t.value for t in at.text]
    assert any(t.startswith('=HYPERLINK("http://evil.example/"') for t in texts)
    assert not any("evil.example" in m.value for m in at.markdown)


def test_batch_approval_reports_what_was_skipped(imported):
    at = organizer_on(QUEUE)
    ids = [app_id(imported, "taro.yamada"), app_id(imported, "yuki.kato")]
    at.multiselect(key="queue_batch_pick").set_value(ids).run()
    at.button(key="queue_batch_go").click().run()
    assert any("1 件を承認" in s.value for s in at.success)
    skipped = next(frame.value for frame in at.dataframe if list(frame.value.columns) == ["ID", "理由"])
    assert len(skipped) == 1 and "同意なし" in skipped.iloc[0, 1]
    assert status_of(imported, "taro.yamada") == "approved"


def test_the_members_page_edits_a_profile_and_records_leaving(imported):
    at = organizer_on(QUEUE)
    decide(open_detail(at, app_id(imported, "taro.yamada")), "approve")
    at = organizer_on(MEMBERS)
    assert at.dataframe[0].value["氏名"].tolist() == ["山田 太郎"]
    assert "members_employer" not in [w.key for w in at.text_input]  # only the open tab runs
    open_tab(at, "members_tabs", "会員情報の編集・退会")
    at.text_input(key="members_employer").input("株式会社ニュー")
    at.multiselect(key="members_offers").set_value(["can_advise"])
    next(b for b in at.button if b.proto.id.endswith("保存する")).click().run()
    assert not at.exception
    member = members.search(imported, "山田")[0]
    assert (member.current_employer, member.offers) == ("株式会社ニュー", ("can_advise",))
    at.button(key="members_mark_left").click().run()
    assert members.search(imported, "山田") == []
    assert members.search(imported, "山田", include_left=True)[0].left_on is not None


def test_a_liaison_cannot_open_the_organizer_pages(db):
    at = submit_login(new_app(), "kaisha", "kaisha-password-1").run()
    for page in (QUEUE, IMPORTS, MEMBERS):
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_a_saved_mapping_preset_is_stored_as_toml_and_offered_again(db):
    at = organizer_on(IMPORTS)
    at.file_uploader(key="imports_applications_file").set_value(("a.csv", SAMPLE.read_bytes(), "text/csv")).run()
    at.selectbox(key="imports_applications_map_10_").set_value("needs").run()
    at.text_input(key="imports_applications_preset_name").input("Googleフォーム2025").run()
    at.button(key="imports_applications_preset_store").click().run()
    stored = get_setting(db, "import_presets")["applications"]["Googleフォーム2025"]
    assert mapping_from_toml(stored)["アルムナイで期待すること（複数選択可）"] == "needs"
    assert "Googleフォーム2025" in at.selectbox(key="imports_applications_preset").options

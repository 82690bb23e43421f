"""The survey pages under AppTest: the organizer imports through the page, the liaison sees aggregates only."""

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import accounts
from core.setup import init_database
from core.survey_import import ImportRequest, import_survey
from db.engine import make_engine, write_session
from db.models import Member
from tests.conftest import APP, COOKIE_KEY

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
RESULTS, ADMIN = "app_pages/surveys.py", "app_pages/survey_admin.py"
USERS = {"sato": ("organizer", "sato-password-1"), "kaisha": ("liaison", "kaisha-password-1"),
         "boss": ("admin", "boss-password-1")}
FREE_TEXT = ("業界ごとの分科会があると嬉しい", "匿名回答です", "ハードウェア系スタートアップの集まりを", "=cmd")
PERSONAL = ("taro.yamada@example.jp", "hanako.sato@example.com", "山田 太郎", "unknown.person@example.org")


def sample(name: str) -> bytes:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is not beside the checkout")
    return path.read_bytes()


@pytest.fixture
def db(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ALUMNI_DEMO", "0")
    engine = make_engine(sqlite_url)
    init_database(engine)
    for username, (role, password) in USERS.items():
        accounts.create_account(engine, username, f"{username} さん", role, password, actor="test")
    with write_session(engine) as session:
        session.add(Member(email="taro.yamada@example.jp", email_normalized="taro.yamada@example.jp",
                           full_name="山田 太郎", name_normalized="山田太郎", joined_on=dt.date(2024, 5, 1),
                           industry_code="28", former_company="ソニー株式会社"))
    yield engine
    engine.dispose()


@pytest.fixture
def imported(db):
    forms = import_survey(db, sample("survey_google_forms_utf8_bom.csv"),
                          ImportRequest("responses", "2025年2月 会員アンケート", dt.date(2025, 2, 10)), actor="t")
    import_survey(db, sample("survey_poll_counts_utf8.csv"),
                  ImportRequest("counts", "2025年2月 グループ投票", dt.date(2025, 2, 20), respondent_count=200),
                  actor="t")
    return forms.survey_id


def logged_in(username: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["cookie_key"] = COOKIE_KEY
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(USERS[username][1])
    at.button[0].click().run()
    assert at.session_state["authentication_status"] is True
    return at.run()


def everything_sent(at: AppTest) -> bytes:
    """Every element the page sent to the browser, serialised (text, tables, charts, widgets)."""
    found: list[bytes] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return b"".join(found)


def table(at: AppTest, column: str):
    """The first table on the page with this column."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def test_the_organizer_imports_the_forms_sample_through_the_page_and_sees_the_ranking(db):
    at = logged_in("sato").switch_page(ADMIN).run()
    assert not at.exception
    at.file_uploader(key="survey_admin_file").set_value(
        ("survey.csv", sample("survey_google_forms_utf8_bom.csv"), "text/csv")).run()
    assert "題名と実施日を入力すると、プレビューを表示します。" in [i.value for i in at.info]
    at.text_input(key="survey_admin_title").input("2025年2月 会員アンケート")
    at.date_input(key="survey_admin_date").set_value(dt.date(2025, 2, 10)).run()
    assert [m.value for m in at.metric] == ["5", "5", "0", "0"]
    assert table(at, "新しい選択肢").iloc[0].tolist()[:2] == ["ビジネスマッチング", 3]
    at.button(key="survey_admin_commit").click().run()
    assert not at.exception
    assert "「2025年2月 会員アンケート」に 5 件を取り込みました。" in [s.value for s in at.success]
    assert [m.value for m in at.metric][1:3] == ["0", "5"]  # the same file again would add nothing
    at.switch_page(RESULTS).run()
    assert not at.exception
    ranking = table(at, "順位")
    assert ranking.iloc[:2, 1:3].values.tolist() == [["ビジネスマッチング", "3"], ["メンバー紹介＆交流イベント", "2"]]
    assert [tab.label for tab in at.tabs] == ["ランキング", "属性別", "アンケートの比較", "自由記述", "その他の設問",
                                              "ニーズと提供"]
    assert "業界ごとの分科会があると嬉しい" in table(at, "回答日時").iloc[:, 2].tolist()


def test_the_organizer_imports_a_poll_through_the_page(db):
    at = logged_in("sato").switch_page(ADMIN).run()
    at.radio(key="survey_admin_kind").set_value("counts").run()
    at.file_uploader(key="survey_admin_file").set_value(
        ("poll.csv", sample("survey_poll_counts_utf8.csv"), "text/csv")).run()
    at.text_input(key="survey_admin_title").input("2月の投票")
    at.date_input(key="survey_admin_date").set_value(dt.date(2025, 2, 20))
    at.number_input(key="survey_admin_respondents").set_value(200).run()
    at.button(key="survey_admin_commit").click().run()
    assert not at.exception
    at.switch_page(RESULTS).run()
    ranking = table(at, "順位")
    assert ranking.iloc[:2, 1:4].values.tolist() == [["ビジネスマッチング", "86", "43%"],
                                                     ["メンバー紹介＆交流イベント", "71", "36%"]]


def test_the_free_text_keyword_filter_shows_matching_answers_as_plain_text(db, imported):
    at = logged_in("sato").switch_page(RESULTS).run()
    at.selectbox(key="surveys_pick").set_value(imported).run()
    at.text_input(key="surveys_keyword").input("分科会").run()
    assert table(at, "回答日時").iloc[:, 2].tolist() == ["業界ごとの分科会があると嬉しい"]
    assert not any("分科会" in m.value for m in at.markdown)


def test_the_liaison_sees_ranked_aggregates_and_no_free_text_or_personal_data(db, imported):
    at = logged_in("kaisha").switch_page(RESULTS).run()
    assert not at.exception
    at.selectbox(key="surveys_pick").set_value(imported).run()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["ランキング", "属性別", "アンケートの比較"]
    sent = everything_sent(at)
    for text in (*FREE_TEXT, *PERSONAL, "参加頻度の希望", "月1回"):
        assert text.encode() not in sent, text
    state = repr(at.session_state.to_dict())
    for text in (*FREE_TEXT, *PERSONAL):
        assert text not in state, text
    assert any("回答が少ないため" in i.value for i in at.info)  # five respondents: every option is a small group
    assert not [frame for frame in at.dataframe if "順位" in frame.value.columns]


def test_the_liaison_sees_the_poll_ranking_in_full(db, imported):
    at = logged_in("kaisha").switch_page(RESULTS).run()
    ranking = table(at, "順位")  # the newest survey (the poll) opens first
    assert ranking.iloc[:2, 1].tolist() == ["ビジネスマッチング", "メンバー紹介＆交流イベント"]


def test_the_liaison_cannot_open_the_survey_import_page(db):
    at = logged_in("kaisha")
    with pytest.raises(ValueError):
        at.switch_page(ADMIN).run()


@pytest.mark.parametrize("username", ["sato", "kaisha", "boss"])
def test_the_results_page_explains_that_there_are_no_surveys_yet(db, username):
    at = logged_in(username).switch_page(RESULTS).run()
    assert not at.exception
    assert at.title[0].value == "アンケート結果"
    assert any("まだアンケート" in i.value for i in at.info)


@pytest.mark.parametrize("username", ["sato", "kaisha", "boss"])
def test_every_tab_of_the_results_page_runs_in_english(db, imported, username):
    at = logged_in(username)
    at.button_group(key="lang").set_value("en").run()
    at.switch_page(RESULTS).run()
    assert not at.exception
    assert at.title[0].value == "Survey results"
    at.selectbox(key="surveys_pick").select_index(1).run()  # the per-respondent survey, older than the poll
    for dimension in ("company", "cohort"):
        at.button_group(key="surveys_dimension").set_value(dimension).run()
        assert not at.exception
    assert at.tabs[0].label == "Ranking"


def test_the_organizer_creates_a_survey_by_hand_and_deletes_it(db):
    at = logged_in("sato").switch_page(ADMIN).run()
    form = next(f for f in at.get("form"))
    assert form is not None
    at.text_input[-3].input("手入力のアンケート")
    at.date_input[-1].set_value(dt.date(2025, 6, 1))
    at.button(key="FormSubmitter:survey_admin_edit_new_responses-保存する").click().run()
    assert not at.exception
    assert "アンケート「手入力のアンケート」を保存しました。" in [s.value for s in at.success]
    at.selectbox(key="survey_admin_edit_pick").set_value(1).run()
    at.checkbox(key="survey_admin_delete_sure_1").check().run()
    at.button(key="survey_admin_delete").click().run()
    assert not at.exception
    assert "アンケート「手入力のアンケート」を削除しました。" in [s.value for s in at.success]

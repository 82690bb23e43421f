"""The real app under AppTest: login through the form as each role, navigation, lockout, accounts page."""

import pytest
from streamlit.testing.v1 import AppTest

from core import accounts
from core.settings import set_setting
from db.engine import make_engine
from tests.conftest import APP, COOKIE_KEY

PASSWORDS = {"boss": "boss-password-1", "sato": "sato-password-1", "kaisha": "kaisha-password-1"}
ROLE_OF = {"boss": "admin", "sato": "organizer", "kaisha": "liaison"}
HOME, ACCOUNTS = "app_pages/home.py", "app_pages/accounts.py"
SCRIPTS = (HOME, ACCOUNTS)
PAGES_OF = {"admin": [HOME, ACCOUNTS], "organizer": [HOME], "liaison": [HOME]}


@pytest.fixture
def db(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ALUMNI_DEMO", "0")
    engine = make_engine(sqlite_url)
    from core.setup import init_database

    init_database(engine)
    for username, password in PASSWORDS.items():
        accounts.create_account(engine, username, f"{username} さん", ROLE_OF[username], password, actor="test")
    yield engine
    engine.dispose()


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["cookie_key"] = COOKIE_KEY
    return at.run()


def submit_login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def logged_in(username: str) -> AppTest:
    at = submit_login(new_app(), username, PASSWORDS[username])
    assert at.session_state["authentication_status"] is True
    return at.run()


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open a tab of a page whose tabs run only while open (ui.frame.lazy_tabs), as a click on it does."""
    at.session_state[key] = label
    return at.run()


def open_add_account_form(at: AppTest) -> AppTest:
    at.switch_page(ACCOUNTS).run()
    assert "accounts_new_username" not in [w.key for w in at.text_input]  # only the open tab runs
    return open_tab(at, "accounts_tabs", "アカウントを追加")


def openable_pages(at: AppTest) -> list[str]:
    """The page scripts this session can switch to (AppTest refuses pages not registered for it)."""
    openable = []
    for script in SCRIPTS:
        try:
            at.switch_page(script)
        except ValueError:
            continue
        openable.append(script)
    return openable


def test_a_visitor_sees_only_the_login_form(db):
    at = new_app()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["ユーザー名", "パスワード"]
    assert openable_pages(at) == []
    with pytest.raises(ValueError):
        at.switch_page(HOME).run()


@pytest.mark.parametrize("username", ["boss", "sato", "kaisha"], ids=["admin", "organizer", "liaison"])
def test_each_role_logs_in_through_the_form_and_sees_its_pages(db, username):
    at = logged_in(username)
    assert not at.exception
    assert at.session_state["roles"] == [ROLE_OF[username]]
    assert openable_pages(at) == PAGES_OF[ROLE_OF[username]]
    assert at.title[0].value == "ホーム"


@pytest.mark.parametrize("username", ["sato", "kaisha"], ids=["organizer", "liaison"])
def test_only_an_admin_can_switch_to_the_accounts_page(db, username):
    at = logged_in(username)
    with pytest.raises(ValueError):
        at.switch_page(ACCOUNTS).run()


def test_the_liaison_home_page_shows_no_queue_figures(db):
    at = logged_in("kaisha")
    labels = [metric.label for metric in at.metric]
    assert "審査待ちの申込" not in labels
    assert "現在の会員数" in labels


def test_a_wrong_password_is_refused_with_a_clear_message(db):
    at = submit_login(new_app(), "sato", "not-the-password")
    assert at.session_state["authentication_status"] is False
    assert "ユーザー名またはパスワードが正しくありません。" in [e.value for e in at.error]


def test_five_failed_logins_lock_the_account_even_for_the_right_password(db):
    at = new_app()
    for _ in range(5):
        at = submit_login(at, "sato", "not-the-password")
    at = submit_login(new_app(), "sato", PASSWORDS["sato"])
    assert at.session_state["authentication_status"] is not True
    assert any("ロックされています" in e.value for e in at.error)
    assert accounts.find_account(db, "sato").locked_until is not None


def test_the_language_switch_turns_the_pages_into_english(db):
    at = logged_in("boss")
    at.button_group(key="lang").set_value("en").run()
    assert at.title[0].value == "Home"
    assert [metric.label for metric in at.metric][:2] == ["Current members", "New this month"]


def test_logout_returns_to_the_login_form(db):
    at = logged_in("sato")
    at.button(key="sidebar_logout").click().run()
    assert at.session_state["authentication_status"] is None
    assert [t.label for t in at.text_input] == ["ユーザー名", "パスワード"]


def cookie_writers(at: AppTest) -> list:
    return [element for element in at.get("component_instance") if '"method": "set"' in element.proto.json_args]


def test_the_login_cookie_is_written_on_every_rerun_until_the_browser_confirms_it(db):
    at = submit_login(new_app(), "sato", PASSWORDS["sato"])
    assert len(cookie_writers(at)) == 1
    at.run().run()  # reruns caused by other components before the browser has loaded this one
    assert len(cookie_writers(at)) == 1
    at.session_state["auth-cookie-write"] = True  # what the component answers once it has written the cookie
    at.run().run()
    assert cookie_writers(at) == []


def test_disabling_an_account_ends_its_open_session(db):
    at = logged_in("sato")
    accounts.set_active(db, "sato", False, actor="boss")
    at.run()
    assert openable_pages(at) == []
    assert any("無効" in w.value for w in at.warning)


def test_the_admin_adds_an_account_on_the_accounts_page_and_it_can_log_in(db):
    at = open_add_account_form(logged_in("boss"))
    at.text_input(key="accounts_new_username").input("Tanaka")
    at.text_input(key="accounts_new_name").input("田中 一郎")
    at.selectbox(key="accounts_new_role").set_value("liaison")
    at.text_input(key="accounts_new_password").input("tanaka-pass-1")
    at.text_input(key="accounts_new_repeat").input("tanaka-pass-1")
    at.button(key="FormSubmitter:accounts_add-追加する").click().run()
    assert not at.exception
    assert "アカウント「tanaka」を追加しました。" in [s.value for s in at.success]
    assert accounts.find_account(db, "tanaka").role == "liaison"
    other = submit_login(new_app(), "tanaka", "tanaka-pass-1")
    assert other.session_state["roles"] == ["liaison"]


def test_the_accounts_page_explains_a_refused_password(db):
    at = open_add_account_form(logged_in("boss"))
    at.text_input(key="accounts_new_username").input("yamada")
    at.text_input(key="accounts_new_name").input("山田")
    at.text_input(key="accounts_new_password").input("short")
    at.text_input(key="accounts_new_repeat").input("short")
    at.button(key="FormSubmitter:accounts_add-追加する").click().run()
    assert "パスワードは8文字以上にしてください。" in [e.value for e in at.error]
    assert accounts.find_account(db, "yamada") is None


def test_the_admin_changes_a_role_and_disables_an_account(db):
    at = logged_in("boss")
    at.switch_page(ACCOUNTS).run()
    assert "sato" in at.dataframe[0].value.iloc[:, 0].tolist()  # the list tab is open first
    open_tab(at, "accounts_tabs", "アカウントを編集")
    at.selectbox(key="accounts_target").set_value("sato").run()
    at.selectbox(key="accounts_edit_role").set_value("liaison")
    at.button(key="FormSubmitter:accounts_role-権限を変更").click().run()
    assert accounts.find_account(db, "sato").role == "liaison"
    at.button(key="accounts_disable").click().run()
    assert accounts.find_account(db, "sato").is_active is False


def test_the_login_page_lists_the_demo_accounts_only_in_demo_mode(db):
    assert not any("デモ用アカウント" in s.value for s in new_app().subheader)
    set_setting(db, "demo_mode", True, actor="test")
    at = new_app()
    assert any("デモ用アカウント" in s.value for s in at.subheader)
    assert "admin" in at.dataframe[0].value.iloc[:, 0].tolist()


def test_the_admin_changes_the_settings_and_adds_a_screening_question(db):
    from core import questions
    from core.settings import get_setting

    at = logged_in("boss")
    at.switch_page("app_pages/settings.py").run()
    assert not at.exception
    assert "settings_new_text" not in [w.key for w in at.text_input]  # only the open tab runs
    at.number_input(key="settings_k").set_value(7)
    at.toggle(key="settings_public_form").set_value(True)
    at.button(key="FormSubmitter:settings_network-保存する").click().run()
    assert any("設定を保存しました" in s.value for s in at.success)
    assert get_setting(db, "k_anonymity") == 7 and get_setting(db, "public_form_enabled") is True
    open_tab(at, "settings_tabs", "審査質問")
    at.text_input(key="settings_new_text").input("現在のお仕事の内容を教えてください")
    at.button(key="FormSubmitter:settings_new_question-追加する").click().run()
    assert not at.exception
    assert "現在のお仕事の内容を教えてください" in [q.text for q in questions.all_questions(db)]

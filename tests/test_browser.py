"""The real server in headless Chromium: login through the form, the role's pages, a refused URL, reload, logout."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core import accounts
from core.application_import import import_applications
from core.setup import init_database
from db.engine import make_engine
from tests.conftest import COOKIE_KEY, ROOT, skip_or_fail

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
USERS = {
    "boss": ("admin", "boss-password-1"),
    "sato": ("organizer", "sato-password-1"),
    "kaisha": ("liaison", "kaisha-password-1"),
}
SCREENSHOTS = ROOT / "test-artifacts"
SERVER_DATABASE: dict[str, str] = {}
SAMPLE = ROOT.parent / "shared" / "data" / "applications_google_forms_cp932.csv"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in time")


@contextmanager
def running_app(database_url: str) -> Iterator[str]:
    """`streamlit run app.py` on a free port against `database_url`; yields the base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ALUMNI_DEMO": "0", "ALUMNI_COOKIE_KEY": COOKIE_KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("playwright is not installed")
    url_db = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'alumni.sqlite3'}"
    engine = make_engine(url_db)
    init_database(engine)
    for username, (role, password) in USERS.items():
        accounts.create_account(engine, username, f"{username} さん", role, password, actor="test")
    if SAMPLE.exists():
        import_applications(engine, SAMPLE.read_bytes(), actor="test")
    engine.dispose()
    with running_app(url_db) as base:
        SERVER_DATABASE[base] = url_db
        yield base


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1400, "height": 2400})
    yield page
    context.close()


def log_in(page, base: str, username: str) -> None:
    page.goto(base)
    # the login library's cookie component answers once its frame has loaded, and that rerun would
    # swallow a click made in the same moment (a person takes longer to type)
    page.wait_for_load_state("networkidle")
    page.get_by_role("textbox", name="ユーザー名").fill(username)
    page.get_by_role("textbox", name="パスワード").fill(USERS[username][1])
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("heading", name="ホーム").wait_for()
    wait_for_login_cookie(page)


def wait_for_login_cookie(page, seconds: float = 60) -> None:
    """The browser writes the login cookie through a component, a moment after the login."""
    deadline = time.monotonic() + seconds
    while not any(cookie["name"] == "alumni_dashboard_login" for cookie in page.context.cookies()):
        assert time.monotonic() < deadline, "the login cookie was never written"
        page.wait_for_timeout(200)


def sidebar_links(page) -> list[str]:
    """The page links in the sidebar (Streamlit draws none while only one page is registered)."""
    page.get_by_role("button", name="ログアウト").wait_for()
    nav = page.get_by_test_id("stSidebarNav")
    if nav.count() == 0:
        return []
    return [text.split("\n")[-1].strip() for text in nav.get_by_role("link").all_inner_texts()]


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_admin_logs_in_sees_every_page_and_stays_logged_in_after_a_reload(page, server):
    page.goto(server)
    page.get_by_role("textbox", name="ユーザー名").wait_for()
    shoot(page, "login")
    log_in(page, server, "boss")
    links = sidebar_links(page)
    assert {"ホーム", "申込の審査", "会員", "データの取込", "アカウント管理", "設定"} <= set(links)
    page.get_by_role("link", name="アカウント管理").click()
    page.get_by_role("heading", name="アカウント管理").wait_for()
    page.get_by_role("tab", name="アカウント一覧").wait_for()
    shoot(page, "accounts")
    page.reload()
    page.get_by_role("heading", name="アカウント管理").wait_for()


def test_the_organizer_sees_only_the_organizer_pages(page, server):
    log_in(page, server, "sato")
    links = sidebar_links(page)
    assert {"ホーム", "申込の審査", "会員", "データの取込"} <= set(links)
    assert not {"アカウント管理", "設定"} & set(links)
    page.goto(f"{server}/accounts")
    page.get_by_role("heading", name="ホーム").wait_for()
    assert page.get_by_role("heading", name="アカウント管理").count() == 0


def test_a_liaison_asking_for_the_accounts_url_gets_the_home_page(page, server):
    log_in(page, server, "kaisha")
    page.goto(f"{server}/accounts")
    page.get_by_role("heading", name="ホーム").wait_for()
    assert page.get_by_role("heading", name="アカウント管理").count() == 0
    assert not page.url.endswith("/accounts")
    shoot(page, "liaison_home")


def test_after_logout_a_reload_shows_the_login_form(page, server):
    log_in(page, server, "sato")
    page.get_by_role("button", name="ログアウト").click()
    page.get_by_role("textbox", name="ユーザー名").wait_for()
    page.reload()
    page.get_by_role("textbox", name="ユーザー名").wait_for()
    assert page.get_by_role("heading", name="ホーム").count() == 0


def test_a_wrong_password_shows_a_japanese_message(page, server):
    page.goto(server)
    page.get_by_role("textbox", name="ユーザー名").fill("sato")
    page.get_by_role("textbox", name="パスワード").fill("not-the-password")
    page.get_by_role("button", name="ログイン").click()
    page.get_by_text("ユーザー名またはパスワードが正しくありません。").wait_for()


def test_an_organizer_approves_an_application_in_the_queue(page, server):
    if not SAMPLE.exists():
        skip_or_fail("the shared sample data is not beside the checkout")
    log_in(page, server, "sato")
    page.goto(f"{server}/queue")
    page.get_by_role("heading", name="申込の審査").wait_for()
    page.get_by_role("heading", name="申込の詳細").wait_for()
    page.get_by_text("元同僚と新しい事業の種を探したい").wait_for()  # the oldest application: 山田 太郎's answer
    page.get_by_role("radio", name="承認する").wait_for()
    shoot(page, "queue")
    page.get_by_role("button", name="判断を記録する").click()
    page.get_by_text("を「承認」にしました").wait_for()
    shoot(page, "queue_after_approval")
    page.get_by_text("English").click()
    page.get_by_role("heading", name="Application review").wait_for()
    shoot(page, "queue_en")


def fresh_page_with(browser, cookies):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def login_cookie(page) -> list[dict]:
    for _ in range(50):
        cookies = [c for c in page.context.cookies() if c["name"] == "alumni_dashboard_login"]
        if cookies:
            return cookies
        page.wait_for_timeout(200)
    raise AssertionError("the login cookie was never set")


def test_a_login_cookie_stops_working_after_logout(browser, server, page):
    log_in(page, server, "sato")
    cookies = login_cookie(page)
    other, other_page = fresh_page_with(browser, cookies)
    other_page.goto(server)
    other_page.get_by_role("heading", name="ホーム").wait_for()
    other.close()
    page.get_by_role("button", name="ログアウト").click()
    page.get_by_role("textbox", name="ユーザー名").wait_for()
    again, again_page = fresh_page_with(browser, cookies)
    again_page.goto(server)
    again_page.get_by_role("textbox", name="ユーザー名").wait_for()
    assert again_page.get_by_role("heading", name="ホーム").count() == 0
    again.close()


def test_disabling_an_account_stops_its_cookie_at_once(browser, server, page):
    log_in(page, server, "kaisha")
    cookies = login_cookie(page)
    engine = make_engine(SERVER_DATABASE[server])
    accounts.create_account(engine, "boss2", "管理者2", "admin", "boss2-password-1", actor="test")
    accounts.set_active(engine, "kaisha", False, actor="boss2")
    engine.dispose()
    other, other_page = fresh_page_with(browser, cookies)
    try:
        other_page.goto(server)
        other_page.get_by_role("textbox", name="ユーザー名").wait_for()
        assert other_page.get_by_role("heading", name="ホーム").count() == 0
    finally:
        other.close()
        engine = make_engine(SERVER_DATABASE[server])
        accounts.set_active(engine, "kaisha", True, actor="boss2")
        engine.dispose()

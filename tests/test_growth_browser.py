"""The growth page in headless Chromium with demo data, for the liaison and an organizer (screenshots kept)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.setup import DEMO_ACCOUNTS, seed_demo
from db.engine import make_engine
from tests.conftest import skip_or_fail
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, running_app

pytestmark = pytest.mark.browser
PASSWORD = {username: password for username, _, _, password in DEMO_ACCOUNTS}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    url_db = f"sqlite:///{tmp_path_factory.mktemp('growth') / 'alumni.sqlite3'}"
    engine = make_engine(url_db)
    seed_demo(engine, members=240)
    engine.dispose()
    with running_app(url_db) as base:
        yield base


@pytest.fixture
def page(demo_server):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1400, "height": 3200}, locale="ja-JP")
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
        chromium.close()


def open_growth(page, base: str, username: str) -> None:
    page.goto(base)
    # the login library's cookie component answers once its frame has loaded, and that rerun would
    # swallow a click made in the same moment (a person takes longer to type)
    page.wait_for_load_state("networkidle")
    page.get_by_role("textbox", name="ユーザー名").fill(username)
    page.get_by_role("textbox", name="パスワード").fill(PASSWORD[username])
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("link", name="会員数の推移").click()
    page.get_by_role("heading", name="会員の構成", exact=False).wait_for()
    page.locator(".js-plotly-plot").nth(3).wait_for()


@pytest.mark.parametrize("username", ["liaison", "organizer"])
def test_the_growth_page_draws_its_cards_and_charts_with_demo_data(page, demo_server, username):
    open_growth(page, demo_server, username)
    assert page.locator(".js-plotly-plot").count() >= 4
    assert page.get_by_text(re.compile("^会員数（(現在|期末)）$")).count() == 1
    assert (page.get_by_role("switch", name="会社側窓口と同じ表示で見る").count() == 0) == (username == "liaison")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"growth_{username}.png"), full_page=True)

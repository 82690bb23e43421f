"""The growth page in the real app under AppTest, for the liaison and an organizer, and the liaison's session."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from core import accounts
from core.i18n import TOKYO
from core.normalize import normalize_email, normalize_name
from core.settings import set_setting
from core.setup import init_database
from db.engine import make_engine, write_session
from db.models import Member
from tests.conftest import ROOT
from tests.test_app import PASSWORDS, ROLE_OF, logged_in, new_app
from tests.test_growth_db import NAMES_AND_EMAILS, add_fixed_dataset

GROWTH = "app_pages/growth.py"
LIAISON, ORGANIZER = "kaisha", "sato"


def make_db(url: str, monkeypatch, k: int | None = 2, fixed: bool = True):
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALUMNI_DEMO", "0")
    engine = make_engine(url)
    init_database(engine)
    for username, password in PASSWORDS.items():
        accounts.create_account(engine, username, f"{username} さん", ROLE_OF[username], password, actor="test")
    if fixed:
        add_fixed_dataset(engine)
    if k is not None:
        set_setting(engine, "k_anonymity", k, actor="test")
    return engine


@pytest.fixture
def db(sqlite_url, monkeypatch):
    engine = make_db(sqlite_url, monkeypatch)
    yield engine
    engine.dispose()


def growth_page(username: str) -> AppTest:
    at = logged_in(username)
    at.switch_page(GROWTH).run()
    assert not at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def trace(chart: dict, name: str) -> dict:
    return next(item for item in chart["data"] if item.get("name") == name)


def texts(value) -> str:
    """Everything a value holds, as text (dataclasses, containers and all)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return texts(dataclasses.asdict(value))
    if isinstance(value, dict):
        return " ".join(f"{texts(k)} {texts(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(texts(item) for item in value)
    return str(value)


def test_the_liaison_sees_the_latest_month_with_small_numbers_hidden_and_no_preview_switch(db):
    at = growth_page(LIAISON)
    assert at.title[0].value == "会員数の推移"
    assert "**2025年6月の数字**" in [m.value for m in at.markdown]
    shown = metrics(at)
    assert shown["会員数（期末）"] == "4"
    assert shown["新規入会"] == "非公開"  # 1 joined
    assert shown["承認率"] == "非公開"  # June's approvals are hidden with its one new member
    assert len(at.toggle) == 0
    assert any("2人（件）未満の数は「非公開」" in caption.value for caption in at.caption)


def test_the_liaisons_charts_carry_no_hidden_number_and_no_name(db):
    at = growth_page(LIAISON)
    total, flows, funnel, *compositions = charts(at)
    assert trace(flows, "新規入会")["y"] == [None, None, None, None, 0, None]
    assert trace(total, "会員数")["y"] == [2, 4, 3, 3, 3, 4]
    assert trace(funnel, "申込")["y"] == [2, 3, 0, 2, 0, 0]
    assert trace(funnel, "却下")["y"] == [0, None, 0, 0, None, 0]
    region = compositions[2]["data"][0]
    assert region["y"] == ["その他", "東京都"] and region["x"] == [2, 2]
    page = json.dumps(charts(at), ensure_ascii=False) + texts([d.value.to_dict() for d in at.dataframe])
    assert not [text for text in NAMES_AND_EMAILS if text in page]


def test_the_organizer_sees_exact_figures_and_can_preview_the_liaisons_view(db):
    at = growth_page(ORGANIZER)
    assert metrics(at)["新規入会"] == "1"
    assert trace(charts(at)[1], "新規入会")["y"] == [2, 2, 0, 1, 0, 1]
    assert any("運営向けの正確な数" in caption.value for caption in at.caption)
    at.toggle(key="growth_preview_liaison").set_value(True).run()
    assert metrics(at)["新規入会"] == "非公開"
    assert trace(charts(at)[1], "新規入会")["y"] == [None, None, None, None, 0, None]


def test_quarters_and_a_narrower_range_change_the_period_of_the_cards(db):
    at = growth_page(ORGANIZER)
    at.button_group(key="growth_granularity").set_value("quarter").run()
    assert not at.exception
    assert "**2025年4〜6月の数字**" in [m.value for m in at.markdown]
    assert metrics(at)["新規入会"] == "2"
    assert trace(charts(at)[1], "新規入会")["y"] == [4, 2]
    at.button_group(key="growth_granularity").set_value("month").run()
    at.select_slider(key="growth_range_month").set_range("2025-02", "2025-04").run()
    assert "**2025年4月の数字**" in [m.value for m in at.markdown]
    assert metrics(at)["会員数の増加率"] == "+0.0%"
    assert len(trace(charts(at)[0], "会員数")["y"]) == 3


def test_the_page_and_its_charts_follow_the_language_switch(db):
    at = growth_page(LIAISON)
    at.button_group(key="lang").set_value("en").run()
    assert at.title[0].value == "Membership growth"
    assert metrics(at)["New members"] == "Hidden"
    spec = json.dumps(charts(at), ensure_ascii=False)
    assert '"New members"' in spec and "Jan<br>2025" in spec
    assert "新規入会" not in spec and "会員数" not in spec


def test_the_page_offers_the_data_and_the_monthly_report_as_downloads(db):
    at = growth_page(LIAISON)
    labels = [button.proto.label for button in at.get("download_button")]
    assert "このグラフのデータ（CSV）" in labels and "月次レポートをダウンロード" in labels
    assert at.selectbox(key="growth_report_month").value == "2025-06"


def test_the_liaisons_session_state_holds_no_personal_data_after_every_page_it_may_visit(db):
    at = logged_in(LIAISON)
    visited = []
    for script in sorted(str(path.relative_to(ROOT)) for path in (ROOT / "app_pages").glob("*.py")):
        try:
            at.switch_page(script)
        except ValueError:
            continue
        at.run()
        assert not at.exception, script
        visited.append(script)
        if script == GROWTH:
            at.button_group(key="growth_granularity").set_value("quarter").run()
    assert {"app_pages/home.py", GROWTH} <= set(visited)
    assert "app_pages/queue.py" not in visited
    state = texts(at.session_state.to_dict())
    assert not [text for text in NAMES_AND_EMAILS if text in state]


def test_the_liaisons_home_page_hides_a_small_number_of_new_members_this_month(sqlite_url, monkeypatch):
    engine = make_db(sqlite_url, monkeypatch, k=None)
    today = dt.datetime.now(TOKYO).date()
    with write_session(engine) as session:
        for n in range(7):
            email = f"member{n}@example.jp"
            session.add(Member(email=email, email_normalized=normalize_email(email), full_name=f"会員 {n}",
                               name_normalized=normalize_name(f"会員 {n}"),
                               joined_on=today if n == 0 else today.replace(day=1) - dt.timedelta(days=40)))
    liaison, organizer = logged_in(LIAISON), logged_in(ORGANIZER)
    assert (metrics(liaison)["現在の会員数"], metrics(liaison)["今月の新規入会"]) == ("11", "非公開")
    assert metrics(organizer)["今月の新規入会"] == "1"
    engine.dispose()


def test_a_network_without_members_or_applications_gets_a_friendly_empty_page(sqlite_url, monkeypatch):
    engine = make_db(sqlite_url, monkeypatch, fixed=False)
    at = growth_page(ORGANIZER)
    assert [info.value for info in at.info] == [
        "まだ会員も申込もありません。最初の申込が届くか会員名簿を取り込むと、ここにグラフが表示されます。"]
    engine.dispose()


def test_a_network_of_one_member_shows_the_liaison_hidden_figures_and_no_infinite_growth(sqlite_url, monkeypatch):
    engine = make_db(sqlite_url, monkeypatch, k=None, fixed=False)
    with write_session(engine) as session:
        session.add(Member(email="solo@example.jp", email_normalized="solo@example.jp", full_name="一人 目",
                           name_normalized=normalize_name("一人 目"), joined_on=dt.date(2025, 5, 20),
                           former_company="ソニー株式会社", region="13"))
    at = growth_page(LIAISON)
    shown = metrics(at)
    assert (shown["会員数（期末）"], shown["新規入会"], shown["会員数の増加率"]) == ("非公開", "非公開", "—")
    assert "<5" in texts([d.value.to_dict() for d in at.dataframe])
    organizer = growth_page(ORGANIZER)
    assert (metrics(organizer)["会員数（期末）"], metrics(organizer)["会員数の増加率"]) == ("1", "—")
    engine.dispose()


def test_a_liaison_cannot_open_the_growth_page_without_logging_in(db):
    with pytest.raises(ValueError):
        new_app().switch_page(GROWTH)


def add_closed_introductions(engine, outcomes: list[str]) -> None:
    from db.models import Introduction

    with write_session(engine) as session:
        members = [
            Member(email=f"m{i}@example.jp", email_normalized=f"m{i}@example.jp", full_name=f"会員{i}",
                   name_normalized=normalize_name(f"会員{i}"), joined_on=dt.date(2025, 1, 1))
            for i in range(2 * len(outcomes))
        ]
        session.add_all(members)
        session.flush()
        now = dt.datetime(2026, 1, 10)
        for index, outcome in enumerate(outcomes):
            session.add(Introduction(member_a_id=members[2 * index].id, member_b_id=members[2 * index + 1].id,
                                     status="closed", outcome=outcome, met_at=now, outcome_at=now))


def test_the_liaison_sees_what_introductions_led_to_with_small_counts_hidden(sqlite_url, monkeypatch):
    engine = make_db(sqlite_url, monkeypatch, k=5, fixed=False)
    add_closed_introductions(engine, ["deal"] * 6 + ["hire"] * 2)
    liaison = metrics(growth_page("kaisha"))
    assert (liaison["商談成立"], liaison["採用"], liaison["協業"], liaison["面談に至った"]) == ("6", "非公開", "0", "8")
    organizer = metrics(growth_page("sato"))
    assert organizer["採用"] == "2"
    engine.dispose()

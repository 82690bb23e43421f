"""The matching explorer and the introductions log in the real app, logged in through the form."""

from __future__ import annotations

import datetime as dt

import pytest

from core import accounts
from core import introductions as intros
from db.engine import make_engine, write_session
from db.models import Member
from tests.test_app import new_app, open_tab, submit_login
from tests.test_matching import add_member

MATCHING, INTRODUCTIONS = "app_pages/matching.py", "app_pages/introductions.py"


@pytest.fixture
def db(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ALUMNI_DEMO", "0")
    engine = make_engine(sqlite_url)
    from core.setup import init_database

    init_database(engine)
    accounts.create_account(engine, "sato", "佐藤", "organizer", "sato-password-1", actor="test")
    accounts.create_account(engine, "kaisha", "窓口", "liaison", "kaisha-password-1", actor="test")
    with write_session(engine) as session:
        add_member(session, 1, full_name="山田 太郎", needs=["seeking_vendors"], offers=["can_buy_or_introduce"],
                   joined_on=dt.date(2025, 1, 1))
        add_member(session, 2, full_name="佐藤 花子", needs=["seeking_clients"], offers=["can_take_work"],
                   joined_on=dt.date(2025, 1, 1))
        add_member(session, 3, full_name="=cmd|' /C calc'!A0", joined_on=dt.date(2025, 1, 1))
        add_member(session, 4, full_name="**太字** さん", joined_on=dt.date(2025, 1, 1), matching_opt_in=False)
    yield engine
    engine.dispose()


def organizer_on(page: str):
    at = submit_login(new_app(), "sato", "sato-password-1").run()
    return at.switch_page(page).run()


def event_tab(at):
    return open_tab(at, "matching_tabs", "イベントの組み合わせ")


def test_the_explorer_shows_ranked_candidates_with_reasons_in_words(db):
    at = organizer_on(MATCHING)
    assert not at.exception
    at.selectbox(key="matching_member").set_value(1).run()
    texts = [t.value for t in at.text]
    assert "佐藤 花子\nm2@example.jp" in texts
    assert any("山田 太郎さんの「発注先・委託先を探している」に、佐藤 花子さんの「業務を受託できる」が応えます。" in t
               for t in texts)
    assert not any(t.startswith("**太字** さん") for t in texts)  # not opted in: never suggested
    assert not any("太字" in m.value for m in at.markdown)


def test_the_member_pickers_search_by_name_or_e_mail_and_keep_what_was_chosen(db):
    at = organizer_on(MATCHING)
    at.text_input(key="matching_member_search").input("佐藤花子").run()  # without the space of 「佐藤 花子」
    assert at.selectbox(key="matching_member").options == ["佐藤 花子 <m2@example.jp>"]
    at.text_input(key="matching_member_search").input("nobody@").run()
    assert not at.exception
    assert any("該当する会員がいません" in i.value for i in at.info)
    assert "pairing_pick" not in [w.key for w in at.multiselect]  # the event tab is closed: it does not run
    event_tab(at)
    at.text_input(key="pairing_search").input("M1@EXAMPLE").run()
    at.multiselect(key="pairing_pick").set_value([1]).run()
    at.text_input(key="pairing_search").input("山田").run()
    at.text_input(key="pairing_search").input("m3@").run()
    picker = at.multiselect(key="pairing_pick")
    assert picker.value == [1] and len(picker.options) == 2
    picker.set_value([1, 3]).run()
    assert at.multiselect(key="pairing_pick").value == [1, 3]


def test_recording_an_introduction_takes_one_click_and_then_it_is_not_suggested_again(db):
    at = organizer_on(MATCHING)
    at.selectbox(key="matching_member").set_value(1).run()
    at.button(key="matching_record_1_2").click().run()
    assert not at.exception
    assert any("山田 太郎 さんと 佐藤 花子 さんの紹介" in s.value for s in at.success)
    (made,) = intros.log(db)
    assert (made.member_a_id, made.member_b_id, made.status, made.introduced_by) == (1, 2, "proposed", "sato")
    assert made.need_tag == "seeking_vendors"
    assert not any(t.value.startswith("佐藤 花子") for t in at.text)


def test_the_introductions_log_records_progress_with_the_version_shown(db):
    made = intros.propose(db, 1, 2, "sato", need_tag="seeking_vendors")
    at = organizer_on(INTRODUCTIONS)
    assert not at.exception
    at.radio(key=f"intro_status_{made.id}").set_value("closed")
    at.selectbox(key=f"intro_outcome_{made.id}").set_value("deal")
    submit = next(b for b in at.button if b.label == "記録する")
    submit.click().run()
    assert not at.exception
    (stored,) = intros.log(db)
    assert (stored.status, stored.outcome) == ("closed", "deal")


def test_a_stale_update_is_refused_and_explained(db):
    made = intros.propose(db, 1, 2, "sato")
    at = organizer_on(INTRODUCTIONS)
    intros.advance(db, made.id, made.version, "introduced", "suzuki")
    at.radio(key=f"intro_status_{made.id}").set_value("met")
    next(b for b in at.button if b.label == "記録する").click().run()
    assert any("他の運営メンバーが先に更新しました" in e.value and "紹介済み" in e.value for e in at.error)
    assert intros.log(db)[0].status == "introduced"


def test_event_pairing_on_the_page_seats_everyone(db):
    with write_session(db) as session:
        session.get(Member, 4).matching_opt_in = True
    at = event_tab(organizer_on(MATCHING))
    at.multiselect(key="pairing_pick").set_value([1, 2, 3, 4]).run()
    at.button(key="pairing_go").click().run()
    assert not at.exception
    assert any("4 人を 1 ラウンドに分けました" in s.value for s in at.success)
    shown = next(d.value for d in at.dataframe if "ラウンド" in d.value.columns)
    assert sorted(shown["氏名"]) == sorted(["山田 太郎", "佐藤 花子", "=cmd|' /C calc'!A0", "**太字** さん"])


def test_an_event_recorded_from_the_page_keeps_its_pairs_from_meeting_again(db):
    with write_session(db) as session:
        session.get(Member, 4).matching_opt_in = True
    at = event_tab(organizer_on(MATCHING))
    at.multiselect(key="pairing_pick").set_value([1, 2, 3, 4]).run()
    at.button(key="pairing_go").click().run()
    record = next(b for b in at.button if b.label == "紹介として記録")
    record.click().run()
    assert any("イベント名を入力してください" in e.value for e in at.error)
    assert intros.log(db) == []
    at.text_input(key="pairing_event_title").input("交流会")
    next(b for b in at.button if b.label == "紹介として記録").click().run()
    assert not at.exception
    assert any("2 件の紹介を記録しました" in s.value for s in at.success)
    first = {(i.member_a_id, i.member_b_id) for i in intros.log(db)}
    assert len(first) == 2 and {i.status for i in intros.log(db)} == {"introduced"}
    at.button(key="pairing_go").click().run()
    shown = next(d.value for d in at.dataframe if "ラウンド" in d.value.columns)
    ids = {row["メールアドレス"]: int(row["メールアドレス"][1]) for _, row in shown.iterrows()}
    again = shown.groupby("グループ")["メールアドレス"].apply(lambda e: tuple(sorted(ids[x] for x in e)))
    assert not set(again) & first


def test_the_liaison_cannot_open_the_matching_pages(db):
    at = submit_login(new_app(), "kaisha", "kaisha-password-1").run()
    for page in (MATCHING, INTRODUCTIONS):
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_the_need_tab_lists_who_offers_the_need_chosen(db):
    at = organizer_on(MATCHING)
    open_tab(at, "matching_tabs", "ニーズから探す")
    at.selectbox(key="matching_need").set_value("seeking_clients").run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "氏名" in d.value.columns)
    assert list(shown["氏名"]) == ["山田 太郎"]

"""Introductions on SQLite and PostgreSQL: ordered pairs, no repeats, optimistic locking, audit, outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core import introductions as intros
from core.csvio import read_table
from core.matching import MemberNotMatchable
from db.engine import read_session, write_session
from db.models import AuditLog, Introduction, Member
from tests.test_matching import add_member


@pytest.fixture
def db(engine):
    with write_session(engine) as session:
        for member_id in range(1, 6):
            add_member(session, member_id, introduction_opt_in=member_id != 3,
                       joined_on=dt.date(2026, 10, member_id))
        session.get(Member, 5).matching_opt_in = False
    return engine


def test_an_introduction_is_stored_as_an_ordered_pair_and_audited(db):
    made = intros.propose(db, 4, 2, "sato", need_tag="seeking_vendors", reason="理由")
    assert (made.member_a_id, made.member_b_id, made.status) == (2, 4, "proposed")
    with read_session(db) as session:
        row = session.get(Introduction, made.id)
        assert (row.member_a_id, row.member_b_id, row.introduced_by) == (2, 4, "sato")
        assert session.scalar(select(AuditLog.action).where(AuditLog.entity_id == made.id)) == "introduction_proposed"


def test_the_same_pair_cannot_be_introduced_twice_in_either_order(db):
    intros.propose(db, 1, 2, "sato")
    with pytest.raises(intros.AlreadyIntroduced):
        intros.propose(db, 2, 1, "sato")


def test_members_who_did_not_opt_in_cannot_be_introduced(db):
    with pytest.raises(MemberNotMatchable):
        intros.propose(db, 1, 5, "sato")
    with pytest.raises(intros.SameMember):
        intros.propose(db, 1, 1, "sato")


def test_an_introduction_moves_forward_with_dates_and_an_outcome(db):
    made = intros.propose(db, 1, 2, "sato", need_tag="seeking_vendors")
    met = intros.advance(db, made.id, made.version, "met", "sato")
    assert met.met_at is not None and met.introduced_at is None
    with pytest.raises(intros.OutcomeRequired):
        intros.advance(db, made.id, met.version, "closed", "sato")
    closed = intros.advance(db, made.id, met.version, "closed", "sato", outcome="deal")
    assert (closed.status, closed.outcome) == ("closed", "deal") and closed.outcome_at is not None
    with pytest.raises(intros.StepBackwards):
        intros.advance(db, made.id, closed.version, "introduced", "sato")


def test_two_organizers_updating_the_same_introduction_do_not_overwrite_each_other(db):
    made = intros.propose(db, 1, 2, "sato")
    intros.advance(db, made.id, made.version, "introduced", "sato")
    with pytest.raises(intros.IntroductionConflict) as raised:
        intros.advance(db, made.id, made.version, "met", "suzuki")
    assert raised.value.params["intro_status"] == "introduced"
    with read_session(db) as session:
        actions = list(session.scalars(select(AuditLog.actor).where(AuditLog.action == "introduction_updated")))
    assert actions == ["sato"]


def test_outcomes_are_counted_by_need_and_hidden_below_k_for_the_liaison(db):
    for other, outcome in ((2, "deal"), (3, "no_fit"), (4, None)):
        made = intros.propose(db, 1, other, "sato", need_tag="seeking_vendors")
        if outcome:
            intros.advance(db, made.id, made.version, "closed", "sato", outcome=outcome)
    (row,) = intros.outcomes_by_need(db)
    assert (row.need_tag, row.total, row.deal, row.no_fit, row.open) == ("seeking_vendors", 3, 1, 1, 1)
    shown = dict(intros.liaison_outcomes(db, k=5))
    assert shown["deal"].suppressed and shown["deal"].shown(5) == "<5"
    assert not shown["hire"].suppressed and shown["hire"].count == 0


def test_new_member_introductions_list_only_those_who_agreed(db):
    found = intros.new_members(db, dt.date(2026, 10, 1))
    assert [m.name for m in found] == ["会員 1", "会員 2", "会員 4", "会員 5"]
    text = intros.new_members_text(found, dt.date(2026, 10, 1), "テスト会", "ja")
    assert text.startswith("【新メンバー紹介】2026年10月、テスト会に 4 名の方が加わりました。")
    assert "■ 会員 1 さん" in text and "業務を受託できる" in text
    table = read_table(intros.new_members_csv(db, dt.date(2026, 10, 1), "sato", "en"))
    assert table.header == ["Name", "Joined", "Industry", "Region", "Offers", "Needs"]
    assert len(table.rows) == 4


def test_recording_an_event_twice_adds_no_pair_twice_and_seatings_do_not_count_towards_the_cap(db):
    from core import matching, pairing

    plan = pairing.plan_event(db, [1, 2, 4], table_size=3, today=dt.date(2026, 11, 1))
    first = pairing.record_event(db, plan, "交流会", dt.date(2026, 11, 2), "sato")
    assert (first.introductions, first.already) == (3, 0)
    second = pairing.record_event(db, plan, "交流会（再）", dt.date(2026, 11, 2), "sato")
    assert (second.introductions, second.already) == (0, 3)
    with read_session(db) as session:
        rows = session.execute(select(Introduction.status, Introduction.event_id, Introduction.event_round)).all()
        assert sorted(rows) == [("introduced", first.event_id, 1)] * 3
        assert session.scalar(select(AuditLog.action).where(AuditLog.entity == "event")) == "event_recorded"
    assert matching.match_data(db).exposure == {}
    with pytest.raises(pairing.EventTitleRequired):
        pairing.record_event(db, plan, "  ", dt.date(2026, 11, 2), "sato")

"""Screening rules and decisions on real databases (SQLite and PostgreSQL)."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from core import review
from core.normalize import normalize_email, normalize_name
from core.screening import (
    AlreadyAMember,
    AlreadyDecided,
    CannotApprove,
    DecisionConflict,
    OverrideRequired,
    ReasonRequired,
    ScreeningFacts,
    flags,
)
from db.engine import read_session, write_session
from db.models import Application, ApplicationAnswer, AuditLog, Member, ScreeningQuestion

T0 = dt.datetime(2026, 10, 1, 0, 0)


def add_application(engine, *, email="taro@example.jp", name="山田 太郎", company="ソニー株式会社",
                    working=True, consent=True, answers=("参加したい", "2005-2016 TV事業部"), referrer=None,
                    submitted_at=T0, source_key=None) -> int:
    with write_session(engine) as session:
        questions = list(session.scalars(select(ScreeningQuestion).order_by(ScreeningQuestion.position)))
        application = Application(
            source="form", source_key=source_key, submitted_at=submitted_at, email=email,
            email_normalized=normalize_email(email), full_name=name, name_normalized=normalize_name(name),
            former_company=company, currently_working=working, consent_at=submitted_at if consent else None,
            referrer=referrer, needs=["seeking_clients"], offers=[],
        )
        pairs = zip(questions, answers, strict=True)
        application.answers = [ApplicationAnswer(question_id=q.id, answer=a) for q, a in pairs]
        session.add(application)
        session.flush()
        return application.id


def version_of(engine, application_id):
    with read_session(engine) as session:
        return session.get(Application, application_id).version


def count_members(engine):
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(Member))


def test_a_complete_eligible_application_has_no_flags():
    facts = ScreeningFacts("ソニー株式会社", True, True, eligible_companies=("ソニー株式会社",))
    assert flags(facts) == []


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (ScreeningFacts("ソニー株式会社", True, True, ("参加の目的",)), ["unanswered"]),
        (ScreeningFacts("ソニー株式会社", True, False), ["no_consent"]),
        (ScreeningFacts("株式会社ABC商事", True, True), ["not_group_company"]),
        (ScreeningFacts("ソニー株式会社", False, True), ["not_working"]),
        (ScreeningFacts("ソニー株式会社", True, True, duplicate_hints=("member_email",)), ["possible_duplicate"]),
        (ScreeningFacts("ソニー株式会社", True, True, referred_by_member=True), ["referred_by_member"]),
    ],
    ids=["unanswered", "no-consent", "other-company", "retired", "duplicate", "referred"],
)
def test_each_condition_raises_its_flag(facts, expected):
    eligible = ScreeningFacts(**{**facts.__dict__, "eligible_companies": ("ソニー株式会社",)})
    assert flags(eligible) == expected


def test_company_names_match_ignoring_width_spaces_and_kabushiki_kaisha():
    facts = ScreeningFacts("ｿﾆｰ 株式会社", True, True, eligible_companies=("ソニー株式会社",))
    assert flags(facts) == []


def test_approving_creates_exactly_one_member_and_audits_the_decision(engine):
    app_id = add_application(engine)
    assert review.decide(engine, app_id, 1, "approve", "sato") == "approved"
    with read_session(engine) as session:
        member = session.scalar(select(Member))
        application = session.get(Application, app_id)
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "decision"))
    assert (member.email_normalized, application.member_id) == ("taro@example.jp", member.id)
    assert (audit.actor, audit.old_value, audit.new_value, audit.entity_id) == ("sato", "pending", "approved", app_id)


def test_application_with_unanswered_required_question_cannot_be_approved(engine):
    app_id = add_application(engine, answers=("", ""))
    with pytest.raises(CannotApprove) as raised:
        review.decide(engine, app_id, 1, "approve", "sato")
    assert raised.value.params["flags"] == ["unanswered"]
    assert count_members(engine) == 0
    assert version_of(engine, app_id) == 1


def test_application_without_consent_cannot_be_approved_even_with_an_override(engine):
    app_id = add_application(engine, consent=False)
    with pytest.raises(CannotApprove):
        review.decide(engine, app_id, 1, "approve", "sato", override_reason="known person")


def test_an_ineligible_application_needs_a_recorded_override_reason(engine):
    app_id = add_application(engine, company="株式会社ABC商事")
    with pytest.raises(OverrideRequired):
        review.decide(engine, app_id, 1, "approve", "sato")
    review.decide(engine, app_id, 1, "approve", "sato", override_reason="ソニー出身者の会社に出向していた")
    with read_session(engine) as session:
        assert session.get(Application, app_id).override_reason == "ソニー出身者の会社に出向していた"


def test_a_rejection_needs_a_category_and_a_note(engine):
    app_id = add_application(engine)
    with pytest.raises(ReasonRequired):
        review.decide(engine, app_id, 1, "reject", "sato", category="spam")
    review.decide(engine, app_id, 1, "reject", "sato", category="spam", note="勧誘目的")
    with pytest.raises(AlreadyDecided):
        review.decide(engine, app_id, 2, "approve", "sato")


def test_a_second_application_of_a_member_cannot_become_a_second_member(engine):
    first = add_application(engine, email="taro@example.jp")
    second = add_application(engine, email="Taro@Example.JP", submitted_at=T0 + dt.timedelta(days=3))
    review.decide(engine, first, 1, "approve", "sato")
    assert "possible_duplicate" in review.detail(engine, second).item.flags
    with pytest.raises(AlreadyAMember):
        review.decide(engine, second, 1, "approve", "sato")
    review.decide(engine, second, 1, "duplicate", "sato", duplicate_of_application_id=first)
    assert count_members(engine) == 1


def test_a_decision_on_a_stale_version_is_refused_and_names_who_decided(engine):
    app_id = add_application(engine)
    review.decide(engine, app_id, 1, "hold", "suzuki", note="在籍期間を確認中")
    with pytest.raises(DecisionConflict) as raised:
        review.decide(engine, app_id, 1, "approve", "sato")
    assert raised.value.params["by"] == "suzuki"
    assert raised.value.params["status"] == "on_hold"


def test_two_organizers_deciding_at_once_store_exactly_one_decision(engine):
    app_id = add_application(engine)
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(actor, decision, **kwargs):
        barrier.wait()
        try:
            outcomes[actor] = review.decide(engine, app_id, 1, decision, actor, **kwargs)
        except DecisionConflict as conflict:
            outcomes[actor] = conflict

    threads = [
        threading.Thread(target=decide, args=("sato", "approve")),
        threading.Thread(target=decide, args=("suzuki", "reject"), kwargs={"category": "spam", "note": "重複"}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    conflicts = [o for o in outcomes.values() if isinstance(o, DecisionConflict)]
    assert len(conflicts) == 1
    winner = next(actor for actor, o in outcomes.items() if not isinstance(o, DecisionConflict))
    with read_session(engine) as session:
        application = session.get(Application, app_id)
        decisions = session.scalar(select(func.count()).where(AuditLog.action == "decision"))
    assert application.decided_by == winner
    assert conflicts[0].params["by"] == winner
    assert decisions == 1
    assert count_members(engine) == (1 if winner == "sato" else 0)


def test_batch_approval_approves_what_passes_and_explains_the_rest(engine):
    good = add_application(engine, email="a@example.jp", name="青木 一")
    unanswered = add_application(engine, email="b@example.jp", name="伊藤 二", answers=("", ""))
    other_company = add_application(engine, email="c@example.jp", name="上田 三", company="他社")
    result = review.batch_approve(engine, [(good, 1), (unanswered, 1), (other_company, 1)], "sato")
    assert result.approved == [good]
    assert [(i, type(e).__name__) for i, e in result.skipped] == [
        (unanswered, "CannotApprove"),
        (other_company, "OverrideRequired"),
    ]


def test_the_queue_lists_open_applications_oldest_first_with_days_waiting(engine):
    later = add_application(engine, email="late@example.jp", name="遅い 人", submitted_at=T0 + dt.timedelta(days=5))
    earlier = add_application(engine, email="early@example.jp", name="早い 人", submitted_at=T0)
    done = add_application(engine, email="done@example.jp", name="済み 人")
    review.decide(engine, done, 1, "reject", "sato", category="spam", note="x")
    items = review.queue(engine, review.repo.QueueFilter(), now=T0 + dt.timedelta(days=10))
    assert [(i.id, i.days_waiting) for i in items] == [(earlier, 10), (later, 5)]


def test_a_referral_by_a_current_member_is_flagged_as_a_good_sign(engine):
    first = add_application(engine)
    review.decide(engine, first, 1, "approve", "sato")
    referred = add_application(engine, email="hanako@example.com", name="佐藤 花子", referrer="山田　太郎")
    assert "referred_by_member" in review.detail(engine, referred).item.flags

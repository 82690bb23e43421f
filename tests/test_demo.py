"""Demo data: reproducible, realistic, shaped like the network's history; and the vocabularies."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from core import vocab
from core.normalize import normalize_email, normalize_name
from db.demo import DemoResult, growth_curve, seed_demo, survey_february
from db.engine import make_engine, read_session, write_session
from db.migrate import upgrade
from db.models import (
    APPLICATION_STATUSES,
    Application,
    ApplicationAnswer,
    Introduction,
    Member,
    ScreeningQuestion,
    Setting,
    Survey,
    SurveyChoice,
    SurveyOption,
    SurveyResponse,
    UserAccount,
)

TODAY = dt.date(2026, 11, 28)
GROUP_COMPANIES = {company.name_ja for company in vocab.group_companies()}


def new_engine(directory: Path, name: str = "t.sqlite3") -> Engine:
    engine = make_engine(f"sqlite:///{directory / name}")
    upgrade(engine)
    return engine


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, DemoResult]]:
    engine = new_engine(tmp_path_factory.mktemp("demo"))
    result = seed_demo(engine, today=TODAY)
    yield engine, result
    engine.dispose()


def month_end_counts(engine: Engine, today: dt.date) -> list[tuple[dt.date, int]]:
    """Active members at the end of every month of the history (the current month: today)."""
    with read_session(engine) as session:
        rows = session.execute(select(Member.joined_on, Member.left_on)).all()
    first = min(joined for joined, _ in rows)
    counts = []
    year, month = first.year, first.month
    while (year, month) <= (today.year, today.month):
        end = min(dt.date(year, month, calendar.monthrange(year, month)[1]), today)
        active = sum(1 for joined, left in rows if joined <= end and (left is None or left > end))
        counts.append((end, active))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return counts


def rows_of(engine: Engine, model: type) -> list[tuple]:
    table = model.__table__
    with read_session(engine) as session:
        return [tuple(row) for row in session.execute(select(table).order_by(*table.primary_key.columns))]


# --- reproducibility and idempotence ---------------------------------------------------------


def test_same_seed_gives_the_same_members(tmp_path: Path) -> None:
    first = new_engine(tmp_path, "a.sqlite3")
    second = new_engine(tmp_path, "b.sqlite3")
    seed_demo(first, members=300, seed=11, today=TODAY)
    seed_demo(second, members=300, seed=11, today=TODAY)
    for model in (Member, Application, ApplicationAnswer, SurveyResponse, SurveyChoice, Introduction):
        assert rows_of(first, model) == rows_of(second, model), model.__name__


def test_a_different_seed_gives_different_members(tmp_path: Path) -> None:
    first = new_engine(tmp_path, "a.sqlite3")
    second = new_engine(tmp_path, "b.sqlite3")
    seed_demo(first, members=100, seed=1, today=TODAY)
    seed_demo(second, members=100, seed=2, today=TODAY)
    assert rows_of(first, Member) != rows_of(second, Member)


def table_sizes(engine: Engine) -> dict[str, int]:
    models = (Member, Application, ApplicationAnswer, Survey, SurveyResponse, Introduction, ScreeningQuestion)
    with read_session(engine) as session:
        return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in models}


def test_seeding_a_database_with_members_adds_nothing(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    first = seed_demo(engine, members=60, today=TODAY)
    before = table_sizes(engine)
    second = seed_demo(engine, members=60, seed=99, today=TODAY)
    after = table_sizes(engine)
    assert not first.skipped and first.members == 60
    assert second.skipped and second.members == 0
    assert after == before


def test_result_counts_match_the_rows_written(seeded: tuple[Engine, DemoResult]) -> None:
    engine, result = seeded
    with read_session(engine) as session:
        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model))

        assert result.members == count(Member) == 240
        assert result.applications == count(Application)
        assert result.application_answers == count(ApplicationAnswer)
        assert result.screening_questions == count(ScreeningQuestion) == 2
        assert result.survey_responses == count(SurveyResponse)
        assert result.survey_choices == count(SurveyChoice)
        assert result.introductions == count(Introduction)
        assert result.left_members == session.scalar(
            select(func.count()).select_from(Member).where(Member.left_on.is_not(None))
        )


# --- growth ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today",
    [TODAY, dt.date(2026, 3, 1), dt.date(2026, 4, 15), dt.date(2027, 2, 14), dt.date(2028, 8, 31),
     dt.date(2025, 12, 31), dt.date(2028, 5, 2)],
)
def test_membership_passes_200_in_a_february(tmp_path: Path, today: dt.date) -> None:
    engine = new_engine(tmp_path)
    seed_demo(engine, today=today)
    counts = month_end_counts(engine, today)
    first_at_200 = next(end for end, active in counts if active >= 200)
    assert first_at_200.month == 2
    assert all(active < 200 for end, active in counts if end < first_at_200)


def test_history_covers_18_months_and_ends_before_today(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        first, last = session.execute(select(func.min(Member.joined_on), func.max(Member.joined_on))).one()
        last_left = session.scalar(select(func.max(Member.left_on)))
    assert dt.date(2025, 5, 28) <= first <= dt.date(2025, 6, 10)
    assert TODAY - dt.timedelta(days=31) <= last < TODAY
    assert last_left is None or last_left < TODAY


def test_the_growth_curve_rises_to_everyone_and_passes_the_anchor() -> None:
    curve = growth_curve(547, anchor_day=300.5, anchor_share=200 / 240)
    assert all(b >= a for a, b in zip(curve, curve[1:], strict=False))
    assert curve[-1] == 1.0
    assert curve[299] < 200 / 240 < curve[301]
    assert 0.05 < curve[13] <= 0.11  # the founding members' launch burst


def test_the_survey_february_leaves_history_on_both_sides() -> None:
    for today in (dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(0, 800, 3)):
        months = today.year * 12 + today.month - 1 - 18
        launch = dt.date(months // 12, months % 12 + 1, min(today.day, 28))
        feb = survey_february(launch, today)
        assert feb.month == 2
        assert (feb - launch).days >= 90 and (today - dt.date(feb.year, 3, 1)).days >= 45


def test_a_few_members_leave_and_opt_in_rates_are_plausible(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        members = session.scalars(select(Member)).all()
    n = len(members)
    left = [m for m in members if m.left_on is not None]
    assert 0.01 * n <= len(left) <= 0.05 * n
    assert all(m.left_on >= m.joined_on + dt.timedelta(days=30) for m in left)
    assert 0.65 <= sum(m.matching_opt_in for m in members) / n <= 0.85
    assert 0.50 <= sum(m.introduction_opt_in for m in members) / n <= 0.70


# --- realistic members -----------------------------------------------------------------------


def test_members_look_like_japanese_alumni(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        members = session.scalars(select(Member)).all()
    regions = {region.code for region in vocab.regions()}
    offers, needs = set(vocab.offer_tags()), set(vocab.need_tags())
    for m in members:
        assert m.email.isascii() and m.email.split("@")[1].lower() in {"example.jp", "example.com"}
        assert m.email_normalized == normalize_email(m.email)
        assert m.name_normalized == normalize_name(m.full_name)
        assert all("\u30a0" <= ch <= "\u30ff" or ch == " " for ch in m.name_kana)
        assert m.former_company in GROUP_COMPANIES
        assert m.current_employer
        assert m.industry_code is None or vocab.industries()[m.industry_code].level == "medium"
        assert m.region in regions
        assert len(m.needs) <= 3 and set(m.needs) <= needs
        assert len(m.offers) <= 3 and set(m.offers) <= offers
    top_regions = Counter(m.region for m in members).most_common(3)
    assert top_regions[0][0] == "13"
    majors = Counter(vocab.major_of(m.industry_code) for m in members)
    assert sum(majors[major] for major in "EGLJ") >= 0.6 * len(members)


def test_only_example_domains_are_used(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        emails = session.scalars(select(Application.email_normalized)).all()
        emails += [e for e in session.scalars(select(SurveyResponse.email_normalized)) if e]
    assert emails and all(e.rsplit("@", 1)[1] in {"example.jp", "example.com"} for e in emails)


# --- applications ----------------------------------------------------------------------------


def test_applications_exist_in_every_status(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        statuses = Counter(session.scalars(select(Application.status)))
        sources = set(session.scalars(select(Application.source)))
    assert set(statuses) == set(APPLICATION_STATUSES)
    assert 10 <= statuses["pending"] <= 20
    assert sources == {"form", "import"}


def test_every_approved_application_has_one_member(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        apps = session.scalars(select(Application)).all()
        members = {m.id: m for m in session.scalars(select(Member))}
    approved = [a for a in apps if a.status == "approved"]
    assert sorted(a.member_id for a in approved) == sorted(members)
    assert all(a.member_id is None for a in apps if a.status != "approved")
    for app in approved:
        member = members[app.member_id]
        assert app.email_normalized == member.email_normalized
        assert app.decided_by in {"admin", "organizer"}
        assert app.submitted_at < app.decided_at <= app.submitted_at + dt.timedelta(days=8)
        assert (app.decided_at + dt.timedelta(hours=9)).date() == member.joined_on
        assert app.consent_at is not None and app.currently_working is True


def test_approved_applications_answered_every_required_question(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        questions = session.scalars(select(ScreeningQuestion).order_by(ScreeningQuestion.position)).all()
        answers = session.execute(
            select(ApplicationAnswer.question_id, ApplicationAnswer.answer)
            .join(Application)
            .where(Application.status == "approved")
        ).all()
    assert [q.text for q in questions] == [
        "参加の目的を教えてください",
        "ソニー在籍を確認できる情報（在籍期間・当時の上長など）",
    ]
    assert all(q.required and q.text_en for q in questions)
    assert len(answers) == 240 * 2 and all(text.strip() for _, text in answers)


def test_some_applications_are_not_ready_to_approve(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        pending = session.scalars(select(Application).where(Application.status == "pending")).all()
        blank = session.scalars(
            select(ApplicationAnswer.application_id).where(ApplicationAnswer.answer == "")
        ).all()
        rejected = session.scalars(select(Application).where(Application.status == "rejected")).all()
    pending_ids = {a.id for a in pending}
    assert pending_ids & set(blank), "a pending application with an unanswered question"
    assert any(a.consent_at is None for a in pending)
    assert any(a.former_company == "その他" or a.currently_working is False for a in pending)
    waits = [(TODAY - (a.submitted_at + dt.timedelta(hours=9)).date()).days for a in pending]
    assert min(waits) <= 7 and max(waits) >= 21
    assert all(a.decision_category and a.decision_reason and a.decided_at for a in rejected)
    assert any(a.former_company == "その他" for a in rejected)
    assert any(a.currently_working is False for a in rejected)


def test_duplicate_applications_point_to_the_same_person(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        duplicates = session.scalars(select(Application).where(Application.status == "duplicate")).all()
        members = {m.id: m for m in session.scalars(select(Member))}
        apps = {a.id: a for a in session.scalars(select(Application))}
    assert duplicates
    kinds = set()
    for dup in duplicates:
        original = members.get(dup.duplicate_of_member_id) or apps.get(dup.duplicate_of_application_id)
        assert original is not None
        assert dup.email_normalized == original.email_normalized or dup.name_normalized == original.name_normalized
        if dup.email != original.email and dup.email_normalized == original.email_normalized:
            kinds.add("full-width" if not dup.email.isascii() else "letter case")
        if dup.name_kana != original.name_kana:
            kinds.add("kana")
    assert {"letter case", "full-width", "kana"} <= kinds


# --- survey ----------------------------------------------------------------------------------


def test_survey_ranks_business_matching_first_and_introductions_second(
    seeded: tuple[Engine, DemoResult],
) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        survey = session.scalars(select(Survey)).one()
        tally = dict(
            session.execute(
                select(SurveyOption.label, func.count(SurveyChoice.response_id))
                .join(SurveyChoice, SurveyChoice.option_id == SurveyOption.id, isouter=True)
                .group_by(SurveyOption.label)
            ).all()
        )
    assert survey.kind == "responses" and survey.multiple_choice
    assert survey.question == "ネットワークに期待することは？（複数選択可）"
    ranked = sorted(tally, key=tally.get, reverse=True)
    assert ranked[:2] == ["ビジネスマッチング", "メンバー紹介＆交流イベント"]
    assert tally[ranked[1]] >= 1.5 * tally[ranked[2]]
    assert set(tally) == {
        "ビジネスマッチング", "メンバー紹介＆交流イベント", "勉強会・セミナー", "キャリア相談",
        "情報交換（業界動向）", "同窓会的な懇親", "その他",
    }


def test_survey_is_held_in_the_february_membership_passed_200(seeded: tuple[Engine, DemoResult]) -> None:
    engine, result = seeded
    with read_session(engine) as session:
        survey = session.scalars(select(Survey)).one()
        responses = session.scalars(select(SurveyResponse)).all()
        members = {m.id: m for m in session.scalars(select(Member))}
    assert survey.held_on == result.survey_held_on and survey.held_on.month == 2
    assert "2月 会員アンケート" in survey.title
    active = sum(
        1 for m in members.values()
        if m.joined_on <= survey.held_on and (m.left_on is None or m.left_on > survey.held_on)
    )
    assert active >= 200
    linked = [r for r in responses if r.member_id is not None]
    assert any(r.member_id is None and r.email_normalized is None for r in responses)
    assert any(r.extra_answers for r in responses)
    for response in linked:
        member = members[response.member_id]
        assert response.email_normalized == member.email_normalized
        assert member.joined_on <= survey.held_on
    assert len({r.member_id for r in linked}) == len(linked)


# --- introductions ---------------------------------------------------------------------------


def test_introductions_are_ordered_pairs_with_consistent_dates(seeded: tuple[Engine, DemoResult]) -> None:
    engine, _ = seeded
    with read_session(engine) as session:
        intros = session.scalars(select(Introduction)).all()
        members = {m.id: m for m in session.scalars(select(Member))}
    assert 25 <= len(intros) <= 35
    assert {i.status for i in intros} == {"proposed", "introduced", "met", "closed"}
    assert len({(i.member_a_id, i.member_b_id) for i in intros}) == len(intros)
    start_of_today = dt.datetime.combine(TODAY, dt.time()) - dt.timedelta(hours=9)
    for intro in intros:
        assert intro.member_a_id < intro.member_b_id
        assert intro.introduced_by == "organizer"
        assert intro.need_tag in vocab.need_tags()
        a, b = members[intro.member_a_id], members[intro.member_b_id]
        assert a.introduction_opt_in and b.introduction_opt_in
        assert max(a.joined_on, b.joined_on) < (intro.proposed_at + dt.timedelta(hours=9)).date()
        steps = [intro.proposed_at, intro.introduced_at, intro.met_at, intro.outcome_at]
        present = [s for s in steps if s is not None]
        assert present == sorted(present) and present[-1] < start_of_today
        if intro.status == "closed":
            assert intro.outcome in {"deal", "hire", "partnership", "no_fit"} and intro.outcome_at
        else:
            assert intro.outcome is None and intro.outcome_at is None
        if intro.status in ("introduced", "met", "closed"):
            assert intro.introduced_at is not None
        if intro.status == "met":
            assert intro.met_at is not None


# --- other tables ----------------------------------------------------------------------------


def test_existing_screening_questions_are_kept(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    with write_session(engine) as session:
        session.add(ScreeningQuestion(text="紹介者のお名前", required=True, position=0))
    result = seed_demo(engine, members=30, today=TODAY)
    with read_session(engine) as session:
        questions = session.scalars(select(ScreeningQuestion)).all()
        answers = session.scalar(select(func.count()).select_from(ApplicationAnswer))
    assert result.screening_questions == 0
    assert [q.text for q in questions] == ["紹介者のお名前"]
    assert answers == result.applications


def test_seeding_does_not_touch_settings_or_accounts(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    seed_demo(engine, members=30, today=TODAY)
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Setting)) == 0
        assert session.scalar(select(func.count()).select_from(UserAccount)) == 0


def test_seeding_5000_members_scales(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    result = seed_demo(engine, members=5000, seed=3, today=TODAY)
    assert result.members == 5000 and not result.skipped
    assert result.introductions == 625
    with read_session(engine) as session:
        statuses = Counter(session.scalars(select(Application.status)))
        emails = session.scalar(select(func.count(func.distinct(Member.email_normalized))))
    assert statuses["approved"] == 5000 and emails == 5000
    assert 15 < statuses["pending"] < 200
    counts = month_end_counts(engine, TODAY)
    threshold = round(5000 * 200 / 240)
    first_at_threshold = next(end for end, active in counts if active >= threshold)
    assert first_at_threshold.month == 2


# --- vocabularies ----------------------------------------------------------------------------


def test_regions_are_the_47_prefectures_and_abroad() -> None:
    regions = vocab.regions()
    assert [r.code for r in regions] == [f"{n:02d}" for n in range(1, 48)] + ["abroad"]
    assert regions[12].name_ja == "東京都" and regions[12].name_en == "Tokyo"
    assert vocab.label("region", "abroad", "ja") == "海外"
    assert vocab.label("region", "27", "en") == "Osaka"


def test_jsic_has_20_majors_and_every_medium_has_a_major_parent() -> None:
    industries = vocab.industries()
    majors = [i for i in industries.values() if i.level == "major"]
    mediums = [i for i in industries.values() if i.level == "medium"]
    assert [m.code for m in majors] == list("ABCDEFGHIJKLMNOPQRST")
    assert [m.code for m in mediums] == [f"{n:02d}" for n in range(1, 100)]
    assert all(m.parent in {major.code for major in majors} for m in mediums)
    assert all(i.name_ja and i.name_en for i in industries.values())
    assert industries["E"].name_ja == "製造業"
    assert industries["G"].name_ja == "情報通信業"
    assert industries["30"].name_ja == "情報通信機械器具製造業" and industries["30"].parent == "E"
    assert industries["39"].name_ja == "情報サービス業" and industries["39"].parent == "G"
    assert industries["L"].name_ja == "学術研究，専門・技術サービス業"
    assert vocab.major_of("39") == "G" and vocab.major_of("3911") == "G" and vocab.major_of("E") == "E"
    assert vocab.major_of(None) is None and vocab.major_of("XX") is None


def test_related_industries_are_symmetric_and_bounded() -> None:
    related = vocab.related_industries()
    assert related[("E", "G")] == related[("G", "E")] > 0
    assert all(0 <= value <= 1 for value in related.values())
    assert vocab.industry_affinity("30", "39") == related[("E", "G")]
    assert vocab.industry_affinity("28", "30") == 1.0


def test_complement_of_round_trips() -> None:
    for pair in vocab.needs():
        assert vocab.complement_of(pair.need) == pair.offer
        assert vocab.complement_of(pair.offer) == pair.need
        assert vocab.complement_of(vocab.complement_of(pair.need)) == pair.need
    assert vocab.complement_of("seeking_clients") == "can_buy_or_introduce"
    assert vocab.complement_of("investor") == "seeking_investment"
    assert vocab.complement_of("partnership") == "partnership"
    assert all(tag.isascii() and tag == tag.lower() for tag in vocab.need_tags() + vocab.offer_tags())
    with pytest.raises(KeyError):
        vocab.complement_of("no_such_tag")


def test_labels_come_in_both_languages() -> None:
    assert vocab.tag_label("seeking_clients", "ja") == "顧客・販路を探している"
    assert vocab.tag_label("can_take_work", "en") == "Can take on work"
    assert vocab.tag_label("unknown_tag", "ja") == "unknown_tag"
    assert vocab.label("industry", "39", "en") == "Information services"
    assert vocab.label("company", "ソニー銀行", "en") == "Sony Bank"
    assert vocab.label("tag", None) == ""
    with pytest.raises(ValueError):
        vocab.label("colour", "red")


def test_group_companies_list_the_eligible_companies() -> None:
    names = [c.name_ja for c in vocab.group_companies()]
    assert 15 <= len(names) <= 20 and len(set(names)) == len(names)
    assert {"ソニーグループ株式会社", "ソニー株式会社", "ソニー銀行", "アニプレックス"} <= set(names)
    assert all(c.name_en for c in vocab.group_companies())

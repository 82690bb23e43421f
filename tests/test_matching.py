"""The match score: symmetric, both sides must gain, exclusions, fairness invariance, reasons in words."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np
import pytest

from core import matching, vocab
from core.matching import MatchIndex, Profile, describe, reasons
from db.engine import write_session
from db.models import Introduction, Member, utcnow

NEEDS, OFFERS = vocab.need_tags(), vocab.offer_tags()
INDUSTRIES = ["E", "G", "L", "29", "30", "39", "40", "J", None]


def random_profile(rng: random.Random, member_id: int) -> Profile:
    return Profile(
        id=member_id, name=f"会員{member_id}", email=f"m{member_id}@example.jp",
        industry_code=rng.choice(INDUSTRIES), region=rng.choice(["13", "14", "27", None]),
        former_company=rng.choice(["ソニー株式会社", "ソニー銀行", None]),
        current_employer=rng.choice(["A社", "B社", "C社", "D社", None, None]),
        needs=tuple(rng.sample(NEEDS, rng.randint(0, 3))), offers=tuple(rng.sample(OFFERS, rng.randint(0, 3))),
    )


@pytest.fixture
def profiles() -> list[Profile]:
    rng = random.Random(42)
    return [random_profile(rng, i) for i in range(1, 61)]


def test_the_mutual_score_is_the_same_in_both_directions(profiles):
    index = MatchIndex(profiles)
    full = np.vstack([index.scores_for(i) for i in range(len(index))])
    assert np.array_equal(full, full.T)


def test_the_pair_matrix_agrees_with_the_scores_of_one_member(profiles):
    index = MatchIndex(profiles)
    positions = list(range(0, len(index), 3))
    matrix = index.pair_scores(positions)
    for row, i in enumerate(positions):
        assert np.allclose(matrix[row], index.scores_for(i)[positions])


def test_both_sides_must_gain_for_the_reciprocal_part():
    seeker = Profile(1, needs=("seeking_vendors",))
    vendor = Profile(2, offers=("can_take_work",))
    vendor_who_needs_clients = Profile(3, needs=("seeking_clients",), offers=("can_take_work",))
    seeker_who_can_buy = Profile(4, needs=("seeking_vendors",), offers=("can_buy_or_introduce",))
    index = MatchIndex([seeker, vendor, vendor_who_needs_clients, seeker_who_can_buy])
    assert index.scores_for(0)[1] == 0.0  # one-sided: the vendor gains nothing
    assert index.scores_for(3)[2] == pytest.approx(100 * matching.W_RECIPROCAL)


def test_symmetric_tags_meet_each_other():
    a, b = Profile(1, needs=("partnership",)), Profile(2, offers=("partnership",))
    assert MatchIndex([a, b]).scores_for(0)[1] == pytest.approx(100 * matching.W_RECIPROCAL)
    assert [r.kind for r in reasons(a, b)] == ["both_want"]


@pytest.mark.parametrize(("code_a", "code_b", "affinity"), [
    ("29", "29", matching.SAME_MEDIUM),
    ("29", "30", matching.SAME_MAJOR),
    ("E", "29", matching.SAME_MAJOR),
    ("E", "G", matching.RELATED * 0.8),
    ("E", "B", 0.0),
    (None, "E", 0.0),
], ids=["same-medium", "same-major", "major-and-medium", "related", "unrelated", "unknown"])
def test_industry_affinity_orders_same_medium_over_same_major_over_related(code_a, code_b, affinity):
    index = MatchIndex([Profile(1, industry_code=code_a), Profile(2, industry_code=code_b)])
    assert index.scores_for(0)[1] == pytest.approx(100 * matching.W_INDUSTRY * affinity)


def test_common_ground_adds_a_small_bonus():
    a = Profile(1, former_company="ソニー株式会社", region="13")
    b = Profile(2, former_company="ｿﾆｰ株式会社 ".replace("ｿﾆｰ", "ソニー"), region="13")
    assert MatchIndex([a, b]).scores_for(0)[1] == pytest.approx(100 * (matching.W_COMPANY + matching.W_REGION))


HISTORY = {"age": (28, 61), "years_of_service": (2, 35), "former_title": ("担当", "執行役員"), "grade": ("G1", "M5")}


def with_history(profile: Profile, pick: int) -> Profile:
    """The same profile carrying age, years of service, former title and grade as real attributes."""
    fields = [(name, type(values[pick]), values[pick]) for name, values in HISTORY.items()]
    extended = dataclasses.make_dataclass("ProfileWithHistory", fields, bases=(Profile,), frozen=True)
    return extended(**dataclasses.asdict(profile), **{name: values[pick] for name, values in HISTORY.items()})


def test_age_years_of_service_former_title_and_grade_change_no_score(profiles):
    rng = random.Random(7)
    junior = [with_history(p, 0) for p in profiles]
    mixed = [with_history(p, rng.randint(0, 1)) for p in profiles]
    senior = [with_history(p, 1) for p in profiles]
    expected = np.vstack([MatchIndex(profiles).scores_for(i) for i in range(len(profiles))])
    for variant in (junior, mixed, senior):
        assert senior[0].age == 61 and junior[0].grade == "G1"
        index = MatchIndex(variant)
        assert np.array_equal(np.vstack([index.scores_for(i) for i in range(len(variant))]), expected)
        assert np.array_equal(index.pair_scores(range(len(variant))), MatchIndex(profiles).pair_scores(
            range(len(profiles))))
        assert [reasons(variant[0], v) for v in variant] == [reasons(profiles[0], p) for p in profiles]


def test_the_score_reads_only_the_documented_fields():
    scored = set(matching.SCORED_FIELDS) | {"id", "name", "email"}
    assert {f.name for f in dataclasses.fields(Profile)} == scored


def test_the_member_themself_and_the_same_employer_are_never_candidates(profiles):
    index = MatchIndex(profiles)
    for i, me in enumerate(profiles):
        found = index.top(i, 60, index.excluded_for(i))
        ids = {c.profile.id for c in found}
        assert me.id not in ids
        if me.current_employer:
            assert all(c.profile.current_employer != me.current_employer for c in found)


def test_top_candidates_come_best_first_and_skip_the_given_ids(profiles):
    index = MatchIndex(profiles)
    everyone = index.top(0, 10, index.excluded_for(0))
    assert [c.score for c in everyone] == sorted((c.score for c in everyone), reverse=True)
    skipped = {everyone[0].profile.id, everyone[1].profile.id}
    again = index.top(0, 10, index.excluded_for(0, skipped))
    assert skipped.isdisjoint(c.profile.id for c in again)
    assert again[0].profile.id == everyone[2].profile.id


def test_reasons_read_as_plain_japanese_and_english():
    a = Profile(1, "山田 太郎", industry_code="29", region="13", needs=("seeking_vendors",),
                offers=("can_buy_or_introduce",))
    b = Profile(2, "佐藤 花子", industry_code="29", region="13", needs=("seeking_clients",), offers=("can_take_work",))
    found = reasons(a, b)
    ja = describe(found, a.name, b.name, "ja")
    en = describe(found, a.name, b.name, "en")
    assert "山田 太郎さんの「発注先・委託先を探している」に、佐藤 花子さんの「業務を受託できる」が応えます。" in ja
    assert "同じ業種（電気機械器具製造業）です。" in ja and "同じ地域（東京都）です。" in ja
    assert "山田 太郎 needs “Looking for vendors or contractors”; 佐藤 花子 offers “Can take on work”." in en
    assert "Same industry (" in en and "Same region (Tokyo)." in en
    assert describe((), a.name, b.name, "en") == "No particular common ground."


# ---- against the database ----------------------------------------------------------------------

TODAY = dt.date(2026, 11, 20)


def add_member(session, member_id: int, **fields) -> None:
    values = dict(email=f"m{member_id}@example.jp", email_normalized=f"m{member_id}@example.jp",
                  full_name=f"会員 {member_id}", name_normalized=f"会員{member_id}", joined_on=dt.date(2026, 1, 1),
                  matching_opt_in=True, needs=["seeking_vendors"], offers=["can_take_work"], industry_code="29")
    values.update(fields)
    session.add(Member(id=member_id, **values))


def test_only_opted_in_current_members_are_suggested_and_past_pairs_are_not(engine):
    with write_session(engine) as session:
        for member_id in range(1, 8):
            add_member(session, member_id)
        session.get(Member, 2).matching_opt_in = False
        session.get(Member, 3).left_on = dt.date(2026, 6, 1)
        session.get(Member, 4).erased = True
        session.get(Member, 5).current_employer = session.get(Member, 1).current_employer = "同じ会社"
        session.flush()
        session.add(Introduction(member_a_id=1, member_b_id=6, introduced_by="test"))
    found = matching.suggest(engine, 1, 10, today=TODAY)
    assert [c.profile.id for c in found.candidates] == [7]
    with pytest.raises(matching.MemberNotMatchable):
        matching.suggest(engine, 2, 10, today=TODAY)


def test_members_proposed_often_lately_are_held_back(engine):
    with write_session(engine) as session:
        for member_id in range(1, 8):
            add_member(session, member_id)
        session.flush()
        for other in (3, 4, 5):
            session.add(Introduction(member_a_id=2, member_b_id=other, introduced_by="test", proposed_at=utcnow()))
    found = matching.suggest(engine, 1, 10)
    ids = [c.profile.id for c in found.candidates]
    assert 2 not in ids and set(ids) == {3, 4, 5, 6, 7}
    assert found.held_back == 1


def test_the_index_is_rebuilt_when_the_data_changes(engine):
    with write_session(engine) as session:
        for member_id in range(1, 4):
            add_member(session, member_id)
    first = matching.match_data(engine, TODAY)
    assert matching.match_data(engine, TODAY) is first
    with write_session(engine) as session:
        add_member(session, 4)
    assert len(matching.match_data(engine, TODAY).index) == 4

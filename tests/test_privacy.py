import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.privacy import OTHER, suppress, suppress_value


def test_groups_below_k_are_merged_into_other():
    groups = suppress({"ソニー": 40, "ソニー銀行": 12, "ソニー生命": 3, "アニプレックス": 4}, k=5)
    assert [(g.label, g.count, g.suppressed) for g in groups] == [("ソニー", 40, False), ("ソニー銀行", 12, False),
                                                                   (OTHER, 7, False)]


def test_a_single_small_group_takes_the_smallest_visible_group_with_it():
    groups = suppress({"A": 40, "B": 6, "C": 2}, k=5)
    assert [(g.label, g.count) for g in groups] == [("A", 40), (OTHER, 8)]


def test_when_everything_is_small_only_a_suppressed_other_remains():
    groups = suppress({"A": 2, "B": 1}, k=5)
    assert [(g.label, g.shown(5)) for g in groups] == [(OTHER, "<5")]


def test_zero_groups_are_dropped_and_large_ones_kept_in_order():
    assert [g.label for g in suppress({"A": 5, "B": 0, "C": 9}, k=5)] == ["C", "A"]


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (3, "<5"), (5, "5"), (1234, "1,234")])
def test_a_single_figure_is_hidden_between_one_and_k_minus_one(count, shown):
    assert suppress_value(count, 5).shown(5) == shown


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 30), max_size=12), st.integers(2, 10))
def test_no_group_below_k_is_ever_shown_and_the_total_is_kept(counts, k):
    groups = suppress(counts, k)
    assert all(g.count >= k or g.suppressed for g in groups)
    assert sum(g.count for g in groups) == sum(counts.values())
    shown = [g for g in groups if not g.suppressed]
    hidden = [g for g in groups if g.suppressed]
    assert len(hidden) <= 1
    if hidden:
        assert not shown  # a hidden cell never sits beside figures it could be worked out from

"""Growth figures without a database: months, quarters, medians, milestones, KPIs and the liaison's protection."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import growth
from core.csvio import read_table
from core.growth import UNKNOWN, CompositionRow, InvalidMonth, Kpis
from core.privacy import OTHER
from core.svg import Series, bar_chart, nice_step
from db.growth import MonthlyCounts

K = 5
# Six months by hand (k = 5):
#            joined left total applications approvals rejections decision hours
#   2025-01     6    0     6       8           6          0       24h x6
#   2025-02    12    2    16      14          12          1       10h x5, 36h x8
#   2025-03     0    0    16       0           0          0       -
#   2025-04     7    0    23       9           7          5       2h x12
#   2025-05     3    0    26       3           3          0       48h x3
#   2025-06     5    5    26       6           5          0       1h x5
COUNTS = MonthlyCounts(
    joined={"2025-01": 6, "2025-02": 12, "2025-04": 7, "2025-05": 3, "2025-06": 5},
    left={"2025-02": 2, "2025-06": 5},
    applications={"2025-01": 8, "2025-02": 14, "2025-04": 9, "2025-05": 3, "2025-06": 6},
    approvals={"2025-01": 6, "2025-02": 12, "2025-04": 7, "2025-05": 3, "2025-06": 5},
    rejections={"2025-02": 1, "2025-04": 5},
    decision_hours={"2025-01": {24: 6}, "2025-02": {10: 5, 36: 8}, "2025-04": {2: 12}, "2025-05": {48: 3},
                    "2025-06": {1: 5}},
)
MONTHS = growth.monthly_figures(COUNTS)


def by_period(rows):
    return {row.period: row for row in rows}


def fields(row, *names):
    return tuple(getattr(row, name) for name in names)


MEMBERSHIP = ("new_members", "left_members", "approvals")


def test_months_run_from_the_first_to_the_last_month_with_data_with_empty_months_as_zeros():
    assert [m.month for m in MONTHS] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    march = MONTHS[2]
    assert (march.new_members, march.left_members, march.applications, march.approvals, march.rejections) == (
        0, 0, 0, 0, 0)


def test_the_total_at_each_month_end_adds_the_joins_and_subtracts_the_leavers():
    assert [m.total_members for m in MONTHS] == [6, 16, 16, 23, 26, 26]


def test_a_month_asked_for_beyond_the_data_extends_the_months_with_zeros():
    months = growth.monthly_figures(COUNTS, through="2025-08")
    assert [m.month for m in months[-3:]] == ["2025-06", "2025-07", "2025-08"]
    assert months[-1].total_members == 26 and months[-1].new_members == 0


def test_no_data_gives_no_months_and_nothing_breaks():
    assert growth.monthly_figures(MonthlyCounts()) == []
    assert growth.periods([]) == []
    assert growth.milestones([]) == []
    assert growth.kpis([], "2025-01", dt.date(2025, 1, 1)) is None


@pytest.mark.parametrize(("histogram", "days"), [
    ({24: 6}, 1.0),
    ({10: 5, 36: 8}, 1.5),  # 13 decisions: the 7th is 36 hours
    ({1: 1, 47: 1}, 1.0),  # even: the mean of the middle two, 24 hours
    ({2: 12}, 0.1),
    ({}, None),
], ids=["all-equal", "odd", "even", "rounded", "empty"])
def test_the_median_days_to_a_decision_comes_from_whole_hours(histogram, days):
    assert growth.median_days(histogram.items()) == days


def test_exact_monthly_figures_for_organizers():
    rows = by_period(growth.periods(MONTHS))
    assert fields(rows["2025-02"], "total_members", "net_change", "new_members", "left_members", "applications",
                  "approvals", "rejections", "median_days") == (16, 10, 12, 2, 14, 12, 1, 1.5)
    assert rows["2025-04"].approval_rate == pytest.approx(100 * 7 / 12)
    assert rows["2025-03"].approval_rate is None and rows["2025-03"].median_days is None
    assert rows["2025-06"].net_change == 0


def test_a_quarter_adds_its_months_and_takes_the_total_at_its_last_month():
    rows = by_period(growth.periods(MONTHS, "quarter"))
    assert list(rows) == ["2025-Q1", "2025-Q2"]
    assert fields(rows["2025-Q1"], "total_members", "net_change", "new_members", "left_members", "applications",
                  "approvals", "rejections", "median_days") == (16, 16, 18, 2, 22, 18, 1, 1.0)
    assert fields(rows["2025-Q2"], "total_members", "net_change", "new_members", "left_members", "applications",
                  "approvals", "rejections", "median_days") == (26, 10, 15, 5, 18, 15, 5, 0.1)


def test_the_liaison_sees_counts_from_one_to_k_minus_one_hidden_and_zeros_and_large_counts_shown():
    rows = by_period(growth.periods(MONTHS, "month", K))
    assert fields(rows["2025-01"], *MEMBERSHIP, "applications", "rejections") == (6, 0, 6, 8, 0)
    assert fields(rows["2025-03"], *MEMBERSHIP, "applications", "rejections") == (0, 0, 0, 0, 0)
    assert rows["2025-05"].applications is None  # 3 applications
    assert rows["2025-02"].rejections is None  # 1 rejection
    assert rows["2025-04"].rejections == 5


def test_small_leavers_hide_that_months_new_members_and_approvals_as_complementary_cells():
    february = by_period(growth.periods(MONTHS, "month", K))["2025-02"]
    assert fields(february, *MEMBERSHIP) == (None, None, None)  # 2 leavers; 12 joined would give them away
    assert (february.total_members, february.net_change) == (16, 10)  # the total and its change stay


def test_small_new_members_hide_the_leavers_of_that_month_even_when_there_are_none():
    may = by_period(growth.periods(MONTHS, "month", K))["2025-05"]
    assert fields(may, *MEMBERSHIP) == (None, None, None)  # else 3 = change of the total + 0 leavers
    assert may.net_change == 3


def test_the_approval_rate_and_median_are_hidden_with_the_approvals_or_rejections():
    rows = by_period(growth.periods(MONTHS, "month", K))
    assert rows["2025-02"].decisions_hidden and rows["2025-02"].approval_rate is None
    assert rows["2025-02"].median_days is None
    assert rows["2025-05"].decisions_hidden and rows["2025-05"].median_days is None
    assert rows["2025-04"].approval_rate == pytest.approx(100 * 7 / 12) and rows["2025-04"].median_days == 0.1
    assert not rows["2025-03"].decisions_hidden and rows["2025-03"].approval_rate is None


def test_a_quarter_is_hidden_when_one_of_its_months_is_even_if_the_quarter_is_large():
    rows = by_period(growth.periods(MONTHS, "quarter", K))
    first, second = rows["2025-Q1"], rows["2025-Q2"]
    assert fields(first, *MEMBERSHIP) == (None, None, None)  # 18 joined, but February is hidden
    assert first.applications == 22  # no month of applications hidden
    assert first.rejections is None
    assert second.applications is None  # May's 3 are hidden; 18 - 9 - 6 would give them away
    assert second.rejections == 5
    assert (first.total_members, second.total_members, second.net_change) == (16, 26, 10)


def test_a_total_below_k_hides_the_membership_figures_of_its_month_and_the_next():
    counts = MonthlyCounts(joined={"2025-01": 3, "2025-02": 6, "2025-03": 5},
                           approvals={"2025-01": 3, "2025-02": 6, "2025-03": 5})
    rows = by_period(growth.periods(growth.monthly_figures(counts), "month", K))
    assert rows["2025-01"].total_members is None
    assert rows["2025-02"].new_members is None  # 6 joined and a total of 9 would give away the 3
    assert (rows["2025-02"].total_members, rows["2025-02"].net_change) == (9, None)
    assert (rows["2025-03"].new_members, rows["2025-03"].net_change) == (5, 5)


def test_a_network_of_one_member_shows_the_liaison_nothing_but_hidden_figures():
    counts = MonthlyCounts(joined={"2025-01": 1}, applications={"2025-01": 1}, approvals={"2025-01": 1},
                           decision_hours={"2025-01": {5: 1}})
    (row,) = growth.periods(growth.monthly_figures(counts), "month", K)
    assert fields(row, "total_members", "net_change", *MEMBERSHIP, "applications", "median_days") == (
        None, None, None, None, None, None, None)
    kpis = growth.kpis([row], "2025-01", dt.date(2025, 1, 20))
    assert kpis.total_change_percent is None and kpis.new_change is None


months_strategy = st.lists(
    st.tuples(*[st.integers(0, 12)] * 5), min_size=1, max_size=15,
).map(lambda rows: MonthlyCounts(
    joined={f"2024-{i + 1:02d}" if i < 12 else f"2025-{i - 11:02d}": r[0] for i, r in enumerate(rows)},
    left={f"2024-{i + 1:02d}" if i < 12 else f"2025-{i - 11:02d}": min(r[1], r[0]) for i, r in enumerate(rows)},
    applications={f"2024-{i + 1:02d}" if i < 12 else f"2025-{i - 11:02d}": r[2] for i, r in enumerate(rows)},
    approvals={f"2024-{i + 1:02d}" if i < 12 else f"2025-{i - 11:02d}": r[3] for i, r in enumerate(rows)},
    rejections={f"2024-{i + 1:02d}" if i < 12 else f"2025-{i - 11:02d}": r[4] for i, r in enumerate(rows)},
))


@given(months_strategy, st.integers(2, 8), st.sampled_from(growth.GRANULARITIES))
def test_no_figure_the_liaison_sees_is_small_and_no_hidden_one_can_be_worked_out(counts, k, granularity):
    months = growth.monthly_figures(counts)
    exact = growth.periods(months, granularity)
    shown = growth.periods(months, granularity, k)
    hidden_months = {row.period for row in growth.periods(months, "month", k) if row.new_members is None}
    for true, seen in zip(exact, shown, strict=True):
        for name in ("total_members", *MEMBERSHIP, "applications", "rejections"):
            value = getattr(seen, name)
            assert value is None or value == 0 or value >= k
            assert value is None or value == getattr(true, name)
        assert len({getattr(seen, name) is None for name in MEMBERSHIP}) == 1  # hidden together or not at all
        if seen.total_members is not None and seen.net_change is not None:
            assert seen.net_change == true.net_change
        if any(m.month in hidden_months for m in months if true.first_month <= m.month <= true.last_month):
            assert seen.new_members is None


def test_kpis_compare_a_period_with_the_one_before_it():
    rows = growth.periods(MONTHS)
    kpis = growth.kpis(rows, "2025-04", dt.date(2025, 6, 10))
    assert (kpis.current.period, kpis.previous.period, kpis.in_progress) == ("2025-04", "2025-03", False)
    assert kpis.new_change == 7
    assert kpis.total_change_percent == pytest.approx(100 * 7 / 16)
    assert growth.kpis(rows, "2025-06", dt.date(2025, 6, 10)).in_progress


def test_growth_against_a_previous_total_of_zero_is_not_infinite():
    counts = MonthlyCounts(joined={"2025-01": 6}, applications={"2024-12": 7})
    rows = growth.periods(growth.monthly_figures(counts))
    kpis = growth.kpis(rows, "2025-01", dt.date(2025, 2, 1))
    assert kpis.previous.total_members == 0
    assert kpis.total_change_percent is None
    assert Kpis(rows[0], None, False).total_change_percent is None


def test_milestones_mark_the_first_period_reaching_100_200_500_and_1000():
    counts = MonthlyCounts(joined={"2025-01": 50, "2025-02": 50, "2025-03": 150, "2025-04": 350, "2025-05": 600})
    reached = growth.milestones(growth.periods(growth.monthly_figures(counts)))
    assert [(m.members, m.period) for m in reached] == [(100, "2025-02"), (200, "2025-03"), (500, "2025-04"),
                                                        (1000, "2025-05")]
    assert [growth.next_milestone(n) for n in (0, 99, 100, 233, 1200, None)] == [100, 100, 200, 500, 2000, None]


@pytest.mark.parametrize(("period", "lang", "label"), [
    ("2025-04", "ja", "2025年4月"), ("2025-04", "en", "Apr 2025"),
    ("2025-Q2", "ja", "2025年4〜6月"), ("2025-Q4", "en", "Oct–Dec 2025"),
])
def test_periods_are_labelled_in_the_ui_language(period, lang, label):
    assert growth.period_label(period, lang) == label


def test_axis_labels_name_the_year_where_it_begins_without_crowding_the_first_label():
    assert growth.axis_labels(["2025-11", "2025-12", "2026-01", "2026-02"]) == [
        ("11月", ""), ("12月", ""), ("1月", "2026年"), ("2月", "")]
    assert growth.axis_labels(["2025-05", "2025-06", "2025-07"], "en") == [("May", "2025"), ("Jun", ""), ("Jul", "")]
    assert growth.axis_labels(["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"], "ja")[2] == ("1〜3月", "2026年")


@pytest.mark.parametrize("text", ["2025-13", "2025-1", "25-01", "", "2025/01"])
def test_a_month_must_be_given_as_year_dash_month(text):
    with pytest.raises(InvalidMonth):
        growth.parse_month(text)


def test_exact_composition_lists_every_group_largest_first_with_shares():
    rows = growth.composition_rows("region", {"13": 6, "27": 3, UNKNOWN: 1})
    assert [(r.label, r.count, round(r.share, 1)) for r in rows] == [("東京都", 6, 60.0), ("大阪府", 3, 30.0),
                                                                      ("未登録", 1, 10.0)]


def test_the_liaison_sees_small_groups_merged_into_other_with_the_smallest_shown_group_as_complement():
    rows = growth.composition_rows("company", {"ソニー株式会社": 40, "ソニー銀行": 6, "ソニー損害保険": 2}, "ja", K)
    assert [(r.key, r.label, r.count) for r in rows] == [("ソニー株式会社", "ソニー株式会社", 40), (OTHER, "その他", 8)]
    assert rows[1].share == pytest.approx(100 * 8 / 48)


def test_when_every_group_is_small_the_liaison_sees_only_other_below_k():
    rows = growth.composition_rows("industry", {"E": 2, "G": 1}, "en", K)
    assert rows == [CompositionRow(OTHER, "Other", None, None)]
    table = read_table(growth.composition_csv_rows(rows, K))
    assert table.header == ["label", "count", "share_percent"]
    assert [row.cells for row in table.rows] == [{"label": "Other", "count": "<5", "share_percent": ""}]


def test_the_report_keeps_the_largest_groups_and_merges_the_rest_into_other():
    counts = {f"{n:02d}": 20 - n for n in range(1, 13)}  # 12 prefectures, 19 down to 8 members
    rows = growth.top_groups(growth.composition_rows("region", counts, "ja", K), 10)
    assert len(rows) == 11 and rows[-1].key == OTHER
    assert rows[-1].count == 9 + 8
    assert sum(row.count for row in rows) == sum(counts.values())


def test_the_period_csv_writes_hidden_figures_as_a_word_and_zeros_as_zero():
    rows = growth.periods(MONTHS, "month", K)
    data = growth.periods_csv(rows, "month", growth.GROWTH_COLUMNS + growth.FUNNEL_COLUMNS, "ja")
    assert data.startswith(b"\xef\xbb\xbf")
    table = read_table(data)
    assert table.header == ["month", "new_members", "left_members", "total_members", "net_change", "applications",
                            "approvals", "rejections", "approval_rate_percent", "median_days_to_decision"]
    february, march = table.rows[1].cells, table.rows[2].cells
    assert (february["new_members"], february["total_members"], february["median_days_to_decision"]) == (
        "非公開", "16", "非公開")
    assert (march["new_members"], march["approval_rate_percent"], march["median_days_to_decision"]) == ("0", "", "")
    english = read_table(growth.periods_csv(growth.periods(MONTHS, "quarter", K), "quarter", ["new_members"], "en"))
    assert english.header == ["quarter", "new_members"]
    assert [row.cells["new_members"] for row in english.rows] == ["Hidden", "Hidden"]


def test_report_charts_draw_hidden_figures_as_grey_crosses_with_a_legend():
    svg = bar_chart([("1月", "2025年"), ("2月", "")], [Series("新規入会", [6, None], "#000")], title="t",
                    hidden_name="非公開")
    assert svg.count("×") == 2 and "非公開" in svg and "http" not in svg
    assert [nice_step(span) for span in (0, 3, 26, 240, 1300)] == [1, 1, 10, 100, 500]

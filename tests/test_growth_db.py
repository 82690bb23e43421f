"""Growth figures counted in SQL on SQLite and PostgreSQL, against a small dataset computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from core import growth
from core.csvio import read_table
from core.growth import UNKNOWN, FutureMonth, InvalidMonth
from core.i18n import TOKYO
from core.normalize import normalize_email, normalize_name
from core.privacy import OTHER
from core.report import monthly_report
from core.settings import set_setting
from db.engine import read_session, write_session
from db.growth import monthly_counts
from db.models import Application, AuditLog, Member

# Members: (name, e-mail, joined, left, former company, industry code, region)
MEMBERS = (
    ("山田 花子", "hanako.yamada@example.jp", dt.date(2025, 1, 15), None, "ソニー株式会社", "28", "13"),
    ("佐藤 一郎", "ichiro.sato@example.jp", dt.date(2025, 1, 31), None, "ソニー株式会社", "E", "13"),
    ("鈴木 次郎", "jiro.suzuki@example.jp", dt.date(2025, 2, 1), dt.date(2025, 3, 31), "ソニー生命保険", "67", "14"),
    ("高橋 三奈", "mina.takahashi@example.jp", dt.date(2025, 2, 28), dt.date(2025, 4, 1), "ソニー銀行", "39", "27"),
    ("田中 四郎", "shiro.tanaka@example.jp", dt.date(2025, 4, 10), None, "ソニー銀行", None, "27"),
    ("伊藤 五月", "satsuki.ito@example.jp", dt.date(2025, 6, 1), None, "ソニー銀行", "39", "14"),
)
# Applications, times in UTC as stored: (e-mail, submitted, status, decided)
APPLICATIONS = (
    ("hanako.yamada@example.jp", dt.datetime(2025, 1, 14, 3), "approved", dt.datetime(2025, 1, 15, 3)),  # 24 h
    # 2025-01-31 16:00 UTC is 2025-02-01 01:00 in Tokyo: a February application.
    ("ichiro.sato@example.jp", dt.datetime(2025, 1, 31, 16), "approved", dt.datetime(2025, 2, 1, 0)),  # 8 h
    # 2025-01-31 14:00 UTC is still January 31 (23:00) in Tokyo.
    ("rejected.one@example.jp", dt.datetime(2025, 1, 31, 14), "rejected", dt.datetime(2025, 2, 2, 14)),  # 48 h
    ("ichiro.sato@example.jp", dt.datetime(2025, 2, 10), "duplicate", dt.datetime(2025, 2, 11)),
    ("waiting@example.jp", dt.datetime(2025, 2, 27, 15), "pending", None),  # Feb 28 00:00 in Tokyo
    ("on.hold@example.jp", dt.datetime(2025, 2, 5), "on_hold", dt.datetime(2025, 2, 6)),
    # Submitted April 1 00:30 in Tokyo, rejected May 1 00:00 in Tokyo: 719.5 hours.
    ("rejected.two@example.jp", dt.datetime(2025, 3, 31, 15, 30), "rejected", dt.datetime(2025, 4, 30, 15)),
    ("withdrawn@example.jp", dt.datetime(2025, 4, 2), "withdrawn", dt.datetime(2025, 4, 3)),
)
# Hand-computed, month by month (Tokyo):
#            joined left total applications approvals rejections median days
#   2025-01     2    0    2        2            1          0       1.0 (24 h)
#   2025-02     2    0    4        3            1          1       1.2 (8 h and 48 h)
#   2025-03     0    1    3        0            0          0       -
#   2025-04     1    1    3        2            0          0       -
#   2025-05     0    0    3        0            0          1       30.0 (719 h)
#   2025-06     1    0    4        0            0          0       -
EXPECTED = [
    ("2025-01", 2, 0, 2, 2, 1, 0, 1.0),
    ("2025-02", 2, 0, 4, 3, 1, 1, 1.2),
    ("2025-03", 0, 1, 3, 0, 0, 0, None),
    ("2025-04", 1, 1, 3, 2, 0, 0, None),
    ("2025-05", 0, 0, 3, 0, 0, 1, 30.0),
    ("2025-06", 1, 0, 4, 0, 0, 0, None),
]
NAMES_AND_EMAILS = [m[0] for m in MEMBERS] + [m[1] for m in MEMBERS] + [a[0] for a in APPLICATIONS]


def add_fixed_dataset(engine: Engine) -> None:
    with write_session(engine) as session:
        for name, email, joined, left, company, industry, region in MEMBERS:
            session.add(Member(email=email, email_normalized=normalize_email(email), full_name=name,
                               name_normalized=normalize_name(name), joined_on=joined, left_on=left,
                               former_company=company, industry_code=industry, region=region))
        for index, (email, submitted, status, decided) in enumerate(APPLICATIONS):
            session.add(Application(source="import", source_key=f"fixed-{index}", submitted_at=submitted,
                                    email=email, email_normalized=normalize_email(email), full_name=f"申込 {index}",
                                    name_normalized=f"申込{index}", status=status, decided_at=decided))


@pytest.fixture
def fixed(engine: Engine) -> Engine:
    add_fixed_dataset(engine)
    return engine


def test_every_monthly_figure_of_the_fixed_dataset_matches_the_hand_computed_one(fixed):
    months = growth.load_months(fixed)
    assert [(m.month, m.new_members, m.left_members, m.total_members, m.applications, m.approvals, m.rejections,
             growth.median_days(m.decision_hours)) for m in months] == EXPECTED


def test_application_times_are_counted_in_the_tokyo_month(fixed):
    counts = monthly_counts(fixed)
    assert counts.applications == {"2025-01": 2, "2025-02": 3, "2025-04": 2}
    assert counts.rejections == {"2025-02": 1, "2025-05": 1}


def test_duplicates_are_not_applications_and_only_approvals_and_rejections_are_decisions(fixed):
    counts = monthly_counts(fixed)
    assert sum(counts.applications.values()) == len(APPLICATIONS) - 1
    assert counts.decision_hours == {"2025-01": {24: 1}, "2025-02": {8: 1, 48: 1}, "2025-05": {719: 1}}


def test_joins_and_leaves_on_the_first_and_last_day_of_a_month_count_in_that_month(fixed):
    counts = monthly_counts(fixed)
    assert counts.joined == {"2025-01": 2, "2025-02": 2, "2025-04": 1, "2025-06": 1}
    assert counts.left == {"2025-03": 1, "2025-04": 1}


def test_quarters_of_the_fixed_dataset(fixed):
    rows = growth.periods(growth.load_months(fixed), "quarter")
    assert [(r.period, r.new_members, r.left_members, r.total_members, r.net_change, r.applications, r.approvals,
             r.rejections, r.median_days) for r in rows] == [
        ("2025-Q1", 4, 1, 3, 3, 5, 2, 1, 1.0),  # 24 h, 8 h, 48 h: the middle one is 24 h
        ("2025-Q2", 2, 1, 4, 1, 2, 0, 1, 30.0),
    ]


def test_composition_counts_the_members_of_that_day_with_industries_in_their_major_group(fixed):
    on = dt.date(2025, 3, 31)  # 鈴木 leaves that day; 高橋 leaves the next
    assert growth.group_counts(fixed, "company", on) == {"ソニー株式会社": 2, "ソニー銀行": 1}
    assert growth.group_counts(fixed, "industry", on) == {"E": 2, "G": 1}
    june = dt.date(2025, 6, 30)
    assert growth.group_counts(fixed, "industry", june) == {"E": 2, "G": 1, UNKNOWN: 1}
    assert growth.group_counts(fixed, "region", june) == {"13": 2, "27": 1, "14": 1}


def test_the_liaisons_composition_merges_small_groups_into_other(fixed):
    rows = growth.composition(fixed, "region", dt.date(2025, 6, 30), "ja", k=2)
    assert [(r.label, r.count) for r in rows] == [("東京都", 2), ("その他", 2)]
    rows = growth.composition(fixed, "region", dt.date(2025, 6, 30), "ja", k=3)
    assert [(r.key, r.count) for r in rows] == [(OTHER, 4)]


def test_the_growth_export_starts_at_the_first_join_and_includes_empty_months(fixed):
    table = read_table(growth.growth_csv(fixed, "tester"))
    assert [row.cells["month"] for row in table.rows] == [m[0] for m in EXPECTED]
    cells = [(row.cells["new_members"], row.cells["left_members"], row.cells["total_members"]) for row in table.rows]
    assert cells == [(str(m[1]), str(m[2]), str(m[3])) for m in EXPECTED]


def test_exports_and_reports_are_recorded_in_the_audit_log(fixed):
    growth.growth_csv(fixed, "tester")
    growth.composition_csv(fixed, "tester", "company", dt.date(2025, 6, 30))
    monthly_report(fixed, "2025-06", "tester", now=dt.datetime(2025, 7, 2, 9, tzinfo=TOKYO))
    with read_session(fixed) as session:
        entries = session.execute(select(AuditLog.actor, AuditLog.action, AuditLog.entity)).all()
    assert {("tester", "export", kind) for kind in ("growth", "composition", "report")} <= set(entries)


def test_the_monthly_report_is_a_self_contained_japanese_page_with_small_numbers_hidden(fixed):
    html = monthly_report(fixed, "2025-02", "tester", now=dt.datetime(2025, 7, 2, 9, tzinfo=TOKYO))
    assert html.startswith("<!DOCTYPE html>") and '<html lang="ja">' in html
    assert "月次レポート（2025年2月）" in html
    assert "http" not in html and "<script" not in html and "<link" not in html
    assert html.count("<svg") == 3
    assert "非公開" in html and "5人（件）未満" in html  # four members: everything is below k = 5
    assert not [text for text in NAMES_AND_EMAILS if text in html]


def test_the_report_shows_figures_of_k_and_more(fixed):
    set_setting(fixed, "k_anonymity", 2, actor="test")
    html = monthly_report(fixed, "2025-02", "tester", now=dt.datetime(2025, 7, 2, 9, tzinfo=TOKYO))
    assert '<div class="label">会員数（月末）</div><div class="value">4</div>' in html
    assert '<div class="label">申込</div><div class="value">3</div>' in html
    assert '<div class="label">新規入会</div><div class="value">非公開</div>' in html  # with 1 approval


def test_the_report_refuses_a_month_in_a_wrong_form_or_not_yet_begun(fixed):
    with pytest.raises(InvalidMonth):
        monthly_report(fixed, "2025-2", "tester")
    with pytest.raises(FutureMonth):
        monthly_report(fixed, "2025-08", "tester", now=dt.datetime(2025, 7, 2, 9, tzinfo=TOKYO))


def test_an_empty_database_gives_no_months_and_still_a_report(engine):
    assert growth.load_months(engine) == []
    assert read_table(growth.growth_csv(engine, "tester")).rows == []
    html = monthly_report(engine, "2025-06", "tester", now=dt.datetime(2025, 7, 2, 9, tzinfo=TOKYO))
    assert '<div class="label">会員数（月末）</div><div class="value">0</div>' in html
    assert "該当する会員はいません。" in html


def test_on_sqlite_the_monthly_application_counts_read_the_expression_indexes_alone(sqlite_engine):
    from db.growth import application_queries

    with sqlite_engine.connect() as connection:
        for query, index in zip(application_queries("sqlite"),
                                ("ix_applications_submitted_month", "ix_applications_decided_month"), strict=True):
            compiled = query.compile(sqlite_engine)
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())).all()
            assert any(f"USING INDEX {index}" in row[-1] or f"USING COVERING INDEX {index}" in row[-1]
                       for row in plan), plan
            assert not any("TEMP B-TREE" in row[-1] for row in plan), plan

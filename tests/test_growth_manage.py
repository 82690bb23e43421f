"""manage.py export growth, export composition and report, run as real processes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.csvio import read_table
from core.normalize import normalize_email
from core.settings import set_setting
from db.engine import make_engine, write_session
from db.models import Member
from tests.test_growth_db import EXPECTED, NAMES_AND_EMAILS, add_fixed_dataset
from tests.test_manage import manage


@pytest.fixture
def fixed_url(any_url: str) -> str:
    assert manage("init-db", url=any_url).returncode == 0
    engine = make_engine(any_url)
    add_fixed_dataset(engine)
    engine.dispose()
    return any_url


def set_k(url: str, k: int) -> None:
    engine = make_engine(url)
    set_setting(engine, "k_anonymity", k, actor="test")
    engine.dispose()


@pytest.mark.parametrize("args", [["export", "growth"], ["export", "composition"], ["report"]],
                         ids=["export-growth", "export-composition", "report"])
def test_the_growth_commands_have_their_own_help(sqlite_url, args):
    result = manage(*args, "--help", url=sqlite_url)
    assert result.returncode == 0
    assert "usage:" in result.stdout and "--out" in result.stdout


def test_export_growth_writes_one_row_per_month_from_the_first_join_with_empty_months(fixed_url, tmp_path):
    out = tmp_path / "growth.csv"
    result = manage("export", "growth", "--out", str(out), url=fixed_url)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = read_table(data)
    assert table.header[:4] == ["month", "new_members", "left_members", "total_members"]
    assert [[row.cells[c] for c in ("month", "new_members", "left_members", "total_members", "applications",
                                    "approvals", "rejections", "median_days_to_decision")] for row in table.rows] == [
        [month, str(new), str(left), str(total), str(apps), str(approved), str(rejected),
         "" if median is None else f"{median:.1f}"]
        for month, new, left, total, apps, approved, rejected, median in EXPECTED
    ]


def test_export_growth_for_the_liaison_hides_small_numbers(fixed_url, tmp_path):
    set_k(fixed_url, 2)
    out = tmp_path / "growth.csv"
    assert manage("export", "growth", "--liaison", "--lang", "en", "--out", str(out), url=fixed_url).returncode == 0
    rows = [row.cells for row in read_table(out.read_bytes()).rows]
    assert [row["new_members"] for row in rows] == ["Hidden", "Hidden", "Hidden", "Hidden", "0", "Hidden"]
    assert [row["total_members"] for row in rows] == ["2", "4", "3", "3", "3", "4"]


def test_export_composition_is_the_liaisons_view_with_small_groups_merged(fixed_url, tmp_path):
    set_k(fixed_url, 2)
    out = tmp_path / "regions.csv"
    result = manage("export", "composition", "--by", "region", "--on", "2025-06-30", "--out", str(out),
                    url=fixed_url)
    assert result.returncode == 0, result.stderr
    table = read_table(out.read_bytes())
    assert table.header == ["label", "count", "share_percent"]
    assert [row.cells for row in table.rows] == [
        {"label": "東京都", "count": "2", "share_percent": "50.0"},
        {"label": "その他", "count": "2", "share_percent": "50.0"},  # 大阪府 1 and 神奈川県 1
    ]


def test_export_composition_shows_a_network_smaller_than_k_as_other_below_k(fixed_url, tmp_path):
    out = tmp_path / "companies.csv"
    assert manage("export", "composition", "--by", "company", "--on", "2025-06-30", "--out", str(out),
                  url=fixed_url).returncode == 0
    assert [row.cells for row in read_table(out.read_bytes()).rows] == [
        {"label": "その他", "count": "<5", "share_percent": ""}]


def test_export_composition_neutralises_a_label_that_looks_like_a_formula(fixed_url, tmp_path):
    set_k(fixed_url, 2)
    engine = make_engine(fixed_url)
    with write_session(engine) as session:
        for n in range(2):
            email = f"formula{n}@example.jp"
            session.add(Member(email=email, email_normalized=normalize_email(email), full_name=f"式 {n}",
                               name_normalized=f"式{n}", joined_on=dt.date(2025, 5, 1), former_company="=1+1"))
    engine.dispose()
    out = tmp_path / "companies.csv"
    assert manage("export", "composition", "--by", "company", "--on", "2025-06-30", "--out", str(out),
                  url=fixed_url).returncode == 0
    assert "'=1+1" in [row.cells["label"] for row in read_table(out.read_bytes()).rows]


def test_report_writes_a_self_contained_japanese_html_page(fixed_url, tmp_path):
    out = tmp_path / "report.html"
    result = manage("report", "--month", "2025-04", "--out", str(out), url=fixed_url)
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ja">' in html and "月次レポート（2025年4月）" in html
    assert "http" not in html and "<script" not in html
    assert not [text for text in NAMES_AND_EMAILS if text in html]


@pytest.mark.parametrize(("month", "message"), [("2025-4", "YYYY-MM"), ("2999-01", "has not begun")])
def test_report_explains_a_wrong_month_in_both_languages(sqlite_url, tmp_path: Path, month, message):
    manage("init-db", url=sqlite_url)
    result = manage("report", "--month", month, "--out", str(tmp_path / "r.html"), url=sqlite_url)
    assert result.returncode == 2
    assert message in result.stderr and "月" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_export_needs_a_known_composition(sqlite_url, tmp_path):
    result = manage("export", "composition", "--by", "age", "--out", str(tmp_path / "x.csv"), url=sqlite_url)
    assert result.returncode == 2 and "invalid choice" in result.stderr

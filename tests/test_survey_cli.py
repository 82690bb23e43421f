"""manage.py import-survey and export survey-results as organizers run them: real processes, DATABASE_URL honoured."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core import surveys
from core.csvio import read_table
from db.engine import make_engine
from tests.test_manage import manage

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


TITLE = ("--title", "2025年2月 会員アンケート", "--date", "2025-02-10")


def copy_of(name: str, folder: Path) -> Path:
    source = SHARED / name
    if not source.exists():
        pytest.skip(f"{source} is not beside the checkout")
    return Path(shutil.copy(source, folder / name))


def test_both_survey_commands_are_listed_and_have_help(sqlite_url):
    assert "import-survey" in manage("--help", url=sqlite_url).stdout
    for args in (("import-survey", "--help"), ("export", "survey-results", "--help")):
        result = manage(*args, url=sqlite_url)
        assert result.returncode == 0 and "usage:" in result.stdout


def test_import_survey_reads_the_forms_sample_and_a_second_run_adds_nothing(any_url, tmp_path):
    path = copy_of("survey_google_forms_utf8_bom.csv", tmp_path)
    manage("init-db", url=any_url)
    first = manage("import-survey", str(path), *TITLE, url=any_url)
    assert first.returncode == 0, first.stderr
    assert "5 added" in first.stdout and "UTF-8 (BOM)" in first.stdout
    second = manage("import-survey", str(path), *TITLE, url=any_url)
    assert second.returncode == 0
    assert "0 added, 5 skipped as already imported" in second.stdout
    engine = make_engine(any_url)
    [survey] = surveys.list_surveys(engine)
    counts = {o.label: o.count for o in surveys.results(engine, survey.id).options}
    assert (counts["ビジネスマッチング"], counts["メンバー紹介＆交流イベント"]) == (3, 2)
    engine.dispose()


def test_import_survey_with_counts_then_export_gives_the_ranked_options(sqlite_url, tmp_path):
    manage("init-db", url=sqlite_url)
    path = copy_of("survey_poll_counts_utf8.csv", tmp_path)
    result = manage("import-survey", str(path), "--title", "2月の投票", "--date", "2025-02-20", "--counts",
                    "--respondents", "200", url=sqlite_url)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "results.csv"
    exported = manage("export", "survey-results", "--survey", "2月の投票", "--out", str(out), url=sqlite_url)
    assert exported.returncode == 0, exported.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = [list(row.cells.values()) for row in read_table(data).rows]
    assert rows[:2] == [["1", "ビジネスマッチング", "86", "43.0"], ["2", "メンバー紹介＆交流イベント", "71", "35.5"]]
    assert len(rows) == 7
    by_id = manage("export", "survey-results", "--survey", "1", "--out", str(tmp_path / "by_id.csv"), url=sqlite_url)
    assert by_id.returncode == 0 and (tmp_path / "by_id.csv").read_bytes() == data


def test_rejected_rows_are_written_next_to_the_input_and_the_command_says_where(sqlite_url, tmp_path):
    manage("init-db", url=sqlite_url)
    path = tmp_path / "form.csv"
    path.write_text("タイムスタンプ,メールアドレス,回答\n2025/02/10 10:00:00,a@example.jp,A\n"
                    "2025/02/10 10:01:00,not-an-address,B\n", encoding="cp932")
    result = manage("import-survey", str(path), "--title", "t", "--date", "2025-02-10", url=sqlite_url)
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout and "1 rejected" in result.stdout
    rejected = tmp_path / "form.rejected.csv"
    assert str(rejected) in result.stdout
    table = read_table(rejected.read_bytes())
    assert [row.cells["row"] for row in table.rows] == ["2"]
    assert "メールアドレス" in table.rows[0].cells["reason"]


def test_a_dry_run_changes_nothing(sqlite_url, tmp_path):
    manage("init-db", url=sqlite_url)
    path = copy_of("survey_poll_counts_utf8.csv", tmp_path)
    result = manage("import-survey", str(path), "--title", "t", "--date", "2025-02-20", "--counts", "--dry-run",
                    url=sqlite_url)
    assert result.returncode == 0 and "would add" in result.stdout
    engine = make_engine(sqlite_url)
    assert surveys.list_surveys(engine) == []
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "survey-results", "--survey", "ない", "--out", "x.csv"), "見つかりません"),
        (("import-survey", "missing.csv", "--title", "t", "--date", "2025-02-10"), "missing.csv"),
        (("import-survey", "x.csv", "--title", "t", "--date", "10/02/2025"), "YYYY-MM-DD"),
    ],
    ids=["unknown survey", "missing file", "bad date"],
)
def test_a_command_that_cannot_work_says_why_and_fails(sqlite_url, tmp_path, args, message):
    manage("init-db", url=sqlite_url)
    result = manage(*(str(tmp_path / a) if a.endswith(".csv") else a for a in args), url=sqlite_url)
    assert result.returncode == 2
    assert message in result.stderr

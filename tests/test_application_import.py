"""Importing applications and member rosters: the shared sample, mappings, idempotence, atomicity."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.application_import import import_applications
from core.csvio import CsvEmpty, CsvUnreadable, write_table
from core.importing import (
    InvalidMapping,
    MissingColumn,
    mapping_from_toml,
    mapping_to_toml,
    parse_timestamp,
)
from core.member_import import import_members
from db.engine import read_session
from db.models import Application, ApplicationAnswer, AuditLog, Member

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "applications_google_forms_cp932.csv"
HEADER = ["submitted_at", "email", "full_name", "consent"]


def count(engine, model) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def sample() -> bytes:
    if not SAMPLE.exists():
        pytest.skip("the shared sample data is not beside the checkout")
    return SAMPLE.read_bytes()


def test_the_google_forms_sample_gives_8_applications_and_2_rejected_rows(engine, sample):
    summary = import_applications(engine, sample, actor="test")
    assert (summary.added, summary.rejected, summary.already_imported) == (8, 2, 0)
    assert summary.encoding == "CP932 (Shift_JIS)"
    rejected = {p.row: p.key for p in summary.problems if p.rejects}
    assert rejected == {8: "import.bad_email", 9: "import.bad_timestamp"}
    assert count(engine, Application) == 8


def test_the_sample_rows_keep_what_organizers_need(engine, sample):
    import_applications(engine, sample, actor="test")
    with read_session(engine) as session:
        rows = {a.full_name: a for a in session.scalars(select(Application))}
        answers = dict(session.execute(
            select(Application.full_name, func.count()).join(ApplicationAnswer)
            .where(ApplicationAnswer.answer != "").group_by(Application.full_name)
        ).all())
    assert rows["佐藤 花子"].email_normalized == "hanako.sato@example.com"
    assert rows["佐藤 花子"].referrer == "山田 太郎"
    assert rows["高橋 次郎"].currently_working is False
    assert rows["加藤 由紀"].consent_at is None
    with read_session(engine) as session:
        first = session.scalar(select(Application).where(Application.email == "taro.yamada@example.jp"))
    assert first.submitted_at == dt.datetime(2025, 1, 8, 0, 5, 33)  # 09:05:33 in Tokyo
    assert first.industry_code == "G"
    assert rows["田中 美咲"].former_division == "@SUM(A1:A9)"
    assert "鈴木 一郎" not in answers
    assert answers["田中 美咲"] == 2


def test_a_preview_changes_nothing(engine, sample):
    summary = import_applications(engine, sample, actor="test", dry_run=True)
    assert summary.added == 8 and not summary.committed
    assert count(engine, Application) == 0
    assert count(engine, AuditLog) == 0


def test_importing_the_same_file_twice_adds_nothing(engine, sample):
    import_applications(engine, sample, actor="test")
    again = import_applications(engine, sample, actor="test")
    assert (again.added, again.already_imported) == (0, 8)
    assert count(engine, Application) == 8


def test_the_same_rows_in_another_encoding_are_recognised(engine, sample):
    import_applications(engine, sample, actor="test")
    utf8 = sample.decode("cp932").encode("utf-8-sig")
    assert import_applications(engine, utf8, actor="test").added == 0


def test_rejected_rows_come_back_with_a_reason_column(engine, sample):
    summary = import_applications(engine, sample, actor="test")
    text = summary.rejected_csv.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].endswith(",row,reason")
    assert len(lines) == 3
    assert "not-an-email" in text and "2025/02/30 25:61:00" in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025/01/08 9:05:33", dt.datetime(2025, 1, 8, 0, 5, 33)),
        ("1/8/2025 9:05:33", dt.datetime(2025, 1, 8, 0, 5, 33)),
        ("2025-01-08T09:05:33+09:00", dt.datetime(2025, 1, 8, 0, 5, 33)),
        ("2025-01-08T00:05:33Z", dt.datetime(2025, 1, 8, 0, 5, 33)),
        ("2025/02/30 25:61:00", None),
        ("", None),
    ],
    ids=["google-ja", "google-en", "iso-offset", "iso-utc", "impossible", "blank"],
)
def test_timestamps_in_the_formats_google_forms_writes(raw, expected):
    assert parse_timestamp(raw) == expected


def test_english_field_names_are_always_recognised(engine):
    data = write_table(HEADER, [["2025-03-01 10:00:00", "a@example.jp", "青木 一", "yes"]])
    assert import_applications(engine, data, actor="test").added == 1


def test_a_file_without_an_email_column_is_refused_before_anything_is_written(engine):
    data = write_table(["submitted_at", "full_name"], [["2025-03-01 10:00", "青木 一"]])
    with pytest.raises(MissingColumn):
        import_applications(engine, data, actor="test")
    assert count(engine, Application) == 0


def test_a_hand_made_mapping_round_trips_through_toml(engine):
    data = write_table(["日付", "連絡先", "氏名", "OK?"], [["2025/03/01 10:00", "a@example.jp", "青木 一", "はい"]])
    mapping = {"日付": "submitted_at", "連絡先": "email", "氏名": "full_name", "OK?": "consent"}
    assert mapping_from_toml(mapping_to_toml(mapping)) == mapping
    assert import_applications(engine, data, actor="test", mapping=mapping).added == 1
    with pytest.raises(InvalidMapping):
        import_applications(engine, data, actor="test", mapping={**mapping, "OK?": "salary"})


def test_a_member_roster_brings_join_and_leave_dates(engine):
    data = write_table(
        ["email", "full_name", "joined_on", "left_on", "industry", "region", "needs"],
        [
            ["a@example.jp", "青木 一", "2024-04-01", "", "製造業", "東京都", "採用したい"],
            ["b@example.jp", "伊藤 二", "2024/05/10", "2025-01-31", "G", "大阪", ""],
            ["bad", "上田 三", "2024-05-10", "", "", "", ""],
            ["c@example.jp", "江藤 四", "2024-13-01", "", "", "", ""],
        ],
    )
    summary = import_members(engine, data, actor="test")
    assert (summary.added, summary.rejected) == (2, 2)
    with read_session(engine) as session:
        members = {m.full_name: m for m in session.scalars(select(Member))}
    assert members["青木 一"].joined_on == dt.date(2024, 4, 1)
    aoki = members["青木 一"]
    assert (aoki.industry_code, aoki.region, aoki.needs) == ("E", "13", ["hiring"])
    assert members["伊藤 二"].left_on == dt.date(2025, 1, 31)
    assert import_members(engine, data, actor="test").added == 0


CELL = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=4, max_size=4), max_size=6))
def test_arbitrary_cell_text_gives_rows_or_a_clear_error_and_never_a_half_import(sqlite_engine, rows):
    before = count(sqlite_engine, Application)
    try:
        summary = import_applications(sqlite_engine, write_table(HEADER, rows), actor="test")
    except (CsvUnreadable, CsvEmpty, MissingColumn):
        assert count(sqlite_engine, Application) == before
        return
    assert count(sqlite_engine, Application) == before + summary.added


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_give_rows_or_a_clear_error(sqlite_engine, data):
    before = count(sqlite_engine, Application)
    try:
        summary = import_applications(sqlite_engine, data, actor="test", dry_run=True)
    except (CsvUnreadable, CsvEmpty, MissingColumn):
        return
    assert summary.added >= 0
    assert count(sqlite_engine, Application) == before


def test_a_failing_commit_leaves_no_row_behind(engine, sample, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("core.application_import.record", broken)
    with pytest.raises(RuntimeError):
        import_applications(engine, sample, actor="test")
    assert count(engine, Application) == 0

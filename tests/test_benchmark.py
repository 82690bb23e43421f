"""`python manage.py bench` end to end at a tiny size: the JSON shape, every page for every role, a clear refusal."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

import benchmark
import manage
from core.application_import import import_applications
from db.engine import make_engine, read_session
from db.models import Application, ApplicationAnswer
from ui.navigation import PAGES

KINDS = {"setup", "floor", "page-cold", "page-warm", "memory", "operation", "process"}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> tuple[int, list[dict], str]:
    path = tmp_path_factory.mktemp("bench") / "bench.json"
    out = tmp_path_factory.mktemp("bench") / "bench.md"
    with out.open("w", encoding="utf-8") as stream:
        args = manage.build_parser().parse_args(
            ["bench", "--members", "120", "--runs", "1", "--import-rows", "50", "--json", str(path)])
        code = benchmark.main(args, out=stream)
    return code, json.loads(path.read_text(encoding="utf-8")), out.read_text(encoding="utf-8")


def test_the_json_is_a_list_of_measurements_with_the_agreed_fields(results):
    code, rows, _ = results
    assert code == 0
    assert isinstance(rows, list) and rows
    for row in rows:
        assert {"name", "members", "median_s", "budget_s", "ok", "kind", "role"} <= row.keys()
        assert row["members"] == 120 and row["kind"] in KINDS and isinstance(row["ok"], bool)
        assert row["error"] is None, row
        if row["kind"] in ("page-cold", "page-warm", "operation", "setup"):
            assert row["median_s"] > 0
        if row["budget_s"] is not None:
            assert row["ok"] == (row["median_s"] <= row["budget_s"])


def test_every_page_is_measured_for_every_role_that_may_open_it(results):
    _, rows, _ = results
    wanted = {(spec.script, role) for spec in PAGES for role in spec.roles}
    for kind in ("page-cold", "page-warm", "memory"):
        assert {(r["page"], r["role"]) for r in rows if r["kind"] == kind} == wanted, kind
    for row in rows:
        if row["kind"] == "page-warm":
            assert row["budget_s"] == pytest.approx(min(0.5, 3 * row["floor_s"]))
        if row["kind"] == "page-cold":
            assert row["budget_s"] == 3.0
        if row["kind"] == "memory":
            assert row["budget_mb"] == 500 and row["peak_mb"] > 0


def test_the_operations_and_their_budgets_are_all_there(results):
    _, rows, table = results
    budgets = {r["name"]: r["budget_s"] for r in rows if r["kind"] == "operation"}
    assert budgets["top-10 matching for one member"] == 0.05
    assert budgets["growth aggregation"] == 0.1
    assert budgets["export all members (CSV)"] == 3.0
    assert budgets["import 50 applications (CSV)"] == pytest.approx(10.0 * 50 / 10_000)
    names = " ".join(budgets)
    for part in ("queue listing", "survey aggregation", "matching index build", "pairing"):
        assert part in names
    assert "| page | role | cold s | warm s |" in table and "| growth aggregation |" in table


def test_the_generated_google_forms_csv_really_adds_every_row(sqlite_engine):
    from core.setup import seed_demo

    seed_demo(sqlite_engine, members=30)
    data = benchmark.application_csv(sqlite_engine, 40, batch=3)
    assert data.startswith(b"\xef\xbb\xbf") and "タイムスタンプ".encode() in data
    summary = import_applications(sqlite_engine, data, actor="test")
    assert (summary.added, summary.rejected, summary.already_imported) == (40, 0, 0)
    assert not [p for p in summary.problems if p.key != "import.unanswered"]
    with read_session(sqlite_engine) as session:
        imported = select(Application.id).where(Application.email.like("bench3.%"))
        assert session.scalar(select(func.count()).select_from(imported.subquery())) == 40
        answers = select(func.count()).where(ApplicationAnswer.application_id.in_(imported))
        assert session.scalar(answers) == 40 * 2


def test_a_database_that_is_not_empty_is_refused(sqlite_url, capsys):
    from core.setup import init_database

    init_database(make_engine(sqlite_url))
    assert manage.main(["bench", "--members", "10", "--runs", "1", "--database-url", sqlite_url]) == 2
    assert "is not empty" in capsys.readouterr().err


# ---- what the benchmark led to change keeps its behaviour (SQLite and PostgreSQL) ------------------------


def test_the_member_export_reads_plain_rows_and_keeps_every_label(engine):
    import datetime as dt

    from core import vocab
    from core.csvio import read_table
    from core.exports import members_csv
    from db.engine import write_session
    from db.models import Member

    with write_session(engine) as session:
        for number, fields in enumerate([
            dict(industry_code="29", region="13", needs=["hiring", "seeking_vendors"], offers=[], matching_opt_in=True),
            dict(industry_code=None, region=None, needs=[], offers=["can_advise"], left_on=dt.date(2026, 3, 1)),
            dict(industry_code="G", region="27", needs=["hiring", "seeking_vendors"], offers=[], erased=True),
            dict(industry_code="ZZ", region="99", needs=["unknown_tag"], offers=[], name_kana="=SUM(A1)"),
        ], start=1):
            session.add(Member(email=f"m{number}@example.jp", email_normalized=f"m{number}@example.jp",
                               full_name=f"会員 {number}", name_normalized=f"会員{number}",
                               joined_on=dt.date(2026, 1, number), **fields))
    table = read_table(members_csv(engine, "test", lang="en"))
    rows = [[row.cells[name] for name in table.header] for row in table.rows]
    assert [row[1] for row in rows] == ["m1@example.jp", "m2@example.jp", "m4@example.jp"]  # erased left out
    first, second, fourth = rows
    assert first[8:] == [vocab.label("industry", "29", "en"), "Tokyo", "Yes", "No",
                         f"{vocab.tag_label('hiring', 'en')}, {vocab.tag_label('seeking_vendors', 'en')}", ""]
    assert second[5] == "2026-03-01" and second[8:10] == ["", ""] and second[13] == vocab.tag_label("can_advise", "en")
    assert fourth[3] == "'=SUM(A1)" and fourth[8:10] == ["ZZ", "99"] and fourth[12] == "unknown_tag"


def test_after_the_demo_data_new_rows_get_new_ids(engine):
    """The demo rows come with their ids; on PostgreSQL the id sequences must move past them."""
    import datetime as dt

    from core import introductions
    from core.setup import seed_demo
    from db.engine import write_session
    from db.models import Member

    seed_demo(engine, members=40)
    assert import_applications(engine, benchmark.application_csv(engine, 5, batch=9), actor="test").added == 5
    with write_session(engine) as session:
        session.add(Member(email="new@example.jp", email_normalized="new@example.jp", full_name="新 会員",
                           name_normalized="新会員", joined_on=dt.date(2026, 1, 1), matching_opt_in=True))
    with read_session(engine) as session:
        newest = session.scalar(select(func.max(Member.id)))
        other = session.scalar(select(Member.id).where(Member.id != newest).order_by(Member.id.desc()).limit(1))
    assert newest > 40
    assert introductions.propose(engine, other, newest, "test").id > 0

"""manage.py pair-event and export matches as real processes."""

from __future__ import annotations

import datetime as dt

import pytest

from core.csvio import read_table, write_table
from db.engine import make_engine, write_session
from tests.test_manage import manage
from tests.test_matching import add_member


@pytest.fixture
def url(sqlite_url):
    assert manage("init-db", url=sqlite_url).returncode == 0
    engine = make_engine(sqlite_url)
    with write_session(engine) as session:
        for member_id in range(1, 10):
            add_member(session, member_id, joined_on=dt.date(2025, 1, 1), current_employer=f"会社{member_id}")
        add_member(session, 10, joined_on=dt.date(2025, 1, 1), matching_opt_in=False)
    engine.dispose()
    return sqlite_url


def test_pair_event_writes_rounds_of_groups_from_an_email_csv(url, tmp_path):
    attendees = tmp_path / "attendees.csv"
    emails = [f"m{i}@example.jp" for i in range(1, 11)] + ["stranger@example.jp"]
    attendees.write_bytes(write_table(["email"], [[e] for e in emails]))
    out = tmp_path / "pairs.csv"
    result = manage("pair-event", "--attendees", str(attendees), "--out", str(out), "--rounds", "2", url=url)
    assert result.returncode == 0, result.stderr
    assert "m10@example.jp" in result.stderr and "stranger@example.jp" in result.stderr
    table = read_table(out.read_bytes())
    assert table.header == ["round", "group", "email", "name", "reason"]
    for round_ in ("1", "2"):
        seated = [r.cells["email"] for r in table.rows if r.cells["round"] == round_]
        assert sorted(seated) == sorted(emails[:9])
        sizes = sorted([r.cells["group"] for r in table.rows if r.cells["round"] == round_].count(g)
                       for g in {r.cells["group"] for r in table.rows if r.cells["round"] == round_})
        assert sizes == [2, 2, 2, 3]
    groups = {}
    for row in table.rows:
        groups.setdefault((row.cells["round"], row.cells["group"]), set()).add(row.cells["email"])
    pairs = [frozenset((a, b)) for members in groups.values() for a in members for b in members if a < b]
    assert len(pairs) == len(set(pairs))


def test_export_matches_lists_candidates_but_never_the_member_themself(url, tmp_path):
    out = tmp_path / "matches.csv"
    result = manage("export", "matches", "--member", "m1@example.jp", "--top", "3", "--out", str(out), "--lang", "en",
                    url=url)
    assert result.returncode == 0, result.stderr
    table = read_table(out.read_bytes())
    assert table.header == ["rank", "email", "name", "score", "industry", "region", "reasons"]
    assert len(table.rows) == 3
    assert "m1@example.jp" not in {r.cells["email"] for r in table.rows}
    assert all("needs" in r.cells["reasons"] for r in table.rows)
    by_id = manage("export", "matches", "--member", "1", "--top", "20", "--out", str(out), url=url)
    assert by_id.returncode == 0
    assert len(read_table(out.read_bytes()).rows) == 8


def test_export_matches_refuses_a_member_who_did_not_opt_in(url, tmp_path):
    result = manage("export", "matches", "--member", "m10@example.jp", "--top", "3", "--out",
                    str(tmp_path / "x.csv"), url=url)
    assert result.returncode == 2
    assert "cannot be matched" in result.stderr


def test_pair_event_seats_tables_and_a_recorded_event_is_never_paired_again(url, tmp_path):
    from sqlalchemy import select

    from db.models import Event, EventAttendee, Introduction

    attendees = tmp_path / "attendees.csv"
    attendees.write_bytes(write_table(["email"], [[f"m{i}@example.jp"] for i in range(1, 10)]))
    first = tmp_path / "first.csv"
    result = manage("pair-event", "--attendees", str(attendees), "--out", str(first), "--table-size", "3",
                    "--record", "新年交流会", "--held-on", "2027-01-20", url=url)
    assert result.returncode == 0, result.stderr
    assert "9 introductions" in result.stdout
    table = read_table(first.read_bytes())
    groups: dict[str, set[str]] = {}
    for row in table.rows:
        groups.setdefault(row.cells["group"], set()).add(row.cells["email"])
    assert sorted(len(g) for g in groups.values()) == [3, 3, 3]
    engine = make_engine(url)
    with engine.connect() as connection:
        (event,) = connection.execute(select(Event.id, Event.title, Event.held_on)).all()
        assert event[1:] == ("新年交流会", dt.date(2027, 1, 20))
        assert connection.execute(select(EventAttendee.member_id)).scalars().all().__len__() == 9
        statuses = connection.execute(select(Introduction.status, Introduction.event_id)).all()
    engine.dispose()
    assert statuses == [("introduced", event[0])] * 9
    second = tmp_path / "second.csv"
    assert manage("pair-event", "--attendees", str(attendees), "--out", str(second), "--table-size", "3",
                  url=url).returncode == 0
    again: dict[str, set[str]] = {}
    for row in read_table(second.read_bytes()).rows:
        again.setdefault(row.cells["group"], set()).add(row.cells["email"])
    met_before = {frozenset((a, b)) for g in groups.values() for a in g for b in g if a != b}
    assert not {frozenset((a, b)) for g in again.values() for a in g for b in g if a != b} & met_before

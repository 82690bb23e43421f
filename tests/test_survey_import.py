"""Importing surveys: the shared samples, multi-select splitting, idempotence, rejected rows, atomicity."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core import survey_import, surveys
from core.csvio import CsvEmpty, CsvUnreadable, read_table, write_table
from core.errors import DomainError
from core.survey_import import (
    ColumnMissing,
    CountsNeedTwoColumns,
    ImportRequest,
    KindMismatch,
    ResponseColumns,
    guess_columns,
    import_survey,
    split_answer,
)
from core.surveys import DateRequired, TitleRequired
from db.engine import make_engine, read_session, write_session
from db.models import AuditLog, Member, Survey, SurveyChoice, SurveyOption, SurveyResponse

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FORMS = SHARED / "survey_google_forms_utf8_bom.csv"
POLL = SHARED / "survey_poll_counts_utf8.csv"
FEBRUARY = dt.date(2025, 2, 10)
RESPONSES = ImportRequest("responses", "2025年2月 会員アンケート", FEBRUARY)
COUNTS = ImportRequest("counts", "2月 グループ投票", dt.date(2025, 2, 20), respondent_count=200)
HEADER = ["タイムスタンプ", "メールアドレス", "やってほしいこと（複数選択可）", "自由記述"]


def sample(path: Path) -> bytes:
    if not path.exists():
        pytest.skip(f"{path} is not beside the checkout")
    return path.read_bytes()


def rows_in(engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Survey, SurveyOption, SurveyResponse, SurveyChoice)}


def ranked(engine, survey_id: int) -> list[tuple[str, int]]:
    return [(o.label, o.count) for o in surveys.results(engine, survey_id).options]


def csv_bytes(rows, header=HEADER) -> bytes:
    return write_table(header, rows)


def test_the_google_forms_sample_splits_multi_select_answers_into_options(engine):
    outcome = import_survey(engine, sample(FORMS), RESPONSES, actor="test")
    assert (outcome.summary.added, outcome.summary.rejected) == (5, 0)
    assert outcome.summary.encoding == "UTF-8 (BOM)"
    counts = dict(ranked(engine, outcome.survey_id))
    assert counts["ビジネスマッチング"] == 3
    assert counts["メンバー紹介＆交流イベント"] == 2
    assert counts == {"ビジネスマッチング": 3, "メンバー紹介＆交流イベント": 2, "キャリア相談": 1, "業界別の勉強会": 1,
                      "その他": 1, "社会貢献活動": 1}
    assert ranked(engine, outcome.survey_id)[:2] == [("ビジネスマッチング", 3), ("メンバー紹介＆交流イベント", 2)]


def test_shares_are_of_respondents_so_a_multiple_choice_survey_adds_up_to_more_than_100(engine):
    outcome = import_survey(engine, sample(FORMS), RESPONSES, actor="test")
    result = surveys.results(engine, outcome.survey_id)
    assert result.respondents == 5
    assert result.share_of == "respondents"
    shares = {o.label: o.share for o in result.options}
    assert shares["ビジネスマッチング"] == pytest.approx(0.6)
    assert shares["メンバー紹介＆交流イベント"] == pytest.approx(0.4)
    assert sum(shares.values()) > 1


def test_the_sample_keeps_e_mail_optional_and_the_extra_questions(engine):
    outcome = import_survey(engine, sample(FORMS), RESPONSES, actor="test")
    with read_session(engine) as session:
        responses = list(session.scalars(select(SurveyResponse).order_by(SurveyResponse.submitted_at)))
        survey = session.get(Survey, outcome.survey_id)
    assert [r.email_normalized is None for r in responses] == [False, False, True, False, False]
    assert responses[0].extra_answers == {"参加頻度の希望": "月1回", "自由記述": "業界ごとの分科会があると嬉しい"}
    assert responses[0].submitted_at == dt.datetime(2025, 2, 10, 11, 1, 11)  # 20:01:11 in Tokyo
    assert survey.free_text_questions == ["自由記述"]
    assert survey.other_questions == ["参加頻度の希望"]
    assert survey.question == "アルムナイでやってほしいこと（複数選択可）"
    assert survey.multiple_choice is True


def test_the_poll_sample_ranks_business_matching_first_and_introductions_second(engine):
    outcome = import_survey(engine, sample(POLL), COUNTS, actor="test")
    assert (outcome.summary.added, outcome.summary.encoding) == (7, "UTF-8")
    assert ranked(engine, outcome.survey_id)[:2] == [("ビジネスマッチング", 86), ("メンバー紹介＆交流イベント", 71)]
    result = surveys.results(engine, outcome.survey_id)
    assert result.options[0].share == pytest.approx(0.43)
    assert result.share_of == "respondents"


def test_a_multiple_choice_poll_without_respondents_shows_shares_of_all_votes(engine):
    outcome = import_survey(engine, sample(POLL), ImportRequest("counts", "投票", FEBRUARY), actor="test")
    result = surveys.results(engine, outcome.survey_id)
    assert (result.respondents, result.share_of, result.response_rate) == (None, "votes", None)
    assert result.options[0].share == pytest.approx(86 / 259)


def test_respondents_are_matched_to_members_by_normalised_e_mail(engine):
    with write_session(engine) as session:
        session.add(Member(email="Taro.Yamada@Example.jp", email_normalized="taro.yamada@example.jp",
                           full_name="山田 太郎", name_normalized="山田太郎", joined_on=dt.date(2024, 5, 1)))
    data = csv_bytes([["2025/02/10 20:01:11", "ＴＡＲＯ.yamada@example.jp ", "ビジネスマッチング", ""],
                      ["2025/02/10 21:00:00", "", "キャリア相談", ""],
                      ["2025/02/10 22:00:00", "nobody@example.org", "キャリア相談", ""]])
    outcome = import_survey(engine, data, RESPONSES, actor="test")
    result = surveys.results(engine, outcome.survey_id)
    assert (result.matched, result.unmatched_email, result.anonymous) == (1, 1, 1)
    assert (result.respondents, result.members_on_date, result.response_rate) == (3, 1, 3.0)


@pytest.mark.parametrize("request_", [RESPONSES, ImportRequest("responses", "別の題名", dt.date(2025, 3, 1))],
                         ids=["same title", "other title"])
def test_importing_the_same_file_twice_adds_nothing(engine, request_):
    data = sample(FORMS)
    import_survey(engine, data, RESPONSES, actor="test")
    before = rows_in(engine)
    again = import_survey(engine, data, request_, actor="test")
    assert (again.summary.added, again.summary.already_imported) == (0, 5)
    assert again.title == "2025年2月 会員アンケート"
    assert rows_in(engine) == before


def test_importing_the_same_poll_twice_adds_nothing(engine):
    data = sample(POLL)
    import_survey(engine, data, COUNTS, actor="test")
    before = rows_in(engine)
    again = import_survey(engine, data, ImportRequest("counts", "別名", FEBRUARY), actor="test")
    assert (again.summary.added, again.summary.already_imported, again.same_file) == (0, 7, True)
    assert rows_in(engine) == before


def test_a_later_export_of_the_same_form_adds_only_the_new_rows(engine):
    first = [["2025/02/10 20:01:11", "a@example.jp", "ビジネスマッチング", ""]]
    later = [*first, ["2025/02/11 09:00:00", "b@example.jp", "ビジネスマッチング, キャリア相談", "よろしく"]]
    import_survey(engine, csv_bytes(first), RESPONSES, actor="test")
    outcome = import_survey(engine, csv_bytes(later), RESPONSES, actor="test")
    assert (outcome.summary.added, outcome.summary.already_imported, outcome.same_file) == (1, 1, False)
    assert dict(ranked(engine, outcome.survey_id)) == {"ビジネスマッチング": 2, "キャリア相談": 1}


def test_a_preview_lists_what_would_be_added_and_changes_nothing(engine):
    before = rows_in(engine)
    preview = import_survey(engine, sample(FORMS), RESPONSES, actor="test", dry_run=True)
    assert (preview.summary.added, preview.summary.committed, preview.new_survey) == (5, False, True)
    assert [(o.label, o.count) for o in preview.tally[:2]] == [("ビジネスマッチング", 3),
                                                               ("メンバー紹介＆交流イベント", 2)]
    assert rows_in(engine) == before


def test_rejected_rows_come_back_with_their_row_number_and_reason(engine):
    data = csv_bytes([
        ["2025/02/10 20:01:11", "a@example.jp", "ビジネスマッチング", ""],
        ["2025/02/30 25:61:00", "b@example.jp", "ビジネスマッチング", ""],
        ["2025/02/10 20:05:00", "not an address", "キャリア相談", ""],
        ["2025/02/10 20:06:00", "c@example.jp", "", "回答なし"],
    ])
    outcome = import_survey(engine, data, RESPONSES, actor="test", reason_text=lambda p: f"{p.key}")
    assert outcome.summary.added == 1
    rejected = {p.row: p.key for p in outcome.summary.problems if p.rejects}
    assert rejected == {2: "surveys.import.bad_timestamp", 3: "surveys.import.bad_email", 4: "surveys.import.no_answer"}
    table = read_table(outcome.summary.rejected_csv)
    assert [row.cells["row"] for row in table.rows] == ["2", "3", "4"]
    assert table.rows[1].cells["reason"] == "surveys.import.bad_email"
    assert table.rows[1].cells["メールアドレス"] == "not an address"


def test_one_answer_counts_per_e_mail_address_the_newest_in_the_file(engine):
    data = csv_bytes([["2025/02/10 20:00:00", "a@example.jp", "キャリア相談", ""],
                      ["2025/02/11 20:00:00", "A@example.jp", "ビジネスマッチング", ""]])
    outcome = import_survey(engine, data, RESPONSES, actor="test")
    assert [(p.row, p.key) for p in outcome.summary.problems] == [(1, "surveys.import.email_repeated")]
    assert dict(ranked(engine, outcome.survey_id)) == {"ビジネスマッチング": 1}


def test_a_rejected_rows_file_once_corrected_imports_without_its_row_and_reason_columns(engine):
    data = csv_bytes([["2025/02/10 20:05:00", "not an address", "キャリア相談", ""]])
    rejected = import_survey(engine, data, RESPONSES, actor="test").summary.rejected_csv
    fixed = rejected.decode("utf-8-sig").replace("not an address", "").encode("utf-8-sig")
    outcome = import_survey(engine, fixed, RESPONSES, actor="test")
    assert outcome.summary.added == 1
    with read_session(engine) as session:
        assert session.scalar(select(SurveyResponse.extra_answers)) == {}


def test_a_poll_with_a_bad_count_a_total_row_and_a_repeated_option_imports_the_rest(engine):
    data = write_table(["選択肢", "票数"], [["ビジネスマッチング", "８６"], ["交流イベント", "多数"],
                                        ["ビジネスマッチング", "3"], ["合計", "89"], ["キャリア相談", "1,029票"]])
    outcome = import_survey(engine, data, COUNTS, actor="test")
    assert [(p.row, p.key, p.rejects) for p in outcome.summary.problems] == [
        (2, "surveys.import.bad_count", True), (3, "surveys.import.repeated_option", True),
        (4, "surveys.import.total_row", False),
    ]
    assert ranked(engine, outcome.survey_id) == [("キャリア相談", 1029), ("ビジネスマッチング", 86)]


def test_a_poll_count_that_differs_from_the_stored_one_is_rejected_not_overwritten(engine):
    import_survey(engine, write_table(["選択肢", "票数"], [["A", "5"]]), COUNTS, actor="test")
    outcome = import_survey(engine, write_table(["選択肢", "票数"], [["A", "7"], ["B", "2"]]), COUNTS, actor="test")
    assert [(p.key, p.params) for p in outcome.summary.problems] == [("surveys.import.count_differs", {"stored": 5})]
    assert ranked(engine, outcome.survey_id) == [("A", 5), ("B", 2)]


def test_a_failed_import_changes_no_row(engine, monkeypatch):
    import_survey(engine, sample(POLL), COUNTS, actor="test")
    before = rows_in(engine)
    with read_session(engine) as session:
        audit_before = session.scalar(select(func.count()).select_from(AuditLog))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(survey_import.repo, "add_responses", broken)
    with pytest.raises(RuntimeError):
        import_survey(engine, sample(FORMS), RESPONSES, actor="test")
    assert rows_in(engine) == before
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditLog)) == audit_before


def test_an_import_is_recorded_in_the_audit_log(engine):
    outcome = import_survey(engine, sample(FORMS), RESPONSES, actor="sato")
    with read_session(engine) as session:
        entry = session.scalar(select(AuditLog).where(AuditLog.action == "import"))
    assert (entry.actor, entry.entity, entry.entity_id, entry.details["added"]) == ("sato", "survey",
                                                                                    outcome.survey_id, 5)


def test_a_poll_file_cannot_be_imported_into_a_per_respondent_survey(engine):
    import_survey(engine, sample(FORMS), RESPONSES, actor="test")
    with pytest.raises(KindMismatch):
        import_survey(engine, sample(POLL), ImportRequest("counts", RESPONSES.title, RESPONSES.held_on), actor="t")


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        (ImportRequest("responses", " ", FEBRUARY), TitleRequired),
        (ImportRequest("responses", "題名", None), DateRequired),
        (ImportRequest("responses", "題名", FEBRUARY, columns=ResponseColumns("ない列")), ColumnMissing),
    ],
    ids=["blank title", "no date", "unknown column"],
)
def test_a_request_that_cannot_work_is_refused_before_anything_is_written(engine, request_, error):
    with pytest.raises(error):
        import_survey(engine, csv_bytes([["2025/02/10 20:00:00", "", "A", ""]]), request_, actor="test")
    assert rows_in(engine)["surveys"] == 0


def test_a_poll_file_needs_two_columns(engine):
    with pytest.raises(CountsNeedTwoColumns):
        import_survey(engine, "選択肢\nA\n".encode(), COUNTS, actor="test")


@pytest.mark.parametrize(
    ("cell", "known", "expected"),
    [
        ("ビジネスマッチング, メンバー紹介＆交流イベント", {}, ["ビジネスマッチング", "メンバー紹介＆交流イベント"]),
        ("  A ,  B, A ", {}, ["A", "B"]),
        ("Sales, marketing, Hiring", {"sales, marketing": "Sales, marketing"}, ["Sales, marketing", "Hiring"]),
        ("1,000円以上", {}, ["1,000円以上"]),
        ("", {}, []),
    ],
    ids=["two options", "spaces and repeats", "known label with a comma", "comma without space", "blank"],
)
def test_a_multi_select_cell_splits_on_comma_space_but_keeps_known_labels_whole(cell, known, expected):
    assert split_answer(cell, known, multiple=True) == expected


def test_a_single_choice_answer_is_never_split():
    assert split_answer("Sales, marketing", {}, multiple=False) == ["Sales, marketing"]


def test_the_columns_of_the_forms_sample_are_guessed_from_their_headers():
    columns = guess_columns(read_table(sample(FORMS)))
    assert columns == ResponseColumns("アルムナイでやってほしいこと（複数選択可）", "メールアドレス", "タイムスタンプ",
                                      ("自由記述",))


CELL = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=40)  # what a file holds


@pytest.fixture(scope="module")
def hypothesis_engine(tmp_path_factory):
    from core.setup import init_database

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('hypothesis') / 'alumni.sqlite3'}")
    init_database(engine)
    yield engine
    engine.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=4, max_size=4), max_size=8), counts=st.booleans(),
       title=st.text(min_size=1, max_size=30))
def test_arbitrary_cells_give_rows_or_a_clear_error_never_a_half_written_import(hypothesis_engine, rows, counts,
                                                                                 title):
    engine = hypothesis_engine
    data = csv_bytes(rows, HEADER[:2] + ["回答", "メモ"] if not counts else ["選択肢", "票数", "x", "y"])
    request = ImportRequest("counts" if counts else "responses", title, FEBRUARY)
    before = rows_in(engine)
    try:
        outcome = import_survey(engine, data, request, actor="test")
    except (DomainError, CsvUnreadable, CsvEmpty):
        assert rows_in(engine) == before
        return
    after = rows_in(engine)
    if counts:
        assert after["survey_options"] - before["survey_options"] == outcome.summary.added
    else:
        assert after["survey_responses"] - before["survey_responses"] == outcome.summary.added
    assert outcome.summary.added + outcome.summary.already_imported + outcome.summary.rejected <= len(rows)
    assert import_survey(engine, data, request, actor="test").summary.added == 0

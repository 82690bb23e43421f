"""Survey results: response rate, cross-tabs with suppression, comparison, free text, exports, editing."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import surveys
from core.csvio import read_table
from core.privacy import OTHER
from core.survey_import import ImportRequest, import_survey
from core.surveys import NOT_MEMBER, OptionDraft, SurveyDraft
from db.engine import read_session, write_session
from db.models import AuditLog, Member, SurveyChoice, SurveyResponse

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
HELD_ON = dt.date(2025, 2, 10)
HEADER = ["タイムスタンプ", "メールアドレス", "期待すること（複数選択可）", "ご意見"]


def sample(name: str) -> bytes:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is not beside the checkout")
    return path.read_bytes()


def add_members(engine, people) -> None:
    """people: (email, industry, company, joined_on, left_on, needs, offers)."""
    with write_session(engine) as session:
        for email, industry, company, joined, left, needs, offers in people:
            session.add(Member(email=email, email_normalized=email, full_name=email, name_normalized=email,
                               industry_code=industry, former_company=company, joined_on=joined, left_on=left,
                               needs=needs, offers=offers))


def raw_csv(rows) -> bytes:
    """A CSV as a form exports it: text exactly as typed (no formula neutralising, unlike write_table)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def import_rows(engine, rows, title="会員アンケート", held_on=HELD_ON) -> int:
    data = raw_csv(rows)
    return import_survey(engine, data, ImportRequest("responses", title, held_on), actor="test").survey_id


@pytest.fixture
def segmented(engine):
    """Seven manufacturing members (E), two in IT (G), one who joined after the survey, and an anonymous answer."""
    people = [(f"e{i}@example.jp", "28", "ソニー株式会社", dt.date(2024, 4, 1 + i), None, [], []) for i in range(7)]
    people += [(f"g{i}@example.jp", "39", "ソニー生命保険", dt.date(2024, 7, 1), None, [], []) for i in range(2)]
    people += [("late@example.jp", "39", "ソニー株式会社", dt.date(2025, 3, 1), None, [], [])]
    people += [("gone@example.jp", "39", "ソニー株式会社", dt.date(2024, 4, 1), dt.date(2025, 1, 31), [], [])]
    add_members(engine, people)
    rows = [[f"2025/02/10 10:0{i}:00", f"e{i}@example.jp", "ビジネスマッチング, 勉強会", ""] for i in range(6)]
    rows += [[f"2025/02/10 11:0{i}:00", f"g{i}@example.jp", "キャリア相談", ""] for i in range(2)]
    rows += [["2025/02/10 12:00:00", "", "ビジネスマッチング", "@SUM(1+1)"]]
    return import_rows(engine, rows)


def test_the_response_rate_is_against_the_members_on_the_survey_date(engine, segmented):
    result = surveys.results(engine, segmented)
    assert result.members_on_date == 9  # not the one who joined later, nor the one who left before
    assert result.respondents == 9
    assert result.response_rate == pytest.approx(1.0)
    assert (result.matched, result.unmatched_email, result.anonymous) == (8, 0, 1)


def test_a_crosstab_by_industry_groups_respondents_by_jsic_major_group(engine, segmented):
    crosstab = surveys.crosstab(engine, segmented, "industry")
    groups = {g.code: g for g in crosstab.groups}
    assert {code: g.respondents for code, g in groups.items()} == {"E": 6, "G": 2, NOT_MEMBER: 1}
    assert groups["E"].cells["ビジネスマッチング"].count == 6
    assert groups["E"].cells["ビジネスマッチング"].share == pytest.approx(1.0)
    assert groups["G"].cells["キャリア相談"].share == pytest.approx(1.0)
    assert crosstab.groups[-1].code == NOT_MEMBER
    assert crosstab.options[0] == "ビジネスマッチング"


def test_crosstabs_by_former_company_and_join_quarter(engine, segmented):
    companies = {g.code: g.respondents for g in surveys.crosstab(engine, segmented, "company").groups}
    assert companies == {"ソニー株式会社": 6, "ソニー生命保険": 2, NOT_MEMBER: 1}
    cohorts = {g.code: g.respondents for g in surveys.crosstab(engine, segmented, "cohort").groups}
    assert cohorts == {"2024-Q2": 6, "2024-Q3": 2, NOT_MEMBER: 1}
    assert surveys.group_label("cohort", "2024-Q2", "ja") == "2024年4〜6月入会"
    assert surveys.group_label("cohort", "2024-Q3", "en") == "Joined Jul–Sep 2024"


def test_the_liaison_crosstab_merges_small_groups_so_that_none_can_be_worked_out(engine, segmented):
    crosstab = surveys.crosstab(engine, segmented, "industry", k=5)
    [group] = crosstab.groups  # IT (2) and the anonymous answer (1) are too few, so manufacturing joins them
    assert (group.code, group.respondents, group.suppressed) == (OTHER, 9, False)
    assert group.cells["ビジネスマッチング"].share == pytest.approx(7 / 9)
    assert "キャリア相談" not in crosstab.options  # chosen by fewer than k: merged away in the ranking too


def test_the_liaison_crosstab_hides_cells_below_k(engine):
    people = [(f"e{i}@example.jp", "28", None, dt.date(2024, 4, 1), None, [], []) for i in range(12)]
    people += [(f"g{i}@example.jp", "39", None, dt.date(2024, 4, 1), None, [], []) for i in range(6)]
    add_members(engine, people)
    rows = [[f"2025/02/10 10:{i:02d}:00", f"e{i}@example.jp", "A, B" if i < 3 else "A", ""] for i in range(12)]
    rows += [[f"2025/02/10 11:{i:02d}:00", f"g{i}@example.jp", "A, B" if i < 3 else "A", ""] for i in range(6)]
    crosstab = surveys.crosstab(engine, import_rows(engine, rows), "industry", k=5)
    groups = {g.code: g for g in crosstab.groups}
    assert {code: g.respondents for code, g in groups.items()} == {"E": 12, "G": 6}
    assert groups["E"].cells["A"].share == pytest.approx(1.0)
    assert (groups["E"].cells["B"].suppressed, groups["E"].cells["B"].share) == (True, None)
    assert groups["G"].cells["B"].suppressed


def test_the_liaison_ranking_merges_options_chosen_by_fewer_than_k(engine, segmented):
    organizer = surveys.results(engine, segmented)
    liaison = surveys.results(engine, segmented, k=5)
    assert [(o.label, o.count) for o in organizer.options] == [("ビジネスマッチング", 7), ("勉強会", 6),
                                                               ("キャリア相談", 2)]
    # キャリア相談 (2) is too small on its own, so the next smallest option joins it: no count can be worked out
    assert [(o.label, o.count, o.share) for o in liaison.options] == [("ビジネスマッチング", 7, pytest.approx(7 / 9)),
                                                                      (OTHER, 8, None)]
    assert liaison.matched is None and liaison.anonymous is None


def test_the_liaison_sees_no_respondent_count_for_a_survey_smaller_than_k(engine):
    survey_id = import_rows(engine, [["2025/02/10 10:00:00", "", "A", ""], ["2025/02/10 10:01:00", "", "A", ""]])
    result = surveys.results(engine, survey_id, k=5)
    assert (result.respondents, result.respondents_hidden, result.response_rate) == (None, True, None)
    assert [(o.label, o.suppressed) for o in result.options] == [(OTHER, True)]


def test_a_comparison_shows_how_each_options_share_moved(engine):
    forms = import_survey(engine, sample("survey_google_forms_utf8_bom.csv"),
                          ImportRequest("responses", "フォーム", dt.date(2025, 2, 10)), actor="t").survey_id
    may = ImportRequest("counts", "投票", dt.date(2025, 5, 10), respondent_count=200)
    poll = import_survey(engine, sample("survey_poll_counts_utf8.csv"), may, actor="t").survey_id
    comparison = surveys.compare(engine, [poll, forms])
    assert [s.id for s in comparison.surveys] == [forms, poll]
    rows = {row.label: row for row in comparison.rows}
    assert rows["ビジネスマッチング"].shares == [pytest.approx(0.6), pytest.approx(0.43)]
    assert rows["ビジネスマッチング"].change == pytest.approx(-0.17)
    assert rows["ソニー現役社員との交流"].shares == [None, pytest.approx(0.11)]
    assert rows["ソニー現役社員との交流"].change is None
    assert comparison.rows[0].label == "ビジネスマッチング"
    text = surveys.comparison_csv(comparison, "ja").decode("utf-8-sig")
    assert "ビジネスマッチング,60.0,43.0,-17.0" in text


def test_free_text_is_for_organizers_only(engine, segmented):
    with pytest.raises(surveys.NotPermitted):
        surveys.free_text(engine, segmented, "liaison")
    with pytest.raises(surveys.NotPermitted):
        surveys.other_answers(engine, segmented, "liaison")
    assert [a.answer for a in surveys.free_text(engine, segmented, "organizer")] == ["@SUM(1+1)"]


def test_the_keyword_filter_ignores_width_and_case(engine):
    rows = [["2025/02/10 10:00:00", "", "A", "ＡＩ の勉強会を希望"], ["2025/02/10 10:01:00", "", "A", "交流会"]]
    survey_id = import_rows(engine, rows)
    assert [a.answer for a in surveys.free_text(engine, survey_id, "organizer", "ai")] == ["ＡＩ の勉強会を希望"]
    assert len(surveys.free_text(engine, survey_id, "admin", "")) == 2


def test_the_free_text_export_neutralises_spreadsheet_formulas(engine):
    outcome = import_survey(engine, sample("survey_google_forms_utf8_bom.csv"),
                            ImportRequest("responses", "フォーム", HELD_ON), actor="t")
    data = surveys.free_text_csv(surveys.free_text(engine, outcome.survey_id, "organizer"), "ja")
    assert data.startswith(b"\xef\xbb\xbf")
    answers = [row.cells["回答"] for row in read_table(data).rows]
    assert "'=cmd|' /C calc'!A0" in answers
    assert not any(answer.startswith(("=", "+", "-", "@")) for answer in answers)
    assert b"\r\n" in data


def test_the_results_export_has_one_row_per_option_ranked_by_count(engine):
    outcome = import_survey(engine, sample("survey_poll_counts_utf8.csv"),
                            ImportRequest("counts", "投票", HELD_ON, respondent_count=200), actor="t")
    summary, data = surveys.export_results(engine, "投票", actor="sato", lang="en")
    assert summary.id == outcome.survey_id
    table = read_table(data)
    assert table.header == ["Rank", "Option", "Count", "Share of respondents (%)"]
    assert [(r.cells["Option"], r.cells["Count"]) for r in table.rows][:2] == [("ビジネスマッチング", "86"),
                                                                               ("メンバー紹介＆交流イベント", "71")]
    assert table.rows[0].cells["Share of respondents (%)"] == "43.0"
    with read_session(engine) as session:
        assert session.scalar(select(AuditLog.action).where(AuditLog.entity == "survey",
                                                            AuditLog.actor == "sato")) == "export"


def test_other_closed_questions_are_counted(engine):
    outcome = import_survey(engine, sample("survey_google_forms_utf8_bom.csv"),
                            ImportRequest("responses", "フォーム", HELD_ON), actor="t")
    [tally] = surveys.other_answers(engine, outcome.survey_id, "organizer")
    assert tally.question == "参加頻度の希望"
    assert tally.answers[0] == ("月1回", 2)
    assert sum(count for _, count in tally.answers) == 5


def test_demand_vs_supply_counts_seekers_and_offerers_by_industry_major(engine):
    add_members(engine, [
        ("a@example.jp", "28", None, dt.date(2024, 1, 1), None, ["seeking_clients", "hiring"], []),
        ("b@example.jp", "29", None, dt.date(2024, 1, 1), None, ["seeking_clients"], ["can_advise"]),
        ("c@example.jp", "39", None, dt.date(2024, 1, 1), None, [], ["can_buy_or_introduce", "peer_exchange"]),
        ("d@example.jp", None, None, dt.date(2024, 1, 1), None, ["peer_exchange"], []),
        ("left@example.jp", "39", None, dt.date(2024, 1, 1), dt.date(2024, 6, 1), [], ["can_buy_or_introduce"]),
    ])
    data = surveys.demand_supply(engine, dt.date(2025, 1, 1))
    assert data.seek[("E", "seeking_clients")] == 2
    assert data.offer[("G", "seeking_clients")] == 1  # can_buy_or_introduce answers seeking_clients
    assert data.seek_total["seeking_clients"] == 2 and data.offer_total["seeking_clients"] == 1
    assert data.offer_total["seeking_advice"] == 1
    assert data.seek[(surveys.UNSET, "peer_exchange")] == 1 and data.offer[("G", "peer_exchange")] == 1
    assert data.industries[0] == "E" and data.industries[-1] == surveys.UNSET


def test_a_poll_entered_by_hand_can_be_edited_and_two_options_can_swap_labels(engine):
    draft = SurveyDraft("手入力の投票", HELD_ON, "counts", "LINE", "何を期待しますか", True, 50,
                        (OptionDraft("交流会", 20), OptionDraft("勉強会", 12)))
    survey_id = surveys.save_survey(engine, draft, actor="sato")
    assert [(o.label, o.count) for o in surveys.results(engine, survey_id).options] == [("交流会", 20), ("勉強会", 12)]
    stored = surveys.survey_options(engine, survey_id)
    edited = SurveyDraft("手入力の投票", HELD_ON, "counts", "LINE", "何を期待しますか", True, 50,
                         (OptionDraft("勉強会", 12, stored[0].id), OptionDraft("交流会", 25, stored[1].id),
                          OptionDraft("相談会", 3)))
    surveys.save_survey(engine, edited, actor="sato", survey_id=survey_id)
    result = surveys.results(engine, survey_id)
    assert [(o.label, o.count) for o in result.options] == [("交流会", 25), ("勉強会", 12), ("相談会", 3)]
    assert [o.id for o in surveys.survey_options(engine, survey_id)][:2] == [stored[0].id, stored[1].id]
    assert result.response_rate is None and result.respondents == 50


def test_removing_an_option_of_a_form_survey_removes_its_answers_only(engine, segmented):
    stored = surveys.survey_options(engine, segmented)
    kept = tuple(o for o in stored if o.label != "キャリア相談")
    summary = surveys.get_survey(engine, segmented)
    surveys.save_survey(engine, SurveyDraft(summary.title, summary.held_on, "responses", options=kept),
                        actor="sato", survey_id=segmented)
    assert [o.label for o in surveys.results(engine, segmented).options] == ["ビジネスマッチング", "勉強会"]
    assert surveys.get_survey(engine, segmented).answers == 9


def test_a_second_survey_with_the_same_title_and_date_is_refused(engine):
    surveys.save_survey(engine, SurveyDraft("同じ題名", HELD_ON), actor="sato")
    with pytest.raises(surveys.SurveyExists):
        surveys.save_survey(engine, SurveyDraft("同じ題名", HELD_ON), actor="sato")
    with pytest.raises(surveys.DuplicateOption):
        surveys.save_survey(engine, SurveyDraft("別", HELD_ON, options=(OptionDraft("A"), OptionDraft("Ａ"))),
                            actor="sato")


def test_deleting_a_survey_removes_its_options_and_answers(engine, segmented):
    surveys.delete_survey(engine, segmented, actor="sato")
    assert surveys.list_surveys(engine) == []
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
        assert session.scalar(select(func.count()).select_from(SurveyChoice)) == 0
    with pytest.raises(surveys.SurveyNotFound):
        surveys.results(engine, segmented)


def test_a_survey_is_found_by_id_or_title_and_a_repeated_title_needs_the_id(engine):
    first = surveys.save_survey(engine, SurveyDraft("定例アンケート", dt.date(2025, 2, 1)), actor="sato")
    assert surveys.find_survey(engine, str(first)).id == first
    assert surveys.find_survey(engine, " 定例アンケート ").id == first
    surveys.save_survey(engine, SurveyDraft("定例アンケート", dt.date(2025, 8, 1)), actor="sato")
    with pytest.raises(surveys.SurveyAmbiguous):
        surveys.find_survey(engine, "定例アンケート")
    with pytest.raises(surveys.SurveyNotFound):
        surveys.find_survey(engine, "ない")

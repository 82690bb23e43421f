"""Survey results: ranked options, response rate, cross-tabs, comparisons, free text, demand vs supply, editing."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from core import vocab
from core.csvio import write_table
from core.errors import DomainError
from core.i18n import t
from core.privacy import OTHER, suppress, suppress_value
from core.settings import get_setting
from db import surveys as repo
from db.audit import record
from db.engine import read_session, write_session
from db.models import Survey, utcnow

KINDS = ("responses", "counts")
DIMENSIONS = ("industry", "company", "cohort")
NOT_MEMBER = "__not_member__"
UNSET = "__unset__"
MAX_TITLE = 200
MAX_LABEL = 200
MAX_CHANNEL = 64
TOKYO_OFFSET = dt.timedelta(hours=9)
_SPACES = re.compile(r"\s+")


class SurveyNotFound(DomainError):
    key = "surveys.error.not_found"


class SurveyAmbiguous(DomainError):
    key = "surveys.error.ambiguous"


class SurveyExists(DomainError):
    key = "surveys.error.exists"


class TitleRequired(DomainError):
    key = "surveys.error.title_required"


class TooLong(DomainError):
    key = "surveys.error.too_long"


class DateRequired(DomainError):
    key = "surveys.error.date_required"


class InvalidKind(DomainError):
    key = "surveys.error.invalid_kind"


class InvalidCount(DomainError):
    key = "surveys.error.invalid_count"


class DuplicateOption(DomainError):
    key = "surveys.error.duplicate_option"


class NotPermitted(DomainError):
    key = "app.no_permission"


def label_key(label: str) -> str:
    """Two option labels are the same option when they differ only in width, case or spacing."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", label)).strip().casefold()


def clean_label(label: str) -> str:
    return _SPACES.sub(" ", label.replace("\x00", "")).strip()


# --------------------------------------------------------------------------------------------
# Values that cross layers


@dataclass(frozen=True)
class SurveySummary:
    id: int
    title: str
    held_on: dt.date
    channel: str
    question: str
    kind: str  # "responses" (one row per respondent) or "counts" (a poll's option counts)
    multiple_choice: bool
    respondent_count: int | None  # a poll's respondents when known; the answers for a per-respondent survey
    answers: int  # per-respondent rows stored
    free_text_questions: tuple[str, ...]
    other_questions: tuple[str, ...]


@dataclass(frozen=True)
class OptionResult:
    label: str  # the option's label, or OTHER for small options merged for the liaison
    count: int
    share: float | None  # of respondents (or of all votes when the respondents are unknown)
    suppressed: bool = False  # True: show "<k", never the number


@dataclass(frozen=True)
class SurveyResults:
    survey: SurveySummary
    options: list[OptionResult]  # ranked, largest first; a merged OTHER last
    respondents: int | None
    respondents_hidden: bool  # the liaison's view of a survey with fewer than k respondents
    share_of: str  # "respondents" or "votes"
    members_on_date: int
    response_rate: float | None
    matched: int | None = None  # answers matched to a member by e-mail (per-respondent surveys)
    unmatched_email: int | None = None
    anonymous: int | None = None


@dataclass(frozen=True)
class Cell:
    count: int
    share: float | None  # of the group's respondents
    suppressed: bool = False


@dataclass(frozen=True)
class CrossTabGroup:
    code: str  # industry major letter, company name, cohort "YYYY-Qn", NOT_MEMBER, UNSET or OTHER
    respondents: int
    suppressed: bool
    cells: dict[str, Cell]  # option label -> cell


@dataclass(frozen=True)
class CrossTab:
    dimension: str
    options: list[str]  # ranked labels
    groups: list[CrossTabGroup]


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    shares: list[float | None]  # one per survey, oldest first; None: not asked, or hidden for the liaison
    counts: list[int | None]
    change: float | None  # share points from the first survey that has it to the last


@dataclass(frozen=True)
class Comparison:
    surveys: list[SurveySummary]  # oldest first
    rows: list[ComparisonRow]


@dataclass(frozen=True)
class FreeTextAnswer:
    submitted_at: dt.datetime | None
    question: str
    answer: str


@dataclass(frozen=True)
class QuestionTally:
    question: str
    answers: list[tuple[str, int]]


@dataclass(frozen=True)
class DemandSupply:
    pairs: list[vocab.NeedPair]
    industries: list[str]  # JSIC major letters with members, most members first; UNSET last
    seek: dict[tuple[str, str], int]  # (industry, need tag) -> members
    offer: dict[tuple[str, str], int]  # (industry, need tag of the pair) -> members offering its answer
    seek_total: dict[str, int] = field(default_factory=dict)
    offer_total: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OptionDraft:
    label: str
    count: int | None = None  # a poll's votes
    id: int | None = None  # the stored option this edits; None for a new one


@dataclass(frozen=True)
class SurveyDraft:
    title: str
    held_on: dt.date | None
    kind: str = "responses"
    channel: str = ""
    question: str = ""
    multiple_choice: bool = True
    respondent_count: int | None = None
    options: tuple[OptionDraft, ...] = ()


# --------------------------------------------------------------------------------------------
# Reading


def suppression_k(engine: Engine, role: str) -> int | None:
    """The k of small-group suppression for the liaison; None (exact figures) for organizers."""
    return int(get_setting(engine, "k_anonymity")) if role == "liaison" else None


def _summary(survey: Survey, answers: int) -> SurveySummary:
    return SurveySummary(
        id=survey.id,
        title=survey.title,
        held_on=survey.held_on,
        channel=survey.channel or "",
        question=survey.question or "",
        kind=survey.kind,
        multiple_choice=survey.multiple_choice,
        respondent_count=survey.respondent_count if survey.kind == "counts" else answers,
        answers=answers,
        free_text_questions=tuple(survey.free_text_questions or ()),
        other_questions=tuple(survey.other_questions or ()),
    )


def list_surveys(engine: Engine) -> list[SurveySummary]:
    """Every survey, newest first."""
    with read_session(engine) as session:
        return [_summary(survey, answers) for survey, answers in repo.all_with_response_counts(session)]


def get_survey(engine: Engine, survey_id: int) -> SurveySummary:
    """Raises SurveyNotFound."""
    for summary in list_surveys(engine):
        if summary.id == survey_id:
            return summary
    raise SurveyNotFound(survey=survey_id)


def find_survey(engine: Engine, id_or_title: str) -> SurveySummary:
    """A survey by its id or exact title. Raises SurveyNotFound, or SurveyAmbiguous when titles repeat."""
    text = id_or_title.strip()
    summaries = list_surveys(engine)
    if text.isdigit():
        for summary in summaries:
            if summary.id == int(text):
                return summary
    matches = [s for s in summaries if s.title == text]
    matches = matches or [s for s in summaries if label_key(s.title) == label_key(text)]
    if len(matches) > 1:
        raise SurveyAmbiguous(survey=text, ids=", ".join(str(s.id) for s in matches))
    if not matches:
        raise SurveyNotFound(survey=text)
    return matches[0]


def results(engine: Engine, survey_id: int, k: int | None = None) -> SurveyResults:
    """Ranked options with counts and shares, and the response rate on the survey date.

    With k (the liaison), options chosen by 1..k-1 respondents merge into OTHER and a survey with
    fewer than k respondents shows no respondent count. Raises SurveyNotFound.
    """
    with read_session(engine) as session:
        survey = repo.get(session, survey_id)
        if survey is None:
            raise SurveyNotFound(survey=survey_id)
        counts = repo.option_counts(session, survey)
        members = repo.members_on(session, survey.held_on)
        breakdown = repo.response_breakdown(session, survey.id) if survey.kind == "responses" else None
        answers = sum(breakdown) if breakdown else 0
        summary = _summary(survey, answers)
    respondents = summary.respondent_count
    if respondents is None and not summary.multiple_choice:
        respondents = sum(count for *_, count in counts)
    base = respondents if respondents else sum(count for *_, count in counts)
    share_of = "respondents" if respondents else "votes"
    ranked = sorted(counts, key=lambda row: (-row[3], row[2], row[0]))
    shown = {label: count for _, label, _, count in ranked}
    options = [OptionResult(label, count, count / base if base else None) for label, count in shown.items()]
    hidden = False
    if k is not None:
        hidden = suppress_value(respondents or 0, k).suppressed
        groups = suppress(shown, k)
        options = [
            OptionResult(g.label, g.count, None if g.label == OTHER or not base else g.count / base, g.suppressed)
            for g in groups
        ]
    rate = respondents / members if respondents is not None and members else None
    if hidden:
        rate = None
    return SurveyResults(
        survey=summary,
        options=options,
        respondents=None if hidden else respondents,
        respondents_hidden=hidden,
        share_of=share_of,
        members_on_date=members,
        response_rate=rate,
        matched=breakdown[0] if breakdown and k is None else None,
        unmatched_email=breakdown[1] if breakdown and k is None else None,
        anonymous=breakdown[2] if breakdown and k is None else None,
    )


def _group_code(dimension: str, is_member: bool, values: Sequence[object]) -> str:
    if not is_member:
        return NOT_MEMBER
    if dimension == "industry":
        return (vocab.major_of(values[0]) if values[0] else None) or UNSET
    if dimension == "company":
        return (str(values[0]).strip() if values[0] else "") or UNSET
    year, month = values
    if year is None or month is None:
        return UNSET
    return f"{int(year)}-Q{(int(month) - 1) // 3 + 1}"


def crosstab(engine: Engine, survey_id: int, dimension: str, k: int | None = None) -> CrossTab:
    """How each group of respondents (by industry, former company or join quarter) answered.

    Respondents not matched to a member form their own group. With k (the liaison), groups of
    fewer than k respondents merge into OTHER and cells of 1..k-1 are hidden.
    Raises SurveyNotFound, or ValueError for an unknown dimension.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension: {dimension!r}")
    ranked = [o.label for o in results(engine, survey_id, k).options if o.label != OTHER]
    with read_session(engine) as session:
        survey = repo.get(session, survey_id)
        if survey is None:
            raise SurveyNotFound(survey=survey_id)
        labels = {option_id: label for option_id, label, _, _ in repo.option_counts(session, survey)}
        cell_rows, total_rows = repo.crosstab_counts(session, survey_id, dimension)
    totals: dict[str, int] = {}
    for is_member, *values, count in total_rows:
        code = _group_code(dimension, bool(is_member), values)
        totals[code] = totals.get(code, 0) + count
    cells: dict[str, dict[str, int]] = {}
    for is_member, *values, option_id, count in cell_rows:
        code = _group_code(dimension, bool(is_member), values)
        label = labels[option_id]
        cells.setdefault(code, {})[label] = cells.get(code, {}).get(label, 0) + count
    if k is None:
        order = sorted(totals, key=lambda code: (code in (NOT_MEMBER, UNSET), -totals[code], code))
        groups = [
            CrossTabGroup(code, totals[code], False, {
                label: Cell(n, n / totals[code] if totals[code] else None) for label, n in cells.get(code, {}).items()
            })
            for code in order
        ]
        return CrossTab(dimension, ranked, groups)
    groups = []
    merged = {code for code, n in totals.items() if code not in {g.label for g in suppress(totals, k)}}
    for group in suppress(totals, k):
        members = merged if group.label == OTHER else {group.label}
        counts: dict[str, int] = {}
        for code in members:
            for label, n in cells.get(code, {}).items():
                counts[label] = counts.get(label, 0) + n
        group_cells = {}
        for label, n in counts.items():
            hidden = group.suppressed or suppress_value(n, k).suppressed
            group_cells[label] = Cell(n, None if hidden else n / group.count, hidden)
        groups.append(CrossTabGroup(group.label, group.count, group.suppressed, group_cells))
    return CrossTab(dimension, ranked, groups)


def group_label(dimension: str, code: str, lang: str) -> str:
    if code in (NOT_MEMBER, UNSET, OTHER):
        return t({NOT_MEMBER: "surveys.group.not_member", UNSET: "surveys.group.unset",
                  OTHER: "surveys.group.other"}[code], lang)
    if dimension == "industry":
        return vocab.label("industry", code, lang)
    if dimension == "company":
        return vocab.label("company", code, lang)
    year, quarter = code.split("-Q")
    first = (int(quarter) - 1) * 3 + 1
    if lang == "en":
        return t("surveys.group.cohort", lang, year=year, first=calendar.month_abbr[first],
                 last=calendar.month_abbr[first + 2])
    return t("surveys.group.cohort", lang, year=year, first=first, last=first + 2)


def compare(engine: Engine, survey_ids: Sequence[int], k: int | None = None) -> Comparison:
    """Each option's share in each survey (oldest first), options matched by label.

    The change is in share points from the first survey that has the option to the last one.
    Raises SurveyNotFound.
    """
    found = sorted((results(engine, survey_id, k) for survey_id in dict.fromkeys(survey_ids)),
                   key=lambda r: (r.survey.held_on, r.survey.id))
    keys: dict[str, str] = {}
    for result in found:
        for option in result.options:
            if option.label != OTHER:
                keys.setdefault(label_key(option.label), option.label)
    rows = []
    for key, label in keys.items():
        shares: list[float | None] = []
        counts: list[int | None] = []
        for result in found:
            option = next((o for o in result.options if o.label != OTHER and label_key(o.label) == key), None)
            shares.append(option.share if option and not option.suppressed else None)
            counts.append(option.count if option and not option.suppressed else None)
        known = [share for share in shares if share is not None]
        change = known[-1] - known[0] if len(known) >= 2 and shares[-1] is not None else None
        rows.append(ComparisonRow(label, shares, counts, change))
    rows.sort(key=lambda row: (-(row.shares[-1] if row.shares[-1] is not None else -1), row.label))
    return Comparison([r.survey for r in found], rows)


def free_text(engine: Engine, survey_id: int, role: str, keyword: str = "") -> list[FreeTextAnswer]:
    """The free-text answers of a survey, for organizers only; `keyword` filters (width and case ignored).

    Raises NotPermitted for the liaison, SurveyNotFound for an unknown survey.
    """
    if role not in ("admin", "organizer"):
        raise NotPermitted()
    summary = get_survey(engine, survey_id)
    wanted = label_key(keyword)
    answers = []
    with read_session(engine) as session:
        for submitted, extra in repo.extra_answers(session, survey_id):
            for question in summary.free_text_questions:
                answer = str(extra.get(question) or "").strip()
                if answer and (not wanted or wanted in label_key(answer)):
                    answers.append(FreeTextAnswer(submitted, question, answer))
    return answers


def other_answers(engine: Engine, survey_id: int, role: str) -> list[QuestionTally]:
    """The answers to a survey's other closed questions, counted; for organizers only.

    Raises NotPermitted for the liaison, SurveyNotFound for an unknown survey.
    """
    if role not in ("admin", "organizer"):
        raise NotPermitted()
    summary = get_survey(engine, survey_id)
    with read_session(engine) as session:
        return [QuestionTally(q, repo.extra_answer_counts(session, survey_id, q)) for q in summary.other_questions]


def demand_supply(engine: Engine, day: dt.date) -> DemandSupply:
    """For each need/offer pair: members on `day` seeking it and members offering its answer, by industry."""
    pairs = vocab.needs()
    offer_to_need = {pair.offer: pair.need for pair in pairs}
    need_tags = {pair.need for pair in pairs}
    with read_session(engine) as session:
        sought = repo.tag_counts_by_industry(session, day, "needs")
        offered = repo.tag_counts_by_industry(session, day, "offers")
    seek: dict[tuple[str, str], int] = {}
    offer: dict[tuple[str, str], int] = {}
    sizes: dict[str, int] = {}
    for rows, target, known in ((sought, seek, lambda tag: tag if tag in need_tags else None),
                                (offered, offer, offer_to_need.get)):
        for code, tag, count in rows:
            need = known(tag)
            if need is None:
                continue
            major = vocab.major_of(code) or UNSET
            target[(major, need)] = target.get((major, need), 0) + count
            sizes[major] = sizes.get(major, 0) + count
    industries = sorted(sizes, key=lambda code: (code == UNSET, -sizes[code], code))
    seek_total = {p.need: sum(n for (_, need), n in seek.items() if need == p.need) for p in pairs}
    offer_total = {p.need: sum(n for (_, need), n in offer.items() if need == p.need) for p in pairs}
    return DemandSupply(pairs, industries, seek, offer, seek_total, offer_total)


# --------------------------------------------------------------------------------------------
# CSV


def _percent(share: float | None) -> float | str:
    return "" if share is None else round(share * 100, 1)


def results_csv(result: SurveyResults, lang: str, k: int | None = None) -> bytes:
    """One row per option, ranked by count: rank, option, count, share of respondents (%)."""
    header = [t("surveys.col.rank", lang), t("surveys.col.option", lang), t("surveys.col.count", lang),
              t(f"surveys.col.share_{result.share_of}", lang)]
    rows = []
    for rank, option in enumerate(result.options, start=1):
        label = t("surveys.other_options", lang) if option.label == OTHER else option.label
        count = f"<{k}" if option.suppressed else option.count
        rows.append(["" if option.label == OTHER else rank, label, count, _percent(option.share)])
    return write_table(header, rows)


def free_text_csv(answers: Sequence[FreeTextAnswer], lang: str) -> bytes:
    """Free-text answers (Japan time, question, answer); every cell formula-safe."""
    header = [t("surveys.col.submitted_at", lang), t("surveys.col.question", lang), t("surveys.col.answer", lang)]
    rows = [[local_time(a.submitted_at), a.question, a.answer] for a in answers]
    return write_table(header, rows)


def comparison_csv(comparison: Comparison, lang: str) -> bytes:
    header = [t("surveys.col.option", lang)]
    header += [f"{s.title} ({s.held_on.isoformat()}) %" for s in comparison.surveys]
    header.append(t("surveys.col.change", lang))
    rows = [[row.label, *(_percent(share) for share in row.shares),
             "" if row.change is None else round(row.change * 100, 1)] for row in comparison.rows]
    return write_table(header, rows)


def local_time(value: dt.datetime | None) -> str:
    return (value + TOKYO_OFFSET).strftime("%Y-%m-%d %H:%M") if value else ""


def export_results(engine: Engine, id_or_title: str, actor: str, lang: str = "ja") -> tuple[SurveySummary, bytes]:
    """The results CSV of a survey found by id or title, audited. Raises SurveyNotFound or SurveyAmbiguous."""
    summary = find_survey(engine, id_or_title)
    data = results_csv(results(engine, summary.id), lang)
    record_export(engine, actor, summary.id, "survey_results")
    return summary, data


def record_export(engine: Engine, actor: str, survey_id: int, what: str) -> None:
    with write_session(engine) as session:
        record(session, actor=actor, action="export", entity="survey", entity_id=survey_id, details={"what": what})


# --------------------------------------------------------------------------------------------
# Creating and editing


def _checked(draft: SurveyDraft) -> SurveyDraft:
    title = clean_label(draft.title)
    if not title:
        raise TitleRequired()
    if len(title) > MAX_TITLE:
        raise TooLong(field=title[:20] + "…", max=MAX_TITLE)
    if draft.held_on is None:
        raise DateRequired()
    if draft.kind not in KINDS:
        raise InvalidKind(kind=draft.kind)
    channel = draft.channel.strip()
    if len(channel) > MAX_CHANNEL:
        raise TooLong(field=channel[:20] + "…", max=MAX_CHANNEL)
    if draft.respondent_count is not None and draft.respondent_count < 0:
        raise InvalidCount(value=draft.respondent_count)
    options, seen = [], set()
    for option in draft.options:
        label = clean_label(option.label)
        if not label:
            continue
        if len(label) > MAX_LABEL:
            raise TooLong(field=label[:20] + "…", max=MAX_LABEL)
        if label_key(label) in seen:
            raise DuplicateOption(label=label)
        if option.count is not None and option.count < 0:
            raise InvalidCount(value=option.count)
        seen.add(label_key(label))
        options.append(OptionDraft(label, option.count if draft.kind == "counts" else None, option.id))
    return SurveyDraft(title, draft.held_on, draft.kind, channel, draft.question.strip(), draft.multiple_choice,
                       draft.respondent_count if draft.kind == "counts" else None, tuple(options))


def save_survey(engine: Engine, draft: SurveyDraft, actor: str, survey_id: int | None = None) -> int:
    """Create a survey (survey_id None) or edit one: details and options; returns its id.

    Options carry the id of the stored option they edit (renamed, moved, a poll's count changed);
    stored options left out are removed with their answers; options without an id are added.
    The kind of an existing survey does not change.
    Raises TitleRequired, TooLong, DateRequired, InvalidKind, InvalidCount, DuplicateOption,
    SurveyExists (same title and date) or SurveyNotFound.
    """
    draft = _checked(draft)
    try:
        with write_session(engine) as session:
            other = repo.by_title_and_date(session, draft.title, draft.held_on)
            if other is not None and other.id != survey_id:
                raise SurveyExists(title=draft.title, date=draft.held_on.isoformat())
            if survey_id is None:
                survey = repo.add_survey(session, title=draft.title, held_on=draft.held_on, kind=draft.kind,
                                         channel=draft.channel or None, question=draft.question,
                                         multiple_choice=draft.multiple_choice,
                                         respondent_count=draft.respondent_count, created_at=utcnow())
            else:
                survey = repo.get(session, survey_id)
                if survey is None:
                    raise SurveyNotFound(survey=survey_id)
                survey.title, survey.held_on, survey.channel = draft.title, draft.held_on, draft.channel or None
                survey.question, survey.multiple_choice = draft.question, draft.multiple_choice
                if survey.kind == "counts":
                    survey.respondent_count = draft.respondent_count
            existing = {o.id: o for o in repo.options(session, survey.id)}
            kept = {o.id for o in draft.options if o.id is not None}
            for option_id, option in existing.items():
                if option_id not in kept:
                    repo.delete_option(session, option)
            for option_id in kept & existing.keys():
                existing[option_id].label = f"__renaming_{option_id}__"  # lets two options swap labels
            session.flush()
            for position, option in enumerate(draft.options):
                stored = existing.get(option.id) if option.id is not None else None
                count = option.count if survey.kind == "counts" else None
                if stored is None:
                    repo.add_option(session, survey.id, option.label, position, count)
                else:
                    stored.label, stored.position = option.label, position
                    if survey.kind == "counts":
                        stored.vote_count = count
            record(session, actor=actor, action="survey_saved" if survey_id else "survey_created",
                   entity="survey", entity_id=survey.id,
                   details={"title": draft.title, "options": len(draft.options)})
            return survey.id
    except IntegrityError as error:
        raise SurveyExists(title=draft.title, date=draft.held_on.isoformat()) from error


def survey_options(engine: Engine, survey_id: int) -> list[OptionDraft]:
    """A survey's options in their order, with a poll's counts."""
    with read_session(engine) as session:
        return [OptionDraft(o.label, o.vote_count, o.id) for o in repo.options(session, survey_id)]


def delete_survey(engine: Engine, survey_id: int, actor: str) -> None:
    """Delete a survey with its options and answers. Raises SurveyNotFound."""
    with write_session(engine) as session:
        survey = repo.get(session, survey_id)
        if survey is None:
            raise SurveyNotFound(survey=survey_id)
        title = survey.title
        repo.delete_survey(session, survey)
        record(session, actor=actor, action="survey_deleted", entity="survey", entity_id=survey_id,
               details={"title": title})

"""Survey results on screen: cached queries, Plotly charts and the sections of the results page."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import surveys
from core.accounts import Account
from core.i18n import t
from core.privacy import OTHER
from core.surveys import Comparison, CrossTab, DemandSupply, SurveyResults, SurveySummary
from core.vocab import label as vocab_label
from db.engine import database_url
from ui.frame import engine
from ui.i18n import TOKYO, lang, tr

BAR_HEIGHT = 42
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}

# --------------------------------------------------------------------------------------------
# Cached queries (shared by every session; cleared by ui.frame.data_changed after a write)


def cache_key() -> str:
    """The database URL: cached results are kept apart per database."""
    return database_url()


@st.cache_data(show_spinner=False, ttl=3600)
def survey_list(url: str) -> list[SurveySummary]:
    return surveys.list_surveys(engine())


@st.cache_data(show_spinner=False, ttl=3600)
def survey_results(url: str, survey_id: int, k: int | None) -> SurveyResults:
    return surveys.results(engine(), survey_id, k)


@st.cache_data(show_spinner=False, ttl=3600)
def survey_crosstab(url: str, survey_id: int, dimension: str, k: int | None) -> CrossTab:
    return surveys.crosstab(engine(), survey_id, dimension, k)


@st.cache_data(show_spinner=False, ttl=3600)
def survey_comparison(url: str, survey_ids: tuple[int, ...], k: int | None) -> Comparison:
    return surveys.compare(engine(), survey_ids, k)


@st.cache_data(show_spinner=False, ttl=3600)
def demand_supply(url: str, day: dt.date) -> DemandSupply:
    return surveys.demand_supply(engine(), day)


# Free text is personal data: organizers only (core.surveys raises NotPermitted otherwise, and errors are never
# cached), kept apart per role, a few keywords at a time and for five minutes at most.
@st.cache_data(show_spinner=False, ttl=300, max_entries=16)
def survey_free_text(url: str, survey_id: int, role: str, keyword: str) -> list[surveys.FreeTextAnswer]:
    return surveys.free_text(engine(), survey_id, role, keyword)


@st.cache_data(show_spinner=False, ttl=300, max_entries=16)
def survey_other_answers(url: str, survey_id: int, role: str) -> list[surveys.QuestionTally]:
    return surveys.other_answers(engine(), survey_id, role)


# --------------------------------------------------------------------------------------------
# Small helpers


NEW_SURVEY = 0  # the option "a new survey" of a survey picker (ids start at 1)


def survey_name(summaries: Sequence[SurveySummary]) -> Callable[[int], str]:
    """format_func naming a survey (NEW_SURVEY: a new one) in the language of this run."""
    by_id = {s.id: s for s in summaries}
    language = lang()

    def name(survey_id: int) -> str:
        if survey_id == NEW_SURVEY:
            return t("survey_admin.new_survey", language)
        survey = by_id[survey_id]
        kind = t(f"surveys.kind.{survey.kind}", language)
        return f"{survey.held_on.isoformat()}  {survey.title}（{kind}）"

    return name


def label_of(prefix: str) -> Callable[[str], str]:
    """format_func for options labelled by the catalogue keys `prefix.option`, in the language of this run."""
    language = lang()
    return lambda option: t(f"{prefix}.{option}", language)


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def option_label(label: str) -> str:
    return tr("surveys.other_options") if label == OTHER else label


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$:])")


def md(text: str) -> str:
    """Text from a file or a form, safe inside a message that Streamlit renders as Markdown."""
    return _MARKDOWN.sub(r"\\\1", text)


def chart_text(text: str) -> str:
    """Text from a CSV file as Plotly shows it: its few HTML tags (<b>, <a>, <br>) stay literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def axis_label(text: str, width: int = 6, max_lines: int = 4) -> str:
    """A heat map label on short lines: Japanese by characters, English by words (about twice as many letters)."""
    if text.isascii() or " " in text.strip():
        lines = textwrap.wrap(text, width * 2, break_long_words=False)
    else:
        lines = [text[i : i + width] for i in range(0, len(text), width)]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][:-1] + "…"]
    return "<br>".join(chart_text(line) for line in lines)


def audit_download(survey_id: int, what: str, actor: str) -> None:
    surveys.record_export(engine(), actor, survey_id, what)


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(height=height, margin={"l": 10, "r": 30, "t": 30, "b": 40}, font={"size": 14},
                      hoverlabel={"font_size": 14})
    fig.update_yaxes(automargin=True)
    return fig


# --------------------------------------------------------------------------------------------
# Sections of the results page


def show_overview(result: SurveyResults, staff: bool, k: int | None) -> None:
    survey = result.survey
    choice = "surveys.multiple" if survey.multiple_choice else "surveys.single"
    details = [tr(f"surveys.kind.{survey.kind}"), tr(choice)]
    if survey.channel:
        details.insert(0, md(survey.channel))
    st.caption(" ・ ".join([survey.held_on.isoformat(), *details]))
    if survey.question:
        st.text(tr("surveys.question_label", question=survey.question))
    columns = st.columns(4 if staff and result.matched is not None else 3)
    respondents = (f"<{k}" if result.respondents_hidden
                   else "—" if result.respondents is None else f"{result.respondents:,}")
    columns[0].metric(tr("surveys.respondents"), respondents,
                      help=tr("surveys.respondents_unknown_help") if result.respondents is None else None)
    columns[1].metric(tr("surveys.members_on_date", date=survey.held_on.isoformat()), f"{result.members_on_date:,}")
    columns[2].metric(tr("surveys.response_rate"), percent(result.response_rate),
                      help=tr("surveys.response_rate_help"))
    if result.members_on_date == 0:
        st.caption(tr("surveys.no_members_on_date"))
    if staff and result.matched is not None:
        columns[3].metric(tr("surveys.matched"), f"{result.matched:,}",
                          help=tr("surveys.matched_help", unmatched=result.unmatched_email, anonymous=result.anonymous))


def ranking_figure(result: SurveyResults, k: int | None) -> go.Figure:
    options = [o for o in result.options if not o.suppressed]
    labels = [chart_text(option_label(o.label)) for o in options]
    counts = [o.count for o in options]
    texts = [f"{o.count:,}" if o.share is None else tr("surveys.bar_text", count=f"{o.count:,}", share=percent(o.share))
             for o in options]
    fig = go.Figure(go.Bar(
        x=counts, y=labels, orientation="h", text=texts, textposition="outside", cliponaxis=False,
        marker_color=["#9aa5b1" if o.label == OTHER else "#1f6fb2" for o in options],
        hovertemplate="%{y}: %{x:,}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    top = max(counts, default=1)
    fig.update_xaxes(title_text=tr("surveys.axis.count"), range=[0, top * 1.25], tickformat=",d",
                     dtick=1 if top < 8 else None)
    return _layout(fig, BAR_HEIGHT * len(options) + 90)


def show_ranking(result: SurveyResults, k: int | None, account: Account) -> None:
    if not result.options:
        st.info(tr("surveys.no_options"))
        return
    if all(option.label == OTHER for option in result.options):
        st.info(tr("surveys.too_few_answers", k=k))
        return
    st.plotly_chart(ranking_figure(result, k), config=CHART_CONFIG, key="surveys_ranking_chart")
    if result.share_of == "votes":
        st.caption(tr("surveys.share_of_votes_note"))
    elif result.survey.multiple_choice:
        st.caption(tr("surveys.multiple_note"))
    if k is not None:
        st.caption(tr("surveys.suppression_note", k=k))
    table = pd.DataFrame({
        tr("surveys.col.rank"): ["" if o.label == OTHER else str(i) for i, o in enumerate(result.options, start=1)],
        tr("surveys.col.option"): [option_label(o.label) for o in result.options],
        tr("surveys.col.count"): [f"<{k}" if o.suppressed else f"{o.count:,}" for o in result.options],
        tr(f"surveys.col.share_of_{result.share_of}"): [percent(o.share) for o in result.options],
    })
    st.dataframe(table, hide_index=True, key="surveys_ranking_table")
    st.download_button(
        tr("surveys.download_results"), surveys.results_csv(result, lang(), k),
        file_name=f"survey_{result.survey.id}_results.csv", mime="text/csv", icon=":material/download:",
        key="surveys_download_results", on_click=audit_download,
        args=(result.survey.id, "survey_results", account.username),
    )


def crosstab_figure(crosstab: CrossTab, k: int | None) -> go.Figure:
    groups = crosstab.groups
    y = [axis_label(surveys.group_label(crosstab.dimension, g.code, lang()), width=14, max_lines=3)
         + ("" if g.suppressed else f"（{g.respondents:,}）") for g in groups]
    z, text = [], []
    for group in groups:
        row_z, row_text = [], []
        for label in crosstab.options:
            cell = group.cells.get(label)
            if cell is None:
                row_z.append(0 if not group.suppressed else None)
                row_text.append("0%" if not group.suppressed else "")
            elif cell.suppressed:
                row_z.append(None)
                row_text.append(chart_text(tr("surveys.cell_hidden", k=k)))
            else:
                row_z.append(round((cell.share or 0) * 100, 1))
                row_text.append(f"{percent(cell.share)}<br>({cell.count:,})" if k is None else percent(cell.share))
        z.append(row_z)
        text.append(row_text)
    fig = go.Figure(go.Heatmap(
        z=z, x=[axis_label(label) for label in crosstab.options], y=y, text=text, texttemplate="%{text}",
        colorscale="Blues", zmin=0, zmax=100,
        colorbar={"title": {"text": "%"}}, hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", xgap=2, ygap=2,
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=0, tickfont={"size": 12})
    return _layout(fig, 48 * len(groups) + 160)


def show_crosstab(url: str, result: SurveyResults, k: int | None) -> None:
    if result.survey.kind == "counts":
        st.info(tr("surveys.crosstab_counts_only"))
        return
    dimension = st.segmented_control(
        tr("surveys.dimension"), surveys.DIMENSIONS, format_func=label_of("surveys.dimension"),
        default="industry", required=True, key="surveys_dimension",
    )
    crosstab = survey_crosstab(url, result.survey.id, dimension, k)
    if k is not None and crosstab.groups and (not crosstab.options or all(g.suppressed for g in crosstab.groups)):
        st.info(tr("surveys.too_few_answers", k=k))
        return
    if not crosstab.groups or not crosstab.options:
        st.info(tr("surveys.crosstab_empty"))
        return
    if all(group.code == surveys.NOT_MEMBER for group in crosstab.groups):
        st.info(tr("surveys.crosstab_no_members"))
    st.caption(tr("surveys.crosstab_note"))
    st.plotly_chart(crosstab_figure(crosstab, k), config=CHART_CONFIG, key="surveys_crosstab_chart")
    if k is not None:
        st.caption(tr("surveys.crosstab_suppression_note", k=k))


def comparison_figure(comparison: Comparison) -> go.Figure:
    fig = go.Figure()
    labels = [chart_text(row.label) for row in comparison.rows]
    for index, survey in enumerate(comparison.surveys):
        shares = [None if row.shares[index] is None else round(row.shares[index] * 100, 1) for row in comparison.rows]
        fig.add_trace(go.Bar(
            x=shares, y=labels, orientation="h", name=chart_text(f"{survey.held_on.isoformat()} {survey.title}"),
            text=["" if s is None else f"{s:.0f}%" for s in shares],
            textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x}%<extra></extra>",
        ))
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.12, "x": 0})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=tr("surveys.axis.share"), ticksuffix="%")
    return _layout(fig, (22 * len(comparison.surveys) + 18) * len(labels) + 160)


def show_comparison(
    url: str, summaries: Sequence[SurveySummary], current: int, k: int | None, account: Account
) -> None:
    if len(summaries) < 2:
        st.info(tr("surveys.compare_need_two"))
        return
    ids = [s.id for s in summaries]
    others = [i for i in ids if i != current]
    chosen = st.multiselect(
        tr("surveys.compare_pick"), ids, default=[current, others[0]], format_func=survey_name(summaries),
        key="surveys_compare",
    )
    if len(chosen) < 2:
        st.info(tr("surveys.compare_need_two_chosen"))
        return
    comparison = survey_comparison(url, tuple(sorted(chosen)), k)
    st.plotly_chart(comparison_figure(comparison), config=CHART_CONFIG, key="surveys_compare_chart")
    if any(s.respondent_count is None for s in comparison.surveys):
        st.caption(tr("surveys.share_of_votes_note"))
    first, last = comparison.surveys[0], comparison.surveys[-1]
    table = pd.DataFrame({
        tr("surveys.col.option"): [row.label for row in comparison.rows],
        **{f"{s.held_on.isoformat()} {s.title}": [percent(row.shares[i]) for row in comparison.rows]
           for i, s in enumerate(comparison.surveys)},
        tr("surveys.col.change_between", first=first.held_on.isoformat(), last=last.held_on.isoformat()): [
            "—" if row.change is None else f"{row.change * 100:+.0f} pt" for row in comparison.rows
        ],
    })
    st.dataframe(table, hide_index=True, key="surveys_compare_table")
    st.caption(tr("surveys.compare_dash_liaison" if k is not None else "surveys.compare_dash"))
    st.download_button(
        tr("surveys.download_comparison"), surveys.comparison_csv(comparison, lang()),
        file_name="survey_comparison.csv", mime="text/csv", icon=":material/download:",
        key="surveys_download_comparison", on_click=audit_download,
        args=(current, "survey_comparison", account.username),
    )


def show_free_text(result: SurveyResults, account: Account) -> None:
    """Organizers only: free-text answers as plain text (never rendered as Markdown or HTML)."""
    survey = result.survey
    if not survey.free_text_questions:
        st.info(tr("surveys.free_text_none"))
        return
    keyword = st.text_input(tr("surveys.keyword"), key="surveys_keyword", placeholder=tr("surveys.keyword_hint"))
    answers = survey_free_text(cache_key(), survey.id, account.role, keyword)
    st.caption(tr("surveys.free_text_count", count=len(answers)))
    if not answers:
        st.info(tr("surveys.free_text_no_match"))
        return
    st.dataframe(
        pd.DataFrame({
            tr("surveys.col.submitted_at"): [surveys.local_time(a.submitted_at) for a in answers],
            tr("surveys.col.question"): [a.question for a in answers],
            tr("surveys.col.answer"): [a.answer for a in answers],
        }),
        hide_index=True, key="surveys_free_text_table",
        column_config={tr("surveys.col.answer"): st.column_config.TextColumn(width="large")},
    )
    st.download_button(
        tr("surveys.download_free_text"), surveys.free_text_csv(answers, lang()),
        file_name=f"survey_{survey.id}_free_text.csv", mime="text/csv", icon=":material/download:",
        key="surveys_download_free_text", on_click=audit_download,
        args=(survey.id, "survey_free_text", account.username),
    )


def show_other_answers(result: SurveyResults, account: Account) -> None:
    tallies = survey_other_answers(cache_key(), result.survey.id, account.role)
    if not tallies:
        st.info(tr("surveys.other_none"))
        return
    for tally in tallies:
        total = sum(count for _, count in tally.answers)
        st.dataframe(pd.DataFrame({
            tally.question: [answer for answer, _ in tally.answers],
            tr("surveys.col.count"): [count for _, count in tally.answers],
            tr("surveys.col.share_answers"): [percent(count / total) for _, count in tally.answers],
        }), hide_index=True)


def demand_supply_figure(data: DemandSupply, metric: str) -> go.Figure:
    pairs = data.pairs
    x = [axis_label(pair.need_en if lang() == "en" else pair.need_ja) for pair in pairs]
    y = [axis_label(vocab_label("industry", code, lang()), width=14, max_lines=3) if code != surveys.UNSET
         else tr("surveys.group.unset") for code in data.industries]
    z = []
    for code in data.industries:
        seek = [data.seek.get((code, pair.need), 0) for pair in pairs]
        offer = [data.offer.get((code, pair.need), 0) for pair in pairs]
        z.append({"seek": seek, "offer": offer}.get(metric) or [o - s for s, o in zip(seek, offer, strict=True)])
    scales = {"seek": "Oranges", "offer": "Greens", "gap": "RdBu"}
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, text=z, texttemplate="%{text}", colorscale=scales[metric], xgap=2, ygap=2,
        zmid=0 if metric == "gap" else None, hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>",
        colorbar={"title": {"text": tr(f"surveys.demand.metric.{metric}")}},
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=0, tickfont={"size": 12})
    return _layout(fig, 46 * len(y) + 200)


def show_demand_supply(url: str) -> None:
    today = dt.datetime.now(TOKYO).date()
    data = demand_supply(url, today)
    st.caption(tr("surveys.demand.intro", date=today.isoformat()))
    if not data.industries:
        st.info(tr("surveys.demand.empty"))
        return
    en = lang() == "en"
    st.dataframe(pd.DataFrame({
        tr("surveys.demand.col.need"): [p.need_en if en else p.need_ja for p in data.pairs],
        tr("surveys.demand.col.seek"): [data.seek_total[p.need] for p in data.pairs],
        tr("surveys.demand.col.offer_label"): [p.offer_en if en else p.offer_ja for p in data.pairs],
        tr("surveys.demand.col.offer"): [data.offer_total[p.need] for p in data.pairs],
        tr("surveys.demand.col.ratio"): [
            "—" if not data.seek_total[p.need] else f"{data.offer_total[p.need] / data.seek_total[p.need]:.2f}"
            for p in data.pairs
        ],
    }), hide_index=True, key="surveys_demand_table")
    metric = st.segmented_control(
        tr("surveys.demand.metric"), ("seek", "offer", "gap"),
        format_func=label_of("surveys.demand.metric"), default="gap", required=True,
        key="surveys_demand_metric",
    )
    st.plotly_chart(demand_supply_figure(data, metric), config=CHART_CONFIG, key="surveys_demand_chart")
    st.caption(tr(f"surveys.demand.note.{metric}"))

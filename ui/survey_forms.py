"""The organizer's survey forms: import a file (preview, then one transaction) and create or edit a survey."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core import surveys
from core.accounts import Account
from core.errors import DomainError
from core.importing import Problem
from core.survey_import import ImportRequest, ResponseColumns, SurveyImport, import_survey, read_columns
from core.surveys import OptionDraft, SurveyDraft, SurveySummary
from db.engine import Engine
from ui.frame import FLASH_KEY, data_changed, flash
from ui.i18n import error_text, lang, tr
from ui.survey_views import NEW_SURVEY, label_of, md, survey_list, survey_name

RESULTS_PAGE = "app_pages/surveys.py"


def none_as(text: str) -> Callable[[str | None], str]:
    return lambda column: column or text


def reason(problem: Problem) -> str:
    return tr(problem.key, **problem.params)


def _details(kind: str, target: SurveySummary | None) -> dict:
    """Title, date and the other details of a new survey; those of the chosen survey otherwise."""
    if target is not None:
        st.caption(tr("survey_admin.into_existing", title=md(target.title), date=target.held_on.isoformat()))
        return {"title": target.title, "held_on": target.held_on}
    left, right = st.columns(2)
    details = {
        "title": left.text_input(tr("survey_admin.field.title"), key="survey_admin_title", max_chars=200,
                                 placeholder=tr("survey_admin.field.title_hint")),
        "held_on": right.date_input(tr("survey_admin.field.date"), value=None, key="survey_admin_date",
                                    format="YYYY-MM-DD", help=tr("survey_admin.field.date_help")),
        "channel": left.text_input(tr("survey_admin.field.channel"), key="survey_admin_channel", max_chars=64,
                                   placeholder=tr("survey_admin.field.channel_hint")),
        "question": right.text_input(tr("survey_admin.field.question"), key="survey_admin_question",
                                     help=tr(f"survey_admin.field.question_help_{kind}")),
    }
    if kind == "counts":
        details["respondent_count"] = left.number_input(
            tr("survey_admin.field.respondents"), min_value=0, value=None, step=1, key="survey_admin_respondents",
            help=tr("survey_admin.field.respondents_help"),
        )
    return details


def _columns(data: bytes, new_survey: bool) -> tuple[ResponseColumns, bool | None] | None:
    """The column roles of a per-respondent file, guessed and shown for correction."""
    try:
        table, guessed, multiple = read_columns(data)
    except DomainError as error:
        st.error(error_text(error))
        return None
    tag = hashlib.sha256(data).hexdigest()[:10]
    header = [name for name in table.header if name]
    none = [None, *header]
    with st.expander(tr("survey_admin.columns"), expanded=True):
        st.caption(tr("survey_admin.columns_help", encoding=table.encoding_name, rows=len(table.rows)))
        left, right = st.columns(2)
        question = left.selectbox(tr("survey_admin.col.question"), header, key=f"survey_admin_q_{tag}",
                                  index=header.index(guessed.question) if guessed.question in header else 0)
        email = right.selectbox(tr("survey_admin.col.email"), none, key=f"survey_admin_e_{tag}",
                                index=none.index(guessed.email), format_func=none_as(tr("survey_admin.none")))
        submitted = left.selectbox(tr("survey_admin.col.submitted_at"), none, key=f"survey_admin_t_{tag}",
                                   index=none.index(guessed.submitted_at),
                                   format_func=none_as(tr("survey_admin.none")))
        free = right.multiselect(tr("survey_admin.col.free_text"), header, default=list(guessed.free_text),
                                 key=f"survey_admin_f_{tag}", help=tr("survey_admin.col.free_text_help"))
        others = [md(c) for c in header if c not in (question, email, submitted, *free)]
        if others:
            st.caption(tr("survey_admin.other_columns", columns=("、" if lang() == "ja" else ", ").join(others)))
        chosen_multiple = None
        if new_survey:
            chosen_multiple = left.checkbox(tr("survey_admin.multiple"), value=multiple, key=f"survey_admin_m_{tag}",
                                            help=tr("survey_admin.multiple_help"))
    free = [column for column in free if column not in (question, email, submitted)]
    columns = ResponseColumns(question, email, submitted, tuple(free))
    return columns, chosen_multiple


def _show_preview(preview: SurveyImport) -> None:
    summary = preview.summary
    if preview.same_file:
        st.info(tr("survey_admin.same_file", title=md(preview.title), date=preview.held_on.isoformat()))
    elif preview.new_survey:
        st.caption(tr("survey_admin.will_create", title=md(preview.title), date=preview.held_on.isoformat()))
    columns = st.columns(4)
    columns[0].metric(tr("survey_admin.rows"), f"{summary.rows:,}", help=tr("survey_admin.encoding",
                                                                           encoding=summary.encoding))
    columns[1].metric(tr("survey_admin.to_add"), f"{summary.added:,}")
    columns[2].metric(tr("survey_admin.already"), f"{summary.already_imported:,}")
    columns[3].metric(tr("survey_admin.rejected"), f"{summary.rejected:,}")
    if summary.problems:
        st.warning(tr("survey_admin.problems", count=len(summary.problems)))
        st.dataframe(pd.DataFrame({
            tr("survey_admin.col.row"): [p.row for p in summary.problems],
            tr("survey_admin.col.problem"): [reason(p) for p in summary.problems],
            tr("survey_admin.col.outcome"): [tr("survey_admin.outcome.rejected" if p.rejects
                                                else "survey_admin.outcome.kept") for p in summary.problems],
        }), hide_index=True, key="survey_admin_problems")
    if summary.rejected_csv:
        st.download_button(tr("survey_admin.download_rejected"), summary.rejected_csv,
                           file_name="survey_rejected_rows.csv", mime="text/csv", icon=":material/download:",
                           key="survey_admin_download_rejected")
    if preview.tally:
        st.caption(tr("survey_admin.tally"))
        st.dataframe(pd.DataFrame({
            tr("surveys.col.option"): [o.label for o in preview.tally],
            tr("surveys.col.count"): [o.count for o in preview.tally],
            tr("survey_admin.col.new_option"): [tr("common.yes") if o.new else "" for o in preview.tally],
        }), hide_index=True, key="survey_admin_tally")


def import_section(db: Engine, url: str, account: Account) -> None:
    kind = st.radio(
        tr("survey_admin.kind"), surveys.KINDS, format_func=label_of("survey_admin.kind"),
        captions=[tr(f"survey_admin.kind_help.{k}") for k in surveys.KINDS], key="survey_admin_kind",
    )
    upload = st.file_uploader(tr("survey_admin.file"), type=["csv"], key="survey_admin_file",
                              help=tr("survey_admin.file_help"))
    summaries = [s for s in survey_list(url) if s.kind == kind]
    target_id = st.selectbox(tr("survey_admin.target"), [NEW_SURVEY, *(s.id for s in summaries)],
                             format_func=survey_name(summaries), key=f"survey_admin_target_{kind}")
    target = next((s for s in summaries if s.id == target_id), None)
    details = _details(kind, target)
    if upload is None:
        st.info(tr("survey_admin.choose_file"))
        return
    data = upload.getvalue()
    columns, multiple = None, None
    if kind == "responses":
        chosen = _columns(data, target is None)
        if chosen is None:
            return
        columns, multiple = chosen
    elif target is None:
        multiple = st.checkbox(tr("survey_admin.multiple"), value=True, key="survey_admin_counts_multiple",
                               help=tr("survey_admin.multiple_help_counts"))
    if not details["title"].strip() or details["held_on"] is None:
        st.info(tr("survey_admin.need_title_date"))
        return
    request = ImportRequest(kind=kind, multiple_choice=multiple, columns=columns, **details)
    try:
        preview = import_survey(db, data, request, actor=account.username, dry_run=True, reason_text=reason)
    except DomainError as error:
        st.error(error_text(error))
        return
    st.subheader(tr("survey_admin.preview"), anchor=False)
    _show_preview(preview)
    if preview.summary.added and st.button(tr("survey_admin.commit", count=preview.summary.added), type="primary",
                                           key="survey_admin_commit", icon=":material/upload:"):
        try:
            done = import_survey(db, data, request, actor=account.username, reason_text=reason)
        except DomainError as error:
            st.error(error_text(error))
            return
        data_changed()
        flash(tr("survey_admin.imported", added=done.summary.added, title=md(done.title)))
    if preview.survey_id is not None and preview.summary.added == 0:
        st.page_link(RESULTS_PAGE, label=tr("survey_admin.see_results"), icon=":material/bar_chart:")


def edit_section(db: Engine, url: str, account: Account) -> None:
    summaries = survey_list(url)
    survey_id = st.selectbox(tr("survey_admin.edit_pick"), [NEW_SURVEY, *(s.id for s in summaries)],
                             format_func=survey_name(summaries), key="survey_admin_edit_pick")
    current = next((s for s in summaries if s.id == survey_id), None)
    if current is None:
        kind = st.radio(tr("survey_admin.kind"), surveys.KINDS, format_func=label_of("survey_admin.kind"),
                        key="survey_admin_edit_kind", horizontal=True)
        options: list[OptionDraft] = []
    else:
        kind = current.kind
        st.caption(tr("survey_admin.kind_is", kind=tr(f"surveys.kind.{kind}")))
        options = surveys.survey_options(db, current.id)
    counts = kind == "counts"
    with st.form(f"survey_admin_edit_{survey_id or 'new'}_{kind}"):
        left, right = st.columns(2)
        title = left.text_input(tr("survey_admin.field.title"), value=current.title if current else "", max_chars=200)
        held_on = right.date_input(tr("survey_admin.field.date"), value=current.held_on if current else None,
                                   format="YYYY-MM-DD")
        channel = left.text_input(tr("survey_admin.field.channel"), value=current.channel if current else "",
                                  max_chars=64)
        question = right.text_input(tr("survey_admin.field.question"), value=current.question if current else "")
        multiple = left.checkbox(tr("survey_admin.multiple"), value=current.multiple_choice if current else True)
        respondents = None
        if counts:
            respondents = right.number_input(tr("survey_admin.field.respondents"), min_value=0, step=1,
                                             value=current.respondent_count if current else None,
                                             help=tr("survey_admin.field.respondents_help"))
        table = pd.DataFrame({
            "id": pd.Series([o.id for o in options], dtype="Int64"),
            "label": pd.Series([o.label for o in options], dtype="string"),
            "count": pd.Series([o.count for o in options], dtype="Int64"),
        })
        edited = st.data_editor(
            table, num_rows="dynamic", hide_index=True, column_order=["label", "count"] if counts else ["label"],
            column_config={
                "label": st.column_config.TextColumn(tr("surveys.col.option"), max_chars=200, required=True),
                "count": st.column_config.NumberColumn(tr("surveys.col.votes"), min_value=0, step=1),
            },
        )
        st.caption(tr("survey_admin.options_help"))
        submitted = st.form_submit_button(tr("survey_admin.save"), type="primary")
    if submitted:
        drafts = tuple(
            OptionDraft(str(row["label"]), None if pd.isna(row["count"]) else int(row["count"]),
                        None if pd.isna(row["id"]) else int(row["id"]))
            for _, row in edited.iterrows() if not pd.isna(row["label"])
        )
        draft = SurveyDraft(title, held_on, kind, channel, question, multiple,
                            None if respondents is None else int(respondents), drafts)
        try:
            surveys.save_survey(db, draft, account.username, current.id if current else None)
        except DomainError as error:
            st.error(error_text(error))
        else:
            data_changed()
            flash(tr("survey_admin.saved", title=md(title.strip())))
    if current is not None:
        with st.expander(tr("survey_admin.delete"), icon=":material/delete:"):
            if current.kind == "counts":
                st.warning(tr("survey_admin.delete_warning_counts", title=md(current.title)))
            else:
                st.warning(tr("survey_admin.delete_warning", title=md(current.title), answers=current.answers))
            sure = st.checkbox(tr("survey_admin.delete_confirm"), key=f"survey_admin_delete_sure_{current.id}")
            st.button(tr("survey_admin.delete_button"), disabled=not sure, key="survey_admin_delete",
                      on_click=_delete, args=(db, current, account))


def _delete(db: Engine, survey: SurveySummary, account: Account) -> None:
    surveys.delete_survey(db, survey.id, account.username)
    data_changed()
    st.session_state["survey_admin_edit_pick"] = NEW_SURVEY
    st.session_state[FLASH_KEY] = tr("survey_admin.deleted", title=md(survey.title))

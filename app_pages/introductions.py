import datetime as dt

import pandas as pd
import streamlit as st

from core import introductions as intros
from core import vocab
from core.errors import DomainError
from core.settings import get_setting
from db.models import INTRODUCTION_OUTCOMES, INTRODUCTION_STATUSES
from ui.frame import data_changed, engine, flash, require_role, show_flash
from ui.i18n import TOKYO, error_text, lang, local_time, tr, wkey

account = require_role(("admin", "organizer"))
db = engine()
language = lang()


def outcome_text(outcome: str | None) -> str:
    return tr(f"outcome.{outcome}") if outcome else ""


st.title(tr("introductions.title"))
st.caption(tr("introductions.intro"))
show_flash()
statuses = st.multiselect(tr("introductions.filter_status"), INTRODUCTION_STATUSES, key=wkey("intro_filter_status"),
                          format_func=lambda s: tr(f"intro_status.{s}"), placeholder=tr("common.choose"))
items = intros.log(db, tuple(statuses))
if not items:
    st.info(tr("introductions.empty"))
else:
    st.caption(tr("introductions.count", count=len(items)))
    st.dataframe(pd.DataFrame({
        tr("introductions.col.id"): [i.id for i in items],
        tr("introductions.col.proposed_at"): [local_time(i.proposed_at) for i in items],
        tr("introductions.col.a"): [i.name_a for i in items],
        tr("introductions.col.b"): [i.name_b for i in items],
        tr("introductions.col.need"): [vocab.tag_label(i.need_tag, language) if i.need_tag else "" for i in items],
        tr("introductions.col.status"): [tr(f"intro_status.{i.status}") for i in items],
        tr("introductions.col.outcome"): [outcome_text(i.outcome) for i in items],
        tr("introductions.col.updated_at"): [local_time(i.outcome_at or i.met_at or i.introduced_at or i.proposed_at)
                                             for i in items],
        tr("introductions.col.by"): [i.introduced_by for i in items],
        tr("introductions.col.reason"): [i.reason for i in items],
    }), hide_index=True, key="intro_table")

    by_id = {i.id: i for i in items}
    chosen = by_id[st.selectbox(tr("introductions.pick"), list(by_id), key=wkey("intro_pick"), format_func=lambda i: (
        f"#{i} {by_id[i].name_a} × {by_id[i].name_b}（{tr(f'intro_status.{by_id[i].status}')}）"))]
    version_key = f"intro_version_{chosen.id}"
    shown_version = st.session_state.setdefault(version_key, chosen.version)
    with st.form(f"intro_update_{chosen.id}"):
        st.write(tr("introductions.update"))
        steps = INTRODUCTION_STATUSES[INTRODUCTION_STATUSES.index(chosen.status):]
        status = st.radio(tr("introductions.status"), steps, horizontal=True, key=wkey(f"intro_status_{chosen.id}"),
                          format_func=lambda s: tr(f"intro_status.{s}"))
        outcome = st.selectbox(tr("introductions.outcome"), INTRODUCTION_OUTCOMES,
                               key=wkey(f"intro_outcome_{chosen.id}"),
                               index=INTRODUCTION_OUTCOMES.index(chosen.outcome) if chosen.outcome else None,
                               format_func=outcome_text, placeholder=tr("common.choose"))
        if st.form_submit_button(tr("introductions.save"), type="primary"):
            try:
                saved = intros.advance(db, chosen.id, shown_version, status, account.username, outcome=outcome)
            except intros.IntroductionConflict as conflict:
                st.session_state.pop(version_key, None)
                data_changed()
                st.error(error_text(conflict))
            except DomainError as error:
                st.error(error_text(error))
            else:
                st.session_state.pop(version_key, None)
                data_changed()
                flash(tr("introductions.saved", id=saved.id, status=tr(f"intro_status.{saved.status}")))

st.subheader(tr("introductions.by_need"))
st.caption(tr("introductions.by_need_help"))
table = intros.outcomes_by_need(db)
if table:
    st.dataframe(pd.DataFrame({
        tr("introductions.col.need"): [vocab.tag_label(r.need_tag, language) if r.need_tag else
                                       tr("introductions.no_need") for r in table],
        tr("introductions.col.total"): [r.total for r in table],
        tr("introductions.col.met"): [r.met for r in table],
        **{outcome_text(o): [getattr(r, o) for r in table] for o in INTRODUCTION_OUTCOMES},
        tr("introductions.col.open"): [r.open for r in table],
    }), hide_index=True, key="intro_by_need")

st.divider()
st.subheader(tr("newmembers.title"))
st.caption(tr("newmembers.help"))
this_month = dt.datetime.now(TOKYO).date().replace(day=1)
months = [this_month]
for _ in range(11):
    months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
month = st.selectbox(tr("newmembers.month"), months, key="newmembers_month", format_func=lambda d: d.strftime("%Y-%m"))
joined = intros.new_members(db, month)
if not joined:
    st.info(tr("newmembers.empty"))
else:
    network = get_setting(db, "network_name_en" if language == "en" else "network_name")
    st.write(tr("newmembers.text"))
    st.code(intros.new_members_text(joined, month, network, language), language=None, wrap_lines=True)
    st.download_button(tr("newmembers.csv"), key="newmembers_csv", icon=":material/download:", mime="text/csv",
                       file_name=f"new_members_{month:%Y-%m}.csv",
                       data=lambda: intros.new_members_csv(db, month, account.username, language))

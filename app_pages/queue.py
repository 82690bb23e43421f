
import pandas as pd
import streamlit as st

from core import review, vocab
from core.errors import DomainError
from core.exports import applications_csv
from core.screening import BLOCKING, DECISIONS, NEEDS_OVERRIDE, OPEN_STATUSES, REFERRED_BY_MEMBER, REJECT_CATEGORIES
from db.applications import QueueFilter
from db.models import APPLICATION_STATUSES
from ui.frame import data_changed, engine, flash, require_role, show_flash
from ui.i18n import day_start_utc, error_text, lang, local_time, tr, wkey

account = require_role(("admin", "organizer"))
db = engine()


def flag_text(flags) -> str:
    return " / ".join(tr(f"flag.{flag}") for flag in flags)


st.title(tr("queue.title"))
show_flash()
figures = review.figures(db)
columns = st.columns(4)
columns[0].metric(tr("queue.waiting"), f"{figures.waiting:,}")
columns[1].metric(tr("queue.oldest"), "-" if figures.oldest_days is None else f"{figures.oldest_days:,}")
median = figures.median_days_to_decision
columns[2].metric(tr("queue.median"), "-" if median is None else median, help=tr("queue.median_help"))
columns[3].metric(tr("queue.approvals_month"), f"{figures.approvals_this_month:,}")

with st.expander(tr("queue.filters"), expanded=True):
    left, middle, right = st.columns(3)
    statuses = left.multiselect(tr("queue.filter_status"), APPLICATION_STATUSES, default=list(OPEN_STATUSES),
                                format_func=lambda s: tr(f"status.{s}"), key=wkey("queue_filter_status"),
                                placeholder=tr("common.choose"))
    sources = left.multiselect(tr("queue.filter_source"), ["form", "import"],
                               format_func=lambda s: tr(f"source.{s}"), key=wkey("queue_filter_source"),
                               placeholder=tr("common.choose"))
    company = middle.text_input(tr("queue.filter_company"), key="queue_filter_company")
    search = middle.text_input(tr("queue.filter_search"), key="queue_filter_search")
    date_from = right.date_input(tr("queue.filter_from"), value=None, key="queue_filter_from")
    date_to = right.date_input(tr("queue.filter_to"), value=None, key="queue_filter_to")

items = review.queue(db, QueueFilter(tuple(statuses), tuple(sources), company, day_start_utc(date_from),
                                     day_start_utc(date_to, days_later=1), search))
if not items:
    st.info(tr("queue.empty"))
    st.stop()

st.caption(tr("queue.count", count=len(items)))
st.dataframe(
    pd.DataFrame({
        tr("field.id"): [i.id for i in items],
        tr("field.submitted_at"): [local_time(i.submitted_at) for i in items],
        tr("field.days_waiting"): [i.days_waiting for i in items],
        tr("field.status"): [tr(f"status.{i.status}") for i in items],
        tr("field.full_name"): [i.full_name for i in items],
        tr("field.flags"): [flag_text(i.flags) for i in items],
        tr("field.email"): [i.email for i in items],
        tr("field.former_company"): [i.former_company for i in items],
    }),
    hide_index=True,
    key="queue_table",
)
label = {i.id: f"#{i.id} {i.full_name}（{tr(f'status.{i.status}')}）" for i in items}
st.download_button(tr("queue.export"), data=lambda: applications_csv(db, account.username, lang=lang()),
                   file_name="applications.csv", mime="text/csv", icon=":material/download:", key="queue_export")

with st.expander(tr("queue.batch")):
    st.caption(tr("queue.batch_help"))
    open_items = [i for i in items if i.status in OPEN_STATUSES]
    picked = st.multiselect(tr("queue.batch_pick"), [i.id for i in open_items], format_func=label.get,
                            key=wkey("queue_batch_pick"), placeholder=tr("common.choose"))
    if st.button(tr("queue.batch_go"), key="queue_batch_go", disabled=not picked, type="primary"):
        versions = {i.id: i.version for i in open_items}
        result = review.batch_approve(db, [(i, versions[i]) for i in picked], account.username)
        data_changed()
        st.success(tr("queue.batch_done", count=len(result.approved)))
        if result.skipped:
            st.write(tr("queue.batch_skipped"))
            st.dataframe(pd.DataFrame({tr("field.id"): [label[i] for i, _ in result.skipped],
                                       tr("queue.col.reason"): [error_text(e) for _, e in result.skipped]}),
                         hide_index=True)

st.subheader(tr("queue.detail"))
chosen = st.selectbox(tr("queue.pick"), [i.id for i in items], format_func=label.get, key=wkey("queue_detail"))
try:
    detail = review.detail(db, chosen)
except DomainError as error:
    st.error(error_text(error))
    st.stop()
item = detail.item
for flag in item.flags:
    show = st.error if flag in BLOCKING else st.warning if flag in NEEDS_OVERRIDE else st.info
    (st.success if flag == REFERRED_BY_MEMBER else show)(tr(f"flag.{flag}"))

values = dict(detail.fields)
values["industry"] = vocab.label("industry", values["industry"], lang())
values["region"] = vocab.label("region", values["region"], lang())
for name in ("currently_working", "consent"):
    values[name] = tr(f"common.{values[name]}") if values[name] else ""
for name in ("needs", "offers"):
    values[name] = ", ".join(vocab.tag_label(tag.strip(), lang()) for tag in values[name].split(",") if tag.strip())
info, answers = st.columns(2, gap="large")
info.write(tr("queue.fields"))
info.dataframe(pd.DataFrame({tr("queue.item"): [tr(f"field.{name}") for name in values],
                             tr("queue.value"): list(values.values())}), hide_index=True,
               height=36 * (len(values) + 1))
with answers:
    st.write(tr("field.answers"))
    for question, answer, required in detail.answers:
        st.caption(f"{question}{'（' + tr('queue.required') + '）' if required else ''}")
        st.text(answer if answer.strip() else tr("queue.no_answer"))

if detail.related:
    st.write(tr("queue.related"))
    st.dataframe(pd.DataFrame({tr("field.id"): [r.id for r in detail.related],
                               tr("field.submitted_at"): [local_time(r.submitted_at) for r in detail.related],
                               tr("field.status"): [tr(f"status.{r.status}") for r in detail.related],
                               tr("field.email"): [r.email for r in detail.related]}), hide_index=True)
if detail.members:
    st.write(tr("queue.similar_members"))
    st.dataframe(pd.DataFrame(detail.members, columns=[tr("field.member_id"), tr("field.full_name"),
                                                       tr("field.email")]), hide_index=True)
st.write(tr("queue.history"))
if detail.history:
    st.dataframe(pd.DataFrame(
        [(local_time(at), actor, tr(f"action.{action}") if action in ("decision", "import") else action,
          tr(f"status.{old}") if old else "", tr(f"status.{new}") if new else "", reason)
         for at, actor, action, old, new, reason in detail.history],
        columns=[tr(f"queue.col.{c}") for c in ("at", "actor", "action", "old", "new", "reason")]), hide_index=True)
else:
    st.caption(tr("queue.no_history"))

if item.status not in OPEN_STATUSES:
    st.info(tr("queue.closed", status=tr(f"status.{item.status}")))
    st.stop()

version_key = f"queue_version_{item.id}"
shown_version = st.session_state.setdefault(version_key, item.version)
targets = [("application", r.id, f"#{r.id} {r.full_name}") for r in detail.related]
targets += [("member", m_id, f"{tr('field.member_id')} {m_id} {name}") for m_id, name, _ in detail.members]
with st.form(f"queue_decide_{item.id}"):
    st.write(tr("queue.decide"))
    decision = st.radio(tr("queue.decision"), DECISIONS, format_func=lambda d: tr(f"decision.{d}"),
                        horizontal=True, key=wkey("queue_decision"))
    category = st.selectbox(tr("queue.category"), REJECT_CATEGORIES, format_func=lambda c: tr(f"reject.{c}"),
                            key=wkey("queue_category"))
    note = st.text_area(tr("queue.note"), key="queue_note")
    override = st.text_input(tr("queue.override"), key="queue_override")
    target = st.selectbox(tr("queue.duplicate_of"), targets, format_func=lambda t: t[2], index=None,
                          key=wkey("queue_duplicate_of"), placeholder=tr("queue.no_targets") if not targets else
                          tr("common.choose"))
    if st.form_submit_button(tr("queue.submit"), type="primary"):
        try:
            status = review.decide(
                db, item.id, shown_version, decision, account.username,
                category=category if decision == "reject" else None, note=note, override_reason=override,
                duplicate_of_application_id=target[1] if target and target[0] == "application" else None,
                duplicate_of_member_id=target[1] if target and target[0] == "member" else None,
            )
        except review.DecisionConflict as conflict:
            st.session_state.pop(version_key, None)
            data_changed()
            st.error(error_text(conflict))
        except DomainError as error:
            st.error(error_text(error))
        else:
            st.session_state.pop(version_key, None)
            data_changed()
            flash(tr("queue.decided", id=item.id, status=tr(f"status.{status}")))

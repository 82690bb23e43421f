import datetime as dt

import streamlit as st

from core import growth
from core.introductions import liaison_outcomes
from ui import charts
from ui import growth as view
from ui.frame import engine, require_role
from ui.i18n import TOKYO, tr

account = require_role(("admin", "organizer", "liaison"))
db = engine()
today = dt.datetime.now(TOKYO).date()
k = growth.k_of(db)

st.title(tr("growth.title"))
st.caption(tr("growth.intro"))
months = view.months()
if not months:
    st.info(tr("growth.empty"))
    st.stop()

liaison = account.role == "liaison"
protected = liaison or st.toggle(tr("growth.preview_liaison"), key="growth_preview_liaison",
                                 help=tr("growth.preview_help", k=k))
granularity = view.granularity_picker()
rows = growth.periods(months, granularity, k if protected else None)
first, last = view.range_picker(rows, granularity)
shown = growth.window(rows, first, last)
view.kpi_cards(growth.kpis(rows, last, today), granularity)
st.caption(tr("growth.privacy_note", k=k) if protected else tr("growth.exact_note"))

left, right = st.columns(2, gap="large")
with left:
    st.subheader(tr("growth.chart.total"))
    view.chart(charts.total_figure(shown, growth.milestones(rows)), "members_total")
with right:
    st.subheader(tr("growth.chart.flows"))
    view.chart(charts.flows_figure(shown), "members_joined_left")
view.periods_download(db, account, shown, granularity, "growth", growth.GROWTH_COLUMNS, protected)

st.subheader(tr("growth.chart.funnel"))
view.chart(charts.funnel_figure(shown), "applications")
view.periods_download(db, account, shown, granularity, "funnel", growth.FUNNEL_COLUMNS, protected)

st.divider()
view.composition_section(db, account, today, k, protected)
st.divider()
st.subheader(tr("introductions.liaison"))
st.caption(tr("introductions.liaison_help", k=k) if protected else tr("growth.exact_note"))
outcomes = liaison_outcomes(db, k if protected else 1)
for column, (name, value) in zip(st.columns(len(outcomes)), outcomes, strict=True):
    column.metric(tr(f"outcome.{name}"), view.shown(None if value.suppressed else value.count))
st.divider()
view.report_section(db, account, months, today)

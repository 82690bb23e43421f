import datetime as dt

import streamlit as st

from db.views import overview
from ui.frame import engine, require_role
from ui.growth import liaison_home_figures, shown
from ui.i18n import TOKYO, tr

account = require_role(("admin", "organizer", "liaison"))
now = dt.datetime.now(TOKYO)
figures = overview(engine(), now.date())

st.title(tr("home.title"))
st.caption(tr("home.as_of", date=now.strftime("%Y-%m-%d %H:%M")))
if figures.members == 0 and figures.waiting == 0:
    st.info(tr("home.empty"))

members, new_this_month = figures.members, figures.new_this_month
if account.role == "liaison":
    members, new_this_month = liaison_home_figures(figures.members, now.date())
columns = st.columns(4)
columns[0].metric(tr("home.members"), shown(members))
columns[1].metric(tr("home.new_this_month"), shown(new_this_month))
if account.role == "liaison":
    st.caption(tr("home.liaison_note"))
else:
    columns[2].metric(tr("home.pending"), f"{figures.waiting:,}")
    if figures.oldest_waiting_since is not None:
        days = (dt.datetime.now(dt.UTC).replace(tzinfo=None) - figures.oldest_waiting_since).days
        columns[3].metric(tr("home.oldest_waiting"), f"{days:,}")

import streamlit as st

from core import surveys
from ui import survey_views as views
from ui.frame import engine, require_role
from ui.i18n import tr

account = require_role(("admin", "organizer", "liaison"))
staff = account.role in ("admin", "organizer")
db = engine()
url = views.cache_key()
k = surveys.suppression_k(db, account.role)

st.title(tr("surveys.title"))
summaries = views.survey_list(url)
if not summaries:
    st.info(tr("surveys.empty_staff" if staff else "surveys.empty"))
    if staff:
        st.page_link("app_pages/survey_admin.py", label=tr("survey_admin.title"), icon=":material/upload_file:")
    st.stop()

survey_id = st.selectbox(tr("surveys.pick"), [s.id for s in summaries], format_func=views.survey_name(summaries),
                         key="surveys_pick")
result = views.survey_results(url, survey_id, k)
views.show_overview(result, staff, k)
if k is not None:
    st.caption(tr("surveys.liaison_note", k=k))

names = ["ranking", "crosstab", "compare"] + (["free_text", "other", "demand"] if staff else [])
tabs = dict(zip(names, st.tabs([tr(f"surveys.tab.{name}") for name in names]), strict=True))
with tabs["ranking"]:
    views.show_ranking(result, k, account)
with tabs["crosstab"]:
    views.show_crosstab(url, result, k)
with tabs["compare"]:
    views.show_comparison(url, summaries, survey_id, k, account)
if staff:
    with tabs["free_text"]:
        views.show_free_text(result, account)
    with tabs["other"]:
        views.show_other_answers(result, account)
    with tabs["demand"]:
        views.show_demand_supply(url)

import streamlit as st

from ui.frame import engine, require_role, show_flash
from ui.i18n import tr
from ui.survey_forms import edit_section, import_section
from ui.survey_views import cache_key

account = require_role(("admin", "organizer"))
db = engine()
url = cache_key()

st.title(tr("survey_admin.title"))
show_flash()
import_tab, edit_tab = st.tabs([tr("survey_admin.tab.import"), tr("survey_admin.tab.edit")])
with import_tab:
    import_section(db, url, account)
with edit_tab:
    edit_section(db, url, account)

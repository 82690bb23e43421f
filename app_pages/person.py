import json

import streamlit as st

from core import person_data
from core.errors import DomainError
from ui.frame import data_changed, engine, flash, require_role, show_flash
from ui.i18n import error_text, tr

admin = require_role(("admin",))
db = engine()

st.title(tr("person.title"))
st.caption(tr("person.intro"))
show_flash()
email = st.text_input(tr("person.email"), key="person_email").strip()
if not email:
    st.stop()
try:
    document = person_data.disclosure(db, email)
except DomainError as error:
    st.warning(error_text(error))
    st.stop()

held = json.loads(document)
columns = st.columns(4)
for column, name in zip(columns, ("members", "applications", "survey_responses", "introductions"), strict=True):
    column.metric(tr(f"person.count.{name}"), len(held[name]))
st.download_button(tr("person.download"), document, file_name="personal_data.json", mime="application/json",
                   icon=":material/download:", key="person_download")

st.subheader(tr("person.erase"))
st.warning(tr("person.erase_warning"))
confirm = st.text_input(tr("person.confirm"), key="person_confirm")
if st.button(tr("person.erase_button"), type="primary", key="person_erase", disabled=confirm.strip() != email):
    result = person_data.erase(db, email, actor=admin.username)
    data_changed()
    st.session_state.pop("person_email", None)
    st.session_state.pop("person_confirm", None)
    flash(tr("person.erased", members=result.members, applications=result.applications))

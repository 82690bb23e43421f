"""Entry point: page config, login, the pages each role may use, and the shared sidebar.

The page scripts live in app_pages/, not pages/: Streamlit runs a file of a folder named pages/
beside the entry script on its own (without this login) for a URL such as /accounts until the first
st.navigation call of the process, and on every AppTest rerun.
"""

from __future__ import annotations

import streamlit as st

from core.settings import get_setting
from ui import auth
from ui.frame import engine
from ui.i18n import language_switch, tr
from ui.navigation import pages_for

st.set_page_config(page_title="Alumni Dashboard", page_icon=":material/diversity_3:", layout="wide")

db = engine()
language_switch()
authenticator = auth.authenticator(db)
account = auth.signed_in_account(db, authenticator)

if account is None:
    auth.remember_requested_page()
    visitor_pages = [st.Page(lambda: auth.login_page(db, authenticator), title=tr("login.title"),
                             icon=":material/login:", url_path="login")]
    if get_setting(db, "public_form_enabled"):
        visitor_pages.append(st.Page("app_pages/apply.py", title=tr("apply.title"), icon=":material/how_to_reg:",
                                     url_path="apply"))
    navigation = st.navigation(visitor_pages)
else:
    sections = pages_for(account.role)
    navigation = st.navigation(sections, expanded=True)  # an admin has more than ten pages: show them all
    auth.open_requested_page([page for pages in sections.values() for page in pages])
    st.sidebar.caption(tr("app.signed_in_as", name=account.display_name, role=tr(f"role.{account.role}")))
    if st.sidebar.button(tr("app.logout"), key="sidebar_logout", icon=":material/logout:"):
        auth.logout(db, authenticator)
        st.rerun()
    if get_setting(db, "demo_mode"):
        st.info(tr("app.demo_banner"), icon=":material/science:")

navigation.run()

"""Entry point: page config, login, the pages each role may use, and the shared sidebar.

The page scripts live in app_pages/, not pages/: Streamlit runs a file of a folder named pages/
beside the entry script on its own (without this login) for a URL such as /accounts until the first
st.navigation call of the process, and on every AppTest rerun.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from core.settings import get_setting
from ui import auth
from ui.frame import engine
from ui.i18n import language_switch, tr

st.set_page_config(page_title="Alumni Dashboard", page_icon=":material/diversity_3:", layout="wide")

ALL_ROLES = ("admin", "organizer", "liaison")
STAFF = ("admin", "organizer")


class PageSpec(NamedTuple):
    script: str
    title: str
    icon: str
    url_path: str
    roles: tuple[str, ...]
    section: str


PAGES = (
    PageSpec("app_pages/home.py", "home.title", ":material/home:", "home", ALL_ROLES, "app.section.overview"),
    PageSpec("app_pages/surveys.py", "surveys.title", ":material/bar_chart:", "surveys", ALL_ROLES,
             "app.section.overview"),
    PageSpec("app_pages/queue.py", "queue.title", ":material/fact_check:", "queue", STAFF, "app.section.work"),
    PageSpec("app_pages/members.py", "members.title", ":material/groups:", "members", STAFF, "app.section.work"),
    PageSpec("app_pages/imports.py", "import.title", ":material/upload_file:", "imports", STAFF, "app.section.work"),
    PageSpec("app_pages/survey_admin.py", "survey_admin.title", ":material/ballot:", "survey-admin", STAFF,
             "app.section.work"),
    PageSpec("app_pages/accounts.py", "accounts.title", ":material/manage_accounts:", "accounts", ("admin",),
             "app.section.admin"),
    PageSpec("app_pages/settings.py", "settings.title", ":material/settings:", "settings", ("admin",),
             "app.section.admin"),
)


def pages_for(role: str) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if role in spec.roles:
            page = st.Page(spec.script, title=tr(spec.title), icon=spec.icon, url_path=spec.url_path)
            sections.setdefault(tr(spec.section), []).append(page)
    return sections


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
    navigation = st.navigation(sections)
    auth.open_requested_page([page for pages in sections.values() for page in pages])
    st.sidebar.caption(tr("app.signed_in_as", name=account.display_name, role=tr(f"role.{account.role}")))
    if st.sidebar.button(tr("app.logout"), key="sidebar_logout", icon=":material/logout:"):
        auth.logout(db, authenticator)
        st.rerun()
    if get_setting(db, "demo_mode"):
        st.info(tr("app.demo_banner"), icon=":material/science:")

navigation.run()

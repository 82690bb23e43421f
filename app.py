"""Entry point: page config, login, the pages each role may use, and the shared sidebar."""

from __future__ import annotations

import streamlit as st

from core.settings import get_setting
from ui import auth
from ui.frame import engine
from ui.i18n import language_switch, tr

st.set_page_config(page_title="Alumni Dashboard", page_icon=":material/diversity_3:", layout="wide")

ALL_ROLES = ("admin", "organizer", "liaison")
# (script, title key, icon, url path, roles that may open it, section key)
PAGES = (
    ("pages/home.py", "home.title", ":material/home:", "home", ALL_ROLES, "app.section.overview"),
    ("pages/accounts.py", "accounts.title", ":material/manage_accounts:", "accounts", ("admin",), "app.section.admin"),
)


def pages_for(role: str) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    for script, title, icon, url_path, roles, section in PAGES:
        if role in roles:
            page = st.Page(script, title=tr(title), icon=icon, url_path=url_path)
            sections.setdefault(tr(section), []).append(page)
    return sections


db = engine()
navigation_box = st.sidebar.container()
language_switch()
authenticator = auth.authenticator(db)
account = auth.signed_in_account(db, authenticator)

if account is None:
    auth.remember_requested_page()
    login = st.Page(lambda: auth.login_page(db, authenticator), title=tr("login.title"),
                    icon=":material/login:", url_path="login")
    navigation = st.navigation([login])
else:
    sections = pages_for(account.role)
    # Drawn by hand: Streamlit's own sidebar navigation is off (client.showSidebarNavigation) so that
    # the pages/ folder is never listed to a visitor before the login decides what they may see.
    navigation = st.navigation(sections, position="hidden")
    for section, pages in sections.items():
        navigation_box.caption(section)
        for page in pages:
            navigation_box.page_link(page)
    auth.open_requested_page([page for pages in sections.values() for page in pages])
    st.sidebar.caption(tr("app.signed_in_as", name=account.display_name, role=tr(f"role.{account.role}")))
    st.sidebar.button(tr("app.logout"), key="logout", icon=":material/logout:",
                      on_click=auth.logout, args=(db, authenticator))
    if get_setting(db, "demo_mode"):
        st.info(tr("app.demo_banner"), icon=":material/science:")

navigation.run()

"""The page registry: every page script, its title, and the roles that may open it."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from ui.i18n import tr

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
    PageSpec("app_pages/growth.py", "growth.title", ":material/trending_up:", "growth", ALL_ROLES,
             "app.section.overview"),
    PageSpec("app_pages/surveys.py", "surveys.title", ":material/bar_chart:", "surveys", ALL_ROLES,
             "app.section.overview"),
    PageSpec("app_pages/queue.py", "queue.title", ":material/fact_check:", "queue", STAFF, "app.section.work"),
    PageSpec("app_pages/members.py", "members.title", ":material/groups:", "members", STAFF, "app.section.work"),
    PageSpec("app_pages/imports.py", "import.title", ":material/upload_file:", "imports", STAFF, "app.section.work"),
    PageSpec("app_pages/matching.py", "matching.title", ":material/handshake:", "matching", STAFF, "app.section.work"),
    PageSpec("app_pages/introductions.py", "introductions.title", ":material/connect_without_contact:", "introductions",
             STAFF, "app.section.work"),
    PageSpec("app_pages/survey_admin.py", "survey_admin.title", ":material/ballot:", "survey-admin", STAFF,
             "app.section.work"),
    PageSpec("app_pages/accounts.py", "accounts.title", ":material/manage_accounts:", "accounts", ("admin",),
             "app.section.admin"),
    PageSpec("app_pages/settings.py", "settings.title", ":material/settings:", "settings", ("admin",),
             "app.section.admin"),
    PageSpec("app_pages/person.py", "person.title", ":material/person_remove:", "personal-data", ("admin",),
             "app.section.admin"),
    PageSpec("app_pages/audit.py", "audit.title", ":material/history:", "audit", ("admin",), "app.section.admin"),
)


def pages_for(role: str) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if role in spec.roles:
            page = st.Page(spec.script, title=tr(spec.title), icon=spec.icon, url_path=spec.url_path)
            sections.setdefault(tr(spec.section), []).append(page)
    return sections

import streamlit as st

from core import application_import, member_import
from core.application_import import import_applications
from core.member_import import import_members
from ui.frame import engine, require_role
from ui.i18n import tr
from ui.importer import ImportKind, import_panel

account = require_role(("admin", "organizer"))
db = engine()
questions = tuple(application_import.question_texts(db))

st.title(tr("import.title"))
applications_tab, members_tab = st.tabs([tr("import.tab_applications"), tr("import.tab_members")])
with applications_tab:
    st.caption(tr("import.applications_help"))
    import_panel(db, ImportKind(
        name="applications",
        fields=tuple(application_import.FIELDS),
        questions=questions,
        suggest=lambda table: application_import.suggest_mapping(db, table),
        run=lambda data, **options: import_applications(db, data, actor=account.username, **options),
    ))
with members_tab:
    st.caption(tr("import.members_help"))
    import_panel(db, ImportKind(
        name="members",
        fields=tuple(member_import.FIELDS),
        questions=(),
        suggest=member_import.suggest_mapping,
        run=lambda data, **options: import_members(db, data, actor=account.username, **options),
    ))

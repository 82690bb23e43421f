import pandas as pd
import streamlit as st

from core import questions
from core.errors import DomainError
from core.questions import QuestionRow
from core.settings import get_setting, set_setting
from ui.frame import data_changed, engine, flash, lazy_tabs, require_role, show_flash
from ui.i18n import error_text, tr

admin = require_role(("admin",))
db = engine()

st.title(tr("settings.title"))
show_flash()

network_tab, questions_tab = lazy_tabs(["settings.network", "settings.questions"], "settings_tabs")
if network_tab.open:
    with network_tab, st.form("settings_network"):
        name_ja = st.text_input(tr("settings.name_ja"), get_setting(db, "network_name"), key="settings_name_ja")
        name_en = st.text_input(tr("settings.name_en"), get_setting(db, "network_name_en"), key="settings_name_en")
        public_form = st.toggle(tr("settings.public_form"), get_setting(db, "public_form_enabled"),
                                help=tr("settings.public_form_help"), key="settings_public_form")
        companies = st.text_area(tr("settings.companies"), "\n".join(get_setting(db, "eligible_companies")),
                                 help=tr("settings.companies_help"), height=220, key="settings_companies")
        purpose = st.text_area(tr("settings.purpose"), get_setting(db, "purpose_of_use"), key="settings_purpose")
        k = st.number_input(tr("settings.k"), min_value=2, max_value=50, value=int(get_setting(db, "k_anonymity")),
                            help=tr("settings.k_help"), key="settings_k")
        demo = st.toggle(tr("accounts.demo_mode"), get_setting(db, "demo_mode"), help=tr("accounts.demo_mode_help"),
                         key="settings_demo")
        if st.form_submit_button(tr("settings.save"), type="primary"):
            values = {
                "network_name": name_ja.strip() or get_setting(db, "network_name"),
                "network_name_en": name_en.strip() or get_setting(db, "network_name_en"),
                "public_form_enabled": public_form,
                "eligible_companies": [line.strip() for line in companies.splitlines() if line.strip()],
                "purpose_of_use": purpose.strip() or get_setting(db, "purpose_of_use"),
                "k_anonymity": int(k),
                "demo_mode": demo,
            }
            for key, value in values.items():
                if value != get_setting(db, key):
                    set_setting(db, key, value, actor=admin.username)
            data_changed()
            flash(tr("settings.saved"))

if questions_tab.open:
    with questions_tab:
        st.caption(tr("settings.questions_help"))
        current = questions.all_questions(db)
        edited = st.data_editor(
            pd.DataFrame([q.__dict__ for q in current]),
            column_config={
                "id": None,
                "text": st.column_config.TextColumn(tr("settings.q_text"), width="large", required=True),
                "text_en": st.column_config.TextColumn(tr("settings.q_text_en"), width="large"),
                "required": st.column_config.CheckboxColumn(tr("settings.q_required")),
                "is_active": st.column_config.CheckboxColumn(tr("settings.q_active")),
                "position": st.column_config.NumberColumn(tr("settings.q_position"), step=1),
            },
            hide_index=True,
            num_rows="fixed",
            key="settings_questions",
        )
        if st.button(tr("settings.questions_save"), key="settings_questions_save"):
            try:
                questions.save_questions(db, [QuestionRow(**row) for row in edited.to_dict("records")], admin.username)
            except DomainError as error:
                st.error(error_text(error))
            else:
                data_changed()
                flash(tr("settings.questions_saved"))

        with st.form("settings_new_question", clear_on_submit=True):
            st.write(tr("settings.question_add"))
            text = st.text_input(tr("settings.q_text"), key="settings_new_text")
            text_en = st.text_input(tr("settings.q_text_en"), key="settings_new_text_en")
            required = st.checkbox(tr("settings.q_required"), value=True, key="settings_new_required")
            if st.form_submit_button(tr("settings.question_add_button")):
                try:
                    questions.add_question(db, text, text_en, required, admin.username)
                except DomainError as error:
                    st.error(error_text(error))
                else:
                    data_changed()
                    flash(tr("settings.questions_saved"))

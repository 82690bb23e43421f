import streamlit as st

from core import intake, vocab
from core.screening import OTHER_COMPANY
from core.settings import get_setting
from ui.frame import engine
from ui.i18n import lang, tr, wkey

MAX_SUBMISSIONS = 3
db = engine()
language = lang()

if not get_setting(db, "public_form_enabled"):
    st.info(tr("apply.closed"))
    st.stop()

st.title(tr("apply.title"))
st.session_state.setdefault("apply_count", 0)
if st.session_state.get("apply_done"):
    st.success(tr("apply.thanks"))
    st.stop()
if st.session_state["apply_count"] >= MAX_SUBMISSIONS:
    st.warning(tr("apply.limit"))
    st.stop()

st.caption(tr("apply.intro"))
companies = [*get_setting(db, "eligible_companies"), OTHER_COMPANY]
industries = ["", *vocab.industries()]
regions = ["", *(r.code for r in vocab.regions())]
questions = intake.active_questions(db)

with st.form("apply_form"):
    full_name = st.text_input(tr("field.full_name") + " *", key="apply_full_name")
    name_kana = st.text_input(tr("field.name_kana"), key="apply_name_kana")
    email = st.text_input(tr("field.email") + " *", key="apply_email")
    company = st.selectbox(tr("field.former_company") + " *", companies, index=None, key=wkey("apply_company"),
                           placeholder=tr("common.choose"))
    division = st.text_input(tr("field.former_division"), key="apply_division")
    working = st.radio(tr("apply.working") + " *", [True, False], index=None, horizontal=True,
                       format_func=lambda v: tr("common.yes") if v else tr("common.no"), key=wkey("apply_working"))
    employer = st.text_input(tr("field.current_employer"), key="apply_employer")
    industry = st.selectbox(tr("field.industry"), industries, key=wkey("apply_industry"),
                            format_func=lambda c: vocab.label("industry", c, language) if c else tr("members.none"))
    region = st.selectbox(tr("field.region"), regions, key=wkey("apply_region"),
                          format_func=lambda c: vocab.label("region", c, language) if c else tr("members.none"))
    referrer = st.text_input(tr("apply.referrer"), key="apply_referrer")
    needs = st.multiselect(tr("field.needs"), vocab.need_tags(), key=wkey("apply_needs"),
                           placeholder=tr("common.choose"), format_func=lambda t: vocab.tag_label(t, language))
    offers = st.multiselect(tr("field.offers"), vocab.offer_tags(), key=wkey("apply_offers"),
                            placeholder=tr("common.choose"), format_func=lambda t: vocab.tag_label(t, language))
    answers = {
        q.id: st.text_area((q.text if language == "ja" else q.text_en) + (" *" if q.required else ""),
                           key=f"apply_answer_{q.id}")
        for q in questions
    }
    with st.container(key="apply_hp"):
        website = st.text_input("Website", key="apply_website", label_visibility="collapsed")
    st.info(get_setting(db, "purpose_of_use"), icon=":material/shield_person:")
    consent = st.checkbox(tr("apply.consent"), key="apply_consent")
    submitted = st.form_submit_button(tr("apply.submit"), type="primary")
st.html("<style>.st-key-apply_hp {display: none;}</style>")

if submitted:
    st.session_state["apply_count"] += 1
    form = intake.ApplicationForm(
        email=email, full_name=full_name, former_company=company or "", currently_working=working,
        consent=consent, name_kana=name_kana, former_division=division, current_employer=employer,
        industry_code=industry or None, region=region or None, referrer=referrer, needs=tuple(needs),
        offers=tuple(offers), answers=answers,
    )
    if website.strip():
        st.session_state["apply_done"] = True
        st.rerun()
    try:
        intake.submit(db, form)
    except intake.InvalidApplication as error:
        for key in error.params["problems"]:
            st.error(tr(key))
    else:
        st.session_state["apply_done"] = True
        st.rerun()

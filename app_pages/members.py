import datetime as dt

import pandas as pd
import streamlit as st

from core import members, vocab
from core.errors import DomainError
from core.exports import members_csv
from ui.frame import data_changed, engine, flash, lazy_tabs, require_role, show_flash
from ui.i18n import TOKYO, error_text, lang, tr, wkey

account = require_role(("admin", "organizer"))
db = engine()
language = lang()
industries = ["", *vocab.industries()]
regions = ["", *(r.code for r in vocab.regions())]
SHOWN = 100  # rows listed and offered for editing; a search finds the others


def edit_section(found: list[members.MemberView]) -> None:
    """Pick one of the members found, edit the profile, record leaving or rejoining."""
    by_id = {m.id: m for m in found}
    chosen = by_id[st.selectbox(tr("members.pick"), list(by_id), key=wkey("members_pick"),
                                format_func=lambda i: f"{by_id[i].full_name} <{by_id[i].email}>")]

    with st.form(f"members_edit_{chosen.id}"):
        st.write(tr("members.edit"))
        a, b = st.columns(2)
        full_name = a.text_input(tr("field.full_name"), chosen.full_name, key="members_full_name")
        name_kana = b.text_input(tr("field.name_kana"), chosen.name_kana, key="members_name_kana")
        employer = a.text_input(tr("field.current_employer"), chosen.current_employer, key="members_employer")
        none = tr("members.none")
        industry = b.selectbox(tr("field.industry"), industries,
                               index=industries.index(chosen.industry_code)
                               if chosen.industry_code in industries else 0,
                               format_func=lambda c: vocab.label("industry", c, language) if c else none,
                               key=wkey("members_industry"))
        region = a.selectbox(tr("field.region"), regions,
                             index=regions.index(chosen.region) if chosen.region in regions else 0,
                             format_func=lambda c: vocab.label("region", c, language) if c else none,
                             key=wkey("members_region"))
        needs = b.multiselect(tr("field.needs"), vocab.need_tags(), [t for t in chosen.needs if t in vocab.need_tags()],
                              format_func=lambda t: vocab.tag_label(t, language), key=wkey("members_needs"),
                              placeholder=tr("common.choose"))
        offers = a.multiselect(tr("field.offers"), vocab.offer_tags(),
                               [t for t in chosen.offers if t in vocab.offer_tags()],
                               format_func=lambda t: vocab.tag_label(t, language), key=wkey("members_offers"),
                               placeholder=tr("common.choose"))
        matching = b.checkbox(tr("field.matching_opt_in"), chosen.matching_opt_in, key="members_matching")
        introduce = b.checkbox(tr("field.introduction_opt_in"), chosen.introduction_opt_in, key="members_introduce")
        st.text(f"{tr('field.email')}: {chosen.email} ／ {tr('field.former_company')}: {chosen.former_company} ／ "
                   f"{tr('field.joined_on')}: {chosen.joined_on.isoformat()}")
        if st.form_submit_button(tr("members.save"), type="primary"):
            try:
                saved = members.update_profile(db, chosen.id, {
                    "full_name": full_name.strip(), "name_kana": name_kana.strip() or None,
                    "current_employer": employer.strip() or None, "industry_code": industry or None,
                    "region": region or None, "needs": needs, "offers": offers,
                    "matching_opt_in": matching, "introduction_opt_in": introduce,
                }, account.username)
            except DomainError as error:
                st.error(error_text(error))
            else:
                data_changed()
                flash(tr("members.saved", name=saved.full_name))

    st.write(tr("members.leave"))
    if chosen.left_on is None:
        day = st.date_input(tr("members.left_on"), value=dt.datetime.now(TOKYO).date(), key="members_left_on")
        if st.button(tr("members.mark_left"), key="members_mark_left"):
            try:
                members.mark_left(db, chosen.id, day, account.username)
            except DomainError as error:
                st.error(error_text(error))
            else:
                data_changed()
                flash(tr("members.marked_left", name=chosen.full_name, date=day.isoformat()))
    elif st.button(tr("members.rejoin"), key="members_rejoin"):
        members.mark_left(db, chosen.id, None, account.username)
        data_changed()
        flash(tr("members.rejoined", name=chosen.full_name))


st.title(tr("members.title"))
show_flash()
left, right = st.columns([3, 1])
text = left.text_input(tr("members.search"), key="members_search")
include_left = right.toggle(tr("members.include_left"), key="members_include_left")
found = members.search(db, text, include_left, limit=SHOWN)
st.download_button(tr("members.export"), data=lambda: members_csv(db, account.username, lang=language),
                   file_name="members.csv", mime="text/csv", icon=":material/download:", key="members_export")
if not found:
    st.info(tr("members.empty"))
    st.stop()
list_tab, edit_tab = lazy_tabs(["members.tab.list", "members.tab.edit"], "members_tabs")
if list_tab.open:
    with list_tab:
        st.caption(tr("members.count", count=len(found), limit=SHOWN))
        st.dataframe(pd.DataFrame({
            tr("field.full_name"): [m.full_name for m in found],
            tr("field.email"): [m.email for m in found],
            tr("field.joined_on"): [m.joined_on.isoformat() for m in found],
            tr("field.left_on"): [m.left_on.isoformat() if m.left_on else "" for m in found],
            tr("field.former_company"): [m.former_company for m in found],
            tr("field.current_employer"): [m.current_employer for m in found],
            tr("field.industry"): [vocab.label("industry", m.industry_code, language) for m in found],
            tr("field.region"): [vocab.label("region", m.region, language) for m in found],
        }), hide_index=True)

if edit_tab.open:
    with edit_tab:
        edit_section(found)

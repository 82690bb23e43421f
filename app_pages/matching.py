import pandas as pd
import streamlit as st

from core import introductions, matching, pairing, vocab
from core.errors import DomainError
from ui.frame import data_changed, engine, flash, lazy_tabs, require_role, show_flash
from ui.i18n import error_text, lang, tr, wkey

account = require_role(("admin", "organizer"))
db = engine()
language = lang()


def tags(values) -> str:
    return ", ".join(vocab.tag_label(tag, language) for tag in values) or tr("matching.none")


def filters(prefix: str, column_a, column_b) -> tuple[str | None, str | None]:
    majors = ["", *(code for code, ind in vocab.industries().items() if ind.level == "major")]
    regions = ["", *(r.code for r in vocab.regions())]
    industry = column_a.selectbox(tr("matching.filter_industry"), majors, key=wkey(f"{prefix}_industry"),
                                  format_func=lambda c: vocab.label("industry", c, language) or tr("matching.any"))
    region = column_b.selectbox(tr("matching.filter_region"), regions, key=wkey(f"{prefix}_region"),
                                format_func=lambda c: vocab.label("region", c, language) or tr("matching.any"))
    return industry or None, region or None


st.title(tr("matching.title"))
st.caption(tr("matching.intro"))
show_flash()
data = matching.match_data(db)  # the index of every eligible member, fetched once for this run
if not data.index.profiles:
    st.info(tr("matching.empty"))
    st.stop()
by_id: dict[int, matching.Profile] = {}
SEARCH_LIMIT = 50


def member_options(search_key: str, chosen: list[int]) -> list[int]:
    """The members whose name or e-mail contains the search text (at most SEARCH_LIMIT), after those chosen."""
    query = st.text_input(tr("matching.search"), key=wkey(search_key), placeholder=tr("matching.search_hint"))
    found = matching.find_members(data, query, SEARCH_LIMIT)
    if query and not found:
        st.info(tr("matching.search_none"))
    elif len(found) == SEARCH_LIMIT:
        st.caption(tr("matching.search_more", limit=SEARCH_LIMIT))
    by_id.update({p.id: p for p in [*matching.profiles_of(data, chosen), *found]})
    return list(dict.fromkeys([*(i for i in chosen if i in by_id), *(p.id for p in found)]))


by_member, by_need, event = lazy_tabs(["matching.tab.member", "matching.tab.need", "matching.tab.event"],
                                     "matching_tabs")

if by_member.open:
    with by_member:
        options = member_options("matching_member_search", [])
        chosen = st.selectbox(tr("matching.pick_member"), options, key=wkey("matching_member"),
                              format_func=lambda i: f"{by_id[i].name} <{by_id[i].email}>") if options else None
        if chosen is not None:
            me = by_id[chosen]
            none = tr("matching.none")
            st.text(tr("matching.profile", industry=vocab.label("industry", me.industry_code, language) or none,
                       region=vocab.label("region", me.region, language) or none, needs=tags(me.needs),
                       offers=tags(me.offers)))
            a, b, c, d = st.columns(4)
            top_k = a.number_input(tr("matching.top_k"), min_value=1, max_value=50, value=10, key="matching_top_k")
            need = b.selectbox(tr("matching.filter_need"), ["", *(t for t in me.needs if t in vocab.need_tags())],
                               key=wkey(f"matching_need_filter_{chosen}"),
                               format_func=lambda t: vocab.tag_label(t, language) if t else tr("matching.any"))
            industry, region = filters("matching", c, d)
            found = matching.suggest(db, chosen, int(top_k), need=need or None, industry=industry, region=region,
                                         data=data)
            if found.held_back:
                st.caption(tr("matching.held_back", count=found.held_back, cap=matching.EXPOSURE_CAP,
                              days=matching.EXPOSURE_DAYS))
            if not found.candidates:
                st.info(tr("matching.no_candidates"))
            for candidate in found.candidates:
                other = candidate.profile
                with st.container(border=True):
                    left, middle, right = st.columns([3, 7, 3], vertical_alignment="center")
                    left.text(f"{other.name}\n{other.email}")
                    left.metric(tr("matching.col.score"), f"{candidate.score:.1f}", help=tr("matching.score_help"))
                    where = " ／ ".join(filter(None, (vocab.label("industry", other.industry_code, language),
                                                      vocab.label("region", other.region, language))))
                    middle.text(f"{matching.describe(candidate.reasons, me.name, other.name, language)}\n\n{where}")
                    if right.button(tr("matching.record"), key=f"matching_record_{chosen}_{other.id}",
                                    icon=":material/handshake:"):
                        try:
                            reason = matching.describe(candidate.reasons, me.name, other.name, "ja")
                            introductions.propose(db, chosen, other.id, account.username, reason=reason,
                                                  need_tag=need or matching.main_need(candidate.reasons))
                        except DomainError as error:
                            st.error(error_text(error))
                        else:
                            data_changed()
                            flash(tr("matching.recorded", a=me.name, b=other.name))

if by_need.open:
    with by_need:
        need = st.selectbox(tr("matching.need_pick"), vocab.need_tags(), key=wkey("matching_need"),
                            format_func=lambda t: vocab.tag_label(t, language))
        a, b = st.columns(2)
        industry, region = filters("matching_need", a, b)
        offering = matching.offerers(db, need, 50, industry=industry, region=region, data=data)
        st.write(tr("matching.need_list", need=vocab.tag_label(need, language)))
        if not offering:
            st.info(tr("matching.need_empty"))
        else:
            exposure = data.exposure
            st.dataframe(pd.DataFrame({
                tr("matching.col.name"): [p.name for p in offering],
                tr("matching.col.email"): [p.email for p in offering],
                tr("matching.col.industry"): [vocab.label("industry", p.industry_code, language) for p in offering],
                tr("matching.col.region"): [vocab.label("region", p.region, language) for p in offering],
                tr("matching.col.offers"): [tags(p.offers) for p in offering],
                tr("matching.col.recent"): [exposure.get(p.id, 0) for p in offering],
            }), hide_index=True, key="matching_need_table")

if event.open:
    with event:
        st.caption(tr("pairing.intro"))
        source = st.radio(tr("pairing.source"), ["pick", "csv"], horizontal=True, key=wkey("pairing_source"),
                          format_func=lambda s: tr(f"pairing.source.{s}"))
        skipped: list[tuple[str, str]] = []
        if source == "pick":
            options = member_options("pairing_search", st.session_state.get(wkey("pairing_pick"), []))
            attendees = st.multiselect(tr("pairing.pick"), options, key=wkey("pairing_pick"),
                                       format_func=lambda i: f"{by_id[i].name} <{by_id[i].email}>",
                                       placeholder=tr("common.choose"))
        else:
            upload = st.file_uploader(tr("pairing.file"), type=["csv"], key="pairing_file")
            attendees = []
            if upload is not None:
                try:
                    given = pairing.attendees_from_csv(db, upload.getvalue())
                except DomainError as error:
                    st.error(error_text(error))
                else:
                    attendees, skipped = given.member_ids, given.skipped
        left, right = st.columns(2)
        rounds = left.number_input(tr("pairing.rounds"), min_value=1, max_value=10, value=1, key="pairing_rounds")
        table_size = right.number_input(tr("pairing.table_size"), min_value=2, max_value=pairing.MAX_TABLE_SIZE,
                                        value=2, key="pairing_table_size", help=tr("pairing.table_size_help"))
        if st.button(tr("pairing.go"), key="pairing_go", type="primary", disabled=len(attendees) < 2):
            st.session_state["pairing_plan"] = pairing.plan_event(db, attendees, int(rounds), language,
                                                                  table_size=int(table_size))
            st.session_state["pairing_skipped"] = skipped
            st.session_state.pop("pairing_recorded", None)
        if len(attendees) < 2:
            st.caption(tr("pairing.need_two"))
        plan = st.session_state.get("pairing_plan")
        if plan is not None:
            people = len({seat.member_id for seat in plan.seats})
            st.success(tr("pairing.done", people=people, rounds=len(plan.rounds), seconds=plan.seconds))
            st.caption(tr("pairing.optimal") if plan.table_size == 2 else tr("pairing.tables_note"))
            repeats = sum(r.repeats for r in plan.rounds)
            if repeats:
                st.warning(tr("pairing.repeats", count=repeats))
            st.download_button(tr("pairing.download"), data=pairing.event_csv(plan), file_name="event_pairs.csv",
                               mime="text/csv", icon=":material/download:", key="pairing_download")
            st.dataframe(pd.DataFrame({
                tr("pairing.col.round"): [s.round for s in plan.seats],
                tr("pairing.col.group"): [s.group for s in plan.seats],
                tr("matching.col.name"): [s.name for s in plan.seats],
                tr("matching.col.email"): [s.email for s in plan.seats],
                tr("matching.col.reasons"): [s.reason for s in plan.seats],
            }), hide_index=True, key="pairing_table")
            with st.form("pairing_record_form", border=True):
                st.write(tr("pairing.record_intro"))
                title_column, date_column = st.columns([3, 1])
                title = title_column.text_input(tr("pairing.event_title"), key="pairing_event_title")
                held_on = date_column.date_input(tr("pairing.held_on"), key="pairing_held_on")
                recorded = st.session_state.get("pairing_recorded")
                if st.form_submit_button(tr("pairing.record"), icon=":material/event_available:",
                                         disabled=recorded is not None):
                    try:
                        done = pairing.record_event(db, plan, title, held_on, account.username)
                    except DomainError as error:
                        st.error(error_text(error))
                    else:
                        data_changed()
                        st.session_state["pairing_recorded"] = done
                        recorded = done
                if recorded is not None:
                    st.success(tr("pairing.recorded", count=recorded.introductions, already=recorded.already))
            shown_skips = [*st.session_state.get("pairing_skipped", []), *plan.skipped]
            if shown_skips:
                st.write(tr("pairing.skipped"))
                st.dataframe(pd.DataFrame({tr("pairing.col.given"): [given for given, _ in shown_skips],
                                           tr("pairing.col.why"): [tr(key) for _, key in shown_skips]}),
                             hide_index=True)

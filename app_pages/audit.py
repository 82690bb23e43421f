
import pandas as pd
import streamlit as st

from core import audit
from ui.frame import engine, require_role
from ui.i18n import day_start_utc, lang, local_time, tr

admin = require_role(("admin",))
db = engine()


st.title(tr("audit.title"))
st.caption(tr("audit.intro"))
left, middle, right = st.columns(3)
chosen_actions = left.multiselect(tr("audit.col.action"), audit.actions(db), key="audit_actions",
                                  placeholder=tr("common.choose"))
actor = middle.text_input(tr("audit.col.actor"), key="audit_actor")
since = right.date_input(tr("audit.since"), value=None, key="audit_since")
until = right.date_input(tr("audit.until"), value=None, key="audit_until")
query = audit.AuditFilter(tuple(chosen_actions), actor, day_start_utc(since), day_start_utc(until, days_later=1))
found = audit.entries(db, query)
if not found:
    st.info(tr("audit.empty"))
    st.stop()
st.caption(tr("audit.count", count=len(found)))
st.dataframe(pd.DataFrame({
    tr(f"audit.col.{name}"): values
    for name, values in (
        ("at", [local_time(e.at) for e in found]),
        ("actor", [e.actor for e in found]),
        ("action", [e.action for e in found]),
        ("entity", [e.entity for e in found]),
        ("entity_id", [e.entity_id for e in found]),
        ("old_value", [e.old_value for e in found]),
        ("new_value", [e.new_value for e in found]),
        ("details", [e.details for e in found]),
    )
}), hide_index=True)
st.download_button(tr("audit.export"), data=lambda: audit.audit_csv(db, query, admin.username, lang()),
                   file_name="audit_log.csv", mime="text/csv", icon=":material/download:", key="audit_export")

"""The CSV import panel: upload, column mapping (with saved presets), preview, import, rejected rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.csvio import CsvTable, read_table
from core.errors import DomainError
from core.i18n import describe
from core.importing import IGNORE, QUESTION_PREFIX, ImportSummary, mapping_from_toml, mapping_to_toml
from core.settings import get_setting, set_setting
from db.engine import Engine
from ui.frame import data_changed
from ui.i18n import error_text, lang, tr, wkey


@dataclass(frozen=True)
class ImportKind:
    name: str  # "applications" or "members"
    fields: tuple[str, ...]
    questions: tuple[str, ...]
    suggest: Callable[[CsvTable], dict[str, str]]
    run: Callable[..., ImportSummary]  # (data, mapping=, dry_run=, reason_text=, progress=) -> summary


def _target_label(target: str) -> str:
    if target == IGNORE:
        return tr("import.ignore")
    if target.startswith(QUESTION_PREFIX):
        return tr("import.question", text=target[len(QUESTION_PREFIX):])
    return tr(f"field.{target}")


def _reason(problem) -> str:
    return describe(problem.key, problem.params, lang())


def _show(summary: ImportSummary, kind: str) -> None:
    columns = st.columns(4)
    columns[0].metric(tr("import.rows"), f"{summary.rows:,}")
    columns[1].metric(tr("import.added") if summary.committed else tr("import.to_add"), f"{summary.added:,}")
    columns[2].metric(tr("import.already"), f"{summary.already_imported:,}")
    columns[3].metric(tr("import.rejected"), f"{summary.rejected:,}")
    if summary.problems:
        yes, no = tr("common.yes"), tr("common.no")
        st.dataframe(
            pd.DataFrame({
                tr("import.col.row"): [p.row for p in summary.problems],
                tr("import.col.problem"): [_reason(p) for p in summary.problems],
                tr("import.col.imported"): [no if p.rejects else yes for p in summary.problems],
            }),
            hide_index=True,
        )
    if summary.rejected_csv:
        st.download_button(tr("import.download_rejected"), summary.rejected_csv, file_name=f"rejected_{kind}.csv",
                           mime="text/csv", on_click="ignore", icon=":material/download:",
                           key=f"imports_{kind}_rejected")


def import_panel(engine: Engine, kind: ImportKind) -> None:
    prefix = f"imports_{kind.name}"
    upload = st.file_uploader(tr("import.file"), type=["csv", "txt"], key=f"{prefix}_file")
    if upload is None:
        st.caption(tr("import.file_help"))
        return
    data = upload.getvalue()
    try:
        table = read_table(data)
    except DomainError as error:
        st.error(error_text(error))
        return
    st.caption(tr("import.found", encoding=table.encoding_name, rows=len(table.rows), columns=len(table.header)))

    presets = {name: mapping_from_toml(text) for name, text in get_setting(engine, "import_presets")
               .get(kind.name, {}).items()}
    suggested = kind.suggest(table)
    chosen = st.selectbox(tr("import.preset"), ["", *presets], key=wkey(f"{prefix}_preset"),
                          format_func=lambda name: name or tr("import.preset_auto"))
    base = {**suggested, **{c: t for c, t in presets.get(chosen, {}).items() if c in suggested}}
    targets = [*kind.fields, *(QUESTION_PREFIX + q for q in kind.questions), IGNORE]
    st.write(tr("import.mapping"))
    mapping, grid = {}, st.columns(3)
    for index, column in enumerate(c for c in table.header if c):
        default = base.get(column, IGNORE)
        mapping[column] = grid[index % 3].selectbox(
            column, targets, index=targets.index(default) if default in targets else targets.index(IGNORE),
            format_func=_target_label, key=wkey(f"{prefix}_map_{index}_{chosen}"),
        )
    stored_message = st.session_state.pop(f"{prefix}_preset_message", None)
    with st.expander(tr("import.preset_save"), expanded=bool(stored_message)):
        if stored_message:
            st.success(stored_message)
        name = st.text_input(tr("import.preset_name"), key=f"{prefix}_preset_name")
        if st.button(tr("import.preset_store"), key=f"{prefix}_preset_store", disabled=not name.strip()):
            stored = dict(get_setting(engine, "import_presets"))
            stored[kind.name] = {**stored.get(kind.name, {}), name.strip(): mapping_to_toml(mapping)}
            set_setting(engine, "import_presets", stored, actor=st.session_state.get("username") or "-")
            st.session_state[f"{prefix}_preset_message"] = tr("import.preset_stored", name=name.strip())
            st.rerun()
        st.download_button(tr("import.preset_download"), mapping_to_toml(mapping), file_name=f"{kind.name}.toml",
                           mime="application/toml", on_click="ignore", key=f"{prefix}_preset_toml")
        uploaded = st.file_uploader(tr("import.preset_upload"), type=["toml"], key=f"{prefix}_preset_file")
        if uploaded is not None:
            try:
                st.code(mapping_to_toml(mapping_from_toml(uploaded.getvalue().decode("utf-8"))), language="toml")
            except (DomainError, UnicodeDecodeError) as error:
                st.error(error_text(error) if isinstance(error, DomainError) else str(error))

    left, right = st.columns(2)
    preview = left.button(tr("import.preview"), key=f"{prefix}_preview", icon=":material/preview:")
    commit = right.button(tr("import.commit"), key=f"{prefix}_commit", type="primary", icon=":material/upload:")
    if preview or commit:
        bar = st.progress(0.0, text=tr("import.working"))
        try:
            summary = kind.run(data, mapping=mapping, dry_run=not commit, reason_text=_reason,
                               progress=lambda share: bar.progress(min(1.0, share), text=tr("import.working")))
        except DomainError as error:
            bar.empty()
            st.error(error_text(error))
            return
        bar.empty()
        if commit:
            data_changed()
        st.session_state[f"{prefix}_result"] = summary
    summary = st.session_state.get(f"{prefix}_result")
    if summary is not None:
        (st.success if summary.committed else st.info)(
            tr("import.done" if summary.committed else "import.previewed", added=summary.added,
               already=summary.already_imported, rejected=summary.rejected)
        )
        _show(summary, kind.name)

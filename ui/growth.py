"""Streamlit pieces of the growth page: cached figures, period controls, KPI cards, charts, downloads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import growth
from core.accounts import Account
from core.growth import COMPOSITIONS, GRANULARITIES, CompositionRow, Kpis, MonthFigures, PeriodFigures, period_label
from core.privacy import suppress_value
from core.report import monthly_report
from db.engine import database_url
from ui import charts
from ui.frame import engine
from ui.i18n import lang, tr

CACHE_SECONDS = 300
DEFAULT_WINDOW = {"month": 12, "quarter": 8}


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _months(url: str) -> list[MonthFigures]:
    return growth.load_months(engine())


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _group_counts(url: str, by: str, on: dt.date) -> dict[str, int]:
    return growth.group_counts(engine(), by, on)


def months() -> list[MonthFigures]:
    """Every month's exact figures (cached per database; cleared by ui.frame.data_changed)."""
    return _months(database_url())


def composition(by: str, on: dt.date, k: int | None) -> list[CompositionRow]:
    return growth.composition_rows(by, _group_counts(database_url(), by, on), lang(), k)


def liaison_home_figures(members_now: int, today: dt.date) -> tuple[int | None, int | None]:
    """Members now and new this month as the liaison may see them (None: hidden), as on the growth page."""
    k = growth.k_of(engine())
    this_month = growth.month_of(today)
    rows = growth.periods(months(), "month", k)
    new = next((row.new_members for row in rows if row.period == this_month), 0)
    return (None if suppress_value(members_now, k).suppressed else members_now), new


def shown(value: int | None) -> str:
    return tr("growth.hidden") if value is None else f"{value:,}"


def granularity_picker() -> str:
    st.session_state.setdefault("growth_granularity", "month")
    return st.segmented_control(
        tr("growth.granularity"), GRANULARITIES, format_func=lambda g: tr(f"growth.granularity.{g}"),
        key="growth_granularity", required=True,
    )


def range_picker(rows: Sequence[PeriodFigures], granularity: str) -> tuple[str, str]:
    """The first and last period to show; the latest periods by default."""
    keys = [row.period for row in rows]
    if len(keys) == 1:
        return keys[0], keys[0]
    key = f"growth_range_{granularity}"
    if tuple(st.session_state.get(key, ())) and not set(st.session_state[key]) <= set(keys):
        del st.session_state[key]
    default = (keys[max(0, len(keys) - DEFAULT_WINDOW[granularity])], keys[-1])
    first, last = st.select_slider(tr("growth.range"), options=keys, value=default, key=key,
                                   format_func=lambda p: period_label(p, lang()))
    return first, last


def kpi_cards(kpis: Kpis, granularity: str) -> None:
    current = kpis.current
    period = period_label(current.period, lang())
    if kpis.in_progress:
        period = tr("growth.kpi.in_progress", period=period)
    st.markdown(f"**{tr('growth.kpi.heading', period=period)}**")
    versus = tr(f"growth.vs_previous.{granularity}")
    absent = tr("growth.hidden") if current.decisions_hidden else "—"
    rate, median, change = current.approval_rate, current.median_days, kpis.total_change_percent

    def delta(value: int | None) -> dict:
        if value is None:
            return {}
        still = {"delta_arrow": "off", "delta_color": "off"} if value == 0 else {}
        return {"delta": f"{value:+,}", "delta_description": versus, **still}

    columns = st.columns(5)
    columns[0].metric(tr("growth.kpi.total_now" if kpis.in_progress else "growth.kpi.total"),
                      shown(current.total_members), border=True, **delta(current.net_change))
    columns[1].metric(tr("growth.kpi.new"), shown(current.new_members), border=True, **delta(kpis.new_change))
    columns[2].metric(tr("growth.kpi.growth_rate"), "—" if change is None else f"{change:+.1f}%",
                      help=tr("growth.kpi.growth_help"), border=True)
    columns[3].metric(tr("growth.kpi.approval_rate"), absent if rate is None else f"{rate:.0f}%",
                      help=tr("growth.kpi.rate_help", approvals=shown(current.approvals),
                              rejections=shown(current.rejections)), border=True)
    columns[4].metric(tr("growth.kpi.median_days"),
                      absent if median is None else tr("growth.days", days=f"{median:.1f}"),
                      help=tr("growth.kpi.median_help"), border=True)


def chart(figure: go.Figure, name: str) -> None:
    st.plotly_chart(figure, config=charts.config(name), key=f"growth_chart_{name}")


def download(label: str, make: Callable[[], bytes], file_name: str, key: str, mime: str = "text/csv") -> None:
    """A download whose data is made (and the export audited) only when it is clicked."""
    st.download_button(label, data=make, file_name=file_name, mime=mime, key=key, icon=":material/download:",
                       on_click="ignore")


def periods_download(db, account: Account, rows: Sequence[PeriodFigures], granularity: str, kind: str,
                     columns: Sequence[str], protected: bool) -> None:
    language, rows = lang(), list(rows)

    def make() -> bytes:
        growth.audit_export(db, account.username, kind,
                            {"rows": len(rows), "granularity": granularity, "liaison_view": protected})
        return growth.periods_csv(rows, granularity, columns, language)

    span = f"{rows[0].period}_{rows[-1].period}" if rows else granularity
    download(tr(f"growth.download.{kind}"), make, f"{kind}_{span}.csv", f"growth_download_{kind}")


def composition_section(db, account: Account, on: dt.date, k: int, protected: bool) -> None:
    st.subheader(tr("growth.composition.title", date=on.isoformat()))
    tabs = st.tabs([tr(f"growth.composition.{by}") for by in COMPOSITIONS])
    for tab, by in zip(tabs, COMPOSITIONS, strict=True):
        rows = composition(by, on, k if protected else None)
        with tab:
            if not rows:
                st.info(tr("growth.composition.empty"))
                continue
            chart(charts.composition_figure(rows, k), f"composition_{by}")
            with st.expander(tr("growth.composition.table")):
                st.dataframe(pd.DataFrame({
                    tr("growth.col.group"): [row.label for row in rows],
                    tr("growth.col.count"): [f"<{k}" if row.count is None else f"{row.count:,}" for row in rows],
                    tr("growth.col.share"): ["" if row.share is None else f"{row.share:.1f}%" for row in rows],
                }), hide_index=True, key=f"growth_table_{by}")

            def make(by: str = by, rows: list[CompositionRow] = rows) -> bytes:
                growth.audit_export(db, account.username, "composition",
                                    {"by": by, "on": on.isoformat(), "rows": len(rows), "liaison_view": protected})
                return growth.composition_csv_rows(rows, k)

            download(tr("growth.download.composition", title=tr(f"growth.composition.{by}")), make,
                     f"composition_{by}_{on.isoformat()}.csv", f"growth_download_composition_{by}")


def report_section(db, account: Account, all_months: Sequence[MonthFigures], today: dt.date) -> None:
    st.subheader(tr("growth.report.section"))
    st.caption(tr("growth.report.help"))
    this_month = growth.month_of(today)
    options = [m.month for m in reversed(all_months) if m.month <= this_month] or [this_month]
    last_month = growth.month_of(today.replace(day=1) - dt.timedelta(days=1))
    picker, button = st.columns([1, 2], vertical_alignment="bottom")
    month = picker.selectbox(tr("growth.report.month"), options, format_func=lambda p: period_label(p, lang()),
                             index=options.index(last_month) if last_month in options else 0,
                             key="growth_report_month")
    language = lang()
    with button:
        download(tr("growth.report.download"),
                 lambda: monthly_report(db, month, account.username, language).encode("utf-8"),
                 f"growth_report_{month}.html", "growth_download_report", mime="text/html")

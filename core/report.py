"""The monthly growth report for the company liaison: one printable, self-contained HTML page.

Everything in it is the liaison's view (small numbers hidden, small groups merged); the charts are
inline SVG and the styles are inline, so the file opens and prints anywhere without a network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from sqlalchemy import Engine

from core import growth
from core.growth import COMPOSITIONS, CompositionRow, PeriodFigures
from core.i18n import TOKYO, t
from core.introductions import liaison_outcomes
from core.settings import get_setting
from core.svg import Mark, Series, bar_chart, line_chart

WINDOW_MONTHS = 12
RECENT_MONTHS = 6
TOP_GROUPS = 10
CHART_SIZE = {"width": 440, "height": 170}
COLORS = {"total": "#1d4ed8", "new": "#2563eb", "left": "#f97316", "applications": "#94a3b8",
          "approvals": "#16a34a", "rejections": "#dc2626"}

STYLE = """
@page { size: A4; margin: 8mm; }
* { box-sizing: border-box; }
body { font-family: 'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo',sans-serif; color: #111827;
       margin: 0 auto; max-width: 194mm; font-size: 9.5pt; line-height: 1.35; }
header { border-bottom: 2px solid #1d4ed8; margin-bottom: 4px; padding: 2px 0 4px; }
h1 { font-size: 15pt; margin: 0; }
h2 { font-size: 10.5pt; margin: 7px 0 3px; border-left: 4px solid #1d4ed8; padding-left: 6px; }
.sub { color: #4b5563; font-size: 9pt; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; }
.kpis.outcomes { grid-template-columns: repeat(5, 1fr); }
.kpi { border: 1px solid #d1d5db; border-radius: 6px; padding: 3px 8px; }
.kpi .label { color: #4b5563; font-size: 8.5pt; }
.kpi .value { font-size: 13pt; font-weight: bold; line-height: 1.2; }
.kpi .note { color: #4b5563; font-size: 8pt; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; }
.chart { border: 1px solid #e5e7eb; border-radius: 6px; padding: 2px 4px; break-inside: avoid; }
.chart h3, .tables h3 { font-size: 9.5pt; margin: 2px 4px; }
.tables { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 7.5pt; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 1px 4px; text-align: left; }
.recent td:first-child { white-space: nowrap; }
td.n, th.n { text-align: right; white-space: nowrap; }
footer { margin-top: 6px; color: #4b5563; font-size: 7.5pt; border-top: 1px solid #d1d5db; padding-top: 3px; }
.empty { color: #6b7280; }
"""


def _number(value: int | None, lang: str, sign: bool = False) -> str:
    if value is None:
        return t("growth.hidden", lang)
    return f"{value:+,}" if sign else f"{value:,}"


def _kpi(label: str, value: str, note: str = "") -> str:
    note_html = f'<div class="note">{escape(note)}</div>' if note else ""
    return (f'<div class="kpi"><div class="label">{escape(label)}</div>'
            f'<div class="value">{escape(value)}</div>{note_html}</div>')


def _kpis(row: PeriodFigures, previous: PeriodFigures | None, lang: str) -> str:
    kpis = growth.Kpis(row, previous, in_progress=False)
    change = kpis.total_change_percent
    change_note = t("growth.kpi.vs_previous_month", lang, change=f"{change:+.1f}%") if change is not None else ""
    rate = row.approval_rate
    median = row.median_days
    absent = t("growth.hidden", lang) if row.decisions_hidden else "—"
    upcoming = growth.next_milestone(row.total_members)
    milestone_note = ""
    if upcoming is not None and row.total_members is not None:
        milestone_note = t("growth.kpi.next_milestone", lang, goal=f"{upcoming:,}",
                           remaining=f"{upcoming - row.total_members:,}")
    boxes = [
        _kpi(t("growth.kpi.total_end", lang), _number(row.total_members, lang), milestone_note),
        _kpi(t("growth.kpi.net_change", lang), _number(row.net_change, lang, sign=True), change_note),
        _kpi(t("growth.series.new", lang), _number(row.new_members, lang)),
        _kpi(t("growth.series.left", lang), _number(row.left_members, lang)),
        _kpi(t("growth.series.applications", lang), _number(row.applications, lang)),
        _kpi(t("growth.series.approvals", lang), _number(row.approvals, lang),
             t("growth.kpi.rejections_note", lang, rejections=_number(row.rejections, lang))),
        _kpi(t("growth.kpi.approval_rate", lang), absent if rate is None else f"{rate:.0f}%"),
        _kpi(t("growth.series.median", lang),
             absent if median is None else t("growth.days", lang, days=f"{median:.1f}")),
    ]
    return f'<div class="kpis">{"".join(boxes)}</div>'


def _charts(rows: Sequence[PeriodFigures], lang: str) -> str:
    labels = growth.axis_labels([r.period for r in rows], lang)
    hidden = t("growth.hidden", lang)
    marks = [Mark([r.period for r in rows].index(m.period), t("growth.milestone", lang, members=f"{m.members:,}"))
             for m in growth.milestones(rows)]
    total = line_chart(labels, [r.total_members for r in rows], title=t("growth.chart.total", lang),
                       name=t("growth.series.total", lang), color=COLORS["total"], marks=marks, **CHART_SIZE)
    flows = bar_chart(labels, [
        Series(t("growth.series.new", lang), [r.new_members for r in rows], COLORS["new"]),
        Series(t("growth.series.left", lang), [r.left_members for r in rows], COLORS["left"], below=True),
    ], title=t("growth.chart.flows", lang), hidden_name=hidden, **CHART_SIZE)
    funnel = bar_chart(labels, [
        Series(t("growth.series.applications", lang), [r.applications for r in rows], COLORS["applications"]),
        Series(t("growth.series.approvals", lang), [r.approvals for r in rows], COLORS["approvals"]),
        Series(t("growth.series.rejections", lang), [r.rejections for r in rows], COLORS["rejections"]),
    ], title=t("growth.chart.funnel", lang), hidden_name=hidden, **CHART_SIZE)
    blocks = [(t("growth.chart.total", lang), total), (t("growth.chart.flows", lang), flows),
              (t("growth.chart.funnel", lang), funnel),
              (t("growth.report.recent", lang, months=min(RECENT_MONTHS, len(rows))), _recent(rows, lang))]
    return '<div class="charts">' + "".join(
        f'<div class="chart"><h3>{escape(title)}</h3>{body}</div>' for title, body in blocks
    ) + "</div>"


def _recent(rows: Sequence[PeriodFigures], lang: str) -> str:
    """The latest months' figures as a table, newest first (the charts show no numbers)."""
    columns = (("growth.series.total", "total_members", False), ("growth.series.net", "net_change", True),
               ("growth.series.new", "new_members", False), ("growth.series.left", "left_members", False),
               ("growth.series.applications", "applications", False))
    head = f'<th>{escape(t("growth.report.month", lang))}</th>' + "".join(
        f'<th class="n">{escape(t(key, lang))}</th>' for key, _, _ in columns)
    body = "".join(
        f"<tr><td>{escape(growth.period_label(row.period, lang))}</td>" + "".join(
            f'<td class="n">{escape(_number(getattr(row, field), lang, sign))}</td>' for _, field, sign in columns
        ) + "</tr>"
        for row in list(rows)[::-1][:RECENT_MONTHS]
    )
    return f'<table class="recent"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _table(title: str, rows: Sequence[CompositionRow], k: int, lang: str) -> str:
    if not rows:
        body = f'<tr><td colspan="3" class="empty">{escape(t("growth.composition.empty", lang))}</td></tr>'
    else:
        body = "".join(
            f'<tr><td>{escape(row.label)}</td><td class="n">{"<" + str(k) if row.count is None else f"{row.count:,}"}'
            f'</td><td class="n">{"" if row.share is None else f"{row.share:.1f}%"}</td></tr>'
            for row in rows
        )
    head = (f'<tr><th>{escape(t("growth.col.group", lang))}</th><th class="n">{escape(t("growth.col.count", lang))}'
            f'</th><th class="n">{escape(t("growth.col.share", lang))}</th></tr>')
    return f"<div><h3>{escape(title)}</h3><table><thead>{head}</thead><tbody>{body}</tbody></table></div>"


def monthly_report(engine: Engine, month: str, actor: str, lang: str = "ja", now: dt.datetime | None = None) -> str:
    """The report for `month` ('YYYY-MM') as HTML; the export is audited.

    Raises InvalidMonth for another format and FutureMonth for a month after the current one.
    """
    month = growth.parse_month(month)
    now = (now or dt.datetime.now(TOKYO)).astimezone(TOKYO)
    if month > growth.month_of(now.date()):
        raise growth.FutureMonth(month=month)
    k = growth.k_of(engine)
    rows = growth.periods(growth.load_months(engine, through=month), "month", k)
    index = [r.period for r in rows].index(month)
    shown = rows[max(0, index - WINDOW_MONTHS + 1): index + 1]
    on = min(growth.month_end(month), now.date())
    tables = "".join(
        _table(t(f"growth.composition.{by}", lang),
               growth.top_groups(growth.composition(engine, by, on, lang, k), TOP_GROUPS, lang), k, lang)
        for by in COMPOSITIONS
    )
    outcomes = "".join(
        _kpi(t(f"outcome.{name}", lang), t("growth.hidden", lang) if value.suppressed else f"{value.count:,}")
        for name, value in liaison_outcomes(engine, k)
    )
    name = get_setting(engine, "network_name_en" if lang == "en" else "network_name")
    title = t("growth.report.title", lang, network=name, month=growth.period_label(month, lang))
    growth.audit_export(engine, actor, "report", {"month": month})
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body><header><h1>{escape(title)}</h1>
<div class="sub">{escape(t("growth.report.subtitle", lang, date=now.strftime("%Y-%m-%d %H:%M")))}</div></header>
<h2>{escape(t("growth.report.kpis", lang, month=growth.period_label(month, lang)))}</h2>
{_kpis(rows[index], rows[index - 1] if index else None, lang)}
<h2>{escape(t("introductions.liaison", lang))}</h2>
<div class="kpis outcomes">{outcomes}</div>
<h2>{escape(t("growth.report.trend", lang, months=len(shown)))}</h2>
{_charts(shown, lang)}
<h2>{escape(t("growth.report.composition", lang, date=on.isoformat()))}</h2>
<div class="tables">{tables}</div>
<footer>{escape(t("growth.privacy_note", lang, k=k))}<br>
{escape(t("growth.report.notes", lang, top=TOP_GROUPS))}</footer>
</body></html>
"""

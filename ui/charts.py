"""Plotly figures of the growth page in the UI language; a hidden figure is a grey cross on the axis."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from core.growth import CompositionRow, Milestone, PeriodFigures, axis_labels, period_label
from ui.i18n import lang, tr

COLORS = {"total": "#1d4ed8", "new": "#3b82f6", "left": "#f97316", "net": "#334155", "applications": "#94a3b8",
          "approvals": "#16a34a", "rejections": "#dc2626", "median": "#7c3aed", "milestone": "#d97706",
          "hidden": "#9ca3af", "group": "#2563eb"}
HEIGHT = 360
DAY_STEPS = (0.5, 1, 2, 5, 10, 20, 50, 100)


def config(file_name: str) -> dict:
    """Plotly's toolbar with its PNG download (named `file_name`) and without the selection tools."""
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
        "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2},
    }


def _people(value: int | None) -> str:
    return tr("growth.hidden") if value is None else tr("growth.people", count=f"{value:,}")


def _signed(value: int | None) -> str:
    return tr("growth.hidden") if value is None else f"{value:+,}"


def _layout(figure: go.Figure, rows: Sequence[PeriodFigures], y_title: str, **extra) -> go.Figure:
    """Legend on top, one hover box per period, short ticks ('4月', with the year where it changes)."""
    ticks = axis_labels([row.period for row in rows], lang())
    figure.update_layout(
        height=HEIGHT,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": 1.14, "x": 0},
        hovermode="x unified",
        xaxis={"type": "category", "tickvals": _x(rows), "tickangle": 0,
               "ticktext": [f"{short}<br>{year}" if year else short for short, year in ticks]},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero", "separatethousands": True, "zeroline": True},
        **extra,
    )
    return figure


def _hidden_marks(figure: go.Figure, x: Sequence[str], hidden: Sequence[list[str]]) -> None:
    """One grey cross on the axis for each period with hidden figures, naming them on hover."""
    points = [(label, ", ".join(names)) for label, names in zip(x, hidden, strict=True) if names]
    if not points:
        return
    figure.add_trace(go.Scatter(
        x=[label for label, _ in points], y=[0] * len(points), mode="markers", name=tr("growth.hidden"),
        cliponaxis=False,
        marker={"symbol": "x-thin", "size": 11, "line": {"width": 2, "color": COLORS["hidden"]}},
        customdata=[names for _, names in points],
        hovertemplate=f"{tr('growth.hidden')}: %{{customdata}}<extra></extra>",
    ))


def _x(rows: Sequence[PeriodFigures]) -> list[str]:
    return [period_label(row.period, lang()) for row in rows]


def total_figure(rows: Sequence[PeriodFigures], reached: Sequence[Milestone]) -> go.Figure:
    x = _x(rows)
    figure = go.Figure(go.Scatter(
        x=x, y=[row.total_members for row in rows], mode="lines+markers", name=tr("growth.series.total"),
        line={"color": COLORS["total"], "width": 3}, fill="tozeroy", fillcolor="rgba(29,78,216,0.08)",
        customdata=[[_people(row.total_members), _signed(row.net_change)] for row in rows],
        hovertemplate=f"{tr('growth.series.total')}: %{{customdata[0]}}<br>"
                      f"{tr('growth.series.net')}: %{{customdata[1]}}<extra></extra>",
    ))
    index = {row.period: i for i, row in enumerate(rows)}
    marks = [(x[index[m.period]], rows[index[m.period]].total_members, m.members) for m in reached
             if m.period in index]
    if marks:
        figure.add_trace(go.Scatter(
            x=[m[0] for m in marks], y=[m[1] for m in marks], mode="markers+text", name=tr("growth.series.milestone"),
            marker={"symbol": "star", "size": 16, "color": COLORS["milestone"]},
            text=[tr("growth.milestone", members=f"{m[2]:,}") for m in marks], textposition="top left",
            textfont={"color": COLORS["milestone"]}, hoverinfo="skip",
        ))
    _hidden_marks(figure, x, [[tr("growth.series.total")] if row.total_members is None else [] for row in rows])
    return _layout(figure, rows, tr("growth.axis.members"))


def flows_figure(rows: Sequence[PeriodFigures]) -> go.Figure:
    """New members up, leavers down, and the net change as a line."""
    x = _x(rows)
    figure = go.Figure()
    figure.add_trace(go.Bar(
        x=x, y=[row.new_members for row in rows], name=tr("growth.series.new"), marker_color=COLORS["new"],
        hovertemplate=f"{tr('growth.series.new')}: %{{y:,}}<extra></extra>",
    ))
    figure.add_trace(go.Bar(
        x=x, y=[None if row.left_members is None else -row.left_members for row in rows],
        name=tr("growth.series.left"), marker_color=COLORS["left"],
        customdata=[row.left_members for row in rows],
        hovertemplate=f"{tr('growth.series.left')}: %{{customdata:,}}<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        x=x, y=[row.net_change for row in rows], mode="lines+markers", name=tr("growth.series.net"),
        line={"color": COLORS["net"], "width": 2, "dash": "dot"},
        hovertemplate=f"{tr('growth.series.net')}: %{{y:+,}}<extra></extra>",
    ))
    names = [tr("growth.series.new"), tr("growth.series.left")]
    _hidden_marks(figure, x, [names if row.new_members is None else [] for row in rows])
    figure = _layout(figure, rows, tr("growth.axis.members"), barmode="relative")
    figure.update_yaxes(rangemode="normal")
    return figure


def funnel_figure(rows: Sequence[PeriodFigures]) -> go.Figure:
    """Applications, approvals and rejections side by side, the median days to a decision on the right axis."""
    x = _x(rows)
    figure = go.Figure()
    series = (("applications", "applications"), ("approvals", "approvals"), ("rejections", "rejections"))
    for field, color in series:
        figure.add_trace(go.Bar(
            x=x, y=[getattr(row, field) for row in rows], name=tr(f"growth.series.{field}"),
            marker_color=COLORS[color], hovertemplate=f"{tr(f'growth.series.{field}')}: %{{y:,}}<extra></extra>",
        ))
    figure.add_trace(go.Scatter(
        x=x, y=[row.median_days for row in rows], mode="lines+markers", name=tr("growth.series.median"),
        yaxis="y2", line={"color": COLORS["median"], "width": 2}, connectgaps=False,
        hovertemplate=f"{tr('growth.series.median')}: %{{y:.1f}}<extra></extra>",
    ))
    _hidden_marks(figure, x, [
        [tr(f"growth.series.{field}") for field, _ in series if getattr(row, field) is None] for row in rows
    ])
    longest = max([row.median_days for row in rows if row.median_days is not None], default=1.0)
    step = next((step for step in DAY_STEPS if longest / step <= 4), DAY_STEPS[-1])
    return _layout(
        figure, rows, tr("growth.axis.applications"), barmode="group",
        yaxis2={"title": {"text": tr("growth.axis.days")}, "overlaying": "y", "side": "right", "showgrid": False,
                "tickmode": "linear", "tick0": 0, "dtick": step, "range": [0, step * (math.floor(longest / step) + 1)]},
    )


def composition_figure(rows: Sequence[CompositionRow], k: int) -> go.Figure:
    """Horizontal bars, the largest group on top; a group below k shows '<k' and no bar."""
    rows = list(rows)[::-1]
    counts = [row.count or 0 for row in rows]
    figure = go.Figure(go.Bar(
        x=counts, y=[row.label for row in rows], orientation="h", marker_color=COLORS["group"],
        text=[f"<{k}" if row.count is None else tr("growth.count_share", count=f"{row.count:,}",
                                                   share=f"{row.share:.1f}") for row in rows],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    figure.update_layout(
        height=max(220, 26 * len(rows) + 70), margin={"l": 10, "r": 40, "t": 10, "b": 10},
        xaxis={"title": {"text": tr("growth.axis.members")}, "range": [0, max(counts, default=0) * 1.3 + 1]},
        yaxis={"automargin": True},
    )
    return figure

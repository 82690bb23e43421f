"""Small inline SVG charts (bars and a line) for self-contained, printable HTML reports."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo',sans-serif"
AXIS = "#6b7280"
GRID = "#e5e7eb"
HIDDEN = "#9ca3af"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | float | None]  # None: hidden, drawn as a grey cross on the axis
    color: str
    below: bool = False  # drawn downwards from zero (e.g. leavers)


@dataclass(frozen=True)
class Mark:
    index: int
    text: str


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    left: int = 44
    right: int = 12
    top: int = 26
    bottom: int = 34

    @property
    def inner_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> float:
        return self.height - self.top - self.bottom


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) that cuts `span` into about `ticks` parts."""
    if span <= 0:
        return 1
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return max(1, factor * power)
    return 10 * power


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "middle", color: str = AXIS,
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{color}" '
            f'font-weight="{weight}">{escape(text)}</text>')


def _open(frame: _Frame, title: str) -> list[str]:
    return [
        f'<svg viewBox="0 0 {frame.width} {frame.height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]


def _axes(frame: _Frame, low: float, high: float, step: float, labels: Sequence[tuple[str, str]]) -> list[str]:
    parts = []

    def y_of(value: float) -> float:
        return frame.top + frame.inner_height * (high - value) / (high - low)

    value = low
    while value <= high + step / 1000:
        y = y_of(value)
        parts.append(f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{GRID if value else AXIS}" stroke-width="1"/>')
        parts.append(_text(frame.left - 5, y + 3.5, f"{abs(value):,.0f}", anchor="end"))
        value += step
    slot = frame.inner_width / max(1, len(labels))
    every = max(1, math.ceil(len(labels) / 12))
    for index, (line1, line2) in enumerate(labels):
        if index % every:
            continue
        x = frame.left + slot * (index + 0.5)
        parts.append(_text(x, frame.height - frame.bottom + 13, line1))
        if line2:
            parts.append(_text(x, frame.height - frame.bottom + 25, line2))
    return parts


def _legend(frame: _Frame, entries: Sequence[tuple[str, str]]) -> list[str]:
    parts, x = [], float(frame.left)
    for name, color in entries:
        parts.append(f'<rect x="{x:.1f}" y="6" width="10" height="10" fill="{color}"/>')
        parts.append(_text(x + 14, 15, name, anchor="start", color="#374151"))
        x += 24 + 11 * len(name) if not name.isascii() else 24 + 6 * len(name)
    return parts


def _range(values: Sequence[float]) -> tuple[float, float, float]:
    """The axis from below zero (if any value is) to above the largest value, and its tick step."""
    high = max([0.0, *values])
    low = min([0.0, *values])
    step = nice_step(high - low)
    high = step * math.ceil(high / step) if high > 0 else step
    low = step * math.floor(low / step) if low < 0 else 0
    return low, high, step


def bar_chart(labels: Sequence[tuple[str, str]], series: Sequence[Series], *, title: str, hidden_name: str,
              width: int = 520, height: int = 200) -> str:
    """Grouped bars per category; a `below` series points down from zero. `labels` are two-line x labels."""
    frame = _Frame(width, height)
    numbers = [(-v if s.below else v) for s in series for v in s.values if v is not None]
    low, high, step = _range(numbers)
    parts = _open(frame, title)
    parts += _axes(frame, low, high, step, labels)
    slot = frame.inner_width / max(1, len(labels))
    upward = [s for s in series if not s.below]
    bar = slot * 0.8 / max(1, len(upward))

    def y_of(value: float) -> float:
        return frame.top + frame.inner_height * (high - value) / (high - low)

    zero = y_of(0)
    any_hidden = False
    for index in range(len(labels)):
        start = frame.left + slot * index + slot * 0.1
        for position, item in enumerate(upward):
            parts += _bar(item, index, start + bar * position, bar, y_of, zero)
            any_hidden |= item.values[index] is None
        for item in series:
            if item.below:
                parts += _bar(item, index, start, bar * len(upward), y_of, zero)
                any_hidden |= item.values[index] is None
    legend = [(s.name, s.color) for s in series]
    if any_hidden:
        legend.append((f"× {hidden_name}", HIDDEN))
    parts += _legend(frame, legend)
    parts.append("</svg>")
    return "".join(parts)


def _bar(item: Series, index: int, x: float, width: float, y_of, zero: float) -> list[str]:
    value = item.values[index]
    if value is None:
        return [_text(x + width / 2, zero + (10 if item.below else -3), "×", size=11, color=HIDDEN)]
    if not value:
        return []
    top = y_of(-value if item.below else value)
    y, height = (zero, top - zero) if item.below else (top, zero - top)
    return [f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width - 1, 1):.1f}" height="{max(height, 0.5):.1f}" '
            f'fill="{item.color}"><title>{escape(item.name)}: {value:,}</title></rect>']


def line_chart(labels: Sequence[tuple[str, str]], values: Sequence[int | None], *, title: str, name: str,
               color: str, marks: Sequence[Mark] = (), width: int = 520, height: int = 200) -> str:
    """A line through the visible values with a dot each; `marks` put a star and a note on a point."""
    frame = _Frame(width, height)
    low, high, step = _range([v for v in values if v is not None])
    parts = _open(frame, title)
    parts += _axes(frame, low, high, step, labels)
    slot = frame.inner_width / max(1, len(labels))

    def point(index: int) -> tuple[float, float]:
        value = values[index] or 0
        return frame.left + slot * (index + 0.5), frame.top + frame.inner_height * (high - value) / (high - low)

    shown = [i for i, v in enumerate(values) if v is not None]
    if len(shown) > 1:
        path = " ".join(f"{'M' if n == 0 else 'L'}{point(i)[0]:.1f},{point(i)[1]:.1f}" for n, i in enumerate(shown))
        parts.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
    for index in shown:
        x, y = point(index)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}">'
                     f"<title>{escape(' '.join(labels[index]))}: {values[index]:,}</title></circle>")
    for mark in marks:
        if values[mark.index] is None:
            continue
        x, y = point(mark.index)
        parts.append(_text(x, y + 4, "★", size=13, color="#d97706"))
        parts.append(_text(x, y - 8, mark.text, size=10, color="#92400e", weight="bold"))
    parts += _legend(frame, [(name, color)])
    parts.append("</svg>")
    return "".join(parts)

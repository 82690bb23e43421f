"""Membership growth: monthly and quarterly figures, milestones, composition, and the liaison's protection.

Every month is a calendar month in Asia/Tokyo. Figures are exact for organizers; the liaison's view
(``k`` given) hides small numbers, and the numbers they could be worked out from (see ``_hidden``).
In a protected figure ``None`` means hidden; the true value is never carried along.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from core import vocab
from core.csvio import write_table
from core.errors import DomainError
from core.i18n import t
from core.privacy import OTHER, suppress, suppress_value
from core.settings import get_setting
from db import growth as repo
from db.audit import record
from db.engine import write_session

GRANULARITIES = ("month", "quarter")
COMPOSITIONS = ("company", "industry", "region")
UNKNOWN = "__unknown__"
MILESTONE_STEPS = (1, 2, 5)
MILESTONE_FIRST = 100
MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

GROWTH_COLUMNS = ("new_members", "left_members", "total_members", "net_change")
FUNNEL_COLUMNS = ("applications", "approvals", "rejections", "approval_rate_percent", "median_days_to_decision")
COMPOSITION_COLUMNS = ("label", "count", "share_percent")


class InvalidMonth(DomainError):
    key = "growth.invalid_month"


class FutureMonth(DomainError):
    key = "growth.future_month"


@dataclass(frozen=True)
class MonthFigures:
    """One calendar month, exact."""

    month: str  # YYYY-MM
    new_members: int
    left_members: int
    total_members: int  # at the end of the month
    applications: int  # submitted in the month (duplicates excluded)
    approvals: int  # decided in the month
    rejections: int
    decision_hours: tuple[tuple[int, int], ...] = ()  # (whole hours from application to decision, decisions)


@dataclass(frozen=True)
class PeriodFigures:
    """One month or quarter as shown; None is a hidden figure (the liaison's view)."""

    period: str  # "2025-04" or "2025-Q2"
    first_month: str
    last_month: str
    total_members: int | None
    net_change: int | None  # total against the end of the period before
    new_members: int | None
    left_members: int | None
    applications: int | None
    approvals: int | None
    rejections: int | None
    median_days: float | None  # None: no decision in the period, or hidden (see decisions_hidden)

    @property
    def decisions_hidden(self) -> bool:
        return self.approvals is None or self.rejections is None

    @property
    def approval_rate(self) -> float | None:
        """Approvals as a percentage of approvals and rejections; None when hidden or nothing was decided."""
        if self.decisions_hidden or not (self.approvals or self.rejections):
            return None
        return 100 * self.approvals / (self.approvals + self.rejections)


@dataclass(frozen=True)
class Kpis:
    current: PeriodFigures
    previous: PeriodFigures | None
    in_progress: bool  # the period holds today: its figures are still growing

    @property
    def total_change_percent(self) -> float | None:
        """Growth of the total against the previous period; None without a previous total above zero."""
        before = self.previous.total_members if self.previous else None
        if before is None or self.current.total_members is None or before == 0:
            return None
        return 100 * (self.current.total_members - before) / before

    @property
    def new_change(self) -> int | None:
        before = self.previous.new_members if self.previous else None
        if before is None or self.current.new_members is None:
            return None
        return self.current.new_members - before


@dataclass(frozen=True)
class Milestone:
    members: int
    period: str  # the first period whose total reached it


@dataclass(frozen=True)
class CompositionRow:
    key: str  # a company name, a JSIC major group letter, a region code, UNKNOWN or OTHER
    label: str
    count: int | None  # None: fewer than k, shown as "<k"
    share: float | None  # percent of all current members


# ---- months and periods ------------------------------------------------------------------


def parse_month(text: str) -> str:
    """A month 'YYYY-MM' as given. Raises InvalidMonth."""
    if not MONTH_PATTERN.match(text or ""):
        raise InvalidMonth(value=text)
    return text


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included (empty when last < first)."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def month_end(month: str) -> dt.date:
    return dt.date.fromisoformat(f"{_next_month(month)}-01") - dt.timedelta(days=1)


def quarter_of(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"


def period_of(month: str, granularity: str) -> str:
    return quarter_of(month) if granularity == "quarter" else month


def period_label(period: str, lang: str = "ja") -> str:
    """'2025年4月' / 'Apr 2025' for a month, '2025年4〜6月' / 'Apr–Jun 2025' for a quarter."""
    year = period[:4]
    names = t("growth.month_names", lang).split()
    if "Q" in period:
        first = (int(period[-1]) - 1) * 3 + 1
        return t("growth.label.quarter", lang, year=year, first=first, last=first + 2,
                 first_name=names[first - 1], last_name=names[first + 1])
    month = int(period[5:])
    return t("growth.label.month", lang, year=year, month=month, name=names[month - 1])


def axis_labels(periods: Sequence[str], lang: str = "ja") -> list[tuple[str, str]]:
    """Short labels for a chart's axis: ('1月', '2026年') where a year begins, else ('5月', '').

    The first label names its year too, unless a new year begins within the next two labels
    (the two years would run into each other).
    """
    names = t("growth.month_names", lang).split()
    years = [period[:4] for period in periods]
    labels = []
    for index, period in enumerate(periods):
        if "Q" in period:
            first = (int(period[-1]) - 1) * 3 + 1
            short = t("growth.axis.quarter", lang, first=first, last=first + 2,
                      first_name=names[first - 1], last_name=names[first + 1])
        else:
            short = names[int(period[5:7]) - 1]
        starts = index > 0 and years[index] != years[index - 1]
        first_with_room = index == 0 and len(set(years[:3])) == 1
        labels.append((short, t("growth.axis.year", lang, year=years[index]) if starts or first_with_room else ""))
    return labels


def monthly_figures(counts: repo.MonthlyCounts, through: str | None = None) -> list[MonthFigures]:
    """One row for every month from the first with any data to the last (or `through`, if later), zeros included."""
    present = set(counts.joined) | set(counts.left) | set(counts.applications) | set(counts.approvals)
    present |= set(counts.rejections)
    if through:
        present.add(through)
    if not present:
        return []
    rows, total = [], 0
    for month in months_between(min(present), max(present)):
        new, left = counts.joined.get(month, 0), counts.left.get(month, 0)
        total += new - left
        rows.append(MonthFigures(
            month=month,
            new_members=new,
            left_members=left,
            total_members=total,
            applications=counts.applications.get(month, 0),
            approvals=counts.approvals.get(month, 0),
            rejections=counts.rejections.get(month, 0),
            decision_hours=tuple(sorted(counts.decision_hours.get(month, {}).items())),
        ))
    return rows


def load_months(engine: Engine, through: str | None = None) -> list[MonthFigures]:
    """Every month's exact figures, counted in SQL."""
    return monthly_figures(repo.monthly_counts(engine), through)


def k_of(engine: Engine) -> int:
    return int(get_setting(engine, "k_anonymity"))


def median_days(histogram: Iterable[tuple[int, int]]) -> float | None:
    """The median of whole hours (given as (hours, how many)) in days, rounded to 0.1; None when empty."""
    pairs = sorted((hours, n) for hours, n in histogram if n > 0)
    count = sum(n for _, n in pairs)
    if count == 0:
        return None
    wanted = (count - 1) // 2, count // 2
    values, seen = [], 0
    for hours, n in pairs:
        for index in wanted:
            if seen <= index < seen + n:
                values.append(hours)
        seen += n
    return round(sum(values) / len(values) / 24, 1)


@dataclass(frozen=True)
class _Hidden:
    total: bool
    membership: bool  # new members, leavers and approvals together
    applications: bool
    rejections: bool


def _hidden(months: Sequence[MonthFigures], k: int | None) -> list[_Hidden]:
    """Which figures of each month the liaison may not see.

    A count from 1 to k-1 is hidden. New members, leavers and approvals of a month are hidden
    together: the change of the total equals new minus leavers, and every approval adds a member,
    so any one of them would give the others away. A total below k hides the membership figures
    of its month and of the next, which would otherwise give the total away.
    """
    def small(count: int) -> bool:
        return k is not None and suppress_value(count, k).suppressed

    membership = [small(m.new_members) or small(m.left_members) or small(m.approvals) for m in months]
    totals = [small(m.total_members) for m in months]
    for index, hidden in enumerate(totals):
        if hidden:
            membership[index] = True
            if index + 1 < len(months):
                membership[index + 1] = True
    return [
        _Hidden(totals[i], membership[i], small(m.applications), small(m.rejections))
        for i, m in enumerate(months)
    ]


def _sum(months: Sequence[MonthFigures], field: str, hidden: bool) -> int | None:
    return None if hidden else sum(getattr(month, field) for month in months)


def periods(months: Sequence[MonthFigures], granularity: str = "month", k: int | None = None) -> list[PeriodFigures]:
    """The figures of every month or quarter, exact (k None) or as the liaison sees them.

    A quarter's figure is hidden whenever one of its months' is: anything else could be subtracted.
    """
    if granularity not in GRANULARITIES:
        raise ValueError(f"unknown granularity: {granularity!r}")
    hidden = _hidden(months, k)
    groups: dict[str, list[int]] = {}
    for index, month in enumerate(months):
        groups.setdefault(period_of(month.month, granularity), []).append(index)
    result = []
    before: int | None = 0
    for period, indexes in groups.items():
        chosen = [months[i] for i in indexes]
        flags = [hidden[i] for i in indexes]
        last = chosen[-1]
        membership_hidden = any(f.membership for f in flags)
        rejections_hidden = any(f.rejections for f in flags)
        end_total = None if flags[-1].total else last.total_members
        histogram = [pair for m in chosen for pair in m.decision_hours]
        result.append(PeriodFigures(
            period=period,
            first_month=chosen[0].month,
            last_month=last.month,
            total_members=end_total,
            net_change=None if end_total is None or before is None else end_total - before,
            new_members=_sum(chosen, "new_members", membership_hidden),
            left_members=_sum(chosen, "left_members", membership_hidden),
            applications=_sum(chosen, "applications", any(f.applications for f in flags)),
            approvals=_sum(chosen, "approvals", membership_hidden),
            rejections=_sum(chosen, "rejections", rejections_hidden),
            median_days=None if membership_hidden or rejections_hidden else median_days(histogram),
        ))
        before = end_total
    return result


def growth_since_first_join(months: Sequence[MonthFigures]) -> list[MonthFigures]:
    """The months from the first join on (the growth export's rows)."""
    first = next((i for i, m in enumerate(months) if m.new_members), None)
    return [] if first is None else list(months[first:])


def window(rows: Sequence[PeriodFigures], first: str, last: str) -> list[PeriodFigures]:
    return [row for row in rows if first <= row.period <= last]


def kpis(rows: Sequence[PeriodFigures], last: str, today: dt.date) -> Kpis | None:
    """The figures of period `last` against the period before it; None when there is no such period."""
    keys = [row.period for row in rows]
    if last not in keys:
        return None
    index = keys.index(last)
    current = rows[index]
    return Kpis(current, rows[index - 1] if index else None,
                current.first_month <= month_of(today) <= current.last_month)


def _milestone_goals() -> Iterator[int]:
    step = 0
    while True:
        yield MILESTONE_STEPS[step % 3] * MILESTONE_FIRST * 10 ** (step // 3)
        step += 1


def milestones(rows: Sequence[PeriodFigures]) -> list[Milestone]:
    """100, 200, 500, 1,000, 2,000 … members: the first period whose total reached each."""
    reached, goals = [], _milestone_goals()
    goal = next(goals)
    for row in rows:
        while row.total_members is not None and row.total_members >= goal:
            reached.append(Milestone(goal, row.period))
            goal = next(goals)
    return reached


def next_milestone(total: int | None) -> int | None:
    """The first milestone above `total`; None for a hidden total."""
    if total is None:
        return None
    return next(goal for goal in _milestone_goals() if goal > total)


# ---- composition -------------------------------------------------------------------------


def _group_key(by: str, value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        return UNKNOWN
    if by == "industry":
        return vocab.major_of(value) or value
    return value


def composition_label(by: str, key: str, lang: str = "ja") -> str:
    if key == OTHER:
        return t("growth.other", lang)
    if key == UNKNOWN:
        return t("growth.unknown", lang)
    return vocab.label(by, key, lang)


def composition(engine: Engine, by: str, on: dt.date, lang: str = "ja", k: int | None = None) -> list[CompositionRow]:
    """Current members on `on` per former company, JSIC major group or region, largest first.

    With k (the liaison's view) groups smaller than k are merged into OTHER (privacy.suppress).
    Raises KeyError for an unknown `by`.
    """
    return composition_rows(by, group_counts(engine, by, on), lang, k)


def group_counts(engine: Engine, by: str, on: dt.date) -> dict[str, int]:
    """Exact member counts on `on` per group key (industries folded into their JSIC major group)."""
    counts: dict[str, int] = {}
    for value, count in repo.composition_counts(engine, by, on).items():
        key = _group_key(by, value)
        counts[key] = counts.get(key, 0) + count
    return counts


def composition_rows(by: str, counts: dict[str, int], lang: str = "ja", k: int | None = None) -> list[CompositionRow]:
    everyone = sum(counts.values())
    if k is None:
        groups = [(key, n, False) for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if n]
    else:
        groups = [(g.label, g.count, g.suppressed) for g in suppress(counts, k)]
    return [
        CompositionRow(key, composition_label(by, key, lang), None if hide else n,
                       None if hide else 100 * n / everyone)
        for key, n, hide in groups
    ]


def top_groups(rows: Sequence[CompositionRow], limit: int, lang: str = "ja") -> list[CompositionRow]:
    """The `limit` largest groups; the rest (and OTHER) merged into one OTHER row.

    Merging only makes OTHER larger, so a liaison's view stays protected.
    """
    named = [row for row in rows if row.key != OTHER]
    if len(named) <= limit:
        return list(rows)
    rest = [row for row in rows if row not in named[:limit]]
    if any(row.count is None for row in rest):
        raise ValueError("a hidden group cannot sit beside more than `limit` shown ones")
    count = sum(row.count or 0 for row in rest)
    share = sum(row.share or 0 for row in rest)
    return [*named[:limit], CompositionRow(OTHER, composition_label("", OTHER, lang), count, share)]


# ---- CSV ---------------------------------------------------------------------------------


def _cell(value: int | None, lang: str) -> str | int:
    return t("growth.hidden", lang) if value is None else value


def _funnel_cells(row: PeriodFigures, lang: str) -> list[str | int]:
    rate = row.approval_rate
    median = row.median_days
    nothing = "" if not row.decisions_hidden else t("growth.hidden", lang)
    return [
        _cell(row.applications, lang), _cell(row.approvals, lang), _cell(row.rejections, lang),
        nothing if rate is None else f"{rate:.1f}", nothing if median is None else f"{median:.1f}",
    ]


def periods_csv(rows: Sequence[PeriodFigures], granularity: str, columns: Sequence[str], lang: str = "ja") -> bytes:
    """The figures behind a chart: a `month` (YYYY-MM) or `quarter` (YYYY-Qn) column, then `columns`."""
    table = []
    for row in rows:
        cells = dict(zip(GROWTH_COLUMNS, [_cell(row.new_members, lang), _cell(row.left_members, lang),
                                          _cell(row.total_members, lang), _cell(row.net_change, lang)],
                         strict=True))
        cells.update(zip(FUNNEL_COLUMNS, _funnel_cells(row, lang), strict=True))
        table.append([row.period, *(cells[column] for column in columns)])
    return write_table([granularity, *columns], table)


def composition_csv_rows(rows: Sequence[CompositionRow], k: int) -> bytes:
    return write_table(
        COMPOSITION_COLUMNS,
        [[row.label, f"<{k}" if row.count is None else row.count, "" if row.share is None else f"{row.share:.1f}"]
         for row in rows],
    )


def audit_export(engine: Engine, actor: str, kind: str, details: dict) -> None:
    with write_session(engine) as session:
        record(session, actor=actor, action="export", entity=kind, details=details)


def growth_csv(engine: Engine, actor: str, lang: str = "ja", liaison: bool = False) -> bytes:
    """Every month from the first join to the latest month with data (exact, or the liaison's view); audited."""
    months = growth_since_first_join(load_months(engine))
    rows = periods(months, "month", k_of(engine) if liaison else None)
    audit_export(engine, actor, "growth", {"rows": len(rows), "liaison_view": liaison})
    return periods_csv(rows, "month", GROWTH_COLUMNS + FUNNEL_COLUMNS, lang)


def composition_csv(engine: Engine, actor: str, by: str, on: dt.date, lang: str = "ja") -> bytes:
    """The liaison's view of the composition on `on`: one row per group, small groups merged; audited."""
    k = k_of(engine)
    rows = composition(engine, by, on, lang, k)
    audit_export(engine, actor, "composition", {"by": by, "on": on.isoformat(), "rows": len(rows)})
    return composition_csv_rows(rows, k)

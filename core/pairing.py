"""Event pairing: one-to-one pairs or tables of N, round after round, with nobody meeting twice.

Plain arrays in, plain values out. The method (see the README):

1. Pairs: each round is a maximum weight matching on the pairs still allowed (not the same
   employer, not introduced before, not met in an earlier round): the most pairs first, then the
   highest total score (Edmonds' blossom algorithm, exact, from rustworkx). Whoever is left over
   (one person for an odd count) joins the pair where they add the most score: a group of three.
2. Tables of N: as many tables as needed for at most N a table, their sizes differing by at most
   one. The round's pairs are seated first (each pair at the table where it adds the most), then
   two people at different tables swap seats while a swap raises the round's total; a pair that is
   not allowed counts as a large loss, so it is only seated together when nothing else is possible.
   This is a heuristic: it ends at a seating no single swap improves, not a proven optimum.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass

import numpy as np
import rustworkx
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from core import matching
from core.csvio import read_table, write_table
from core.errors import DomainError
from core.normalize import normalize_email
from db import introductions as intro_repo
from db import matching as repo
from db.audit import record
from db.engine import write_session
from db.models import Event, EventAttendee, Introduction, utcnow

WEIGHT_SCALE = 1_000_000  # the blossom algorithm takes integer weights: scores 0..1 in millionths
MAX_TABLE_SIZE = 10
MAX_SWAPS = 20_000
REASONS_PER_SEAT = 3  # at a table, the reasons for a person's three best matches there


class MissingEmailColumn(DomainError):
    key = "pairing.no_email_column"


class EventTitleRequired(DomainError):
    key = "pairing.title_required"


class RecordConflict(DomainError):
    key = "pairing.record_conflict"


@dataclass(frozen=True)
class Matching:
    pairs: list[tuple[int, int]]  # (i, j) with i < j
    unmatched: list[int]
    weight: float


@dataclass(frozen=True)
class Round:
    number: int  # 1, 2, ...
    groups: list[tuple[int, ...]]  # pairs (and one group of three for an odd count), or tables
    total: float  # the sum of the scores of every two people seated together who were allowed to meet
    repeats: int  # two people seated together who were not allowed to meet (only when unavoidable)


def max_weight_matching(weights: np.ndarray, allowed: np.ndarray) -> Matching:
    """A matching of the most pairs with the highest total weight among the `allowed` pairs.

    `weights` and `allowed` are symmetric n x n arrays; weights are clipped to 0..1.
    """
    n = weights.shape[0]
    rows, cols = np.nonzero(np.triu(np.asarray(allowed, dtype=bool), k=1))
    w = np.clip(np.asarray(weights, dtype=np.float64)[rows, cols], 0.0, 1.0)
    graph = rustworkx.PyGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(list(zip(rows.tolist(), cols.tolist(), np.rint(w * WEIGHT_SCALE).astype(int).tolist(),
                                  strict=True)))
    chosen = rustworkx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    pairs = sorted((min(a, b), max(a, b)) for a, b in chosen)
    covered = {v for pair in pairs for v in pair}
    total = float(sum(weights[a, b] for a, b in pairs))
    return Matching(pairs, [v for v in range(n) if v not in covered], total)


def _place_leftovers(groups: list[list[int]], leftovers: list[int], weights: np.ndarray,
                     allowed: np.ndarray) -> None:
    """Each leftover joins the group where they add most without a repeated pair (else the best group)."""
    for person in leftovers:
        if not groups:
            groups.append([person])
            continue
        best, best_key = 0, None
        for g, group in enumerate(groups):
            clean = all(allowed[person, other] for other in group)
            key = (clean, -len(group), sum(float(weights[person, other]) for other in group))
            if best_key is None or key > best_key:
                best, best_key = g, key
        groups[best].append(person)


def table_sizes(people: int, table_size: int) -> list[int]:
    """As few tables as hold everyone at no more than `table_size` a table, sizes differing by at most one."""
    tables = max(1, math.ceil(people / table_size))
    small, extra = divmod(people, tables)
    return [small + 1] * extra + [small] * (tables - extra)


def _seat_tables(weights: np.ndarray, allowed: np.ndarray, table_size: int) -> list[list[int]]:
    """Tables of at most `table_size` with a high total score (the heuristic in the module docstring)."""
    n = weights.shape[0]
    if n == 0:
        return []
    sizes = table_sizes(n, table_size)
    penalty = float(n * table_size)  # more than any gain a swap can bring
    gain = np.where(allowed, np.clip(weights, 0.0, 1.0), -penalty)
    np.fill_diagonal(gain, 0.0)
    seats = [[] for _ in sizes]
    pairs = max_weight_matching(weights, allowed)
    singles = list(pairs.unmatched)
    for pair in sorted(pairs.pairs, key=lambda p: -weights[p]):
        fits = [t for t, table in enumerate(seats) if sizes[t] - len(table) >= 2]
        if not fits:
            singles.extend(pair)
            continue
        best = max(fits, key=lambda t: (sum(gain[p, q] for p in pair for q in seats[t]), -len(seats[t])))
        seats[best].extend(pair)
    for person in singles:
        fits = [t for t, table in enumerate(seats) if len(table) < sizes[t]]
        best = max(fits, key=lambda t: (sum(gain[person, q] for q in seats[t]), -len(seats[t])))
        seats[best].append(person)
    table_of = np.empty(n, dtype=int)
    for t, table in enumerate(seats):
        table_of[table] = t
    at_table = gain @ np.eye(len(sizes))[table_of]  # at_table[i, t]: what i gains from the people at table t
    everyone = np.arange(n)
    for _ in range(MAX_SWAPS):
        # moving i to j's table and j to i's: i gains at_table[i, t_j] - w[i, j] and loses at_table[i, t_i]
        move = at_table[:, table_of] - at_table[everyone, table_of][:, None]
        change = move + move.T - 2 * gain
        change[table_of[:, None] == table_of[None, :]] = 0.0
        i, j = np.unravel_index(np.argmax(change), change.shape)
        if change[i, j] <= 1e-9:
            break
        a, b = table_of[i], table_of[j]
        at_table[:, a] += gain[:, j] - gain[:, i]
        at_table[:, b] += gain[:, i] - gain[:, j]
        table_of[i], table_of[j] = b, a
    return [sorted(np.nonzero(table_of == t)[0].tolist()) for t in range(len(sizes))]


def pair_rounds(weights: np.ndarray, allowed: np.ndarray, rounds: int = 1, table_size: int = 2) -> list[Round]:
    """`rounds` rounds of pairs (`table_size` 2) or tables; two people never meet twice while avoidable.

    `allowed[i, j]` False forbids the pair from the first round on (e.g. introduced before).
    Every person is in exactly one group each round; with pairs, an odd count gives one group of three.
    """
    if not 2 <= table_size <= MAX_TABLE_SIZE:
        raise ValueError(f"table size must be 2..{MAX_TABLE_SIZE}")
    weights = np.asarray(weights, dtype=np.float64)
    allowed = np.array(allowed, dtype=bool)
    np.fill_diagonal(allowed, False)
    result = []
    for number in range(1, rounds + 1):
        if table_size == 2:
            found = max_weight_matching(weights, allowed)
            groups = [list(pair) for pair in found.pairs]
            _place_leftovers(groups, found.unmatched, weights, allowed)
        else:
            groups = _seat_tables(weights, allowed, table_size)
        total, repeats = 0.0, 0
        for group in groups:
            for k, a in enumerate(group):
                for b in group[k + 1:]:
                    if allowed[a, b]:
                        total += float(weights[a, b])
                    else:
                        repeats += 1
            for a in group:
                allowed[a, group] = False
        result.append(Round(number, [tuple(sorted(g)) for g in groups], total, repeats))
    return result


# ---- pairing the attendees of an event ---------------------------------------------------------

@dataclass(frozen=True)
class Seat:
    round: int
    group: int
    member_id: int
    email: str
    name: str
    reason: str


@dataclass(frozen=True)
class EventPlan:
    seats: list[Seat]
    rounds: list[Round]
    skipped: list[tuple[str, str]]  # (what was given, why it was left out: a catalogue key)
    seconds: float
    meetings: list[Meeting]  # every two members seated together, for recording the event
    table_size: int  # 2: one-to-one pairs


@dataclass(frozen=True)
class Meeting:
    round: int
    member_a_id: int  # the smaller id
    member_b_id: int
    reason: str


@dataclass(frozen=True)
class RecordedEvent:
    event_id: int
    introductions: int  # introductions added (status introduced)
    already: int  # pairs left alone because they had been introduced already


@dataclass(frozen=True)
class Attendees:
    member_ids: list[int]
    skipped: list[tuple[str, str]]


def attendees_from_csv(engine: Engine, data: bytes, today: dt.date | None = None) -> Attendees:
    """Members named by the `email` column of a CSV (UTF-8, BOM or CP932). Raises CsvUnreadable, CsvEmpty,
    MissingEmailColumn. Unknown e-mails and members who may not be matched come back in `skipped`."""
    table = read_table(data)
    names = ("email", "e-mail", "メールアドレス")
    column = next((name for name in table.header if name.strip().lower() in names), None)
    if column is None:
        raise MissingEmailColumn()
    emails = [row.cells.get(column, "").strip() for row in table.rows]
    return attendees_from_emails(engine, [e for e in emails if e], today)


def attendees_from_emails(engine: Engine, emails: list[str], today: dt.date | None = None) -> Attendees:
    known = repo.ids_by_email(engine, [normalize_email(e) for e in emails])
    matchable = matching.match_data(engine, today).index.position
    ids: list[int] = []
    skipped: list[tuple[str, str]] = []
    for email in emails:
        member_id = known.get(normalize_email(email))
        if member_id is None:
            skipped.append((email, "pairing.skip.unknown"))
        elif member_id not in matchable:
            skipped.append((email, "pairing.skip.not_matchable"))
        elif member_id in ids:
            skipped.append((email, "pairing.skip.twice"))
        else:
            ids.append(member_id)
    return Attendees(ids, skipped)


def plan_event(engine: Engine, member_ids: list[int], rounds: int = 1, lang: str = "ja",
               today: dt.date | None = None, table_size: int = 2) -> EventPlan:
    """Rounds of pairs (or tables of `table_size`) for the attendees: highest total score, nobody meeting
    someone introduced to them before or met in an earlier round.

    Members who may not be matched (not opted in, left, erased) are left out and listed in `skipped`.
    """
    started = time.perf_counter()
    data = matching.match_data(engine, today)
    index = data.index
    present = [m for m in dict.fromkeys(member_ids) if m in index.position]
    skipped = [(str(m), "pairing.skip.not_matchable") for m in member_ids if m not in index.position]
    positions = [index.position[m] for m in present]
    scores = index.pair_scores(positions) / 100.0
    allowed = ~index.same_employer(positions)
    at = {m: n for n, m in enumerate(present)}
    for a in present:
        for b in data.partners.get(a, ()):
            if b in at:
                allowed[at[a], at[b]] = allowed[at[b], at[a]] = False
    planned = pair_rounds(scores, allowed, rounds, table_size)

    def reason(p: int, q: int) -> str:
        person, other = index.profiles[positions[p]], index.profiles[positions[q]]
        return matching.describe(matching.reasons(person, other), person.name, other.name, lang)

    seats, meetings = [], []
    for round_ in planned:
        for number, group in enumerate(round_.groups, start=1):
            for p in group:
                person = index.profiles[positions[p]]
                best = sorted((q for q in group if q != p), key=lambda q: -scores[p, q])[:REASONS_PER_SEAT]
                seats.append(Seat(round_.number, number, person.id, person.email, person.name,
                                  " / ".join(reason(p, q) for q in best)))
            for k, p in enumerate(group):
                for q in group[k + 1:]:
                    a, b = sorted((p, q), key=lambda x: present[x])
                    meetings.append(Meeting(round_.number, present[a], present[b], reason(a, b)))
    return EventPlan(seats, planned, skipped, time.perf_counter() - started, meetings, table_size)


def record_event(engine: Engine, plan: EventPlan, title: str, held_on: dt.date, actor: str) -> RecordedEvent:
    """Keep the event, its attendees and every two people seated together as an introduction
    (status introduced), so that later events and suggestions do not pair them again.

    One transaction. Pairs introduced in the meantime are left alone and counted in `already`.
    Raises EventTitleRequired for an empty title, RecordConflict when someone recorded one of these
    pairs at the same moment (nothing is kept; recording again works).
    """
    title = title.strip()
    if not title:
        raise EventTitleRequired()
    now = utcnow()
    try:
        return _record_event(engine, plan, title, held_on, actor, now)
    except IntegrityError:
        raise RecordConflict() from None


def _record_event(engine: Engine, plan: EventPlan, title: str, held_on: dt.date, actor: str,
                  now: dt.datetime) -> RecordedEvent:
    with write_session(engine) as session:
        event = Event(title=title, held_on=held_on)
        session.add(event)
        session.flush()
        session.add_all(EventAttendee(event_id=event.id, member_id=m) for m in dict.fromkeys(s.member_id
                                                                                             for s in plan.seats))
        known = intro_repo.pairs_among(session, [s.member_id for s in plan.seats])
        added = already = 0
        for meeting in plan.meetings:
            pair = (meeting.member_a_id, meeting.member_b_id)
            if pair in known:
                already += 1
                continue
            known.add(pair)
            session.add(Introduction(member_a_id=pair[0], member_b_id=pair[1], status="introduced",
                                     reason=meeting.reason or None, introduced_by=actor, event_id=event.id,
                                     event_round=meeting.round, proposed_at=now, introduced_at=now))
            added += 1
        session.flush()
        record(session, actor=actor, action="event_recorded", entity="event", entity_id=event.id,
               details={"title": title, "held_on": held_on.isoformat(), "attendees": len({s.member_id for s in
                                                                                         plan.seats}),
                        "introductions": added, "already": already})
    return RecordedEvent(event.id, added, already)


EVENT_COLUMNS = ("round", "group", "email", "name", "reason")


def event_csv(plan: EventPlan) -> bytes:
    """The plan as CSV with the columns round, group, email, name, reason."""
    return write_table(EVENT_COLUMNS, [[s.round, s.group, s.email, s.name, s.reason] for s in plan.seats])

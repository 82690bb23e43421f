"""Event pairing: maximum weight matching of attendees, round after round, with no pair repeated.

Plain arrays in, plain values out. The method (see the README):

1. Each round is a maximum weight matching on the pairs still allowed (not the same employer, not
   introduced before, not paired in an earlier round): the most pairs first, then the highest total
   score. It is solved as a linear programme (HiGHS, dual simplex) with the degree constraints,
   starting from each person's INITIAL_PARTNERS best pairs. While the solution has odd cycles of
   halves, the blossom inequality of each cycle is added; while a left-out pair has a negative
   reduced cost, it is added. An integral solution with no such pair is an optimal matching of all
   allowed pairs (LP duality), so the result is proven optimal.
2. Should this not end within the limits, the integer programme over every allowed pair is solved
   (HiGHS branch and bound, with a time limit) and its remaining gap is reported.
3. Whoever is left over (one person for an odd count) joins the pair where they add the most score
   without a repeated pair: a group of three. This step is greedy, not part of the optimum.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, vstack
from sqlalchemy import Engine

from core import matching
from core.csvio import read_table, write_table
from core.errors import DomainError
from core.normalize import normalize_email
from db import matching as repo

INTEGRAL_TOLERANCE = 1e-6
PRICING_TOLERANCE = 1e-9
INITIAL_PARTNERS = 12
MAX_PRICED = 2000
MAX_CUT_ROUNDS = 200
CUT_TIME_LIMIT_S = 1.5
MILP_TIME_LIMIT_S = 5.0


class MissingEmailColumn(DomainError):
    key = "pairing.no_email_column"


@dataclass(frozen=True)
class Matching:
    pairs: list[tuple[int, int]]  # (i, j) with i < j
    unmatched: list[int]
    weight: float
    optimal: bool  # proven optimal for (most pairs, then highest total)
    gap: float  # relative gap to the proven bound; 0.0 when optimal


@dataclass(frozen=True)
class Round:
    number: int  # 1, 2, ...
    groups: list[tuple[int, ...]]  # pairs, and at most a few groups of three
    matching: Matching


def _edges(allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    upper = np.triu(allowed, k=1)
    return np.nonzero(upper)


def max_weight_matching(weights: np.ndarray, allowed: np.ndarray) -> Matching:
    """A matching of the most pairs with the highest total weight among the `allowed` pairs.

    `weights` and `allowed` are symmetric n x n arrays; weights are clipped to 0..1.
    """
    n = weights.shape[0]
    rows, cols = _edges(np.asarray(allowed, dtype=bool))
    if n < 2 or rows.size == 0:
        return Matching([], list(range(n)), 0.0, True, 0.0)
    w = np.clip(weights[rows, cols].astype(np.float64), 0.0, 1.0)
    size = n
    if n % 2:  # a partner of weight 0 for whoever is left over keeps the relaxation tight
        rows = np.concatenate([rows, np.arange(n)])
        cols = np.concatenate([cols, np.full(n, n)])
        w = np.concatenate([w, np.zeros(n)])
        size = n + 1
    gain = w + (n / 2 + 1.0)  # a matching weighs at most n/2, so one more pair always wins
    try:
        chosen, optimal, gap = _solve(size, rows, cols, gain)
    except _GiveUp:
        chosen, optimal, gap = _solve_integer(size, rows, cols, gain)
    real = chosen[cols[chosen] < n]
    return _result(n, rows, cols, w, real, optimal=optimal, gap=gap)


class _GiveUp(Exception):
    pass


def _initial_edges(size: int, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Each person's INITIAL_PARTNERS best pairs (by gain), as edge indices."""
    order = np.lexsort((-gain,))
    keep = np.zeros(rows.size, dtype=bool)
    for ends in (rows, cols):
        by_end = order[np.argsort(ends[order], kind="stable")]
        starts = np.searchsorted(ends[by_end], np.arange(size))
        rank = np.arange(by_end.size) - starts[ends[by_end]]
        keep[by_end[rank < INITIAL_PARTNERS]] = True
    return np.nonzero(keep)[0]


def _solve(size: int, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray) -> tuple[np.ndarray, bool, float]:
    """Cutting planes (odd-set inequalities) and pricing (edges added while their reduced cost says so).

    Returns (chosen edge indices, True, 0.0) with a proof of optimality. Raises _GiveUp at the limits.
    """
    started = time.perf_counter()
    active = _initial_edges(size, rows, cols, gain)
    cuts: list[np.ndarray] = []
    for _ in range(MAX_CUT_ROUNDS):
        if time.perf_counter() - started > CUT_TIME_LIMIT_S:
            break
        r, c = rows[active], cols[active]
        m = active.size
        blocks = [coo_matrix((np.ones(2 * m), (np.concatenate([r, c]), np.tile(np.arange(m), 2))),
                             shape=(size, m))]
        for members in cuts:
            inside = np.nonzero(np.isin(r, members) & np.isin(c, members))[0]
            blocks.append(coo_matrix((np.ones(inside.size), (np.zeros(inside.size, dtype=int), inside)),
                                     shape=(1, m)))
        limits = np.concatenate([np.ones(size), [(len(s) - 1) / 2 for s in cuts]])
        result = linprog(-gain[active], A_ub=vstack(blocks, format="csr"), b_ub=limits, bounds=(0, None),
                         method="highs-ds")
        if result.status != 0:
            break
        x = result.x
        fractional = (x > INTEGRAL_TOLERANCE) & (x < 1 - INTEGRAL_TOLERANCE)
        if fractional.any():
            new_cuts = _odd_sets(size, r[fractional], c[fractional])
            if not new_cuts:
                break
            cuts.extend(new_cuts)
            continue
        duals = -result.ineqlin.marginals
        reduced = duals[rows] + duals[cols] - gain
        for k, members in enumerate(cuts):
            reduced += duals[size + k] * (np.isin(rows, members) & np.isin(cols, members))
        reduced[active] = 0.0
        priced = np.nonzero(reduced < -PRICING_TOLERANCE)[0]
        if priced.size == 0:
            return active[x > 0.5], True, 0.0
        active = np.union1d(active, priced[np.argsort(reduced[priced])][:MAX_PRICED])
    raise _GiveUp


def _odd_sets(n: int, rows: np.ndarray, cols: np.ndarray) -> list[np.ndarray]:
    """Vertex sets of the connected components of the fractional edges that have an odd size."""
    parent = list(range(n))

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        parent[find(a)] = find(b)
    components: dict[int, list[int]] = {}
    for v in set(rows.tolist()) | set(cols.tolist()):
        components.setdefault(find(v), []).append(v)
    return [np.array(sorted(vs)) for vs in components.values() if len(vs) % 2 == 1 and len(vs) >= 3]


def _solve_integer(size: int, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray) -> tuple[np.ndarray, bool, float]:
    """The fallback: the integer programme over every allowed pair, with a time limit and its gap."""
    m = rows.size
    incidence = coo_matrix((np.ones(2 * m), (np.concatenate([rows, cols]), np.tile(np.arange(m), 2))),
                           shape=(size, m)).tocsr()
    result = milp(-gain, constraints=LinearConstraint(incidence, -np.inf, np.ones(size)), integrality=np.ones(m),
                  bounds=Bounds(0, 1), options={"time_limit": MILP_TIME_LIMIT_S})
    if result.x is None:
        raise RuntimeError("the matching solver found no solution")
    gap = 0.0 if result.status == 0 else float(getattr(result, "mip_gap", float("nan")))
    return np.nonzero(result.x > 0.5)[0], result.status == 0, gap


def _result(n, rows, cols, w, chosen, *, optimal: bool, gap: float) -> Matching:
    pairs = sorted((int(rows[e]), int(cols[e])) for e in chosen)
    covered = {v for pair in pairs for v in pair}
    return Matching(pairs, [v for v in range(n) if v not in covered], float(w[chosen].sum()), optimal, gap)


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


def pair_rounds(weights: np.ndarray, allowed: np.ndarray, rounds: int = 1) -> list[Round]:
    """`rounds` rounds of pairs; a pair (or two people of a group) never meet twice while avoidable.

    `allowed[i, j]` False forbids the pair from the first round on (e.g. introduced before).
    Every person is in exactly one group each round; an odd count gives one group of three.
    """
    allowed = np.array(allowed, dtype=bool)
    np.fill_diagonal(allowed, False)
    result = []
    for number in range(1, rounds + 1):
        matching = max_weight_matching(weights, allowed)
        groups = [list(pair) for pair in matching.pairs]
        _place_leftovers(groups, matching.unmatched, weights, allowed)
        for group in groups:
            for a in group:
                for b in group:
                    allowed[a, b] = False
        result.append(Round(number, [tuple(sorted(g)) for g in groups], matching))
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
               today: dt.date | None = None) -> EventPlan:
    """Rounds of pairs for the attendees, highest total score, no pair from earlier introductions or rounds.

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
    planned = pair_rounds(scores, allowed, rounds)
    seats = []
    for round_ in planned:
        for number, group in enumerate(round_.groups, start=1):
            people = [index.profiles[positions[p]] for p in group]
            for person in people:
                others = [o for o in people if o.id != person.id]
                reason = " / ".join(matching.describe(matching.reasons(person, o), person.name, o.name, lang)
                                    for o in others)
                seats.append(Seat(round_.number, number, person.id, person.email, person.name, reason))
    return EventPlan(seats, planned, skipped, time.perf_counter() - started)


EVENT_COLUMNS = ("round", "group", "email", "name", "reason")


def event_csv(plan: EventPlan) -> bytes:
    """The plan as CSV with the columns round, group, email, name, reason."""
    return write_table(EVENT_COLUMNS, [[s.round, s.group, s.email, s.name, s.reason] for s in plan.seats])

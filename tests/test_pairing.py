"""Event pairing: optimal against brute force, no repeats across rounds, odd counts, exclusions, tables."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from core.pairing import max_weight_matching, pair_rounds, table_sizes


def random_case(n: int, seed: int, forbid: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    weights = np.round(rng.random((n, n)), 2)
    weights = np.triu(weights, 1) + np.triu(weights, 1).T
    allowed = rng.random((n, n)) >= forbid
    allowed = np.triu(allowed, 1) | np.triu(allowed, 1).T
    return weights, allowed


def best_by_brute_force(weights: np.ndarray, allowed: np.ndarray) -> tuple[int, float]:
    """(most pairs, highest total) over every matching of the allowed pairs."""
    n = weights.shape[0]
    best = (0, 0.0)

    def extend(free: tuple[int, ...], pairs: int, total: float) -> None:
        nonlocal best
        best = max(best, (pairs, round(total, 9)))
        if len(free) < 2:
            return
        first, rest = free[0], free[1:]
        extend(rest, pairs, total)  # the first person stays unpaired
        for k, other in enumerate(rest):
            if allowed[first, other]:
                extend(rest[:k] + rest[k + 1:], pairs + 1, total + weights[first, other])

    extend(tuple(range(n)), 0, 0.0)
    return best


@pytest.mark.parametrize(("n", "seed", "forbid"), [
    (n, seed, forbid) for n in (2, 3, 4, 5, 6, 7, 8, 9, 10) for seed in (1, 2) for forbid in (0.0, 0.4)
])
def test_pairs_are_optimal_against_brute_force(n, seed, forbid):
    weights, allowed = random_case(n, seed, forbid)
    found = max_weight_matching(weights, allowed)
    assert all(allowed[a, b] for a, b in found.pairs)
    assert (len(found.pairs), round(found.weight, 9)) == best_by_brute_force(weights, allowed)


def test_pairing_300_attendees_pairs_everyone():
    weights, allowed = random_case(300, 3, 0.3)
    found = max_weight_matching(weights, allowed)
    assert len(found.pairs) == 150 and not found.unmatched
    assert all(allowed[a, b] for a, b in found.pairs)


@pytest.mark.parametrize("n", [6, 7, 8, 11, 12, 21])
def test_several_rounds_never_repeat_a_pair_and_seat_everyone_each_round(n):
    weights, _ = random_case(n, n)
    forbidden = {(0, 1)}
    allowed = np.ones((n, n), dtype=bool)
    for a, b in forbidden:
        allowed[a, b] = allowed[b, a] = False
    rounds = pair_rounds(weights, allowed, rounds=3)
    met: set[frozenset[int]] = set()
    for round_ in rounds:
        seated = sorted(p for group in round_.groups for p in group)
        assert seated == list(range(n))
        sizes = sorted(len(group) for group in round_.groups)
        assert sizes == [2] * (n // 2 - 1) + [2 + n % 2]
        for group in round_.groups:
            for a, b in itertools.combinations(group, 2):
                assert frozenset((a, b)) not in met
                assert (min(a, b), max(a, b)) not in forbidden
                met.add(frozenset((a, b)))


def test_an_odd_count_gives_exactly_one_group_of_three():
    weights, allowed = random_case(9, 4)
    (round_,) = pair_rounds(weights, allowed)
    assert sorted(len(g) for g in round_.groups) == [2, 2, 2, 3]


def test_the_third_person_joins_the_pair_where_they_add_most():
    weights = np.zeros((3, 3))
    weights[0, 1] = weights[1, 0] = 0.9
    weights[2, 0] = weights[0, 2] = 0.1
    (round_,) = pair_rounds(weights, np.ones((3, 3), dtype=bool))
    assert round_.groups == [(0, 1, 2)]
    assert round_.total == pytest.approx(0.9 + 0.1)


def test_nobody_is_left_out_even_when_every_pair_is_forbidden():
    rounds = pair_rounds(np.zeros((4, 4)), np.zeros((4, 4), dtype=bool))
    assert sorted(p for g in rounds[0].groups for p in g) == [0, 1, 2, 3]


def test_random_small_events_are_optimal_every_round():
    rng = random.Random(11)
    for _ in range(20):
        n = rng.randint(4, 9)
        weights, allowed = random_case(n, rng.randint(0, 10**6), 0.2)
        first = max_weight_matching(weights, allowed)
        assert (len(first.pairs), round(first.weight, 9)) == best_by_brute_force(weights, allowed)


@pytest.mark.parametrize(("people", "size", "expected"), [
    (10, 4, [4, 3, 3]), (12, 4, [4, 4, 4]), (13, 4, [4, 3, 3, 3]), (5, 4, [3, 2]), (3, 6, [3]), (31, 8, [8, 8, 8, 7]),
])
def test_tables_hold_at_most_n_and_differ_by_at_most_one(people, size, expected):
    assert table_sizes(people, size) == expected


def seated_score(groups, weights) -> float:
    return sum(weights[a, b] for group in groups for a, b in itertools.combinations(group, 2))


@pytest.mark.parametrize(("n", "size"), [(16, 4), (13, 4), (36, 6), (61, 8)])
def test_tables_seat_everyone_every_round_and_nobody_meets_twice(n, size):
    weights, _ = random_case(n, n + size)
    rounds = pair_rounds(weights, np.ones((n, n), dtype=bool), rounds=2, table_size=size)
    met: set[frozenset[int]] = set()
    for round_ in rounds:
        assert sorted(p for group in round_.groups for p in group) == list(range(n))
        assert sorted(len(g) for g in round_.groups) == sorted(table_sizes(n, size))
        assert round_.repeats == 0
        for group in round_.groups:
            for a, b in itertools.combinations(group, 2):
                assert frozenset((a, b)) not in met
                met.add(frozenset((a, b)))


def test_when_a_repeat_cannot_be_avoided_there_are_as_few_as_possible():
    # 12 people at 3 tables of 4: in round 2 each table holds at least two who sat together in round 1
    weights, _ = random_case(12, 3)
    rounds = pair_rounds(weights, np.ones((12, 12), dtype=bool), rounds=2, table_size=4)
    assert [r.repeats for r in rounds] == [0, 3]


def test_no_single_swap_between_tables_improves_a_round():
    n, size = 24, 4
    weights, _ = random_case(n, 7)
    (round_,) = pair_rounds(weights, np.ones((n, n), dtype=bool), table_size=size)
    best = seated_score(round_.groups, weights)
    assert round_.total == pytest.approx(best)
    groups = [list(g) for g in round_.groups]
    for g, h in itertools.combinations(range(len(groups)), 2):
        for i in range(len(groups[g])):
            for j in range(len(groups[h])):
                swapped = [list(x) for x in groups]
                swapped[g][i], swapped[h][j] = groups[h][j], groups[g][i]
                assert seated_score(swapped, weights) <= best + 1e-9


def test_tables_beat_a_random_seating_by_far():
    n, size = 60, 6
    weights, _ = random_case(n, 5)
    (round_,) = pair_rounds(weights, np.ones((n, n), dtype=bool), table_size=size)
    rng = np.random.default_rng(0)
    random_scores = [seated_score(np.array_split(rng.permutation(n), n // size), weights) for _ in range(50)]
    assert round_.total > max(random_scores)


def test_forbidden_pairs_sit_apart_whenever_possible():
    n = 8
    weights = np.ones((n, n))
    allowed = np.ones((n, n), dtype=bool)
    for a, b in [(0, 1), (2, 3), (0, 2), (1, 3)]:
        allowed[a, b] = allowed[b, a] = False
    (round_,) = pair_rounds(weights, allowed, table_size=4)
    assert round_.repeats == 0
    for group in round_.groups:
        assert all(allowed[a, b] for a, b in itertools.combinations(group, 2))


def test_a_table_size_outside_two_to_ten_is_refused():
    with pytest.raises(ValueError):
        pair_rounds(np.zeros((4, 4)), np.ones((4, 4), dtype=bool), table_size=1)

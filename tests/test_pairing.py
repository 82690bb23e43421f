"""Event pairing: optimal against brute force, no repeats across rounds, odd counts, exclusions."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from core.pairing import max_weight_matching, pair_rounds


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
    assert found.optimal
    assert all(allowed[a, b] for a, b in found.pairs)
    assert (len(found.pairs), round(found.weight, 9)) == best_by_brute_force(weights, allowed)


def test_pairing_300_attendees_is_proven_optimal():
    weights, allowed = random_case(300, 3)
    found = max_weight_matching(weights, allowed)
    assert found.optimal and len(found.pairs) == 150


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
    assert round_.matching.pairs == [(0, 1)]


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

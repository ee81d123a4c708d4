"""pairs.best_per_copilot (each copilot's best pairs, in exactly np.lexsort's order, ties included) and Pairs.merge."""

from __future__ import annotations

import numpy as np
import pytest

from bot.rules.matching.pairs import Pairs, best_per_copilot


def _by_lexsort(pairs: Pairs, rank_key: np.ndarray, per_copilot: np.ndarray) -> np.ndarray:
    order = np.lexsort((-rank_key, pairs.copilot_rows))
    ranked = pairs.copilot_rows[order]
    rank = np.arange(ranked.size) - np.searchsorted(ranked, ranked)
    return np.sort(order[rank < per_copilot[ranked]])


@pytest.mark.parametrize(("n_copilots", "seed"), [(1, 0), (7, 1), (2_000, 2), (70_000, 3)])
def test_best_per_copilot_keeps_lexsort_order_with_ties(n_copilots: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 20_000
    pairs = Pairs(
        mentee_rows=rng.integers(0, 5_000, n),
        copilot_rows=rng.integers(0, n_copilots, n),
        values=rng.integers(1, 100, n),
    )
    rank_key = rng.integers(0, 30, n)  # many ties: the original order must decide them
    per_copilot = rng.integers(0, 12, n_copilots)

    kept = best_per_copilot(pairs, rank_key, per_copilot)

    np.testing.assert_array_equal(kept, _by_lexsort(pairs, rank_key, per_copilot))
    assert kept.size == np.minimum(np.bincount(pairs.copilot_rows, minlength=n_copilots), per_copilot).sum()


def test_best_per_copilot_of_nothing() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert best_per_copilot(Pairs(empty, empty, empty), empty, np.zeros(3, dtype=np.int64)).size == 0


@pytest.mark.parametrize("seed", range(40))
def test_merge_is_the_union_once_each_in_request_then_copilot_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_copilots = int(rng.integers(1, 30))

    def pairs(shuffled: bool) -> Pairs:
        keys = np.unique(rng.integers(0, 50 * n_copilots, size=int(rng.integers(0, 60))))
        keys = rng.permutation(keys) if shuffled else keys
        return Pairs(keys // n_copilots, keys % n_copilots, keys * 7 % 1000)

    # Sorted lists take the fast way; a shuffled one the general way. Both give the same.
    ours, theirs = pairs(seed % 3 == 0), pairs(seed % 5 == 0)
    merged = ours.merge(theirs, n_copilots)
    union = np.union1d(
        ours.mentee_rows * n_copilots + ours.copilot_rows,
        theirs.mentee_rows * n_copilots + theirs.copilot_rows,
    )
    assert (merged.mentee_rows * n_copilots + merged.copilot_rows).tolist() == union.tolist()
    assert merged.values.tolist() == (union * 7 % 1000).tolist()

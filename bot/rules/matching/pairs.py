"""Scored pairs as arrays, and the cuts every step of a round makes of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Pairs:
    """Scored allowed pairs as arrays (request row, copilot row, value = centipoints + match bonus)."""

    mentee_rows: np.ndarray
    copilot_rows: np.ndarray
    values: np.ndarray

    def subset(self, index: np.ndarray) -> Pairs:
        return Pairs(self.mentee_rows[index], self.copilot_rows[index], self.values[index])

    def merge(self, other: Pairs, n_copilots: int) -> Pairs:
        """Both, once each, sorted by (request, copilot)."""
        ours = self.mentee_rows * n_copilots + self.copilot_rows
        theirs = other.mentee_rows * n_copilots + other.copilot_rows
        if ours.size and _increasing(ours) and _increasing(theirs):
            # Two sorted lists, as pricing's are: slot the new pairs in rather than sort them all again.
            at = np.searchsorted(ours, theirs)
            new = ~((at < ours.size) & (ours[np.minimum(at, ours.size - 1)] == theirs))
            at = at[new]
            return Pairs(
                np.insert(self.mentee_rows, at, other.mentee_rows[new]),
                np.insert(self.copilot_rows, at, other.copilot_rows[new]),
                np.insert(self.values, at, other.values[new]),
            )
        m = np.concatenate([self.mentee_rows, other.mentee_rows])
        v = np.concatenate([self.copilot_rows, other.copilot_rows])
        keys = m * n_copilots + v
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        first = order[np.r_[True, keys[1:] != keys[:-1]]] if keys.size else order
        return Pairs(m[first], v[first], np.concatenate([self.values, other.values])[first])


def _increasing(keys: np.ndarray) -> bool:
    return keys.size < 2 or bool((keys[1:] > keys[:-1]).all())


def best_per_copilot(pairs: Pairs, rank_key: np.ndarray, per_copilot: np.ndarray) -> np.ndarray:
    """Indices of each copilot's best ``per_copilot`` pairs by ``rank_key`` (higher first)."""
    # The same order as np.lexsort((-rank_key, copilot_rows)), in half the time: both sorts are stable,
    # and the second, on copilot rows that fit 16 bits, is NumPy's radix sort.
    order = np.argsort(-rank_key, kind="stable")
    copilots = pairs.copilot_rows[order]
    if copilots.size and int(copilots.max()) < 1 << 16:
        copilots = copilots.astype(np.uint16)
    order = order[np.argsort(copilots, kind="stable")]
    ranked = pairs.copilot_rows[order]
    rank = np.arange(ranked.size) - np.searchsorted(ranked, ranked)
    return np.sort(order[rank < per_copilot[ranked]])

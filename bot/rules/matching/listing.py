"""Each copilot's list of requests: the graph a round is first solved on (``candidate_graph``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from bot.rules.matching.candidates import NO_THRESHOLD, Scan, choose_thresholds, scan, team_scan
from bot.rules.matching.pairs import Pairs, best_per_copilot
from bot.rules.matching.round_input import RoundInput
from bot.rules.matching.scoring import TIE_BITS, tie_break_key

# Each copilot lists this many requests per free seat, plus EXTRA_CANDIDATES, before solving. More
# means fewer pricing passes but a bigger graph for the solver (see bench/bench_matching.py).
CANDIDATES_PER_SEAT = 6
EXTRA_CANDIDATES = 8
# Rounds with at least this many open copilots list them on two threads.
_THREADED_LISTS = 4096
# Bits of a listing key (see _listing_key) that count a request's other listers.
_LISTER_BITS = 20


@dataclass(frozen=True, eq=False)
class Candidates:
    graph: Pairs  # what the first solve sees, in the solver's order (see solver_order)
    known: Pairs  # every pair scored while listing: the graph and what was cut from it
    thresholds: np.ndarray  # per copilot row: every allowed pair not in ``known`` is worth at most this
    wanted: np.ndarray  # per copilot row: how many requests its list holds at most
    # per open copilot (bounds.copilots): the threshold whose better-bounded groups hold ``wanted``
    # requests (candidates.choose_thresholds), which pricing's shallow scans use again
    shallow: np.ndarray


def solver_order(pairs: Pairs, round_input: RoundInput) -> Pairs:
    """By request row, then best first with seeded ties: a fixed order, so a fixed answer."""
    keys = tie_break_key(
        round_input.rules.seed,
        round_input.table.person_ids[pairs.mentee_rows],
        round_input.pool.person_ids[pairs.copilot_rows],
        pairs.values,
    )
    return pairs.subset(np.lexsort((-keys, pairs.mentee_rows)))


def _list(
    round_input: RoundInput, wanted: np.ndarray, who: np.ndarray, team_rows: np.ndarray
) -> tuple[Pairs, np.ndarray, np.ndarray]:
    """Scan open copilots ``bounds.copilots[who]`` (and ``team_rows`` by team) for ``wanted`` requests each."""
    if who.size < _THREADED_LISTS:
        return _list_part(round_input, wanted, who, team_rows)
    # Two halves on two threads: the work is NumPy's, which lets go of the interpreter lock.
    halves = [
        (who[: who.size // 2], team_rows[: team_rows.size // 2]),
        (who[who.size // 2 :], team_rows[team_rows.size // 2 :]),
    ]
    with ThreadPoolExecutor(2) as threads:
        (first, first_cut, first_shallow), (second, second_cut, second_shallow) = threads.map(
            lambda half: _list_part(round_input, wanted, *half), halves
        )
    # In (request, copilot) order, as one call would give them (ties keep that order downstream).
    both = Pairs(
        *(
            np.concatenate([a, b])
            for a, b in zip(
                (first.mentee_rows, first.copilot_rows, first.values),
                (second.mentee_rows, second.copilot_rows, second.values),
                strict=True,
            )
        )
    )
    order = np.argsort(both.mentee_rows * len(round_input.pool) + both.copilot_rows, kind="stable")
    return (
        both.subset(order),
        np.concatenate([first_cut, second_cut]),
        np.concatenate([first_shallow, second_shallow]),
    )


def _list_part(
    round_input: RoundInput, wanted: np.ndarray, who: np.ndarray, team_rows: np.ndarray
) -> tuple[Pairs, np.ndarray, np.ndarray]:
    pool, groups, bounds = round_input.pool, round_input.groups, round_input.bounds
    open_thresholds = choose_thresholds(groups, bounds, pool, wanted, who)
    listed, cut = scan(
        groups, bounds, pool, who, open_thresholds, round_input.rules.seed, cap=wanted[bounds.copilots[who]]
    )
    found = Scan.join([listed, team_scan(groups, pool, team_rows)])
    return Pairs(*round_input.evaluate_scan(found)), np.maximum(open_thresholds, cut), open_thresholds


def candidate_graph(
    round_input: RoundInput, per_seat: int = CANDIDATES_PER_SEAT, extra: int = EXTRA_CANDIDATES
) -> Candidates:
    """Each copilot's best ``per_seat`` x free seats + ``extra`` listed requests."""
    pool, bounds = round_input.pool, round_input.bounds
    wanted = per_seat * pool.remaining + extra
    known, open_thresholds, shallow = _list(
        round_input, wanted, np.arange(bounds.copilots.size), round_input.available_rows
    )
    thresholds = np.full(len(pool), NO_THRESHOLD, dtype=np.int64)
    thresholds[bounds.copilots] = open_thresholds
    graph = known.subset(best_per_copilot(known, _listing_key(round_input, known), wanted))
    return Candidates(solver_order(graph, round_input), known, thresholds, wanted, shallow)


def _listing_key(round_input: RoundInput, known: Pairs) -> np.ndarray:
    """Per pair, how a copilot ranks it for its list: value, then fewer other listers, then a seeded hash.

    Scores tie a lot, so a copilot often cuts its list inside a crowd of equally good requests.
    Those that many copilots listed are likely to be matched elsewhere; a copilot that kept only
    those ends up with a worse mentee and a low price, and pricing then finds the requests it
    should have listed (at 100,000 requests: 55,600 improving pairs after the first solve when
    ties were cut by hash alone, 2,900 with this order).
    """
    listers = np.bincount(known.mentee_rows, minlength=len(round_input.table.profiles))
    keys = tie_break_key(
        round_input.rules.seed,
        round_input.table.person_ids[known.mentee_rows],
        round_input.pool.person_ids[known.copilot_rows],
        known.values,
    )
    hashed = (keys & ((1 << TIE_BITS) - 1)) >> _LISTER_BITS
    fewer = (1 << _LISTER_BITS) - 1 - np.minimum(listers[known.mentee_rows], (1 << _LISTER_BITS) - 1)
    return (known.values.astype(np.int64) << TIE_BITS) | (fewer << (TIE_BITS - _LISTER_BITS)) | hashed

"""A whole round of pairings at once, provably the best over every allowed pairing.

``assign_round`` maximises (sum of scores + MATCH_BONUS per pair) subject to: a request gets at most
one copilot, a copilot takes at most ``capacity - current_load`` new mentees, and no hard rule is
broken. It works by column generation:

1. **Candidates** (``listing``): each copilot lists the requests in its best-bounded groups until it
   has CANDIDATES_PER_SEAT per free seat (+ EXTRA_CANDIDATES), scores them exactly and keeps the best,
   the less-listed first among equals; what it did not list is known to be worth at most its threshold.
2. **First prices by region** (``regions``, rounds of 30,000 requests and more whose people sit in
   two or more time-zone regions): each region is solved on its own edges, the largest in a second
   process, and pricing at those prices adds the pairs the first solve should see.
3. **Solve** (``solver``): OR-Tools min-cost flow on the graph, then dual prices rebuilt from the flow
   and checked exactly.
4. **Price** (``pricing``): any allowed pair that could still improve the round is found, exactly for
   pairs already scored and by bounding whole groups of requests per copilot for the rest. If there
   are any they join the graph, and the cheapest of three ways settles the grown graph:
   ``reprice`` looks for other prices proving the same answer (scores tie so much that one answer has
   many optimal prices, and the pairs found often beat only the prices); else ``repair`` solves the
   part of the graph near the new pairs and proves the result on the whole graph; else step 3 runs
   again on the part of the graph near the current answer. The last pass finding none, with prices
   checked exactly on every graph edge, is the certificate.

Measured at 100,000 requests x 20,000 volunteers (bench/bench_matching.py, README "Benchmarks"): the
round went from four whole solves (10.4-10.6 s) to one, plus three regional solves and a repair (4.4-4.7 s,
2.3x, same objective). What each step bought, on one quiet-machine series: listing the less-listed of
equal requests first cut the improving pairs after the first solve from 55,600 to 2,900 and the solves
from four to two; repairing near the 120 pairs of the second pricing pass replaced a third solve
(0.15 s against 1.5 s); first prices by region replaced the first whole solve (about 0.6 s on two cores
against 1.7 s); putting each distinct part of a score into words once cut the explanations from 0.55 s
to 0.2 s; with the regions' prices, 8 extra candidates per copilot instead of 10 made a smaller graph
that needs no more passes (0.4 s; at 4 a second whole solve comes back).
Tried and not kept: exact top-k lists (each copilot scanning down to its true best scores) made
the first graph less diverse and the first solve worse (objective 8,512,300 against 8,671,473); a
longer reach for the repair after the first solve (its 2,900 pairs touch half the graph within two
steps); regions solved again after the whole solve (the regions' answer held 303 pairs across seams
fixed and fell short); a slack-limited first whole solve after the regions (more passes); OR-Tools
with ties perturbed away (slower: 2.3 against 1.8 s), or with one sink per region (no change). The
solver holds the interpreter lock, and its time grows faster than the size of one connected problem:
the first graph's edges within each of the seven UTC offsets take 2.7 s in one call and 0.84 s as
seven. An exact compiled auction that repairs the previous answer from its prices
(``bench/compare_auction.py``, numba, on demand) was measured earlier and was slower than the flow
(2.55 against 1.87 CPU-s on the first graph), because 320,000 of its 424,000 edges are tight.

Deterministic for a given input and rules.seed: equal values are ordered by a seeded hash when a
copilot's list is cut, every array handed to the solver is in a fixed order, and the second process
runs the same solver on the same arrays as this one would.
``greedy_round`` is the first-come-first-served baseline it is benchmarked against.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from bot.rules.matching.candidates import choose_thresholds
from bot.rules.matching.explanations import explained_scores
from bot.rules.matching.facts import CopilotFacts, MatchHistory, MatchRules, MenteeFacts, OrgChart
from bot.rules.matching.listing import (
    CANDIDATES_PER_SEAT,
    EXTRA_CANDIDATES,
    Candidates,
    candidate_graph,
    solver_order,
)
from bot.rules.matching.pairs import Pairs, best_per_copilot
from bot.rules.matching.pricing import price_out
from bot.rules.matching.regions import REGIONAL_REQUESTS, regional_prices, second_core, time_zone_regions
from bot.rules.matching.repair import repair_near
from bot.rules.matching.round_input import RoundInput
from bot.rules.matching.scoring import MATCH_BONUS, MatchScore
from bot.rules.matching.solver import (
    Duals,
    best_assignment,
    check_duals,
    dual_prices,
    proving_prices,
)

# Each pricing pass adds to the graph up to this many times a copilot's list length of its most
# improving pairs (partial pricing: see pricing.price_out).
ADD_FACTOR = 4
# After the first pass the solver sees the matched edges, the new ones and graph edges whose slack is
# at most this many times the largest gain of a new edge, and at most RESOLVE_SLACK_CAP centipoints
# (see solve_optimally). This only sizes the re-solves: whatever they miss, pricing finds.
RESOLVE_SLACK_FACTOR = 2
RESOLVE_SLACK_CAP = 300
# ... keeping, per copilot, only its remaining capacity + this many unmatched requests.
IDLE_PER_COPILOT = 2
# Before a re-solve, new prices for the same answer on the grown graph are sought for at most this many
# rounds of solver.dual_prices (see solve_optimally).
REPRICE_ROUNDS = 60


class ProposedPair(NamedTuple):
    # A named tuple, not a frozen dataclass: a large round makes 44,000 of them, and the dataclass's
    # __init__ took 0.19 s of it (as for scoring.ScorePart).
    request_id: int
    mentee_id: int
    volunteer_id: int
    score: MatchScore


@dataclass(frozen=True)
class RoundResult:
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[int, ...]  # request_ids left without a copilot this round

    @property
    def total_score(self) -> float:
        return round(sum(pair.score.total for pair in self.pairs), 2)

    @property
    def objective(self) -> float:
        """What assign_round maximises: total score plus MATCH_BONUS per pair."""
        return round(self.total_score + MATCH_BONUS * len(self.pairs), 2)


def _round_result(round_input: RoundInput, m: np.ndarray, v: np.ndarray) -> RoundResult:
    table, pool = round_input.table, round_input.pool
    order = np.argsort(m, kind="stable")
    m, v = m[order], v[order]
    scores = explained_scores(table, m, pool, v, round_input.past, round_input.rules)
    pairs = tuple(
        ProposedPair(
            request_id=table.profiles[m_row].request_id,
            mentee_id=table.profiles[m_row].person_id,
            volunteer_id=pool.profiles[v_row].person_id,
            score=score,
        )
        for m_row, v_row, score in zip(m.tolist(), v.tolist(), scores, strict=True)
    )
    matched = np.zeros(len(table.profiles), dtype=bool)
    matched[m] = True
    unmatched = tuple(table.profiles[row].request_id for row in np.flatnonzero(~matched).tolist())
    return RoundResult(pairs=pairs, unmatched=unmatched)


@dataclass(frozen=True)
class OptimalRound:
    graph: Pairs
    chosen: np.ndarray  # edge indices into graph
    passes: int  # solves; the last one's pricing found nothing


def reprice(
    solving: Pairs, chosen: np.ndarray, added: Pairs, n_requests: int, remaining: np.ndarray
) -> tuple[Pairs, np.ndarray, Duals] | None:
    """The same answer on ``solving`` + ``added`` with prices that prove it optimal there, if any.

    An answer is often still optimal when pairs join the graph (scores tie a lot, so many prices are
    optimal for one answer and pricing saw the ones that some new pair beats): rebuilding the prices
    on the grown graph then replaces a whole re-solve. None when the answer is not optimal there
    or the prices do not settle within REPRICE_ROUNDS.
    """
    grown = solving.merge(added, remaining.size)
    grown_chosen = _positions(grown, solving, chosen, remaining.size)
    duals = proving_prices(
        grown.mentee_rows,
        grown.copilot_rows,
        grown.values,
        grown_chosen,
        n_requests,
        remaining,
        max_rounds=REPRICE_ROUNDS,
    )
    if duals is None:
        return None
    return grown, grown_chosen, duals


def _positions(grown: Pairs, solving: Pairs, chosen: np.ndarray, n_copilots: int) -> np.ndarray:
    """Where ``solving``'s chosen edges stand in ``grown``, which holds them and is sorted by key."""
    keys = grown.mentee_rows * n_copilots + grown.copilot_rows
    return np.searchsorted(keys, solving.mentee_rows[chosen] * n_copilots + solving.copilot_rows[chosen])


def _repair(
    graph: Pairs,
    solving: Pairs,
    chosen: np.ndarray,
    added: Pairs,
    duals: Duals,
    remaining: np.ndarray,
    limit: int,
) -> tuple[Pairs, np.ndarray, Duals] | None:
    """``repair.repair_near`` on the whole graph so far (which holds ``added``), as ``reprice`` answers."""
    at = _positions(graph, solving, chosen, remaining.size)  # the graph is merged, so sorted
    repaired = repair_near(
        graph.mentee_rows,
        graph.copilot_rows,
        graph.values,
        at,
        added.mentee_rows,
        added.copilot_rows,
        duals,
        remaining,
        limit,
    )
    if repaired is None:
        return None
    answer, prices = repaired
    return graph, answer, prices


def _priced(
    round_input: RoundInput,
    thresholds: np.ndarray,
    known: Pairs,
    duals: Duals,
    per_copilot: np.ndarray,
    shallow: np.ndarray,
    timings: MutableMapping[str, float],
) -> tuple[Pairs, np.ndarray, np.ndarray]:
    """``known`` with what pricing scanned at these prices, every pair's reduced cost, and the improving ones."""
    scanned = Pairs(
        *round_input.evaluate_scan(price_out(round_input, thresholds, duals, per_copilot, shallow))
    )
    known = known.merge(scanned, len(round_input.pool))
    reduced = known.values - duals.request[known.mentee_rows] - duals.copilot[known.copilot_rows]
    timings["scored_by_pricing"] = timings.get("scored_by_pricing", 0) + scanned.values.size
    return known, reduced, np.flatnonzero(reduced > 0)


def solve_optimally(
    round_input: RoundInput,
    candidates: Candidates,
    timings: MutableMapping[str, float] | None = None,
    per_seat: int = CANDIDATES_PER_SEAT,
    extra: int = EXTRA_CANDIDATES,
    regions: tuple[np.ndarray, np.ndarray] | None = None,
    core: subprocess.Popen[bytes] | None = None,
) -> OptimalRound:
    """Solve, price out, add what could improve, repeat: returns only a round proven optimal.

    Every pair ever scored stays in ``known`` and is priced exactly on every pass, together with
    what ``pricing.price_out`` scans. The graph only grows (each pass adds at least one improving
    pair). After the first pass the solver sees only the matched edges, the new ones and the graph
    edges with small slack ``u + p - value``: an improving change is a set of cycles, and an old edge
    on one has slack at most the gain of the new edges on it. Whatever such a re-solve leaves out is
    still priced, so correctness never rests on it; and a pass that does not raise the objective
    makes the next one solve the whole graph, so the loop cannot cycle and ends. Before a re-solve,
    ``reprice`` may prove the same answer on the grown graph instead, and then ``repair`` a better
    answer found near the new pairs (the graph still grows, so this too ends). With ``regions``
    (``regions.time_zone_regions``), a first pass prices the round region by region, the largest on
    ``core`` (a ``far_solve`` process), before the first whole solve. The pass whose pricing finds
    nothing is the certificate.
    """
    timings = timings if timings is not None else {}
    pool = round_input.pool
    remaining = pool.remaining
    per_copilot = per_seat * remaining + extra
    graph, known = candidates.graph, candidates.known
    bounds = round_input.bounds
    # Each copilot's shallow pricing threshold depends only on per_copilot: computed once, not per
    # pass, and already by the listing when it listed as many.
    if np.array_equal(candidates.wanted, per_copilot):
        shallow = candidates.shallow
    else:
        shallow = choose_thresholds(
            round_input.groups, bounds, pool, per_copilot, np.arange(bounds.copilots.size)
        )
    solving = graph  # what the solver sees: the whole graph, or after the first pass its part near the answer
    passes, best_value, repriced = 0, -1, None
    if regions is not None:
        # A first pass by time-zone region: its prices only choose the pairs the first solve sees.
        start = time.perf_counter()
        duals = regional_prices(
            graph.mentee_rows,
            graph.copilot_rows,
            graph.values,
            *regions,
            len(round_input.table.profiles),
            remaining,
            core,
        )
        middle = time.perf_counter()
        known, reduced, better = _priced(
            round_input, candidates.thresholds, known, duals, per_copilot, shallow, timings
        )
        pick = better[best_per_copilot(known.subset(better), reduced[better], ADD_FACTOR * per_copilot)]
        graph = graph.merge(known.subset(pick), len(pool))
        solving = solver_order(graph, round_input)
        timings["solve"] = timings.get("solve", 0.0) + middle - start
        timings["pricing"] = timings.get("pricing", 0.0) + time.perf_counter() - middle
        timings["regions"] = int(regions[1].max()) + 1
    while True:
        start = time.perf_counter()
        if repriced is None:
            passes += 1
            chosen = best_assignment(solving.mentee_rows, solving.copilot_rows, solving.values, remaining)
            duals = dual_prices(
                solving.mentee_rows,
                solving.copilot_rows,
                solving.values,
                chosen,
                len(round_input.table.profiles),
                remaining,
            )
        else:
            solving, chosen, duals = repriced
            timings["repriced"] = timings.get("repriced", 0) + 1
        check_duals(solving.mentee_rows, solving.copilot_rows, solving.values, chosen, duals, remaining)
        middle = time.perf_counter()
        known, reduced, better = _priced(
            round_input, candidates.thresholds, known, duals, per_copilot, shallow, timings
        )
        timings["solve"] = timings.get("solve", 0.0) + middle - start
        timings["pricing"] = timings.get("pricing", 0.0) + time.perf_counter() - middle
        if better.size == 0:
            timings["passes"] = passes
            timings["final_graph_edges"] = solving.values.size
            return OptimalRound(solving, chosen, passes)
        pick = better[best_per_copilot(known.subset(better), reduced[better], ADD_FACTOR * per_copilot)]
        added = known.subset(pick)
        graph = graph.merge(added, len(pool))
        start = time.perf_counter()
        repriced = reprice(solving, chosen, added, len(round_input.table.profiles), remaining)
        timings["solve"] += time.perf_counter() - start
        if repriced is not None:
            continue
        # An improving change is made of cycles whose old edges have slack (u + p - value) at most
        # the gain of the new edges on them.
        limit = min(RESOLVE_SLACK_FACTOR * int(reduced[pick].max()), RESOLVE_SLACK_CAP)
        start = time.perf_counter()
        repriced = _repair(graph, solving, chosen, added, duals, remaining, limit)
        timings["solve"] += time.perf_counter() - start
        if repriced is not None:
            timings["repaired"] = timings.get("repaired", 0) + 1
            continue
        value = int(solving.values[chosen].sum())
        if value <= best_value:
            solving = solver_order(graph, round_input)  # no progress near the answer: solve everything
        else:
            # Keep the edges near the answer and let pricing catch the rest.
            slack = duals.request[graph.mentee_rows] + duals.copilot[graph.copilot_rows] - graph.values
            close = np.flatnonzero(slack <= limit)
            # Unmatched requests tied at a copilot's price are interchangeable there: a few per
            # copilot are enough for the solver to see that price.
            matched = np.zeros(len(round_input.table.profiles), dtype=bool)
            matched[solving.mentee_rows[chosen]] = True
            idle = close[~matched[graph.mentee_rows[close]]]
            keep_idle = idle[best_per_copilot(graph.subset(idle), -slack[idle], remaining + IDLE_PER_COPILOT)]
            near = graph.subset(np.union1d(close[matched[graph.mentee_rows[close]]], keep_idle))
            solving = solver_order(near.merge(solving.subset(chosen), len(pool)), round_input)
        best_value = max(best_value, value)


def assign_round(
    mentees: Sequence[MenteeFacts],
    volunteers: Sequence[CopilotFacts],
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
    timings: MutableMapping[str, float] | None = None,
) -> RoundResult:
    """Pair all open requests at once, optimally over every allowed pairing (see the module docstring).

    ``timings``, when given, receives seconds per phase (candidates, solve, pricing, explanations)
    and the number of solver passes.
    """
    timings = timings if timings is not None else {}
    start = time.perf_counter()
    regions = None
    if len(mentees) >= REGIONAL_REQUESTS:
        # Rows in the order of the profiles, as the round's table and pool have them.
        regions = time_zone_regions(
            np.fromiter((m.utc_offset_minutes for m in mentees), dtype=np.int64, count=len(mentees)),
            np.fromiter((v.utc_offset_minutes for v in volunteers), dtype=np.int64, count=len(volunteers)),
        )
    with second_core(regions is not None) as core:
        round_input = RoundInput.build(mentees, volunteers, org, history, rules)
        candidates = candidate_graph(round_input)
        timings["candidates"] = time.perf_counter() - start
        timings["graph_edges"] = candidates.graph.values.size
        best = solve_optimally(round_input, candidates, timings, regions=regions, core=core)
    start = time.perf_counter()
    result = _round_result(
        round_input, best.graph.mentee_rows[best.chosen], best.graph.copilot_rows[best.chosen]
    )
    timings["explanations"] = time.perf_counter() - start
    return result


def greedy_round(
    mentees: Sequence[MenteeFacts],
    volunteers: Sequence[CopilotFacts],
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
) -> RoundResult:
    """Baseline: requests in the given order each take their best copilot with room left.

    Uses assign_round's first candidate graph, so the two are directly comparable.
    """
    round_input = RoundInput.build(mentees, volunteers, org, history, rules)
    graph = candidate_graph(round_input).graph
    room = round_input.pool.remaining.tolist()
    taken: set[int] = set()
    chosen: list[int] = []
    for edge, (m_row, v_row) in enumerate(
        zip(graph.mentee_rows.tolist(), graph.copilot_rows.tolist(), strict=True)
    ):
        if m_row not in taken and room[v_row] > 0:
            room[v_row] -= 1
            taken.add(m_row)
            chosen.append(edge)
    picked = np.array(chosen, dtype=np.int64)
    return _round_result(round_input, graph.mentee_rows[picked], graph.copilot_rows[picked])

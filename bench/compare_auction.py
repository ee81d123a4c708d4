"""Benchmark: a compiled auction against OR-Tools' min-cost flow on a round's first graph. On demand only:

    pip install numba   # not a dependency of mentor-bot: this only measures whether the solver should be one
    python bench/compare_auction.py [--requests 10000] [--runs 3] [--hold-back 0.02]

Why it exists: the round's solves (bot/rules/matching/solver.py) cannot start from the previous answer,
and the documented way forward was a solver that repairs it from its prices. This is that solver, exact,
measured on the candidate graph of bench/bench_matching.py's world (volunteers = requests / 5):

- **from scratch**: the auction, then ``solver.dual_prices`` and ``check_duals`` on its answer (the exact
  certificate the round uses), and the objective compared with the flow's;
- **repair**: the auction on the graph with ``--hold-back`` of its edges left out, then started again
  from its own prices and holders on the whole graph (what a re-solve after pricing would do).

The auction. The round (see ``solver``): each request takes at most one copilot, copilot c at most
``remaining[c]`` requests, maximise the sum of values. An auction needs a perfect assignment, so the
problem is made square: copilot c is ``remaining[c]`` seats, each request i has a private object
"i unmatched" (value 0), and each seat of c has a "room" bidder that values c's seats and the
"unmatched" objects of c's neighbours at 0. A room bidder on a seat is an empty seat; a room bidder on
"i unmatched" stands for the seat that i took at c. Every round maps onto a perfect assignment of the
same value and back. (Without the room bidders, eps-scaling leaves seats empty at a positive price and
the answer is not optimal: the asymmetric case needs a reverse auction.)

Forward auction for similar objects (Bertsekas): a bidder not within eps of its best option takes that
object (a copilot's cheapest seat), raising its price by the gap to its second-best option plus eps.
eps shrinks by EPS_FACTOR per phase, keeping prices and every holder still within the new eps. With
values scaled by (bidders + 1) and a last eps of 1 the answer is provably optimal; a scale of only
SCALE_CAP was as often certified here and faster, and whatever it returns is checked exactly anyway.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

try:
    from numba import njit
except ImportError:  # pragma: no cover - an on-demand benchmark
    sys.exit("bench/compare_auction.py needs numba: pip install numba")

from bot.rules.matching.facts import MatchRules
from bot.rules.matching.listing import candidate_graph
from bot.rules.matching.round_input import RoundInput
from bot.rules.matching.solver import NotOptimal, best_assignment, check_duals, dual_prices
from tests.matching_worlds import build_world

EPS_FACTOR = 3
EPS_START = 8  # the first eps is the largest scaled value / EPS_START
WARM_POINTS = 100  # a repair starts at eps = this many centipoints
SCALE_CAP = 2
MAX_BIDS_PER_BIDDER = 400  # per phase, on average, before it gives up
BIG = 1 << 60


@njit(cache=True)
def _cheapest_two(seat_price, s0, s1):
    best, best_price, second = -1, BIG, BIG
    for s in range(s0, s1):
        price = seat_price[s]
        if price < best_price:
            second = best_price
            best, best_price = s, price
        elif price < second:
            second = price
    return best, best_price, second


@njit(cache=True)
def _best(
    b,
    n,
    n_seats,
    req_start,
    edge_copilot,
    edge_value,
    cop_start,
    cop_request,
    seat_start,
    seat_owner,
    seat_price,
    free_price,
):
    """Bidder b's best object (seats first, then "j unmatched" at n_seats + j), its edge, profit, and the next profit."""
    best_obj, best_edge, best, other = -1, -1, -BIG, -BIG
    if b < n:
        best_obj, best = n_seats + b, -free_price[b]
        for e in range(req_start[b], req_start[b + 1]):
            c = edge_copilot[e]
            if seat_start[c] == seat_start[c + 1]:
                continue
            s, price, second = _cheapest_two(seat_price, seat_start[c], seat_start[c + 1])
            profit = edge_value[e] - price
            alt = edge_value[e] - second if second < BIG else -BIG
            if profit > best:
                other = max(best, alt)
                best_obj, best_edge, best = s, e, profit
            elif profit > other:
                other = profit
    else:
        c = seat_owner[b - n]
        s, price, second = _cheapest_two(seat_price, seat_start[c], seat_start[c + 1])
        best_obj, best = s, -price
        other = -second if second < BIG else -BIG
        for k in range(cop_start[c], cop_start[c + 1]):
            j = cop_request[k]
            profit = -free_price[j]
            if profit > best:
                other = best
                best_obj, best = n_seats + j, profit
            elif profit > other:
                other = profit
    return best_obj, best_edge, best, other


@njit(cache=True)
def _auction(
    req_start,
    edge_copilot,
    edge_value,
    cop_start,
    cop_request,
    seat_start,
    seat_owner,
    seat_price,
    free_price,
    seat_holder,
    free_holder,
    eps,
    factor,
    max_bids,
):
    """Runs the phases in place on the prices and holders; returns each request's edge (or -1) and the bids (< 0: gave up)."""
    n = req_start.size - 1
    n_seats = seat_owner.size
    n_bidders = n + n_seats  # requests, then one room bidder per seat
    held = np.full(n_bidders, -1, dtype=np.int64)
    for s in range(n_seats):
        if seat_holder[s] >= 0:
            held[seat_holder[s]] = s
    for j in range(n):
        if free_holder[j] >= 0:
            held[free_holder[j]] = n_seats + j
    request_edge = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if 0 <= held[i] < n_seats:
            for e in range(req_start[i], req_start[i + 1]):
                if edge_copilot[e] == seat_owner[held[i]]:
                    request_edge[i] = e
            if request_edge[i] < 0:  # its pair left the graph: it bids again
                seat_holder[held[i]] = -1
                held[i] = -1
    queue = np.empty(n_bidders + 1, dtype=np.int64)
    bids = 0
    while True:
        # Keep every bidder within eps of its best option; the others let go and bid.
        head, tail = 0, 0
        for b in range(n_bidders):
            o = held[b]
            if o >= 0:
                obj, edge, best, other = _best(
                    b,
                    n,
                    n_seats,
                    req_start,
                    edge_copilot,
                    edge_value,
                    cop_start,
                    cop_request,
                    seat_start,
                    seat_owner,
                    seat_price,
                    free_price,
                )
                if o < n_seats:
                    now = (edge_value[request_edge[b]] if b < n else 0) - seat_price[o]
                else:
                    now = -free_price[o - n_seats]
                if now >= best - eps:
                    continue
                if o < n_seats:
                    seat_holder[o] = -1
                else:
                    free_holder[o - n_seats] = -1
                held[b] = -1
                if b < n:
                    request_edge[b] = -1
            queue[tail] = b
            tail += 1
        while head != tail:
            b = queue[head]
            head = head + 1 if head < n_bidders else 0
            obj, edge, best, other = _best(
                b,
                n,
                n_seats,
                req_start,
                edge_copilot,
                edge_value,
                cop_start,
                cop_request,
                seat_start,
                seat_owner,
                seat_price,
                free_price,
            )
            bids += 1
            if bids > max_bids:
                return request_edge, -1
            raise_by = best - other + eps if other > -BIG else eps
            if obj < n_seats:
                seat_price[obj] += raise_by
                old = seat_holder[obj]
                seat_holder[obj] = b
            else:
                free_price[obj - n_seats] += raise_by
                old = free_holder[obj - n_seats]
                free_holder[obj - n_seats] = b
            held[b] = obj
            if b < n:
                request_edge[b] = edge
            if old >= 0:
                held[old] = -1
                if old < n:
                    request_edge[old] = -1
                queue[tail] = old
                tail = tail + 1 if tail < n_bidders else 0
        if eps == 1:
            return request_edge, bids
        eps = max(1, eps // factor)


@dataclass(frozen=True, eq=False)
class AuctionState:
    """Prices and holders at the end of an auction, to start the next one on a grown graph from."""

    seat_price: np.ndarray
    free_price: np.ndarray
    seat_holder: np.ndarray
    free_holder: np.ndarray


def auction_assignment(
    mentee_rows: np.ndarray,
    copilot_rows: np.ndarray,
    values: np.ndarray,
    n_requests: int,
    remaining: np.ndarray,
    start: AuctionState | None = None,
) -> tuple[np.ndarray, AuctionState] | None:
    """Indices of the chosen edges and the auction's end state, or None when it gave up.

    From ``start`` (the state of an earlier auction of the same round on a smaller graph) it runs a
    few phases from eps = WARM_POINTS centipoints: only the bidders that the new edges tempt move.
    """
    order = np.lexsort((copilot_rows, mentee_rows))
    m, v = mentee_rows[order].astype(np.int64), copilot_rows[order].astype(np.int64)
    seats = np.maximum(remaining.astype(np.int64), 0)
    n_seats = int(seats.sum())
    n_bidders = n_requests + n_seats
    scale = min(n_bidders + 1, SCALE_CAP)
    value = values[order].astype(np.int64) * scale
    req_start = np.searchsorted(m, np.arange(n_requests + 1)).astype(np.int64)
    by_copilot = np.argsort(v, kind="stable")
    cop_start = np.searchsorted(v[by_copilot], np.arange(remaining.size + 1)).astype(np.int64)
    seat_start = np.r_[0, np.cumsum(seats)].astype(np.int64)
    seat_owner = np.repeat(np.arange(remaining.size, dtype=np.int64), seats)
    if start is None:
        state = AuctionState(
            np.zeros(n_seats, dtype=np.int64),
            np.zeros(n_requests, dtype=np.int64),
            np.full(n_seats, -1, dtype=np.int64),
            np.full(n_requests, -1, dtype=np.int64),
        )
        eps = max(1, int(value.max(initial=1)) // EPS_START)
    else:
        state = AuctionState(
            *(a.copy() for a in (start.seat_price, start.free_price, start.seat_holder, start.free_holder))
        )
        eps = scale * WARM_POINTS
    phases = int(np.ceil(np.log(max(eps, 2)) / np.log(EPS_FACTOR))) + 1
    request_edge, bids = _auction(
        req_start,
        v,
        value,
        cop_start,
        m[by_copilot],
        seat_start,
        seat_owner,
        state.seat_price,
        state.free_price,
        state.seat_holder,
        state.free_holder,
        np.int64(eps),
        np.int64(EPS_FACTOR),
        np.int64(MAX_BIDS_PER_BIDDER * n_bidders * phases),
    )
    if bids < 0:
        return None
    return np.sort(order[request_edge[request_edge >= 0]]), state


def _timed(fn, *args):
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - start, time.process_time() - cpu, result


def _certified(graph, chosen, n_requests, remaining) -> bool:
    try:
        duals = dual_prices(
            graph.mentee_rows, graph.copilot_rows, graph.values, chosen, n_requests, remaining
        )
        check_duals(graph.mentee_rows, graph.copilot_rows, graph.values, chosen, duals, remaining)
    except (NotOptimal, RuntimeError):
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hold-back", type=float, default=0.02)
    options = parser.parse_args()
    world = build_world(options.requests, options.requests // 5)
    round_input = RoundInput.build(world.mentees, world.volunteers, world.org, world.history, MatchRules())
    graph = candidate_graph(round_input).graph
    remaining, n = round_input.pool.remaining, len(round_input.table.profiles)
    edges = (graph.mentee_rows, graph.copilot_rows, graph.values)
    wall, _, _ = _timed(auction_assignment, *edges, n, remaining)
    print(f"{graph.values.size:,} edges; first auction call (compiles, or loads numba's cache): {wall:.2f} s")
    flow = [_timed(best_assignment, *edges, remaining) for _ in range(options.runs)]
    scratch = [_timed(auction_assignment, *edges, n, remaining) for _ in range(options.runs)]
    best = int(graph.values[flow[0][2]].sum())
    held = graph.subset(
        np.flatnonzero(np.random.default_rng(1).random(graph.values.size) >= options.hold_back)
    )
    start = auction_assignment(held.mentee_rows, held.copilot_rows, held.values, n, remaining)
    assert start is not None
    repair = [_timed(auction_assignment, *edges, n, remaining, start[1]) for _ in range(options.runs)]
    print(f"| solve of the first graph, median of {options.runs} | wall s | CPU s | certified optimal |")
    print("|---|---:|---:|---|")
    for label, runs in (
        ("OR-Tools min-cost flow", flow),
        ("auction from scratch", scratch),
        ("auction repair", repair),
    ):
        answers = [r[2] if label.startswith("OR") else r[2] and r[2][0] for r in runs]
        proven = all(
            a is not None and int(graph.values[a].sum()) == best and _certified(graph, a, n, remaining)
            for a in answers
        )
        print(
            f"| {label} | {statistics.median(r[0] for r in runs):.3f} | {statistics.median(r[1] for r in runs):.3f}"
            f" | {'yes' if proven else 'no'} |"
        )


if __name__ == "__main__":
    main()

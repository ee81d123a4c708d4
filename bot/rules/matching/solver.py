"""The best assignment on a candidate graph (OR-Tools min-cost flow), and the dual prices that prove it.

The round is a linear program: maximise the sum of ``value`` over chosen edges, each request on at
most one edge (dual ``u`` >= 0 per request), each copilot on at most ``remaining`` edges (dual ``p`` >= 0
per copilot). Bipartite b-matching is totally unimodular, so the flow's integral optimum is also the
LP optimum, and a feasible dual with the same objective proves it optimal. Any edge, in the graph or
not, whose ``value - u[request] - p[copilot]`` (its reduced cost) is positive could improve the round;
when no allowed edge has one, the round is optimal over every allowed pairing (see ``pricing``).

OR-Tools' SimpleMinCostFlow does not expose node potentials, so ``dual_prices`` rebuilds them from
the optimal flow. By complementary slackness a request left unmatched has ``u = 0``, a copilot with
room left has ``p = 0``, and a chosen edge is tight (``u + p = value``). The largest copilot prices
that satisfy these are the fixed point of

    u[r] = max(0, max over r's edges (value - p[copilot]))
    p[c] = min over c's chosen edges (value - u[request])        (0 for copilots with room)

iterated downwards from ``p[c] = min chosen value`` (the Bellman-Ford of the residual graph, written
in prices). It is a Jacobi iteration over whole arrays, so each pass is a few NumPy reductions; on the
benchmark it settles in a few dozen passes. ``check_duals`` then verifies feasibility on every graph
edge and that the dual objective equals the flow's, in exact integers: if the flow were not optimal
this raises instead of returning an unproven round. The largest prices are chosen because they leave
the most requests at ``u = 0``, which lets ``pricing`` rule out whole groups with the copilot's price.

Why this solver: OR-Tools' min-cost flow is the fastest exact solver for this shape that we measured.
On the 424,000-edge first graph at 100,000 x 20,000 (CPU seconds; the flow 2.2-2.5): SciPy's
LAPJVsp (``min_weight_full_bipartite_matching`` on expanded seats with a dummy column per seat) 4.6;
HiGHS dual simplex on the LP (``linprog``) 71; OR-Tools' assignment solver on expanded seats was ~10x
slower already at 10,000 x 2,000. Neither OR-Tools nor SciPy can start from a previous answer, and
feeding the flow reduced costs from the last prices (2.4), costs divided by 10 or 100 (2.2, 2.1: the
cost range is not what it spends on) or the network turned round (copilots supply, 3.9) did not
make it faster; nor did an exact compiled auction (``bench/compare_auction.py``: 3.0 from scratch,
2.5 repairing the answer from its own prices). The rounds are very degenerate (320,000 of the 424,000 edges are tight at the
optimum), so a re-solve cannot be made local: everything is within zero reduced cost of a new
pair. Rebuilding the prices costs a few hundredths of a second, against seconds for the flow itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class NotOptimal(RuntimeError):
    """The answer has no prices that prove it optimal on this graph."""


@dataclass(frozen=True, eq=False)
class Duals:
    request: np.ndarray  # u per request row
    copilot: np.ndarray  # p per copilot row


def best_assignment(
    mentee_rows: np.ndarray, copilot_rows: np.ndarray, values: np.ndarray, remaining: np.ndarray
) -> np.ndarray:
    """Indices of the edges chosen by a min-cost flow that maximises the sum of ``values`` (all > 0).

    Network: each request with an edge supplies one unit that flows either through one edge and its
    copilot (arc capacity = remaining capacity) to the sink, or straight to the sink unmatched. Costs
    are (largest value - value), so all are non-negative integers and "unmatched" costs the most.
    """
    from ortools.graph.python import min_cost_flow  # imported lazily: only rounds need the solver

    n_edges = mentee_rows.size
    if n_edges == 0:
        return np.zeros(0, dtype=np.int64)
    worst = int(values.max())
    requests, request_node = _present(mentee_rows)
    copilots, copilot_index = _present(copilot_rows)
    n_requests = requests.size
    copilot_node = n_requests + np.arange(copilots.size)
    sink = n_requests + copilots.size
    tails = np.concatenate([request_node.reshape(-1), np.arange(n_requests), copilot_node])
    heads = np.concatenate(
        [copilot_node[copilot_index.reshape(-1)], np.full(n_requests, sink), np.full(copilots.size, sink)]
    )
    capacities = np.concatenate([np.ones(n_edges + n_requests, dtype=np.int64), remaining[copilots]])
    costs = np.concatenate(
        [worst - values, np.full(n_requests, worst), np.zeros(copilots.size, dtype=np.int64)]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities, costs
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_requests] = 1
    supplies[sink] = -n_requests
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.flatnonzero(flow.flows(np.arange(n_edges, dtype=np.int32)) > 0)


def _present(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(rows, return_inverse=True)`` for small non-negative integers, in linear time."""
    seen = np.zeros(int(rows.max()) + 1, dtype=bool)
    seen[rows] = True
    return np.flatnonzero(seen), (np.cumsum(seen) - 1)[rows]


def _segments(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) if keys.size else keys
    return order, starts, sorted_keys[starts] if keys.size else keys


def dual_prices(
    mentee_rows: np.ndarray,
    copilot_rows: np.ndarray,
    values: np.ndarray,
    chosen: np.ndarray,
    n_requests: int,
    remaining: np.ndarray,
    max_rounds: int | None = None,
) -> Duals:
    """The largest optimal copilot prices for the flow's answer, and each request's value ``u``.

    Raises NotOptimal if ``chosen`` is not optimal on the graph, or (with ``max_rounds``) if the
    prices have not settled after that many rounds."""
    u = np.zeros(n_requests, dtype=np.int64)
    p = np.zeros(remaining.size, dtype=np.int64)
    if chosen.size == 0:
        return Duals(u, p)
    taken = np.bincount(copilot_rows[chosen], minlength=remaining.size)
    full = taken >= remaining
    by_request, request_starts, request_heads = _segments(mentee_rows)
    chosen_order, copilot_starts, copilot_heads = _segments(copilot_rows[chosen])
    chosen_m = mentee_rows[chosen][chosen_order]
    chosen_value = values[chosen][chosen_order]
    is_full = full[copilot_heads]
    p[copilot_heads] = np.where(is_full, np.minimum.reduceat(chosen_value, copilot_starts), 0)
    edge_values = values[by_request]
    edge_copilots = copilot_rows[by_request]
    # Prices only fall and values only rise from round to round, and at the fixed point of an optimal
    # answer an unmatched request is worth 0 and a chosen edge at a copilot with room is tight: once
    # either is broken it stays broken, so the answer is not optimal (a quick exit for ``reprice``).
    unmatched = np.ones(n_requests, dtype=bool)
    unmatched[mentee_rows[chosen]] = False
    unmatched_heads = request_heads[unmatched[request_heads]]
    at_room = ~full[copilot_rows[chosen]]
    room_m, room_value = mentee_rows[chosen][at_room], values[chosen][at_room]
    rounds = 0
    while True:
        rounds += 1
        if max_rounds is not None and rounds > max_rounds:
            raise NotOptimal(f"prices not settled after {max_rounds} rounds")
        u[request_heads] = np.maximum(np.maximum.reduceat(edge_values - p[edge_copilots], request_starts), 0)
        if (u[unmatched_heads] > 0).any() or (u[room_m] > room_value).any():
            raise NotOptimal("min-cost flow answer is not optimal on its graph")
        lowered = np.where(is_full, np.minimum.reduceat(chosen_value - u[chosen_m], copilot_starts), 0)
        if np.array_equal(lowered, p[copilot_heads]):
            return Duals(u, p)
        if (lowered < 0).any():  # only a flow that is not optimal has no prices
            raise NotOptimal("min-cost flow answer is not optimal on its graph")
        p[copilot_heads] = lowered


def check_duals(
    mentee_rows: np.ndarray,
    copilot_rows: np.ndarray,
    values: np.ndarray,
    chosen: np.ndarray,
    duals: Duals,
    remaining: np.ndarray,
) -> None:
    """Raise unless ``duals`` prove ``chosen`` optimal on this graph (exact integer arithmetic)."""
    primal, dual = _objectives(values, chosen, duals, remaining)
    if not proves_optimal(mentee_rows, copilot_rows, values, chosen, duals, remaining):
        raise RuntimeError(f"round is not provably optimal on its graph (primal {primal}, dual {dual})")


def _objectives(
    values: np.ndarray, chosen: np.ndarray, duals: Duals, remaining: np.ndarray
) -> tuple[int, int]:
    primal = int(values[chosen].sum())
    return primal, int(duals.request.sum()) + int((duals.copilot * remaining).sum())


def proves_optimal(
    mentee_rows: np.ndarray,
    copilot_rows: np.ndarray,
    values: np.ndarray,
    chosen: np.ndarray,
    duals: Duals,
    remaining: np.ndarray,
) -> bool:
    """Whether ``duals`` are feasible on every edge and their objective equals ``chosen``'s."""
    u, p = duals.request, duals.copilot
    primal, dual = _objectives(values, chosen, duals, remaining)
    slack = u[mentee_rows] + p[copilot_rows] - values
    return not ((u < 0).any() or (p < 0).any() or (slack < 0).any() or dual != primal)


def proving_prices(
    mentee_rows: np.ndarray,
    copilot_rows: np.ndarray,
    values: np.ndarray,
    chosen: np.ndarray,
    n_requests: int,
    remaining: np.ndarray,
    max_rounds: int | None = None,
) -> Duals | None:
    """``dual_prices``, when they settle and prove ``chosen`` optimal on this graph; else None."""
    try:
        duals = dual_prices(mentee_rows, copilot_rows, values, chosen, n_requests, remaining, max_rounds)
    except NotOptimal:
        return None
    return duals if proves_optimal(mentee_rows, copilot_rows, values, chosen, duals, remaining) else None

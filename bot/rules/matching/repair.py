"""Mending an optimal round near the pairs that could improve it, instead of solving it all again.

After a pricing pass adds pairs to the graph, the old answer is still optimal on the old graph, so a
better answer on the grown graph differs from it only by alternating paths and cycles that pass
through a new pair: a copilot takes a new mentee and drops one, who moves to another copilot, and so
on, each step over an edge whose slack ``u + p - value`` the new pairs' gains can pay for.
``repair_near`` takes what such paths of at most ``hops`` steps reach from the new pairs (over edges
whose slack is at most ``limit``, and the answer's own edges), holds everything else where it is,
and solves that part alone with the seats it has left.

Its answer is used only when dual prices on the whole graph prove it optimal there
(``solver.proving_prices``): a path that leaves the region costs a wasted
attempt, never a worse round. A region that would hold more than MAX_SHARE of the graph's requests
is not tried (the first pass's new pairs usually reach half the graph in two steps), since solving
most of the graph locally costs as much as solving all of it.

Measured at 100,000 requests x 20,000 volunteers: the pricing pass after the whole solve finds a few
dozen to a hundred improving pairs (43 with 8 extra candidates per copilot, 120 with 10); three steps
from them reach 5,300 to 7,600 requests, a solve of about 0.1 s that ends at the optimum, where solving
again took 1.5 s. The first pass's 2,900 pairs reach half the graph in two steps, so it is not tried there.
"""

from __future__ import annotations

import numpy as np

from bot.rules.matching.solver import Duals, best_assignment, proving_prices

# Steps tried in turn, each only if the region it reaches is small enough.
HOPS = (3, 6)
MAX_SHARE = 0.25
# Rounds of dual_prices before a repaired answer is given up as unproven.
PRICE_ROUNDS = 200


def region(
    mentee_rows: np.ndarray,
    copilot_rows: np.ndarray,
    near: np.ndarray,
    seeds_m: np.ndarray,
    seeds_v: np.ndarray,
    n_requests: int,
    n_copilots: int,
    hops: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(requests, copilots) as masks: what ``hops`` steps over ``near`` edges reach from the seeds."""
    requests = np.zeros(n_requests, dtype=bool)
    copilots = np.zeros(n_copilots, dtype=bool)
    requests[seeds_m] = True
    copilots[seeds_v] = True
    m, v = mentee_rows[near], copilot_rows[near]
    for _ in range(hops):
        copilots[v[requests[m]]] = True
        requests[m[copilots[v]]] = True
    return requests, copilots


def repair_near(
    graph_m: np.ndarray,
    graph_v: np.ndarray,
    values: np.ndarray,
    chosen: np.ndarray,
    added_m: np.ndarray,
    added_v: np.ndarray,
    duals: Duals,
    remaining: np.ndarray,
    limit: int,
) -> tuple[np.ndarray, Duals] | None:
    """The best answer on the graph, found near the added pairs and proven, or None.

    ``chosen`` indexes the old answer's edges in the graph (which holds the added pairs); ``duals``
    prove that answer on the graph without the added pairs.
    """
    n_requests, n_copilots = duals.request.size, remaining.size
    slack = duals.request[graph_m] + duals.copilot[graph_v] - values
    is_chosen = np.zeros(values.size, dtype=bool)
    is_chosen[chosen] = True
    near = is_chosen | (slack <= limit)
    copilot_of = np.full(n_requests, -1, dtype=np.int64)
    copilot_of[graph_m[chosen]] = graph_v[chosen]
    graph_requests = np.unique(graph_m).size
    for hops in HOPS:
        requests, copilots = region(graph_m, graph_v, near, added_m, added_v, n_requests, n_copilots, hops)
        if requests.sum() > MAX_SHARE * graph_requests:
            return None
        # A request in the region keeps a way back to where it is now.
        copilots[copilot_of[requests & (copilot_of >= 0)]] = True
        inside = np.flatnonzero(near & requests[graph_m] & copilots[graph_v])
        held = chosen[~requests[graph_m[chosen]]]
        seats = np.maximum(remaining - np.bincount(graph_v[held], minlength=n_copilots), 0)
        local = best_assignment(graph_m[inside], graph_v[inside], values[inside], seats)
        answer = np.sort(np.concatenate([held, inside[local]]))
        prices = proving_prices(graph_m, graph_v, values, answer, n_requests, remaining, PRICE_ROUNDS)
        if prices is not None:
            return answer, prices
    return None

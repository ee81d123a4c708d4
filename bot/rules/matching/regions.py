"""A large round's first prices, found one time-zone region at a time, on both cores.

OR-Tools' min-cost flow takes far longer than linearly in the size of one connected problem. At
100,000 requests a 424,000-edge first graph takes 1.8 s as one problem and 1.15 s as its three
time-zone regions solved one after the other, or 0.64 s with the largest region solved in a
second process meanwhile (``far_solve``: the solver holds the interpreter lock, so a thread
would not help).
Working hours make time zones the seams of a round: in the benchmark's optimal round 98% of the
pairs share the copilot's UTC offset, and 0.7% cross a seam between regions.

So a large round's first pass solves each region on the edges inside it and takes each region's
prices as the round's first prices. Pricing then adds every pair those prices say could improve
the round, across seams too, and the whole graph is solved with them. That first answer is never
used and needs no proof: only the last pricing pass, on the whole graph, proves the round.

Regions are arcs of the 24-hour clock, cut at the widest gaps between the UTC offsets present,
and only at gaps of at least SEAM_MINUTES (two 9-to-5 days 4 hours apart overlap by half). An
organisation whose people are spread over every hour has no such gap and one region: its round
is solved as one problem, as before.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from bot.rules.matching import far_solve
from bot.rules.matching.facts import MINUTES_PER_DAY
from bot.rules.matching.solver import Duals, best_assignment, dual_prices, proving_prices

log = logging.getLogger(__name__)

SEAM_MINUTES = 4 * 60
MAX_REGIONS = 3
# Rounds with fewer requests are solved as one problem: at 20,000 the second process costs more than
# it saves (1.62 s against 1.39-1.49 s), at 30,000 it saves 10% (1.90-2.16 against 2.25-2.41 s;
# medians of 3, interleaved).
REGIONAL_REQUESTS = 30_000


def time_zone_regions(
    request_offsets: np.ndarray, copilot_offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """(region per request, region per copilot), or None when the offsets make one region."""
    clock = np.unique(np.concatenate([request_offsets, copilot_offsets]) % MINUTES_PER_DAY)
    if clock.size < 2:
        return None
    # gaps[i] is the gap after clock[i], the last one round midnight to clock[0].
    gaps = np.diff(np.append(clock, clock[0] + MINUTES_PER_DAY))
    widest = np.argsort(-gaps, kind="stable")[:MAX_REGIONS]
    seams = np.sort(widest[gaps[widest] >= SEAM_MINUTES])
    if seams.size < 2:  # one seam on a circle still leaves one arc
        return None
    # An offset after seam k and up to seam k+1 is in region k; those after the last seam wrap to 0.
    ends = clock[seams]

    def region(offsets: np.ndarray) -> np.ndarray:
        return np.searchsorted(ends, offsets % MINUTES_PER_DAY, side="left") % seams.size

    return region(request_offsets), region(copilot_offsets)


@contextmanager
def second_core(wanted: bool) -> Iterator[subprocess.Popen[bytes] | None]:
    """A second process for one region's solve while a round lasts; None on one core or unwanted.

    Started at once, so that its interpreter and the solver load while the candidates are listed.
    """
    process = far_solve.start() if wanted and (os.cpu_count() or 1) >= 2 else None
    try:
        yield process
    finally:
        far_solve.stop(process)


def regional_prices(
    mentee_rows: np.ndarray,
    copilot_rows: np.ndarray,
    values: np.ndarray,
    request_region: np.ndarray,
    copilot_region: np.ndarray,
    n_requests: int,
    remaining: np.ndarray,
    core: subprocess.Popen[bytes] | None = None,
) -> Duals:
    """Each region solved on its own edges, and its prices: ``u`` and ``p`` for the whole round.

    A request or copilot with no edge inside its region is priced 0. The largest region is solved
    by ``core`` (a ``far_solve`` process) when there is one, the others here meanwhile.
    """
    inside = request_region[mentee_rows] == copilot_region[copilot_rows]
    region_of_edge = np.where(inside, copilot_region[copilot_rows], -1)
    parts = [np.flatnonzero(region_of_edge == k) for k in range(int(copilot_region.max(initial=0)) + 1)]
    parts = sorted((p for p in parts if p.size), key=lambda p: -p.size)
    u = np.zeros(n_requests, dtype=np.int64)
    p = np.zeros(remaining.size, dtype=np.int64)
    if not parts:
        return Duals(u, p)
    answers: dict[int, np.ndarray] = {}
    far = core if len(parts) > 1 and core is not None else None
    if far is not None:
        edges = parts[0]
        if not far_solve.send(far, mentee_rows[edges], copilot_rows[edges], values[edges], remaining):
            log.warning("the second process is gone; its region is solved here")
            far = None
    for k, edges in enumerate(parts):
        if k > 0 or far is None:
            answers[k] = best_assignment(mentee_rows[edges], copilot_rows[edges], values[edges], remaining)
    if far is not None:
        chosen = far_solve.answer(far)
        valid = chosen is not None and chosen.ndim == 1 and ((chosen >= 0) & (chosen < parts[0].size)).all()
        if valid:
            answers[0] = chosen
    for k, edges in enumerate(parts):
        m, v = mentee_rows[edges], copilot_rows[edges]
        answer = answers.get(k)
        prices = (
            None if answer is None else proving_prices(m, v, values[edges], answer, n_requests, remaining)
        )
        if prices is None:
            # Only the second process's answer can be missing or wrong: it died or answered nonsense,
            # which costs time here, never the round.
            log.warning("the second process failed; its region is solved here")
            answer = best_assignment(m, v, values[edges], remaining)
            prices = dual_prices(m, v, values[edges], answer, n_requests, remaining)
        u[m] = prices.request[m]
        p[v] = prices.copilot[v]
    return Duals(u, p)

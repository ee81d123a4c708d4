"""The optimality certificate: no allowed pairing, in the graph or not, could improve the round.

Given the solver's duals (``u`` per request, ``p`` per copilot, both >= 0, see ``solver``), an allowed
pair (r, c) could improve the round only if its reduced cost ``value(r, c) - u[r] - p[c]`` is positive.
Every allowed pair falls in one of three cases, and each is ruled out without scoring all of them:

1. **Scored already.** Graph edges are verified by ``solver.check_duals``; every other pair scored so
   far (listed but cut from a copilot's list, or found by an earlier pricing pass) is kept and its
   reduced cost computed exactly on every pass (``rounds.solve_optimally``).
2. **Never scored, and the copilot's price covers its threshold.** When the graph was built, copilot
   c scored every request in the groups whose bound beat its threshold ``t[c]``; where it took only
   part of a group, ``t[c]`` was raised to that group's bound. So a pair never scored has
   ``value <= bound <= t[c]``, and if ``p[c] >= t[c]`` its reduced cost is ``<= t[c] - u[r] - p[c] <= 0``.
   A whole copilot is certified by one comparison.
3. **Never scored, and the copilot's price is below its threshold.** Then its groups are scanned
   against ``p[c]``: a group with bound ``B`` can hold an improving request r only if
   ``B - u[r] > p[c]``. Groups are sorted by ``u``, so only that prefix of each group is scored; every
   other request in every group has ``value - u - p <= B - u - p <= 0``. The few requests a copilot
   may have for team reasons only (``candidates.team_scan``) are scored in full.

Pairs found with a positive reduced cost join the graph and the round is solved again. The graph
only grows and each pass adds at least one pair, so the loop ends; the last pass finds none, and
that pass with the dual check is the certificate that the round is optimal over every allowed pairing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from bot.rules.matching.candidates import Scan, choose_thresholds, scan, team_scan
from bot.rules.matching.round_input import RoundInput
from bot.rules.matching.solver import Duals

# Pricing passes with at least this many copilots to scan run on two threads.
_THREADED_PRICING = 2048


def price_out(
    round_input: RoundInput,
    thresholds: np.ndarray,
    duals: Duals,
    per_copilot: np.ndarray,
    shallow_thresholds: np.ndarray | None = None,
) -> Scan:
    """Allowed pairs not yet scored that could improve the round, plus others scanned on the way.

    Scans each copilot whose price is below its threshold (case 3). Partial pricing: a copilot whose
    price is far below its threshold may have thousands of improving pairs, and the next solve would
    use few of them, so it first scans only its best-bounded groups (enough for ``per_copilot``
    requests); only a copilot that found no improving pair there is scanned in full down to its price,
    which proves it has none. The caller scores what is returned and decides.
    ``shallow_thresholds`` is ``choose_thresholds(..., per_copilot, every open copilot)``, which does
    not change between passes; None computes it here.
    """
    p, u = duals.copilot, duals.request
    groups, bounds, pool = round_input.groups, round_input.bounds, round_input.pool
    entries = groups.resort(u)
    who = np.flatnonzero(p[bounds.copilots] < thresholds[bounds.copilots])
    price = p[bounds.copilots[who]]
    if shallow_thresholds is None:
        shallow_thresholds = choose_thresholds(
            groups, bounds, pool, per_copilot, np.arange(bounds.copilots.size)
        )
    shallow = np.maximum(price, shallow_thresholds[who])
    rows = round_input.available_rows
    teams = team_scan(groups, pool, rows[p[rows] < thresholds[rows]])
    # Who already has an improving pair among those they may have for team reasons.
    m, v, values = round_input.evaluate_scan(teams)
    improving = np.zeros(len(pool), dtype=bool)
    improving[v[values - u[m] - p[v] > 0]] = True
    if who.size < _THREADED_PRICING:
        return Scan.join(
            [teams, _price_part(round_input, duals, entries, who, price, shallow, per_copilot, improving)]
        )
    # Two halves on two threads: the work is NumPy's, which lets go of the interpreter lock.
    half = who.size // 2
    parts = [(who[:half], price[:half], shallow[:half]), (who[half:], price[half:], shallow[half:])]
    with ThreadPoolExecutor(2) as threads:
        found = list(
            threads.map(
                lambda part: _price_part(round_input, duals, entries, *part, per_copilot, improving), parts
            )
        )
    return Scan.join([teams, *found])


def _price_part(
    round_input: RoundInput,
    duals: Duals,
    entries: tuple[np.ndarray, np.ndarray],
    who: np.ndarray,
    price: np.ndarray,
    shallow: np.ndarray,
    per_copilot: np.ndarray,
    improving_by_team: np.ndarray,
) -> Scan:
    """The shallow scan of copilots ``bounds.copilots[who]``, and the deep one of those it found nothing for."""
    p, u = duals.copilot, duals.request
    groups, bounds, pool = round_input.groups, round_input.bounds, round_input.pool
    found, cut = scan(
        groups, bounds, pool, who, shallow, entries=entries, cap=per_copilot[bounds.copilots[who]]
    )
    m, v, values = round_input.evaluate_scan(found)
    improving = improving_by_team.copy()
    improving[v[values - u[m] - p[v] > 0]] = True
    deep = ((shallow > price) | (cut > price)) & ~improving[bounds.copilots[who]]
    if not deep.any():
        return found
    return Scan.join([found, scan(groups, bounds, pool, who[deep], price[deep], entries=entries)[0]])

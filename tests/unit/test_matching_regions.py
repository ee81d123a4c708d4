"""regions and far_solve: a large round's first prices, region by region, on a second process."""

from __future__ import annotations

import numpy as np
import pytest

from bot.rules.matching import far_solve, regions, rounds
from bot.rules.matching.facts import MatchRules
from bot.rules.matching.listing import candidate_graph
from bot.rules.matching.regions import regional_prices, second_core, time_zone_regions
from bot.rules.matching.round_input import RoundInput
from bot.rules.matching.solver import Duals, best_assignment, dual_prices
from tests.matching_worlds import ZONES, build_world


def test_the_clock_is_cut_at_its_widest_gaps_of_four_hours_or_more() -> None:
    # San Francisco, New York | London, Berlin | Bangalore, Singapore, Sydney
    offsets = np.array([offset for offset, _ in ZONES])
    by_request, by_copilot = time_zone_regions(offsets, offsets[::-1])
    assert by_request.tolist() == [2, 2, 0, 0, 1, 1, 1]
    assert by_copilot.tolist() == by_request[::-1].tolist()


def test_two_clusters_make_two_regions_and_half_hours_count() -> None:
    requests = np.array([0, 60, 330, 360])
    copilots = np.array([30, 345])
    by_request, by_copilot = time_zone_regions(requests, copilots)
    assert by_request.tolist() == [0, 0, 1, 1]
    assert by_copilot.tolist() == [0, 1]


@pytest.mark.parametrize(
    "offsets",
    [
        [0],  # one time zone
        list(range(-480, 181, 60)),  # every hour from -8 to +3: the only wide gap is round midnight
        [*range(0, 781, 60), 810],  # every hour from 0 to +13 and a half
    ],
)
def test_people_spread_without_two_seams_make_one_region(offsets: list[int]) -> None:
    spread = np.array(offsets)
    assert time_zone_regions(spread, spread) is None


def _regional_world():
    world = build_world(3000, 700, seed=5, max_capacity=4)
    round_input = RoundInput.build(world.mentees, world.volunteers, world.org, world.history, MatchRules())
    graph = candidate_graph(round_input).graph
    split = time_zone_regions(round_input.table.offset, round_input.pool.offset)
    assert split is not None
    return round_input, graph, split


def test_each_region_is_priced_as_its_own_round() -> None:
    round_input, graph, (by_request, by_copilot) = _regional_world()
    remaining, n = round_input.pool.remaining, len(round_input.table.profiles)
    duals = regional_prices(
        graph.mentee_rows, graph.copilot_rows, graph.values, by_request, by_copilot, n, remaining
    )
    for region in range(3):
        inside = np.flatnonzero(
            (by_request[graph.mentee_rows] == region) & (by_copilot[graph.copilot_rows] == region)
        )
        m, v, values = graph.mentee_rows[inside], graph.copilot_rows[inside], graph.values[inside]
        alone = dual_prices(m, v, values, best_assignment(m, v, values, remaining), n, remaining)
        assert (duals.request[m] == alone.request[m]).all()
        assert (duals.copilot[v] == alone.copilot[v]).all()
    # Nobody without an edge inside their own region has a price.
    inside = by_request[graph.mentee_rows] == by_copilot[graph.copilot_rows]
    outside_only = np.setdiff1d(np.arange(n), graph.mentee_rows[inside])
    assert (duals.request[outside_only] == 0).all()


def _priced_here() -> tuple[tuple, Duals]:
    """regional_prices' arguments for a world of three regions, and its prices solved in this process."""
    round_input, graph, (by_request, by_copilot) = _regional_world()
    remaining, n = round_input.pool.remaining, len(round_input.table.profiles)
    args = (graph.mentee_rows, graph.copilot_rows, graph.values, by_request, by_copilot, n, remaining)
    return args, regional_prices(*args)


def test_the_second_process_prices_exactly_as_this_one() -> None:
    args, here = _priced_here()
    core = far_solve.start()
    assert core is not None
    far = regional_prices(*args, core=core)
    assert core.wait(timeout=30) == 0  # it solved its region and left
    assert (far.request == here.request).all() and (far.copilot == here.copilot).all()


def test_a_second_process_that_dies_or_talks_nonsense_costs_time_not_the_round(monkeypatch, caplog) -> None:
    args, here = _priced_here()
    dead = far_solve.start()
    assert dead is not None
    dead.kill()
    dead.wait()
    after_death = regional_prices(*args, core=dead)
    assert (after_death.request == here.request).all() and (after_death.copilot == here.copilot).all()
    # Out of range, and in range but not the region's best answer (no prices prove it).
    for nonsense in (np.array([10**9]), np.array([0])):
        monkeypatch.setattr(far_solve, "answer", lambda process, said=nonsense: said)
        talker = far_solve.start()
        try:
            priced = regional_prices(*args, core=talker)
        finally:
            far_solve.stop(talker)
        assert (priced.request == here.request).all() and (priced.copilot == here.copilot).all()
    assert [r.getMessage() for r in caplog.records if r.name == regions.__name__] == [
        "the second process is gone; its region is solved here",
        "the second process failed; its region is solved here",
        "the second process failed; its region is solved here",
    ]


def test_far_solve_answers_as_the_solver_does() -> None:
    rng = np.random.default_rng(3)
    m = np.repeat(np.arange(200), 3)
    v = rng.integers(0, 50, size=m.size)
    keys = np.unique(m * 50 + v)
    m, v = keys // 50, keys % 50
    values = 10_000 + rng.integers(0, 10_000, size=m.size)
    remaining = rng.integers(1, 4, size=50)
    process = far_solve.start()
    assert process is not None and far_solve.send(process, m, v, values, remaining)
    assert far_solve.answer(process).tolist() == best_assignment(m, v, values, remaining).tolist()


def test_a_second_process_only_when_wanted_and_there_is_a_second_core(monkeypatch) -> None:
    with second_core(False) as core:
        assert core is None
    monkeypatch.setattr(regions.os, "cpu_count", lambda: 1)
    with second_core(True) as core:
        assert core is None
    monkeypatch.setattr(regions.os, "cpu_count", lambda: 2)
    with second_core(True) as core:
        assert core is not None and core.poll() is None
    assert core.poll() is not None  # stopped when the round is over


def test_regions_wait_for_a_large_round() -> None:
    assert regions.REGIONAL_REQUESTS == rounds.REGIONAL_REQUESTS == 30_000

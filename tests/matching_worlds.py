"""Synthetic orgs for matching: a manager tree of depth 6, skewed topics, seven time zones, team
preferences, guests, paused and full volunteers, and a history of past, current and declined pairs.

Shared by the matching tests (exactness against an independent solver) and bench/bench_matching.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from bot.rules.matching.facts import (
    CopilotFacts,
    MatchHistory,
    MatchRules,
    MenteeFacts,
    OrgChart,
    blocking_reason,
)
from bot.rules.matching.pairs import Pairs
from bot.rules.matching.ranking import score_match
from bot.rules.matching.round_input import RoundInput
from bot.rules.matching.rounds import RoundResult

TOPIC_COUNT = 200
TOPIC_SKEW = 1.0  # Zipf exponent: the most popular topic is ~17% of all topic picks
# (offset minutes, share): San Francisco, New York, London, Berlin, Bangalore, Singapore, Sydney
ZONES = ((-480, 0.25), (-300, 0.25), (0, 0.15), (60, 0.15), (330, 0.1), (480, 0.05), (600, 0.05))
ORG_DEPTH = 6


@dataclass(frozen=True)
class World:
    mentees: list[MenteeFacts]
    volunteers: list[CopilotFacts]
    org: OrgChart
    history: MatchHistory


def _pick_topics(rng: np.random.Generator, people: int, low: int, high: int) -> list[frozenset[str]]:
    """Skewed topics without repeats per person (Gumbel top-k over Zipf weights)."""
    weights = 1.0 / np.arange(1, TOPIC_COUNT + 1) ** TOPIC_SKEW
    counts = rng.integers(low, high + 1, size=people)
    out: list[frozenset[str]] = []
    for start in range(0, people, 20_000):
        chunk = min(20_000, people - start)
        keys = np.log(weights) + rng.gumbel(size=(chunk, TOPIC_COUNT))
        top = np.argsort(-keys, axis=1)[:, :high]
        for row, count in zip(top.tolist(), counts[start : start + chunk].tolist(), strict=True):
            out.append(frozenset(f"topic-{t:03d}" for t in row[:count]))
    return out


def build_world(n_mentees: int, n_volunteers: int, seed: int = 7, max_capacity: int = 5) -> World:
    rng = np.random.default_rng(seed)
    people = n_mentees + n_volunteers
    # A tree of depth 6: sizes grow ~8x per level; the rest of the people sit at the bottom.
    managers: dict[int, int | None] = {0: None}
    depth_of = [0]
    by_depth: list[list[int]] = [[0]]
    next_id = 1
    for depth in range(1, ORG_DEPTH):
        size = people - next_id if depth == ORG_DEPTH - 1 else min(8**depth, people - next_id)
        parents = rng.choice(by_depth[-1], size=size)
        level_people = list(range(next_id, next_id + size))
        for person, parent in zip(level_people, parents.tolist(), strict=True):
            managers[person] = parent
            depth_of.append(depth)
        by_depth.append(level_people)
        next_id += size
    depth_arr = np.array(depth_of)
    # Team = the depth-3 manager (about 500 teams); senior people are their own "team".
    team_of = np.arange(people)
    for person in range(people):
        walk = person
        while depth_of[walk] > 3:
            walk = managers[walk]  # type: ignore[assignment]
        team_of[person] = walk
    zone_offsets = np.array([z for z, _ in ZONES])
    zone_shares = np.array([s for _, s in ZONES])
    team_zone = rng.choice(zone_offsets, size=people, p=zone_shares)
    offsets = np.where(rng.random(people) < 0.8, team_zone[team_of], rng.choice(zone_offsets, size=people))
    levels = np.clip(8 - depth_arr + rng.integers(-2, 2, size=people), 1, 8)

    # Volunteers are persons 0..n_volunteers-1 (seniors first); mentees are the rest, plus a few
    # volunteers who also ask for a copilot (to exercise the "not yourself" rule).
    volunteer_people = rng.permutation(people)[:n_volunteers]
    volunteer_set = set(volunteer_people.tolist())
    others = np.array([p for p in rng.permutation(people).tolist() if p not in volunteer_set])
    mentee_people = np.concatenate(
        [others[: n_mentees - n_mentees // 100], volunteer_people[: n_mentees // 100]]
    )

    def team(p: int) -> str:
        return f"team-{team_of[p]}"

    mentee_topics = _pick_topics(rng, n_mentees, 1, 3)
    preference = rng.choice(["either", "same", "other"], size=n_mentees, p=[0.8, 0.1, 0.1])
    mentees = [
        MenteeFacts(
            request_id=100_000_000 + i,
            person_id=int(p),
            topics=mentee_topics[i],
            team=team(p),
            level=None if rng.random() < 0.03 else int(levels[p]),
            utc_offset_minutes=int(offsets[p]),
            team_preference=str(preference[i]),  # type: ignore[arg-type]
            is_guest=bool(rng.random() < 0.01),
        )
        for i, p in enumerate(mentee_people.tolist())
    ]
    volunteer_topics = _pick_topics(rng, n_volunteers, 2, 5)
    capacity = rng.integers(1, max_capacity + 1, size=n_volunteers)
    load = np.minimum(capacity, rng.choice([0, 0, 0, 1, 1, 2], size=n_volunteers))
    flags = rng.random((n_volunteers, 5))
    volunteers = [
        CopilotFacts(
            person_id=int(p),
            topics=volunteer_topics[i],
            team=team(p),
            level=int(levels[p]),
            utc_offset_minutes=int(offsets[p]),
            capacity=int(capacity[i]),
            current_load=int(load[i]),
            open_to_other_teams=bool(flags[i, 0] > 0.1),
            paused=bool(flags[i, 1] < 0.05),
            deactivated=bool(flags[i, 2] < 0.01),
            is_bot=bool(flags[i, 3] < 0.002),
            is_guest=bool(flags[i, 4] < 0.01),
        )
        for i, p in enumerate(volunteer_people.tolist())
    ]
    m_ids = mentee_people[rng.integers(0, n_mentees, size=n_mentees // 20)]
    v_ids = volunteer_people[rng.integers(0, n_volunteers, size=n_mentees // 20)]
    pairs = list(zip(m_ids.tolist(), v_ids.tolist(), strict=True))
    history = MatchHistory(
        recently_declined=frozenset(pairs[: len(pairs) // 5]),
        current_pairs=frozenset(pairs[len(pairs) // 5 : len(pairs) // 3]),
        past_pairs=frozenset(pairs),
    )
    return World(mentees, volunteers, OrgChart(managers), history)


# --- The exact reference the round is held to -------------------------------------------------


def all_allowed_pairs(round_input: RoundInput) -> Pairs:
    """Every allowed (request, copilot) pair with its value, by brute force over the cross product."""
    n_m, n_v = len(round_input.table.profiles), len(round_input.pool)
    m = np.repeat(np.arange(n_m), n_v)
    v = np.tile(np.arange(n_v), n_m)
    return Pairs(*round_input.evaluate(m, v))


def exact_objective(round_input: RoundInput, pairs: Pairs) -> int:
    """linear_sum_assignment on one column per free seat plus one 'no copilot' column per request."""
    from scipy.optimize import linear_sum_assignment  # a test dependency; the benchmark needs only the worlds

    remaining = round_input.pool.remaining
    seat_start = np.concatenate([[0], np.cumsum(remaining)])
    n_m, n_seats = len(round_input.table.profiles), int(seat_start[-1])
    value = np.full((n_m, n_seats + n_m), -1e12)
    value[np.arange(n_m), n_seats + np.arange(n_m)] = 0.0
    for seat in range(int(remaining.max(initial=0))):
        has = remaining[pairs.copilot_rows] > seat
        value[pairs.mentee_rows[has], seat_start[pairs.copilot_rows[has]] + seat] = pairs.values[has]
    rows, cols = linear_sum_assignment(value, maximize=True)
    return round(value[rows, cols].sum())


def check_round(world: World, rules: MatchRules, result: RoundResult) -> None:
    """No hard rule or capacity broken, every score as score_match words it, every request accounted for."""
    by_request = {m.request_id: m for m in world.mentees}
    by_person = {v.person_id: v for v in world.volunteers}
    for pair in result.pairs:
        m, v = by_request[pair.request_id], by_person[pair.volunteer_id]
        assert blocking_reason(m, v, world.org, world.history, rules) is None
        assert pair.score == score_match(m, v, world.history, rules)
    taken = Counter(p.volunteer_id for p in result.pairs)
    assert all(count <= by_person[v].remaining_capacity for v, count in taken.items())
    assert sorted([p.request_id for p in result.pairs] + list(result.unmatched)) == sorted(by_request)


def check_exact_round(world: World, rules: MatchRules, result: RoundResult) -> None:
    """check_round, and the round's objective is the exact optimum over every allowed pairing."""
    check_round(world, rules, result)
    round_input = RoundInput.build(world.mentees, world.volunteers, world.org, world.history, rules)
    assert round(result.objective * 100) == exact_objective(round_input, all_allowed_pairs(round_input))

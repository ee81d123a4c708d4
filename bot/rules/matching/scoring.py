"""How good an allowed pairing is: six parts, each a weight times a 0..1 fit, in whole centipoints.

Scores are computed in whole centipoints (1/100 of a point) so the optimiser works on exactly the
numbers people see and results are identical run to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from bot.rules.matching.columns import (
    PREFERENCE_CODES,
    TEAM_UNKNOWN,
    CopilotPool,
    MenteeTable,
    contains,
    pair_hash,
)
from bot.rules.matching.facts import MINUTES_PER_DAY, MatchRules

# --- Score weights (points out of 100; each part is weight x a 0..1 fit) -------------------------
# Shared topics are what the conversations are about, so they weigh most.
TOPIC_WEIGHT = 35.0
# Overlapping working hours decide whether the two can actually meet.
WORKING_HOURS_WEIGHT = 20.0
# Level fit: peers by default, or a copilot one or two levels ahead with MatchRules.prefer_senior.
LEVEL_WEIGHT = 15.0
# Team fit: an explicit same/other-team wish that is met, or (for "either") a fresh outside view.
TEAM_WEIGHT = 10.0
# Spread the work: copilots with fewer current mentees come first.
LOAD_WEIGHT = 10.0
# New connections are part of the point of the programme.
NEW_PAIR_WEIGHT = 10.0
MAX_SCORE = TOPIC_WEIGHT + WORKING_HOURS_WEIGHT + LEVEL_WEIGHT + TEAM_WEIGHT + LOAD_WEIGHT + NEW_PAIR_WEIGHT
# Every pair made in a round is worth this much on top of its score, so the optimiser gives up to
# this many points of total score to get one more person a copilot (matching more people beats a
# slightly better total); among arrangements matching the same number of people it maximises score.
MATCH_BONUS = MAX_SCORE

CENTI = 100  # centipoints per point
TIE_BITS = 40


class ScorePart(NamedTuple):
    # A named tuple, not a dataclass: a large round builds six per proposed pair (240,000 for 40,000 pairs),
    # and a frozen dataclass's __init__ made that half a second of the round.
    key: str
    points: float
    reason: str


@dataclass(frozen=True)
class MatchScore:
    total: float  # 0..MAX_SCORE, the sum of the parts
    parts: tuple[ScorePart, ...]

    def part(self, key: str) -> ScorePart:
        return next(p for p in self.parts if p.key == key)


def _popcount(x: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x).astype(np.int64)
    return np.unpackbits(x.view(np.uint8).reshape(*x.shape, 8), axis=-1).sum(axis=-1)  # numpy < 2


@dataclass(frozen=True)
class PairPoints:
    parts: np.ndarray  # (6, pairs) centipoints, in PART_KEYS order
    overlap_minutes: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.parts.sum(axis=0)


PART_KEYS = ("topics", "working_hours", "level", "team", "load", "new_pair")


def _centipoints(fit: np.ndarray | float, weight: float) -> np.ndarray:
    return np.rint(np.asarray(fit * weight * CENTI)).astype(np.int64)


def topic_points(shared: np.ndarray, named: np.ndarray) -> np.ndarray:
    """``shared`` of the request's ``named`` topics are offered by the copilot."""
    return _centipoints(np.where(named > 0, shared / np.maximum(named, 1), 0.0), TOPIC_WEIGHT)


def hours_points(
    offset_a: np.ndarray, offset_b: np.ndarray, rules: MatchRules
) -> tuple[np.ndarray, np.ndarray]:
    """(centipoints, overlapping working minutes) of two UTC offsets in minutes."""
    workday = (rules.workday_end_hour - rules.workday_start_hour) * 60
    gap = (offset_a - offset_b) % MINUTES_PER_DAY
    gap = np.minimum(gap, MINUTES_PER_DAY - gap)
    # Two equal-length windows on a 24h clock: the direct overlap plus any overlap across midnight.
    overlap = np.maximum(0, workday - gap) + np.maximum(0, workday - (MINUTES_PER_DAY - gap))
    return _centipoints(overlap / workday, WORKING_HOURS_WEIGHT), overlap


def level_points(
    mentee_level: np.ndarray,
    mentee_known: np.ndarray,
    copilot_level: np.ndarray,
    copilot_known: np.ndarray,
    rules: MatchRules,
) -> np.ndarray:
    ahead = copilot_level - mentee_level
    if rules.prefer_senior:
        level_fit = np.select(
            [(ahead == 1) | (ahead == 2), ahead == 3, ahead == 0, ahead >= 4], [1.0, 0.6, 0.4, 0.2], 0.0
        )
    else:
        level_fit = np.clip(1.0 - np.abs(ahead) / 4.0, 0.0, 1.0)
    return _centipoints(np.where(mentee_known & copilot_known, level_fit, 0.5), LEVEL_WEIGHT)


def load_points(pool: CopilotPool) -> np.ndarray:
    """Per volunteer: fewer current mentees, more points."""
    return _centipoints(np.clip(1.0 - pool.load / pool.capacity, 0.0, 1.0), LOAD_WEIGHT)


def points(
    table: MenteeTable,
    m: np.ndarray,
    pool: CopilotPool,
    v: np.ndarray,
    past: np.ndarray | None,
    rules: MatchRules,
) -> PairPoints:
    """Vectorised score parts for pairs (m[i], v[i]).

    ``past`` holds sorted keys of earlier pairings; None scores every pair as new (an upper bound).
    """
    shared = _popcount(table.topic_bits[m] & pool.topic_bits[v]).sum(axis=-1)
    topics = topic_points(shared, table.topic_count[m])
    hours, overlap = hours_points(table.offset[m], pool.offset[v], rules)
    level = level_points(table.level[m], table.level_known[m], pool.level[v], pool.level_known[v], rules)

    other_team = (
        (table.team[m] != TEAM_UNKNOWN) & (pool.team[v] != TEAM_UNKNOWN) & (table.team[m] != pool.team[v])
    )
    same_team = (table.team[m] >= 0) & (table.team[m] == pool.team[v])
    preference = table.preference[m]
    team_fit = np.where(
        (preference == PREFERENCE_CODES["same"]) & same_team, 1.0, np.where(other_team, 1.0, 0.5)
    )
    team_fit = np.where((preference == PREFERENCE_CODES["same"]) & other_team, 0.0, team_fit)
    team = _centipoints(team_fit, TEAM_WEIGHT)

    load = load_points(pool)[v]
    new_fit = np.ones(m.size) if past is None else np.where(contains(past, m * len(pool) + v), 0.0, 1.0)
    new = _centipoints(new_fit, NEW_PAIR_WEIGHT)
    return PairPoints(parts=np.stack([topics, hours, level, team, load, new]), overlap_minutes=overlap)


def tie_break_key(
    seed: int, mentee_ids: np.ndarray, volunteer_ids: np.ndarray, total: np.ndarray
) -> np.ndarray:
    """One int64 per pair: higher is better; equal scores are ordered by a seeded stable hash."""
    tie = pair_hash(seed, 1, mentee_ids, volunteer_ids) >> np.uint64(64 - TIE_BITS)
    return (total.astype(np.int64) << TIE_BITS) | ((1 << TIE_BITS) - 1 - tie.astype(np.int64))

"""Copilot matching: who may be paired, how good a pairing is, and a whole round of pairings at once.

Pure logic: the service layer turns database rows into the profiles below and stores the result.

* ``blocking_reason`` applies the hard rules (never pair someone with their own manager, a paused
  volunteer, ...). ``explain_block`` words a rule kindly for the mentee.
* ``score_match`` rates an allowed pairing from 0 to 100 and explains every part in plain English.
* ``rank_candidates`` lists the best copilots for one request.
* ``assign_round`` pairs all open requests at once as a min-cost-flow problem (OR-Tools), so one
  mentee grabbing a popular copilot early cannot strand another mentee who had no alternative.
  ``greedy_round`` is the first-come-first-served baseline it is benchmarked against.

Scores are computed in whole centipoints (1/100 of a point) so the optimiser works on exactly the
numbers people see and results are identical run to run.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, NamedTuple

import numpy as np

TeamPreference = Literal["same", "other", "either"]

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

# --- Round assignment ------------------------------------------------------------------------------
# Every pair made in a round is worth this much on top of its score, so the optimiser gives up to
# this many points of total score to get one more person a copilot (matching more people beats a
# slightly better total); among arrangements matching the same number of people it maximises score.
MATCH_BONUS = MAX_SCORE
# K: each request keeps its best K allowed copilots as edges of the assignment problem. The round is
# optimal over that candidate graph, not over every possible pairing.
CANDIDATES_PER_REQUEST = 24
# To find those K without scoring every (request, volunteer) pair, a request looks at a window of up
# to this many volunteers for each of its topics (all of them when a topic has fewer) ...
VOLUNTEERS_SAMPLED_PER_TOPIC = 64
# ... plus a window of this many volunteers from everyone, so requests whose topics nobody offers
# can still be matched. Windows start at a seeded position per request, so crowds of similar
# requests spread over different copilots instead of all queueing for the same few.
VOLUNTEERS_SAMPLED_FROM_EVERYONE = 32
# Then each copilot keeps only their best (this x remaining capacity) incoming edges. A popular
# copilot can take only a few new mentees, and the solver's time grows with these long edge lists;
# on the large benchmark this cut solve time ~2x and changed the optimum's value by under 0.001%.
EDGES_PER_COPILOT_SLOT = 10
# Requests handled per vectorised batch while building the candidate graph (bounds memory).
_BATCH_REQUESTS = 4096
# Up to this many requests, reporting lines are checked by searching each requester's reports.
_FEW_REQUESTS = 64

_CENTI = 100  # centipoints per point
_MINUTES_PER_DAY = 24 * 60
_TEAM_UNKNOWN = -1
_TEAM_NOT_LISTED = -2  # a known team no volunteer belongs to
_PREFERENCE_CODES: Mapping[str, int] = {"either": 0, "same": 1, "other": 2}
_MASK64 = (1 << 64) - 1
_TIE_BITS = 40


# --- Input data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenteeProfile:
    request_id: int
    person_id: int
    topics: frozenset[str]
    team: str | None
    level: int | None  # numeric seniority, higher = more senior; None unknown
    utc_offset_minutes: int  # from Slack tz_offset (seconds // 60)
    team_preference: TeamPreference = "either"
    is_guest: bool = False


@dataclass(frozen=True)
class VolunteerProfile:
    person_id: int
    topics: frozenset[str]
    team: str | None
    level: int | None
    utc_offset_minutes: int
    capacity: int  # max mentees at once (1..5)
    current_load: int  # active mentees now
    open_to_other_teams: bool = True
    paused: bool = False  # paused_until in the future, or volunteering switched off
    deactivated: bool = False
    is_bot: bool = False
    is_guest: bool = False

    @property
    def remaining_capacity(self) -> int:
        return max(0, self.capacity - self.current_load)


@dataclass(frozen=True)
class MatchRules:
    reporting_line_depth: int | None = None  # None = the whole chain up and down; N = N levels each way
    max_tz_gap_hours: float = 8.0
    allow_guests: bool = False
    prefer_senior: bool = False  # else a peer (similar level) is preferred
    workday_start_hour: int = 9
    workday_end_hour: int = 17
    seed: int = 0  # tie-breaks

    def __post_init__(self) -> None:
        if not 0 <= self.workday_start_hour < self.workday_end_hour <= 24:
            raise ValueError("workday must satisfy 0 <= start hour < end hour <= 24")
        if self.reporting_line_depth is not None and self.reporting_line_depth < 0:
            raise ValueError("reporting_line_depth must be None or >= 0")


@dataclass(frozen=True)
class MatchHistory:
    # (mentee_person_id, volunteer_person_id); the caller keeps only the last 90 days
    recently_declined: frozenset[tuple[int, int]] = frozenset()
    current_pairs: frozenset[tuple[int, int]] = frozenset()  # (mentee, mentor), any non-ended state
    past_pairs: frozenset[tuple[int, int]] = frozenset()  # ever paired before


@dataclass(frozen=True, eq=False)
class OrgChart:
    """Who reports to whom. Bad data (a manager cycle) is tolerated: every walk stops on a repeat."""

    managers: Mapping[int, int | None]  # person_id -> manager person_id

    def reporting_line(self, person_id: int, depth: int | None = None) -> tuple[int, ...]:
        """The person's manager, manager's manager, ... nearest first, at most ``depth`` levels."""
        line: list[int] = []
        seen = {person_id}
        current = self.managers.get(person_id)
        while current is not None and current not in seen and (depth is None or len(line) < depth):
            line.append(current)
            seen.add(current)
            current = self.managers.get(current)
        return tuple(line)

    @cached_property
    def _direct_reports(self) -> Mapping[int, tuple[int, ...]]:
        reports: dict[int, list[int]] = {}
        for person, manager in self.managers.items():
            if manager is not None:
                reports.setdefault(manager, []).append(person)
        return {manager: tuple(people) for manager, people in reports.items()}

    def reports_under(self, person_id: int, depth: int | None = None) -> set[int]:
        """Everyone whose reporting line (within ``depth`` levels) includes this person."""
        found: set[int] = set()
        seen = {person_id}
        frontier = [person_id]
        level = 0
        while frontier and (depth is None or level < depth):
            level += 1
            next_frontier = []
            for manager in frontier:
                for report in self._direct_reports.get(manager, ()):
                    if report not in seen:
                        seen.add(report)
                        found.add(report)
                        next_frontier.append(report)
            frontier = next_frontier
        return found


# --- Results ---------------------------------------------------------------------------------------


class BlockReason(enum.StrEnum):
    SELF = "self"
    REPORTING_LINE = "reporting_line"
    NO_CAPACITY = "no_capacity"
    PAUSED = "paused"
    DEACTIVATED = "deactivated"
    BOT = "bot"
    GUEST = "guest"
    RECENTLY_DECLINED = "recently_declined"
    ALREADY_PAIRED = "already_paired"
    TIME_ZONE_GAP = "time_zone_gap"
    TEAM_PREFERENCE = "team_preference"


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


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    score: MatchScore


@dataclass(frozen=True)
class ProposedPair:
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


# --- Org chart checks ------------------------------------------------------------------------------


def find_manager_cycles(managers: Mapping[int, int | None]) -> list[list[int]]:
    """Each manager cycle once, starting from its lowest person_id and following the manager links."""
    state: dict[int, int] = {}  # 1 = on the current walk, 2 = finished
    cycles: list[list[int]] = []
    for start in managers:
        if start in state:
            continue
        walk: list[int] = []
        position: dict[int, int] = {}
        current: int | None = start
        while current is not None and current not in state:
            state[current] = 1
            position[current] = len(walk)
            walk.append(current)
            current = managers.get(current)
        if current is not None and state.get(current) == 1:
            cycle = walk[position[current] :]
            lowest = cycle.index(min(cycle))
            cycles.append(cycle[lowest:] + cycle[:lowest])
        for person in walk:
            state[person] = 2
    return sorted(cycles)


def in_reporting_line(org: OrgChart, a: int, b: int, depth: int | None) -> bool:
    """True when b is above a in the chain (within ``depth`` levels), or a is above b."""
    if a == b:
        return False
    return b in org.reporting_line(a, depth) or a in org.reporting_line(b, depth)


# --- Hard rules ------------------------------------------------------------------------------------


def _circular_gap_minutes(a: int, b: int) -> int:
    gap = (a - b) % _MINUTES_PER_DAY
    return min(gap, _MINUTES_PER_DAY - gap)


def _team_rule_broken(mentee: MenteeProfile, volunteer: VolunteerProfile) -> bool:
    # "same" and a volunteer who only mentors their own team need a confirmed shared team;
    # "other" only rules out a confirmed shared team.
    same_team = mentee.team is not None and mentee.team == volunteer.team
    if mentee.team_preference == "same" and not same_team:
        return True
    if mentee.team_preference == "other" and same_team:
        return True
    return not volunteer.open_to_other_teams and not same_team


def blocking_reason(
    mentee: MenteeProfile,
    volunteer: VolunteerProfile,
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
) -> BlockReason | None:
    """The first hard rule this pairing breaks, or None when it is allowed."""
    pair = (mentee.person_id, volunteer.person_id)
    if mentee.person_id == volunteer.person_id:
        return BlockReason.SELF
    if volunteer.deactivated:
        return BlockReason.DEACTIVATED
    if volunteer.is_bot:
        return BlockReason.BOT
    if (mentee.is_guest or volunteer.is_guest) and not rules.allow_guests:
        return BlockReason.GUEST
    if volunteer.paused:
        return BlockReason.PAUSED
    if volunteer.remaining_capacity <= 0:
        return BlockReason.NO_CAPACITY
    if in_reporting_line(org, mentee.person_id, volunteer.person_id, rules.reporting_line_depth):
        return BlockReason.REPORTING_LINE
    if pair in history.current_pairs:
        return BlockReason.ALREADY_PAIRED
    if pair in history.recently_declined:
        return BlockReason.RECENTLY_DECLINED
    if _team_rule_broken(mentee, volunteer):
        return BlockReason.TEAM_PREFERENCE
    gap = _circular_gap_minutes(mentee.utc_offset_minutes, volunteer.utc_offset_minutes)
    if gap > rules.max_tz_gap_hours * 60:
        return BlockReason.TIME_ZONE_GAP
    return None


_BLOCK_EXPLANATIONS: Mapping[BlockReason, str] = {
    BlockReason.SELF: "That's you! A copilot needs to be someone else, so pick another colleague.",
    BlockReason.REPORTING_LINE: (
        "{name} is in your reporting line. A copilot works best outside it, so the conversation can "
        "stay open. Try someone from another part of the org."
    ),
    BlockReason.NO_CAPACITY: (
        "{name} is already mentoring as many people as they offered to, so they can't take on "
        "another copilot pairing right now."
    ),
    BlockReason.PAUSED: "{name} has paused copilot pairings for now, so please try someone else.",
    BlockReason.DEACTIVATED: "{name}'s account isn't active any more, so they can't be a copilot.",
    BlockReason.BOT: "{name} is an app rather than a person, so they can't be a copilot.",
    BlockReason.GUEST: (
        "Copilot pairings here are only between full members of the workspace, and a guest account "
        "is involved, so {name} can't be matched with you."
    ),
    BlockReason.RECENTLY_DECLINED: (
        "{name} wasn't able to take a pairing with you recently, so we'll give it some time and "
        "suggest someone else."
    ),
    BlockReason.ALREADY_PAIRED: "You and {name} are already paired, so there's nothing more to set up.",
    BlockReason.TIME_ZONE_GAP: (
        "{name}'s time zone is too far from yours to find regular meeting times, so someone closer "
        "in time will be easier to meet."
    ),
    BlockReason.TEAM_PREFERENCE: (
        "{name}'s team doesn't fit the team preference for this pairing, so try someone who does."
    ),
}


def explain_block(reason: BlockReason, volunteer_name: str) -> str:
    """A kind one-sentence explanation, addressed to the mentee, of why this copilot can't be asked."""
    return _BLOCK_EXPLANATIONS[reason].format(name=volunteer_name)


# --- Array views of the profiles -------------------------------------------------------------------


def _bits_for(topic_ids: Iterable[int], words: int) -> list[int]:
    row = [0] * words
    for topic in topic_ids:
        row[topic // 64] |= 1 << (topic % 64)
    return row


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a stable, well-spread hash (Python's hash() is randomised per process)."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _as_u64(values: np.ndarray | int) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype(np.uint64)


def _pair_hash(seed: int, salt: int, mentee_ids: np.ndarray, other: np.ndarray) -> np.ndarray:
    base = _mix64(np.array([(seed ^ (salt << 32)) & _MASK64], dtype=np.uint64))
    return _mix64(_mix64(base ^ _as_u64(mentee_ids)) ^ _as_u64(other))


@dataclass(frozen=True, eq=False)
class VolunteerPool:
    """Volunteers as column arrays. Build once and pass to rank_candidates to rank many requests fast."""

    profiles: tuple[VolunteerProfile, ...]
    index: Mapping[int, int]  # person_id -> row
    topic_ids: Mapping[str, int]
    team_ids: Mapping[str, int]
    person_ids: np.ndarray
    topic_bits: np.ndarray  # (volunteers, words) uint64
    team: np.ndarray
    level: np.ndarray
    level_known: np.ndarray
    offset: np.ndarray
    capacity: np.ndarray
    load: np.ndarray
    open_to_other_teams: np.ndarray
    unavailable: np.ndarray  # paused, deactivated, bot or full
    guest: np.ndarray
    topic_members: tuple[np.ndarray, ...] = field(repr=False)

    @classmethod
    def build(cls, volunteers: Sequence[VolunteerProfile]) -> VolunteerPool:
        topic_ids: dict[str, int] = {}
        team_ids: dict[str, int] = {}
        for v in volunteers:
            for topic in sorted(v.topics):
                topic_ids.setdefault(topic, len(topic_ids))
            if v.team is not None:
                team_ids.setdefault(v.team, len(team_ids))
        words = max(1, -(-len(topic_ids) // 64))
        members: list[list[int]] = [[] for _ in topic_ids]
        bits = np.zeros((len(volunteers), words), dtype=np.uint64)
        for row, v in enumerate(volunteers):
            ids = [topic_ids[t] for t in v.topics]
            for topic in ids:
                members[topic].append(row)
            if ids:
                bits[row] = np.array(_bits_for(ids, words), dtype=np.uint64)

        def column(values: Iterable[object], dtype: type) -> np.ndarray:
            return np.fromiter(values, dtype=dtype, count=len(volunteers))

        return cls(
            profiles=tuple(volunteers),
            index={v.person_id: row for row, v in enumerate(volunteers)},
            topic_ids=topic_ids,
            team_ids=team_ids,
            person_ids=column((v.person_id for v in volunteers), np.int64),
            topic_bits=bits,
            team=column(
                (_TEAM_UNKNOWN if v.team is None else team_ids[v.team] for v in volunteers), np.int64
            ),
            level=column((v.level or 0 for v in volunteers), np.int64),
            level_known=column((v.level is not None for v in volunteers), bool),
            offset=column((v.utc_offset_minutes for v in volunteers), np.int64),
            capacity=column((max(1, v.capacity) for v in volunteers), np.int64),
            load=column((v.current_load for v in volunteers), np.int64),
            open_to_other_teams=column((v.open_to_other_teams for v in volunteers), bool),
            unavailable=column(
                (v.paused or v.deactivated or v.is_bot or v.remaining_capacity <= 0 for v in volunteers), bool
            ),
            guest=column((v.is_guest for v in volunteers), bool),
            topic_members=tuple(np.array(m, dtype=np.int64) for m in members),
        )

    def __len__(self) -> int:
        return len(self.profiles)

    @property
    def remaining(self) -> np.ndarray:
        return np.maximum(0, self.capacity - self.load)


@dataclass(frozen=True, eq=False)
class _MenteeTable:
    profiles: tuple[MenteeProfile, ...]
    person_ids: np.ndarray
    topic_bits: np.ndarray
    topic_count: np.ndarray
    topic_lists: tuple[tuple[int, ...], ...]  # the pool's topic ids each request names
    team: np.ndarray
    level: np.ndarray
    level_known: np.ndarray
    offset: np.ndarray
    preference: np.ndarray
    guest: np.ndarray

    @classmethod
    def build(cls, mentees: Sequence[MenteeProfile], pool: VolunteerPool) -> _MenteeTable:
        words = pool.topic_bits.shape[1]
        lists = tuple(
            tuple(sorted(pool.topic_ids[t] for t in m.topics if t in pool.topic_ids)) for m in mentees
        )
        bits = np.zeros((len(mentees), words), dtype=np.uint64)
        for row, ids in enumerate(lists):
            if ids:
                bits[row] = np.array(_bits_for(ids, words), dtype=np.uint64)

        def column(values: Iterable[object], dtype: type) -> np.ndarray:
            return np.fromiter(values, dtype=dtype, count=len(mentees))

        def team_code(team: str | None) -> int:
            return _TEAM_UNKNOWN if team is None else pool.team_ids.get(team, _TEAM_NOT_LISTED)

        return cls(
            profiles=tuple(mentees),
            person_ids=column((m.person_id for m in mentees), np.int64),
            topic_bits=bits,
            topic_count=column((len(m.topics) for m in mentees), np.int64),
            topic_lists=lists,
            team=column((team_code(m.team) for m in mentees), np.int64),
            level=column((m.level or 0 for m in mentees), np.int64),
            level_known=column((m.level is not None for m in mentees), bool),
            offset=column((m.utc_offset_minutes for m in mentees), np.int64),
            preference=column((_PREFERENCE_CODES[m.team_preference] for m in mentees), np.int64),
            guest=column((m.is_guest for m in mentees), bool),
        )


def _pair_keys(
    pairs: Iterable[tuple[int, int]], mentee_rows: Mapping[int, Sequence[int]], pool: VolunteerPool
) -> np.ndarray:
    """(mentee person, volunteer person) pairs as sorted row keys ``mentee_row * len(pool) + volunteer_row``."""
    keys = [
        m_row * len(pool) + pool.index[volunteer]
        for mentee, volunteer in pairs
        if mentee in mentee_rows and volunteer in pool.index
        for m_row in mentee_rows[mentee]
    ]
    return np.unique(np.array(keys, dtype=np.int64))


def _mentee_rows(table: _MenteeTable) -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {}
    for row, person in enumerate(table.person_ids.tolist()):
        rows.setdefault(person, []).append(row)
    return rows


def _reporting_line_pairs(
    people: Iterable[int], pool: VolunteerPool, org: OrgChart, depth: int | None
) -> list[tuple[int, int]]:
    """(mentee, volunteer) person pairs where one is in the other's reporting line."""
    people = set(people)
    pairs: list[tuple[int, int]] = []
    if len(people) <= _FEW_REQUESTS:
        # Few requests (ranking one request): search each one's reports instead of walking every
        # volunteer's chain.
        for person in people:
            related = set(org.reporting_line(person, depth)) | org.reports_under(person, depth)
            pairs.extend((person, other) for other in related if other in pool.index)
        return pairs
    for person in people:
        pairs.extend(
            (person, manager) for manager in org.reporting_line(person, depth) if manager in pool.index
        )
    for volunteer in pool.index:
        pairs.extend(
            (manager, volunteer) for manager in org.reporting_line(volunteer, depth) if manager in people
        )
    return pairs


def _blocked_keys(
    rows: Mapping[int, Sequence[int]],
    pool: VolunteerPool,
    org: OrgChart,
    history: MatchHistory,
    depth: int | None,
) -> np.ndarray:
    """Keys of pairs blocked by reporting line, a current pairing or a recent decline."""
    parts = [
        _pair_keys(_reporting_line_pairs(rows, pool, org, depth), rows, pool),
        _pair_keys(history.current_pairs, rows, pool),
        _pair_keys(history.recently_declined, rows, pool),
    ]
    return np.unique(np.concatenate(parts))


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[at] == keys


def _allowed(
    table: _MenteeTable,
    m: np.ndarray,
    pool: VolunteerPool,
    v: np.ndarray,
    blocked: np.ndarray | None,
    rules: MatchRules,
) -> np.ndarray:
    """Vectorised blocking_reason(...) is None for pairs (m[i], v[i]) of row indices.

    With ``blocked=None`` the pair-specific rules (reporting line, history) are left to the caller.
    """
    ok = ~pool.unavailable[v] & (table.person_ids[m] != pool.person_ids[v])
    if not rules.allow_guests:
        ok &= ~pool.guest[v] & ~table.guest[m]
    gap = (table.offset[m] - pool.offset[v]) % _MINUTES_PER_DAY
    ok &= np.minimum(gap, _MINUTES_PER_DAY - gap) <= rules.max_tz_gap_hours * 60
    same_team = (table.team[m] >= 0) & (table.team[m] == pool.team[v])
    preference = table.preference[m]
    ok &= ~((preference == _PREFERENCE_CODES["same"]) & ~same_team)
    ok &= ~((preference == _PREFERENCE_CODES["other"]) & same_team)
    ok &= pool.open_to_other_teams[v] | same_team
    if blocked is not None:
        ok &= ~_contains(blocked, m * len(pool) + v)
    return ok


def _popcount(x: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x).astype(np.int64)
    return np.unpackbits(x.view(np.uint8).reshape(*x.shape, 8), axis=-1).sum(axis=-1)  # numpy < 2


@dataclass(frozen=True)
class _PairPoints:
    parts: np.ndarray  # (6, pairs) centipoints, in _PART_KEYS order
    overlap_minutes: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.parts.sum(axis=0)


_PART_KEYS = ("topics", "working_hours", "level", "team", "load", "new_pair")


def _points(
    table: _MenteeTable,
    m: np.ndarray,
    pool: VolunteerPool,
    v: np.ndarray,
    past: np.ndarray | None,
    rules: MatchRules,
) -> _PairPoints:
    """Vectorised score parts for pairs (m[i], v[i]).

    ``past`` holds sorted keys of earlier pairings; None scores every pair as new (see _candidate_graph).
    """
    shared = _popcount(table.topic_bits[m] & pool.topic_bits[v]).sum(axis=-1)
    named = table.topic_count[m]
    topic_fit = np.where(named > 0, shared / np.maximum(named, 1), 0.0)

    workday = (rules.workday_end_hour - rules.workday_start_hour) * 60
    gap = (table.offset[m] - pool.offset[v]) % _MINUTES_PER_DAY
    gap = np.minimum(gap, _MINUTES_PER_DAY - gap)
    # Two equal-length windows on a 24h clock: the direct overlap plus any overlap across midnight.
    overlap = np.maximum(0, workday - gap) + np.maximum(0, workday - (_MINUTES_PER_DAY - gap))
    hours_fit = overlap / workday

    ahead = pool.level[v] - table.level[m]
    if rules.prefer_senior:
        level_fit = np.select(
            [(ahead == 1) | (ahead == 2), ahead == 3, ahead == 0, ahead >= 4], [1.0, 0.6, 0.4, 0.2], 0.0
        )
    else:
        level_fit = np.clip(1.0 - np.abs(ahead) / 4.0, 0.0, 1.0)
    level_fit = np.where(table.level_known[m] & pool.level_known[v], level_fit, 0.5)

    other_team = (
        (table.team[m] != _TEAM_UNKNOWN) & (pool.team[v] != _TEAM_UNKNOWN) & (table.team[m] != pool.team[v])
    )
    same_team = (table.team[m] >= 0) & (table.team[m] == pool.team[v])
    preference = table.preference[m]
    team_fit = np.where(
        (preference == _PREFERENCE_CODES["same"]) & same_team, 1.0, np.where(other_team, 1.0, 0.5)
    )
    team_fit = np.where((preference == _PREFERENCE_CODES["same"]) & other_team, 0.0, team_fit)

    load_fit = np.clip(1.0 - pool.load[v] / pool.capacity[v], 0.0, 1.0)
    new_fit = 1.0 if past is None else np.where(_contains(past, m * len(pool) + v), 0.0, 1.0)

    fits = np.stack(np.broadcast_arrays(topic_fit, hours_fit, level_fit, team_fit, load_fit, new_fit))
    weights = np.array(
        [TOPIC_WEIGHT, WORKING_HOURS_WEIGHT, LEVEL_WEIGHT, TEAM_WEIGHT, LOAD_WEIGHT, NEW_PAIR_WEIGHT]
    )[:, None]
    parts = np.rint(fits * weights * _CENTI).astype(np.int64)
    return _PairPoints(parts=parts, overlap_minutes=overlap)


def _tie_break_key(
    seed: int, mentee_ids: np.ndarray, volunteer_ids: np.ndarray, total: np.ndarray
) -> np.ndarray:
    """One int64 per pair: higher is better; equal scores are ordered by a seeded stable hash."""
    tie = _pair_hash(seed, 1, mentee_ids, volunteer_ids) >> np.uint64(64 - _TIE_BITS)
    return (total.astype(np.int64) << _TIE_BITS) | ((1 << _TIE_BITS) - 1 - tie.astype(np.int64))


# --- Explanations ----------------------------------------------------------------------------------


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _hours(minutes: int) -> str:
    hours = minutes / 60
    text = f"{hours:.0f}" if minutes % 60 == 0 else f"{hours:.1f}"
    return f"{text} hour" if minutes == 60 else f"{text} hours"


def _levels(n: int) -> str:
    return "one level" if n == 1 else f"{n} levels"


def _reasons(
    mentee: MenteeProfile,
    volunteer: VolunteerProfile,
    overlap_minutes: int,
    paired_before: bool,
    rules: MatchRules,
) -> tuple[str, ...]:
    shared = sorted(mentee.topics & volunteer.topics)
    if shared:
        topics = f"You both care about {_join(shared)}."
    elif mentee.topics:
        topics = "You don't share any of the listed topics, so this would be a broader conversation."
    else:
        topics = "No topics were named for this request, so topics didn't count."

    workday = (rules.workday_end_hour - rules.workday_start_hour) * 60
    if overlap_minutes >= workday:
        hours = f"Your working days line up completely ({_hours(workday)})."
    elif overlap_minutes > 0:
        hours = f"Your working days overlap by {_hours(overlap_minutes)}."
    else:
        hours = "Your working days don't overlap, so you'd need to meet outside usual hours."

    if mentee.level is None or volunteer.level is None:
        level = "We don't know both of your levels, so level counted as neutral."
    else:
        ahead = volunteer.level - mentee.level
        if rules.prefer_senior and ahead in (1, 2):
            level = f"The copilot is {_levels(ahead)} ahead: far enough to have been there, close enough to remember."
        elif rules.prefer_senior and ahead > 2:
            level = f"The copilot is {_levels(ahead)} ahead, a bigger gap than ideal."
        elif rules.prefer_senior and ahead == 0:
            level = "You're at the same level; a copilot a little further along was preferred."
        elif rules.prefer_senior:
            level = (
                f"The copilot is {_levels(-ahead)} behind the mentee, which is unusual for this programme."
            )
        elif ahead == 0:
            level = "You're at the same level, so you can compare notes as peers."
        elif abs(ahead) == 1:
            level = "You're one level apart, close enough to talk as peers."
        else:
            level = f"You're {_levels(abs(ahead))} apart, so this is less of a peer conversation."

    both_known = mentee.team is not None and volunteer.team is not None
    if both_known and mentee.team == volunteer.team:
        team = (
            "You're on the same team, as asked."
            if mentee.team_preference == "same"
            else "You're on the same team, so you share context but get less of an outside view."
        )
    elif both_known:
        team = (
            "You're on different teams, as asked."
            if mentee.team_preference == "other"
            else "You're on different teams, which brings a fresh view."
        )
    else:
        team = "We couldn't tell whether you're on the same team."

    if volunteer.current_load == 0:
        load = "The copilot isn't mentoring anyone else right now."
    else:
        load = f"The copilot is mentoring {volunteer.current_load} of up to {volunteer.capacity} people right now."

    new = "You've been paired before." if paired_before else "You haven't been paired before."
    return (topics, hours, level, team, load, new)


def _scores(
    table: _MenteeTable,
    m: np.ndarray,
    pool: VolunteerPool,
    v: np.ndarray,
    past: np.ndarray,
    rules: MatchRules,
) -> list[MatchScore]:
    points = _points(table, m, pool, v, past, rules)
    totals = points.total.tolist()
    parts = points.parts.T.tolist()
    overlaps = points.overlap_minutes.tolist()
    scores = []
    for i, (m_row, v_row) in enumerate(zip(m.tolist(), v.tolist(), strict=True)):
        reasons = _reasons(
            table.profiles[m_row], pool.profiles[v_row], int(overlaps[i]), parts[i][-1] == 0, rules
        )
        scores.append(
            MatchScore(
                total=totals[i] / _CENTI,
                parts=tuple(
                    ScorePart(key, c / _CENTI, reason)
                    for key, c, reason in zip(_PART_KEYS, parts[i], reasons, strict=True)
                ),
            )
        )
    return scores


def score_match(
    mentee: MenteeProfile, volunteer: VolunteerProfile, history: MatchHistory, rules: MatchRules
) -> MatchScore:
    """How good this pairing is, 0..MAX_SCORE, with every part explained. Ignores the hard rules."""
    pool = VolunteerPool.build([volunteer])
    table = _MenteeTable.build([mentee], pool)
    past = _pair_keys(history.past_pairs, {mentee.person_id: [0]}, pool)
    zero = np.zeros(1, dtype=np.int64)
    return _scores(table, zero, pool, zero, past, rules)[0]


# --- One request -----------------------------------------------------------------------------------


def rank_candidates(
    mentee: MenteeProfile,
    volunteers: Sequence[VolunteerProfile] | VolunteerPool,
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
    limit: int = 10,
) -> list[Candidate]:
    """The best allowed copilots for one request, best first. Every volunteer is considered.

    Equal scores are ordered by a hash of (rules.seed, mentee, volunteer), so the order is stable
    across runs but does not always favour the same people.
    """
    pool = volunteers if isinstance(volunteers, VolunteerPool) else VolunteerPool.build(volunteers)
    if len(pool) == 0 or limit <= 0:
        return []
    table = _MenteeTable.build([mentee], pool)
    v = np.arange(len(pool), dtype=np.int64)
    m = np.zeros_like(v)
    blocked = _blocked_keys({mentee.person_id: [0]}, pool, org, history, rules.reporting_line_depth)
    keep = _allowed(table, m, pool, v, blocked, rules)
    m, v = m[keep], v[keep]
    past = _pair_keys(history.past_pairs, {mentee.person_id: [0]}, pool)
    totals = _points(table, m, pool, v, past, rules).total
    keys = _tie_break_key(rules.seed, table.person_ids[m], pool.person_ids[v], totals)
    if keys.size > limit:
        top = np.argpartition(-keys, limit - 1)[:limit]
        m, v, keys = m[top], v[top], keys[top]
    order = np.argsort(-keys, kind="stable")
    m, v = m[order], v[order]
    scores = _scores(table, m, pool, v, past, rules)
    return [
        Candidate(int(pool.person_ids[row]), score) for row, score in zip(v.tolist(), scores, strict=True)
    ]


# --- A whole round ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _CandidateGraph:
    """Each request's best allowed copilots, best first, as flat arrays (request rows ascending)."""

    mentee_rows: np.ndarray
    volunteer_rows: np.ndarray
    keys: np.ndarray  # _tie_break_key: score in centipoints, then the seeded tie-break

    @property
    def totals(self) -> np.ndarray:
        return self.keys >> _TIE_BITS

    def subset(self, edges: np.ndarray) -> _CandidateGraph:
        return _CandidateGraph(self.mentee_rows[edges], self.volunteer_rows[edges], self.keys[edges])

    def keep_best_per_copilot(self, remaining: np.ndarray) -> _CandidateGraph:
        """Drop edges to a copilot beyond their best EDGES_PER_COPILOT_SLOT x remaining capacity."""
        order = np.lexsort((-self.keys, self.volunteer_rows))
        copilots = self.volunteer_rows[order]
        rank = np.arange(copilots.size) - np.searchsorted(copilots, copilots)
        return self.subset(np.sort(order[rank < remaining[copilots] * EDGES_PER_COPILOT_SLOT]))


def _topic_windows(
    table: _MenteeTable, pool: VolunteerPool, available: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (request, topic) occurrence: request row, segment start/length and window start/width.

    Segments index into one flat array of volunteer rows: each topic's available volunteers in a
    seeded shuffled order, and a last "everyone" segment.
    """
    n_topics = len(pool.topic_ids)
    segments = [m[available[m]] for m in pool.topic_members] + [np.flatnonzero(available)]
    flat_parts, starts, lengths = [], [], []
    position = 0
    for topic, rows in enumerate(segments):
        order = np.argsort(
            _pair_hash(seed, 2, np.full(rows.size, topic), pool.person_ids[rows]), kind="stable"
        )
        flat_parts.append(rows[order])
        starts.append(position)
        lengths.append(rows.size)
        position += rows.size
    flat = np.concatenate(flat_parts) if flat_parts else np.zeros(0, dtype=np.int64)
    seg_start = np.array(starts, dtype=np.int64)
    seg_len = np.array(lengths, dtype=np.int64)

    occ_mentee = np.repeat(np.arange(len(table.profiles)), [len(t) + 1 for t in table.topic_lists])
    occ_topic = np.fromiter(
        (t for topics in table.topic_lists for t in (*topics, n_topics)),
        dtype=np.int64,
        count=occ_mentee.size,
    )
    length = seg_len[occ_topic]
    keep = length > 0
    occ_mentee, occ_topic, length = occ_mentee[keep], occ_topic[keep], length[keep]
    cap = np.where(occ_topic == n_topics, VOLUNTEERS_SAMPLED_FROM_EVERYONE, VOLUNTEERS_SAMPLED_PER_TOPIC)
    width = np.minimum(length, cap)
    window_start = (
        _pair_hash(seed, 3, table.person_ids[occ_mentee], occ_topic) % length.astype(np.uint64)
    ).astype(np.int64)
    return flat, occ_mentee, seg_start[occ_topic], length, np.stack([window_start, width])


def _candidate_graph(
    table: _MenteeTable,
    pool: VolunteerPool,
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
    per_request: int = CANDIDATES_PER_REQUEST,
) -> _CandidateGraph:
    n_mentees = len(table.profiles)
    empty = np.zeros(0, dtype=np.int64)
    available = ~pool.unavailable & (rules.allow_guests | ~pool.guest)
    if n_mentees == 0 or not available.any():
        return _CandidateGraph(empty, empty, empty)
    rows = _mentee_rows(table)
    blocked = _blocked_keys(rows, pool, org, history, rules.reporting_line_depth)
    past = _pair_keys(history.past_pairs, rows, pool)
    flat, occ_mentee, seg_start, seg_len, window = _topic_windows(table, pool, available, rules.seed)
    window_start, width = window
    # Where each occurrence's window begins within its request's row of the padded batch matrix.
    row_width = np.bincount(occ_mentee, weights=width, minlength=n_mentees).astype(np.int64)
    occ_begin = np.cumsum(width) - width
    first_occ_of_row = np.searchsorted(occ_mentee, occ_mentee)
    column_offset = occ_begin - occ_begin[first_occ_of_row]
    # Headroom for a volunteer found under two topics or ruled out by a reporting line or history.
    keep_top = 2 * per_request

    out_m, out_v, out_total = [], [], []
    for lo in range(0, n_mentees, _BATCH_REQUESTS):
        hi = min(n_mentees, lo + _BATCH_REQUESTS)
        o_lo, o_hi = np.searchsorted(occ_mentee, [lo, hi])
        if o_lo == o_hi:
            continue
        w = width[o_lo:o_hi]
        occ = np.repeat(np.arange(o_lo, o_hi), w)
        step = np.arange(w.sum()) - np.repeat(np.cumsum(w) - w, w)
        v = flat[seg_start[occ] + (window_start[occ] + step) % seg_len[occ]]
        m = occ_mentee[occ]
        column = column_offset[occ] + step
        # Reporting lines and history touch few pairs, so they are applied to each shortlist below
        # rather than to every sampled pair.
        ok = _allowed(table, m, pool, v, None, rules)
        m, v, column = m[ok], v[ok], column[ok]
        totals = _points(table, m, pool, v, None, rules).total
        keys = _tie_break_key(rules.seed, table.person_ids[m], pool.person_ids[v], totals)

        width_max = int(row_width[lo:hi].max())
        key_matrix = np.full((hi - lo, width_max), -1, dtype=np.int64)
        vol_matrix = np.full((hi - lo, width_max), -1, dtype=np.int64)
        key_matrix[m - lo, column] = keys
        vol_matrix[m - lo, column] = v
        if width_max > keep_top:
            top = np.argpartition(-key_matrix, keep_top - 1, axis=1)[:, :keep_top]
            key_matrix = np.take_along_axis(key_matrix, top, axis=1)
            vol_matrix = np.take_along_axis(vol_matrix, top, axis=1)
        sampled = key_matrix >= 0
        pair = np.arange(lo, hi)[:, None] * len(pool) + vol_matrix
        key_matrix[sampled & _contains(blocked, pair)] = -1
        key_matrix[(key_matrix >= 0) & _contains(past, pair)] -= round(NEW_PAIR_WEIGHT * _CENTI) << _TIE_BITS
        order = np.argsort(-key_matrix, axis=1, kind="stable")
        key_matrix = np.take_along_axis(key_matrix, order, axis=1)
        vol_matrix = np.take_along_axis(vol_matrix, order, axis=1)
        # Same volunteer under two topics -> identical key, so duplicates sit side by side.
        duplicate = np.zeros_like(vol_matrix, dtype=bool)
        duplicate[:, 1:] = vol_matrix[:, 1:] == vol_matrix[:, :-1]
        valid = (key_matrix >= 0) & ~duplicate
        valid &= np.cumsum(valid, axis=1) <= per_request
        rows, cols = np.nonzero(valid)
        out_m.append(rows + lo)
        out_v.append(vol_matrix[rows, cols])
        out_total.append(key_matrix[rows, cols])
    if not out_m:
        return _CandidateGraph(empty, empty, empty)
    graph = _CandidateGraph(np.concatenate(out_m), np.concatenate(out_v), np.concatenate(out_total))
    return graph.keep_best_per_copilot(pool.remaining)


def _solve_max_value(graph: _CandidateGraph, remaining: np.ndarray) -> np.ndarray:
    """Indices of the graph edges chosen by a min-cost flow that maximises score + MATCH_BONUS per pair.

    Network: each request with a candidate supplies one unit that flows either through one candidate
    edge and its copilot (arc capacity = remaining capacity) to the sink, or straight to the sink
    unmatched. Costs are (best possible value - value), so all are non-negative integers.
    """
    from ortools.graph.python import min_cost_flow  # imported lazily: only rounds need the solver

    n_edges = graph.mentee_rows.size
    if n_edges == 0:
        return np.zeros(0, dtype=np.int64)
    bonus = round(MATCH_BONUS * _CENTI)
    worst = round(MAX_SCORE * _CENTI) + bonus
    requests, request_node = np.unique(graph.mentee_rows, return_inverse=True)
    copilots, copilot_index = np.unique(graph.volunteer_rows, return_inverse=True)
    n_requests = requests.size
    copilot_node = n_requests + np.arange(copilots.size)
    sink = n_requests + copilots.size
    tails = np.concatenate([request_node, np.arange(n_requests), copilot_node])
    heads = np.concatenate(
        [copilot_node[copilot_index], np.full(n_requests, sink), np.full(copilots.size, sink)]
    )
    capacities = np.concatenate([np.ones(n_edges + n_requests, dtype=np.int64), remaining[copilots]])
    costs = np.concatenate(
        [worst - (graph.totals + bonus), np.full(n_requests, worst), np.zeros(copilots.size, dtype=np.int64)]
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


def _round_result(
    table: _MenteeTable,
    pool: VolunteerPool,
    history: MatchHistory,
    rules: MatchRules,
    m: np.ndarray,
    v: np.ndarray,
) -> RoundResult:
    order = np.argsort(m, kind="stable")
    m, v = m[order], v[order]
    past = _pair_keys(history.past_pairs, _mentee_rows(table), pool)
    scores = _scores(table, m, pool, v, past, rules)
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


def assign_round(
    mentees: Sequence[MenteeProfile],
    volunteers: Sequence[VolunteerProfile],
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
) -> RoundResult:
    """Pair all open requests at once.

    Maximises (sum of scores + MATCH_BONUS per pair) with OR-Tools' min-cost flow, subject to: a
    request gets at most one copilot, a copilot takes at most ``capacity - current_load`` new
    mentees, and no hard rule is broken. The optimum is over the candidate graph, not over every
    possible pairing: each request keeps its best CANDIDATES_PER_REQUEST allowed copilots, found among
    seeded windows of VOLUNTEERS_SAMPLED_PER_TOPIC volunteers per topic (+ VOLUNTEERS_SAMPLED_FROM_EVERYONE
    from everyone), and each copilot keeps its best EDGES_PER_COPILOT_SLOT x remaining capacity of those
    edges. For small rounds that is every allowed pairing. Deterministic for a given input and rules.seed.
    """
    pool = VolunteerPool.build(volunteers)
    table = _MenteeTable.build(mentees, pool)
    graph = _candidate_graph(table, pool, org, history, rules)
    chosen = _solve_max_value(graph, pool.remaining)
    return _round_result(table, pool, history, rules, graph.mentee_rows[chosen], graph.volunteer_rows[chosen])


def greedy_round(
    mentees: Sequence[MenteeProfile],
    volunteers: Sequence[VolunteerProfile],
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
) -> RoundResult:
    """Baseline: requests in the given order each take their best copilot with room left.

    Uses the same candidate graph as assign_round, so the two are directly comparable.
    """
    pool = VolunteerPool.build(volunteers)
    table = _MenteeTable.build(mentees, pool)
    graph = _candidate_graph(table, pool, org, history, rules)
    room = pool.remaining.tolist()
    taken: set[int] = set()
    chosen: list[int] = []
    for edge, (m_row, v_row) in enumerate(
        zip(graph.mentee_rows.tolist(), graph.volunteer_rows.tolist(), strict=True)
    ):
        if m_row not in taken and room[v_row] > 0:
            room[v_row] -= 1
            taken.add(m_row)
            chosen.append(edge)
    picked = np.array(chosen, dtype=np.int64)
    return _round_result(table, pool, history, rules, graph.mentee_rows[picked], graph.volunteer_rows[picked])


__all__ = [
    "CANDIDATES_PER_REQUEST",
    "EDGES_PER_COPILOT_SLOT",
    "LEVEL_WEIGHT",
    "LOAD_WEIGHT",
    "MATCH_BONUS",
    "MAX_SCORE",
    "NEW_PAIR_WEIGHT",
    "TEAM_WEIGHT",
    "TOPIC_WEIGHT",
    "VOLUNTEERS_SAMPLED_FROM_EVERYONE",
    "VOLUNTEERS_SAMPLED_PER_TOPIC",
    "WORKING_HOURS_WEIGHT",
    "BlockReason",
    "Candidate",
    "MatchHistory",
    "MatchRules",
    "MatchScore",
    "MenteeProfile",
    "OrgChart",
    "ProposedPair",
    "RoundResult",
    "ScorePart",
    "TeamPreference",
    "VolunteerPool",
    "VolunteerProfile",
    "assign_round",
    "blocking_reason",
    "explain_block",
    "find_manager_cycles",
    "greedy_round",
    "in_reporting_line",
    "rank_candidates",
    "score_match",
]

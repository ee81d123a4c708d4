"""The profiles as column arrays, so the rules and scores of many pairs are computed at once (NumPy).

``CopilotPool`` holds the volunteers, ``MenteeTable`` the requests; pairs are addressed by row indices
``(m[i], v[i])``. ``allowed`` is the vectorised twin of ``facts.blocking_reason`` and the pair keys
(``mentee_row * len(pool) + volunteer_row``) carry the few rules that name a pair: reporting lines,
current pairings, recent declines and past pairings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.rules.matching.facts import (
    MINUTES_PER_DAY,
    CopilotFacts,
    MatchHistory,
    MatchRules,
    MenteeFacts,
    OrgChart,
)

# Up to this many requests, reporting lines are checked by searching each requester's reports.
_FEW_REQUESTS = 64
TEAM_UNKNOWN = -1
TEAM_NOT_LISTED = -2  # a known team no volunteer belongs to
PREFERENCE_CODES: Mapping[str, int] = {"either": 0, "same": 1, "other": 2}
_MASK64 = (1 << 64) - 1


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


def pair_hash(seed: int, salt: int, mentee_ids: np.ndarray, other: np.ndarray) -> np.ndarray:
    base = _mix64(np.array([(seed ^ (salt << 32)) & _MASK64], dtype=np.uint64))
    return _mix64(_mix64(base ^ _as_u64(mentee_ids)) ^ _as_u64(other))


@dataclass(frozen=True, eq=False)
class CopilotPool:
    """Volunteers as column arrays. Build once and pass to rank_candidates to rank many requests fast."""

    profiles: tuple[CopilotFacts, ...]
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
    def build(cls, volunteers: Sequence[CopilotFacts]) -> CopilotPool:
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
            team=column((TEAM_UNKNOWN if v.team is None else team_ids[v.team] for v in volunteers), np.int64),
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
class MenteeTable:
    profiles: tuple[MenteeFacts, ...]
    person_ids: np.ndarray
    topic_bits: np.ndarray
    topic_count: np.ndarray
    topic_rows: np.ndarray  # (request row, pool topic id) for each offered topic a request names,
    topic_ids: np.ndarray  # sorted by row then topic
    team: np.ndarray
    level: np.ndarray
    level_known: np.ndarray
    offset: np.ndarray
    preference: np.ndarray
    guest: np.ndarray

    @classmethod
    def build(cls, mentees: Sequence[MenteeFacts], pool: CopilotPool) -> MenteeTable:
        words = pool.topic_bits.shape[1]
        known = pool.topic_ids
        pairs = [(row, known[t]) for row, m in enumerate(mentees) for t in m.topics if t in known]
        flat = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        flat = flat[np.lexsort((flat[:, 1], flat[:, 0]))]
        bits = np.zeros((len(mentees), words), dtype=np.uint64)
        np.bitwise_or.at(
            bits,
            (flat[:, 0], flat[:, 1] // 64),
            np.left_shift(np.uint64(1), (flat[:, 1] % 64).astype(np.uint64)),
        )

        def column(values: Iterable[object], dtype: type) -> np.ndarray:
            return np.fromiter(values, dtype=dtype, count=len(mentees))

        def team_code(team: str | None) -> int:
            return TEAM_UNKNOWN if team is None else pool.team_ids.get(team, TEAM_NOT_LISTED)

        return cls(
            profiles=tuple(mentees),
            person_ids=column((m.person_id for m in mentees), np.int64),
            topic_bits=bits,
            topic_count=column((len(m.topics) for m in mentees), np.int64),
            topic_rows=flat[:, 0],
            topic_ids=flat[:, 1],
            team=column((team_code(m.team) for m in mentees), np.int64),
            level=column((m.level or 0 for m in mentees), np.int64),
            level_known=column((m.level is not None for m in mentees), bool),
            offset=column((m.utc_offset_minutes for m in mentees), np.int64),
            preference=column((PREFERENCE_CODES[m.team_preference] for m in mentees), np.int64),
            guest=column((m.is_guest for m in mentees), bool),
        )


def pair_keys(
    pairs: Iterable[tuple[int, int]], mentee_rows: Mapping[int, Sequence[int]], pool: CopilotPool
) -> np.ndarray:
    """(mentee person, volunteer person) pairs as sorted row keys ``mentee_row * len(pool) + volunteer_row``."""
    keys = [
        m_row * len(pool) + pool.index[volunteer]
        for mentee, volunteer in pairs
        if mentee in mentee_rows and volunteer in pool.index
        for m_row in mentee_rows[mentee]
    ]
    return np.unique(np.array(keys, dtype=np.int64))


def mentee_rows(table: MenteeTable) -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {}
    for row, person in enumerate(table.person_ids.tolist()):
        rows.setdefault(person, []).append(row)
    return rows


def _reporting_line_pairs(
    people: Iterable[int], pool: CopilotPool, org: OrgChart, depth: int | None
) -> list[tuple[int, int]]:
    """(mentee, volunteer) person pairs the reporting-line rules block (``facts.in_reporting_line``: the
    mentee's managers at every level, their reports within ``depth``), and every pair with someone whose
    line reaches a manager nobody knows any more (``OrgChart.unknown``)."""
    people = set(people)
    pairs: list[tuple[int, int]] = []
    if org.unknown:
        unknown_volunteers = [v for v in pool.index if org.chain_unknown(v)]
        for person in people:
            if org.chain_unknown(person):
                pairs.extend((person, other) for other in pool.index)
            else:
                pairs.extend((person, other) for other in unknown_volunteers)
    if len(people) <= _FEW_REQUESTS:
        # Few requests (ranking one request): search each one's reports instead of walking every
        # volunteer's chain.
        for person in people:
            related = set(org.reporting_line(person)) | org.reports_under(person, depth)
            pairs.extend((person, other) for other in related if other in pool.index)
        return pairs
    for person in people:
        pairs.extend((person, manager) for manager in org.reporting_line(person) if manager in pool.index)
    for volunteer in pool.index:
        pairs.extend(
            (manager, volunteer) for manager in org.reporting_line(volunteer, depth) if manager in people
        )
    return pairs


def blocked_keys(
    rows: Mapping[int, Sequence[int]],
    pool: CopilotPool,
    org: OrgChart,
    history: MatchHistory,
    depth: int | None,
) -> np.ndarray:
    """Keys of pairs blocked by reporting line, a current pairing or a recent decline."""
    parts = [
        pair_keys(_reporting_line_pairs(rows, pool, org, depth), rows, pool),
        pair_keys(history.current_pairs, rows, pool),
        pair_keys(history.recently_declined, rows, pool),
    ]
    return np.unique(np.concatenate(parts))


def contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[at] == keys


def allowed(
    table: MenteeTable,
    m: np.ndarray,
    pool: CopilotPool,
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
    gap = (table.offset[m] - pool.offset[v]) % MINUTES_PER_DAY
    ok &= np.minimum(gap, MINUTES_PER_DAY - gap) <= rules.max_tz_gap_hours * 60
    same_team = (table.team[m] >= 0) & (table.team[m] == pool.team[v])
    preference = table.preference[m]
    ok &= ~((preference == PREFERENCE_CODES["same"]) & ~same_team)
    ok &= ~((preference == PREFERENCE_CODES["other"]) & same_team)
    ok &= pool.open_to_other_teams[v] | same_team
    if blocked is not None:
        ok &= ~contains(blocked, m * len(pool) + v)
    return ok


def history_keys(pairs: Iterable[tuple[int, int]], table: MenteeTable, pool: CopilotPool) -> np.ndarray:
    """Like ``pair_keys`` for a whole round: (mentee person, volunteer person) pairs as sorted row keys."""
    pair_array = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    by_person = np.argsort(table.person_ids, kind="stable")
    people = table.person_ids[by_person]
    lo = np.searchsorted(people, pair_array[:, 0], side="left")
    hi = np.searchsorted(people, pair_array[:, 0], side="right")
    volunteers = np.argsort(pool.person_ids, kind="stable")
    at = np.minimum(np.searchsorted(pool.person_ids[volunteers], pair_array[:, 1]), max(0, len(pool) - 1))
    known = (hi > lo) & (len(pool) > 0)
    if len(pool):
        known &= pool.person_ids[volunteers[at]] == pair_array[:, 1]
    lo, hi, v_rows = lo[known], hi[known], volunteers[at[known]] if len(pool) else at[known]
    length = hi - lo
    m_rows = by_person[np.repeat(lo - np.cumsum(length) + length, length) + np.arange(int(length.sum()))]
    return np.unique(m_rows * len(pool) + np.repeat(v_rows, length))


def _walk_lines(org: OrgChart, people: np.ndarray, depth: int | None) -> np.ndarray:
    """(people, longest line) matrix of each person's reporting line, nearest manager first, -1 padded.

    Same walk as ``OrgChart.reporting_line``: stops at the top, at ``depth`` levels, or on a repeat.
    """
    ids = np.fromiter(org.managers.keys(), dtype=np.int64, count=len(org.managers))
    bosses = np.fromiter(
        (-1 if b is None else b for b in org.managers.values()), dtype=np.int64, count=len(org.managers)
    )
    order = np.argsort(ids)
    ids, bosses = ids[order], bosses[order]

    def manager_of(person: np.ndarray) -> np.ndarray:
        if ids.size == 0:
            return np.full(person.shape, -1)
        at = np.minimum(np.searchsorted(ids, person), ids.size - 1)
        return np.where((person >= 0) & (ids[at] == person), bosses[at], -1)

    columns = [people]
    alive = np.ones(people.size, dtype=bool)
    while alive.any() and (depth is None or len(columns) <= depth):
        step = np.where(alive, manager_of(columns[-1]), -1)
        for earlier in columns:
            step = np.where(step == earlier, -1, step)
        alive = step >= 0
        if not alive.any():
            break
        columns.append(step)
    return np.stack(columns[1:], axis=1) if len(columns) > 1 else np.full((people.size, 0), -1)


@dataclass(frozen=True, eq=False)
class ReportingLines:
    """Every request's and volunteer's reporting line, to check many pairs at once: the mentees' lines
    whole (a manager never mentors a report), the volunteers' within the depth setting."""

    mentee_lines: np.ndarray
    copilot_lines: np.ndarray
    mentee_unknown: np.ndarray  # per request row: their line reaches a manager nobody knows any more
    copilot_unknown: np.ndarray

    @classmethod
    def build(cls, org: OrgChart, table: MenteeTable, pool: CopilotPool, depth: int | None) -> ReportingLines:
        def unknown(people: np.ndarray) -> np.ndarray:
            return np.fromiter((org.chain_unknown(p) for p in people.tolist()), dtype=bool, count=people.size)

        return cls(
            _walk_lines(org, table.person_ids, None),
            _walk_lines(org, pool.person_ids, depth),
            unknown(table.person_ids),
            unknown(pool.person_ids),
        )

    def related(self, table: MenteeTable, m: np.ndarray, pool: CopilotPool, v: np.ndarray) -> np.ndarray:
        """For pairs (m[i], v[i]): does a reporting-line rule block them?"""
        found = self.mentee_unknown[m] | self.copilot_unknown[v]
        for column in range(self.mentee_lines.shape[1]):
            found |= self.mentee_lines[m, column] == pool.person_ids[v]
        for column in range(self.copilot_lines.shape[1]):
            found |= self.copilot_lines[v, column] == table.person_ids[m]
        return found

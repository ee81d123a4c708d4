"""Which pairings a round looks at, found by bounds instead of scoring every (request, copilot) pair.

Requests are filed into groups. A group is (topic, clock-and-level class, topic bound): every request
in it has the same UTC offset and level, and against any copilot offering the group's topic its topic
part is at most the group's topic bound. A request sits in three kinds of group:

* **full**: under its rarest topic (among the copilots' topics), bound = all 35 topic points. A copilot
  offering *every* topic the request names offers its rarest one, so finds it here.
* **partial**: under each of its topics, bound = 35 x (n - 1) / n for a request naming n >= 2 topics.
  A copilot sharing 1..n-1 of them offers at least one, and scores at most that.
* **no topic**: one group per class, bound 0, for copilots sharing none of its topics.

So every (request, copilot) pair is covered by a group whose bound is valid for it, and
``bound(copilot, group) = MATCH_BONUS + group topic bound + the exact hours and level points of the
two classes + the most team and new-pair points + the copilot's exact load points`` is at least the
value of every pair it covers. Whole groups are priced with one number each. The time-zone, guest
and team rules are applied to whole groups; a copilot who helps only their own team, and requests
asking for their own team, are looked up by team instead, so a group never holds a request the
copilot may not have for a team reason.

``scan`` lists, for each copilot, the requests in groups whose bound beats a per-copilot threshold,
and only those requests whose dual value leaves room (groups are kept sorted by it): building the
candidate graph uses it with "take the best groups until there are enough requests", the optimality
certificate (``pricing``) with the copilot's dual price.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.rules.matching.columns import PREFERENCE_CODES, CopilotPool, MenteeTable, pair_hash
from bot.rules.matching.facts import MINUTES_PER_DAY, MatchRules
from bot.rules.matching.scoring import (
    CENTI,
    MATCH_BONUS,
    NEW_PAIR_WEIGHT,
    TEAM_WEIGHT,
    hours_points,
    level_points,
    load_points,
    topic_points,
)

NO_THRESHOLD = -1  # a copilot whose every allowed request was listed: nothing is left unseen
_CELL_CHUNK = 2048  # copilots per vectorised batch when bounding whole groups (bounds memory)
_BONUS = round(MATCH_BONUS * CENTI)
_OPTIMISTIC_TEAM_AND_NEW = round(TEAM_WEIGHT * CENTI) + round(NEW_PAIR_WEIGHT * CENTI)
_FULL_TOPICS = int(topic_points(np.ones(1), np.ones(1))[0])


def _csr(keys: np.ndarray, rows: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    return np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n_keys))]), rows[order]


@dataclass(frozen=True, eq=False)
class RequestGroups:
    class_offset: np.ndarray  # per clock-and-level class
    class_level: np.ndarray
    class_known: np.ndarray
    bounds: np.ndarray  # the distinct topic bounds, ascending
    group_keys: np.ndarray  # sorted: (topic + 1, class, bound index) packed; topic -1 = no topic
    group_start: np.ndarray  # CSR into entry_rows, len(groups) + 1
    entry_rows: np.ndarray  # request rows, each group's run ordered by dual value (see resort)
    entry_group: np.ndarray
    topic_cells: np.ndarray  # (topics + 1, classes, bounds) how many requests each group holds
    team_start: np.ndarray  # CSR by team code: requests a closed copilot of that team may have
    team_rows: np.ndarray
    same_start: np.ndarray  # CSR by team code: requests asking for their own team
    same_rows: np.ndarray

    @classmethod
    def build(cls, table: MenteeTable, pool: CopilotPool, rules: MatchRules) -> RequestGroups:
        n = len(table.profiles)
        eligible = np.ones(n, dtype=bool) if rules.allow_guests else ~table.guest
        offsets_levels = np.stack([table.offset, table.level, table.level_known.astype(np.int64)])
        classes, class_of = np.unique(offsets_levels, axis=1, return_inverse=True)
        class_of = class_of.reshape(-1)
        n_classes = classes.shape[1]
        same = table.preference == PREFERENCE_CODES["same"]
        open_rows = np.flatnonzero(eligible & ~same)

        # Topic frequency among copilots, so the "full" group is the request's rarest topic.
        frequency = np.array([members.size for members in pool.topic_members], dtype=np.int64)
        keep = np.zeros(n, dtype=bool)
        keep[open_rows] = True
        listed = keep[table.topic_rows]
        t_rows, t_ids = table.topic_rows[listed], table.topic_ids[listed]
        by_rarity = np.lexsort((t_ids, frequency[t_ids] if t_ids.size else t_ids, t_rows))
        first = (
            by_rarity[np.r_[True, t_rows[by_rarity][1:] != t_rows[by_rarity][:-1]]]
            if t_ids.size
            else by_rarity
        )
        named = table.topic_count
        partial_rows = named[t_rows] >= 2
        # The same arithmetic as the score itself, so the bound is exact for n - 1 shared topics.
        partial = topic_points(named[t_rows] - 1, named[t_rows])
        rows = np.concatenate([t_rows[first], t_rows[partial_rows]])
        topics = np.concatenate([t_ids[first], t_ids[partial_rows]])
        bounds = np.concatenate([np.full(first.size, _FULL_TOPICS, dtype=np.int64), partial[partial_rows]])
        rows_arr = np.concatenate([rows, open_rows])
        topic_arr = np.concatenate([topics, np.full(open_rows.size, -1)])
        bound_arr = np.concatenate([bounds, np.zeros(open_rows.size, np.int64)])
        distinct, bound_index = np.unique(bound_arr, return_inverse=True)
        if distinct.size == 0:
            distinct = np.zeros(1, dtype=np.int64)
        n_bounds = distinct.size
        packed = ((topic_arr + 1) * n_classes + class_of[rows_arr]) * n_bounds + bound_index.reshape(-1)
        group_keys, entry_group = np.unique(packed, return_inverse=True)
        entry_group = entry_group.reshape(-1)
        order = np.lexsort((rows_arr, entry_group))
        sizes = np.bincount(entry_group, minlength=group_keys.size)
        cells = np.zeros((len(pool.topic_ids) + 1) * n_classes * n_bounds, dtype=np.int64)
        cells[group_keys] = sizes

        teams = max(1, len(pool.team_ids))
        known = eligible & (table.team >= 0)
        team_rows = np.flatnonzero(known & (table.preference != PREFERENCE_CODES["other"]))
        same_rows = np.flatnonzero(known & same)
        team_start, team_sorted = _csr(table.team[team_rows], team_rows, teams)
        same_start, same_sorted = _csr(table.team[same_rows], same_rows, teams)
        return cls(
            class_offset=classes[0],
            class_level=classes[1],
            class_known=classes[2].astype(bool),
            bounds=distinct,
            group_keys=group_keys,
            group_start=np.concatenate([[0], np.cumsum(sizes)]),
            entry_rows=rows_arr[order],
            entry_group=entry_group[order],
            topic_cells=cells.reshape(len(pool.topic_ids) + 1, n_classes, n_bounds),
            team_start=team_start,
            team_rows=team_sorted,
            same_start=same_start,
            same_rows=same_sorted,
        )

    @property
    def n_classes(self) -> int:
        return self.class_offset.size

    def resort(self, mentee_value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entries ordered by (group, dual value), and that value per entry, for ``scan``."""
        order = np.lexsort((self.entry_rows, mentee_value[self.entry_rows], self.entry_group))
        rows = self.entry_rows[order]
        return rows, mentee_value[rows]


@dataclass(frozen=True, eq=False)
class CopilotBounds:
    """For the copilots who help other teams: bound and size of every (class, topic bound) cell."""

    copilots: np.ndarray  # pool rows of open, available copilots
    base: np.ndarray  # (copilots, classes) bound without the topic part; -1 where the time-zone rule blocks
    topic_owner: np.ndarray  # index into copilots of each (copilot, offered topic + 1) entry, sorted ...
    topic: np.ndarray  # ... with that topic + 1 (0: the no-topic row every copilot has)

    def topics(self, who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``_copilot_topics`` for ``copilots[who]``, cut from the table built once per round."""
        position = np.full(self.copilots.size, -1, dtype=np.int64)
        position[who] = np.arange(who.size)
        owner = position[self.topic_owner]
        keep = owner >= 0
        owner, topic = owner[keep], self.topic[keep]
        if who.size > 1 and (np.diff(who) <= 0).any():
            order = np.lexsort((topic, owner))
            owner, topic = owner[order], topic[order]
        return owner, topic


def copilot_bounds(
    groups: RequestGroups, pool: CopilotPool, rules: MatchRules, available: np.ndarray
) -> CopilotBounds:
    copilots = np.flatnonzero(available & pool.open_to_other_teams)
    hours, _ = hours_points(groups.class_offset[None, :], pool.offset[copilots][:, None], rules)
    level = level_points(
        groups.class_level[None, :],
        groups.class_known[None, :],
        pool.level[copilots][:, None],
        pool.level_known[copilots][:, None],
        rules,
    )
    base = _BONUS + _OPTIMISTIC_TEAM_AND_NEW + hours + level + load_points(pool)[copilots][:, None]
    gap = (groups.class_offset[None, :] - pool.offset[copilots][:, None]) % MINUTES_PER_DAY
    too_far = np.minimum(gap, MINUTES_PER_DAY - gap) > rules.max_tz_gap_hours * 60
    owner, topic = _copilot_topics(pool, copilots)
    return CopilotBounds(copilots, np.where(too_far, -1, base), owner, topic)


def _copilot_topics(pool: CopilotPool, copilots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(copilot index into ``copilots``, topic + 1) for each topic a copilot offers, plus the no-topic row 0."""
    lists = [np.zeros(copilots.size, dtype=np.int64)]
    owners = [np.arange(copilots.size)]
    if copilots.size == 0:
        return owners[0], lists[0]
    for topic, members in enumerate(pool.topic_members):
        at = np.searchsorted(copilots, members)
        hit = (at < copilots.size) & (copilots[np.minimum(at, copilots.size - 1)] == members)
        lists.append(np.full(int(hit.sum()), topic + 1))
        owners.append(at[hit])
    owner = np.concatenate(owners)
    topic = np.concatenate(lists)
    order = np.lexsort((topic, owner))
    return owner[order], topic[order]


def _cell_bounds(groups: RequestGroups, bounds: CopilotBounds, index: np.ndarray) -> np.ndarray:
    """(copilots, classes, topic bounds): the bound of each cell, -1 where the time-zone rule blocks."""
    base = bounds.base[index][:, :, None]
    return np.where(base < 0, -1, base + groups.bounds[None, None, :])


def choose_thresholds(
    groups: RequestGroups, bounds: CopilotBounds, pool: CopilotPool, wanted: np.ndarray, who: np.ndarray
) -> np.ndarray:
    """For open copilots ``bounds.copilots[who]``: the highest threshold whose better-bounded groups
    hold >= ``wanted`` requests (NO_THRESHOLD when all their allowed groups together hold fewer).

    Groups bounded at or below the threshold are left out of the candidate graph.
    """
    owner, topic = bounds.topics(who)
    starts = np.searchsorted(owner, np.arange(who.size + 1))
    thresholds = np.full(who.size, NO_THRESHOLD, dtype=np.int64)
    n_cells = groups.n_classes * groups.bounds.size
    if n_cells == 0:
        return thresholds
    for lo in range(0, who.size, _CELL_CHUNK):
        hi = min(who.size, lo + _CELL_CHUNK)
        a, b = starts[lo], starts[hi]
        rows = groups.topic_cells[topic[a:b]].reshape(b - a, n_cells)
        counts = np.add.reduceat(rows, starts[lo:hi] - a, axis=0)
        ub = _cell_bounds(groups, bounds, who[lo:hi]).reshape(hi - lo, n_cells)
        counts[ub < 0] = 0
        order = np.argsort(-ub, axis=1, kind="stable")
        ub_sorted = np.take_along_axis(ub, order, axis=1)
        cumulative = np.cumsum(np.take_along_axis(counts, order, axis=1), axis=1)
        enough = cumulative >= wanted[bounds.copilots[who[lo:hi]]][:, None]
        first = np.argmax(enough, axis=1)
        found = enough[np.arange(hi - lo), first]
        thresholds[lo:hi] = np.where(found, ub_sorted[np.arange(hi - lo), first] - 1, NO_THRESHOLD)
    return thresholds


@dataclass(frozen=True)
class Scan:
    mentee_rows: np.ndarray
    copilot_rows: np.ndarray

    @classmethod
    def join(cls, scans: list[Scan]) -> Scan:
        return cls(
            np.concatenate([s.mentee_rows for s in scans]), np.concatenate([s.copilot_rows for s in scans])
        )


def _ranges(start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Concatenated ranges start[i] .. start[i] + length[i]."""
    total = int(length.sum())
    return np.repeat(start - np.cumsum(length) + length, length) + np.arange(total)


def scan(
    groups: RequestGroups,
    bounds: CopilotBounds,
    pool: CopilotPool,
    who: np.ndarray,
    limit: np.ndarray,
    seed: int = 0,
    entries: tuple[np.ndarray, np.ndarray] | None = None,
    cap: np.ndarray | None = None,
) -> tuple[Scan, np.ndarray]:
    """For open copilots ``bounds.copilots[who]``: the requests r in groups with bound - value(r) > limit.

    ``entries`` is ``groups.resort(value)``; None means every value is 0 (before any solve).
    ``cap`` (per copilot) takes at most that many requests from one group: from a seeded position
    when values are all 0, so copilots who see the same crowd of similar requests list different ones;
    else the lowest values first. Also returns, per copilot, the highest bound of a group it did not
    take in full (NO_THRESHOLD when none): what it left out is worth at most that.
    Pairs may repeat (a request found under two topics); the caller removes repeats.
    """
    rows, values = entries if entries is not None else (groups.entry_rows, np.zeros_like(groups.entry_rows))
    composite = groups.entry_group * (1 << 32) + values
    owner, topic = bounds.topics(who)
    starts = np.searchsorted(owner, np.arange(who.size + 1))
    found: list[Scan] = []
    cut = np.full(who.size, NO_THRESHOLD, dtype=np.int64)
    n_bounds = groups.bounds.size
    empty = Scan(np.zeros(0, np.int64), np.zeros(0, np.int64))
    if groups.group_keys.size == 0:
        return empty, cut
    for lo in range(0, who.size, _CELL_CHUNK):
        hi = min(who.size, lo + _CELL_CHUNK)
        chunk = who[lo:hi]
        ub = _cell_bounds(groups, bounds, chunk)
        cell_owner, cell_class, cell_bound = np.nonzero(ub > limit[lo:hi][:, None, None])
        room = ub[cell_owner, cell_class, cell_bound] - limit[lo:hi][cell_owner]
        # Each cell once per topic its copilot offers (and once for "no topic"), looked up as a group.
        n_topics = starts[lo + 1 + cell_owner] - starts[lo + cell_owner]
        pick = _ranges(starts[lo + cell_owner], n_topics)
        cell = np.repeat(np.arange(cell_owner.size), n_topics)
        keys = (topic[pick] * groups.n_classes + cell_class[cell]) * n_bounds + cell_bound[cell]
        at = np.minimum(np.searchsorted(groups.group_keys, keys), groups.group_keys.size - 1)
        hit = groups.group_keys[at] == keys
        group, cell = at[hit], cell[hit]
        start = groups.group_start[group]
        # A group's entries are sorted by value, so those with value < room form a prefix.
        stop = np.searchsorted(composite, group * (1 << 32) + room[cell], side="left")
        length = np.maximum(stop - start, 0)
        copilot = bounds.copilots[chunk][cell_owner[cell]]
        if cap is None:
            found.append(Scan(rows[_ranges(start, length)], np.repeat(copilot, length)))
            continue
        taken = np.minimum(length, cap[lo:hi][cell_owner[cell]])
        truncated = taken < length
        np.maximum.at(
            cut, lo + cell_owner[cell][truncated], (ub[cell_owner, cell_class, cell_bound])[cell][truncated]
        )
        step = np.arange(int(taken.sum())) - np.repeat(np.cumsum(taken) - taken, taken)
        if entries is None:
            offset = (
                pair_hash(seed, 4, pool.person_ids[copilot], group) % np.maximum(length, 1).astype(np.uint64)
            ).astype(np.int64)
            step = (np.repeat(offset, taken) + step) % np.repeat(np.maximum(length, 1), taken)
        found.append(Scan(rows[np.repeat(start, taken) + step], np.repeat(copilot, taken)))
    return (Scan.join(found) if found else empty), cut


def team_scan(groups: RequestGroups, pool: CopilotPool, copilots: np.ndarray) -> Scan:
    """Requests a copilot may have for team reasons only: a closed copilot's whole team, and an open
    copilot's teammates who asked for their own team."""
    copilots = copilots[pool.team[copilots] >= 0]
    found = []
    for closed, start_of, rows in (
        (True, groups.team_start, groups.team_rows),
        (False, groups.same_start, groups.same_rows),
    ):
        mine = copilots[~pool.open_to_other_teams[copilots] == closed]
        team = pool.team[mine]
        length = start_of[team + 1] - start_of[team]
        found.append(Scan(rows[_ranges(start_of[team], length)], np.repeat(mine, length)))
    return Scan.join(found)

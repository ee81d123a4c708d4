"""What a round scores pairs with: the profiles as columns, the hard rules' inputs and ``evaluate``.

Its own module so that ``rounds`` (which solves) and ``pricing`` (which certifies) both import it
and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.rules.matching.candidates import CopilotBounds, RequestGroups, Scan, copilot_bounds
from bot.rules.matching.columns import CopilotPool, MenteeTable, ReportingLines, allowed, history_keys
from bot.rules.matching.facts import CopilotFacts, MatchHistory, MatchRules, MenteeFacts, OrgChart
from bot.rules.matching.scoring import CENTI, MATCH_BONUS, points

BONUS = round(MATCH_BONUS * CENTI)  # the match bonus in centipoints, added to every allowed pair's value


@dataclass(frozen=True, eq=False)
class RoundInput:
    """Everything a round scores pairs with, built once from the profiles."""

    table: MenteeTable
    pool: CopilotPool
    rules: MatchRules
    groups: RequestGroups
    bounds: CopilotBounds
    available_rows: np.ndarray  # copilots with a free seat who may be asked at all
    lines: ReportingLines
    blocked: np.ndarray  # keys of current pairings and recent declines
    past: np.ndarray  # keys of earlier pairings

    @classmethod
    def build(
        cls,
        mentees: Sequence[MenteeFacts],
        volunteers: Sequence[CopilotFacts],
        org: OrgChart,
        history: MatchHistory,
        rules: MatchRules,
    ) -> RoundInput:
        pool = CopilotPool.build(volunteers)
        table = MenteeTable.build(mentees, pool)
        available = ~pool.unavailable & (rules.allow_guests | ~pool.guest)
        groups = RequestGroups.build(table, pool, rules)
        blocked = np.union1d(
            history_keys(history.current_pairs, table, pool),
            history_keys(history.recently_declined, table, pool),
        )
        return cls(
            table=table,
            pool=pool,
            rules=rules,
            groups=groups,
            bounds=copilot_bounds(groups, pool, rules, available),
            available_rows=np.flatnonzero(available),
            lines=ReportingLines.build(org, table, pool, rules.reporting_line_depth),
            blocked=blocked,
            past=history_keys(history.past_pairs, table, pool),
        )

    def evaluate_scan(self, found: Scan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.evaluate(found.mentee_rows, found.copilot_rows)

    def evaluate(self, m: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The allowed pairs among (m[i], v[i]), once each in (request, copilot) order, and their values."""
        keys = np.sort(m * len(self.pool) + v)
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if keys.size else keys
        m, v = keys // max(1, len(self.pool)), keys % max(1, len(self.pool))
        ok = allowed(self.table, m, self.pool, v, self.blocked, self.rules)
        m, v = m[ok], v[ok]
        ok = ~self.lines.related(self.table, m, self.pool, v)
        m, v = m[ok], v[ok]
        return m, v, points(self.table, m, self.pool, v, self.past, self.rules).total + BONUS

"""One request at a time: the score of a single pairing and the best copilots for one request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.rules.matching.columns import CopilotPool, MenteeTable, allowed, blocked_keys, pair_keys
from bot.rules.matching.explanations import explained_scores
from bot.rules.matching.facts import CopilotFacts, MatchHistory, MatchRules, MenteeFacts, OrgChart
from bot.rules.matching.scoring import MatchScore, points, tie_break_key


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    score: MatchScore


def score_match(
    mentee: MenteeFacts, volunteer: CopilotFacts, history: MatchHistory, rules: MatchRules
) -> MatchScore:
    """How good this pairing is, 0..MAX_SCORE, with every part explained. Ignores the hard rules."""
    pool = CopilotPool.build([volunteer])
    table = MenteeTable.build([mentee], pool)
    past = pair_keys(history.past_pairs, {mentee.person_id: [0]}, pool)
    zero = np.zeros(1, dtype=np.int64)
    return explained_scores(table, zero, pool, zero, past, rules)[0]


# --- One request -----------------------------------------------------------------------------------


def rank_candidates(
    mentee: MenteeFacts,
    volunteers: Sequence[CopilotFacts] | CopilotPool,
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
    limit: int = 10,
) -> list[Candidate]:
    """The best allowed copilots for one request, best first. Every volunteer is considered.

    Equal scores are ordered by a hash of (rules.seed, mentee, volunteer), so the order is stable
    across runs but does not always favour the same people.
    """
    pool = volunteers if isinstance(volunteers, CopilotPool) else CopilotPool.build(volunteers)
    if len(pool) == 0 or limit <= 0:
        return []
    table = MenteeTable.build([mentee], pool)
    v = np.arange(len(pool), dtype=np.int64)
    m = np.zeros_like(v)
    blocked = blocked_keys({mentee.person_id: [0]}, pool, org, history, rules.reporting_line_depth)
    keep = allowed(table, m, pool, v, blocked, rules)
    m, v = m[keep], v[keep]
    past = pair_keys(history.past_pairs, {mentee.person_id: [0]}, pool)
    totals = points(table, m, pool, v, past, rules).total
    keys = tie_break_key(rules.seed, table.person_ids[m], pool.person_ids[v], totals)
    if keys.size > limit:
        top = np.argpartition(-keys, limit - 1)[:limit]
        m, v, keys = m[top], v[top], keys[top]
    order = np.argsort(-keys, kind="stable")
    m, v = m[order], v[order]
    scores = explained_scores(table, m, pool, v, past, rules)
    return [
        Candidate(int(pool.person_ids[row]), score) for row, score in zip(v.tolist(), scores, strict=True)
    ]

"""Onboarding buddies, as pure rules: the states, who may be a new hire's buddy and who fits best, and the
fixed light agenda (check-in days, the checklist).

Who may be a buddy goes through the mentoring hard rules (``bot.rules.matching.facts.blocking_reason``),
with the whole reporting line kept out both ways whatever the program's depth: a new hire's manager, their
manager's manager and so on are never their buddy, nor is anyone the new hire manages. On top of those,
a buddy needs working hours that overlap the new hire's.

Who fits best, among those allowed (``rank_buddies``), is a score out of 100, because a new hire arrives
one at a time and the round solver (``bot.rules.matching.rounds``) is built around the copilot weights
(topics weigh most there, and a new hire has none yet):

* working hours: 40 x the share of the workday both are at work (``scoring.hours_points``' overlap);
* a nearby team: 30 for the same team, 20 when their reporting lines meet within two levels above
  either of them (a sibling team), else 0;
* lighter load first: 30 x the share of their buddy capacity still free.

Equal scores are ordered by a seeded stable hash of the pair, as copilot ranking does.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from bot.rules.matching.columns import pair_hash
from bot.rules.matching.facts import (
    LIFETIME_RULES,
    BlockReason,
    CopilotFacts,
    MatchHistory,
    MatchRules,
    MenteeFacts,
    OrgChart,
    blocking_reason,
)
from bot.rules.matching.scoring import hours_points


class BuddyState(enum.StrEnum):
    LOOKING = "looking"  # about to ask someone
    OFFERED = "offered"  # one volunteer is being asked
    WAITING = "waiting"  # nobody could be asked; a new volunteer or a later try may find someone
    ACTIVE = "active"
    ENDED = "ended"


OPEN_BUDDY_STATES = (BuddyState.LOOKING, BuddyState.OFFERED, BuddyState.WAITING, BuddyState.ACTIVE)
FINDING_STATES = (BuddyState.LOOKING, BuddyState.OFFERED, BuddyState.WAITING)

# Why a buddy relationship ended: program-level codes, never free text.
END_TERM = "term"
END_EARLY = "ended_early"
END_LEFT = "person_left"
END_FORGOTTEN = "forgotten"
END_NOT_ALLOWED = "not_allowed"

HOURS_WEIGHT = 40.0
TEAM_WEIGHT = 30.0
NEARBY_TEAM_WEIGHT = 20.0
LOAD_WEIGHT = 30.0
NEARBY_LEVELS = 2

# The new hire's checklist: the keys stored (bot.messages.buddies words them).
CHECKLIST = ("tools", "people", "ritual")

# Weekly for the first month, then every two weeks until the term ends.
WEEKLY_UNTIL_DAY = 28
WEEKLY_DAYS = 7
LATER_DAYS = 14


def checkin_days(term_days: int) -> list[int]:
    """Days after the start a buddy check-in falls on: 7, 14, 21, 28, then 42, 56, ... before the term end."""
    days = list(range(WEEKLY_DAYS, min(WEEKLY_UNTIL_DAY, term_days - 1) + 1, WEEKLY_DAYS))
    day = WEEKLY_UNTIL_DAY + LATER_DAYS
    while day < term_days:
        days.append(day)
        day += LATER_DAYS
    return days


@dataclass(frozen=True)
class AgendaPhase:
    """A run of buddy meetings at one rhythm: the first day, every ``interval_weeks``, ``count`` of them."""

    first: date
    interval_weeks: int
    count: int


def agenda_phases(started_on: date, term_days: int, after: date) -> list[AgendaPhase]:
    """The buddy agenda still ahead of ``after`` as calendar series: the weekly first month, then every two
    weeks, on the same days as the check-ins (checkin_days)."""
    ahead = [d for d in checkin_days(term_days) if started_on + timedelta(days=d) > after]
    phases = []
    for weeks, days in (
        (WEEKLY_DAYS // 7, [d for d in ahead if d <= WEEKLY_UNTIL_DAY]),
        (LATER_DAYS // 7, [d for d in ahead if d > WEEKLY_UNTIL_DAY]),
    ):
        if days:
            phases.append(AgendaPhase(started_on + timedelta(days=days[0]), weeks, len(days)))
    return phases


def tick_item(ticked: Sequence[str], item: str, done: bool) -> list[str]:
    """The checklist after ticking (or unticking) one item, in the checklist's order; unknown items ignored."""
    chosen = set(ticked) | {item} if done else set(ticked) - {item}
    return [key for key in CHECKLIST if key in chosen]


@dataclass(frozen=True)
class BuddyCandidate:
    person_id: int
    points: float
    overlap_minutes: int


def buddy_rules(rules: MatchRules) -> MatchRules:
    """The mentoring rules with the whole reporting line out, both ways, whatever the program's depth
    (``in_reporting_line`` with no depth: the new hire's managers at any level, and everyone under them)."""
    return replace(rules, reporting_line_depth=None)


def buddy_block(
    new_hire: MenteeFacts,
    candidate: CopilotFacts,
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
    *,
    ignore: frozenset[BlockReason] = frozenset(),
) -> BlockReason | None:
    """Why this volunteer may not be this new hire's buddy, or None. ``history.recently_declined`` carries
    everyone already asked for this new hire."""
    rules = buddy_rules(rules)
    reason = blocking_reason(new_hire, candidate, org, history, rules, ignore=ignore)
    if reason is not None:
        return reason
    if _overlap(new_hire, candidate, rules) <= 0 and BlockReason.TIME_ZONE_GAP not in ignore:
        return BlockReason.TIME_ZONE_GAP
    return None


def _overlap(new_hire: MenteeFacts, candidate: CopilotFacts, rules: MatchRules) -> int:
    _, overlap = hours_points(
        np.array([new_hire.utc_offset_minutes]), np.array([candidate.utc_offset_minutes]), rules
    )
    return int(overlap[0])


def nearby(org: OrgChart, a: int, b: int, levels: int = NEARBY_LEVELS) -> bool:
    """Their reporting lines meet within ``levels`` managers above each of them (sibling teams)."""
    above_a = set(org.reporting_line(a, levels))
    return bool(above_a & set(org.reporting_line(b, levels)))


def buddy_points(
    new_hire: MenteeFacts, candidate: CopilotFacts, org: OrgChart, rules: MatchRules
) -> BuddyCandidate:
    workday = (rules.workday_end_hour - rules.workday_start_hour) * 60
    overlap = _overlap(new_hire, candidate, rules)
    if new_hire.team is not None and new_hire.team == candidate.team:
        team = TEAM_WEIGHT
    elif nearby(org, new_hire.person_id, candidate.person_id):
        team = NEARBY_TEAM_WEIGHT
    else:
        team = 0.0
    free = candidate.remaining_capacity / candidate.capacity if candidate.capacity > 0 else 0.0
    points = HOURS_WEIGHT * min(1.0, overlap / workday) + team + LOAD_WEIGHT * free
    return BuddyCandidate(candidate.person_id, round(points, 2), overlap)


def rank_buddies(
    new_hire: MenteeFacts,
    candidates: Sequence[CopilotFacts],
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
) -> list[BuddyCandidate]:
    """Every volunteer the hard rules allow as this new hire's buddy, best first."""
    allowed = [c for c in candidates if buddy_block(new_hire, c, org, history, rules) is None]
    scored = [buddy_points(new_hire, c, org, rules) for c in allowed]
    if not scored:
        return []
    ids = np.array([s.person_id for s in scored], dtype=np.int64)
    ties = pair_hash(rules.seed, 7, np.full_like(ids, new_hire.person_id), ids)
    order = sorted(range(len(scored)), key=lambda i: (-scored[i].points, int(ties[i])))
    return [scored[i] for i in order]


def still_allowed(
    new_hire: MenteeFacts, buddy: CopilotFacts, org: OrgChart, rules: MatchRules
) -> BlockReason | None:
    """The lifetime rule (reporting line, a deactivated account, ...) a running buddy pairing or a pending
    buddy offer now breaks after the org chart changed, or None."""
    ignore = frozenset(BlockReason) - LIFETIME_RULES
    return blocking_reason(new_hire, buddy, org, MatchHistory(), buddy_rules(rules), ignore=ignore)

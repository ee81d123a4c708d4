"""The facts a match is made from, and the hard rules: who may never be paired with whom.

``blocking_reason`` applies the hard rules (never pair someone with their own manager, a paused
volunteer, ...); ``explain_block`` words a rule kindly for the mentee. The service layer turns database
rows into the facts below.

The rules hold for the whole life of a pairing, not only when it is made: ``standing_reason`` is the
subset of the same checks (``LIFETIME_RULES``) that an existing pairing or a pending offer must still pass
after the org chart changes, and at renewal or revisit. ``blocking_reason`` is what an accept re-runs.

The reporting line: a manager never mentors a report, at any level, whatever
``MatchRules.reporting_line_depth`` says; the depth only limits how many levels of the mentee's own
reports are kept out as their copilots. A manager nobody knows any more (a forgotten account still named
as someone's manager, ``OrgChart.unknown``) is never read as "no manager": nobody whose line reaches one
is matched until a program admin fixes the chart (``BlockReason.MANAGER_UNKNOWN``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from bot.i18n import N_, _

TeamPreference = Literal["same", "other", "either"]

MINUTES_PER_DAY = 24 * 60

# --- Input data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenteeFacts:
    request_id: int
    person_id: int
    topics: frozenset[str]
    team: str | None
    level: int | None  # numeric seniority, higher = more senior; None unknown
    utc_offset_minutes: int  # from Slack tz_offset (seconds // 60)
    team_preference: TeamPreference = "either"
    is_guest: bool = False


@dataclass(frozen=True)
class CopilotFacts:
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
    current_pairs: frozenset[tuple[int, int]] = frozenset()  # (mentee, copilot), any non-ended state
    past_pairs: frozenset[tuple[int, int]] = frozenset()  # ever paired before


@dataclass(frozen=True, eq=False)
class OrgChart:
    """Who reports to whom. Bad data (a manager cycle) is tolerated: every walk stops on a repeat."""

    managers: Mapping[int, int | None]  # person_id -> manager person_id
    # people standing for a manager nobody knows any more (a forgotten account): never "no manager"
    unknown: frozenset[int] = frozenset()

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

    def chain_unknown(self, person_id: int) -> bool:
        """True when the person's reporting line reaches a manager nobody knows any more."""
        if not self.unknown:
            return False
        return any(manager in self.unknown for manager in self.reporting_line(person_id))

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
    MANAGER_UNKNOWN = "manager_unknown"


# The rules about who the two people are: an existing pairing or a pending offer must keep passing them
# (the org chart changed, a renewal, a revisit). The others (capacity, pauses, declines, time zones,
# team preference) are about making a new match.
LIFETIME_RULES: frozenset[BlockReason] = frozenset(
    {
        BlockReason.SELF,
        BlockReason.DEACTIVATED,
        BlockReason.BOT,
        BlockReason.GUEST,
        BlockReason.REPORTING_LINE,
    }
)


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


def in_reporting_line(org: OrgChart, mentee: int, copilot: int, depth: int | None) -> bool:
    """True when the copilot manages the mentee at any level (whatever ``depth``: a manager never mentors
    a report), or the mentee is within ``depth`` levels above the copilot."""
    if mentee == copilot:
        return False
    return copilot in org.reporting_line(mentee) or mentee in org.reporting_line(copilot, depth)


# --- Hard rules ------------------------------------------------------------------------------------


def _circular_gap_minutes(a: int, b: int) -> int:
    gap = (a - b) % MINUTES_PER_DAY
    return min(gap, MINUTES_PER_DAY - gap)


def _team_rule_broken(mentee: MenteeFacts, volunteer: CopilotFacts) -> bool:
    # "same" and a volunteer who only helps their own team need a confirmed shared team;
    # "other" only rules out a confirmed shared team.
    same_team = mentee.team is not None and mentee.team == volunteer.team
    if mentee.team_preference == "same" and not same_team:
        return True
    if mentee.team_preference == "other" and same_team:
        return True
    return not volunteer.open_to_other_teams and not same_team


def _broken_rules(
    mentee: MenteeFacts,
    volunteer: CopilotFacts,
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
) -> Iterator[BlockReason]:
    """Every hard rule this pairing breaks, in the order they are reported."""
    pair = (mentee.person_id, volunteer.person_id)
    if mentee.person_id == volunteer.person_id:
        yield BlockReason.SELF
    if volunteer.deactivated:
        yield BlockReason.DEACTIVATED
    if volunteer.is_bot:
        yield BlockReason.BOT
    if (mentee.is_guest or volunteer.is_guest) and not rules.allow_guests:
        yield BlockReason.GUEST
    if volunteer.paused:
        yield BlockReason.PAUSED
    if volunteer.remaining_capacity <= 0:
        yield BlockReason.NO_CAPACITY
    if in_reporting_line(org, mentee.person_id, volunteer.person_id, rules.reporting_line_depth):
        yield BlockReason.REPORTING_LINE
    if org.chain_unknown(mentee.person_id) or org.chain_unknown(volunteer.person_id):
        yield BlockReason.MANAGER_UNKNOWN
    if pair in history.current_pairs:
        yield BlockReason.ALREADY_PAIRED
    if pair in history.recently_declined:
        yield BlockReason.RECENTLY_DECLINED
    if _team_rule_broken(mentee, volunteer):
        yield BlockReason.TEAM_PREFERENCE
    gap = _circular_gap_minutes(mentee.utc_offset_minutes, volunteer.utc_offset_minutes)
    if gap > rules.max_tz_gap_hours * 60:
        yield BlockReason.TIME_ZONE_GAP


def blocking_reason(
    mentee: MenteeFacts,
    volunteer: CopilotFacts,
    org: OrgChart,
    history: MatchHistory,
    rules: MatchRules,
    *,
    ignore: frozenset[BlockReason] = frozenset(),
) -> BlockReason | None:
    """The first hard rule this pairing breaks (but those in ``ignore``), or None when it is allowed."""
    return next((r for r in _broken_rules(mentee, volunteer, org, history, rules) if r not in ignore), None)


def standing_reason(
    mentee: MenteeFacts, volunteer: CopilotFacts, org: OrgChart, rules: MatchRules
) -> BlockReason | None:
    """The first of the ``LIFETIME_RULES`` an existing pairing (or a pending offer) now breaks, or None."""
    broken = _broken_rules(mentee, volunteer, org, MatchHistory(), rules)
    return next((r for r in broken if r in LIFETIME_RULES), None)


_BLOCK_EXPLANATIONS: Mapping[BlockReason, str] = {
    BlockReason.SELF: N_("That's you! A copilot needs to be someone else, so pick another colleague."),
    BlockReason.REPORTING_LINE: N_(
        "{name} is in your reporting line. A copilot works best outside it, so the conversation can "
        "stay open. Try someone from another part of the org."
    ),
    BlockReason.NO_CAPACITY: N_(
        "{name} is already mentoring as many people as they offered to, so they can't take on "
        "another copilot pairing right now."
    ),
    BlockReason.PAUSED: N_("{name} has paused copilot pairings for now, so please try someone else."),
    BlockReason.DEACTIVATED: N_("{name}'s account isn't active any more, so they can't be a copilot."),
    BlockReason.BOT: N_("{name} is an app rather than a person, so they can't be a copilot."),
    BlockReason.GUEST: N_(
        "Copilot pairings here are only between full members of the workspace, and a guest account "
        "is involved, so {name} can't be matched with you."
    ),
    BlockReason.RECENTLY_DECLINED: N_(
        "{name} wasn't able to take a pairing with you recently, so we'll give it some time and "
        "suggest someone else."
    ),
    BlockReason.ALREADY_PAIRED: N_("You and {name} are already paired, so there's nothing more to set up."),
    BlockReason.TIME_ZONE_GAP: N_(
        "{name}'s time zone is too far from yours to find regular meeting times, so someone closer "
        "in time will be easier to meet."
    ),
    BlockReason.TEAM_PREFERENCE: N_(
        "{name}'s team doesn't fit the team preference for this pairing, so try someone who does."
    ),
    BlockReason.MANAGER_UNKNOWN: N_(
        "The org chart needs a program admin's check before {name} can be matched with you, so please "
        "try someone else for now."
    ),
}


def explain_block(reason: BlockReason, volunteer_name: str) -> str:
    """A kind one-sentence explanation, addressed to the mentee, of why this copilot can't be asked."""
    return _(_BLOCK_EXPLANATIONS[reason], name=volunteer_name)

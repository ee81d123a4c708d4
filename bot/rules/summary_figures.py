"""What a lead or program admin may see: program-level facts filtered to a scope and added up.

Pure: plain dataclasses in, plain dataclasses out. No Slack, no database session. The facts are read
by bot.oversight.program_facts, which selects program-level columns only (never goals, answers, agreement
text, report-backs, notes, contacts, promises, pulse comments or decline reasons), so nothing private can
reach a summary even by mistake.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.i18n import N_
from bot.rules.lifecycle import OPEN_STATES, PairingState
from bot.rules.pulse_privacy import PulseAnswer, PulseFigure, pulse_figure

# A pairing's health: its state where that says enough, otherwise whether its check-ins are on time.
ON_TRACK = "on_track"
OVERDUE = "overdue"
STALLED = PairingState.STALLED.value
PAUSED = PairingState.PAUSED.value
SETTING_EXPECTATIONS = PairingState.SETTING_EXPECTATIONS.value
# Most in need of attention first: the order rows and counts are shown in.
HEALTHS = (STALLED, OVERDUE, SETTING_EXPECTATIONS, PAUSED, ON_TRACK)
# Translated where they are shown (bot.messages.summaries, bot.oversight.chart).
HEALTH_LABELS = {
    ON_TRACK: N_("On track"),
    OVERDUE: N_("Check-in overdue"),
    STALLED: N_("Stalled"),
    PAUSED: N_("Paused"),
    SETTING_EXPECTATIONS: N_("Setting expectations"),
}
CHART_WEEKS = 12
# In past weeks we only know dates: a pairing counts as meeting if it met (or started) this recently.
RECENT_MEETING = timedelta(days=30)


@dataclass(frozen=True)
class PersonFacts:
    id: int
    slack_user_id: str
    name: str
    org_team: str | None
    tz: str
    is_deleted: bool


@dataclass(frozen=True)
class VolunteerFacts:
    person_id: int
    capacity: int
    active: bool
    paused_until: date | None


@dataclass(frozen=True)
class RequestFacts:
    id: int
    mentee_id: int
    status: str
    created_at: datetime


@dataclass(frozen=True)
class OfferFacts:
    id: int
    request_id: int
    copilot_id: int
    status: str


@dataclass(frozen=True)
class PairingFacts:
    id: int
    mentee_id: int
    copilot_id: int
    request_id: int | None
    state: str
    cadence: str | None
    cross_team: bool
    created_at: datetime
    activated_at: datetime | None
    last_met_at: datetime | None
    next_checkin_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None


@dataclass(frozen=True)
class MeetingFacts:
    """A check-in whose answer was 'we met'."""

    pairing_id: int
    met_at: datetime


@dataclass(frozen=True)
class IntroFacts:
    introducer_id: int
    introduced_id: int
    contact_id: int
    status: str


@dataclass(frozen=True)
class PulseFacts:
    pairing_id: int
    person_id: int
    score: int
    answered_at: datetime


@dataclass(frozen=True)
class BuddyFacts:
    """An onboarding buddy pairing, program-level: who and its state (never its checklist)."""

    id: int
    new_hire_id: int
    buddy_id: int | None
    state: str


@dataclass(frozen=True)
class BuddyFigures:
    """Onboarding buddies as their own kind of pairing: counts only."""

    active: int
    finding: int  # a buddy being looked for (asking, or nobody free yet)
    ended: int


@dataclass
class ProgramFacts:
    """Everything program-level about one workspace (or the part a query chose to read)."""

    people: dict[int, PersonFacts] = field(default_factory=dict)
    volunteers: list[VolunteerFacts] = field(default_factory=list)
    requests: list[RequestFacts] = field(default_factory=list)
    offers: list[OfferFacts] = field(default_factory=list)
    pairings: list[PairingFacts] = field(default_factory=list)
    meetings: list[MeetingFacts] = field(default_factory=list)
    introductions: list[IntroFacts] = field(default_factory=list)
    pulses: list[PulseFacts] = field(default_factory=list)
    buddies: list[BuddyFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """Whose pairings a summary covers: everyone in the workspace, or a lead's people.

    Only the lead's name is kept: the words around it ("Lea Berg's people") are written in the reader's
    language when the summary is shown (bot.messages.summaries.scope_label)."""

    lead_name: str = ""
    person_ids: frozenset[int] | None = None  # None: the whole workspace

    def covers(self, person_id: int) -> bool:
        return self.person_ids is None or person_id in self.person_ids

    @property
    def is_workspace(self) -> bool:
        return self.person_ids is None


@dataclass(frozen=True)
class PairingRow:
    id: int
    mentee: str | None  # None: someone who left (the message says so in the reader's language)
    copilot: str | None
    started: date
    cadence: str | None
    last_met: date | None
    health: str


@dataclass(frozen=True)
class Summary:
    scope: Scope
    people_in_scope: int
    mentees: int
    copilots: int
    volunteers_with_room: int
    open_requests: int
    longest_wait_days: int | None
    median_wait_days: float | None
    pending_offers: int
    health_counts: dict[str, int]
    rows: list[PairingRow]
    meetings_30: int
    meetings_90: int
    median_days_to_active: float | None
    cross_team_share: float | None
    introductions_made: int
    introductions_completed: int
    # A band, a rounded count and a weekly cadence, never the live average (bot/rules/pulse_privacy.py)
    pulse: PulseFigure | None
    buddies: BuddyFigures | None = None  # None: no buddy pairings in scope


@dataclass(frozen=True)
class WeekSnapshot:
    week_start: date
    counts: dict[str, int]


def last_met(pairing: PairingFacts, meetings: Iterable[MeetingFacts]) -> datetime | None:
    dates = [m.met_at for m in meetings]
    if pairing.last_met_at is not None:
        dates.append(pairing.last_met_at)
    return max(dates) if dates else None


def health_of(pairing: PairingFacts, met: datetime | None, now: datetime) -> str | None:
    """The pairing's health now, or None once it has ended."""
    if pairing.state == "setting_expectations":
        return SETTING_EXPECTATIONS
    if pairing.state == "paused":
        return PAUSED
    if pairing.state == "stalled":
        return STALLED
    if pairing.state != "active":
        return None
    due = pairing.next_checkin_at
    if due is not None and due <= now and (met is None or met < due):
        return OVERDUE
    return ON_TRACK


def in_scope(scope: Scope, pairing: PairingFacts) -> bool:
    return scope.covers(pairing.mentee_id) or scope.covers(pairing.copilot_id)


def _name(people: dict[int, PersonFacts], person_id: int) -> str | None:
    person = people.get(person_id)
    if person is None:
        return None
    return person.name or person.slack_user_id


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def meetings_by_pairing(meetings: Iterable[MeetingFacts]) -> dict[int, list[MeetingFacts]]:
    grouped: dict[int, list[MeetingFacts]] = defaultdict(list)
    for meeting in meetings:
        grouped[meeting.pairing_id].append(meeting)
    return grouped


def summarize(facts: ProgramFacts, scope: Scope, now: datetime) -> Summary:
    people = facts.people
    pairings = [p for p in facts.pairings if in_scope(scope, p)]
    open_pairings = [p for p in pairings if p.state in OPEN_STATES]
    met_by = meetings_by_pairing(facts.meetings)

    rows: list[PairingRow] = []
    counts = dict.fromkeys(HEALTHS, 0)
    for p in open_pairings:
        met = last_met(p, met_by.get(p.id, ()))
        health = health_of(p, met, now)
        if health is None:
            continue
        counts[health] += 1
        rows.append(
            PairingRow(
                id=p.id,
                mentee=_name(people, p.mentee_id),
                copilot=_name(people, p.copilot_id),
                started=(p.activated_at or p.created_at).date(),
                cadence=p.cadence,
                last_met=met.date() if met else None,
                health=health,
            )
        )
    order = {h: i for i, h in enumerate(HEALTHS)}
    rows.sort(key=lambda r: (order[r.health], r.started, r.id))

    in_scope_ids = {p.id for p in pairings}
    meetings = [m for m in facts.meetings if m.pairing_id in in_scope_ids]
    meetings_30 = sum(1 for m in meetings if now - timedelta(days=30) < m.met_at <= now)
    meetings_90 = sum(1 for m in meetings if now - timedelta(days=90) < m.met_at <= now)

    copilot_load: dict[int, int] = defaultdict(int)
    for p in facts.pairings:
        if p.state in OPEN_STATES:
            copilot_load[p.copilot_id] += 1
    today = now.date()
    volunteers_with_room = sum(
        1
        for v in facts.volunteers
        if scope.covers(v.person_id)
        and v.active
        and not (v.paused_until and v.paused_until > today)
        and not (people.get(v.person_id) and people[v.person_id].is_deleted)
        and copilot_load[v.person_id] < v.capacity
    )

    open_requests = [r for r in facts.requests if r.status == "open" and scope.covers(r.mentee_id)]
    waits = [_days(now - r.created_at) for r in open_requests]
    requests_by_id = {r.id: r for r in facts.requests}
    pending_offers = sum(
        1
        for o in facts.offers
        if o.status == "pending"
        and (
            scope.covers(o.copilot_id)
            or (o.request_id in requests_by_id and scope.covers(requests_by_id[o.request_id].mentee_id))
        )
    )

    to_active = [
        _days(p.activated_at - requests_by_id[p.request_id].created_at)
        for p in pairings
        if p.activated_at is not None and p.request_id in requests_by_id
    ]
    intros = [
        i for i in facts.introductions if scope.covers(i.introducer_id) or scope.covers(i.introduced_id)
    ]
    pulse = pulse_figure(
        (
            PulseAnswer(p.person_id, p.score, p.answered_at)
            for p in facts.pulses
            if p.pairing_id in in_scope_ids
        ),
        now,
    )

    return Summary(
        scope=scope,
        people_in_scope=len(people) if scope.person_ids is None else len(scope.person_ids),
        # Each role counted among the people in scope: a lead's report paired with someone from another
        # team counts as a mentee (or copilot) of theirs; the partner from the other team does not.
        mentees=len({p.mentee_id for p in open_pairings if scope.covers(p.mentee_id)}),
        copilots=len({p.copilot_id for p in open_pairings if scope.covers(p.copilot_id)}),
        volunteers_with_room=volunteers_with_room,
        open_requests=len(open_requests),
        longest_wait_days=int(max(waits)) if waits else None,
        median_wait_days=round(statistics.median(waits), 1) if waits else None,
        pending_offers=pending_offers,
        health_counts=counts,
        rows=rows,
        meetings_30=meetings_30,
        meetings_90=meetings_90,
        median_days_to_active=round(statistics.median(to_active), 1) if to_active else None,
        cross_team_share=(
            sum(1 for p in open_pairings if p.cross_team) / len(open_pairings) if open_pairings else None
        ),
        introductions_made=len(intros),
        introductions_completed=sum(1 for i in intros if i.status == "met"),
        pulse=pulse,
        buddies=buddy_figures(facts.buddies, scope),
    )


def buddy_figures(buddies: Iterable[BuddyFacts], scope: Scope) -> BuddyFigures | None:
    mine = [
        b
        for b in buddies
        if scope.covers(b.new_hire_id) or (b.buddy_id is not None and scope.covers(b.buddy_id))
    ]
    if not mine:
        return None
    active = sum(1 for b in mine if b.state == "active")
    ended = sum(1 for b in mine if b.state == "ended")
    return BuddyFigures(active=active, finding=len(mine) - active - ended, ended=ended)


def weekly_health(
    facts: ProgramFacts, scope: Scope, now: datetime, weeks: int = CHART_WEEKS
) -> list[WeekSnapshot]:
    """Pairings by health at the end of each of the last `weeks` weeks, oldest first.

    Past weeks are rebuilt from dates alone, so they are an approximation: a pairing counts from its
    created date, as setting expectations until activated, and as on track if it met or started in the
    30 days before that week's end, else as check-in overdue. When a pause or stall began is not stored,
    so paused and stalled appear in the current week only (earlier they count by the meeting rule).
    Ended pairings drop out from their end date.
    """
    met_by = meetings_by_pairing(facts.meetings)
    pairings = [p for p in facts.pairings if in_scope(scope, p)]
    snapshots: list[WeekSnapshot] = []
    for back in range(weeks - 1, -1, -1):
        at = now - timedelta(weeks=back)
        counts = dict.fromkeys(HEALTHS, 0)
        for p in pairings:
            if p.created_at > at or (p.ended_at is not None and p.ended_at <= at):
                continue
            if back == 0:
                health = health_of(p, last_met(p, met_by.get(p.id, ())), now)
                if health is not None:
                    counts[health] += 1
                continue
            if p.activated_at is None or p.activated_at > at:
                counts[SETTING_EXPECTATIONS] += 1
                continue
            recent = [m.met_at for m in met_by.get(p.id, ()) if at - RECENT_MEETING < m.met_at <= at] or (
                [p.activated_at] if at - RECENT_MEETING < p.activated_at else []
            )
            counts[ON_TRACK if recent else OVERDUE] += 1
        snapshots.append(WeekSnapshot(week_start=(at - timedelta(days=at.weekday())).date(), counts=counts))
    return snapshots


@dataclass(frozen=True)
class WeekChanges:
    new_pairings: int
    newly_stalled: int
    first_digest: bool


def digest_figures(summary: Summary) -> dict[str, list[int]]:
    """What a digest remembers for next week's comparison: program-level pairing ids by health."""
    return {health: sorted(r.id for r in summary.rows if r.health == health) for health in (STALLED, OVERDUE)}


def changes_since(
    facts: ProgramFacts,
    scope: Scope,
    summary: Summary,
    previous: dict[str, list[int]] | None,
    now: datetime,
) -> WeekChanges:
    week_ago = now - timedelta(days=7)
    new_pairings = sum(1 for p in facts.pairings if in_scope(scope, p) and p.created_at > week_ago)
    stalled_now = {r.id for r in summary.rows if r.health == STALLED}
    before = set((previous or {}).get(STALLED, []))
    return WeekChanges(
        new_pairings=new_pairings,
        newly_stalled=len(stalled_now - before),
        first_digest=previous is None,
    )

"""What matching knows about a workspace, read from the database into `bot.rules.matching` facts.

load_match_data reads the whole workspace once (an offer, a round); load_pair_data reads just one mentee
and one possible copilot, so a colleague named in a request is judged before Slack's 3-second ack deadline.
Both give blocking_reason the same answer (tests/unit/test_named_copilot.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.people import program_settings as program
from bot.people.directory import reporting_chain
from bot.people.standing import match_rules, tombstones_among, workspace_org_chart
from bot.people.topics import workspace_topics
from bot.rules.cadence import local_date
from bot.rules.lifecycle import CLOSED_STATES, OPEN_STATES, OfferState
from bot.rules.matching.facts import CopilotFacts, MatchHistory, MatchRules, MenteeFacts, OrgChart
from bot.rules.topics import normalise_tag, tidy
from storage.models import CopilotProfile, MentoringRequest, Offer, Pairing, Person

RECENT_DECLINE_DAYS = 90


# --- From rows to facts ----------------------------------------------------------------------------


def topic_key(name: str, workspace: Mapping[str, str]) -> str:
    """One spelling per topic, so "code review" typed as a tag matches the workspace's "Code review"."""
    key = normalise_tag(name)
    return workspace.get(key, key)


def topic_set(names: Iterable[str], workspace: Mapping[str, str]) -> frozenset[str]:
    return frozenset(topic_key(n, workspace) for n in names if tidy(n))


def mentee_facts(request: MentoringRequest, mentee: Person, workspace: Mapping[str, str]) -> MenteeFacts:
    preference = request.team_preference if request.team_preference in ("same", "other") else "either"
    return MenteeFacts(
        request_id=request.id,
        person_id=mentee.id,
        topics=topic_set(request.topics, workspace),
        team=mentee.org_team,
        level=mentee.level,
        utc_offset_minutes=mentee.tz_offset // 60,
        team_preference=preference,
        is_guest=mentee.is_guest,
    )


def copilot_facts(
    person: Person,
    profile: CopilotProfile | None,
    load: int,
    now: datetime,
    workspace: Mapping[str, str],
) -> CopilotFacts:
    """A volunteer as matching sees them. ``profile`` None: a colleague named in a request who never
    volunteered; they may still be asked (once, capacity 1) and can say no."""
    if profile is None:
        return CopilotFacts(
            person_id=person.id,
            topics=frozenset(),
            team=person.org_team,
            level=person.level,
            utc_offset_minutes=person.tz_offset // 60,
            capacity=1,
            current_load=load,
            deactivated=person.is_deleted,
            is_bot=person.is_bot,
            is_guest=person.is_guest,
        )
    today = local_date(now, person.tz)
    paused = (
        not profile.active
        or (profile.paused_until is not None and profile.paused_until > today)
        or (profile.available_until is not None and profile.available_until < today)
    )
    return CopilotFacts(
        person_id=person.id,
        topics=topic_set(profile.topics, workspace),
        team=person.org_team,
        level=person.level,
        utc_offset_minutes=person.tz_offset // 60,
        capacity=profile.capacity,
        current_load=load,
        open_to_other_teams=profile.open_to_other_teams,
        paused=paused,
        deactivated=person.is_deleted,
        is_bot=person.is_bot,
        is_guest=person.is_guest,
    )


@dataclass(frozen=True)
class MatchData:
    """Everything matching needs about one workspace, read at one moment."""

    team_id: str
    settings: program.ProgramSettings
    rules: MatchRules
    people: Mapping[int, Person]
    volunteers: Sequence[CopilotFacts]
    profiles: Mapping[int, CopilotProfile]
    loads: Mapping[int, int]  # person id -> open pairings as copilot + pending offers
    org: OrgChart
    history: MatchHistory
    workspace_topics: Mapping[str, str]  # normalised -> spelling
    now: datetime

    def volunteer(self, person_id: int) -> CopilotFacts | None:
        person = self.people.get(person_id)
        if person is None:
            return None
        return copilot_facts(
            person,
            self.profiles.get(person_id),
            self.loads.get(person_id, 0),
            self.now,
            self.workspace_topics,
        )


# --- Reading the database --------------------------------------------------------------------------


def copilot_loads(session: Session, team_id: str, *, only: int | None = None) -> Counter[int]:
    """person id -> open pairings as copilot plus pending offers (both use up capacity); `only`: one's own."""
    loads: Counter[int] = Counter()
    pairs_query = select(Pairing.copilot_id, func.count()).where(
        Pairing.team_id == team_id, Pairing.state.in_(OPEN_STATES)
    )
    offers_query = select(Offer.copilot_id, func.count()).where(
        Offer.team_id == team_id, Offer.status == OfferState.PENDING
    )
    if only is not None:
        pairs_query = pairs_query.where(Pairing.copilot_id == only)
        offers_query = offers_query.where(Offer.copilot_id == only)
    pairs = session.execute(pairs_query.group_by(Pairing.copilot_id))
    offers = session.execute(offers_query.group_by(Offer.copilot_id))
    for copilot_id, count in [*pairs, *offers]:
        loads[copilot_id] += count
    return loads


def match_history(
    session: Session, team_id: str, now: datetime, *, only: tuple[int, int] | None = None
) -> MatchHistory:
    """Who declined whom lately, and who is or was paired; `only`: one (mentee, copilot) pair's."""
    since = now - timedelta(days=RECENT_DECLINE_DAYS)
    declined_query = (
        select(MentoringRequest.mentee_id, Offer.copilot_id)
        .join(MentoringRequest, MentoringRequest.id == Offer.request_id)
        .where(Offer.team_id == team_id, Offer.status == OfferState.DECLINED, Offer.answered_at >= since)
    )
    pairs_query = select(Pairing.mentee_id, Pairing.copilot_id, Pairing.state).where(
        Pairing.team_id == team_id
    )
    if only is not None:
        declined_query = declined_query.where(
            MentoringRequest.mentee_id == only[0], Offer.copilot_id == only[1]
        )
        pairs_query = pairs_query.where(Pairing.mentee_id == only[0], Pairing.copilot_id == only[1])
    declined = session.execute(declined_query)
    pairs = session.execute(pairs_query).all()
    return MatchHistory(
        recently_declined=frozenset((m, v) for m, v in declined),
        current_pairs=frozenset((m, v) for m, v, state in pairs if state in OPEN_STATES),
        past_pairs=frozenset((m, v) for m, v, state in pairs if state in CLOSED_STATES),
    )


def _topic_spellings(session: Session, team_id: str) -> dict[str, str]:
    return {normalise_tag(name): name for name in workspace_topics(session, team_id)}


class _PeopleOnDemand(dict[int, Person]):
    """Volunteers' rows up front; anyone else (a mentee, a named colleague) loaded when first needed.

    Loading every person of a large workspace as ORM rows was most of the time of offering a copilot.
    """

    def __init__(self, session: Session, team_id: str, volunteer_ids: Iterable[int]) -> None:
        ids = list(volunteer_ids)
        super().__init__()
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            self.update(
                (p.id, p)
                for p in session.scalars(
                    select(Person).where(Person.team_id == team_id, Person.id.in_(chunk))
                )
            )
        self._session = session
        self._team_id = team_id

    def __missing__(self, person_id: int) -> Person:
        person = self._session.scalar(
            select(Person).where(Person.team_id == self._team_id, Person.id == person_id)
        )
        if person is None:
            raise KeyError(person_id)
        self[person_id] = person
        return person

    def get(self, person_id: int, default: Person | None = None) -> Person | None:  # type: ignore[override]
        try:
            return self[person_id]
        except KeyError:
            return default


def load_match_data(session: Session, team_id: str, now: datetime, *, seed: int = 0) -> MatchData:
    settings = program.load(session, team_id)
    profiles = {
        p.person_id: p
        for p in session.scalars(select(CopilotProfile).where(CopilotProfile.team_id == team_id))
    }
    people = _PeopleOnDemand(session, team_id, profiles)
    loads = copilot_loads(session, team_id)
    workspace = _topic_spellings(session, team_id)
    volunteers = [
        copilot_facts(people[pid], profile, loads.get(pid, 0), now, workspace)
        for pid, profile in sorted(profiles.items())
        if pid in people
    ]
    return MatchData(
        team_id=team_id,
        settings=settings,
        rules=match_rules(settings, seed),
        people=people,
        volunteers=volunteers,
        profiles=profiles,
        loads=loads,
        org=workspace_org_chart(session, team_id),
        history=match_history(session, team_id, now),
        workspace_topics=workspace,
        now=now,
    )


def load_pair_data(
    session: Session, team_id: str, mentee: Person, copilot: Person, now: datetime
) -> MatchData:
    """What the hard rules need to judge one mentee with one possible copilot, and nothing about anyone
    else: a few indexed reads, so a named colleague can be checked before Slack's 3-second ack deadline.
    blocking_reason gives the same answer on it as on load_match_data (tests/unit/test_named_copilot.py)."""
    settings = program.load(session, team_id)
    rules = match_rules(settings)
    managers: dict[int, int | None] = {}
    for person in (mentee, copilot):
        # Whole lines: a manager at any level is ruled out, and an unknown manager anywhere up the line.
        line = [person.id, *reporting_chain(session, person.id)]
        managers.update(pairwise(line))
    profile = session.scalar(
        select(CopilotProfile).where(
            CopilotProfile.team_id == team_id, CopilotProfile.person_id == copilot.id
        )
    )
    profiles = {copilot.id: profile} if profile is not None else {}
    loads = copilot_loads(session, team_id, only=copilot.id)
    workspace = _topic_spellings(session, team_id)
    volunteers = (
        [copilot_facts(copilot, profile, loads.get(copilot.id, 0), now, workspace)] if profile else []
    )
    return MatchData(
        team_id=team_id,
        settings=settings,
        rules=rules,
        people={mentee.id: mentee, copilot.id: copilot},
        volunteers=volunteers,
        profiles=profiles,
        loads=loads,
        org=OrgChart(managers, unknown=tombstones_among(session, team_id, {*managers, *managers.values()})),
        history=match_history(session, team_id, now, only=(mentee.id, copilot.id)),
        workspace_topics=workspace,
        now=now,
    )


# --- Nobody is asked twice for one request ---------------------------------------------------------


def already_asked(session: Session, request_ids: Sequence[int]) -> dict[int, set[int]]:
    """request id -> the copilots already asked for it (whatever they answered)."""
    asked: dict[int, set[int]] = {rid: set() for rid in request_ids}
    if request_ids:
        rows = session.execute(
            select(Offer.request_id, Offer.copilot_id).where(Offer.request_id.in_(list(request_ids)))
        )
        for request_id, copilot_id in rows:
            asked[request_id].add(copilot_id)
    return asked


def history_without(history: MatchHistory, mentee_id: int, asked: Iterable[int]) -> MatchHistory:
    """Treat everyone already asked for this mentee's request as having declined."""
    extra = frozenset((mentee_id, copilot_id) for copilot_id in asked)
    return replace(history, recently_declined=history.recently_declined | extra) if extra else history

"""Matching requests with volunteers: from the database to offers, and the proposed copilot's answer.

The pure rules live in bot.matching; this module builds their inputs from the database, stores what
they decide (offers, pairings) and queues every message through the outbox.

A request moves open → offered → matched (or cancelled). Each offer is pending → accepted / declined /
expired / withdrawn. When an offer is declined or expires, the next candidate is asked; nobody is
asked twice for the same request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot import expectations, program
from bot.cadence import add_working_days, local_date
from bot.matching import (
    MatchHistory,
    MatchRules,
    MatchScore,
    MenteeProfile,
    OrgChart,
    VolunteerProfile,
    assign_round,
    blocking_reason,
    rank_candidates,
    score_match,
)
from bot.outbox import enqueue
from bot.pairings import CLOSED_STATES, OPEN_STATES, create_pairing
from bot.runtime import Runtime
from bot.topics import normalise_tag, tidy, workspace_topics
from handlers.views.offers import (
    admins_waiting_message,
    mentee_handover_message,
    mentor_handover_message,
    nobody_available_message,
    offer_closed_message,
    offer_message,
    offer_sent_message,
)
from storage.models import (
    MentoringRequest,
    MentorProfile,
    Offer,
    OutboxMessage,
    Pairing,
    Person,
)

RECENT_DECLINE_DAYS = 90

# request statuses
OPEN = "open"
OFFERED = "offered"
MATCHED = "matched"
CANCELLED = "cancelled"
OPEN_REQUEST_STATES = (OPEN, OFFERED)

# offer statuses
PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"


# --- From rows to profiles -------------------------------------------------------------------------


def topic_key(name: str, workspace: Mapping[str, str]) -> str:
    """One spelling per topic, so "code review" typed as a tag matches the workspace's "Code review"."""
    key = normalise_tag(name)
    return workspace.get(key, key)


def topic_set(names: Iterable[str], workspace: Mapping[str, str]) -> frozenset[str]:
    return frozenset(topic_key(n, workspace) for n in names if tidy(n))


def match_rules(settings: program.ProgramSettings, seed: int = 0) -> MatchRules:
    return MatchRules(
        reporting_line_depth=settings.reporting_line_depth,
        max_tz_gap_hours=settings.max_tz_gap_hours,
        allow_guests=settings.allow_guests,
        prefer_senior=settings.prefer_senior,
        seed=seed,
    )


def mentee_profile(request: MentoringRequest, mentee: Person, workspace: Mapping[str, str]) -> MenteeProfile:
    preference = request.team_preference if request.team_preference in ("same", "other") else "either"
    return MenteeProfile(
        request_id=request.id,
        person_id=mentee.id,
        topics=topic_set(request.topics, workspace),
        team=mentee.org_team,
        level=mentee.level,
        utc_offset_minutes=mentee.tz_offset // 60,
        team_preference=preference,
        is_guest=mentee.is_guest,
    )


def volunteer_profile(
    person: Person,
    profile: MentorProfile | None,
    load: int,
    now: datetime,
    workspace: Mapping[str, str],
) -> VolunteerProfile:
    """A volunteer as matching sees them. ``profile`` None: a colleague named in a request who never
    volunteered; they may still be asked (once, capacity 1) and can say no."""
    if profile is None:
        return VolunteerProfile(
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
    return VolunteerProfile(
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
    volunteers: Sequence[VolunteerProfile]
    profiles: Mapping[int, MentorProfile]
    loads: Mapping[int, int]  # person id -> open pairings as mentor + pending offers
    org: OrgChart
    history: MatchHistory
    workspace_topics: Mapping[str, str]  # normalised -> spelling
    now: datetime

    def volunteer(self, person_id: int) -> VolunteerProfile | None:
        person = self.people.get(person_id)
        if person is None:
            return None
        return volunteer_profile(
            person,
            self.profiles.get(person_id),
            self.loads.get(person_id, 0),
            self.now,
            self.workspace_topics,
        )


def mentor_loads(session: Session, team_id: str) -> Counter[int]:
    """person id -> open pairings as mentor plus pending offers (both use up capacity)."""
    loads: Counter[int] = Counter()
    pairs = session.execute(
        select(Pairing.mentor_id, func.count())
        .where(Pairing.team_id == team_id, Pairing.state.in_(OPEN_STATES))
        .group_by(Pairing.mentor_id)
    )
    offers = session.execute(
        select(Offer.mentor_id, func.count())
        .where(Offer.team_id == team_id, Offer.status == PENDING)
        .group_by(Offer.mentor_id)
    )
    for mentor_id, count in [*pairs, *offers]:
        loads[mentor_id] += count
    return loads


def match_history(session: Session, team_id: str, now: datetime) -> MatchHistory:
    since = now - timedelta(days=RECENT_DECLINE_DAYS)
    declined = session.execute(
        select(MentoringRequest.mentee_id, Offer.mentor_id)
        .join(MentoringRequest, MentoringRequest.id == Offer.request_id)
        .where(Offer.team_id == team_id, Offer.status == DECLINED, Offer.answered_at >= since)
    )
    pairs = session.execute(
        select(Pairing.mentee_id, Pairing.mentor_id, Pairing.state).where(Pairing.team_id == team_id)
    ).all()
    return MatchHistory(
        recently_declined=frozenset((m, v) for m, v in declined),
        current_pairs=frozenset((m, v) for m, v, state in pairs if state in OPEN_STATES),
        past_pairs=frozenset((m, v) for m, v, state in pairs if state in CLOSED_STATES),
    )


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
        p.person_id: p for p in session.scalars(select(MentorProfile).where(MentorProfile.team_id == team_id))
    }
    people = _PeopleOnDemand(session, team_id, profiles)
    managers = {
        person_id: manager_id
        for person_id, manager_id in session.execute(
            select(Person.id, Person.manager_id).where(Person.team_id == team_id)
        )
    }
    loads = mentor_loads(session, team_id)
    workspace = {normalise_tag(name): name for name in workspace_topics(session, team_id)}
    volunteers = [
        volunteer_profile(people[pid], profile, loads.get(pid, 0), now, workspace)
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
        org=OrgChart(managers),
        history=match_history(session, team_id, now),
        workspace_topics=workspace,
        now=now,
    )


def _already_asked(session: Session, request_ids: Sequence[int]) -> dict[int, set[int]]:
    asked: dict[int, set[int]] = {rid: set() for rid in request_ids}
    if request_ids:
        rows = session.execute(
            select(Offer.request_id, Offer.mentor_id).where(Offer.request_id.in_(list(request_ids)))
        )
        for request_id, mentor_id in rows:
            asked[request_id].add(mentor_id)
    return asked


def _history_without(history: MatchHistory, mentee_id: int, asked: Iterable[int]) -> MatchHistory:
    """Nobody is asked twice for one request: treat everyone already asked as having declined."""
    extra = frozenset((mentee_id, mentor_id) for mentor_id in asked)
    return replace(history, recently_declined=history.recently_declined | extra) if extra else history


# --- Offers ----------------------------------------------------------------------------------------


def _make_offer(
    runtime: Runtime,
    session: Session,
    data: MatchData,
    request: MentoringRequest,
    mentor: Person,
    score: MatchScore,
    *,
    first: bool,
) -> Offer:
    now = data.now
    answer_by = add_working_days(
        now, data.settings.offer_expiry_working_days, mentor.tz, data.settings.nudge_window()
    )
    offer = Offer(
        team_id=request.team_id,
        request_id=request.id,
        mentor_id=mentor.id,
        status=PENDING,
        score=score.total,
        reasons=[part.reason for part in score.parts],
        created_at=now,
        expires_at=answer_by,
    )
    session.add(offer)
    session.flush()
    request.status = OFFERED
    mentee = data.people[request.mentee_id]
    shown_topics = sorted(topic_set(request.topics, data.workspace_topics), key=str.casefold)
    enqueue(
        session,
        team_id=request.team_id,
        key=f"offer:{offer.id}",
        kind="offer",
        channel=mentor.slack_user_id,
        message=offer_message(
            offer_id=offer.id,
            mentee_user_id=mentee.slack_user_id,
            goals=request.goals,
            topics=shown_topics,
            reasons=offer.reasons,
            cadence=request.cadence,
            length_text=request.length_text,
            answer_by=local_date(answer_by, mentor.tz),
            named=request.named_mentor_id == mentor.id,
        ),
        due_at=now,
        now=now,
    )
    enqueue(
        session,
        team_id=request.team_id,
        key=f"request:{request.id}:offer:{offer.id}",
        kind="request_update",
        channel=mentee.slack_user_id,
        message=offer_sent_message(first),
        due_at=now,
        now=now,
    )
    return offer


def _waiting_count(session: Session, team_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(MentoringRequest)
            .where(MentoringRequest.team_id == team_id, MentoringRequest.status == OPEN)
        )
        or 0
    )


def _nobody_available(
    runtime: Runtime,
    session: Session,
    data: MatchData,
    request: MentoringRequest,
    asked: int,
    *,
    tell_admins: bool,
) -> None:
    request.status = OPEN
    mentee = data.people[request.mentee_id]
    enqueue(
        session,
        team_id=request.team_id,
        key=f"request:{request.id}:waiting:{asked}",
        kind="request_update",
        channel=mentee.slack_user_id,
        message=nobody_available_message(asked == 0),
        due_at=data.now,
        now=data.now,
    )
    if not tell_admins:
        return
    session.flush()
    waiting = _waiting_count(session, request.team_id)
    # Counts only: admins never see who is waiting or what they asked for.
    for admin in runtime.settings.admins_of(request.team_id):
        enqueue(
            session,
            team_id=request.team_id,
            key=f"admin:{admin}:request:{request.id}:waiting:{asked}",
            kind="admin_waiting",
            channel=admin,
            message=admins_waiting_message(waiting),
            due_at=data.now,
            now=data.now,
        )


def offer_next(
    runtime: Runtime, session: Session, request: MentoringRequest, data: MatchData | None = None
) -> Offer | None:
    """Ask the best copilot not yet asked for this request; if nobody fits, the request waits (open)."""
    data = data or load_match_data(session, request.team_id, runtime.clock.now())
    asked = _already_asked(session, [request.id])[request.id]
    mentee = data.people[request.mentee_id]
    profile = mentee_profile(request, mentee, data.workspace_topics)
    history = _history_without(data.history, mentee.id, asked)
    choice: tuple[int, MatchScore] | None = None
    if request.named_mentor_id is not None and request.named_mentor_id not in asked:
        named = data.volunteer(request.named_mentor_id)
        if named is not None and blocking_reason(profile, named, data.org, history, data.rules) is None:
            choice = (named.person_id, score_match(profile, named, history, data.rules))
    if choice is None:
        ranked = rank_candidates(profile, data.volunteers, data.org, history, data.rules, limit=1)
        if ranked:
            choice = (ranked[0].volunteer_id, ranked[0].score)
    if choice is None:
        _nobody_available(runtime, session, data, request, len(asked), tell_admins=True)
        return None
    mentor_id, score = choice
    return _make_offer(runtime, session, data, request, data.people[mentor_id], score, first=not asked)


def _close_offer_message(
    runtime: Runtime, session: Session, offer: Offer, mentee: Person, mentor: Person, why: str, now: datetime
) -> None:
    """Withdraw an offer's DM if it hasn't gone out yet; otherwise tell the copilot not to answer."""
    unsent = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.dedupe_key == f"offer:{offer.id}", OutboxMessage.status == "pending")
        .values(status="cancelled")
        .returning(OutboxMessage.id)
    ).first()
    if unsent is None:
        enqueue(
            session,
            team_id=offer.team_id,
            key=f"offer:{offer.id}:{why}",
            kind="offer_closed",
            channel=mentor.slack_user_id,
            message=offer_closed_message(mentee.slack_user_id, why),
            due_at=now,
            now=now,
        )


def withdraw_offers(
    runtime: Runtime, session: Session, request: MentoringRequest, now: datetime, *, keep: int | None = None
) -> int:
    offers = list(
        session.scalars(
            select(Offer).where(
                Offer.team_id == request.team_id, Offer.request_id == request.id, Offer.status == PENDING
            )
        )
    )
    mentee = session.get(Person, request.mentee_id)
    withdrawn = 0
    for offer in offers:
        if offer.id == keep:
            continue
        offer.status = WITHDRAWN
        offer.answered_at = now
        mentor = session.get(Person, offer.mentor_id)
        if mentee is not None and mentor is not None:
            _close_offer_message(runtime, session, offer, mentee, mentor, "withdrawn", now)
        withdrawn += 1
    return withdrawn


# --- The proposed copilot's answer -----------------------------------------------------------------


@dataclass(frozen=True)
class OfferAnswer:
    """What happened when someone answered an offer.

    outcome: accepted / declined (this answer counted), or why nothing changed: not_found, not_yours,
    already_accepted, already_declined, expired, withdrawn.
    """

    outcome: str
    mentee_user_id: str = ""
    pairing_id: int | None = None

    @property
    def changed(self) -> bool:
        return self.outcome in (ACCEPTED, DECLINED)


def _claim_offer(
    session: Session, team_id: str, user_id: str, offer_id: int, values: dict[str, object]
) -> bool:
    """Answer a pending offer in one conditional UPDATE: a double click or a race finds nothing to update.

    It is the transaction's first statement, so on SQLite it takes the write lock before reading anything.
    """
    me = select(Person.id).where(Person.team_id == team_id, Person.slack_user_id == user_id).scalar_subquery()
    won = session.execute(
        update(Offer)
        .where(Offer.team_id == team_id, Offer.id == offer_id, Offer.mentor_id == me, Offer.status == PENDING)
        .values(**values)
        .returning(Offer.id)
    ).first()
    return won is not None


def _why_not(session: Session, team_id: str, user_id: str, offer_id: int) -> OfferAnswer:
    offer = session.get(Offer, offer_id)
    if offer is None or offer.team_id != team_id:
        return OfferAnswer("not_found")
    mentor = session.get(Person, offer.mentor_id)
    if mentor is None or mentor.slack_user_id != user_id:
        return OfferAnswer("not_yours")
    request = session.get(MentoringRequest, offer.request_id)
    mentee = session.get(Person, request.mentee_id) if request else None
    outcome = {ACCEPTED: "already_accepted", DECLINED: "already_declined"}.get(offer.status, offer.status)
    pairing_id = None
    if offer.status == ACCEPTED:
        pairing_id = session.scalar(
            select(Pairing.id).where(Pairing.team_id == team_id, Pairing.request_id == offer.request_id)
        )
    return OfferAnswer(outcome, mentee.slack_user_id if mentee else "", pairing_id)


def accept_offer(runtime: Runtime, team_id: str, user_id: str, offer_id: int) -> OfferAnswer:
    """The copilot says yes: pair them, close the request, withdraw other offers, tell both."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        if not _claim_offer(session, team_id, user_id, offer_id, {"status": ACCEPTED, "answered_at": now}):
            return _why_not(session, team_id, user_id, offer_id)
        offer = session.get(Offer, offer_id)
        assert offer is not None
        request = session.get(MentoringRequest, offer.request_id)
        assert request is not None
        mentee = session.get(Person, request.mentee_id)
        mentor = session.get(Person, offer.mentor_id)
        assert mentee is not None and mentor is not None
        pairing = create_pairing(
            session,
            team_id=team_id,
            mentee=mentee,
            mentor=mentor,
            now=now,
            request_id=request.id,
            cadence=request.cadence,
        )
        request.status = MATCHED
        request.closed_at = now
        withdraw_offers(runtime, session, request, now, keep=offer.id)
        _hand_over_to_expectations(runtime, session, pairing)
        return OfferAnswer(ACCEPTED, mentee.slack_user_id, pairing.id)


def decline_offer(runtime: Runtime, team_id: str, user_id: str, offer_id: int, reason: str) -> OfferAnswer:
    """The copilot says no (the reason stays with the program); the next candidate is asked."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        values = {"status": DECLINED, "answered_at": now, "decline_reason": reason or None}
        if not _claim_offer(session, team_id, user_id, offer_id, values):
            return _why_not(session, team_id, user_id, offer_id)
        offer = session.get(Offer, offer_id)
        assert offer is not None
        request = session.get(MentoringRequest, offer.request_id)
        assert request is not None
        mentee = session.get(Person, request.mentee_id)
        if request.status in OPEN_REQUEST_STATES:
            offer_next(runtime, session, request)
        return OfferAnswer(DECLINED, mentee.slack_user_id if mentee else "")


def offer_check(runtime: Runtime, team_id: str, user_id: str, offer_id: int) -> OfferAnswer:
    """Whether this person may still answer this offer (before the decline form opens)."""
    with runtime.db.transaction() as session:
        offer = session.get(Offer, offer_id)
        if offer is None or offer.team_id != team_id:
            return OfferAnswer("not_found")
        mentor = session.get(Person, offer.mentor_id)
        if mentor is None or mentor.slack_user_id != user_id:
            return OfferAnswer("not_yours")
        if offer.status != PENDING:
            return _why_not(session, team_id, user_id, offer_id)
        return OfferAnswer(PENDING)


def _hand_over_to_expectations(runtime: Runtime, session: Session, pairing: Pairing) -> None:
    """The pair is made: tell both what happens next. The expectation-setting flow replaces this body."""
    now = runtime.clock.now()
    mentee = session.get(Person, pairing.mentee_id)
    mentor = session.get(Person, pairing.mentor_id)
    assert mentee is not None and mentor is not None
    profile = session.get(MentorProfile, mentor.id)
    enqueue(
        session,
        team_id=pairing.team_id,
        key=f"pairing:{pairing.id}:matched:mentee",
        kind="pairing_matched",
        channel=mentee.slack_user_id,
        message=mentee_handover_message(mentor.slack_user_id, profile.intro if profile else ""),
        due_at=now,
        now=now,
        pairing_id=pairing.id,
    )
    enqueue(
        session,
        team_id=pairing.team_id,
        key=f"pairing:{pairing.id}:matched:mentor",
        kind="pairing_matched",
        channel=mentor.slack_user_id,
        message=mentor_handover_message(mentee.slack_user_id, pairing.cadence or ""),
        due_at=now,
        now=now,
        pairing_id=pairing.id,
    )
    expectations.start_expectations(runtime, session, pairing)


# --- Expiry ----------------------------------------------------------------------------------------


def plan_offer_expiries(runtime: Runtime, session: Session, now: datetime) -> int:
    """Pending offers past their answer-by time expire and the next candidate is asked.

    Returns how many offers expired.
    """
    query = (
        select(Offer).where(Offer.status == PENDING, Offer.expires_at <= now).order_by(Offer.id).limit(200)
    )
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(skip_locked=True)
    expired = list(session.scalars(query))
    for offer in expired:
        offer.status = EXPIRED
        offer.answered_at = now
        request = session.get(MentoringRequest, offer.request_id)
        mentee = session.get(Person, request.mentee_id) if request else None
        mentor = session.get(Person, offer.mentor_id)
        if mentee is not None and mentor is not None:
            _close_offer_message(runtime, session, offer, mentee, mentor, "expired", now)
        if request is not None and request.status in OPEN_REQUEST_STATES:
            session.flush()
            offer_next(runtime, session, request, load_match_data(session, request.team_id, now))
    return len(expired)


# --- Rounds ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundPair:
    request_id: int
    mentee: str
    copilot: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RoundReport:
    team_id: str
    seed: int
    dry_run: bool
    pairs: tuple[RoundPair, ...] = ()
    waiting: tuple[int, ...] = ()  # request ids nobody fits this round
    offers: tuple[int, ...] = field(default_factory=tuple)

    def lines(self) -> list[str]:
        head = f"Matching round for {self.team_id} (seed {self.seed})"
        lines = [head + (": DRY RUN, nothing changed and nothing sent" if self.dry_run else "")]
        for pair in self.pairs:
            lines.append(
                f"  request {pair.request_id}: {pair.mentee} -> {pair.copilot} (score {pair.score:g})"
            )
            lines.extend(f"      {reason}" for reason in pair.reasons)
        verb = "would be offered" if self.dry_run else "offered"
        lines.append(f"{len(self.pairs)} {verb}, {len(self.waiting)} still waiting")
        return lines


def teams_with_open_requests(runtime: Runtime) -> list[str]:
    with runtime.db.transaction() as session:
        return list(
            session.scalars(
                select(MentoringRequest.team_id)
                .where(MentoringRequest.status == OPEN)
                .distinct()
                .order_by(MentoringRequest.team_id)
            )
        )


def run_round(runtime: Runtime, team_id: str, *, seed: int = 0, dry_run: bool = False) -> RoundReport:
    """Pair every open request nobody has been asked for yet, all at once (bot.matching.assign_round).

    A dry run reports the proposed pairs and changes nothing. The same data and seed give the same round.
    """
    from bot.people import display_name

    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        query = (
            select(MentoringRequest)
            .where(MentoringRequest.team_id == team_id, MentoringRequest.status == OPEN)
            .order_by(MentoringRequest.id)
        )
        if not dry_run and session.get_bind().dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        requests = list(session.scalars(query))
        if not requests:
            return RoundReport(team_id, seed, dry_run)
        data = load_match_data(session, team_id, now, seed=seed)
        asked = _already_asked(session, [r.id for r in requests])
        history = data.history
        mentees = []
        for request in requests:
            mentee = data.people[request.mentee_id]
            mentees.append(mentee_profile(request, mentee, data.workspace_topics))
            history = _history_without(history, mentee.id, asked[request.id])
        result = assign_round(mentees, data.volunteers, data.org, history, data.rules)
        by_id = {r.id: r for r in requests}
        pairs = tuple(
            RoundPair(
                request_id=p.request_id,
                mentee=display_name(data.people[p.mentee_id]),
                copilot=display_name(data.people[p.volunteer_id]),
                score=p.score.total,
                reasons=tuple(part.reason for part in p.score.parts),
            )
            for p in result.pairs
        )
        if dry_run:
            session.rollback()
            return RoundReport(team_id, seed, True, pairs, result.unmatched)
        offers = []
        for p in result.pairs:
            request = by_id[p.request_id]
            offer = _make_offer(
                runtime,
                session,
                data,
                request,
                data.people[p.volunteer_id],
                p.score,
                first=not asked[request.id],
            )
            offers.append(offer.id)
        for request_id in result.unmatched:
            request = by_id[request_id]
            _nobody_available(runtime, session, data, request, len(asked[request_id]), tell_admins=False)
        return RoundReport(team_id, seed, False, pairs, result.unmatched, tuple(offers))


def waiting_and_pending(session: Session, team_id: str) -> tuple[int, int]:
    """(requests waiting for a copilot, offers waiting for an answer): program-level counts."""
    pending = session.scalar(
        select(func.count()).select_from(Offer).where(Offer.team_id == team_id, Offer.status == PENDING)
    )
    return _waiting_count(session, team_id), pending or 0


def may_run_rounds(runtime: Runtime, team_id: str, user_id: str) -> bool:
    """Program admins only (ADMIN_USER_IDS, or workspace admins when the program allows it)."""
    if runtime.settings.lists_admin(team_id, user_id):
        return True
    with runtime.db.transaction() as session:
        person = session.scalar(
            select(Person).where(Person.team_id == team_id, Person.slack_user_id == user_id)
        )
        return program.is_program_admin(
            runtime.settings, program.load(session, team_id), person, team_id, user_id
        )


def matching_counts(runtime: Runtime, team_id: str) -> tuple[int, int]:
    with runtime.db.transaction() as session:
        return waiting_and_pending(session, team_id)

"""Copilot requests: one open request per person, checked, stored, and handed to matchmaking."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk import WebClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.cadence import CADENCES, local_date
from bot.matching import blocking_reason, explain_block
from bot.matchmaking import (
    CANCELLED,
    OFFERED,
    OPEN,
    OPEN_REQUEST_STATES,
    load_match_data,
    mentee_profile,
    offer_next,
    withdraw_offers,
)
from bot.pairings import open_pairings_of, role_of
from bot.people import UnknownSlackUser, display_name, ensure_person, find_by_handle, find_person
from bot.runtime import Runtime
from bot.topics import normalise_tag, workspace_topics
from storage.models import MentoringRequest, Person

GOALS_MIN = 20
GOALS_MAX = 2000
LENGTH_MAX = 100
TEAM_PREFERENCES = ("either", "same", "other")

# <@U123> or <@U123|name> (escaped command text), or a bare user id
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")


@dataclass(frozen=True)
class RequestForm:
    goals: str
    topics: tuple[str, ...]
    cadence: str
    length_text: str = ""
    team_preference: str = "either"
    copilot_user_id: str | None = None


@dataclass(frozen=True)
class RequestStatus:
    request_id: int
    status: str
    topics: tuple[str, ...]
    cadence: str
    length_text: str
    created_on: date


@dataclass(frozen=True)
class PairingStatus:
    pairing_id: int
    partner_user_id: str
    role: str  # the person's own role: mentee or mentor
    state: str
    cadence: str | None


@dataclass(frozen=True)
class RequestStart:
    """What `/mentor request [@colleague]` needs before the form opens."""

    open_request: RequestStatus | None
    pairings: tuple[PairingStatus, ...]
    topics: tuple[str, ...]
    copilot_user_id: str | None
    unknown_colleague: str | None  # what was typed, when it named nobody we know


@dataclass(frozen=True)
class SubmitOutcome:
    outcome: str  # offered / waiting / already_open
    request_id: int | None = None


def check_request_form(form: RequestForm, known_topics: Sequence[str]) -> dict[str, str]:
    """Problems keyed by field: goals, topics, cadence, length, team."""
    errors: dict[str, str] = {}
    if len(form.goals) < GOALS_MIN:
        errors["goals"] = (
            f"Please say a little more (at least {GOALS_MIN} characters), so a copilot knows how to help."
        )
    elif len(form.goals) > GOALS_MAX:
        errors["goals"] = f"Please keep it to {GOALS_MAX} characters (you have {len(form.goals)})."
    if not form.topics:
        errors["topics"] = "Pick at least one topic."
    else:
        known = {normalise_tag(t) for t in known_topics}
        unknown = [t for t in form.topics if normalise_tag(t) not in known]
        if unknown:
            errors["topics"] = "Some topics are no longer on the list; please pick again."
    if form.cadence not in CADENCES:
        errors["cadence"] = "Pick how often you'd like to meet."
    if len(form.length_text) > LENGTH_MAX:
        errors["length"] = f"Please keep it to {LENGTH_MAX} characters."
    if form.team_preference not in TEAM_PREFERENCES:
        errors["team"] = "Pick one of the options."
    return errors


def parse_colleague(session: Session, team_id: str, text: str) -> tuple[str | None, str | None]:
    """(user id, None) for `<@U1>`, `<@U1|ana>`, `U1` or a known `@handle`; (None, text) when unknown."""
    text = text.strip()
    if not text:
        return None, None
    match = _MENTION.match(text)
    if match:
        return match.group(1) or match.group(2), None
    person = find_by_handle(session, team_id, text)
    return (person.slack_user_id, None) if person else (None, text)


def open_request_of(session: Session, team_id: str, person_id: int) -> MentoringRequest | None:
    return session.scalar(
        select(MentoringRequest)
        .where(
            MentoringRequest.team_id == team_id,
            MentoringRequest.mentee_id == person_id,
            MentoringRequest.status.in_(OPEN_REQUEST_STATES),
        )
        .order_by(MentoringRequest.id.desc())
        .limit(1)
    )


def _status(request: MentoringRequest, tz: str) -> RequestStatus:
    return RequestStatus(
        request_id=request.id,
        status=request.status,
        topics=tuple(request.topics),
        cadence=request.cadence,
        length_text=request.length_text,
        created_on=local_date(request.created_at, tz),
    )


def _pairings(session: Session, team_id: str, person: Person) -> tuple[PairingStatus, ...]:
    found = []
    for pairing in open_pairings_of(session, team_id, person.id):
        partner = session.get(
            Person, pairing.mentor_id if pairing.mentee_id == person.id else pairing.mentee_id
        )
        found.append(
            PairingStatus(
                pairing_id=pairing.id,
                partner_user_id=partner.slack_user_id if partner else "",
                role=role_of(pairing, person.id) or "mentee",
                state=pairing.state,
                cadence=pairing.cadence,
            )
        )
    return tuple(found)


def request_status(
    runtime: Runtime, team_id: str, user_id: str
) -> tuple[RequestStatus | None, tuple[PairingStatus, ...]]:
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return None, ()
        request = open_request_of(session, team_id, person.id)
        return (_status(request, person.tz) if request else None), _pairings(session, team_id, person)


def start_request(runtime: Runtime, team_id: str, user_id: str, args: str) -> RequestStart:
    """Quick reads only: this runs before the form opens (trigger ids expire in 3 seconds)."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        request = open_request_of(session, team_id, person.id) if person else None
        if request is not None and person is not None:
            return RequestStart(
                _status(request, person.tz), _pairings(session, team_id, person), (), None, None
            )
        copilot, unknown = parse_colleague(session, team_id, args)
        return RequestStart(None, (), tuple(workspace_topics(session, team_id)), copilot, unknown)


def check_copilot(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    copilot_user_id: str,
    team_preference: str = "either",
) -> str | None:
    """A kind explanation when a hard rule rules out the colleague the mentee named, else None."""
    with runtime.db.transaction() as session:
        try:
            mentee = ensure_person(runtime, session, client, team_id, user_id)
            named = ensure_person(runtime, session, client, team_id, copilot_user_id)
        except UnknownSlackUser:
            return "I can't find that person in Slack, so please pick someone else."
        session.flush()
        data = load_match_data(session, team_id, runtime.clock.now())
        draft = MentoringRequest(id=0, team_id=team_id, topics=[], team_preference=team_preference)
        profile = mentee_profile(draft, mentee, data.workspace_topics)
        volunteer = data.volunteer(named.id)
        assert volunteer is not None
        reason = blocking_reason(profile, volunteer, data.org, data.history, data.rules)
        return explain_block(reason, display_name(named)) if reason is not None else None


def submit_request(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, form: RequestForm
) -> SubmitOutcome:
    """Store the request and ask the first copilot, in one transaction."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        mentee = ensure_person(runtime, session, client, team_id, user_id)
        session.flush()
        existing = open_request_of(session, team_id, mentee.id)
        if existing is not None:
            return SubmitOutcome("already_open", existing.id)
        named_id = None
        if form.copilot_user_id:
            named_id = ensure_person(runtime, session, client, team_id, form.copilot_user_id).id
        request = MentoringRequest(
            team_id=team_id,
            mentee_id=mentee.id,
            goals=form.goals,
            topics=list(form.topics),
            cadence=form.cadence,
            length_text=form.length_text,
            team_preference=form.team_preference,
            named_mentor_id=named_id,
            status=OPEN,
            created_at=now,
        )
        session.add(request)
        session.flush()
        offer = offer_next(runtime, session, request)
        return SubmitOutcome(OFFERED if offer else "waiting", request.id)


def cancel_request(runtime: Runtime, team_id: str, user_id: str, request_id: int) -> str:
    """cancelled, or why nothing changed: not_found / not_yours / already_closed. Safe to repeat."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        me = (
            select(Person.id)
            .where(Person.team_id == team_id, Person.slack_user_id == user_id)
            .scalar_subquery()
        )
        won = session.execute(
            update(MentoringRequest)
            .where(
                MentoringRequest.team_id == team_id,
                MentoringRequest.id == request_id,
                MentoringRequest.mentee_id == me,
                MentoringRequest.status.in_(OPEN_REQUEST_STATES),
            )
            .values(status=CANCELLED, closed_at=now)
            .returning(MentoringRequest.id)
        ).first()
        request = session.get(MentoringRequest, request_id)
        if request is None or request.team_id != team_id:
            return "not_found"
        if won is None:
            mentee = session.get(Person, request.mentee_id)
            return "not_yours" if mentee is None or mentee.slack_user_id != user_id else "already_closed"
        withdraw_offers(runtime, session, request, now)
        return CANCELLED


def validate_request(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, form: RequestForm
) -> dict[str, str]:
    """Every problem with a submitted form, keyed by field, before it is accepted."""
    with runtime.db.transaction() as session:
        errors = check_request_form(form, workspace_topics(session, team_id))
        person = find_person(session, team_id, user_id)
        if person is not None and open_request_of(session, team_id, person.id) is not None:
            errors["goals"] = "You already have an open request. Use `/mentor status` to see or cancel it."
    if form.copilot_user_id and "copilot" not in errors:
        note = check_copilot(runtime, client, team_id, user_id, form.copilot_user_id, form.team_preference)
        if note:
            errors["copilot"] = note
    return errors

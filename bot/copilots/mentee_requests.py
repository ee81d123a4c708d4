"""Copilot requests: one open request per person, checked, stored, and handed to offers; the colleague
a mentee names is judged by the hard rules before the form is acked when the database knows both people.

The form and what `/mentor status` shows are bot.messages.mentee_requests's shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from slack_sdk import WebClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.copilots.match_data import MatchData, load_match_data, load_pair_data, mentee_facts
from bot.copilots.offers import offer_next, withdraw_offers
from bot.i18n import _
from bot.messages.mentee_requests import (
    CANT_FIND_TEXT,
    GOALS_MAX,
    GOALS_MIN,
    LENGTH_MAX,
    PairingSummary,
    RequestForm,
    RequestSummary,
)
from bot.pairings import open_pairings_of, partner_id, role_of
from bot.people.directory import UnknownSlackUser, display_name, ensure_person, find_person, user_named
from bot.people.topics import workspace_topics
from bot.rules.cadence import CADENCES, local_date
from bot.rules.lifecycle import OPEN_REQUEST_STATES, RequestState
from bot.rules.matching.disclosure import told_to_asker
from bot.rules.matching.facts import TeamPreference
from bot.rules.topics import normalise_tag
from bot.runtime import Runtime
from storage.models import MentoringRequest, Person

TEAM_PREFERENCES: tuple[TeamPreference, ...] = get_args(TeamPreference)


@dataclass(frozen=True)
class RequestStart:
    """What `/mentor request [@colleague]` needs before the form opens."""

    open_request: RequestSummary | None
    pairings: tuple[PairingSummary, ...]
    topics: tuple[str, ...]
    copilot_user_id: str | None
    unknown_colleague: str | None  # what was typed, when it named nobody we know


ALREADY_OPEN = "already_open"
COPILOT_REFUSED = "copilot_refused"


@dataclass(frozen=True)
class SubmitOutcome:
    outcome: str  # offered / waiting / already_open / copilot_refused
    request_id: int | None = None
    note: str | None = None  # why the named colleague can't be asked (copilot_refused)


def check_request_form(form: RequestForm, known_topics: Sequence[str]) -> dict[str, str]:
    """Problems keyed by field: goals, topics, cadence, length, team."""
    errors: dict[str, str] = {}
    if len(form.goals) < GOALS_MIN:
        errors["goals"] = _(
            "Please say a little more (at least {count} characters), so a copilot knows how to help.",
            count=GOALS_MIN,
        )
    elif len(form.goals) > GOALS_MAX:
        errors["goals"] = _(
            "Please keep it to {count} characters (you have {typed}).", count=GOALS_MAX, typed=len(form.goals)
        )
    if not form.topics:
        errors["topics"] = _("Pick at least one topic.")
    else:
        known = {normalise_tag(t) for t in known_topics}
        unknown = [t for t in form.topics if normalise_tag(t) not in known]
        if unknown:
            errors["topics"] = _("Some topics are no longer on the list; please pick again.")
    if form.cadence not in CADENCES:
        errors["cadence"] = _("Pick how often you'd like to meet.")
    if len(form.length_text) > LENGTH_MAX:
        errors["length"] = _("Please keep it to {count} characters.", count=LENGTH_MAX)
    if form.team_preference not in TEAM_PREFERENCES:
        errors["team"] = _("Pick one of the options.")
    return errors


def parse_colleague(session: Session, team_id: str, text: str) -> tuple[str | None, str | None]:
    """(user id, None) for `<@U1>`, `<@U1|ana>`, `U1` or a known `@handle`; (None, text) when unknown."""
    text = text.strip()
    if not text:
        return None, None
    user_id = user_named(session, team_id, text)
    return (user_id, None) if user_id else (None, text)


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


def _summary(request: MentoringRequest, tz: str) -> RequestSummary:
    return RequestSummary(
        request_id=request.id,
        status=request.status,
        topics=tuple(request.topics),
        cadence=request.cadence,
        length_text=request.length_text,
        created_on=local_date(request.created_at, tz),
    )


def _pairings(session: Session, team_id: str, person: Person) -> tuple[PairingSummary, ...]:
    found = []
    for pairing in open_pairings_of(session, team_id, person.id):
        partner = session.get(Person, partner_id(pairing, person.id))
        found.append(
            PairingSummary(
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
) -> tuple[RequestSummary | None, tuple[PairingSummary, ...]]:
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return None, ()
        request = open_request_of(session, team_id, person.id)
        return (_summary(request, person.tz) if request else None), _pairings(session, team_id, person)


def start_request(runtime: Runtime, team_id: str, user_id: str, args: str) -> RequestStart:
    """Quick reads only: this runs before the form opens (trigger ids expire in 3 seconds)."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        request = open_request_of(session, team_id, person.id) if person else None
        if request is not None and person is not None:
            return RequestStart(
                _summary(request, person.tz), _pairings(session, team_id, person), (), None, None
            )
        copilot, unknown = parse_colleague(session, team_id, args)
        return RequestStart(None, (), tuple(workspace_topics(session, team_id)), copilot, unknown)


def copilot_problem(
    data: MatchData, mentee: Person, named: Person, team_preference: str = "either"
) -> str | None:
    """A kind explanation when a hard rule rules out the colleague the mentee named, else None. It says
    only what concerns the mentee (bot/rules/matching/disclosure.py): a colleague's pause, full load or
    other state reads as "not available right now"."""
    draft = MentoringRequest(id=0, team_id=data.team_id, topics=[], team_preference=team_preference)
    profile = mentee_facts(draft, mentee, data.workspace_topics)
    volunteer = data.volunteer(named.id)
    assert volunteer is not None
    sentence = told_to_asker(profile, volunteer, data.org, data.history, data.rules)
    return sentence.replace("{name}", display_name(named)) if sentence is not None else None


def check_copilot(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    copilot_user_id: str,
    team_preference: str = "either",
) -> str | None:
    """copilot_problem once the form is open: asks Slack about either person if need be, reads one pair."""
    with runtime.db.transaction() as session:
        try:
            mentee = ensure_person(runtime, session, client, team_id, user_id)
            named = ensure_person(runtime, session, client, team_id, copilot_user_id)
        except UnknownSlackUser:
            return CANT_FIND_TEXT
        session.flush()
        data = load_pair_data(session, team_id, mentee, named, runtime.clock.now())
        return copilot_problem(data, mentee, named, team_preference)


def submit_request(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, form: RequestForm
) -> SubmitOutcome:
    """Store the request and ask the first copilot, in one transaction, reading the match data once.

    Runs after the form was acked. A named colleague whom Slack has only now described (or who changed
    since validate_request) may still be refused: then nothing is stored and the outcome carries the note."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        mentee = ensure_person(runtime, session, client, team_id, user_id)
        session.flush()
        existing = open_request_of(session, team_id, mentee.id)
        if existing is not None:
            return SubmitOutcome(ALREADY_OPEN, existing.id)
        named = None
        if form.copilot_user_id:
            try:
                named = ensure_person(runtime, session, client, team_id, form.copilot_user_id)
            except UnknownSlackUser:
                return SubmitOutcome(COPILOT_REFUSED, note=CANT_FIND_TEXT)
            session.flush()
        # Read once: the named colleague's last check (now that Slack has described both) and the offer.
        data = load_match_data(session, team_id, now)
        if named is not None:
            note = copilot_problem(data, mentee, named, form.team_preference)
            if note is not None:
                return SubmitOutcome(COPILOT_REFUSED, note=note)
        request = MentoringRequest(
            team_id=team_id,
            mentee_id=mentee.id,
            goals=form.goals,
            topics=list(form.topics),
            cadence=form.cadence,
            length_text=form.length_text,
            team_preference=form.team_preference,
            named_copilot_id=named.id if named is not None else None,
            status=RequestState.OPEN,
            cohort_id=form.cohort_id,
            created_at=now,
        )
        session.add(request)
        session.flush()
        if form.cohort_id is not None:  # a cohort's sign-ups are paired together when it closes
            return SubmitOutcome("waiting", request.id)
        offer = offer_next(runtime, session, request, data)
        return SubmitOutcome(RequestState.OFFERED if offer else "waiting", request.id)


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
            .values(status=RequestState.CANCELLED, closed_at=now)
            .returning(MentoringRequest.id)
            # Nothing is loaded yet in this session, so there is nothing to keep in step; the default
            # ("evaluate") compiled the criteria into Python on every click.
            .execution_options(synchronize_session=False)
        ).first()
        request = session.get(MentoringRequest, request_id)
        if request is None or request.team_id != team_id:
            return "not_found"
        if won is None:
            mentee = session.get(Person, request.mentee_id)
            return "not_yours" if mentee is None or mentee.slack_user_id != user_id else "already_closed"
        withdraw_offers(session, request, now)
        return RequestState.CANCELLED


def validate_request(runtime: Runtime, team_id: str, user_id: str, form: RequestForm) -> dict[str, str]:
    """Every problem with a submitted form that the database can tell, keyed by field: a few quick reads
    and no Slack call, so it runs before the ack. A named colleague is judged here when both people are
    already known; submit_request judges again after asking Slack."""
    with runtime.db.transaction() as session:
        errors = check_request_form(form, workspace_topics(session, team_id))
        person = find_person(session, team_id, user_id)
        if person is not None and open_request_of(session, team_id, person.id) is not None:
            errors["goals"] = _("You already have an open request. Use `/mentor status` to see or cancel it.")
        named = find_person(session, team_id, form.copilot_user_id) if form.copilot_user_id else None
        if person is not None and named is not None:
            data = load_pair_data(session, team_id, person, named, runtime.clock.now())
            note = copilot_problem(data, person, named, form.team_preference)
            if note:
                errors["copilot"] = note
    return errors

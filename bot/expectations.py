"""The expectation-setting conversation: both people answer, the bot shows where they differ, both
confirm one agreement. Also the later life of an agreement: revisit, pause, end, end of term.

Rounds: every questionnaire round is one ``agreements`` row (version = round) created when the round
opens; ``expectation_answers`` hold each person's answers for that round. The row's status goes
drafting (answers being given, differences resolved) → proposed (all agreed, awaiting both confirms)
→ confirmed; a round that never finishes becomes lapsed (the pairing lapses) or withdrawn (a revisit
of an active pairing that was not finished; the earlier agreement stays in force).

While drafting, ``terms`` holds what is agreed so far and ``proposals`` the open proposals, keyed by
question: ``{"cadence": {"value": "biweekly", "by": "mentee", "id": "<token>"}}``.

Every state change happens in one transaction that starts by writing the pairing row, which locks it
(PostgreSQL row lock; SQLite write lock), so a double click or two people clicking at once can never
half-apply a change. Messages built here come from handlers.views.agreements (pure builders) and
go out through the outbox.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot import agreements as rules
from bot import program
from bot.cadence import NudgeWindow, add_working_days, local_date, next_checkin_at
from bot.outbox import Message, enqueue, group_channel
from bot.pairings import (
    ACTIVE,
    CLOSED_STATES,
    OPEN_STATES,
    PAUSED,
    SETTING_EXPECTATIONS,
    STALLED,
    NotInPairing,
    Role,
    end_pairing,
    get_pairing,
    open_pairings_of,
    pause_pairing,
    require_member,
    resume_pairing,
)
from bot.people import PERSON_LEFT_HOOKS, display_name, find_person
from bot.runtime import Runtime
from handlers.views import agreements as messages
from storage.models import (
    Agreement,
    CheckIn,
    Contact,
    ExpectationAnswer,
    MentoringRequest,
    Offer,
    Pairing,
    Person,
    Reflection,
)

log = logging.getLogger(__name__)

DRAFTING = "drafting"
PROPOSED = "proposed"
CONFIRMED = "confirmed"
LAPSED = "lapsed"
WITHDRAWN = "withdrawn"
UNFINISHED = (DRAFTING, PROPOSED)

FIRST_REMINDER_WORKING_DAYS = 2
SECOND_REMINDER_WORKING_DAYS = 5
LAPSE_AFTER = timedelta(days=10)
MAX_PAUSE_DAYS = 365
REFLECTION_MAX_CHARS = 3000
NETWORK_KEEP_IN_TOUCH_DAYS = 90
TERM_END_CHOICES = ("renew", "networking", "close")

NOT_YOURS = (
    "This button belongs to another pair's mentoring conversation, so it can't do anything for you. "
    "Nothing was changed."
)


class Refused(Exception):
    """The person can't do this (now). The message is kind, and safe to show them."""


@dataclass(frozen=True)
class Outcome:
    """What happened after a click: a note for the person, and whether anything changed."""

    note: str
    changed: bool = True


@dataclass(frozen=True)
class PairNames:
    mentee: str
    mentor: str
    mentee_user: str
    mentor_user: str


@dataclass(frozen=True)
class QuestionnaireForm:
    pairing_id: int
    round: int
    role: Role
    partner_name: str
    prefill: dict[str, Any]
    revisit: bool


@dataclass(frozen=True)
class ProposalForm:
    pairing_id: int
    round: int
    key: str
    role: Role
    counter: bool
    names: PairNames
    mine: Any
    theirs: Any


@dataclass(frozen=True)
class Submitted:
    errors: dict[str, str]
    both_answered: bool = False
    partner_name: str = ""


@dataclass(frozen=True)
class HomePairing:
    pairing_id: int
    role: Role
    partner_user: str
    state: str
    paused_until: date | None
    agreement_version: int | None
    revisiting: bool
    next_checkin_on: date | None = None  # in the person's own time zone
    agreed: str = ""  # the agreement in force, in a few words ("every two weeks · 45 minutes · video")


# --- small helpers ------------------------------------------------------------------------------


def _people(session: Session, pairing: Pairing) -> tuple[Person, Person]:
    mentee = session.get(Person, pairing.mentee_id)
    mentor = session.get(Person, pairing.mentor_id)
    assert mentee is not None and mentor is not None
    return mentee, mentor


def _names(mentee: Person, mentor: Person) -> PairNames:
    return PairNames(display_name(mentee), display_name(mentor), mentee.slack_user_id, mentor.slack_user_id)


def _pair_channel(pairing: Pairing, mentee: Person, mentor: Person) -> str:
    return pairing.channel_id or group_channel([mentee.slack_user_id, mentor.slack_user_id])


def _lock_pairing(session: Session, team_id: str, pairing_id: int) -> Pairing | None:
    # A no-op write first: it takes the row lock on PostgreSQL and the write lock on SQLite before
    # anything is read, so concurrent clicks on the same pairing run one after the other.
    session.execute(
        update(Pairing)
        .where(Pairing.team_id == team_id, Pairing.id == pairing_id)
        .values(version=Pairing.version)
        .execution_options(synchronize_session=False)
    )
    return get_pairing(session, team_id, pairing_id, for_update=True)


def _member(
    session: Session, team_id: str, user_id: str, pairing_id: int, *, lock: bool
) -> tuple[Pairing, Person, Role]:
    pairing = (
        _lock_pairing(session, team_id, pairing_id) if lock else get_pairing(session, team_id, pairing_id)
    )
    person = find_person(session, team_id, user_id)
    try:
        pairing, role = require_member(pairing, person.id if person is not None else -1)
    except NotInPairing:
        raise Refused(NOT_YOURS) from None
    assert person is not None
    return pairing, person, role


def _current(session: Session, pairing: Pairing) -> Agreement | None:
    return session.scalar(
        select(Agreement)
        .where(Agreement.team_id == pairing.team_id, Agreement.pairing_id == pairing.id)
        .order_by(Agreement.version.desc())
        .limit(1)
    )


def _agreement(session: Session, pairing: Pairing, version: int) -> Agreement | None:
    return session.scalar(
        select(Agreement).where(
            Agreement.team_id == pairing.team_id,
            Agreement.pairing_id == pairing.id,
            Agreement.version == version,
        )
    )


def _answers(session: Session, pairing: Pairing, round_: int) -> dict[int, ExpectationAnswer]:
    rows = session.scalars(
        select(ExpectationAnswer).where(
            ExpectationAnswer.team_id == pairing.team_id,
            ExpectationAnswer.pairing_id == pairing.id,
            ExpectationAnswer.round == round_,
        )
    )
    return {row.person_id: row for row in rows}


def _comparison(session: Session, pairing: Pairing, round_: int) -> rules.Comparison | None:
    answers = _answers(session, pairing, round_)
    mentee_row, mentor_row = answers.get(pairing.mentee_id), answers.get(pairing.mentor_id)
    if mentee_row is None or mentor_row is None:
        return None
    mentee, mentor = _people(session, pairing)
    return rules.compare_answers(
        mentee_row.answers,
        mentor_row.answers,
        mentee_utc_offset_minutes=mentee.tz_offset // 60,
        mentor_utc_offset_minutes=mentor.tz_offset // 60,
    )


def _resolved(agreement: Agreement, comparison: rules.Comparison) -> dict[str, Any]:
    return {key: agreement.terms[key] for key in comparison.difference_keys if key in agreement.terms}


def _today(runtime: Runtime, person: Person) -> date:
    return local_date(runtime.clock.now(), person.tz)


def _open_round(session: Session, pairing: Pairing, now: datetime, version: int) -> Agreement:
    agreement = Agreement(
        team_id=pairing.team_id,
        pairing_id=pairing.id,
        version=version,
        status=DRAFTING,
        terms={},
        proposals={},
        created_at=now,
    )
    session.add(agreement)
    session.flush()
    return agreement


def _post(
    session: Session, pairing: Pairing, key: str, kind: str, channel: str, message: Message, now: datetime
) -> bool:
    return enqueue(
        session,
        team_id=pairing.team_id,
        key=key,
        kind=kind,
        channel=channel,
        message=message,
        due_at=now,
        now=now,
        pairing_id=pairing.id,
    )


# --- the kickoff ----------------------------------------------------------------------------------


def start_expectations(runtime: Runtime, session: Session, pairing: Pairing) -> None:
    """Open round 1 and post the kickoff in the pair's group DM. Safe to call twice."""
    now = runtime.clock.now()
    if _current(session, pairing) is None:
        _open_round(session, pairing, now, 1)
    mentee, mentor = _people(session, pairing)
    reasons: list[str] = []
    if pairing.request_id is not None:
        offer = session.scalar(
            select(Offer)
            .where(
                Offer.team_id == pairing.team_id,
                Offer.request_id == pairing.request_id,
                Offer.mentor_id == pairing.mentor_id,
            )
            .order_by(Offer.id.desc())
            .limit(1)
        )
        if offer is not None:
            reasons = [str(reason) for reason in offer.reasons or [] if reason]
    _post(
        session,
        pairing,
        f"expectations:{pairing.id}:1:kickoff",
        "expectations_kickoff",
        _pair_channel(pairing, mentee, mentor),
        messages.kickoff_message(pairing.id, _names(mentee, mentor), reasons),
        now,
    )


def remember_channel(runtime: Runtime, team_id: str, pairing_id: int, channel_id: str, user_id: str) -> None:
    """Store the group DM's id the first time one of the pair clicks a button in it."""
    if not channel_id or channel_id.startswith("D"):
        return
    with runtime.db.transaction() as session:
        pairing = get_pairing(session, team_id, pairing_id)
        person = find_person(session, team_id, user_id)
        if pairing is None or person is None or pairing.channel_id:
            return
        if person.id in (pairing.mentee_id, pairing.mentor_id):
            pairing.channel_id = channel_id


# --- the questionnaire ----------------------------------------------------------------------------


def questionnaire_for(runtime: Runtime, team_id: str, user_id: str, pairing_id: int) -> QuestionnaireForm:
    """What the questionnaire modal shows this person: only their own earlier answers, never the other's."""
    with runtime.db.transaction() as session:
        pairing, person, role = _member(session, team_id, user_id, pairing_id, lock=False)
        agreement = _current(session, pairing)
        if pairing.state in CLOSED_STATES or agreement is None or agreement.status not in UNFINISHED:
            raise Refused("These questions are closed: your agreement is already settled.")
        answers = _answers(session, pairing, agreement.version)
        if len(answers) == 2:
            raise Refused(
                "You've both answered already, so the answers are locked. "
                "Look in your group message for what's agreed and what's left to settle."
            )
        mine = answers.get(person.id)
        prefill: dict[str, Any] = dict(mine.answers) if mine else {}
        if not prefill:
            earlier = session.scalar(
                select(ExpectationAnswer)
                .where(
                    ExpectationAnswer.team_id == team_id,
                    ExpectationAnswer.pairing_id == pairing.id,
                    ExpectationAnswer.person_id == person.id,
                )
                .order_by(ExpectationAnswer.round.desc())
                .limit(1)
            )
            prefill = dict(earlier.answers) if earlier else {}
        if role == "mentee" and not prefill.get("goals") and pairing.request_id is not None:
            request = session.scalar(
                select(MentoringRequest).where(
                    MentoringRequest.team_id == team_id, MentoringRequest.id == pairing.request_id
                )
            )
            if request is not None:
                prefill["goals"] = request.goals
        mentee, mentor = _people(session, pairing)
        partner = mentor if role == "mentee" else mentee
        return QuestionnaireForm(
            pairing.id, agreement.version, role, display_name(partner), prefill, agreement.version > 1
        )


def submit_answers(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, round_: int, raw: Mapping[str, Any]
) -> Submitted:
    """Store one person's answers (errors keyed by question); compare once both have answered."""
    with runtime.db.transaction() as session:
        pairing, person, role = _member(session, team_id, user_id, pairing_id, lock=True)
        agreement = _current(session, pairing)
        if (
            pairing.state in CLOSED_STATES
            or agreement is None
            or agreement.version != round_
            or agreement.status != DRAFTING
        ):
            raise Refused("These questions have closed, so your answers weren't saved.")
        answers = _answers(session, pairing, round_)
        if len(answers) == 2:
            raise Refused(
                "You've both answered already, so the answers are locked and yours weren't changed. "
                "Settle what's left in your group message."
            )
        cleaned, errors = rules.validate_answers(raw, role, _today(runtime, person))
        if errors:
            return Submitted(errors=errors)
        now = runtime.clock.now()
        mine = answers.get(person.id)
        if mine is None:
            mine = ExpectationAnswer(
                team_id=team_id, pairing_id=pairing.id, person_id=person.id, round=round_, answers=cleaned
            )
            session.add(mine)
        else:
            mine.answers = cleaned
        mine.submitted_at = now
        session.flush()
        mentee, mentor = _people(session, pairing)
        partner = mentor if role == "mentee" else mentee
        if len(answers | {person.id: mine}) < 2:
            return Submitted(errors={}, both_answered=False, partner_name=display_name(partner))
        _share_comparison(session, pairing, agreement, mentee, mentor, now)
        return Submitted(errors={}, both_answered=True, partner_name=display_name(partner))


def _share_comparison(
    session: Session, pairing: Pairing, agreement: Agreement, mentee: Person, mentor: Person, now: datetime
) -> None:
    comparison = _comparison(session, pairing, agreement.version)
    assert comparison is not None
    agreement.terms = dict(comparison.agreed)
    agreement.proposals = {}
    names = _names(mentee, mentor)
    channel = _pair_channel(pairing, mentee, mentor)
    if comparison.differences:
        kind_difference = comparison.difference("relationship_kind")
        warning = (
            rules.explain_kind_mismatch(kind_difference.mentee_value, kind_difference.mentor_value)
            if kind_difference is not None
            else ""
        )
        _post(
            session,
            pairing,
            f"expectations:{pairing.id}:{agreement.version}:differences",
            "expectations_differences",
            channel,
            messages.differences_message(
                pairing.id, agreement.version, names, comparison.differences, warning
            ),
            now,
        )
    else:
        _ready_to_confirm(session, pairing, agreement, comparison, names, channel, now)


def _ready_to_confirm(
    session: Session,
    pairing: Pairing,
    agreement: Agreement,
    comparison: rules.Comparison,
    names: PairNames,
    channel: str,
    now: datetime,
) -> None:
    agreement.terms = rules.final_terms(comparison, _resolved(agreement, comparison))
    agreement.proposals = {}
    agreement.status = PROPOSED
    _post(
        session,
        pairing,
        f"expectations:{pairing.id}:{agreement.version}:confirm",
        "expectations_confirm",
        channel,
        messages.confirm_message(
            pairing.id,
            agreement.version,
            rules.format_terms(agreement.terms, names.mentee, names.mentor),
        ),
        now,
    )


# --- resolving differences --------------------------------------------------------------------------


def _open_difference(
    session: Session, pairing: Pairing, round_: int, key: str
) -> tuple[Agreement, rules.Comparison, rules.Difference]:
    agreement = _current(session, pairing)
    if agreement is None or agreement.version != round_ or agreement.status != DRAFTING:
        raise Refused("That's already settled: nothing left to do here.")
    comparison = _comparison(session, pairing, round_)
    difference = comparison.difference(key) if comparison is not None else None
    if comparison is None or difference is None:
        raise Refused("That's already settled: nothing left to do here.")
    if key in agreement.terms:
        raise Refused(f"You've already agreed on this: {rules.format_value(key, agreement.terms[key])}.")
    return agreement, comparison, difference


def proposal_form_for(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, round_: int, key: str, *, counter: bool
) -> ProposalForm:
    with runtime.db.transaction() as session:
        pairing, _person, role = _member(session, team_id, user_id, pairing_id, lock=False)
        agreement, _, difference = _open_difference(session, pairing, round_, key)
        entry = agreement.proposals.get(key)
        if counter:
            if entry is None:
                raise Refused("That suggestion has already been answered.")
            if entry["by"] == role:
                raise Refused("That's your own suggestion: it's waiting for the other person.")
        mentee, mentor = _people(session, pairing)
        mine = difference.mentee_value if role == "mentee" else difference.mentor_value
        theirs = difference.mentor_value if role == "mentee" else difference.mentee_value
        if entry is not None:
            theirs = entry["value"] if entry["by"] != role else theirs
        return ProposalForm(pairing.id, round_, key, role, counter, _names(mentee, mentor), mine, theirs)


def propose_term(
    runtime: Runtime,
    team_id: str,
    user_id: str,
    pairing_id: int,
    round_: int,
    key: str,
    value: Any,
) -> dict[str, str]:
    """One person suggests a value for a field they differ on. Returns errors (empty when sent)."""
    with runtime.db.transaction() as session:
        pairing, person, role = _member(session, team_id, user_id, pairing_id, lock=True)
        agreement, _, _ = _open_difference(session, pairing, round_, key)
        today = _today(runtime, person)
        entry = agreement.proposals.get(key)
        if entry is not None and entry["by"] != role:
            previous = rules.Proposal(key, entry["value"], entry["by"])
            proposal, error = rules.counter_propose(previous, value, today)
        else:
            proposal, error = rules.propose(key, value, role, today)
        if proposal is None:
            return {key: error or "That value can't be used"}
        token = uuid.uuid4().hex[:10]
        agreement.proposals = {
            **agreement.proposals,
            key: {"value": proposal.value, "by": proposal.proposed_by, "id": token},
        }
        mentee, mentor = _people(session, pairing)
        names = _names(mentee, mentor)
        now = runtime.clock.now()
        _post(
            session,
            pairing,
            f"expectations:{pairing.id}:{round_}:proposal:{key}:{token}",
            "expectations_proposal",
            _pair_channel(pairing, mentee, mentor),
            messages.proposal_message(pairing.id, round_, names, proposal, token),
            now,
        )
        return {}


def accept_term(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, round_: int, key: str, token: str
) -> Outcome:
    """The other person accepts a proposal: the field is agreed. A second click changes nothing."""
    with runtime.db.transaction() as session:
        pairing, _person, role = _member(session, team_id, user_id, pairing_id, lock=True)
        agreement = _current(session, pairing)
        if agreement is None or agreement.version != round_:
            return Outcome("That's already settled.", changed=False)
        entry = agreement.proposals.get(key)
        if entry is None or entry.get("id") != token:
            if key in agreement.terms:
                return Outcome(
                    f"Already agreed: {rules.format_value(key, agreement.terms[key])}.", changed=False
                )
            return Outcome("That suggestion was replaced by a newer one: answer that one instead.", False)
        proposal = rules.Proposal(key, entry["value"], entry["by"])
        if role != proposal.awaiting:
            raise Refused("That's your own suggestion: the other person needs to accept it.")
        comparison = _comparison(session, pairing, round_)
        assert comparison is not None
        resolved = rules.accept_proposal(_resolved(agreement, comparison), proposal, role)
        agreement.terms = {**agreement.terms, key: resolved[key]}
        agreement.proposals = {k: v for k, v in agreement.proposals.items() if k != key}
        if rules.is_complete(comparison, resolved):
            mentee, mentor = _people(session, pairing)
            _ready_to_confirm(
                session,
                pairing,
                agreement,
                comparison,
                _names(mentee, mentor),
                _pair_channel(pairing, mentee, mentor),
                runtime.clock.now(),
            )
        return Outcome(f"Agreed: {rules.format_value(key, proposal.value)}.")


# --- confirming ----------------------------------------------------------------------------------


def confirm_agreement(runtime: Runtime, team_id: str, user_id: str, pairing_id: int, version: int) -> Outcome:
    """One person confirms. The pairing goes active (or the new version takes effect) once both have."""
    with runtime.db.transaction() as session:
        pairing, _person, role = _member(session, team_id, user_id, pairing_id, lock=True)
        agreement = _agreement(session, pairing, version)
        if agreement is None or pairing.state in CLOSED_STATES:
            raise Refused("This agreement can't be confirmed any more.")
        if agreement.status == CONFIRMED:
            return Outcome("You've both confirmed this agreement already.", changed=False)
        if agreement.status != PROPOSED:
            raise Refused("There's still something to agree on before you can confirm.")
        now = runtime.clock.now()
        mentee, mentor = _people(session, pairing)
        partner = mentor if role == "mentee" else mentee
        column = "mentee_confirmed_at" if role == "mentee" else "mentor_confirmed_at"
        if getattr(agreement, column) is not None:
            return Outcome(f"You've confirmed. Waiting for {display_name(partner)} to confirm too.", False)
        setattr(agreement, column, now)
        if agreement.mentee_confirmed_at is None or agreement.mentor_confirmed_at is None:
            return Outcome(f"Thanks! Waiting for {display_name(partner)} to confirm too.")
        _put_in_force(runtime, session, pairing, agreement, mentee, mentor, now)
        return Outcome("You've both confirmed: your agreement is in place.")


def _put_in_force(
    runtime: Runtime,
    session: Session,
    pairing: Pairing,
    agreement: Agreement,
    mentee: Person,
    mentor: Person,
    now: datetime,
) -> None:
    agreement.status = CONFIRMED
    agreement.confirmed_at = now
    first = pairing.state == SETTING_EXPECTATIONS
    old_cadence = pairing.cadence
    terms = agreement.terms
    pairing.cadence = terms.get("cadence") or pairing.cadence
    pairing.organiser = terms.get("organiser") or "mentee"
    if first:
        pairing.state = ACTIVE
        pairing.activated_at = now
    pairing.version += 1
    if first or (pairing.state == ACTIVE and pairing.cadence != old_cadence):
        _schedule_first_checkin(runtime, session, pairing)
    names = _names(mentee, mentor)
    lines = rules.format_terms(terms, names.mentee, names.mentor)
    _post(
        session,
        pairing,
        f"expectations:{pairing.id}:{agreement.version}:agreed",
        "expectations_agreed",
        _pair_channel(pairing, mentee, mentor),
        messages.agreed_message(pairing.id, agreement.version, names, lines),
        now,
    )
    if first:
        organiser = mentor if pairing.organiser == "mentor" else mentee
        other = mentee if organiser is mentor else mentor
        _post(
            session,
            pairing,
            f"expectations:{pairing.id}:{agreement.version}:first_meeting",
            "first_meeting",
            organiser.slack_user_id,
            messages.first_meeting_message(
                organiser is mentee, other.slack_user_id, display_name(other), terms
            ),
            now,
        )


def _schedule_first_checkin(runtime: Runtime, session: Session, pairing: Pairing) -> None:
    """Set pairings.next_checkin_at; bot.checkins takes over from there."""
    settings = program.load(session, pairing.team_id)
    organiser = session.get(Person, pairing.mentor_id if pairing.organiser == "mentor" else pairing.mentee_id)
    anchor = pairing.activated_at or runtime.clock.now()
    if pairing.version > 1 and pairing.activated_at is not None:
        anchor = max(anchor, runtime.clock.now())  # a revisited cadence counts from today
    pairing.next_checkin_at = next_checkin_at(
        anchor,
        pairing.cadence or "biweekly",  # type: ignore[arg-type]
        organiser.tz if organiser is not None else "UTC",
        settings.nudge_window(),
    )


# --- revisiting, pausing, ending -------------------------------------------------------------------


def revisit(runtime: Runtime, team_id: str, user_id: str, pairing_id: int) -> Outcome:
    """Open a new questionnaire round for both; the pairing stays active and earlier versions are kept."""
    with runtime.db.transaction() as session:
        pairing, person, _role = _member(session, team_id, user_id, pairing_id, lock=True)
        if pairing.state not in (ACTIVE, PAUSED, STALLED):
            raise Refused("You can revisit your expectations once your first agreement is in place.")
        current = _current(session, pairing)
        if current is not None and current.status in UNFINISHED:
            return Outcome("Your expectations are already open for a fresh look.", changed=False)
        now = runtime.clock.now()
        round_ = (current.version if current else 0) + 1
        _open_round(session, pairing, now, round_)
        mentee, mentor = _people(session, pairing)
        _post(
            session,
            pairing,
            f"expectations:{pairing.id}:{round_}:kickoff",
            "expectations_kickoff",
            _pair_channel(pairing, mentee, mentor),
            messages.revisit_message(pairing.id, person.slack_user_id),
            now,
        )
        return Outcome("Done: you'll both get the questions again. Your current agreement stays in place.")


def pause(runtime: Runtime, team_id: str, user_id: str, pairing_id: int, until: date) -> Outcome:
    with runtime.db.transaction() as session:
        pairing, person, _role = _member(session, team_id, user_id, pairing_id, lock=True)
        today = _today(runtime, person)
        if until <= today or until > today + timedelta(days=MAX_PAUSE_DAYS):
            raise Refused("Pick a date after today and within a year.")
        if pairing.state == PAUSED and pairing.paused_until == until:
            return Outcome(f"Already paused until {until:%d %B %Y}.", changed=False)
        if not pause_pairing(pairing, until):
            raise Refused("Only an active pairing can be paused.")
        mentee, mentor = _people(session, pairing)
        partner = mentor if person.id == mentee.id else mentee
        now = runtime.clock.now()
        _post(
            session,
            pairing,
            f"pairing:{pairing.id}:paused:{pairing.version}",
            "pairing_paused",
            partner.slack_user_id,
            messages.paused_message(person.slack_user_id, until),
            now,
        )
        return Outcome(f"Paused until {until:%d %B %Y}. No check-in reminders until then.")


def resume(runtime: Runtime, team_id: str, user_id: str, pairing_id: int) -> Outcome:
    with runtime.db.transaction() as session:
        pairing, _person, _role = _member(session, team_id, user_id, pairing_id, lock=True)
        if not resume_pairing(pairing):
            return Outcome("Your mentoring isn't paused.", changed=False)
        return Outcome("Welcome back: your mentoring is active again.")


def end_form_for(runtime: Runtime, team_id: str, user_id: str, pairing_id: int) -> str:
    """The partner's name, for the "end mentoring" modal."""
    with runtime.db.transaction() as session:
        pairing, person, _role = _member(session, team_id, user_id, pairing_id, lock=False)
        if pairing.state in CLOSED_STATES:
            raise Refused("This mentoring has already ended.")
        mentee, mentor = _people(session, pairing)
        return display_name(mentor if person.id == mentee.id else mentee)


def pairing_with(runtime: Runtime, team_id: str, user_id: str, partner_user_id: str) -> int:
    """The id of the caller's open pairing with this partner."""
    with runtime.db.transaction() as session:
        me = find_person(session, team_id, user_id)
        partner = find_person(session, team_id, partner_user_id)
        if me is not None and partner is not None:
            for pairing in open_pairings_of(session, team_id, me.id):
                if partner.id in (pairing.mentee_id, pairing.mentor_id):
                    return pairing.id
        raise Refused("You don't have an open mentoring pairing with that person.")


def end_by_member(runtime: Runtime, team_id: str, user_id: str, pairing_id: int, reflection: str) -> Outcome:
    """End the pairing (any state), keep an optional private reflection, tell the partner kindly."""
    reflection = (reflection or "").strip()
    if len(reflection) > REFLECTION_MAX_CHARS:
        raise Refused(f"Please keep your reflection under {REFLECTION_MAX_CHARS} characters.")
    with runtime.db.transaction() as session:
        pairing, person, role = _member(session, team_id, user_id, pairing_id, lock=True)
        now = runtime.clock.now()
        if not end_pairing(session, pairing, reason=f"by_{role}", now=now):
            return Outcome("This mentoring has already ended.", changed=False)
        _close_unfinished_round(session, pairing, WITHDRAWN)
        if reflection:
            session.add(
                Reflection(
                    team_id=team_id,
                    pairing_id=pairing.id,
                    author_id=person.id,
                    text=reflection,
                    created_at=now,
                )
            )
        mentee, mentor = _people(session, pairing)
        partner = mentor if role == "mentee" else mentee
        _post(
            session,
            pairing,
            f"pairing:{pairing.id}:ended",
            "pairing_ended",
            partner.slack_user_id,
            messages.ended_message(person.slack_user_id),
            now,
        )
        return Outcome(f"Your mentoring with {display_name(partner)} has ended. Thank you for taking part.")


def _close_unfinished_round(session: Session, pairing: Pairing, status: str) -> None:
    current = _current(session, pairing)
    if current is not None and current.status in UNFINISHED:
        current.status = status


def end_for_leaver(runtime: Runtime, session: Session, person: Person) -> None:
    """PERSON_LEFT_HOOKS: someone left the workspace. End their open pairings, tell each partner."""
    now = runtime.clock.now()
    for pairing in open_pairings_of(session, person.team_id, person.id):
        if not end_pairing(session, pairing, reason="person_left", now=now):
            continue
        _close_unfinished_round(session, pairing, WITHDRAWN)
        partner = session.get(
            Person, pairing.mentor_id if pairing.mentee_id == person.id else pairing.mentee_id
        )
        if partner is None or partner.is_deleted:
            continue
        _post(
            session,
            pairing,
            f"pairing:{pairing.id}:left",
            "pairing_ended",
            partner.slack_user_id,
            messages.partner_left_message(display_name(person), pairing.mentee_id == partner.id),
            now,
        )


PERSON_LEFT_HOOKS.append(end_for_leaver)


# --- planners -------------------------------------------------------------------------------------


def plan_expectation_reminders(runtime: Runtime, session: Session, now: datetime) -> int:
    """Remind whoever hasn't answered at 2 and 5 working days; lapse (or withdraw a revisit) at 10 days."""
    added = 0
    windows: dict[str, NudgeWindow] = {}
    rows = session.execute(
        select(Agreement, Pairing)
        .join(Pairing, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id))
        .where(Agreement.status.in_(UNFINISHED), Pairing.state.in_(OPEN_STATES))
        .order_by(Agreement.id)
    ).all()
    for agreement, pairing in rows:
        if pairing.team_id not in windows:
            windows[pairing.team_id] = program.load(session, pairing.team_id).nudge_window()
        window = windows[pairing.team_id]
        mentee, mentor = _people(session, pairing)
        if now >= agreement.created_at + LAPSE_AFTER:
            added += _give_up_round(session, pairing, agreement, mentee, mentor, now)
            continue
        if agreement.status != DRAFTING:
            continue
        answered = _answers(session, pairing, agreement.version)
        for person, partner in ((mentee, mentor), (mentor, mentee)):
            if person.id in answered or person.is_deleted:
                continue
            first = add_working_days(agreement.created_at, FIRST_REMINDER_WORKING_DAYS, person.tz, window)
            second = add_working_days(agreement.created_at, SECOND_REMINDER_WORKING_DAYS, person.tz, window)
            due, label = (second, "r2") if now >= second else (first, "r1")
            if now < due:
                continue
            added += enqueue(
                session,
                team_id=pairing.team_id,
                key=f"expectations:{pairing.id}:{agreement.version}:{person.id}:{label}",
                kind="nudge_expectations",
                channel=person.slack_user_id,
                message=messages.reminder_message(
                    pairing.id, display_name(partner), partner.id in answered, label == "r2"
                ),
                due_at=due,
                now=now,
                pairing_id=pairing.id,
            )
    return added


def _give_up_round(
    session: Session, pairing: Pairing, agreement: Agreement, mentee: Person, mentor: Person, now: datetime
) -> int:
    added = 0
    if pairing.state == SETTING_EXPECTATIONS:
        end_pairing(session, pairing, reason="lapsed", now=now)
        agreement.status = LAPSED
        if pairing.request_id is not None:
            request = session.scalar(
                select(MentoringRequest).where(
                    MentoringRequest.team_id == pairing.team_id, MentoringRequest.id == pairing.request_id
                )
            )
            if request is not None and request.status != "cancelled":
                request.status = "open"
                request.closed_at = None
        for person, partner in ((mentee, mentor), (mentor, mentee)):
            if person.is_deleted:
                continue
            added += _post(
                session,
                pairing,
                f"expectations:{pairing.id}:lapsed:{person.id}",
                "pairing_lapsed",
                person.slack_user_id,
                messages.lapsed_message(display_name(partner), person.id == mentee.id),
                now,
            )
        return added
    agreement.status = WITHDRAWN
    return int(
        _post(
            session,
            pairing,
            f"expectations:{pairing.id}:{agreement.version}:withdrawn",
            "expectations_withdrawn",
            _pair_channel(pairing, mentee, mentor),
            messages.revisit_withdrawn_message(),
            now,
        )
    )


def plan_term_end(runtime: Runtime, session: Session, now: datetime) -> int:
    """Ask both people in an active pairing whose agreed term is over: renew, keep in touch, or close."""
    added = 0
    latest = (
        select(Agreement.pairing_id, func.max(Agreement.version).label("version"))
        .group_by(Agreement.pairing_id)
        .subquery()
    )
    rows = session.execute(
        select(Agreement, Pairing)
        .join(latest, (latest.c.pairing_id == Agreement.pairing_id) & (latest.c.version == Agreement.version))
        .join(Pairing, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id))
        .where(Agreement.status == CONFIRMED, Pairing.state == ACTIVE)
        .order_by(Agreement.id)
    ).all()
    for agreement, pairing in rows:
        if agreement.proposals.get("term_end"):
            continue
        held = session.scalar(
            select(func.count(CheckIn.id)).where(
                CheckIn.team_id == pairing.team_id, CheckIn.pairing_id == pairing.id, CheckIn.status == "met"
            )
        )
        mentee, mentor = _people(session, pairing)
        if not rules.term_end_reached(agreement.terms, int(held or 0), local_date(now, mentee.tz)):
            continue
        for person, partner in ((mentee, mentor), (mentor, mentee)):
            added += enqueue(
                session,
                team_id=pairing.team_id,
                key=f"term_end:{pairing.id}:{agreement.version}:{person.id}",
                kind="term_end",
                channel=person.slack_user_id,
                message=messages.term_end_message(pairing.id, agreement.version, display_name(partner)),
                due_at=now,
                now=now,
                pairing_id=pairing.id,
            )
    return added


def choose_at_term_end(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, version: int, choice: str
) -> Outcome:
    """Record one person's end-of-term choice; decide once it's clear.

    Close by either person closes. Otherwise, once both have chosen: both renew → a new questionnaire
    round; anything else → the lighter option: the pairing ends (term_complete) and each gets the other
    as a keep-in-touch contact (bot.network reads contacts).
    """
    if choice not in TERM_END_CHOICES:
        raise Refused("Pick one of the buttons.")
    with runtime.db.transaction() as session:
        pairing, person, role = _member(session, team_id, user_id, pairing_id, lock=True)
        agreement = _agreement(session, pairing, version)
        if agreement is None or agreement.status != CONFIRMED or pairing.state in CLOSED_STATES:
            return Outcome("This has been decided already.", changed=False)
        current = _current(session, pairing)
        if current is not None and current.version != version:
            return Outcome("This has been decided already: you're on a newer agreement.", changed=False)
        choices = dict(agreement.proposals.get("term_end") or {})
        if choices.get(role) == choice:
            return Outcome("Got it already.", changed=False)
        choices[role] = choice
        agreement.proposals = {**agreement.proposals, "term_end": choices}
        mentee, mentor = _people(session, pairing)
        partner = mentor if role == "mentee" else mentee
        now = runtime.clock.now()
        if choice == "close":
            end_pairing(session, pairing, reason="term_complete", now=now)
            _post(
                session,
                pairing,
                f"pairing:{pairing.id}:term_closed",
                "pairing_ended",
                partner.slack_user_id,
                messages.term_closed_message(person.slack_user_id),
                now,
            )
            return Outcome("Closed. Thank you both for the time you gave each other.")
        if len(choices) < 2:
            return Outcome(f"Thanks! We'll let you know once {display_name(partner)} has chosen too.")
        if choices["mentee"] == choices["mentor"] == "renew":
            _open_round(session, pairing, now, version + 1)
            _post(
                session,
                pairing,
                f"expectations:{pairing.id}:{version + 1}:kickoff",
                "expectations_kickoff",
                _pair_channel(pairing, mentee, mentor),
                messages.renew_message(pairing.id),
                now,
            )
            return Outcome("You both chose to renew: the questions are in your group message.")
        end_pairing(session, pairing, reason="term_complete", now=now)
        for owner, other in ((mentee, mentor), (mentor, mentee)):
            session.add(
                Contact(
                    team_id=team_id,
                    owner_id=owner.id,
                    slack_user_id=other.slack_user_id,
                    name=display_name(other),
                    common_ground="Copilots in the mentoring program",
                    keep_in_touch_days=NETWORK_KEEP_IN_TOUCH_DAYS,
                    created_at=now,
                    updated_at=now,
                )
            )
        _post(
            session,
            pairing,
            f"pairing:{pairing.id}:networking",
            "pairing_ended",
            _pair_channel(pairing, mentee, mentor),
            messages.networking_message(NETWORK_KEEP_IN_TOUCH_DAYS),
            now,
        )
        return Outcome("Done: you'll stay in touch as networking contacts.")


# --- App Home -------------------------------------------------------------------------------------


def home_pairings(runtime: Runtime, team_id: str, user_id: str) -> list[HomePairing]:
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return []
        found: list[HomePairing] = []
        for pairing in open_pairings_of(session, team_id, person.id):
            role: Role = "mentee" if pairing.mentee_id == person.id else "mentor"
            partner = session.get(Person, pairing.mentor_id if role == "mentee" else pairing.mentee_id)
            current = _current(session, pairing)
            in_force = session.scalar(
                select(Agreement)
                .where(Agreement.pairing_id == pairing.id, Agreement.status == CONFIRMED)
                .order_by(Agreement.version.desc())
                .limit(1)
            )
            found.append(
                HomePairing(
                    pairing.id,
                    role,
                    partner.slack_user_id if partner else "",
                    pairing.state,
                    pairing.paused_until,
                    current.version if current else None,
                    bool(current and current.status in UNFINISHED),
                    local_date(pairing.next_checkin_at, person.tz) if pairing.next_checkin_at else None,
                    _in_a_few_words(in_force.terms) if in_force else "",
                )
            )
        return found


def _in_a_few_words(terms: dict[str, Any]) -> str:
    keys = ("cadence", "meeting_minutes", "meeting_format", "length")
    return " · ".join(rules.format_value(key, terms[key]) for key in keys if terms.get(key) is not None)

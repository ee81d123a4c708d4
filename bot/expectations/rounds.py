"""What every expectation sub-flow shares: the pair (looked up by a member only, locked for a change), its
questionnaire rounds, their answers and comparison, and posting a message about the pairing.

Rounds: every questionnaire round is one ``agreements`` row (version = round) created when the round opens;
``expectation_answers`` hold each person's answers for that round. Its status is an
``AgreementStatus`` (bot.rules.agreements.status). While drafting, ``terms`` holds what is agreed so far
and ``proposals`` the open proposals, keyed by question:
``{"cadence": {"value": "biweekly", "by": "mentee", "id": "<token>"}}``.

Every state change happens in one transaction that starts by writing the pairing row (``member(...,
lock=True)``), which locks it (PostgreSQL row lock; SQLite write lock), so a double click or two people
clicking at once can never half-apply a change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import outbox
from bot.i18n import N_, _
from bot.messages.expectations.kickoff import PairNames
from bot.outbox import Kind, Message
from bot.pairings import NotInPairing, get_pairing, require_member
from bot.people import languages
from bot.people.directory import display_name, find_person
from bot.people.languages import writing_for
from bot.rules.agreements.comparison import Comparison, compare_answers
from bot.rules.agreements.questionnaire import Role
from bot.rules.agreements.status import AgreementStatus
from storage.models import Agreement, ExpectationAnswer, MentoringRequest, Pairing, Person

NOT_YOURS = N_(
    "This button belongs to another pair's mentoring conversation, so it can't do anything for you. "
    "Nothing was changed."
)


class Refused(Exception):
    """The person can't do this (now). The message is kind, safe to show them, and written (translated
    when raised) in the language of the person the request is for."""


@dataclass(frozen=True)
class Outcome:
    """What happened after a click: a note for the person, and whether anything changed."""

    note: str
    changed: bool = True


# --- the pair -------------------------------------------------------------------------------------


def people_of(session: Session, pairing: Pairing) -> tuple[Person, Person]:
    """The mentee and the copilot."""
    mentee = session.get(Person, pairing.mentee_id)
    copilot = session.get(Person, pairing.copilot_id)
    assert mentee is not None and copilot is not None
    return mentee, copilot


def pair_names(mentee: Person, copilot: Person) -> PairNames:
    return PairNames(display_name(mentee), display_name(copilot), mentee.slack_user_id, copilot.slack_user_id)


class PairGroup(NamedTuple):
    """The pair's group DM: its id once known, else the two people (the dispatcher opens it)."""

    members: tuple[str, str]
    channel_id: str | None


def pair_group(pairing: Pairing, mentee: Person, copilot: Person) -> PairGroup:
    return PairGroup((mentee.slack_user_id, copilot.slack_user_id), pairing.channel_id)


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


def member(
    session: Session, team_id: str, user_id: str, pairing_id: int, *, lock: bool
) -> tuple[Pairing, Person, Role]:
    """The pairing, the person clicking and their role; Refused for anyone outside the pair.

    With ``lock`` the pairing row is locked first: every state change passes ``lock=True``.
    """
    pairing = (
        _lock_pairing(session, team_id, pairing_id) if lock else get_pairing(session, team_id, pairing_id)
    )
    person = find_person(session, team_id, user_id)
    try:
        pairing, role = require_member(pairing, person.id if person is not None else -1)
    except NotInPairing:
        raise Refused(_(NOT_YOURS)) from None
    assert person is not None
    return pairing, person, role


def request_of(session: Session, pairing: Pairing) -> MentoringRequest | None:
    """The mentee's request the pairing came from, if any."""
    if pairing.request_id is None:
        return None
    return session.scalar(
        select(MentoringRequest).where(
            MentoringRequest.team_id == pairing.team_id, MentoringRequest.id == pairing.request_id
        )
    )


# --- its rounds -----------------------------------------------------------------------------------


def current_round(session: Session, pairing: Pairing) -> Agreement | None:
    """The latest round, finished or not."""
    return session.scalar(
        select(Agreement)
        .where(Agreement.team_id == pairing.team_id, Agreement.pairing_id == pairing.id)
        .order_by(Agreement.version.desc())
        .limit(1)
    )


def round_numbered(session: Session, pairing: Pairing, version: int) -> Agreement | None:
    return session.scalar(
        select(Agreement).where(
            Agreement.team_id == pairing.team_id,
            Agreement.pairing_id == pairing.id,
            Agreement.version == version,
        )
    )


def open_round(session: Session, pairing: Pairing, now: datetime, version: int) -> Agreement:
    agreement = Agreement(
        team_id=pairing.team_id,
        pairing_id=pairing.id,
        version=version,
        status=AgreementStatus.DRAFTING,
        terms={},
        proposals={},
        created_at=now,
    )
    session.add(agreement)
    session.flush()
    return agreement


def answers_in_round(session: Session, pairing: Pairing, round_: int) -> dict[int, ExpectationAnswer]:
    """Each person's answers in the round, by person id."""
    rows = session.scalars(
        select(ExpectationAnswer).where(
            ExpectationAnswer.team_id == pairing.team_id,
            ExpectationAnswer.pairing_id == pairing.id,
            ExpectationAnswer.round == round_,
        )
    )
    return {row.person_id: row for row in rows}


def comparison_in_round(session: Session, pairing: Pairing, round_: int) -> Comparison | None:
    """The two answers compared, once both have answered."""
    answers = answers_in_round(session, pairing, round_)
    mentee_row, copilot_row = answers.get(pairing.mentee_id), answers.get(pairing.copilot_id)
    if mentee_row is None or copilot_row is None:
        return None
    mentee, copilot = people_of(session, pairing)
    return compare_answers(
        mentee_row.answers,
        copilot_row.answers,
        mentee_utc_offset_minutes=mentee.tz_offset // 60,
        copilot_utc_offset_minutes=copilot.tz_offset // 60,
    )


def settled_so_far(agreement: Agreement, comparison: Comparison) -> dict[str, Any]:
    """The differences already settled in this round, with their agreed values."""
    return {key: agreement.terms[key] for key in comparison.difference_keys if key in agreement.terms}


# --- telling the pair -----------------------------------------------------------------------------


def post(
    session: Session,
    pairing: Pairing,
    key: str,
    kind: Kind,
    to: str | PairGroup,
    build: Callable[[], Message],
    now: datetime,
    *,
    due_at: datetime | None = None,
) -> bool:
    """Queue a message about the pairing (now, or at ``due_at``): to one person (a user id) or to the
    pair's group DM, ``build`` writing it in each reader's language. False when the key was queued before."""
    row = {"kind": kind, "subject": pairing, "key": key, "due_at": due_at or now, "now": now}
    if isinstance(to, PairGroup):
        return languages.send_group(session, members=to.members, channel_id=to.channel_id, build=build, **row)
    with writing_for(session, pairing.team_id, to):
        message = build()
    return outbox.send_dm(session, to=to, message=message, **row)

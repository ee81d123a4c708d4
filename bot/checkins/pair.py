"""The pair as check-ins see it (its people, agreed terms, organiser and program settings), the check-in
statuses, and the few lookups every check-in sub-flow shares.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.pairings import NotInPairing
from bot.people import program_settings as program
from bot.people.program_settings import ProgramSettings
from bot.rules.cadence import CADENCES, NudgeWindow
from storage.models import Agreement, CheckIn, Pairing, Person

DEFAULT_CADENCE = "biweekly"
CHUNK = 1000  # pairings a planner handles per batch of queries


class CheckinStatus(enum.StrEnum):
    """pending (asked, no answer yet) → met / scheduled / skipped / paused, or missed (never delivered in
    time) / withdrawn (a later nudge made moot by an answer before it went out)."""

    PENDING = "pending"
    MET = "met"
    SCHEDULED = "scheduled"
    SKIPPED = "skipped"
    PAUSED = "paused"
    MISSED = "missed"
    WITHDRAWN = "withdrawn"


# The statuses a "We met" or a scheduled date can still change.
ANSWERABLE = (CheckinStatus.PENDING, CheckinStatus.SCHEDULED, CheckinStatus.MISSED)


def cadence_of(cadence: str | None, terms: dict[str, Any]) -> str:
    """The pairing's own cadence, else the agreed one, else the default (an unknown one too)."""
    chosen = cadence or terms.get("cadence") or DEFAULT_CADENCE
    return chosen if chosen in CADENCES else DEFAULT_CADENCE


def organiser_is_mentee(organiser: str | None, terms: dict[str, Any], cycle: int) -> bool:
    """Who organises `cycle`'s check-in: the agreed choice, else the pairing's; "alternate" starts with
    the mentee."""
    choice = terms.get("organiser") or organiser or "mentee"
    if choice == "alternate":
        return cycle % 2 == 1
    return choice != "copilot"


@dataclass(frozen=True)
class Pair:
    pairing: Pairing
    mentee: Person
    copilot: Person
    terms: dict[str, Any]
    agreed_at: datetime | None
    program: ProgramSettings

    @property
    def cadence(self) -> str:
        return cadence_of(self.pairing.cadence, self.terms)

    @property
    def window(self) -> NudgeWindow:
        return self.program.nudge_window()

    @property
    def anchor(self) -> datetime:
        """What the rhythm counts from: the last meeting, else the agreement, else activation."""
        p = self.pairing
        return p.last_met_at or self.agreed_at or p.activated_at or p.created_at

    def organiser(self, cycle: int) -> Person:
        return self.mentee if organiser_is_mentee(self.pairing.organiser, self.terms, cycle) else self.copilot

    def partner_of(self, person: Person) -> Person:
        return self.copilot if person.id == self.mentee.id else self.mentee

    def members(self) -> list[str]:
        """The two Slack user ids, for the pair's group DM."""
        return [self.mentee.slack_user_id, self.copilot.slack_user_id]

    def in_group(self) -> bool:
        return self.program.checkin_delivery == "group"


def load_pairs(session: Session, pairings: Sequence[Pairing]) -> list[Pair]:
    """The people, the confirmed agreement and the program settings for each pairing, in a few queries.

    In the pairings' order; a pairing missing one of its people is left out.
    """
    if not pairings:
        return []
    ids = {p.mentee_id for p in pairings} | {p.copilot_id for p in pairings}
    teams = {p.team_id for p in pairings}
    programs = {team: program.load(session, team) for team in teams}
    people = {
        person.id: person
        for person in session.scalars(select(Person).where(Person.team_id.in_(teams), Person.id.in_(ids)))
    }
    agreements: dict[int, Agreement] = {}
    for row in session.scalars(
        select(Agreement)
        .where(
            Agreement.team_id.in_(teams),
            Agreement.pairing_id.in_([p.id for p in pairings]),
            Agreement.status == "confirmed",
        )
        .order_by(Agreement.version)
    ):
        agreements[row.pairing_id] = row  # the highest version wins
    found = []
    for p in pairings:
        mentee, copilot = people.get(p.mentee_id), people.get(p.copilot_id)
        if mentee is None or copilot is None:
            continue
        agreement = agreements.get(p.id)
        found.append(
            Pair(
                pairing=p,
                mentee=mentee,
                copilot=copilot,
                terms=dict(agreement.terms) if agreement else {},
                agreed_at=agreement.confirmed_at if agreement else None,
                program=programs[p.team_id],
            )
        )
    return found


def load_pair(session: Session, pairing: Pairing) -> Pair:
    pairs = load_pairs(session, [pairing])
    if not pairs:
        raise NotInPairing("this pairing is missing one of its people")
    return pairs[0]


def next_cycle(session: Session, pairing_id: int) -> int:
    """The cycle number the pairing's next check-in will have."""
    return (session.scalar(select(func.max(CheckIn.cycle)).where(CheckIn.pairing_id == pairing_id)) or 0) + 1


def skip_locked(session: Session, query: Any) -> Any:
    # Two scheduler processes on PostgreSQL plan disjoint pairings instead of tripping over each other.
    return query if session.get_bind().dialect.name == "sqlite" else query.with_for_update(skip_locked=True)


def cancel_reminders(session: Session, pairing_id: int) -> None:
    """A paused pairing gets no reminders: the kinds that expire are the ones only worth sending on time."""
    outbox.cancel_for_pairing(session, pairing_id, kinds=outbox.EXPIRING)

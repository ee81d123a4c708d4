"""The pairing lifecycle shared by every flow (its states: bot.rules.lifecycle).
Each transition happens inside the caller's transaction, so a crash leaves the old state or the new one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from bot import outbox
from bot.rules.lifecycle import CLOSED_STATES, OPEN_STATES, PairingState
from storage.models import Pairing, Person

# The states are defined once, in bot.rules.lifecycle; these short names are the flows' spelling of them.
SETTING_EXPECTATIONS = PairingState.SETTING_EXPECTATIONS
ACTIVE = PairingState.ACTIVE
PAUSED = PairingState.PAUSED
STALLED = PairingState.STALLED
ENDED = PairingState.ENDED
LAPSED = PairingState.LAPSED

Role = Literal["mentee", "copilot"]

# end_reason codes: program-level, never free text
# not_allowed: the program's rules (a reporting line, say) no longer allow the pairing
END_REASONS = (
    "by_mentee",
    "by_copilot",
    "term_complete",
    "person_left",
    "lapsed",
    "forgotten",
    "admin",
    "not_allowed",
)


class NotInPairing(PermissionError):
    """The person asking is not one of the two people in this pairing."""


# --- the two people, read in bulk (planners) ----------------------------------------------------


class Member(NamedTuple):
    """One of a pairing's people as planners read them: plain values from a joined query, no ORM object
    (a named tuple: a planner makes two per pairing, 100,000 pairings a pass)."""

    id: int
    slack_user_id: str
    tz: str
    name: str
    real_name: str
    is_deleted: bool
    language: str | None = None  # their own choice, and what Slack says (bot.people.languages)
    slack_locale: str | None = None


MENTEE = aliased(Person, name="mentee")
COPILOT = aliased(Person, name="copilot")
_MEMBER_COLUMNS = ("id", "slack_user_id", "tz", "name", "real_name", "is_deleted", "language", "slack_locale")
MEMBER_WIDTH = len(_MEMBER_COLUMNS)


def member_columns(person: Any) -> list[Any]:
    """The columns a ``Member`` is built from, of `person` (``MENTEE``, ``COPILOT`` or another alias)."""
    return [getattr(person, name) for name in _MEMBER_COLUMNS]


def with_both_people(query: Any) -> Any:
    """`query` (over pairings) joined to its mentee as ``MENTEE`` and its copilot as ``COPILOT``."""
    return query.join(MENTEE, (MENTEE.id == Pairing.mentee_id) & (MENTEE.team_id == Pairing.team_id)).join(
        COPILOT, (COPILOT.id == Pairing.copilot_id) & (COPILOT.team_id == Pairing.team_id)
    )


def member_at(row: Any, start: int) -> Member:
    """The ``Member`` whose ``member_columns`` begin at `start` in `row`."""
    return Member._make(row[start : start + MEMBER_WIDTH])


def create_pairing(
    session: Session,
    *,
    team_id: str,
    mentee: Person,
    copilot: Person,
    now: datetime,
    request_id: int | None = None,
    cadence: str | None = None,
) -> Pairing:
    pairing = Pairing(
        team_id=team_id,
        request_id=request_id,
        mentee_id=mentee.id,
        copilot_id=copilot.id,
        state=SETTING_EXPECTATIONS,
        cadence=cadence,
        cross_team=bool(mentee.org_team and copilot.org_team and mentee.org_team != copilot.org_team),
        created_at=now,
    )
    session.add(pairing)
    session.flush()
    return pairing


def role_of(pairing: Pairing, person_id: int) -> Role | None:
    if person_id == pairing.mentee_id:
        return "mentee"
    if person_id == pairing.copilot_id:
        return "copilot"
    return None


def require_member(pairing: Pairing | None, person_id: int) -> tuple[Pairing, Role]:
    """The pairing and the person's role in it; NotInPairing for anyone else (or no such pairing)."""
    role = role_of(pairing, person_id) if pairing is not None else None
    if pairing is None or role is None:
        raise NotInPairing("only the two people in a pairing can do that")
    return pairing, role


def partner_id(pairing: Pairing, person_id: int) -> int:
    return pairing.copilot_id if person_id == pairing.mentee_id else pairing.mentee_id


def get_pairing(
    session: Session, team_id: str, pairing_id: int, *, for_update: bool = False
) -> Pairing | None:
    query = select(Pairing).where(Pairing.team_id == team_id, Pairing.id == pairing_id)
    if for_update and session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    return session.scalar(query)


def open_pairings_of(session: Session, team_id: str, person_id: int) -> list[Pairing]:
    return list(
        session.scalars(
            select(Pairing)
            .where(
                Pairing.team_id == team_id,
                Pairing.state.in_(OPEN_STATES),
                or_(Pairing.mentee_id == person_id, Pairing.copilot_id == person_id),
            )
            .order_by(Pairing.id)
        )
    )


def end_pairing(session: Session, pairing: Pairing, *, reason: str, now: datetime) -> bool:
    """End a pairing in any state. Returns False if it had already ended (a double click)."""
    if reason not in END_REASONS:
        raise ValueError(f"unknown end reason {reason!r}")
    if pairing.state in CLOSED_STATES:
        return False
    pairing.state = LAPSED if reason == "lapsed" else ENDED
    pairing.ended_at = now
    pairing.end_reason = reason
    pairing.next_checkin_at = None
    pairing.version += 1
    outbox.cancel_for_pairing(session, pairing.id)
    return True


def pause_pairing(pairing: Pairing, until: date) -> bool:
    """Pause until a date. False when nothing changes: the wrong state, or already paused until then."""
    if pairing.state not in (ACTIVE, STALLED, PAUSED):
        return False
    if pairing.state == PAUSED and pairing.paused_until == until:
        return False
    pairing.state = PAUSED
    pairing.paused_until = until
    pairing.version += 1
    return True


def resume_pairing(pairing: Pairing) -> bool:
    if pairing.state != PAUSED:
        return False
    pairing.state = ACTIVE
    pairing.paused_until = None
    pairing.version += 1
    return True

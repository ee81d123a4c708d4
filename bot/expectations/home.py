"""App Home data: the person's open pairings, each with its state, the round open for a revisit, the next
check-in in their own time zone and the agreement in force in a few words.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.expectations.rounds import current_round
from bot.messages.expectations.home import HomePairing
from bot.messages.expectations.wording import format_value
from bot.pairings import open_pairings_of
from bot.people.directory import find_person
from bot.rules.agreements.questionnaire import Role
from bot.rules.agreements.status import UNFINISHED, AgreementStatus
from bot.rules.cadence import local_date
from bot.runtime import Runtime
from storage.models import Agreement, Person


def home_pairings(runtime: Runtime, team_id: str, user_id: str) -> list[HomePairing]:
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return []
        found: list[HomePairing] = []
        for pairing in open_pairings_of(session, team_id, person.id):
            role: Role = "mentee" if pairing.mentee_id == person.id else "copilot"
            partner = session.get(Person, pairing.copilot_id if role == "mentee" else pairing.mentee_id)
            current = current_round(session, pairing)
            in_force = session.scalar(
                select(Agreement)
                .where(Agreement.pairing_id == pairing.id, Agreement.status == AgreementStatus.CONFIRMED)
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
    return " · ".join(format_value(key, terms[key]) for key in keys if terms.get(key) is not None)

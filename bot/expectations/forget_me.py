"""What `/mentor forget-me` withdraws among expectation rounds: a `person_forgotten` hook (bot/app.py).

Every unfinished round (drafting or proposed) of a pairing that forgetting the person ended is withdrawn,
so no reminder or lapse is planned for it. The terms the person wrote are cleared by
`bot.people.forgetting`, after this hook.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.rules.agreements.status import UNFINISHED, AgreementStatus
from bot.runtime import Runtime
from storage.models import Agreement, Pairing, Person


def withdraw_unfinished_rounds(runtime: Runtime, session: Session, person: Person) -> None:
    for agreement in session.scalars(
        select(Agreement)
        .join(Pairing, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id))
        .where(
            Agreement.team_id == person.team_id,
            Agreement.status.in_(UNFINISHED),
            Pairing.end_reason == "forgotten",
            or_(Pairing.mentee_id == person.id, Pairing.copilot_id == person.id),
        )
    ):
        agreement.status = AgreementStatus.WITHDRAWN

"""Who belongs to a cohort: its open sign-ups, its volunteers, and the pairings formed from its requests."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.rules.lifecycle import PairingState, RequestState
from storage.models import CopilotProfile, MentoringRequest, Pairing


def open_sign_ups(session: Session, cohort_id: int) -> list[MentoringRequest]:
    return list(
        session.scalars(
            select(MentoringRequest)
            .where(MentoringRequest.cohort_id == cohort_id, MentoringRequest.status == RequestState.OPEN)
            .order_by(MentoringRequest.id)
        )
    )


def volunteer_ids(session: Session, cohort_id: int) -> list[int]:
    """Person ids of the cohort's volunteers who still volunteer."""
    return list(
        session.scalars(
            select(CopilotProfile.person_id).where(
                CopilotProfile.cohort_id == cohort_id, CopilotProfile.active.is_(True)
            )
        )
    )


def pairing_ids(cohort_id: int) -> Select[tuple[int]]:
    """The cohort's pairings: those formed from its requests (a lapsed one never started, so it is left out)."""
    return (
        select(Pairing.id)
        .join(MentoringRequest, Pairing.request_id == MentoringRequest.id)
        .where(MentoringRequest.cohort_id == cohort_id, Pairing.state != PairingState.LAPSED)
    )

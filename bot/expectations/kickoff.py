"""The kickoff: a new pairing's first questionnaire round opens and the pair is welcomed in their group DM
(with why they were matched). Also remembering that group DM's id once one of them clicks in it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.expectations.rounds import current_round, open_round, pair_group, pair_names, people_of, post
from bot.messages.expectations.kickoff import kickoff_message
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import get_pairing
from bot.people import program_settings as program
from bot.people.directory import find_person
from bot.rules.cadence import awake_at
from bot.runtime import Runtime
from storage.models import CopilotProfile, MentoringRequest, Offer, Pairing


def start_expectations(runtime: Runtime, session: Session, pairing: Pairing) -> None:
    """Open round 1 and post the kickoff in the pair's group DM. Safe to call twice."""
    now = runtime.clock.now()
    if current_round(session, pairing) is None:
        open_round(session, pairing, now, 1)
    mentee, copilot = people_of(session, pairing)
    reasons: list[str] = []
    request = session.get(MentoringRequest, pairing.request_id) if pairing.request_id is not None else None
    if request is not None:
        offer = session.scalar(
            select(Offer)
            .where(
                Offer.team_id == pairing.team_id,
                Offer.request_id == request.id,
                Offer.copilot_id == pairing.copilot_id,
            )
            .order_by(Offer.id.desc())
            .limit(1)
        )
        if offer is not None:
            reasons = [str(reason) for reason in offer.reasons or [] if reason]
    profile = session.get(CopilotProfile, copilot.id)
    window = program.load(session, pairing.team_id).nudge_window()
    post(
        session,
        pairing,
        outbox_keys.expectations(pairing.id, 1, "kickoff"),
        Kind.EXPECTATIONS_KICKOFF,
        pair_group(pairing, mentee, copilot),
        lambda: kickoff_message(
            pairing.id,
            pair_names(mentee, copilot),
            reasons,
            named=request is not None and request.named_copilot_id == copilot.id,
            intro=profile.intro if profile is not None and profile.intro else "",
        ),
        now,
        due_at=awake_at(now, [mentee.tz, copilot.tz], window),  # never inside either one's quiet hours
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
        if person.id in (pairing.mentee_id, pairing.copilot_id):
            pairing.channel_id = channel_id

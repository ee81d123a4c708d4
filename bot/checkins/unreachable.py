"""Unreachable people: when Slack says a person is gone (deactivated, not found), the dispatcher's failure
hook pauses their pairing for a while, cancels its reminders and tells whoever is still reachable.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.pair import cancel_reminders, load_pair
from bot.messages import checkins as views
from bot.outbox import PERSON_GONE_ERRORS, FailureHook, Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import get_pairing, pause_pairing
from bot.people.languages import writing_for
from bot.rules.lifecycle import MEETING_STATES
from bot.runtime import Runtime
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

UNREACHABLE_PAUSE_DAYS = 30


def pause_when_unreachable(runtime: Runtime) -> FailureHook:
    """The dispatcher's on_failure hook: a person gone from Slack pauses their pairing; the partner is told."""

    def hook(session: Session, row: OutboxMessage, error: str) -> None:
        if error not in PERSON_GONE_ERRORS or row.pairing_id is None or row.kind == Kind.PAIRING_UNREACHABLE:
            return
        pairing = get_pairing(session, row.team_id, row.pairing_id, for_update=True)
        if pairing is None or pairing.state not in MEETING_STATES:
            return
        pair = load_pair(session, pairing)
        now = runtime.clock.now()
        people = (pair.mentee, pair.copilot)
        gone = next((person for person in people if person.slack_user_id == row.channel), None)
        if gone is None:  # a group DM: whoever Slack already told us has left, if anyone
            gone = next((person for person in people if person.is_deleted), None)
        until = now.date() + timedelta(days=UNREACHABLE_PAUSE_DAYS)
        pause_pairing(pairing, until)
        pairing.next_checkin_at = None
        cancel_reminders(session, pairing.id)
        log.info("pairing %s paused: a message failed with %s", pairing.id, error)
        for person in people:
            if gone is not None and person.id == gone.id:
                continue
            with writing_for(session, pairing.team_id, person.slack_user_id):
                message = views.unreachable_message(
                    gone_user_id=gone.slack_user_id if gone else None, until=until
                )
            outbox.send_dm(
                session,
                to=person.slack_user_id,
                kind=Kind.PAIRING_UNREACHABLE,
                subject=pairing,
                key=outbox_keys.unreachable(row.id, person.id),
                message=message,
                due_at=now,
                now=now,
            )

    return hook

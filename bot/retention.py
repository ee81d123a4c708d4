"""What the app keeps only for a while, and the tick job that forgets it.

- ``handled_events``: Slack event ids (and claimed modal views) already handled. Slack retries an event
  three times within about five minutes of the first delivery, so an id older than HANDLED_EVENTS_KEPT can
  no longer come back and is deleted.
- ``seen_signatures``: signatures of verified requests (bot.web's replay guard), each kept until Slack's
  five-minute window could no longer accept it. Judged by the wall clock, as Slack's check is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from storage.models import HandledEvent, SeenSignature

# Well beyond Slack's last retry (about five minutes after the first delivery) and a modal's double submit.
HANDLED_EVENTS_KEPT = timedelta(hours=1)


def prune_handled_events(session: Session, now: datetime) -> int:
    result = session.execute(delete(HandledEvent).where(HandledEvent.handled_at < now - HANDLED_EVENTS_KEPT))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune_seen_signatures(session: Session, now: datetime | None = None) -> int:
    """Forget signatures Slack's window no longer accepts."""
    result = session.execute(
        delete(SeenSignature).where(SeenSignature.expires_at < (now or datetime.now(UTC)))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune_expired(runtime: Runtime, session: Session, now: datetime) -> int:
    """A planner that queues nothing (it returns 0): it deletes what no longer has a reason to stay."""
    prune_handled_events(session, now)
    prune_seen_signatures(session)
    return 0

"""Once per modal: a form submitted twice (a double click, a network retry) is saved once.

A view id is claimed only after the form validated, so a person who fixes an error and submits the same
modal again is not mistaken for a repeat.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.runtime import Runtime
from storage.models import HandledEvent


def _key(view_id: str) -> str:
    return f"view:{view_id}"


def claim_view(runtime: Runtime, team_id: str, view_id: str) -> bool:
    """True the first time this view is claimed; False for a repeat submission."""
    try:
        with runtime.db.transaction() as session:
            session.add(HandledEvent(event_id=_key(view_id), team_id=team_id, handled_at=runtime.clock.now()))
    except IntegrityError:
        return False
    return True


def release_view(runtime: Runtime, view_id: str) -> None:
    """The save failed: let the person submit the same form again."""
    with runtime.db.transaction() as session:
        session.execute(delete(HandledEvent).where(HandledEvent.event_id == _key(view_id)))

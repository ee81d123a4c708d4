"""The volume guard: how many introductions and promises someone keeps open, against the program setting.

Over the limit, the introduction and promise forms and the App Home say so gently; nothing is refused.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.messages.introductions import Volume
from bot.people import program_settings as program
from bot.rules.network_states import IntroStatus, PromiseStatus
from storage.models import Introduction, Promise


def volume_of(session: Session, team_id: str, person_id: int) -> Volume:
    """Introductions this person made that await an answer, plus their open promises."""
    intros = session.scalar(
        select(func.count(Introduction.id)).where(
            Introduction.team_id == team_id,
            Introduction.introducer_id == person_id,
            Introduction.status == IntroStatus.MADE,
        )
    )
    promises = session.scalar(
        select(func.count(Promise.id)).where(
            Promise.team_id == team_id, Promise.owner_id == person_id, Promise.status == PromiseStatus.OPEN
        )
    )
    return Volume(int(intros or 0) + int(promises or 0), program.load(session, team_id).volume_guard)


def volume_with_one_more(session: Session, team_id: str, person_id: int) -> Volume:
    """The volume as a form shows it: counting the introduction or promise being drafted."""
    volume = volume_of(session, team_id, person_id)
    return Volume(volume.open_items + 1, volume.limit)

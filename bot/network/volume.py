"""The volume guard: how many introductions and promises someone keeps open, against the program setting,
and the limits an introduction must keep.

Over the volume guard, the introduction and promise forms and the App Home say so gently; nothing is
refused for that. Refused (intro_refusals): more than INTRODUCTIONS_PER_DAY introductions by one person in
24 hours, the same two people introduced again by the same person while the first is still open, and
a guest account among the three when the program does not allow guests.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.i18n import _, n_
from bot.messages.introductions import Volume
from bot.people import program_settings as program
from bot.rules.network_states import IntroStatus, PromiseStatus
from storage.models import Introduction, Person, Promise

INTRODUCTIONS_PER_DAY = 10
OPEN_INTRO_STATES = (IntroStatus.MADE, IntroStatus.NOT_YET)


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


def intro_refusals(
    session: Session, team_id: str, me: Person, introduced: Person, contact: Person, now: datetime
) -> dict[str, str]:
    """Field errors (the modal's block ids) for an introduction the program does not allow."""
    errors: dict[str, str] = {}
    if not program.load(session, team_id).allow_guests:
        if me.is_guest:
            errors["introduced"] = _("Introductions here are made by full members of the workspace.")
        for field, person in (("introduced", introduced), ("contact", contact)):
            if person.is_guest:
                errors.setdefault(field, _("That's a guest account: introductions here are between members."))
    made_today = session.scalar(
        select(func.count(Introduction.id)).where(
            Introduction.team_id == team_id,
            Introduction.introducer_id == me.id,
            Introduction.created_at > now - timedelta(days=1),
        )
    )
    if int(made_today or 0) >= INTRODUCTIONS_PER_DAY:
        errors.setdefault(
            "introduced",
            n_(
                "You've made {count} introduction in the last day, the most there can be. Try again tomorrow.",
                "You've made {count} introductions in the last day, the most there can be. Try again tomorrow.",
                INTRODUCTIONS_PER_DAY,
            ),
        )
    pair = {introduced.id, contact.id}
    already = session.scalar(
        select(Introduction.id)
        .where(
            Introduction.team_id == team_id,
            Introduction.introducer_id == me.id,
            Introduction.status.in_(OPEN_INTRO_STATES),
            or_(
                and_(Introduction.introduced_id == introduced.id, Introduction.contact_id == contact.id),
                and_(Introduction.introduced_id == contact.id, Introduction.contact_id == introduced.id),
            ),
        )
        .limit(1)
    )
    if already is not None and len(pair) == 2:
        errors.setdefault(
            "contact", _("You've already introduced these two, and that introduction is still open.")
        )
    return errors

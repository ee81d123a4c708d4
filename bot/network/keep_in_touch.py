"""Keep in touch: a reminder when someone hasn't talked to a contact for its keep-in-touch days, once per
stretch, and the reminder's answers ("We talked", "Stop reminding me").

A contact's next reminder is stored on the contact (touch_due_on) and counts from the last talk, or from
the day it was saved when no talk is noted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.i18n import reading_in
from bot.messages.contacts import KeepInTouch, keep_in_touch_message
from bot.network.ownership import owned_row
from bot.network.reminder_times import due_moment
from bot.outbox import Kind, Subject
from bot.outbox import keys as outbox_keys
from bot.people import program_settings as program
from bot.people.languages import languages_across
from bot.rules.cadence import local_date
from bot.runtime import Runtime
from storage import bulk
from storage.models import Contact, Person


def touch_due(contact: Contact, today: date) -> date | None:
    """The day to remind the owner of `contact`: keep-in-touch days after the last talk (or today)."""
    if not contact.keep_in_touch_days:
        return None
    since = contact.last_talked_at or today
    return since + timedelta(days=contact.keep_in_touch_days)


def plan_keep_in_touch(runtime: Runtime, session: Session, now: datetime) -> int:
    """Remind the owner of a contact they haven't talked to for its keep-in-touch days: once per stretch.
    Set-based: the due contacts with their owners in one query, then one update and one multi-row insert."""
    rows = session.execute(
        select(
            Contact.id,
            Contact.team_id,
            Contact.touch_due_on,
            Contact.last_talked_at,
            Contact.created_at,
            Contact.slack_user_id,
            Contact.name,
            Person.slack_user_id,
            Person.tz,
        )
        .join(Person, Person.id == Contact.owner_id)
        .where(
            Contact.touch_due_on.is_not(None),
            Contact.touch_due_on <= (now + timedelta(days=1)).date(),
            Person.is_deleted.is_(False),
        )
        .order_by(Contact.id)
    ).all()
    settings_of = {team: program.load(session, team) for team in {row[1] for row in rows}}
    reminded: list[int] = []
    reminders = []
    spoken = languages_across(session, [(row[1], row[7]) for row in rows])
    for contact_id, team_id, due_on, last_talked_at, created_at, their_id, name, owner_id, tz in rows:
        moment = due_moment(due_on, now, tz, settings_of[team_id])
        if moment is None:
            continue
        today = local_date(moment, tz)
        since = last_talked_at or local_date(created_at, tz)
        reminded.append(contact_id)
        with reading_in(spoken[(team_id, owner_id)]):
            message = keep_in_touch_message(
                KeepInTouch(
                    contact_id, owner_id, their_id, name, (today - since).days, last_talked_at is not None
                )
            )
        reminders.append(
            outbox.dm(
                to=owner_id,
                kind=Kind.KEEP_IN_TOUCH,
                subject=Subject.CONTACT.ref(team_id=team_id, id=contact_id),
                key=outbox_keys.keep_in_touch(contact_id, due_on),
                message=message,
                due_at=moment,
                now=now,
            )
        )
    bulk.update_where_ids(session, Contact, reminded, touch_due_on=None)
    return outbox.enqueue_many(session, reminders)


def talked_today(runtime: Runtime, team_id: str, user_id: str, contact_id: int) -> date:
    """ "We talked": today becomes the last time, and the next reminder counts from it."""
    with runtime.db.transaction() as session:
        contact, owner = owned_row(session, Contact, team_id, contact_id, user_id)
        today = local_date(runtime.clock.now(), owner.tz)
        contact.last_talked_at = today
        contact.touch_due_on = touch_due(contact, today)
        contact.updated_at = runtime.clock.now()
        return today


def stop_reminding(runtime: Runtime, team_id: str, user_id: str, contact_id: int) -> None:
    with runtime.db.transaction() as session:
        contact, _owner = owned_row(session, Contact, team_id, contact_id, user_id)
        contact.keep_in_touch_days = None
        contact.touch_due_on = None
        contact.updated_at = runtime.clock.now()

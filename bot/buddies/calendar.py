"""The buddy agenda in both calendars: when a buddy says yes, the pair's group DM gets the line "Add this to
your calendar" and an iCalendar file with the agenda still ahead (bot.rules.buddies.agenda_phases): the
weekly first month and the two-weekly rest, as two series of one file, at the program's nudge hour in the
new hire's zone, 30 minutes each. Like the copilots' file (bot/expectations/calendar.py) it names the
pairing and links back to Slack, and holds nothing the pair wrote (the checklist stays in Slack)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import outbox
from bot.messages.buddies import BUDDY_ICS_FILENAME, buddy_event_description, buddy_event_title
from bot.messages.expectations.calendar import calendar_message, slack_link
from bot.outbox import FileUpload, Kind
from bot.outbox import keys as outbox_keys
from bot.people import languages
from bot.people import program_settings as program
from bot.people.directory import display_name
from bot.people.languages import writing_for
from bot.rules.buddies import agenda_phases
from bot.rules.cadence import awake_at, local_date
from bot.rules.calendar import Attendee, MeetingSeries, calendar_ics
from storage.models import BuddyPairing, Person

MEETING_LENGTH = timedelta(minutes=30)


def _attendee(person: Person) -> Attendee:
    return Attendee(display_name(person), person.email or None)


def agenda_series(
    pairing: BuddyPairing, new_hire: Person, buddy: Person, hour: int, now: datetime
) -> list[MeetingSeries]:
    """The agenda ahead as series, in the new hire's zone; built in the reader's language (the title)."""
    zone = ZoneInfo(new_hire.tz or "UTC")
    link = slack_link(pairing.team_id, None)
    phases = agenda_phases(pairing.started_on, pairing.term_days, local_date(now, new_hire.tz))
    return [
        MeetingSeries(
            uid=f"{pairing.team_id}.buddy-{pairing.id}-{n}@mentor-bot",
            title=buddy_event_title(display_name(new_hire), display_name(buddy)),
            description=buddy_event_description(link),
            url=link,
            first_start=datetime.combine(phase.first, time(hour), zone),
            duration=MEETING_LENGTH,
            interval_weeks=phase.interval_weeks,
            count=phase.count,
            until=None,
            organiser=_attendee(new_hire),
            attendees=(_attendee(new_hire), _attendee(buddy)),
        )
        for n, phase in enumerate(phases, start=1)
    ]


def send_buddy_calendar(
    session: Session, pairing: BuddyPairing, new_hire: Person, buddy: Person, now: datetime
) -> bool:
    """Queue the line and the .ics for the pair's group DM; False when no meeting is left in the term."""
    settings = program.load(session, pairing.team_id)
    # One file for both: its few words are in the new hire's language, whose agenda it is.
    with writing_for(session, pairing.team_id, new_hire.slack_user_id):
        series = agenda_series(pairing, new_hire, buddy, settings.nudge_hour, now)
    if not series:
        return False
    members = [new_hire.slack_user_id, buddy.slack_user_id]
    # With the welcome, never inside either one's quiet hours.
    due_at = awake_at(now, [new_hire.tz, buddy.tz], settings.nudge_window())
    languages.send_group(
        session,
        members=members,
        build=calendar_message,
        kind=Kind.BUDDY_CALENDAR,
        subject=pairing,
        key=outbox_keys.buddy_event(pairing.id, "calendar"),
        due_at=due_at,
        now=now,
    )
    outbox.send_file(
        session,
        to=outbox.group_channel(members),
        kind=Kind.BUDDY_CALENDAR_FILE,
        subject=pairing,
        key=outbox_keys.buddy_event(pairing.id, "calendar:file"),
        upload=FileUpload(calendar_ics(*series, stamp=now), BUDDY_ICS_FILENAME, series[0].title),
        due_at=due_at,
        now=now,
    )
    return True

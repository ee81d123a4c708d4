"""The agreed meetings in the pair's calendars: when an agreement is put in force (the first one, and each
revisit), the pair's group DM gets one line and an iCalendar file of the agreed series.

The series is one UID per pairing, so a revisit's file updates the same meetings in a calendar; its
SEQUENCE is the agreement's version less one (0 for the first agreement, higher with each revisit). The
event names the pairing and links back to Slack: nothing of their goals, notes or answers goes in it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.expectations.rounds import pair_group, post
from bot.messages.expectations.calendar import (
    ICS_FILENAME,
    calendar_message,
    event_description,
    event_title,
    slack_link,
)
from bot.outbox import FileUpload, Kind
from bot.outbox import keys as outbox_keys
from bot.people.directory import display_name
from bot.people.languages import writing_for
from bot.rules.agreed_meetings import Member, agreed_series
from bot.rules.calendar import MeetingSeries, calendar_ics
from storage.models import Agreement, CheckIn, Pairing, Person


def series_uid(pairing: Pairing) -> str:
    """Stable for the life of the pairing: every version of its agreement updates the same series."""
    return f"{pairing.team_id}.pairing-{pairing.id}@mentor-bot"


def _member(person: Person) -> Member:
    return Member(display_name(person), person.email or None, person.tz or "UTC")


def _meetings_held(session: Session, pairing: Pairing) -> int:
    return int(
        session.scalar(
            select(func.count(CheckIn.id)).where(
                CheckIn.team_id == pairing.team_id,
                CheckIn.pairing_id == pairing.id,
                CheckIn.status == "met",
            )
        )
        or 0
    )


def _series(
    session: Session,
    pairing: Pairing,
    agreement: Agreement,
    mentee: Person,
    copilot: Person,
    names: tuple[str, str],
    now: datetime,
) -> MeetingSeries | None:
    return agreed_series(
        agreement.terms,
        confirmed_at=agreement.confirmed_at or now,
        mentee=_member(mentee),
        copilot=_member(copilot),
        uid=series_uid(pairing),
        sequence=max(agreement.version - 1, 0),
        title=event_title(*names),
        description=event_description(slack_link(pairing.team_id, pairing.channel_id)),
        url=slack_link(pairing.team_id, pairing.channel_id),
        meetings_held=_meetings_held(session, pairing),
    )


def send_agreed_meetings(
    session: Session, pairing: Pairing, agreement: Agreement, mentee: Person, copilot: Person, now: datetime
) -> bool:
    """Queue the line and the .ics for the pair's group DM. False when the agreement sets no meetings to
    put in a calendar (no cadence, or no meeting left in its term)."""
    names = (display_name(mentee), display_name(copilot))
    # One file for both: its few words (the title, the link's line) are in the mentee's language, who
    # organises the series by default.
    with writing_for(session, pairing.team_id, mentee.slack_user_id):
        series = _series(session, pairing, agreement, mentee, copilot, names, now)
    if series is None:
        return False
    group = pair_group(pairing, mentee, copilot)
    post(
        session,
        pairing,
        outbox_keys.calendar(pairing.id, agreement.version),
        Kind.CALENDAR,
        group,
        calendar_message,
        now,
    )
    # The file follows the line into the same conversation (an attached kind), once the line was sent.
    outbox.send_file(
        session,
        to=group.channel_id or outbox.group_channel(group.members),
        kind=Kind.CALENDAR_FILE,
        subject=pairing,
        key=outbox_keys.calendar_file(pairing.id, agreement.version),
        upload=FileUpload(calendar_ics(series, stamp=now), ICS_FILENAME, series.title),
        due_at=now,
        now=now,
    )
    return True

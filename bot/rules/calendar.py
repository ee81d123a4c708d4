"""Agreed meetings as an iCalendar file (RFC 5545), built with the ``icalendar`` library.

A ``MeetingSeries`` is one recurring meeting: a first start in the organiser's time zone, a length, every
``interval_weeks`` weeks, ending after ``count`` meetings or on ``until`` (or never). ``calendar_ics``
writes one or more series into one VCALENDAR: one VEVENT each, with an RRULE, its DTSTART and DTEND in
the organiser's zone (TZID) and a VTIMEZONE per zone, so a series keeps its local time across
daylight-saving changes and the UTC time moves instead.

Decisions:

* ``METHOD:PUBLISH``. The file is posted into Slack for both people to add to their own calendars; no
  calendar server sends it and nobody collects replies. ``REQUEST`` would make mail clients treat it as an
  invitation from the ORGANIZER's address and offer Accept/Decline replies to a calendar that never sent
  it (and show the organiser an invitation "from" themselves). ORGANIZER and ATTENDEE still name both
  people, as calendar exports commonly do, so each calendar shows who the meeting is with.
* The UID is stable per pairing (the caller's choice) and SEQUENCE grows with each new version of the
  agreement, so importing a newer file updates the same series instead of adding a second one.
* UNTIL is the end of the last day in the organiser's zone, written in UTC as RFC 5545 requires when
  DTSTART has a TZID: a meeting on the end date itself is still held.
* The VTIMEZONE covers the series' own dates only (a smaller file), and its onsets are written in the
  offset in force before each change, as RFC 5545 defines them (icalendar writes a spring-forward onset
  in the new offset, an hour late).

May import: the standard library, ``icalendar`` and bot.rules. Nothing here reads the clock: DTSTAMP is
the caller's ``stamp``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress

PRODID = "-//mentor-bot//Agreed meetings//EN"
# An open-ended series still needs a VTIMEZONE that reaches far enough: five years of daylight-saving rules.
OPEN_ENDED_YEARS = 5


@dataclass(frozen=True)
class Attendee:
    """A person on the event: their display name, and their e-mail address when Slack gave one."""

    name: str
    email: str | None


@dataclass(frozen=True)
class MeetingSeries:
    """One recurring meeting. ``first_start`` is aware, in the organiser's ``ZoneInfo``; ``count`` and
    ``until`` are the two ways an agreed term ends (at most one is set; neither: open-ended)."""

    uid: str
    title: str
    description: str
    url: str | None
    first_start: datetime
    duration: timedelta
    interval_weeks: int
    count: int | None
    until: date | None
    organiser: Attendee
    attendees: tuple[Attendee, ...]
    sequence: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.first_start.tzinfo, ZoneInfo):
            raise ValueError(f"first_start must carry a ZoneInfo, got {self.first_start!r}")
        if self.duration <= timedelta(0):
            raise ValueError(f"duration must be positive, got {self.duration}")
        if self.interval_weeks < 1:
            raise ValueError(f"interval_weeks must be 1 or more, got {self.interval_weeks}")
        if self.count is not None and self.until is not None:
            raise ValueError("a series ends after a count of meetings or on a date, not both")
        if self.count is not None and self.count < 1:
            raise ValueError(f"count must be 1 or more, got {self.count}")
        if self.until is not None and self.until < self.first_start.date():
            raise ValueError(f"until {self.until} is before the first meeting {self.first_start.date()}")
        if self.sequence < 0:
            raise ValueError(f"sequence must be 0 or more, got {self.sequence}")

    @property
    def zone(self) -> ZoneInfo:
        assert isinstance(self.first_start.tzinfo, ZoneInfo)
        return self.first_start.tzinfo

    @property
    def last_day(self) -> date:
        """The last local date the series can reach (for an open-ended one, OPEN_ENDED_YEARS on)."""
        first = self.first_start.date()
        if self.count is not None:
            return first + timedelta(weeks=self.interval_weeks * (self.count - 1))
        if self.until is not None:
            return self.until
        return first + timedelta(days=365 * OPEN_ENDED_YEARS)


def _address(person: Attendee) -> vCalAddress:
    assert person.email
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = person.name
    return address


def _until_utc(series: MeetingSeries) -> datetime:
    assert series.until is not None
    end_of_day = datetime.combine(series.until, time(23, 59, 59), tzinfo=series.zone)
    return end_of_day.astimezone(UTC)


def _event(series: MeetingSeries, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", series.uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("sequence", series.sequence)
    event.add("summary", series.title)
    event.add("description", series.description)
    if series.url:
        event.add("url", series.url)
    event.add("dtstart", series.first_start)
    event.add("dtend", series.first_start + series.duration)
    rule: dict[str, object] = {"freq": "weekly", "interval": series.interval_weeks}
    if series.count is not None:
        rule["count"] = series.count
    elif series.until is not None:
        rule["until"] = _until_utc(series)
    event.add("rrule", rule)
    # A calendar address is an e-mail: someone Slack gave none for is named in the title only.
    if series.organiser.email:
        event.add("organizer", _address(series.organiser))
    for person in series.attendees:
        if not person.email:
            continue
        attendee = _address(person)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        event.add("attendee", attendee)
    event.add("transp", "OPAQUE")
    return event


def _onset_before_the_change(
    local: datetime, zone: tzinfo, offset_from: timedelta, offset_to: timedelta
) -> datetime:
    """An observance's onset as RFC 5545 reads it: the local time in the offset *before* the change."""
    for offset in (offset_to, offset_from):
        instant = (local - offset).replace(tzinfo=UTC)
        before = (instant - timedelta(seconds=1)).astimezone(zone).utcoffset()
        if before == offset_from and instant.astimezone(zone).utcoffset() == offset_to:
            return (instant + offset_from).replace(tzinfo=None)
    return local


def _timezone(zone: ZoneInfo, first: date, last: date) -> Timezone:
    component = Timezone.from_tzinfo(zone, first_date=first, last_date=last + timedelta(days=1))
    for observance in component.subcomponents:
        offset_from = observance.decoded("TZOFFSETFROM")
        offset_to = observance.decoded("TZOFFSETTO")
        start = _onset_before_the_change(observance.decoded("DTSTART"), zone, offset_from, offset_to)
        observance.pop("DTSTART")
        observance.add("DTSTART", start)
        rdates = observance.get("RDATE")
        if rdates is not None:
            moments = [d for prop in (rdates if isinstance(rdates, list) else [rdates]) for d in prop.dts]
            observance.pop("RDATE")
            observance.add(
                "RDATE", [_onset_before_the_change(m.dt, zone, offset_from, offset_to) for m in moments]
            )
    return component


def _zones(series: Iterable[MeetingSeries]) -> dict[str, tuple[ZoneInfo, date, date]]:
    """Each zone the series use, with the first and last date it has to cover."""
    zones: dict[str, tuple[ZoneInfo, date, date]] = {}
    for one in series:
        if one.zone.key == "UTC":
            continue  # written as UTC times: no VTIMEZONE needed
        first, last = one.first_start.date(), one.last_day
        if one.zone.key in zones:
            _zone, known_first, known_last = zones[one.zone.key]
            first, last = min(first, known_first), max(last, known_last)
        zones[one.zone.key] = (one.zone, first, last)
    return zones


def calendar_ics(*series: MeetingSeries, stamp: datetime) -> bytes:
    """One VCALENDAR holding every series (one VEVENT each) and the VTIMEZONEs they need.

    ``stamp`` (aware) is the DTSTAMP: when this version of the series was made.
    """
    if not series:
        raise ValueError("a calendar needs at least one series")
    if stamp.tzinfo is None:
        raise ValueError(f"stamp must be timezone-aware, got {stamp!r}")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for zone, first, last in _zones(series).values():
        calendar.add_component(_timezone(zone, first, last))
    for one in series:
        calendar.add_component(_event(one, stamp))
    return calendar.to_ical()

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
* The VTIMEZONE is built here from the zone's own changes over the series' dates, with icalendar's
  components. ``Timezone.from_tzinfo`` (icalendar 7.3) was tried and left: it writes a spring-forward
  onset in the new offset (an hour late for RFC 5545, which reads DTSTART in TZOFFSETFROM), its 64-day
  search steps miss a period that returns to the same offset (Casablanca's five weeks at +00 each
  Ramadan), and for a zone without daylight saving it searches on to the year 9999.

May import: the standard library and ``icalendar``. Nothing here reads the clock: DTSTAMP is
the caller's ``stamp``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

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


def _changes(zone: ZoneInfo, first: date, last: date) -> list[tuple[datetime, timedelta, timedelta]]:
    """Each offset change of ``zone`` from ``first`` to ``last``: (UTC instant, offset before, offset after).

    Looked for a day at a time, then narrowed to the exact instant."""
    found: list[tuple[datetime, timedelta, timedelta]] = []
    moment = datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=2), time(), tzinfo=UTC)
    before = moment.astimezone(zone).utcoffset()
    while moment < end:
        step = moment + timedelta(days=1)
        after = step.astimezone(zone).utcoffset()
        if after != before:
            low, high = moment, step
            while high - low > timedelta(microseconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if middle.astimezone(zone).utcoffset() == before else (low, middle)
            assert before is not None and after is not None
            found.append((high, before, after))
        moment, before = step, after
    return found


def _timezone(zone: ZoneInfo, first: date, last: date) -> Timezone:
    """The zone's VTIMEZONE for the dates a series covers: an opening observance, then one per kind of
    change (its first onset as DTSTART, the later ones as RDATEs), each onset in local time of the offset
    before the change, as RFC 5545 reads it."""
    component = Timezone()
    component.add("tzid", zone.key)
    opening = datetime.combine(first, time(), tzinfo=zone)
    offset = opening.utcoffset()
    observances: dict[tuple[timedelta, timedelta, str, bool], list[datetime]] = {
        (offset, offset, opening.tzname() or "", bool(opening.dst())): [opening.replace(tzinfo=None)]
    }
    for instant, before, after in _changes(zone, first, last):
        local = instant.astimezone(zone)
        kind = (before, after, local.tzname() or "", bool(local.dst()))
        observances.setdefault(kind, []).append((instant + before).replace(tzinfo=None))
    for (before, after, name, daylight), onsets in observances.items():
        observance = TimezoneDaylight() if daylight else TimezoneStandard()
        observance.add("dtstart", onsets[0])
        if onsets[1:]:
            observance.add("rdate", onsets[1:])
        observance.add("tzoffsetfrom", before)
        observance.add("tzoffsetto", after)
        if name:
            observance.add("tzname", name)
        component.add_component(observance)
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

"""From an agreement to the meetings it implies: when the first one is, how long each lasts, how often they
repeat and when they stop (bot.rules.calendar writes them as an iCalendar file).

Decisions:

* The organiser is the mentee: the relationship is mentee-driven, so the series lives in the mentee's
  calendar and time zone. Only when the pair agreed that the copilot sets up the meetings (``organiser``
  "copilot") is the copilot the organiser; "we take turns" keeps the mentee, since one series needs one
  organiser.
* An agreed time window is in the mentee's local time (bot.rules.agreements.comparison), so the first
  meeting is found on the mentee's calendar: the first preferred day after the day of confirmation (Monday
  to Friday when they named none), at the window's start (10:00 when they named no window, in the
  organiser's time). It is then written in the organiser's zone.
* The first meeting is never on the day they confirm: they need the time to add it and prepare.
* Cadences: weekly is every week, biweekly every two weeks, monthly every four weeks (as
  bot.rules.cadence counts them).
* The term: an agreed number of meetings counts the meetings already held (a revisit keeps counting them,
  as the term-end rule does), so the series holds only the ones left; an end date ends the series that
  day. ``None`` when nothing is left to put in a calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.rules.agreements.validation import clock_minutes
from bot.rules.cadence import CADENCE_DAYS, local_date, safe_zone, to_utc
from bot.rules.calendar import Attendee, MeetingSeries

DEFAULT_START = time(10, 0)
DEFAULT_MINUTES = 30
WORKING_DAYS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class Member:
    """One of the pair as the calendar needs them: name, e-mail (when known) and IANA time zone."""

    name: str
    email: str | None
    tz: str

    @property
    def attendee(self) -> Attendee:
        return Attendee(self.name, self.email)


def organiser_of(terms: Mapping[str, Any], mentee: Member, copilot: Member) -> Member:
    """The mentee, unless they agreed the copilot sets up the meetings."""
    return copilot if terms.get("organiser") == "copilot" else mentee


def _start_time(window: Any) -> time | None:
    if isinstance(window, Mapping) and isinstance(window.get("start"), str):
        minutes = clock_minutes(window["start"])
        return time(minutes // 60, minutes % 60)
    return None


def first_meeting(
    terms: Mapping[str, Any], confirmed_at: datetime, mentee: Member, organiser: Member
) -> datetime:
    """The first preferred day after ``confirmed_at``'s date, at the agreed start, in the organiser's zone."""
    window_start = _start_time(terms.get("time_window"))
    # The agreed window and days are the mentee's; without a window the organiser's clock decides.
    reference = mentee if window_start is not None else organiser
    days = tuple(int(d) for d in terms.get("preferred_days") or ()) or WORKING_DAYS
    day = local_date(confirmed_at, reference.tz) + timedelta(days=1)
    while day.weekday() not in days:
        day += timedelta(days=1)
    start = to_utc(datetime.combine(day, window_start or DEFAULT_START), safe_zone(reference.tz))
    return start.astimezone(safe_zone(organiser.tz))


def _end(length: Any, meetings_held: int) -> tuple[int | None, date | None] | None:
    """(count, until) from the agreed term; None when no meeting is left."""
    if not isinstance(length, Mapping):
        return None, None
    if "meetings" in length:
        left = int(length["meetings"]) - meetings_held
        return (left, None) if left > 0 else None
    if "end_date" in length:
        return None, date.fromisoformat(str(length["end_date"]))
    return None, None


def agreed_series(
    terms: Mapping[str, Any],
    *,
    confirmed_at: datetime,
    mentee: Member,
    copilot: Member,
    uid: str,
    sequence: int,
    title: str,
    description: str,
    url: str | None,
    meetings_held: int = 0,
) -> MeetingSeries | None:
    """The agreed meetings as one series (see the module docstring), or None when there is nothing to
    schedule: no agreed cadence, or the term has no meeting left.

    ``title``, ``description`` and ``url`` go into the event as given: the caller keeps them free of
    anything private (goals, notes, answers).
    """
    cadence = terms.get("cadence")
    if cadence not in CADENCE_DAYS:
        return None
    end = _end(terms.get("length"), meetings_held)
    if end is None:
        return None
    count, until = end
    organiser = organiser_of(terms, mentee, copilot)
    start = first_meeting(terms, confirmed_at, mentee, organiser)
    if until is not None and start.date() > until:
        return None
    return MeetingSeries(
        uid=uid,
        title=title,
        description=description,
        url=url,
        first_start=start,
        duration=timedelta(minutes=int(terms.get("meeting_minutes") or DEFAULT_MINUTES)),
        interval_weeks=CADENCE_DAYS[cadence] // 7,
        count=count,
        until=until,
        organiser=organiser.attendee,
        attendees=(mentee.attendee, copilot.attendee),
        sequence=sequence,
    )

"""When a reminder that falls due on a person's local date goes out: at the nudge hour, on a working day.

Shared by the introduction follow-ups, the promise reminders and the keep-in-touch reminders.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.people.program_settings import ProgramSettings
from bot.rules.cadence import NudgeWindow, local_date, local_send_time


def _latest_send_time(now: datetime, tz: str, window: NudgeWindow) -> datetime | None:
    """The most recent working-day send time at or before `now`, in the person's zone."""
    today = local_date(now, tz)
    for back in range(8):
        day = today - timedelta(days=back)
        if day.weekday() in window.working_days:
            moment = local_send_time(day, tz, window)
            if moment <= now:
                return moment
    return None


def due_moment(due_on: date, now: datetime, tz: str, settings: ProgramSettings) -> datetime | None:
    """When a reminder for local date `due_on` should go out, if that is now (within the grace period).

    Reminders go at the nudge hour on a working day, on or after the due date. A planner that was down
    longer than the grace period waits for the next working day rather than nudging at night.
    """
    window = settings.nudge_window()
    moment = _latest_send_time(now, tz, window)
    if moment is None or local_date(moment, tz) < due_on:
        return None
    if now - moment > timedelta(hours=settings.grace_hours):
        return None
    return moment

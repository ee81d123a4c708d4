"""Dates, times and numbers the way the reader writes them ("Thu 19 Mar, 14:00"; "jeu. 19 mars, 14:00").

Every message writes a day with format_date() and a moment with format_moment(); the names come from
Babel's CLDR data for the reader's language, never from strftime (whose %a and %b follow the server's C
locale). Times are 24-hour in both languages, as the program has always written them.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from functools import lru_cache

from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal

from bot.i18n.catalogs import current_locale


def format_date(day: date, *, year: bool = False) -> str:
    """A day as people read it: "Thu 19 Mar" / "jeu. 19 mars", with ``year`` "Thu 19 Mar 2026"."""
    return _day(day if type(day) is date else date(day.year, day.month, day.day), year, current_locale())


@lru_cache(maxsize=4096)
def _day(day: date, year: bool, locale: str) -> str:
    # A planner writes the same few days into thousands of nudges: Babel formats each once per language.
    return babel_date(day, "EEE d MMM y" if year else "EEE d MMM", locale=locale)


def format_time(moment: time | datetime) -> str:
    return babel_time(moment, "HH:mm", locale=current_locale())


def format_moment(moment: datetime, zone: tzinfo) -> str:
    """A moment in the reader's zone: "Thu 19 Mar, 14:00"."""
    local = moment.astimezone(zone)
    return f"{format_date(local.date())}, {format_time(local)}"


def format_number(number: float, *, digits: int = 0) -> str:
    """1,234 / 1 234 (French writes a narrow no-break space); ``digits`` decimals at most."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(number, format=pattern, locale=current_locale())

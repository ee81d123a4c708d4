"""Reading a due date out of a promise typed in one line: "send the deck by friday".

Understands today, tomorrow, a weekday name (the next such day, never today), "next <weekday>", "in N
days" and YYYY-MM-DD, optionally after by / on / until / before / due, at the end of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_DATE_TAIL = re.compile(
    r"(?:\s+(?:by|on|until|before|due))?\s+"
    r"(today|tomorrow|in\s+(\d{1,3})\s+days?|(?:next\s+)?([a-z]+)|(\d{4}-\d{2}-\d{2}))\s*[.!]?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedPromise:
    what: str
    due_on: date | None


def parse_due(phrase: str, today: date) -> date | None:
    """A due date from today / tomorrow / a weekday name (the next such day) / in N days / YYYY-MM-DD."""
    parsed = parse_promise("x " + phrase.strip(), today)
    return parsed.due_on if parsed.what == "x" else None


def parse_promise(text: str, today: date) -> ParsedPromise:
    """Split "send the deck by friday" into what was promised and when (None if no date was found)."""
    text = " ".join(text.split())
    match = _DATE_TAIL.search(" " + text)
    if match is None:
        return ParsedPromise(text, None)
    word = match.group(1).lower()
    due: date | None = None
    if word == "today":
        due = today
    elif word == "tomorrow":
        due = today + timedelta(days=1)
    elif match.group(2) is not None:
        due = today + timedelta(days=int(match.group(2)))
    elif match.group(4) is not None:
        try:
            due = date.fromisoformat(match.group(4))
        except ValueError:
            due = None
    elif match.group(3) is not None and match.group(3).lower() in _WEEKDAYS:
        ahead = (_WEEKDAYS[match.group(3).lower()] - today.weekday()) % 7
        due = today + timedelta(days=ahead or 7)
    if due is None:
        return ParsedPromise(text, None)
    what = (" " + text)[: match.start()].strip()
    return ParsedPromise(what, due)

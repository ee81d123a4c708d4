"""Cleaning one person's answers: every question's rules, with an error message a person can act on.

``validate_answers`` checks a whole questionnaire; ``validate_field`` one answer (also used to check a
value proposed while settling a difference). Slack sends numbers and choices back as strings, so both
accept them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.i18n import N_, _
from bot.rules.agreements.questionnaire import (
    GOALS_MIN_CHARS,
    MAX_MEETINGS,
    MIN_WINDOW_MINUTES,
    QUESTION_BY_KEY,
    QUESTIONS,
    TEXT_MAX_CHARS,
    Option,
    Role,
)

_CHOICE_ERRORS = {
    "relationship_kind": N_("Pick the kind of relationship you're looking for"),
    "cadence": N_("Pick how often you'd like to meet"),
    "meeting_minutes": N_("Pick how long each meeting should be"),
    "meeting_format": N_("Pick how you'd like to meet"),
    "organiser": N_("Pick who sets up the meetings"),
}
_OPTIONS_BY_KEY: dict[str, tuple[Option, ...]] = {q.key: q.options for q in QUESTIONS if q.kind == "choice"}
_TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_TRUE_STRINGS = frozenset({"true", "yes", "on", "1"})


class _Invalid(Exception):
    """Internal: a single field's answer is unusable; the message (translated when raised, in the
    reader's language) is shown to the person."""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], (), {})


def _clean_choice(key: str, value: Any) -> Any:
    for option_value, _label, _help in _OPTIONS_BY_KEY[key]:
        # Slack select menus send every value back as a string.
        if value == option_value or (isinstance(value, str) and value.strip() == str(option_value)):
            return option_value
    raise _Invalid(_(_CHOICE_ERRORS[key]))


def _two_years_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 2)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 2, day=28)


def _parse_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _clean_length(value: Any, today: date) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _Invalid(_("Say how long the mentoring should last: a number of meetings or an end date"))
    meetings = value.get("meetings")
    end_date = value.get("end_date")
    if not _is_blank(meetings) and not _is_blank(end_date):
        raise _Invalid(_("Choose either a number of meetings or an end date, not both"))
    if not _is_blank(meetings):
        count = _parse_count(meetings)
        if count is None or not 1 <= count <= MAX_MEETINGS:
            raise _Invalid(
                _("The number of meetings must be a whole number from 1 to {most}", most=MAX_MEETINGS)
            )
        return {"meetings": count}
    if not _is_blank(end_date):
        if isinstance(end_date, date):
            ends = end_date
        else:
            try:
                ends = date.fromisoformat(str(end_date).strip())
            except ValueError:
                raise _Invalid(_("Enter the end date as a date, e.g. 2026-06-30")) from None
        if ends <= today:
            raise _Invalid(_("The end date must be in the future"))
        if ends > _two_years_after(today):
            raise _Invalid(_("The end date can be at most two years from today"))
        return {"end_date": ends.isoformat()}
    raise _Invalid(_("Say how long the mentoring should last: a number of meetings or an end date"))


def _clean_text(key: str, value: Any, role: Role) -> str:
    if value is not None and not isinstance(value, str):
        raise _Invalid(_("Please write your answer as text"))
    text = (value or "").strip()
    if len(text) > TEXT_MAX_CHARS:
        raise _Invalid(
            _(
                "Please keep this under {limit} characters (it's {length} now)",
                limit=TEXT_MAX_CHARS,
                length=len(text),
            )
        )
    if key == "goals" and role == "mentee":
        if not text:
            raise _Invalid(_("Tell your copilot what you'd like to work on"))
        if len(text) < GOALS_MIN_CHARS:
            raise _Invalid(
                _("Say a little more about your goals (at least {least} characters)", least=GOALS_MIN_CHARS)
            )
    if key == "offer" and role == "copilot" and not text:
        raise _Invalid(_("Tell your mentee what you can offer"))
    return text


def _clean_confidentiality(value: Any) -> bool:
    if value is True or (isinstance(value, str) and value.strip().lower() in _TRUE_STRINGS):
        return True
    raise _Invalid(_("Please tick this: it's what makes the conversation safe"))


def _clean_days(value: Any) -> list[int]:
    if _is_blank(value):
        return []
    if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
        raise _Invalid(_("Pick days from Monday to Sunday"))
    days = set()
    for item in value:
        day = _parse_count(item)
        if day is None or not 0 <= day <= 6:
            raise _Invalid(_("Pick days from Monday to Sunday"))
        days.add(day)
    return sorted(days)


def clock_minutes(hhmm: str) -> int:
    """Minutes since midnight of an "HH:MM" time (how time-window answers are stored)."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _clean_time(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) == 4 and text[1] == ":":  # "9:30" from a hand-typed answer
        text = "0" + text
    if not _TIME_PATTERN.match(text):
        raise _Invalid(_("Enter times as HH:MM, e.g. 09:30"))
    return text


def _clean_time_window(value: Any) -> dict[str, str] | None:
    if _is_blank(value):
        return None
    if not isinstance(value, Mapping):
        raise _Invalid(_("Enter a start and an end time, e.g. 09:30 to 12:00"))
    start, end = value.get("start"), value.get("end")
    if _is_blank(start) and _is_blank(end):
        return None
    if _is_blank(start) or _is_blank(end):
        raise _Invalid(_("Give both a start and an end time"))
    start, end = _clean_time(start), _clean_time(end)
    if clock_minutes(end) <= clock_minutes(start):
        raise _Invalid(_("The end time must be after the start time"))
    if clock_minutes(end) - clock_minutes(start) < MIN_WINDOW_MINUTES:
        raise _Invalid(
            _("Leave at least {minutes} minutes between the start and end time", minutes=MIN_WINDOW_MINUTES)
        )
    return {"start": start, "end": end}


def validate_field(key: str, value: Any, role: Role, today: date) -> tuple[Any, str | None]:
    """Clean one answer. Returns ``(cleaned value, None)`` or ``(None, human error message)``.

    Also used to check a value proposed while resolving a difference.
    """
    question = QUESTION_BY_KEY.get(key)
    if question is None:
        return None, _("Unknown question {key}", key=repr(key))
    try:
        if question.kind == "choice":
            if _is_blank(value):
                if key == "organiser":
                    return "mentee", None
                raise _Invalid(_(_CHOICE_ERRORS[key]))
            return _clean_choice(key, value), None
        if question.kind == "number_or_date":
            return _clean_length(value, today), None
        if question.kind == "text":
            return _clean_text(key, value, role), None
        if question.kind == "bool":
            return _clean_confidentiality(value), None
        if question.kind == "days":
            return _clean_days(value), None
        return _clean_time_window(value), None
    except _Invalid as error:
        return None, str(error)
    except Exception:  # odd payloads must never break the modal submission
        return None, _("That answer couldn't be read; please try again")


def validate_answers(
    raw: Mapping[str, Any], role: Role, today: date
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean one person's questionnaire. Returns ``(answers, errors keyed by question key)``.

    Only the questions asked of ``role`` are kept (a copilot's "goals" is dropped, for example).
    Optional questions left blank come back as their "no preference" value: ``organiser``
    "mentee", ``expectations`` "", ``preferred_days`` [] and ``time_window`` None.
    """
    if not isinstance(raw, Mapping):
        raw = {}
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in QUESTIONS:
        if not question.asked_of(role):
            continue
        cleaned, error = validate_field(question.key, raw.get(question.key), role, today)
        if error is None:
            answers[question.key] = cleaned
        else:
            errors[question.key] = error
    return answers, errors

"""Mentoring cohorts as plain data: the form an admin opens a cohort with, checked; a cohort's planned end
and mid-point; and the survey averages a program admin may see (none from fewer than three answers).
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.i18n import _

NAME_MAX = 80
LENGTHS = (3, 4, 6, 9, 12)  # months
DEFAULT_LENGTH = 6
SCORES = (1, 2, 3, 4, 5)
COMMENT_MAX = 1000
# The smallest number of answers an average is shown for, so nobody's own answer can be read from it.
MIN_ANSWERS = 3


class CohortState(enum.StrEnum):
    SIGNING_UP = "signing_up"  # the announcement's buttons take sign-ups until the window closes
    PAIRED = "paired"  # its one round has run


class Stage(enum.StrEnum):
    MIDPOINT = "midpoint"
    END = "end"


@dataclass(frozen=True)
class CohortForm:
    name: str
    opens_on: date | None
    closes_on: date | None
    starts_on: date | None
    length_months: int | None
    channel_id: str | None = None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def planned_end(starts_on: date, length_months: int) -> date:
    return add_months(starts_on, length_months)


def midpoint(starts_on: date, ends_on: date) -> date:
    return starts_on + (ends_on - starts_on) / 2


def check_cohort_form(form: CohortForm, today: date) -> dict[str, str]:
    """Problems keyed by field: name, opens, closes, starts, length."""
    errors: dict[str, str] = {}
    if not form.name.strip():
        errors["name"] = _("Give the cohort a name people will recognise.")
    elif len(form.name) > NAME_MAX:
        errors["name"] = _("Please keep the name to {limit} characters.", limit=NAME_MAX)
    if form.opens_on is None:
        errors["opens"] = _("Pick the day sign-ups open.")
    elif form.opens_on < today:
        errors["opens"] = _("Pick a day from today on.")
    if form.closes_on is None:
        errors["closes"] = _("Pick the last day of sign-ups.")
    elif form.opens_on is not None and form.closes_on < form.opens_on:
        errors["closes"] = _("Sign-ups can't close before they open.")
    if form.starts_on is None:
        errors["starts"] = _("Pick the day the mentoring starts.")
    elif form.closes_on is not None and form.starts_on <= form.closes_on:
        errors["starts"] = _("The mentoring starts after sign-ups close, so pairs can be formed first.")
    if form.length_months not in LENGTHS:
        errors["length"] = _("Pick how long the mentoring lasts.")
    return errors


def average(scores: Sequence[int]) -> float | None:
    """The mean of the answers, one decimal, or None when fewer than MIN_ANSWERS people answered."""
    if len(scores) < MIN_ANSWERS:
        return None
    return round(sum(scores) / len(scores), 1)

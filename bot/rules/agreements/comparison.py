"""Comparing the two sets of answers: what the mentee and copilot already agree on, and where they differ.

Time windows are compared across time zones: an agreed window is always in the mentee's local time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.rules.agreements.questionnaire import COMPARED_KEYS, MIN_WINDOW_MINUTES
from bot.rules.agreements.validation import clock_minutes


@dataclass(frozen=True)
class Difference:
    key: str
    mentee_value: Any
    copilot_value: Any
    dangerous: bool = False  # a mismatch that means they want different things, not just a detail


@dataclass(frozen=True)
class Comparison:
    agreed: dict[str, Any]
    differences: tuple[Difference, ...]

    @property
    def difference_keys(self) -> tuple[str, ...]:
        return tuple(difference.key for difference in self.differences)

    def difference(self, key: str) -> Difference | None:
        return next((d for d in self.differences if d.key == key), None)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _window_overlap(
    mentee_window: Mapping[str, str], copilot_window: Mapping[str, str], copilot_shift: int
) -> dict[str, str] | None:
    """The longest stretch both windows share, in the mentee's local time, if ≥ 30 minutes."""
    mentee_start, mentee_end = clock_minutes(mentee_window["start"]), clock_minutes(mentee_window["end"])
    best: tuple[int, int] | None = None
    # The copilot's window, moved into the mentee's clock, may land on the previous or next day.
    for day_shift in (-1440, 0, 1440):
        start = max(mentee_start, clock_minutes(copilot_window["start"]) + copilot_shift + day_shift)
        end = min(mentee_end, clock_minutes(copilot_window["end"]) + copilot_shift + day_shift)
        if end - start >= MIN_WINDOW_MINUTES and (best is None or end - start > best[1] - best[0]):
            best = (start, end)
    if best is None:
        return None
    return {"start": _hhmm(best[0]), "end": _hhmm(best[1])}


def compare_answers(
    mentee: Mapping[str, Any],
    copilot: Mapping[str, Any],
    *,
    mentee_utc_offset_minutes: int = 0,
    copilot_utc_offset_minutes: int = 0,
) -> Comparison:
    """Compare two cleaned questionnaires (from ``validate_answers``) field by field.

    Time windows are each person's local time; pass both UTC offsets when the two are in
    different time zones. An agreed time window is always expressed in the mentee's local time.
    """
    agreed: dict[str, Any] = {}
    differences: list[Difference] = []

    def differ(key: str) -> None:
        differences.append(
            Difference(key, mentee.get(key), copilot.get(key), dangerous=key == "relationship_kind")
        )

    for key in ("relationship_kind", "cadence", "meeting_minutes", "meeting_format", "length", "organiser"):
        default = "mentee" if key == "organiser" else None
        mentee_value, copilot_value = mentee.get(key, default), copilot.get(key, default)
        if mentee_value is not None and mentee_value == copilot_value:
            agreed[key] = mentee_value
        else:
            differ(key)

    mentee_days, copilot_days = (
        set(mentee.get("preferred_days") or ()),
        set(copilot.get("preferred_days") or ()),
    )
    if not mentee_days or not copilot_days:
        agreed["preferred_days"] = sorted(mentee_days or copilot_days)
    elif mentee_days & copilot_days:
        agreed["preferred_days"] = sorted(mentee_days & copilot_days)
    else:
        differ("preferred_days")

    mentee_window, copilot_window = mentee.get("time_window"), copilot.get("time_window")
    if not mentee_window or not copilot_window:
        if copilot_window and mentee_utc_offset_minutes != copilot_utc_offset_minutes:
            copilot_window = _window_overlap(
                {"start": "00:00", "end": "23:59"},
                copilot_window,
                mentee_utc_offset_minutes - copilot_utc_offset_minutes,
            )
        agreed["time_window"] = mentee_window or copilot_window or None
    else:
        overlap = _window_overlap(
            mentee_window, copilot_window, mentee_utc_offset_minutes - copilot_utc_offset_minutes
        )
        if overlap is None:
            differ("time_window")
        else:
            agreed["time_window"] = overlap

    agreed["goals"] = mentee.get("goals", "")
    agreed["offer"] = copilot.get("offer", "")
    agreed["expectations"] = {
        "mentee": mentee.get("expectations", ""),
        "copilot": copilot.get("expectations", ""),
    }
    agreed["confidentiality"] = (
        mentee.get("confidentiality") is True and copilot.get("confidentiality") is True
    )

    order = {key: index for index, key in enumerate(COMPARED_KEYS)}
    return Comparison(agreed=agreed, differences=tuple(sorted(differences, key=lambda d: order[d.key])))

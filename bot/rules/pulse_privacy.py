"""The pulse figure leads and admins see, shown so that no single answer can be worked out from it.

An exact live average with its count gives one person's score away: after a fourth answer,
4·avg₄ − 3·avg₃ is that person's score. So the figure
- is a band one point wide ("3 to 4 out of 5"), never the average itself;
- names no exact count: "3 or more people", then multiples of five ("10 or more");
- moves only at a fixed cadence (Mondays, 00:00 UTC), and only when at least PULSE_MIN_NEW people have
  answered since the figure last moved; otherwise the previous figure stays;
- counts each person's latest answer of the PULSE_WINDOW before that Monday, and needs at least
  PULSE_MIN_ANSWERS people.
Pure: it is computed afresh from the answers each time, so every process shows the same figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

PULSE_MIN_ANSWERS = 3
PULSE_MIN_NEW = 3
PULSE_WINDOW = timedelta(days=90)
CADENCE = timedelta(weeks=1)


@dataclass(frozen=True)
class PulseAnswer:
    person_id: int
    score: int
    answered_at: datetime


@dataclass(frozen=True)
class PulseFigure:
    low: int  # the band: low to low + 1 out of 5
    people_at_least: int  # 3, then a multiple of 5
    as_of: date  # the Monday the figure was taken

    @property
    def high(self) -> int:
        return min(self.low + 1, 5)


def band_of(average: float) -> int:
    """1 for [1, 2), 2 for [2, 3), 3 for [3, 4), 4 for [4, 5]."""
    return max(1, min(4, int(average)))


def people_floor(count: int) -> int:
    return PULSE_MIN_ANSWERS if count < 5 else count // 5 * 5


def _monday(moment: datetime) -> datetime:
    day = moment.astimezone(UTC).date()
    start = day - timedelta(days=day.weekday())
    return datetime(start.year, start.month, start.day, tzinfo=UTC)


def pulse_figure(answers: Iterable[PulseAnswer], now: datetime) -> PulseFigure | None:
    """The figure to show at `now`, or None (too few people, or nothing recent enough)."""
    ordered = sorted((a for a in answers if a.answered_at < now), key=lambda a: a.answered_at)
    if not ordered:
        return None
    latest: dict[int, PulseAnswer] = {}
    shown: PulseFigure | None = None
    shown_at: datetime | None = None
    cutoff, last = _monday(ordered[0].answered_at) + CADENCE, _monday(now)
    i = 0
    while cutoff <= last:
        while i < len(ordered) and ordered[i].answered_at < cutoff:
            latest[ordered[i].person_id] = ordered[i]
            i += 1
        current = [a for a in latest.values() if cutoff - a.answered_at <= PULSE_WINDOW]
        new = sum(1 for a in current if shown_at is None or a.answered_at >= shown_at)
        if len(current) >= PULSE_MIN_ANSWERS and new >= PULSE_MIN_NEW:
            average = sum(a.score for a in current) / len(current)
            shown = PulseFigure(band_of(average), people_floor(len(current)), cutoff.date())
            shown_at = cutoff
        cutoff += CADENCE
    if shown_at is None or now - shown_at > PULSE_WINDOW:
        return None
    return shown

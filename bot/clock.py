"""The only source of "now" in mentor-bot, so tests and `tick --now` can move time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to. Thread-safe: the web server and tests share it."""

    def __init__(self, at: datetime) -> None:
        self._lock = threading.Lock()
        self._now = as_utc(at)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, at: datetime) -> None:
        with self._lock:
            self._now = as_utc(at)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        with self._lock:
            self._now += delta if delta is not None else timedelta(**kwargs)
            return self._now


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken to be UTC; aware ones are converted."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an ISO-8601 instant such as 2026-03-02T10:00 or 2026-03-02T10:00:00+01:00 (naive = UTC)."""
    return as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))

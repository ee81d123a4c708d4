"""The grace period: how long after its due time a nudge is still worth sending (the program's
``grace_hours``). The dispatcher asks per workspace; the planner reads it from the pair's settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from bot.people import program_settings as program
from bot.runtime import Runtime


def grace_from_program(runtime: Runtime, ttl_seconds: float = 5.0) -> Callable[[str], timedelta]:
    """The dispatcher's grace period per workspace (ProgramSettings.grace_hours), cached for a few seconds."""
    cache: dict[str, tuple[float, timedelta]] = {}

    def grace(team_id: str) -> timedelta:
        hit = cache.get(team_id)
        if hit is not None and time.monotonic() - hit[0] < ttl_seconds:
            return hit[1]
        with runtime.db.transaction() as session:
            value = timedelta(hours=program.load(session, team_id).grace_hours)
        cache[team_id] = (time.monotonic(), value)
        return value

    return grace

"""The bounds of each program setting an admin may change: numbers within a range, words from a list.

`bot.people.program_settings.validate` holds submissions to them; the settings form shows the same bounds.
"""

from __future__ import annotations

from bot.i18n import LANGUAGES

# field -> (minimum, maximum) for the numeric settings
LIMITS: dict[str, tuple[float, float]] = {
    "max_tz_gap_hours": (0, 24),
    "reporting_line_depth": (1, 20),
    "offer_expiry_working_days": (1, 20),
    "nudge_hour": (0, 23),
    "quiet_start": (0, 23),
    "quiet_end": (0, 23),
    "grace_hours": (0, 168),
    "health_review_days": (7, 365),
    "intro_follow_up_days": (1, 60),
    "volume_guard": (1, 1000),
    "buddy_term_days": (14, 365),
}
CHOICES: dict[str, tuple[str, ...]] = {
    "checkin_delivery": ("dm", "group"),
    "language": LANGUAGES,
    "buddy_start": ("team_join", "start_date"),
}

"""Program settings an admin sets per workspace, and who counts as a program admin.

Stored as JSON in workspace_settings, validated here (within the bounds of ``bot.rules.program_limits``),
read fresh on every use so a change takes effect without a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.i18n import _
from bot.rules.cadence import NudgeWindow
from bot.rules.program_limits import CHOICES, LIMITS
from bot.runtime import Runtime
from storage.models import Person, WorkspaceSettings


@dataclass(frozen=True)
class ProgramSettings:
    max_tz_gap_hours: float = 8.0
    reporting_line_depth: int | None = None  # None: the whole chain up and down
    offer_expiry_working_days: int = 3
    nudge_hour: int = 10
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    quiet_start: int | None = 20
    quiet_end: int | None = 8
    grace_hours: int = 12
    health_review_days: int = 60
    digest_enabled: bool = True
    allow_guests: bool = False
    prefer_senior: bool = False
    checkin_delivery: str = "dm"  # "dm" to the organiser, or "group" in the pair's group DM
    intro_follow_up_days: int = 7
    volume_guard: int = 10
    workspace_admins_are_program_admins: bool = True
    language: str = "en"  # what people read when they chose nothing and Slack's locale has no catalog
    # onboarding buddies (bot.buddies): off until an admin turns them on
    buddy_program: bool = False
    buddy_term_days: int = 90
    buddy_start: str = "team_join"  # Slack's team_join, or "start_date" from the org chart

    def nudge_window(self) -> NudgeWindow:
        """When this workspace's nudges may arrive: the nudge hour on working days, outside quiet hours."""
        quiet = None not in (self.quiet_start, self.quiet_end) and self.quiet_start != self.quiet_end
        return NudgeWindow(
            hour=self.nudge_hour,
            working_days=frozenset(self.working_days),
            quiet_start=self.quiet_start if quiet else None,
            quiet_end=self.quiet_end if quiet else None,
        )


def validate(
    raw: Mapping[str, Any], base: ProgramSettings | None = None
) -> tuple[ProgramSettings, dict[str, str]]:
    """Apply `raw` over `base`; return the new settings and errors keyed by field (unknown keys are errors)."""
    base = base or ProgramSettings()
    known = {f.name: f for f in fields(ProgramSettings)}
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            errors[key] = _("{key} is not a program setting", key=key)
            continue
        default = getattr(ProgramSettings(), key)
        try:
            changes[key] = _coerce(key, value, default)
        except (TypeError, ValueError) as exc:
            errors[key] = str(exc)
    if errors:
        return base, errors
    return replace(base, **changes), {}


def _coerce(key: str, value: Any, default: Any) -> Any:
    if value is None or value == "":
        if key in ("reporting_line_depth", "quiet_start", "quiet_end"):
            return None
        raise ValueError(_("Please give a value"))
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "yes", "on", "1"):
            return True
        if str(value).lower() in ("false", "no", "off", "0"):
            return False
        raise ValueError(_("Choose yes or no"))
    if key == "working_days":
        days = tuple(sorted({int(d) for d in value}))
        if not days or any(d < 0 or d > 6 for d in days):
            raise ValueError(_("Pick at least one working day"))
        return days
    if key in CHOICES:
        if value not in CHOICES[key]:
            raise ValueError(_("Choose one of {choices}", choices=", ".join(CHOICES[key])))
        return value
    low, high = LIMITS[key]
    number = float(value) if key == "max_tz_gap_hours" else int(value)
    if not low <= number <= high:
        raise ValueError(_("Use a number from {low} to {high}", low=f"{low:g}", high=f"{high:g}"))
    return number


def load(session: Session, team_id: str) -> ProgramSettings:
    row = session.get(WorkspaceSettings, team_id)
    if row is None:
        return ProgramSettings()
    settings, errors = validate(row.settings)
    # A stored value that no longer validates (e.g. after an upgrade) falls back to defaults, field by field.
    if errors:
        good = {k: v for k, v in row.settings.items() if k not in errors}
        settings, _ = validate(good)
    return settings


def save(session: Session, team_id: str, settings: ProgramSettings, now: datetime) -> None:
    data = asdict(settings)
    data["working_days"] = list(settings.working_days)
    row = session.get(WorkspaceSettings, team_id)
    if row is None:
        session.add(WorkspaceSettings(team_id=team_id, settings=data, updated_at=now))
    else:
        row.settings = data
        row.updated_at = now


def program_settings_of(runtime: Runtime, team_id: str) -> ProgramSettings:
    """load, in its own transaction (what the settings form opens with)."""
    with runtime.db.transaction() as session:
        return load(session, team_id)


def update_program_settings(
    runtime: Runtime, team_id: str, raw: dict[str, Any]
) -> tuple[ProgramSettings, dict[str, str]]:
    """Validate `raw` over the stored settings and save them; errors by field name, nothing saved then."""
    with runtime.db.transaction() as session:
        current = load(session, team_id)
        updated, errors = validate(raw, current)
        if errors:
            return current, errors
        save(session, team_id, updated, runtime.clock.now())
        return updated, {}


def is_program_admin(
    settings: Settings, program: ProgramSettings, person: Person | None, team_id: str, user_id: str
) -> bool:
    if settings.lists_admin(team_id, user_id):
        return True
    return bool(person and program.workspace_admins_are_program_admins and person.is_workspace_admin)

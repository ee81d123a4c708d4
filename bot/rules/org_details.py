"""One person's place in the org chart as an admin proposes it, and the checks that need no database.

The admin's person form, the org chart CSV and the people table share these bounds. Whether a proposed
manager would close a loop needs the stored chart: ``bot.people.org_chart`` checks that.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import _

MAX_TEXT = 200  # people.org_team and people.title
MAX_LEVEL = 99


@dataclass(frozen=True)
class OrgDetails:
    """Manager (a Slack user id), team, title and level: None for each one left empty."""

    manager_user_id: str | None
    org_team: str | None
    title: str | None
    level: int | None


def org_detail_problems(user_id: str, details: OrgDetails) -> dict[str, str]:
    """Problems with the proposed details for `user_id`, keyed by field: manager, team, title, level."""
    errors: dict[str, str] = {}
    if details.manager_user_id == user_id:
        errors["manager"] = _("Someone can't be their own manager.")
    if details.level is not None and not 0 <= details.level <= MAX_LEVEL:
        errors["level"] = _("Use a whole number from 0 to {high}.", high=MAX_LEVEL)
    for key, value in (("team", details.org_team), ("title", details.title)):
        if value and len(value) > MAX_TEXT:
            errors[key] = _("Keep it to {limit} characters.", limit=MAX_TEXT)
    return errors

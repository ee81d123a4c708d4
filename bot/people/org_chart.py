"""One person's place in the org chart: who they report to, their team, title and level, as it changes.

Matching uses the chart for a hard rule (nobody is paired inside their own reporting line) and for
scoring (team, level). It changes in two ways that apply one change-set, ``apply_org_change``: a CSV
import (``bot.people.org_import``) and an admin's ``/mentor admin person`` form, whose read, check and
save are here. The form refuses a manager who would close a loop; the import cuts loops afterwards.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.i18n import N_, _
from bot.people.directory import display_name, ensure_person, find_person, reporting_chain, run_org_hooks
from bot.rules.org_details import OrgDetails, org_detail_problems
from bot.runtime import Runtime
from storage.models import Person


class Unchanged(enum.Enum):
    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True)
class OrgChange:
    """What to set on one person. UNCHANGED leaves a field as it is (a column the CSV file doesn't
    have); None clears it."""

    manager: Person | Unchanged | None = UNCHANGED
    org_team: str | Unchanged | None = UNCHANGED
    title: str | Unchanged | None = UNCHANGED
    level: int | Unchanged | None = UNCHANGED


def shown(value: object) -> str:
    """A value as a change report shows it: "(none)" for nothing."""
    return _("(none)") if value in (None, "") else str(value)


_CHANGED = {
    "manager": N_("manager {old} → {new}"),
    "team": N_("team {old} → {new}"),
    "title": N_("title {old} → {new}"),
    "level": N_("level {old} → {new}"),
}


def apply_org_change(session: Session, person: Person, change: OrgChange) -> list[str]:
    """Set what the change names on the person; returns what changed, in words ("team Red → Blue")."""
    changes: list[str] = []
    if change.manager is not UNCHANGED:
        manager = change.manager
        if person.manager_id != (manager.id if manager else None):
            old = session.get(Person, person.manager_id) if person.manager_id else None
            old_name, new_name = shown(old and display_name(old)), shown(manager and display_name(manager))
            changes.append(_(_CHANGED["manager"], old=old_name, new=new_name))
            person.manager_id = manager.id if manager else None
    for label, attribute in (("team", "org_team"), ("title", "title"), ("level", "level")):
        value = getattr(change, attribute)
        if value is not UNCHANGED and getattr(person, attribute) != value:
            changes.append(_(_CHANGED[label], old=shown(getattr(person, attribute)), new=shown(value)))
            setattr(person, attribute, value)
    return changes


# --- The admin's person form -----------------------------------------------------------------------


def org_details_of(session: Session, team_id: str, user_id: str) -> OrgDetails | None:
    person = find_person(session, team_id, user_id)
    if person is None:
        return None
    manager = session.get(Person, person.manager_id) if person.manager_id else None
    return OrgDetails(
        manager_user_id=manager.slack_user_id if manager else None,
        org_team=person.org_team,
        title=person.title,
        level=person.level,
    )


def check_org_details(session: Session, team_id: str, user_id: str, details: OrgDetails) -> dict[str, str]:
    """Problems with the proposed details, keyed by field: manager, team, title, level."""
    errors = org_detail_problems(user_id, details)
    if details.manager_user_id and "manager" not in errors:
        person = find_person(session, team_id, user_id)
        manager = find_person(session, team_id, details.manager_user_id)
        if person is not None and manager is not None and person.id in reporting_chain(session, manager.id):
            loop = _(
                "{manager} already reports to {person} (directly or further down), so this would make a loop.",
                manager=display_name(manager),
                person=display_name(person),
            )
            errors = {"manager": loop, **errors}
    return errors


def org_details_for(runtime: Runtime, team_id: str, user_id: str) -> OrgDetails | None:
    """org_details_of in its own transaction: what the admin's person form opens with."""
    with runtime.db.transaction() as session:
        return org_details_of(session, team_id, user_id)


def check_org_details_for(
    runtime: Runtime, team_id: str, user_id: str, details: OrgDetails
) -> dict[str, str]:
    """check_org_details in its own transaction: quick reads only, run before the form is acked."""
    with runtime.db.transaction() as session:
        return check_org_details(session, team_id, user_id, details)


def update_org_details(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, details: OrgDetails
) -> list[str]:
    """save_org_details in its own transaction. Raises OrgDetailsRefused or UnknownSlackUser."""
    with runtime.db.transaction() as session:
        return save_org_details(runtime, session, client, team_id, user_id, details)


class OrgDetailsRefused(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def save_org_details(
    runtime: Runtime, session: Session, client: WebClient, team_id: str, user_id: str, details: OrgDetails
) -> list[str]:
    """Store an admin's edit of one person's org details; returns what changed, in words."""
    errors = check_org_details(session, team_id, user_id, details)
    if errors:
        raise OrgDetailsRefused(errors)
    person = ensure_person(runtime, session, client, team_id, user_id)
    manager = (
        ensure_person(runtime, session, client, team_id, details.manager_user_id)
        if details.manager_user_id
        else None
    )
    change = OrgChange(
        manager=manager, org_team=details.org_team or None, title=details.title or None, level=details.level
    )
    changes = apply_org_change(session, person, change)
    if not changes:
        return changes
    # What the new chart puts inside a reporting line is undone now, and listed in the admin's answer.
    return changes + [
        _("{change} (the program's rules no longer allow it)", change=line)
        for line in run_org_hooks(runtime, session, team_id)
    ]

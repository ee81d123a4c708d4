"""Who sees what: program admins see the whole workspace, leads see their people, everyone else themselves.

A person is a lead for everyone below them in the org chart and for the members of the Slack user
groups an admin put in their care (`/mentor admin leads @lead S0123`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.oversight.program_facts import person_ids_for_users, usergroup_assignments
from bot.people import program_settings as program
from bot.people.directory import UnknownSlackUser, display_name, ensure_person, find_person, reports_of
from bot.rules.summary_figures import Scope
from bot.runtime import Runtime
from storage.models import LeadUsergroup, Person

log = logging.getLogger(__name__)

RoleName = Literal["admin", "lead", "participant"]

# <!subteam^S0123|@design> (how Slack escapes a user group in command text) or a bare id
USERGROUP = re.compile(r"^<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>$|^(S[A-Z0-9]{2,})$")


@dataclass(frozen=True)
class Viewer:
    """The person asking, and what they may see."""

    user_id: str
    person: Person | None
    role: RoleName
    scope: Scope | None  # None for participants


class UsergroupRefused(ValueError):
    """Slack doesn't know the user group, or won't tell us its members."""


def parse_usergroup(text: str) -> str | None:
    match = USERGROUP.match(text.strip())
    return (match.group(1) or match.group(2)) if match else None


def lead_scope(session: Session, person: Person) -> Scope | None:
    """The people a lead looks after (themselves excluded), or None if they lead nobody."""
    ids = set(reports_of(session, person.id))
    members: set[str] = set()
    for assignment in usergroup_assignments(session, person.team_id, person.id):
        members.update(assignment.member_user_ids or [])
    if members:
        ids |= person_ids_for_users(session, person.team_id, members)
    ids.discard(person.id)
    if not ids:
        return None
    return Scope(lead_name=display_name(person), person_ids=frozenset(ids))


def workspace_scope() -> Scope:
    return Scope()


def viewer(runtime: Runtime, session: Session, team_id: str, user_id: str) -> Viewer:
    person = find_person(session, team_id, user_id)
    settings = program.load(session, team_id)
    if program.is_program_admin(runtime.settings, settings, person, team_id, user_id):
        return Viewer(user_id, person, "admin", workspace_scope())
    if person is not None:
        scope = lead_scope(session, person)
        if scope is not None:
            return Viewer(user_id, person, "lead", scope)
    return Viewer(user_id, person, "participant", None)


def usergroup_members(client: WebClient, usergroup_id: str) -> list[str]:
    try:
        return list(client.usergroups_users_list(usergroup=usergroup_id).get("users") or [])
    except SlackApiError as exc:
        raise UsergroupRefused(str(exc.response.get("error") or "unknown_error")) from None
    except SlackClientError as exc:
        raise UsergroupRefused(type(exc).__name__) from None


def refresh_usergroups(runtime: Runtime, client: WebClient, team_id: str, lead_user_id: str) -> None:
    """Re-read the members of a lead's user groups from Slack; keep the stored copy if Slack won't say."""
    with runtime.db.transaction() as session:
        lead = find_person(session, team_id, lead_user_id)
        group_ids = [a.usergroup_id for a in usergroup_assignments(session, team_id, lead.id)] if lead else []
    if not group_ids:
        return
    fresh: dict[str, list[str]] = {}
    for group_id in group_ids:  # Slack calls outside any transaction
        try:
            fresh[group_id] = usergroup_members(client, group_id)
        except UsergroupRefused as exc:
            log.warning("usergroups.users.list refused (%s); keeping the stored members", exc)
    with runtime.db.transaction() as session:
        lead = find_person(session, team_id, lead_user_id)
        if lead is None:
            return
        for assignment in usergroup_assignments(session, team_id, lead.id):
            if assignment.usergroup_id in fresh:
                assignment.member_user_ids = fresh[assignment.usergroup_id]
                assignment.members_synced_at = runtime.clock.now()


def assign_usergroup(
    runtime: Runtime, session: Session, team_id: str, lead: Person, usergroup_id: str, members: list[str]
) -> bool:
    """Put a user group in a lead's care. Returns False if it already was (its members are refreshed)."""
    now = runtime.clock.now()
    existing = session.scalar(
        select(LeadUsergroup).where(
            LeadUsergroup.team_id == team_id,
            LeadUsergroup.lead_person_id == lead.id,
            LeadUsergroup.usergroup_id == usergroup_id,
        )
    )
    if existing is not None:
        existing.member_user_ids = members
        existing.members_synced_at = now
        return False
    session.add(
        LeadUsergroup(
            team_id=team_id,
            lead_person_id=lead.id,
            usergroup_id=usergroup_id,
            member_user_ids=members,
            members_synced_at=now,
            created_at=now,
        )
    )
    return True


def unassign_usergroup(session: Session, team_id: str, lead: Person, usergroup_id: str) -> bool:
    result = session.execute(
        delete(LeadUsergroup).where(
            LeadUsergroup.team_id == team_id,
            LeadUsergroup.lead_person_id == lead.id,
            LeadUsergroup.usergroup_id == usergroup_id,
        )
    )
    return bool(result.rowcount)


def assigned_usergroups(session: Session, team_id: str, lead: Person) -> list[str]:
    return [a.usergroup_id for a in usergroup_assignments(session, team_id, lead.id)]


@dataclass(frozen=True)
class LeadGroupChange:
    outcome: Literal["assigned", "refreshed", "removed", "not_assigned", "unknown_group", "unknown_lead"]
    members: int = 0
    error: str = ""


def change_lead_group(
    runtime: Runtime, client: WebClient, team_id: str, lead_user_id: str, usergroup_id: str, *, remove: bool
) -> LeadGroupChange:
    """Assign a Slack user group to a lead (its members become their people), or take it away."""
    members: list[str] = []
    if not remove:
        try:
            members = usergroup_members(client, usergroup_id)  # before the transaction: a Slack call
        except UsergroupRefused as exc:
            return LeadGroupChange("unknown_group", error=str(exc))
    with runtime.db.transaction() as session:
        try:
            lead = ensure_person(runtime, session, client, team_id, lead_user_id)
        except UnknownSlackUser:
            return LeadGroupChange("unknown_lead")
        if remove:
            removed = unassign_usergroup(session, team_id, lead, usergroup_id)
            return LeadGroupChange("removed" if removed else "not_assigned")
        added = assign_usergroup(runtime, session, team_id, lead, usergroup_id, members)
        return LeadGroupChange("assigned" if added else "refreshed", members=len(members))


def groups_of_lead(runtime: Runtime, team_id: str, lead_user_id: str) -> list[str]:
    with runtime.db.transaction() as session:
        lead = find_person(session, team_id, lead_user_id)
        return assigned_usergroups(session, team_id, lead) if lead else []


def is_admin(runtime: Runtime, client: WebClient | None, team_id: str, user_id: str) -> bool:
    """Program admin? The one admin check: ADMIN_USER_IDS, or a workspace admin when the program allows it.

    With a client it asks Slack about people we haven't met (or not lately), so a workspace admin counts
    from their first command. Without one it decides from what is stored, asking and storing nobody: for
    drawing a page, which must not add anyone to the people table (not even someone who was just forgotten).
    """
    if runtime.settings.lists_admin(team_id, user_id):
        return True  # no need to ask Slack
    with runtime.db.transaction() as session:
        person: Person | None
        if client is None:
            person = find_person(session, team_id, user_id)
        else:
            try:
                person = ensure_person(runtime, session, client, team_id, user_id)
            except UnknownSlackUser:
                person = None
        return program.is_program_admin(
            runtime.settings, program.load(session, team_id), person, team_id, user_id
        )

"""What forget-me clears beyond what the person wrote: the traces of them in other people's rows.

``bot.people.forgetting`` runs these in its transaction, before the person's row is anonymised:
their lead digests and lead user groups go, their Slack id leaves other leads' group member lists, the
partner's automatic keep-in-touch contact for them goes, and other people's contacts and promises that
name them lose their Slack id and name. ``flag_orphaned_reports`` tells the program admins whose manager
is now unknown (their reports keep pointing at the tombstone: ``bot.people.tombstones``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.messages.data_rights import org_gap_message
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.people import program_settings as program
from bot.people.languages import writing_for
from bot.people.tombstones import reports_of_tombstone
from bot.runtime import Runtime
from storage.models import Contact, LeadDigest, LeadUsergroup, Person, Promise

# The contact a networking ending adds for each of the pair (bot.expectations.term_end).
AUTOMATIC_CONTACT = "Copilots in the mentoring program"
A_COLLEAGUE = "a colleague who left the program"


def forget_traces(session: Session, person: Person, names: Sequence[str]) -> int:
    """Clear the person's Slack id and name from rows that belong to others; returns rows changed."""
    team, user_id = person.team_id, person.slack_user_id
    changed = 0
    for statement in (
        delete(LeadDigest).where(LeadDigest.team_id == team, LeadDigest.lead_person_id == person.id),
        delete(LeadUsergroup).where(LeadUsergroup.team_id == team, LeadUsergroup.lead_person_id == person.id),
        delete(Contact).where(
            Contact.team_id == team,
            Contact.slack_user_id == user_id,
            Contact.common_ground == AUTOMATIC_CONTACT,
        ),
    ):
        changed += session.execute(statement).rowcount or 0
    for group in session.scalars(select(LeadUsergroup).where(LeadUsergroup.team_id == team)):
        members = list(group.member_user_ids or [])
        if user_id in members:
            group.member_user_ids = [m for m in members if m != user_id]
            changed += 1
    wanted = {n.casefold() for n in names if n}
    for contact in session.scalars(
        select(Contact).where(Contact.team_id == team, Contact.slack_user_id == user_id)
    ):
        contact.slack_user_id = None
        if contact.name.casefold() in wanted or not wanted:
            contact.name = A_COLLEAGUE
        changed += 1
    for promise in session.scalars(
        select(Promise).where(Promise.team_id == team, Promise.to_slack_user_id == user_id)
    ):
        promise.to_slack_user_id = None
        if promise.to_name.casefold() in wanted:
            promise.to_name = A_COLLEAGUE
        changed += 1
    return changed


def flag_orphaned_reports(runtime: Runtime, session: Session, person: Person, now: datetime) -> int:
    """The person managed others: tell the program admins those reports' manager is now unknown."""
    reports = [r for r in reports_of_tombstone(session, person) if r.slack_user_id != person.slack_user_id]
    if not reports:
        return 0
    settings = program.load(session, person.team_id)
    admins = set(runtime.settings.admins_of(person.team_id))
    if settings.workspace_admins_are_program_admins:
        admins |= set(
            session.scalars(
                select(Person.slack_user_id).where(
                    Person.team_id == person.team_id,
                    Person.is_workspace_admin.is_(True),
                    Person.is_deleted.is_(False),
                    Person.id != person.id,
                )
            )
        )
    admins.discard(person.slack_user_id)
    for admin in sorted(admins):
        with writing_for(session, person.team_id, admin):
            message = org_gap_message([r.slack_user_id for r in reports])
        outbox.send_dm(
            session,
            to=admin,
            kind=Kind.ADMIN_ORG_GAP,
            subject=person,
            key=outbox_keys.admin_org_gap(admin, person.id),
            message=message,
            due_at=now,
            now=now,
        )
    return len(admins)

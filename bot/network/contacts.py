"""Someone's private contacts: the contact modal's draft, its checks, and saving a contact.

Private to their owner: not their copilot, not a lead, not an admin. Every read and write checks the
owner (ownership.owned_row). Keep-in-touch reminders for a contact live in keep_in_touch.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slack_sdk import WebClient

from bot.i18n import _
from bot.messages.contacts import NAME_LIMIT, TEXT_LIMIT, ContactFields
from bot.network.keep_in_touch import touch_due
from bot.network.ownership import owned_row
from bot.people.directory import UnknownSlackUser, display_name, ensure_person, find_person
from bot.rules.cadence import local_date
from bot.runtime import Runtime
from storage.models import Contact

KEEP_IN_TOUCH_MAX_DAYS = 3650


@dataclass(frozen=True)
class ContactDraft:
    """What the contact modal opens with: empty for a new contact (contact_id None)."""

    contact_id: int | None
    fields: ContactFields | None
    today: date


def contact_draft(runtime: Runtime, team_id: str, user_id: str, contact_id: int | None) -> ContactDraft:
    """A new contact, or one of yours to edit. NotYours for anyone else's (or a missing one)."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        if contact_id is None:
            me = find_person(session, team_id, user_id)
            return ContactDraft(None, None, local_date(now, me.tz if me else "UTC"))
        contact, owner = owned_row(session, Contact, team_id, contact_id, user_id)
        fields = ContactFields(
            contact.slack_user_id,
            contact.name,
            contact.common_ground,
            contact.notes,
            contact.referrals,
            contact.last_talked_at,
            contact.keep_in_touch_days,
        )
        return ContactDraft(contact.id, fields, local_date(now, owner.tz))


def check_contact(runtime: Runtime, team_id: str, user_id: str, fields: ContactFields) -> dict[str, str]:
    """Field errors keyed by the contact modal's block ids, against today in the owner's zone."""
    with runtime.db.transaction() as session:
        me = find_person(session, team_id, user_id)
        today = local_date(runtime.clock.now(), me.tz if me else "UTC")
    errors: dict[str, str] = {}
    if not fields.slack_user_id and not fields.name.strip():
        errors["name"] = _("Pick someone in Slack or write their name.")
    if len(fields.name) > NAME_LIMIT:
        errors["name"] = _(
            "Keep the name to {limit} characters (it has {length}).",
            limit=NAME_LIMIT,
            length=len(fields.name),
        )
    for field in ("common_ground", "notes", "referrals"):
        value = getattr(fields, field)
        if len(value) > TEXT_LIMIT:
            errors[field] = _(
                "Keep this to {limit} characters (it has {length}).", limit=TEXT_LIMIT, length=len(value)
            )
    if fields.last_talked_at is not None and fields.last_talked_at > today:
        errors["last_talked"] = _("That's in the future: pick the last day you talked.")
    days = fields.keep_in_touch_days
    if days is not None and not 1 <= days <= KEEP_IN_TOUCH_MAX_DAYS:
        errors["keep_in_touch"] = _(
            "Use a number of days from 1 to {most}, or leave it empty.", most=KEEP_IN_TOUCH_MAX_DAYS
        )
    return errors


def save_contact(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    contact_id: int | None,
    fields: ContactFields,
) -> int:
    """Add a contact (contact_id None) or change one of yours. NotYours if the id is someone else's."""
    with runtime.db.transaction() as session:
        me = find_person(session, team_id, user_id) or ensure_person(
            runtime, session, client, team_id, user_id
        )
        now = runtime.clock.now()
        name = fields.name.strip()
        if not name and fields.slack_user_id:
            try:
                name = display_name(ensure_person(runtime, session, client, team_id, fields.slack_user_id))
            except UnknownSlackUser:
                name = fields.slack_user_id
        if contact_id is None:
            contact = Contact(team_id=team_id, owner_id=me.id, created_at=now)
            session.add(contact)
        else:
            contact, _owner = owned_row(session, Contact, team_id, contact_id, user_id)
        contact.slack_user_id = fields.slack_user_id
        contact.name = name[:NAME_LIMIT]
        contact.common_ground = fields.common_ground.strip()
        contact.notes = fields.notes.strip()
        contact.referrals = fields.referrals.strip()
        contact.last_talked_at = fields.last_talked_at
        contact.keep_in_touch_days = fields.keep_in_touch_days
        contact.touch_due_on = touch_due(contact, local_date(now, me.tz))
        contact.updated_at = now
        session.flush()
        return contact.id

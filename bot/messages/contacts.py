"""Contacts: the contact modal, a contact's line, and the keep-in-touch reminder with its answers.

Private to their owner: nothing here is shown to anyone else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.i18n import _, n_
from bot.messages.message import Message
from bot.messages.text import actions, button, clip, context, escape, format_date, mention, plain, section

NAME_LIMIT = 200
TEXT_LIMIT = 2000

CONTACT_CALLBACK = "contact_modal"
ADD_CONTACT_ACTION = "contact_add"
EDIT_CONTACT_ACTION = "contact_edit"
PICK_CONTACT_ACTION = "contact_pick"
TALKED_ACTION = "contact_talked"
STOP_ACTION = "contact_stop_reminding"


@dataclass(frozen=True)
class ContactFields:
    """What the contact modal holds."""

    slack_user_id: str | None
    name: str
    common_ground: str
    notes: str
    referrals: str
    last_talked_at: date | None
    keep_in_touch_days: int | None


@dataclass(frozen=True)
class ContactLine:
    contact_id: int
    slack_user_id: str | None
    name: str
    last_talked_at: date | None
    keep_in_touch_days: int | None


@dataclass(frozen=True)
class KeepInTouch:
    """A reminder to say hi to a contact: `days` since the last talk (or since they were added)."""

    contact_id: int
    owner_user_id: str
    contact_user_id: str | None
    name: str
    days: int
    ever_talked: bool


def who(user_id: str | None, name: str) -> str:
    return mention(user_id) if user_id else f"*{escape(clip(name, 60))}*"


def _talked(day: date | None) -> str:
    return _("talked {day}", day=format_date(day, year=True)) if day else _("no talk noted")


def contact_line(c: ContactLine) -> str:
    person, talked = who(c.slack_user_id, c.name), _talked(c.last_talked_at)
    if c.keep_in_touch_days:
        return _(
            "• {person} · {talked} · every {days} d", person=person, talked=talked, days=c.keep_in_touch_days
        )
    return _("• {person} · {talked}", person=person, talked=talked)


def contact_modal(contact_id: int | None, fields: ContactFields | None, today: date) -> dict[str, Any]:
    f = fields or ContactFields(None, "", "", "", "", None, None)

    def text_input(block_id: str, label: str, value: str, limit: int, *, multiline: bool) -> dict[str, Any]:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": "text",
            "multiline": multiline,
            "max_length": limit,
        }
        if value:
            element["initial_value"] = value
        return {
            "type": "input",
            "block_id": block_id,
            "optional": True,
            "label": plain(label),
            "element": element,
        }

    user: dict[str, Any] = {
        "type": "users_select",
        "action_id": "user",
        "placeholder": plain(_("Someone in Slack")),
    }
    if f.slack_user_id:
        user["initial_user"] = f.slack_user_id
    talked: dict[str, Any] = {"type": "datepicker", "action_id": "date"}
    if f.last_talked_at:
        talked["initial_date"] = f.last_talked_at.isoformat()
    keep: dict[str, Any] = {
        "type": "number_input",
        "action_id": "days",
        "is_decimal_allowed": False,
        "min_value": "1",
    }
    if f.keep_in_touch_days:
        keep["initial_value"] = str(f.keep_in_touch_days)
    blocks = [
        {
            "type": "input",
            "block_id": "user",
            "optional": True,
            "label": plain(_("In Slack")),
            "element": user,
        },
        text_input(
            "name",
            _("Or their name (outside Slack)"),
            f.name if not f.slack_user_id else "",
            NAME_LIMIT,
            multiline=False,
        ),
        text_input("common_ground", _("How we're connected"), f.common_ground, TEXT_LIMIT, multiline=True),
        text_input("notes", _("Notes"), f.notes, TEXT_LIMIT, multiline=True),
        text_input("referrals", _("Referrals they gave me"), f.referrals, TEXT_LIMIT, multiline=True),
        {
            "type": "input",
            "block_id": "last_talked",
            "optional": True,
            "label": plain(_("Last time we talked")),
            "element": talked,
        },
        {
            "type": "input",
            "block_id": "keep_in_touch",
            "optional": True,
            "label": plain(_("Remind me to keep in touch every … days")),
            "element": keep,
            "hint": plain(_("Leave empty for no reminders."), 150),
        },
        context(_("Only you can see your contacts and notes: not your copilot, not a lead, not an admin.")),
    ]
    return {
        "type": "modal",
        "callback_id": CONTACT_CALLBACK,
        "title": plain(_("Edit contact") if contact_id else _("Add a contact"), 24),
        "submit": plain(_("Save"), 24),
        "close": plain(_("Cancel"), 24),
        "private_metadata": json.dumps({"contact": contact_id}),
        "blocks": blocks,
    }


def contact_values(values: dict[str, dict[str, Any]]) -> tuple[ContactFields, dict[str, str]]:
    def text(block_id: str) -> str:
        return (values.get(block_id, {}).get("text") or {}).get("value") or ""

    errors: dict[str, str] = {}
    user = (values.get("user", {}).get("user") or {}).get("selected_user") or None
    raw_date = (values.get("last_talked", {}).get("date") or {}).get("selected_date")
    talked = None
    if raw_date:
        try:
            talked = date.fromisoformat(raw_date)
        except ValueError:
            errors["last_talked"] = _("Pick a date from the calendar.")
    raw_days = ((values.get("keep_in_touch", {}).get("days") or {}).get("value") or "").strip()
    days = None
    if raw_days:
        try:
            days = int(raw_days)
        except ValueError:
            errors["keep_in_touch"] = _("Use a whole number of days, or leave it empty.")
    fields = ContactFields(
        user, text("name"), text("common_ground"), text("notes"), text("referrals"), talked, days
    )
    return fields, errors


def contact_id_from(view: dict[str, Any]) -> int | None:
    raw = json.loads(view.get("private_metadata") or "{}").get("contact")
    return int(raw) if raw is not None else None


def not_your_contact_text() -> str:
    return _("That contact isn't in your network, so you can't see or change it. Nothing was changed.")


def keep_in_touch_message(k: KeepInTouch) -> Message:
    name = who(k.contact_user_id, k.name)
    if k.ever_talked:
        text = n_(
            "It's been {count} day since you talked to {name}. No reason needed to say hi.",
            "It's been {count} days since you talked to {name}. No reason needed to say hi.",
            k.days,
            name=name,
        )
    else:
        text = n_(
            "You added {name} to your network {count} day ago. No reason needed to say hi.",
            "You added {name} to your network {count} days ago. No reason needed to say hi.",
            k.days,
            name=name,
        )
    value = str(k.contact_id)
    return Message(
        text=text,
        blocks=[
            section(text),
            actions(
                button(_("We talked"), TALKED_ACTION, value, style="primary"),
                button(_("Stop reminding me"), STOP_ACTION, value),
                block_id=f"touch_{value}",
            ),
        ],
    )


def talked_text(day: date) -> str:
    return _("Noted: you talked on {day}.", day=format_date(day))


def stopped_reminding_text() -> str:
    return _("Okay, no more keep-in-touch reminders for this contact.")

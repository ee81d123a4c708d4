"""Contacts and promises: modals, the ephemeral list, nudges and the "My network" App Home section."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.network import (
    NAME_LIMIT,
    PROMISE_LIMIT,
    TEXT_LIMIT,
    ContactFields,
    ContactLine,
    KeepInTouch,
    NetworkPage,
    PromiseDraft,
    PromiseDue,
    Volume,
)
from bot.outbox import Message
from handlers.views.introductions import volume_text
from handlers.views.text import actions, button, clip, context, escape, header, mention, plain, section

CONTACT_CALLBACK = "contact_modal"
PROMISE_CALLBACK = "promise_modal"
ADD_CONTACT_ACTION = "contact_add"
EDIT_CONTACT_ACTION = "contact_edit"
PICK_CONTACT_ACTION = "contact_pick"
PAGE_ACTION = "network_page"
TALKED_ACTION = "contact_talked"
STOP_ACTION = "contact_stop_reminding"
ADD_PROMISE_ACTION = "promise_add"
DONE_ACTION = "promise_done"
SNOOZE_TOMORROW_ACTION = "promise_snooze_tomorrow"
SNOOZE_DATE_ACTION = "promise_snooze_date"

LIST_LIMIT = 20  # contacts in the ephemeral list; App Home pages through all of them
LINES_PER_SECTION = 25
OPTIONS_PER_SELECT = 100


def who(user_id: str | None, name: str) -> str:
    return mention(user_id) if user_id else f"*{escape(clip(name, 60))}*"


def _talked(day: date | None) -> str:
    return f"talked {day:%-d %b %Y}" if day else "no talk noted"


def contact_line(c: ContactLine) -> str:
    keep = f" · every {c.keep_in_touch_days} d" if c.keep_in_touch_days else ""
    return f"• {who(c.slack_user_id, c.name)} · {_talked(c.last_talked_at)}{keep}"


# --- contacts -----------------------------------------------------------------------------------------


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
        "placeholder": plain("Someone in Slack"),
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
        {"type": "input", "block_id": "user", "optional": True, "label": plain("In Slack"), "element": user},
        text_input(
            "name",
            "Or their name (outside Slack)",
            f.name if not f.slack_user_id else "",
            NAME_LIMIT,
            multiline=False,
        ),
        text_input("common_ground", "How we're connected", f.common_ground, TEXT_LIMIT, multiline=True),
        text_input("notes", "Notes", f.notes, TEXT_LIMIT, multiline=True),
        text_input("referrals", "Referrals they gave me", f.referrals, TEXT_LIMIT, multiline=True),
        {
            "type": "input",
            "block_id": "last_talked",
            "optional": True,
            "label": plain("Last time we talked"),
            "element": talked,
        },
        {
            "type": "input",
            "block_id": "keep_in_touch",
            "optional": True,
            "label": plain("Remind me to keep in touch every … days"),
            "element": keep,
            "hint": plain("Leave empty for no reminders.", 150),
        },
        context("Only you can see your contacts and notes: not your copilot, not a lead, not an admin."),
    ]
    return {
        "type": "modal",
        "callback_id": CONTACT_CALLBACK,
        "title": plain("Edit contact" if contact_id else "Add a contact", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
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
            errors["last_talked"] = "Pick a date from the calendar."
    raw_days = ((values.get("keep_in_touch", {}).get("days") or {}).get("value") or "").strip()
    days = None
    if raw_days:
        try:
            days = int(raw_days)
        except ValueError:
            errors["keep_in_touch"] = "Use a whole number of days, or leave it empty."
    fields = ContactFields(
        user, text("name"), text("common_ground"), text("notes"), text("referrals"), talked, days
    )
    return fields, errors


def contact_id_from(view: dict[str, Any]) -> int | None:
    raw = json.loads(view.get("private_metadata") or "{}").get("contact")
    return int(raw) if raw is not None else None


def contacts_list(page: NetworkPage) -> tuple[str, list[dict[str, Any]]]:
    """The ephemeral `/mentor contacts` answer: the first contacts with Edit buttons, and Add."""
    if not page.contacts:
        text = "Your network is empty so far. Add the people you meet: only you will see them."
        return text, [section(text), actions(button("Add a contact", ADD_CONTACT_ACTION, style="primary"))]
    blocks: list[dict[str, Any]] = [section(f"*My network* · {page.total} contacts (only you can see them)")]
    for c in page.contacts[:LIST_LIMIT]:
        blocks.append(
            section(contact_line(c), accessory=button("Edit", EDIT_CONTACT_ACTION, str(c.contact_id)))
        )
    if page.total > LIST_LIMIT:
        blocks.append(context(f"…and {page.total - LIST_LIMIT} more in the App Home tab."))
    blocks.append(actions(button("Add a contact", ADD_CONTACT_ACTION, style="primary")))
    return f"My network: {page.total} contacts", blocks


def not_your_contact_text() -> str:
    return "That contact isn't in your network, so you can't see or change it. Nothing was changed."


def network_home_blocks(page: NetworkPage) -> list[dict[str, Any]]:
    """Compact: 25 contacts per section and one Edit menu per 100, so 200 contacts fit in ~12 blocks."""
    blocks: list[dict[str, Any]] = [header("My network")]
    summary = f"{page.total} contacts · only you can see them"
    if page.pages > 1:
        summary += f" · page {page.page + 1} of {page.pages}"
    blocks.append(context(summary))
    lines = [contact_line(c) for c in page.contacts]
    for start in range(0, len(lines), LINES_PER_SECTION):
        blocks.append(section("\n".join(lines[start : start + LINES_PER_SECTION])))
    controls: list[dict[str, Any]] = [button("Add a contact", ADD_CONTACT_ACTION, style="primary")]
    for n, start in enumerate(range(0, len(page.contacts), OPTIONS_PER_SELECT)):
        chunk = page.contacts[start : start + OPTIONS_PER_SELECT]
        controls.append(
            {
                "type": "static_select",
                "action_id": f"{PICK_CONTACT_ACTION}_{n}",
                "placeholder": plain("Edit a contact…" if n == 0 else f"Edit (more, {n + 1})…"),
                "options": [
                    {"text": plain(clip(c.name or c.slack_user_id or "?", 70)), "value": str(c.contact_id)}
                    for c in chunk
                ],
            }
        )
    blocks.append(actions(*controls, block_id="network_controls"))
    pager: list[dict[str, Any]] = []
    if page.page > 0:
        pager.append(button("← Previous", f"{PAGE_ACTION}_prev", str(page.page - 1)))
    if page.page + 1 < page.pages:
        pager.append(button("Next →", f"{PAGE_ACTION}_next", str(page.page + 1)))
    if pager:
        blocks.append(actions(*pager, block_id="network_pages"))
    blocks.append(header("My promises"))
    if page.promises:
        promise_lines = [
            f"• {p.due_on:%a %-d %b} · {escape(clip(p.text, 120))}"
            + (f" → {who(p.to_user_id, p.to_name)}" if p.to_user_id or p.to_name else "")
            for p in page.promises
        ]
        more = page.open_promises - len(page.promises)
        blocks.append(section("\n".join(promise_lines) + (f"\n…and {more} more" if more > 0 else "")))
    else:
        blocks.append(context("No open promises. Made one? Keep it here and I'll remind you on the day."))
    blocks.append(actions(button("Add a promise", ADD_PROMISE_ACTION), block_id="promise_home"))
    if page.volume.over:
        blocks.append(context(volume_text(page.volume)))
    return blocks


def keep_in_touch_message(k: KeepInTouch) -> Message:
    name = who(k.contact_user_id, k.name)
    if k.ever_talked:
        text = f"It's been {k.days} days since you talked to {name}. No reason needed to say hi."
    else:
        text = f"You added {name} to your network {k.days} days ago. No reason needed to say hi."
    value = str(k.contact_id)
    return Message(
        text=text,
        blocks=[
            section(text),
            actions(
                button("We talked", TALKED_ACTION, value, style="primary"),
                button("Stop reminding me", STOP_ACTION, value),
                block_id=f"touch_{value}",
            ),
        ],
    )


# --- promises -----------------------------------------------------------------------------------------


def promise_modal(draft: PromiseDraft) -> dict[str, Any]:
    to: dict[str, Any] = {
        "type": "users_select",
        "action_id": "user",
        "placeholder": plain("Someone in Slack"),
    }
    if draft.to_user_id:
        to["initial_user"] = draft.to_user_id
    what: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "text",
        "multiline": True,
        "max_length": PROMISE_LIMIT,
    }
    if draft.text:
        what["initial_value"] = draft.text
    name: dict[str, Any] = {"type": "plain_text_input", "action_id": "text", "max_length": NAME_LIMIT}
    if draft.to_name:
        name["initial_value"] = draft.to_name
    due: dict[str, Any] = {"type": "datepicker", "action_id": "date"}
    if draft.due_on and draft.due_on >= draft.today:
        due["initial_date"] = draft.due_on.isoformat()
    blocks: list[dict[str, Any]] = []
    if draft.volume.over:
        blocks.append(context(volume_text(draft.volume)))
    blocks += [
        {"type": "input", "block_id": "what", "label": plain("What did you promise?"), "element": what},
        {
            "type": "input",
            "block_id": "to_user",
            "optional": True,
            "label": plain("To whom (in Slack)"),
            "element": to,
        },
        {
            "type": "input",
            "block_id": "to_name",
            "optional": True,
            "label": plain("Or their name"),
            "element": name,
        },
        {
            "type": "input",
            "block_id": "due",
            "label": plain("Due on"),
            "element": due,
            "hint": plain(draft.date_problem or "I'll remind you that morning.", 150),
        },
    ]
    if draft.date_problem:
        blocks.append(context(f":warning: {escape(draft.date_problem)}"))
    return {
        "type": "modal",
        "callback_id": PROMISE_CALLBACK,
        "title": plain("Keep a promise", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"today": draft.today.isoformat()}),
        "blocks": blocks,
    }


def promise_values(values: dict[str, dict[str, Any]]) -> tuple[str, str | None, str, date | None]:
    text = (values.get("what", {}).get("text") or {}).get("value") or ""
    to_user = (values.get("to_user", {}).get("user") or {}).get("selected_user") or None
    to_name = (values.get("to_name", {}).get("text") or {}).get("value") or ""
    raw = (values.get("due", {}).get("date") or {}).get("selected_date")
    try:
        due = date.fromisoformat(raw) if raw else None
    except ValueError:
        due = None
    return text, to_user, to_name, due


def promise_saved_text(text: str, due_on: date, volume: Volume) -> tuple[str, list[dict[str, Any]]]:
    line = f"Noted. I'll remind you on {due_on:%A %-d %B}: {escape(clip(text, 200))}"
    blocks = [section(line)]
    if volume.over:
        blocks.append(context(volume_text(volume)))
    return line, blocks


def promise_due_message(p: PromiseDue) -> Message:
    to = f" to {who(p.to_user_id, p.to_name)}" if p.to_user_id or p.to_name else ""
    when = "today" if p.due_on == p.today else f"on {p.due_on:%A %-d %B}"
    text = f"A promise you made{to} is due {when}: {escape(clip(p.text, 500))}"
    value = str(p.promise_id)
    return Message(
        text=text,
        blocks=[
            section(text),
            actions(
                button("Done", DONE_ACTION, value, style="primary"),
                button("Snooze to tomorrow", SNOOZE_TOMORROW_ACTION, value),
                {
                    "type": "datepicker",
                    "action_id": SNOOZE_DATE_ACTION,
                    "placeholder": plain("Snooze to a date"),
                },
                block_id=f"promise_{value}",
            ),
        ],
    )


def promise_done_text() -> str:
    return "Done: promise kept. It stays in your history."


def promise_snoozed_text(until: date) -> str:
    return f"Snoozed: I'll remind you again on {until:%A %-d %B}."


def not_your_promise_text() -> str:
    return "That promise isn't yours, so you can't change it. Nothing was changed."

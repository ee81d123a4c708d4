"""Promises: the promise modal, the saved note, the reminder on the day with Done and Snooze, and its answers.

Private to their owner: nothing here is shown to anyone else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.i18n import _
from bot.messages.contacts import NAME_LIMIT, who
from bot.messages.introductions import Volume, volume_text
from bot.messages.message import Message
from bot.messages.text import actions, button, clip, context, escape, format_date, plain, section

PROMISE_LIMIT = 500

PROMISE_CALLBACK = "promise_modal"
ADD_PROMISE_ACTION = "promise_add"
DONE_ACTION = "promise_done"
SNOOZE_TOMORROW_ACTION = "promise_snooze_tomorrow"
SNOOZE_DATE_ACTION = "promise_snooze_date"


@dataclass(frozen=True)
class PromiseDraft:
    """What the promise modal opens with: `/mentor promise …` read in the owner's time zone."""

    to_user_id: str | None
    to_name: str
    text: str
    due_on: date | None
    date_problem: str | None
    today: date
    volume: Volume


@dataclass(frozen=True)
class PromiseLine:
    promise_id: int
    to_user_id: str | None
    to_name: str
    text: str
    due_on: date


@dataclass(frozen=True)
class PromiseDue:
    """The reminder on the day: `due_on` as promised, `today` in the owner's zone (later if snoozed)."""

    promise_id: int
    owner_user_id: str
    to_user_id: str | None
    to_name: str
    text: str
    due_on: date
    today: date


def promise_modal(draft: PromiseDraft) -> dict[str, Any]:
    to: dict[str, Any] = {
        "type": "users_select",
        "action_id": "user",
        "placeholder": plain(_("Someone in Slack")),
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
        {"type": "input", "block_id": "what", "label": plain(_("What did you promise?")), "element": what},
        {
            "type": "input",
            "block_id": "to_user",
            "optional": True,
            "label": plain(_("To whom (in Slack)")),
            "element": to,
        },
        {
            "type": "input",
            "block_id": "to_name",
            "optional": True,
            "label": plain(_("Or their name")),
            "element": name,
        },
        {
            "type": "input",
            "block_id": "due",
            "label": plain(_("Due on")),
            "element": due,
            "hint": plain(draft.date_problem or _("I'll remind you that morning."), 150),
        },
    ]
    if draft.date_problem:
        blocks.append(context(f":warning: {escape(draft.date_problem)}"))
    return {
        "type": "modal",
        "callback_id": PROMISE_CALLBACK,
        "title": plain(_("Keep a promise"), 24),
        "submit": plain(_("Save"), 24),
        "close": plain(_("Cancel"), 24),
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
    line = _(
        "Noted. I'll remind you on {day}: {promise}", day=format_date(due_on), promise=escape(clip(text, 200))
    )
    blocks = [section(line)]
    if volume.over:
        blocks.append(context(volume_text(volume)))
    return line, blocks


def _due_text(p: PromiseDue) -> str:
    promise = escape(clip(p.text, 500))
    if p.to_user_id or p.to_name:
        person = who(p.to_user_id, p.to_name)
        if p.due_on == p.today:
            return _("A promise you made to {person} is due today: {promise}", person=person, promise=promise)
        return _(
            "A promise you made to {person} is due on {day}: {promise}",
            person=person,
            day=format_date(p.due_on),
            promise=promise,
        )
    if p.due_on == p.today:
        return _("A promise you made is due today: {promise}", promise=promise)
    return _("A promise you made is due on {day}: {promise}", day=format_date(p.due_on), promise=promise)


def promise_due_message(p: PromiseDue) -> Message:
    text = _due_text(p)
    value = str(p.promise_id)
    return Message(
        text=text,
        blocks=[
            section(text),
            actions(
                button(_("Done"), DONE_ACTION, value, style="primary"),
                button(_("Snooze to tomorrow"), SNOOZE_TOMORROW_ACTION, value),
                {
                    "type": "datepicker",
                    "action_id": SNOOZE_DATE_ACTION,
                    "placeholder": plain(_("Snooze to a date")),
                },
                block_id=f"promise_{value}",
            ),
        ],
    )


def promise_done_text() -> str:
    return _("Done: promise kept. It stays in your history.")


def promise_snoozed_text(until: date) -> str:
    return _("Snoozed: I'll remind you again on {day}.", day=format_date(until))


def not_your_promise_text() -> str:
    return _("That promise isn't yours, so you can't change it. Nothing was changed.")


def snooze_needs_a_later_day_text() -> str:
    return _("Pick a day after today to snooze to.")


def snooze_needs_a_day_text() -> str:
    return _("Pick a day to snooze to.")

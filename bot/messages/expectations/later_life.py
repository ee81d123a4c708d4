"""The later life of a pairing: a revisit of the expectations, a pause, and an ending (by one of the pair,
with an optional private reflection, or because the partner left the workspace).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.messages.expectations.forms import input_block, state_value
from bot.messages.expectations.ids import END_CALLBACK, OPEN_QUESTIONNAIRE
from bot.messages.message import Message
from bot.messages.text import actions, button, escape, format_date, mention, plain, section

REFLECTION_MAX_CHARS = 3000


def revisit_message(pairing_id: int, by_user: str) -> Message:
    return Message(
        "Time for a fresh look at your expectations.",
        [
            section(
                f"{mention(by_user)} would like a fresh look at how your mentoring works. Each of you answers "
                "the questions again; your current agreement stays in place until you confirm a new one."
            ),
            actions(button("Set expectations", OPEN_QUESTIONNAIRE, str(pairing_id), "primary")),
        ],
    )


def paused_message(by_user: str, until: date) -> Message:
    text = (
        f"{mention(by_user)} paused your mentoring until {format_date(until, year=True)}. "
        "No check-in reminders until then."
    )
    return Message(f"Your mentoring is paused until {format_date(until, year=True)}.", [section(text)])


def end_modal(pairing_id: int, partner_name: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": END_CALLBACK,
        "title": plain("End mentoring", 24),
        "submit": plain("End mentoring", 24),
        "close": plain("Keep going", 24),
        "private_metadata": json.dumps({"p": pairing_id}),
        "blocks": [
            section(
                f"This ends your mentoring with *{escape(partner_name)}*. We'll let them know kindly, "
                "and you'll both be free for a new pairing."
            ),
            input_block(
                "reflection",
                "A private reflection (optional)",
                {"type": "plain_text_input", "multiline": True, "max_length": REFLECTION_MAX_CHARS},
                optional=True,
                hint="What worked, what you'd do differently. Only you can see this.",
            ),
        ],
    }


def reflection_from(values: dict[str, Any]) -> str:
    return str(state_value(values, "reflection").get("value") or "")


def ended_message(by_user: str) -> Message:
    text = (
        f"{mention(by_user)} has ended your mentoring. Thank you for the time and care you put in: "
        "it matters. You're free for a new pairing whenever you like."
    )
    return Message("Your mentoring has ended.", [section(text)])


def partner_left_message(name: str, to_mentee: bool) -> Message:
    extra = "You can ask for a new copilot with `/mentor request`." if to_mentee else ""
    text = (
        f"{escape(name)} has left the workspace, so your mentoring has ended. Thank you for the time "
        f"you gave each other. {extra}"
    ).strip()
    return Message("Your mentoring has ended.", [section(text)])


def not_allowed_message() -> Message:
    """To each of the pair when the program's rules no longer allow their pairing: nothing more is said."""
    text = (
        "The program's rules no longer allow this pairing, so your mentoring has ended. Thank you for "
        "the time you gave each other."
    )
    return Message("The program's rules no longer allow this pairing.", [section(text)])

"""The later life of a pairing: a revisit of the expectations, a pause, and an ending (by one of the pair,
with an optional private reflection, or because the partner left the workspace).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.i18n import _
from bot.messages.expectations.forms import input_block, state_value
from bot.messages.expectations.ids import END_CALLBACK, OPEN_QUESTIONNAIRE
from bot.messages.message import Message
from bot.messages.text import actions, button, escape, format_date, mention, plain, section

REFLECTION_MAX_CHARS = 3000


def revisit_message(pairing_id: int, by_user: str) -> Message:
    return Message(
        _("Time for a fresh look at your expectations."),
        [
            section(
                _(
                    "{person} would like a fresh look at how your mentoring works. Each of you answers "
                    "the questions again; your current agreement stays in place until you confirm a new one.",
                    person=mention(by_user),
                )
            ),
            actions(button(_("Set expectations"), OPEN_QUESTIONNAIRE, str(pairing_id), "primary")),
        ],
    )


def paused_message(by_user: str, until: date) -> Message:
    day = format_date(until, year=True)
    text = _(
        "{person} paused your mentoring until {day}. No check-in reminders until then.",
        person=mention(by_user),
        day=day,
    )
    return Message(_("Your mentoring is paused until {day}.", day=day), [section(text)])


def end_modal(pairing_id: int, partner_name: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": END_CALLBACK,
        "title": plain(_("End mentoring"), 24),
        "submit": plain(_("End mentoring"), 24),
        "close": plain(_("Keep going"), 24),
        "private_metadata": json.dumps({"p": pairing_id}),
        "blocks": [
            section(
                _(
                    "This ends your mentoring with *{partner}*. We'll let them know kindly, "
                    "and you'll both be free for a new pairing.",
                    partner=escape(partner_name),
                )
            ),
            input_block(
                "reflection",
                _("A private reflection (optional)"),
                {"type": "plain_text_input", "multiline": True, "max_length": REFLECTION_MAX_CHARS},
                optional=True,
                hint=_("What worked, what you'd do differently. Only you can see this."),
            ),
        ],
    }


def reflection_from(values: dict[str, Any]) -> str:
    return str(state_value(values, "reflection").get("value") or "")


def ended_message(by_user: str) -> Message:
    text = _(
        "{person} has ended your mentoring. Thank you for the time and care you put in: "
        "it matters. You're free for a new pairing whenever you like.",
        person=mention(by_user),
    )
    return Message(_("Your mentoring has ended."), [section(text)])


def partner_left_message(name: str, to_mentee: bool) -> Message:
    text = _(
        "{name} has left the workspace, so your mentoring has ended. Thank you for the time "
        "you gave each other.",
        name=escape(name),
    )
    if to_mentee:
        text += " " + _("You can ask for a new copilot with `/mentor request`.")
    return Message(_("Your mentoring has ended."), [section(text)])


def not_allowed_message() -> Message:
    """To each of the pair when the program's rules no longer allow their pairing: nothing more is said."""
    text = _(
        "The program's rules no longer allow this pairing, so your mentoring has ended. Thank you for "
        "the time you gave each other."
    )
    return Message(_("The program's rules no longer allow this pairing."), [section(text)])

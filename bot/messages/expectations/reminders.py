"""Reminders to answer the questionnaire, and the notes when a round lapses or a revisit is withdrawn."""

from __future__ import annotations

from bot.i18n import _
from bot.messages.expectations.ids import OPEN_QUESTIONNAIRE
from bot.messages.message import Message
from bot.messages.text import actions, button, escape, section


def reminder_message(pairing_id: int, partner_name: str, partner_answered: bool, last: bool) -> Message:
    partner = escape(partner_name)
    if last:
        text = _(
            "A last friendly reminder: please answer the expectation questions for your mentoring with "
            "{partner}. It takes about five minutes.",
            partner=partner,
        )
        summary = _("A last friendly reminder: please set expectations with {partner}.", partner=partner_name)
    else:
        text = _(
            "A friendly reminder: please answer the expectation questions for your mentoring with "
            "{partner}. It takes about five minutes.",
            partner=partner,
        )
        summary = _("A friendly reminder: please set expectations with {partner}.", partner=partner_name)
    if partner_answered:
        text += " " + _("{partner} has answered and is waiting for you.", partner=partner)
    button_ = button(_("Set expectations"), OPEN_QUESTIONNAIRE, str(pairing_id), "primary")
    return Message(summary, [section(text), actions(button_)])


def lapsed_message(partner_name: str, to_mentee: bool) -> Message:
    partner = escape(partner_name)
    if to_mentee:
        text = _(
            "Your mentoring with {partner} didn't get off the ground: you didn't settle expectations "
            "within 10 days, which happens when timing isn't right. Your request is open again, so "
            "mentor-bot can suggest someone else.",
            partner=partner,
        )
    else:
        text = _(
            "Your mentoring with {partner} didn't get off the ground: you didn't settle expectations "
            "within 10 days. No harm done: you're free for another pairing whenever you like.",
            partner=partner,
        )
    return Message(text, [section(text)])


def revisit_withdrawn_message() -> Message:
    return Message(
        _("The fresh look at your expectations wasn't finished, so your current agreement stays as it is."),
        [
            section(
                _(
                    "The fresh look at your expectations wasn't finished within 10 days, so your current "
                    "agreement stays as it is. You can start again any time with *Revisit expectations*."
                )
            )
        ],
    )

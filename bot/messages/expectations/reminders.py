"""Reminders to answer the questionnaire, and the notes when a round lapses or a revisit is withdrawn."""

from __future__ import annotations

from bot.messages.expectations.ids import OPEN_QUESTIONNAIRE
from bot.messages.message import Message
from bot.messages.text import actions, button, escape, section


def reminder_message(pairing_id: int, partner_name: str, partner_answered: bool, last: bool) -> Message:
    partner = escape(partner_name)
    waiting = f"{partner} has answered and is waiting for you." if partner_answered else ""
    opening = "A last friendly reminder" if last else "A friendly reminder"
    text = (
        f"{opening}: please answer the expectation questions for your mentoring with {partner}. "
        f"It takes about five minutes. {waiting}"
    ).strip()
    return Message(
        f"{opening}: please set expectations with {partner_name}.",
        [section(text), actions(button("Set expectations", OPEN_QUESTIONNAIRE, str(pairing_id), "primary"))],
    )


def lapsed_message(partner_name: str, to_mentee: bool) -> Message:
    partner = escape(partner_name)
    if to_mentee:
        text = (
            f"Your mentoring with {partner} didn't get off the ground: you didn't settle expectations "
            "within 10 days, which happens when timing isn't right. Your request is open again, so "
            "mentor-bot can suggest someone else."
        )
    else:
        text = (
            f"Your mentoring with {partner} didn't get off the ground: you didn't settle expectations "
            "within 10 days. No harm done: you're free for another pairing whenever you like."
        )
    return Message(text, [section(text)])


def revisit_withdrawn_message() -> Message:
    return Message(
        "The fresh look at your expectations wasn't finished, so your current agreement stays as it is.",
        [
            section(
                "The fresh look at your expectations wasn't finished within 10 days, so your current "
                "agreement stays as it is. You can start again any time with *Revisit expectations*."
            )
        ],
    )

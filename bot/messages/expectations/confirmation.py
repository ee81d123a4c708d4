"""Confirming the agreement: the terms for both to confirm, the agreement once it's in place, and the note
to whoever sets up the first meeting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.messages.expectations.ids import CONFIRM, REVISIT
from bot.messages.expectations.kickoff import PairNames
from bot.messages.expectations.wording import format_value
from bot.messages.message import Message
from bot.messages.text import actions, button, context, escape, header, mention, section


def _term_lines(lines: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"*{escape(label)}:* {escape(value)}" for label, value in lines)


def confirm_message(pairing_id: int, version: int, lines: Sequence[tuple[str, str]]) -> Message:
    """The agreement, posted once: the terms both confirm. Confirming doesn't post them again."""
    title = "Your agreement" if version == 1 else f"Your agreement (version {version})"
    return Message(
        f"{title}: everything is agreed, please both confirm.",
        [
            header(title),
            section(_term_lines(lines)),
            section(
                "Everything is agreed. If this is right, *both* of you confirm. "
                "Your mentoring starts once you have."
            ),
            actions(button("Confirm agreement", CONFIRM, f"{pairing_id}:{version}", "primary")),
        ],
    )


def agreed_message(pairing_id: int, version: int, names: PairNames) -> Message:
    """Both confirmed: a short note under the agreement (the terms are in the message above it)."""
    which = "your agreement" if version == 1 else f"version {version} of your agreement"
    starts = "Your mentoring has started." if version == 1 else "It's in force from today."
    text = (
        f"{mention(names.mentee_user)} and {mention(names.copilot_user)} both confirmed {which} "
        f"(above). {starts}"
    )
    return Message(
        f"{names.mentee} and {names.copilot} both confirmed {which}.",
        [
            section(f":white_check_mark: {text}"),
            context("It stays between the two of you. Either of you can revisit it later."),
            actions(button("Revisit expectations", REVISIT, str(pairing_id))),
        ],
    )


def first_meeting_message(
    to_mentee: bool, other_user: str, other_name: str, terms: dict[str, Any]
) -> Message:
    minutes = format_value("meeting_minutes", terms.get("meeting_minutes"))
    how = format_value("meeting_format", terms.get("meeting_format"))
    lead = "Mentoring is mentee-driven: send" if to_mentee else "You agreed to set up the meetings: send"
    text = f"{lead} {mention(other_user)} a calendar invite for your first meeting ({minutes}, {how})"
    if terms.get("preferred_days"):
        text += f", on {format_value('preferred_days', terms['preferred_days'])}"
    if terms.get("time_window"):
        text += f", {format_value('time_window', terms['time_window'])}"
    text += ". Bring one thing you'd like to talk about."
    return Message(f"Time to set up your first meeting with {other_name}.", [section(text)])

"""Confirming the agreement: the terms for both to confirm, the agreement once it's in place, and the note
to whoever sets up the first meeting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.i18n import _
from bot.messages.expectations.ids import CONFIRM, REVISIT
from bot.messages.expectations.kickoff import PairNames
from bot.messages.expectations.wording import format_value
from bot.messages.message import Message
from bot.messages.text import actions, button, context, escape, header, mention, section


def _term_lines(lines: Sequence[tuple[str, str]]) -> str:
    return "\n".join(
        _("*{label}:* {value}", label=escape(label), value=escape(value)) for label, value in lines
    )


def confirm_message(pairing_id: int, version: int, lines: Sequence[tuple[str, str]]) -> Message:
    """The agreement, posted once: the terms both confirm. Confirming doesn't post them again."""
    if version == 1:
        title = _("Your agreement")
        summary = _("Your agreement: everything is agreed, please both confirm.")
    else:
        title = _("Your agreement (version {version})", version=version)
        summary = _(
            "Your agreement (version {version}): everything is agreed, please both confirm.", version=version
        )
    return Message(
        summary,
        [
            header(title),
            section(_term_lines(lines)),
            section(
                _(
                    "Everything is agreed. If this is right, *both* of you confirm. "
                    "Your mentoring starts once you have."
                )
            ),
            actions(button(_("Confirm agreement"), CONFIRM, f"{pairing_id}:{version}", "primary")),
        ],
    )


def agreed_message(pairing_id: int, version: int, names: PairNames) -> Message:
    """Both confirmed: a short note under the agreement (the terms are in the message above it)."""
    mentee, copilot = mention(names.mentee_user), mention(names.copilot_user)
    if version == 1:
        text = _(
            "{mentee} and {copilot} both confirmed your agreement (above). Your mentoring has started.",
            mentee=mentee,
            copilot=copilot,
        )
        summary = _(
            "{mentee} and {copilot} both confirmed your agreement.",
            mentee=names.mentee,
            copilot=names.copilot,
        )
    else:
        text = _(
            "{mentee} and {copilot} both confirmed version {version} of your agreement (above). "
            "It's in force from today.",
            mentee=mentee,
            copilot=copilot,
            version=version,
        )
        summary = _(
            "{mentee} and {copilot} both confirmed version {version} of your agreement.",
            mentee=names.mentee,
            copilot=names.copilot,
            version=version,
        )
    return Message(
        summary,
        [
            section(f":white_check_mark: {text}"),
            context(_("It stays between the two of you. Either of you can revisit it later.")),
            actions(button(_("Revisit expectations"), REVISIT, str(pairing_id))),
        ],
    )


def _invite(other_user: str, terms: dict[str, Any]) -> str:
    """The invitation to send, with the agreed days and time of day when there are any."""
    values = {
        "other": mention(other_user),
        "minutes": format_value("meeting_minutes", terms.get("meeting_minutes")),
        "how": format_value("meeting_format", terms.get("meeting_format")),
        "days": format_value("preferred_days", terms.get("preferred_days")),
        "window": format_value("time_window", terms.get("time_window")),
    }
    days, window = bool(terms.get("preferred_days")), bool(terms.get("time_window"))
    if days and window:
        return _(
            "send {other} a calendar invite for your first meeting ({minutes}, {how}), on {days}, {window}.",
            **values,
        )
    if days:
        return _(
            "send {other} a calendar invite for your first meeting ({minutes}, {how}), on {days}.", **values
        )
    if window:
        return _(
            "send {other} a calendar invite for your first meeting ({minutes}, {how}), {window}.", **values
        )
    return _("send {other} a calendar invite for your first meeting ({minutes}, {how}).", **values)


def first_meeting_message(
    to_mentee: bool, other_user: str, other_name: str, terms: dict[str, Any]
) -> Message:
    invite = _invite(other_user, terms)
    if to_mentee:
        lead = _("Mentoring is mentee-driven: {invite}", invite=invite)
    else:
        lead = _("You agreed to set up the meetings: {invite}", invite=invite)
    text = lead + " " + _("Bring one thing you'd like to talk about.")
    return Message(_("Time to set up your first meeting with {name}.", name=other_name), [section(text)])

"""What a proposed copilot sees: the offer, the decline form, and the notes that close an offer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.i18n import N_, _, n_
from bot.messages.form_fields import form_input, modal
from bot.messages.message import Message
from bot.messages.text import actions, button, context, escape, format_date, mention, plain, section
from bot.rules.cadence import cadence_name
from bot.rules.lifecycle import OfferState
from bot.rules.matching.explanations import to_the_copilot
from bot.rules.topics import topic_label

ACCEPT_ACTION = "offer_accept"
DECLINE_ACTION = "offer_decline"
DECLINE_CALLBACK = "offer_decline_form"
DECLINE_REASON_BLOCK = "reason"
DECLINE_REASON_ACTION = "reason"
DECLINE_REASON_MAX = 500


def offer_message(
    *,
    offer_id: int,
    mentee_user_id: str,
    goals: str,
    topics: Sequence[str],
    reasons: Sequence[str],
    cadence: str,
    length_text: str,
    answer_by: date,
    named: bool,
) -> Message:
    who = mention(mentee_user_id)
    if named:
        asked = _("*{mentee} asked for you by name.* Would you be their copilot?", mentee=who)
    else:
        asked = _("*{mentee} is looking for a copilot.* Would you be their copilot?", mentee=who)
    blocks: list[dict[str, Any]] = [
        section(asked),
        section(_("*What they'd like to work on*\n{goals}", goals=escape(goals))),
    ]
    if topics:
        shown = escape(", ".join(topic_label(t) for t in topics))
        blocks.append(section(_("*Topics:* {topics}", topics=shown)))
    rhythm = cadence_name(cadence)
    if length_text:
        blocks.append(
            section(_("*Proposed rhythm:* {rhythm}, for {length}", rhythm=rhythm, length=escape(length_text)))
        )
    else:
        blocks.append(section(_("*Proposed rhythm:* {rhythm}", rhythm=rhythm)))
    if reasons:
        why = "\n".join(f"• {escape(to_the_copilot(r))}" for r in reasons)
        blocks.append(section(_("*Why I thought of you*\n{reasons}", reasons=why)))
    blocks.append(
        actions(
            button(_("Accept"), ACCEPT_ACTION, str(offer_id), style="primary"),
            button(_("Decline"), DECLINE_ACTION, str(offer_id)),
            block_id=f"offer_{offer_id}",
        )
    )
    blocks.append(
        context(
            _(
                "Please answer by {day}. Saying no is fine: they'll only hear that I'm looking again, "
                "never your reason.",
                day=format_date(answer_by),
            )
        )
    )
    return Message(_("{mentee} is looking for a copilot. Would you be theirs?", mentee=who), blocks)


def accepted_blocks(mentee_user_id: str) -> tuple[str, list[dict[str, Any]]]:
    text = _("You accepted: you're now {mentee}'s copilot. Thank you!", mentee=mention(mentee_user_id))
    return text, [
        section(f":white_check_mark: {text}"),
        context(_("Next: you'll both get a short questionnaire to set expectations.")),
    ]


def declined_blocks(mentee_user_id: str) -> tuple[str, list[dict[str, Any]]]:
    text = _(
        "You declined to be {mentee}'s copilot. No problem, I'll ask someone else.",
        mentee=mention(mentee_user_id),
    )
    return text, [section(text), context(_("They won't see your reason."))]


def decline_modal(offer_id: int, channel_id: str, message_ts: str) -> dict[str, Any]:
    blocks = [
        section(_("No problem. I'll look for someone else, and they'll only hear that I'm looking again.")),
        form_input(
            DECLINE_REASON_BLOCK,
            _("Anything we should know? (optional)"),
            {
                "type": "plain_text_input",
                "action_id": DECLINE_REASON_ACTION,
                "multiline": True,
                "max_length": DECLINE_REASON_MAX,
            },
            optional=True,
            hint=plain(_("Only the program team can read this; the person who asked never sees it."), 150),
        ),
    ]
    return modal(
        DECLINE_CALLBACK,
        _("Decline this request"),
        submit=_("Decline"),
        close=_("Back"),
        blocks=blocks,
        metadata={"offer": offer_id, "channel": channel_id, "ts": message_ts},
    )


def decline_metadata(view: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
        return int(data["offer"]), data.get("channel"), data.get("ts")
    except (ValueError, KeyError, TypeError):
        return None, None, None


def decline_reason_from(values: dict[str, Any]) -> str:
    value = values.get(DECLINE_REASON_BLOCK, {}).get(DECLINE_REASON_ACTION, {}).get("value") or ""
    return value.strip()[:DECLINE_REASON_MAX]


NOT_ALLOWED = "not_allowed"  # the program's rules no longer allow the pairing (and say nothing more)

STALE_TEXT = {
    "not_yours": N_("This request was sent to someone else, so only they can answer it."),
    "not_found": N_("I can't find that request any more. Nothing was changed."),
    "already_accepted": N_("You've already accepted this one: you're their copilot. Nothing more to do."),
    "already_declined": N_("You've already declined this one. No need to do anything else."),
    OfferState.EXPIRED: N_("This request timed out, so I've asked someone else. No need to answer."),
    OfferState.WITHDRAWN: N_("This request was withdrawn or is already taken care of. No need to answer."),
    NOT_ALLOWED: N_("The program's rules no longer allow this pairing, so there is nothing to accept."),
}


def stale_text(outcome: str) -> str:
    return _(STALE_TEXT.get(outcome, N_("Nothing to do here any more.")))


def offer_closed_message(mentee_user_id: str, why: str) -> Message:
    """To a proposed copilot whose offer closed without their answer (no mentee id: they were forgotten)."""
    if not mentee_user_id:
        text = _("A request you were asked about was withdrawn. No need to answer it.")
        return Message(text, [section(text)])
    text = _(_CLOSED[why], mentee=mention(mentee_user_id))
    return Message(text, [section(text)])


_CLOSED = {
    OfferState.EXPIRED: N_(
        "The request from {mentee} timed out, so I've asked someone else. No need to answer it."
    ),
    NOT_ALLOWED: N_(
        "The program's rules no longer allow this pairing, so the request from {mentee} is closed for you. "
        "No need to answer it."
    ),
    OfferState.WITHDRAWN: N_(
        "The request from {mentee} was withdrawn or is already taken care of. No need to answer it."
    ),
}


# --- what the mentee hears at each step ----------------------------------------------------------


def _to_mentee(text: str) -> Message:
    return Message(text, [section(text), context(_("Use `/mentor status` to check or cancel your request."))])


_ASKED = {
    # (first copilot asked?, asked only when their day starts?) -> what the mentee reads
    (True, False): N_(
        "I've asked a copilot who fits your request. I'll let you know as soon as they answer."
    ),
    (True, True): N_(
        "I'll ask a copilot who fits your request when their day starts (it's night where they are). "
        "I'll let you know as soon as they answer."
    ),
    (False, False): N_(
        "The copilot I asked can't take this on right now, so I've asked someone else. "
        "I'll let you know as soon as they answer."
    ),
    (False, True): N_(
        "The copilot I asked can't take this on right now, so I'll ask someone else when their day starts "
        "(it's night where they are). I'll let you know as soon as they answer."
    ),
}


def offer_sent_message(first: bool, *, when_they_wake: bool = False) -> Message:
    """To the mentee: a copilot was asked (or, at night where they are, will be when their day starts)."""
    return _to_mentee(_(_ASKED[(first, when_they_wake)]))


def nobody_available_message(first: bool) -> Message:
    return _to_mentee(
        _("Nobody is available right now, but your request stays open and I'll keep looking.")
        if first
        else _(
            "The copilot I asked can't take this on right now, and nobody else is available yet. "
            "Your request stays open and I'll keep looking."
        )
    )


def admins_waiting_message(waiting: int) -> Message:
    text = n_(
        "{count} copilot request is waiting: no volunteer fits right now.",
        "{count} copilot requests are waiting: no volunteer fits right now.",
        waiting,
    )
    return Message(
        text,
        [
            section(text),
            context(
                _(
                    "More volunteers (or a wider time-zone or team setting) would help. "
                    "Run `/mentor admin` or `mentor-bot match --round` to try again."
                )
            ),
        ],
    )

"""What a proposed copilot sees: the offer, the decline form, and the notes that close an offer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.messages.form_fields import form_input, modal
from bot.messages.message import Message
from bot.messages.text import actions, button, context, escape, format_date, mention, plain, section
from bot.rules.cadence import cadence_name
from bot.rules.lifecycle import OfferState
from bot.rules.matching.explanations import to_the_copilot

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
    asked = "asked for you by name" if named else "is looking for a copilot"
    lines = [f"*{mention(mentee_user_id)} {asked}.* Would you be their copilot?"]
    blocks: list[dict[str, Any]] = [
        section(lines[0]),
        section(f"*What they'd like to work on*\n{escape(goals)}"),
    ]
    if topics:
        blocks.append(section("*Topics:* " + escape(", ".join(topics))))
    length = f", for {escape(length_text)}" if length_text else ""
    blocks.append(section(f"*Proposed rhythm:* {cadence_name(cadence)}{length}"))
    if reasons:
        why = "\n".join(f"• {escape(to_the_copilot(r))}" for r in reasons)
        blocks.append(section(f"*Why I thought of you*\n{why}"))
    blocks.append(
        actions(
            button("Accept", ACCEPT_ACTION, str(offer_id), style="primary"),
            button("Decline", DECLINE_ACTION, str(offer_id)),
            block_id=f"offer_{offer_id}",
        )
    )
    blocks.append(
        context(
            f"Please answer by {format_date(answer_by)}. Saying no is fine: they'll only hear that I'm "
            "looking again, never your reason."
        )
    )
    return Message(f"<@{mentee_user_id}> is looking for a copilot. Would you be theirs?", blocks)


def accepted_blocks(mentee_user_id: str) -> tuple[str, list[dict[str, Any]]]:
    text = f"You accepted: you're now {mention(mentee_user_id)}'s copilot. Thank you!"
    return text, [
        section(f":white_check_mark: {text}"),
        context("Next: you'll both get a short questionnaire to set expectations."),
    ]


def declined_blocks(mentee_user_id: str) -> tuple[str, list[dict[str, Any]]]:
    text = f"You declined to be {mention(mentee_user_id)}'s copilot. No problem, I'll ask someone else."
    return text, [section(text), context("They won't see your reason.")]


def decline_modal(offer_id: int, channel_id: str, message_ts: str) -> dict[str, Any]:
    blocks = [
        section("No problem. I'll look for someone else, and they'll only hear that I'm looking again."),
        form_input(
            DECLINE_REASON_BLOCK,
            "Anything we should know? (optional)",
            {
                "type": "plain_text_input",
                "action_id": DECLINE_REASON_ACTION,
                "multiline": True,
                "max_length": DECLINE_REASON_MAX,
            },
            optional=True,
            hint=plain("Only the program team can read this; the person who asked never sees it.", 150),
        ),
    ]
    return modal(
        DECLINE_CALLBACK,
        "Decline this request",
        submit="Decline",
        close="Back",
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
    "not_yours": "This request was sent to someone else, so only they can answer it.",
    "not_found": "I can't find that request any more. Nothing was changed.",
    "already_accepted": "You've already accepted this one: you're their copilot. Nothing more to do.",
    "already_declined": "You've already declined this one. No need to do anything else.",
    OfferState.EXPIRED: "This request timed out, so I've asked someone else. No need to answer.",
    OfferState.WITHDRAWN: "This request was withdrawn or is already taken care of. No need to answer.",
    NOT_ALLOWED: "The program's rules no longer allow this pairing, so there is nothing to accept.",
}


def stale_text(outcome: str) -> str:
    return STALE_TEXT.get(outcome, "Nothing to do here any more.")


def offer_closed_message(mentee_user_id: str, why: str) -> Message:
    """To a proposed copilot whose offer closed without their answer (no mentee id: they were forgotten)."""
    if not mentee_user_id:
        text = "A request you were asked about was withdrawn. No need to answer it."
        return Message(text, [section(text)])
    text = {
        OfferState.EXPIRED: f"The request from {mention(mentee_user_id)} timed out, so I've asked someone else. "
        "No need to answer it.",
        NOT_ALLOWED: f"The program's rules no longer allow this pairing, so the request from "
        f"{mention(mentee_user_id)} is closed for you. No need to answer it.",
        OfferState.WITHDRAWN: f"The request from {mention(mentee_user_id)} was withdrawn or is already taken "
        "care of. No need to answer it.",
    }[why]
    return Message(text, [section(text)])


# --- what the mentee hears at each step ----------------------------------------------------------


def _to_mentee(text: str) -> Message:
    return Message(text, [section(text), context("Use `/mentor status` to check or cancel your request.")])


_ASKED = {
    # (first copilot asked?, asked only when their day starts?) -> what the mentee reads
    (True, False): "I've asked a copilot who fits your request.",
    (
        True,
        True,
    ): "I'll ask a copilot who fits your request when their day starts (it's night where they are).",
    (False, False): "The copilot I asked can't take this on right now, so I've asked someone else.",
    (False, True): "The copilot I asked can't take this on right now, so I'll ask someone else when their "
    "day starts (it's night where they are).",
}


def offer_sent_message(first: bool, *, when_they_wake: bool = False) -> Message:
    """To the mentee: a copilot was asked (or, at night where they are, will be when their day starts)."""
    return _to_mentee(f"{_ASKED[(first, when_they_wake)]} I'll let you know as soon as they answer.")


def nobody_available_message(first: bool) -> Message:
    return _to_mentee(
        "Nobody is available right now, but your request stays open and I'll keep looking."
        if first
        else "The copilot I asked can't take this on right now, and nobody else is available yet. "
        "Your request stays open and I'll keep looking."
    )


def admins_waiting_message(waiting: int) -> Message:
    noun = "request is" if waiting == 1 else "requests are"
    text = f"{waiting} copilot {noun} waiting: no volunteer fits right now."
    return Message(
        text,
        [
            section(text),
            context(
                "More volunteers (or a wider time-zone or team setting) would help. "
                "Run `/mentor admin` or `mentor-bot match --round` to try again."
            ),
        ],
    )

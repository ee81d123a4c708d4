"""Settling the differences: where the two answers differ (each with a Resolve button), the modal to suggest
a value, the suggestion posted for the other person to accept or counter, and the note once it's settled.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.messages.expectations.forms import QUESTION_LABELS, question_inputs, read_question
from bot.messages.expectations.ids import ACCEPT, COUNTER, PROPOSAL_CALLBACK, RESOLVE
from bot.messages.expectations.kickoff import PairNames
from bot.messages.expectations.wording import format_value
from bot.messages.message import Message
from bot.messages.text import actions, button, context, escape, header, mention, plain, section
from bot.rules.agreements.comparison import Difference
from bot.rules.agreements.proposals import Proposal
from bot.rules.agreements.questionnaire import Role


@dataclass(frozen=True)
class ProposalForm:
    """What the suggestion modal shows: this person's answer (`mine`) and the other's latest (`theirs`)."""

    pairing_id: int
    round: int
    key: str
    role: Role
    counter: bool
    names: PairNames
    mine: Any
    theirs: Any


def _neutral_difference(difference: Difference, names: PairNames) -> str:
    return (
        f"{escape(names.mentee)} said {format_value(difference.key, difference.mentee_value)}, "
        f"{escape(names.copilot)} said {format_value(difference.key, difference.copilot_value)}."
    )


def differences_message(
    pairing_id: int,
    round_: int,
    names: PairNames,
    differences: Sequence[Difference],
    kind_warning: str,
) -> Message:
    blocks: list[dict[str, Any]] = [
        header("You've both answered"),
        section(
            "You agree on most things. Here's where you differ: for each, either of you can *Resolve* "
            "it by suggesting a value, and the other accepts or suggests something else."
        ),
    ]
    if kind_warning:
        blocks.append(section(f":warning: *Talk about this one first.* {escape(kind_warning)}"))
    for difference in differences:
        blocks.append(
            section(
                f"*{escape(QUESTION_LABELS[difference.key])}*\n{_neutral_difference(difference, names)}",
                accessory=button("Resolve", RESOLVE, f"{pairing_id}:{round_}:{difference.key}"),
            )
        )
    return Message(f"You've both answered. {len(differences)} thing(s) to settle.", blocks)


def proposal_modal(form: ProposalForm) -> dict[str, Any]:
    names = form.names
    theirs_name = names.copilot if form.role == "mentee" else names.mentee
    where = (
        f"*{escape(QUESTION_LABELS[form.key])}*\nYou said {format_value(form.key, form.mine)}; "
        f"{escape(theirs_name)} {'suggests' if form.counter else 'said'} "
        f"{format_value(form.key, form.theirs)}."
    )
    label = "What do you suggest?"
    if form.key == "time_window":
        label = f"What time do you suggest? (in {names.mentee}'s local time)"
    blocks = [section(where), *question_inputs(form.key, form.mine, label=label)]
    blocks.append(context(f"{escape(theirs_name)} can accept your suggestion or suggest something else."))
    return {
        "type": "modal",
        "callback_id": PROPOSAL_CALLBACK,
        "title": plain("Counter-propose" if form.counter else "Suggest a compromise", 24),
        "submit": plain("Suggest this", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"p": form.pairing_id, "r": form.round, "k": form.key}),
        "blocks": blocks,
    }


def proposal_value_from(key: str, values: dict[str, Any]) -> Any:
    return read_question(key, values)


def proposal_message(
    pairing_id: int, round_: int, names: PairNames, proposal: Proposal, token: str
) -> Message:
    by_user = names.mentee_user if proposal.proposed_by == "mentee" else names.copilot_user
    to_user = names.copilot_user if proposal.proposed_by == "mentee" else names.mentee_user
    value = f"{pairing_id}:{round_}:{proposal.key}:{token}"
    text = (
        f"*{escape(QUESTION_LABELS[proposal.key])}*\n{mention(by_user)} suggests "
        f"*{format_value(proposal.key, proposal.value)}*. {mention(to_user)}, does that work for you?"
    )
    return Message(
        "A suggestion to settle a difference",
        [
            section(text),
            actions(
                button("Accept", ACCEPT, value, "primary"),
                button("Counter-propose", COUNTER, value),
            ),
        ],
    )


def settled_blocks(note: str) -> list[dict[str, Any]]:
    """Replaces a proposal message once it's answered."""
    return [section(f":white_check_mark: {escape(note)}")]

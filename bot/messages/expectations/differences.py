"""Settling the differences: where the two answers differ (each with a Resolve button), the modal to suggest
a value, the suggestion posted for the other person to accept or counter, and the note once it's settled.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.i18n import _, n_
from bot.messages.expectations.forms import question_inputs, question_label, read_question
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
    """One difference as the pair reads it: "Alex said every week, Sam said every four weeks."."""
    return _(
        "{mentee} said {mentee_value}, {copilot} said {copilot_value}.",
        mentee=escape(names.mentee),
        mentee_value=format_value(difference.key, difference.mentee_value),
        copilot=escape(names.copilot),
        copilot_value=format_value(difference.key, difference.copilot_value),
    )


def differences_message(
    pairing_id: int,
    round_: int,
    names: PairNames,
    differences: Sequence[Difference],
    kind_warning: str,
) -> Message:
    blocks: list[dict[str, Any]] = [
        header(_("You've both answered")),
        section(
            _(
                "You agree on most things. Here's where you differ: for each, either of you can *Resolve* "
                "it by suggesting a value, and the other accepts or suggests something else."
            )
        ),
    ]
    if kind_warning:
        blocks.append(section(_(":warning: *Talk about this one first.* {why}", why=escape(kind_warning))))
    for difference in differences:
        blocks.append(
            section(
                f"*{escape(question_label(difference.key))}*\n{_neutral_difference(difference, names)}",
                accessory=button(_("Resolve"), RESOLVE, f"{pairing_id}:{round_}:{difference.key}"),
            )
        )
    # English has always written "thing(s)" in this notification; French gets its real plural.
    summary = n_(
        "You've both answered. {count} thing(s) to settle.",
        "You've both answered. {count} thing(s) to settle.",
        len(differences),
    )
    return Message(summary, blocks)


def proposal_modal(form: ProposalForm) -> dict[str, Any]:
    names = form.names
    theirs_name = names.copilot if form.role == "mentee" else names.mentee
    values = {
        "mine": format_value(form.key, form.mine),
        "name": escape(theirs_name),
        "theirs": format_value(form.key, form.theirs),
    }
    sides = (
        _("You said {mine}; {name} suggests {theirs}.", **values)
        if form.counter
        else _("You said {mine}; {name} said {theirs}.", **values)
    )
    where = f"*{escape(question_label(form.key))}*\n{sides}"
    label = _("What do you suggest?")
    if form.key == "time_window":
        label = _("What time do you suggest? (in {name}'s local time)", name=names.mentee)
    blocks = [section(where), *question_inputs(form.key, form.mine, label=label)]
    blocks.append(
        context(_("{name} can accept your suggestion or suggest something else.", name=escape(theirs_name)))
    )
    return {
        "type": "modal",
        "callback_id": PROPOSAL_CALLBACK,
        "title": plain(_("Counter-propose") if form.counter else _("Suggest a compromise"), 24),
        "submit": plain(_("Suggest this"), 24),
        "close": plain(_("Cancel"), 24),
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
    suggestion = _(
        "{by} suggests *{value}*. {to}, does that work for you?",
        by=mention(by_user),
        value=format_value(proposal.key, proposal.value),
        to=mention(to_user),
    )
    text = f"*{escape(question_label(proposal.key))}*\n{suggestion}"
    return Message(
        _("A suggestion to settle a difference"),
        [
            section(text),
            actions(
                button(_("Accept"), ACCEPT, value, "primary"),
                button(_("Counter-propose"), COUNTER, value),
            ),
        ],
    )


def settled_blocks(note: str) -> list[dict[str, Any]]:
    """Replaces a proposal message once it's answered."""
    return [section(f":white_check_mark: {escape(note)}")]

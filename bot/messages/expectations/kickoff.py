"""The kickoff in the pair's new group DM: who is who, why they were matched, and the button that opens
the questionnaire. Also ``PairNames``, the two names and user ids every message to the pair uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.messages.expectations.ids import OPEN_QUESTIONNAIRE
from bot.messages.message import Message
from bot.messages.text import actions, button, clip, escape, header, mention, section
from bot.rules.matching.explanations import copilot_named


@dataclass(frozen=True)
class PairNames:
    mentee: str
    copilot: str
    mentee_user: str
    copilot_user: str


def kickoff_message(
    pairing_id: int,
    names: PairNames,
    reasons: Sequence[str],
    *,
    named: bool = False,
    intro: str = "",
) -> Message:
    """The pair's first message, and the only one when a copilot accepts: who is who, why they were
    matched, the copilot's own intro, and the button that opens the questionnaire."""
    mentee, copilot = mention(names.mentee_user), mention(names.copilot_user)
    how = (
        f"{mentee} asked for {copilot} by name, and {copilot} said yes."
        if named
        else f"{copilot} volunteered as a copilot and said yes to {mentee}'s request."
    )
    blocks = [
        header(escape(f"Welcome, {names.mentee} and {names.copilot}!")),
        section(f"{mentee}, meet {copilot}: your copilot. {how}"),
    ]
    if intro:
        blocks.append(section(f"*In {copilot}'s words:* {escape(clip(intro, 500))}"))
    if reasons:
        why = "\n".join(f"• {copilot_named(escape(clip(reason, 300)), copilot)}" for reason in reasons[:6])
        blocks.append(section(f"*Why you were matched*\n{why}"))
    blocks += [
        section(
            "*First, set expectations.* Each of you answers a few questions on your own (how often, "
            "how long, what you hope for). Then mentor-bot shows where you agree and where you differ, "
            "and you confirm one agreement together."
        ),
        actions(button("Set expectations", OPEN_QUESTIONNAIRE, str(pairing_id), "primary")),
    ]
    return Message(f"Welcome, {names.mentee} and {names.copilot}: please set expectations.", blocks)

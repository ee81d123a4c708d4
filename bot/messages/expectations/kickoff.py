"""The kickoff in the pair's new group DM: who is who, why they were matched, and the button that opens
the questionnaire. Also ``PairNames``, the two names and user ids every message to the pair uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.messages.expectations.ids import OPEN_QUESTIONNAIRE
from bot.messages.message import Message
from bot.messages.text import actions, button, clip, escape, header, mention, section


@dataclass(frozen=True)
class PairNames:
    mentee: str
    copilot: str
    mentee_user: str
    copilot_user: str


def kickoff_message(pairing_id: int, names: PairNames, reasons: Sequence[str]) -> Message:
    blocks = [
        header("Welcome, copilots!"),
        section(
            f"{mention(names.mentee_user)}, meet {mention(names.copilot_user)}: your copilot. "
            f"{mention(names.copilot_user)} has kindly volunteered to help {escape(names.mentee)} grow "
            "through regular conversations."
        ),
    ]
    if reasons:
        why = "\n".join(f"• {escape(clip(reason, 300))}" for reason in reasons[:6])
        blocks.append(section(f"*Why you were matched*\n{why}"))
    blocks += [
        section(
            "*First, set expectations.* Each of you answers a few questions on your own (how often, "
            "how long, what you hope for). Then mentor-bot shows where you agree and where you differ, "
            "and you confirm one agreement together."
        ),
        actions(button("Set expectations", OPEN_QUESTIONNAIRE, str(pairing_id), "primary")),
    ]
    return Message(f"Welcome, copilots! {names.mentee} and {names.copilot}: please set expectations.", blocks)

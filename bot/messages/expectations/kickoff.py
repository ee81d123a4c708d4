"""The kickoff in the pair's new group DM: who is who, why they were matched, and the button that opens
the questionnaire. Also ``PairNames``, the two names and user ids every message to the pair uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.i18n import _
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
    people = {"mentee": mentee, "copilot": copilot}
    how = (
        _("{mentee} asked for {copilot} by name, and {copilot} said yes.", **people)
        if named
        else _("{copilot} volunteered as a copilot and said yes to {mentee}'s request.", **people)
    )
    blocks = [
        header(escape(_("Welcome, {mentee} and {copilot}!", mentee=names.mentee, copilot=names.copilot))),
        section(_("{mentee}, meet {copilot}: your copilot.", **people) + " " + how),
    ]
    if intro:
        blocks.append(
            section(_("*In {copilot}'s words:* {intro}", copilot=copilot, intro=escape(clip(intro, 500))))
        )
    if reasons:
        why = "\n".join(f"• {copilot_named(escape(clip(reason, 300)), copilot)}" for reason in reasons[:6])
        blocks.append(section(_("*Why you were matched*") + f"\n{why}"))
    blocks += [
        section(
            _(
                "*First, set expectations.* Each of you answers a few questions on your own (how often, "
                "how long, what you hope for). Then mentor-bot shows where you agree and where you differ, "
                "and you confirm one agreement together."
            )
        ),
        actions(button(_("Set expectations"), OPEN_QUESTIONNAIRE, str(pairing_id), "primary")),
    ]
    summary = _(
        "Welcome, {mentee} and {copilot}: please set expectations.",
        mentee=names.mentee,
        copilot=names.copilot,
    )
    return Message(summary, blocks)

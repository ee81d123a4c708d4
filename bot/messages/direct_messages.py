"""The reply to a direct message in the bot's Messages tab: where to start, in commands."""

from __future__ import annotations

from typing import Any

from bot.messages.text import context, section

MAIN_COMMANDS = (
    ("request", "ask for a copilot, a colleague who helps you grow"),
    ("volunteer", "offer to be a copilot"),
    ("status", "your request and your pairings"),
    ("intro @someone", "introduce two people who should talk"),
    ("end @name", "end a mentoring relationship kindly"),
    ("help", "everything else I can do"),
)


def direct_message_reply(*, is_admin: bool) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, blocks) for a person who wrote to the bot instead of using a command."""
    commands = [*MAIN_COMMANDS]
    if is_admin:
        commands.append(("admin", "program admin tools: topics, people, settings, leads"))
    lines = "\n".join(f"`/mentor {usage}`: {what}" for usage, what in commands)
    blocks = [
        section(
            ":wave: I work through the `/mentor` command rather than chat messages. Here is where to start:"
        ),
        section(lines),
        context("Your *Home* tab here shows your pairings and what comes next."),
    ]
    return "I work through the /mentor command: try /mentor help.", blocks

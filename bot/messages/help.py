"""The /mentor help message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.messages.text import context, escape, header, section


class Listed(Protocol):
    """A subcommand as help shows it (handlers.router.Subcommand is one)."""

    @property
    def usage(self) -> str: ...

    @property
    def summary(self) -> str: ...


def help_blocks(
    subcommands: Sequence[Listed], unknown: str | None = None, suggestion: str | None = None
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if unknown is not None:
        hint = f" Did you mean `/mentor {suggestion}`?" if suggestion else ""
        blocks.append(section(f":thinking_face: I don't know `/mentor {escape(unknown)}`.{hint}"))
    blocks.append(header("mentor-bot: peer mentoring in Slack"))
    blocks.append(
        section(
            "A *copilot* is a colleague who helps you grow through regular conversations. "
            "Ask for one, or volunteer to be one. Here is what I can do:"
        )
    )
    lines = [f"`/mentor {s.usage}`: {s.summary}" for s in subcommands]
    blocks.append(section("\n".join(lines)))
    blocks.append(
        context(
            "What a pair discusses stays between the two of you. Leads only see that you meet, never what was said."
        )
    )
    return blocks


def help_text(unknown: str | None = None, suggestion: str | None = None) -> str:
    if unknown is None:
        return "mentor-bot commands"
    return f"I don't know /mentor {unknown}." + (f" Did you mean /mentor {suggestion}?" if suggestion else "")

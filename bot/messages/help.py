"""The /mentor help message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.i18n import _
from bot.messages.text import context, escape, header, section


class Listed(Protocol):
    """A subcommand as help shows it (handlers.router.Subcommand is one)."""

    @property
    def usage(self) -> str: ...

    @property
    def summary(self) -> str: ...


def command_line(usage: str, summary: str) -> str:
    """One line of a command list: the command as typed (never translated), what it does in the reader's words."""
    return _("{command}: {summary}", command=f"`/mentor {usage}`", summary=_(summary))


def help_blocks(
    subcommands: Sequence[Listed], unknown: str | None = None, suggestion: str | None = None
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if unknown is not None:
        typed = escape(unknown)
        if suggestion:
            said = _(
                ":thinking_face: I don't know `/mentor {typed}`. Did you mean `/mentor {suggestion}`?",
                typed=typed,
                suggestion=suggestion,
            )
        else:
            said = _(":thinking_face: I don't know `/mentor {typed}`.", typed=typed)
        blocks.append(section(said))
    blocks.append(header(_("mentor-bot: peer mentoring in Slack")))
    blocks.append(
        section(
            _(
                "A *copilot* is a colleague who helps you grow through regular conversations. "
                "Ask for one, or volunteer to be one. Here is what I can do:"
            )
        )
    )
    lines = [command_line(s.usage, s.summary) for s in subcommands]
    blocks.append(section("\n".join(lines)))
    blocks.append(
        context(
            _(
                "What a pair discusses stays between the two of you. "
                "Leads only see that you meet, never what was said."
            )
        )
    )
    return blocks


def help_text(unknown: str | None = None, suggestion: str | None = None) -> str:
    if unknown is None:
        return _("mentor-bot commands")
    if suggestion:
        return _(
            "I don't know /mentor {typed}. Did you mean /mentor {suggestion}?",
            typed=unknown,
            suggestion=suggestion,
        )
    return _("I don't know /mentor {typed}.", typed=unknown)

"""The reply to a direct message in the bot's Messages tab: where to start, in commands."""

from __future__ import annotations

from typing import Any

from bot.i18n import N_, _
from bot.messages.help import command_line
from bot.messages.text import context, section

MAIN_COMMANDS = (
    ("request", N_("ask for a copilot, a colleague who helps you grow")),
    ("volunteer", N_("offer to be a copilot")),
    ("status", N_("your request and your pairings")),
    ("intro @someone", N_("introduce two people who should talk")),
    ("end @name", N_("end a mentoring relationship kindly")),
    ("help", N_("everything else I can do")),
)
ADMIN_COMMAND = ("admin", N_("program admin tools: topics, people, settings, leads"))


def direct_message_reply(*, is_admin: bool) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, blocks) for a person who wrote to the bot instead of using a command."""
    commands = [*MAIN_COMMANDS]
    if is_admin:
        commands.append(ADMIN_COMMAND)
    lines = "\n".join(command_line(usage, what) for usage, what in commands)
    blocks = [
        section(
            _(
                ":wave: I work through the `/mentor` command rather than chat messages. Here is where to start:"
            )
        ),
        section(lines),
        context(_("Your *Home* tab here shows your pairings and what comes next.")),
    ]
    return _("I work through the /mentor command: try /mentor help."), blocks

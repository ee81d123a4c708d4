"""The App Home view shell."""

from __future__ import annotations

from typing import Any

from bot.i18n import _
from bot.messages.text import context, header, section

HOME_BLOCK_LIMIT = 100


def welcome_blocks() -> list[dict[str, Any]]:
    return [
        header(_("Welcome to mentor-bot")),
        section(
            _(
                "mentor-bot pairs you with a *copilot*: a colleague, often a desk away, who helps you grow "
                "through regular conversations. Type `/mentor help` to see what you can do."
            )
        ),
        context(_("What a pair discusses stays between the two of you.")),
    ]


def home_view(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    body = welcome_blocks() + blocks
    if len(body) > HOME_BLOCK_LIMIT:
        body = [
            *body[: HOME_BLOCK_LIMIT - 1],
            context(_("More is waiting: use `/mentor status` for the rest.")),
        ]
    return {"type": "home", "blocks": body}

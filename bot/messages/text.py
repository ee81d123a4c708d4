"""Small Block Kit text helpers shared by every view. Dates are written by bot.i18n (format_date, format_moment)."""

from __future__ import annotations

import re
from typing import Any

from bot.i18n import format_date, format_moment

__all__ = ["format_date", "format_moment"]  # re-exported: every builder takes its date style from here

SECTION_LIMIT = 3000

# <@U123> or <@U123|ana> (how Slack escapes a mention in command text), or a bare user id U123 / W123
_MENTIONED = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|([UW][A-Z0-9]{2,})")


def escape(text: str) -> str:
    """Escape user text for mrkdwn, so `<!channel>` or `<@U1>` typed by a person stays plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def mentioned_user(text: str) -> str | None:
    """The inverse of mention(): the user id in `<@U123>`, `<@U123|ana>` or a bare `U123`/`W123`.

    None for anything else, an `@handle` included: only the people directory knows handles
    (bot.people.directory.user_named)."""
    match = _MENTIONED.fullmatch(text.strip())
    return (match.group(1) or match.group(2)) if match else None


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}, **extra}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, 150)}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}]}


def divider() -> dict[str, Any]:
    return {"type": "divider"}


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit)}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text), "action_id": action_id}
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block

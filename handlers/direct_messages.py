"""The Messages tab: a person who writes to the bot gets a short reply naming the main commands.

Only a person's own new message in a direct message with the bot is answered: never a bot's (the bot's
own replies included), never an edit, a deletion or any other message subtype, so two bots cannot loop.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.messages.direct_messages import direct_message_reply
from bot.oversight.roles import is_admin
from bot.runtime import Runtime
from handlers.registry import MentorApp


def register(app: MentorApp) -> None:
    app.event("message")(answer_direct_message)


def answer_direct_message(
    event: dict[str, Any], context: BoltContext, client: WebClient, runtime: Runtime
) -> None:
    if not _from_a_person_to_the_bot(event, context):
        return
    team_id = context.team_id or ""
    text, blocks = direct_message_reply(is_admin=is_admin(runtime, client, team_id, event["user"]))
    client.chat_postMessage(channel=event["channel"], text=text, blocks=blocks)


def _from_a_person_to_the_bot(event: dict[str, Any], context: BoltContext) -> bool:
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != context.bot_user_id
        and bool(event.get("channel"))
    )

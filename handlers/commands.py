"""The /mentor slash command: ack at once, then hand over to the subcommand."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.router import CommandCall, CommandRouter, split_command
from handlers.views.help import help_blocks, help_text

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    def show_help(call: CommandCall) -> None:
        call.ack(text=help_text(), blocks=help_blocks(router.listed()))

    router.add("help", "help", "show this list", show_help, aliases=("?", "commands"))

    @app.command("/mentor")
    def mentor_command(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        name, args = split_command(body.get("text"))
        if not name:
            show_help(CommandCall(runtime, "help", "", body, ack, respond, client))
            return
        sub = router.find(name)
        if sub is None:
            suggestion = router.suggest(name)
            ack(text=help_text(name, suggestion), blocks=help_blocks(router.listed(), name, suggestion))
            return
        sub.handler(CommandCall(runtime, sub.name, args, body, ack, respond, client))

"""The /mentor slash command: find the subcommand and hand over; `/mentor admin ...` after one admin check."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.i18n import N_
from bot.messages.admin import ADMIN_TOOLS, admin_menu_blocks, admin_menu_text, not_admin_text
from bot.messages.help import help_blocks, help_text
from bot.oversight.roles import is_admin
from bot.runtime import Runtime
from handlers.registry import MentorApp
from handlers.router import ADMIN, CommandCall, CommandRouter, split_command


def register(app: MentorApp) -> None:
    app.router.add("help", "help", N_("show this list"), show_help, aliases=("?", "commands"))
    app.command("/mentor")(mentor_command)


def show_help(call: CommandCall) -> None:
    call.ack(text=help_text(), blocks=help_blocks(call.router.listed()))


def mentor_command(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    runtime: Runtime,
    router: CommandRouter,
) -> None:
    name, args = split_command(body.get("text"))
    call = CommandCall(runtime, router, name or "help", args, body, ack, respond, client)
    if name == ADMIN:
        run_admin(call)
        return
    sub = router.find(call.name)
    if sub is None:
        suggestion = router.suggest(name)
        ack(text=help_text(name, suggestion), blocks=help_blocks(router.listed(), name, suggestion))
        return
    sub.handler(replace(call, name=sub.name))


def run_admin(call: CommandCall) -> None:
    """`/mentor admin [name ...]`: the one place a command's caller is checked for being a program admin."""
    call.ack()  # the check may ask Slack about someone we haven't met: ack first
    name, args = split_command(call.args)
    sub = call.router.find(name, admin=True) if name else None
    if not is_admin(call.runtime, call.client, call.team_id, call.user_id):
        call.respond(text=not_admin_text(sub.summary if sub else ADMIN_TOOLS), response_type="ephemeral")
        return
    if sub is None:
        # Typo suggestions among the admin tools are made here, after the check, so only admins see them.
        suggestion = call.router.suggest(name, admin=True) if name else None
        call.respond(
            text=admin_menu_text(),
            blocks=admin_menu_blocks(name or None, suggestion),
            response_type="ephemeral",
        )
        return
    sub.handler(replace(call, name=sub.name, args=args))

"""Program settings (`/mentor admin settings`, or the Program settings button) and lead user groups
(`/mentor admin leads ...`). Program admins only."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.oversight import program_settings_of, update_program_settings
from bot.roles import change_lead_group, groups_of_lead, is_admin, parse_usergroup
from bot.runtime import Runtime
from handlers.home import refresh_home
from handlers.router import CommandCall, CommandRouter
from handlers.views.program_settings import (
    SETTINGS_CALLBACK,
    lead_group_result_text,
    lead_groups_text,
    leads_usage_text,
    not_admin_settings_text,
    settings_from,
    settings_modal,
    settings_saved_text,
)
from handlers.views.summaries import SETTINGS_OPEN_ACTION

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")


def open_settings(
    runtime: Runtime, client: WebClient, trigger_id: str, team_id: str, channel_id: str
) -> None:
    client.views_open(
        trigger_id=trigger_id, view=settings_modal(program_settings_of(runtime, team_id), channel_id)
    )


def settings_command(runtime: Runtime, call: CommandCall, _args: str) -> None:
    """`/mentor admin settings`: the caller is already known to be a program admin."""
    open_settings(runtime, call.client, call.trigger_id, call.team_id, call.body.get("channel_id", ""))


def leads_command(runtime: Runtime, call: CommandCall, args: str) -> None:
    """`/mentor admin leads @lead [remove] @group`: the caller is already known to be a program admin."""
    words = args.split()
    match = _MENTION.match(words[0]) if words else None
    if match is None:
        call.respond(text=leads_usage_text(), response_type="ephemeral")
        return
    lead_user_id = match.group(1) or match.group(2)
    rest = words[1:]
    if not rest:
        call.respond(
            text=lead_groups_text(lead_user_id, groups_of_lead(runtime, call.team_id, lead_user_id)),
            response_type="ephemeral",
        )
        return
    remove = rest[0].lower() == "remove"
    group_id = parse_usergroup(rest[-1]) if len(rest) == (2 if remove else 1) else None
    if group_id is None:
        call.respond(text=leads_usage_text(), response_type="ephemeral")
        return
    change = change_lead_group(runtime, call.client, call.team_id, lead_user_id, group_id, remove=remove)
    call.respond(
        text=lead_group_result_text(lead_user_id, group_id, change.outcome, change.members, change.error),
        response_type="ephemeral",
    )


# The admin tools in handlers/admin.py hand these subcommands over: name -> (what it does, handler).
ADMIN_SUBCOMMANDS = {
    "settings": ("change the program settings", settings_command),
    "leads": ("give leads their user groups", leads_command),
}


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.action(SETTINGS_OPEN_ACTION)
    def open_from_button(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        if not is_admin(runtime, client, team_id, user_id):
            client.chat_postMessage(channel=user_id, text=not_admin_settings_text())
            return
        channel_id = (body.get("channel") or {}).get("id", "")
        open_settings(runtime, client, body["trigger_id"], team_id, channel_id)

    @app.view(SETTINGS_CALLBACK)
    def save_settings(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        values = body["view"]["state"]["values"]
        if not is_admin(runtime, client, team_id, user_id):
            ack(response_action="errors", errors={"nudge_hour": not_admin_settings_text()})
            return
        _, errors = update_program_settings(runtime, team_id, settings_from(values))
        if errors:
            # Errors can only be shown on blocks the modal has; anything else goes on the first field.
            shown = {k: v for k, v in errors.items() if k in values} or {
                next(iter(values), "nudge_hour"): " ".join(errors.values())
            }
            ack(response_action="errors", errors=shown)
            return
        ack()
        client.chat_postMessage(channel=user_id, text=settings_saved_text())
        refresh_home(runtime, client, team_id, user_id)

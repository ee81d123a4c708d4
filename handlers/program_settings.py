"""`/mentor admin settings`, the Program settings button and `/mentor admin leads`: program admins only."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.i18n import N_
from bot.messages.program_settings import (
    SETTINGS_CALLBACK,
    lead_group_result_text,
    lead_groups_text,
    leads_usage_text,
    not_admin_settings_text,
    settings_from,
    settings_modal,
    settings_saved_text,
)
from bot.messages.summaries import SETTINGS_OPEN_ACTION
from bot.oversight.roles import change_lead_group, groups_of_lead, is_admin, parse_usergroup
from bot.people.directory import resolve_user
from bot.people.program_settings import program_settings_of, update_program_settings
from bot.runtime import Runtime
from handlers.home import Home
from handlers.registry import MentorApp
from handlers.router import CommandCall


def register(app: MentorApp) -> None:
    app.router.add(
        "settings", "admin settings", N_("change the program settings"), settings_command, admin=True
    )
    app.router.add(
        "leads",
        "admin leads @lead [remove] @group",
        N_("give leads their user groups"),
        leads_command,
        admin=True,
    )
    app.action(SETTINGS_OPEN_ACTION)(open_from_button)
    app.view(SETTINGS_CALLBACK)(save_settings)


def open_settings(
    runtime: Runtime, client: WebClient, trigger_id: str, team_id: str, channel_id: str
) -> None:
    client.views_open(
        trigger_id=trigger_id, view=settings_modal(program_settings_of(runtime, team_id), channel_id)
    )


def settings_command(call: CommandCall) -> None:
    """`/mentor admin settings`."""
    open_settings(call.runtime, call.client, call.trigger_id, call.team_id, call.channel_id)


def leads_command(call: CommandCall) -> None:
    """`/mentor admin leads @lead [remove] @group`; `@lead` alone lists their groups."""
    words = call.args.split()
    lead_user_id = resolve_user(call.runtime, call.team_id, words[0]) if words else None
    if lead_user_id is None:
        call.respond(text=leads_usage_text(), response_type="ephemeral")
        return
    rest = words[1:]
    if not rest:
        call.respond(
            text=lead_groups_text(lead_user_id, groups_of_lead(call.runtime, call.team_id, lead_user_id)),
            response_type="ephemeral",
        )
        return
    remove = rest[0].lower() == "remove"
    group_id = parse_usergroup(rest[-1]) if len(rest) == (2 if remove else 1) else None
    if group_id is None:
        call.respond(text=leads_usage_text(), response_type="ephemeral")
        return
    change = change_lead_group(call.runtime, call.client, call.team_id, lead_user_id, group_id, remove=remove)
    call.respond(
        text=lead_group_result_text(lead_user_id, group_id, change.outcome, change.members, change.error),
        response_type="ephemeral",
    )


def open_from_button(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    if not is_admin(runtime, client, team_id, user_id):
        client.chat_postMessage(channel=user_id, text=not_admin_settings_text())
        return
    channel_id = (body.get("channel") or {}).get("id", "")
    open_settings(runtime, client, body["trigger_id"], team_id, channel_id)


def save_settings(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime, home: Home) -> None:
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
    home.refresh(runtime, client, team_id, user_id)

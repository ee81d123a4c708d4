"""`/mentor admin ...`: program admin tools (topics, one person's org details).

Only program admins (ADMIN_USER_IDS, or workspace admins when the program allows it) get in.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import roles
from bot.org import OrgDetailsRefused, check_org_details, org_details_of, save_org_details
from bot.people import UnknownSlackUser, find_by_handle
from bot.runtime import Runtime
from bot.topics import check_topic_fields, set_topics, workspace_topics
from handlers import program_settings
from handlers.router import CommandCall, CommandRouter
from handlers.views.admin import (
    PERSON_CALLBACK,
    TOPICS_CALLBACK,
    admin_menu_blocks,
    not_admin_text,
    person_details_from,
    person_modal,
    person_not_saved_text,
    person_saved_text,
    person_usage_text,
    topic_lines,
    topics_modal,
    topics_saved_text,
)

log = logging.getLogger(__name__)

# <@U123>, <@U123|ana> (escaped slash command text) or a bare user id
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")


def caller_is_program_admin(runtime: Runtime, client: WebClient, team_id: str, user_id: str) -> bool:
    return roles.is_admin(runtime, client, team_id, user_id)


def _target_user(runtime: Runtime, team_id: str, text: str) -> str | None:
    text = text.strip()
    match = _MENTION.match(text)
    if match:
        return match.group(1) or match.group(2)
    # Unescaped command text arrives as "@handle": look the handle up among the people we know.
    with runtime.db.transaction() as session:
        person = find_by_handle(session, team_id, text)
        return person.slack_user_id if person else None


def _tell(client: WebClient, channel_id: str | None, user_id: str, text: str) -> None:
    """An ephemeral note where the admin typed the command, or a DM when the bot can't post there."""
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
            return
        except SlackApiError as exc:
            log.info("postEphemeral refused (%s); sending a DM instead", exc.response.get("error"))
    client.chat_postMessage(channel=user_id, text=text)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    def admin(call: CommandCall) -> None:
        call.ack()
        action, _, rest = call.args.partition(" ")
        action = action.lower()
        what = {
            "topics": "edit the mentoring topics",
            "person": "edit the org chart",
            **{name: entry[0] for name, entry in program_settings.ADMIN_SUBCOMMANDS.items()},
        }.get(action, "use the admin tools")
        if not caller_is_program_admin(runtime, call.client, call.team_id, call.user_id):
            call.respond(text=not_admin_text(what), response_type="ephemeral")
            return
        channel_id = call.body.get("channel_id", "")
        if action == "topics":
            with runtime.db.transaction() as session:
                topics = workspace_topics(session, call.team_id)
            call.client.views_open(trigger_id=call.trigger_id, view=topics_modal(topics, channel_id))
        elif action == "person":
            user_id = _target_user(runtime, call.team_id, rest)
            if user_id is None:
                call.respond(text=person_usage_text(), response_type="ephemeral")
                return
            with runtime.db.transaction() as session:
                details = org_details_of(session, call.team_id, user_id)
            call.client.views_open(
                trigger_id=call.trigger_id, view=person_modal(user_id, details, channel_id)
            )
        elif action in program_settings.ADMIN_SUBCOMMANDS:
            program_settings.ADMIN_SUBCOMMANDS[action][1](runtime, call, rest)
        else:
            call.respond(text="Program admin tools", blocks=admin_menu_blocks(), response_type="ephemeral")

    router.add("admin", "admin", "program admin tools", admin, listed=False)

    @app.view(TOPICS_CALLBACK)
    def save_topics(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        fields = topic_lines(body["view"]["state"]["values"])
        if not fields:
            ack()
            return
        if not caller_is_program_admin(runtime, client, team_id, user_id):
            ack(response_action="errors", errors={fields[0][0]: not_admin_text("edit the mentoring topics")})
            return
        kept, problems = check_topic_fields([lines for _, lines in fields])
        if problems:
            ack(response_action="errors", errors={fields[i][0]: message for i, message in problems.items()})
            return
        ack()
        with runtime.db.transaction() as session:
            errors = set_topics(session, team_id, kept)
        if errors:  # only if the rules changed between the check and the save
            log.error("topics refused after validation: %d problem(s)", len(errors))
            return
        channel_id = json.loads(body["view"].get("private_metadata") or "{}").get("channel")
        _tell(client, channel_id, user_id, topics_saved_text(kept))

    @app.view(PERSON_CALLBACK)
    def save_person(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        team_id, admin_id = body["team"]["id"], body["user"]["id"]
        metadata = json.loads(body["view"].get("private_metadata") or "{}")
        user_id = metadata.get("user")
        if not user_id:
            ack()
            return
        if not caller_is_program_admin(runtime, client, team_id, admin_id):
            ack(response_action="errors", errors={"manager": not_admin_text("edit the org chart")})
            return
        details, errors = person_details_from(body["view"]["state"]["values"])
        if not errors:
            with runtime.db.transaction() as session:
                errors = check_org_details(session, team_id, user_id, details)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        try:
            with runtime.db.transaction() as session:
                changes = save_org_details(runtime, session, client, team_id, user_id, details)
        except OrgDetailsRefused as exc:  # someone else changed the chart in between
            _tell(client, metadata.get("channel"), admin_id, person_not_saved_text(list(exc.errors.values())))
            return
        except UnknownSlackUser:
            _tell(
                client,
                metadata.get("channel"),
                admin_id,
                person_not_saved_text(["Slack doesn't know that person."]),
            )
            return
        _tell(client, metadata.get("channel"), admin_id, person_saved_text(user_id, changes))

"""`/mentor volunteer [off]`, the volunteer form, and the volunteer's buttons in App Home."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import Runtime
from bot.volunteers import (
    check_volunteer_form,
    save_volunteer,
    stop_volunteering,
    today_for,
    volunteer_form_of,
    volunteer_summary,
)
from handlers.home import HomeSection, publish_home
from handlers.router import CommandCall, CommandRouter
from handlers.views.volunteers import (
    EDIT_ACTION,
    PAUSE_ACTION,
    VOLUNTEER_CALLBACK,
    home_blocks,
    metadata_of,
    paused_text,
    saved_text,
    volunteer_form_from,
    volunteer_modal,
)

log = logging.getLogger(__name__)

OFF_WORDS = ("off", "pause", "stop")


def tell(client: WebClient, channel_id: str | None, user_id: str, text: str) -> None:
    """An ephemeral note where the person typed the command, or a DM when the bot can't post there."""
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
            return
        except SlackApiError as exc:
            log.info("postEphemeral refused (%s); sending a DM instead", exc.response.get("error"))
    client.chat_postMessage(channel=user_id, text=text)


def home_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    return home_blocks(volunteer_summary(runtime, team_id, user_id))


def register(app: App, runtime: Runtime, router: CommandRouter, sections: list[HomeSection]) -> None:
    def volunteer(call: CommandCall) -> None:
        call.ack()
        if call.args.strip().lower() in OFF_WORDS:
            was_volunteering = stop_volunteering(runtime, call.team_id, call.user_id)
            call.respond(text=paused_text(was_volunteering), response_type="ephemeral")
            return
        topics, current = volunteer_form_of(runtime, call.team_id, call.user_id)
        view = volunteer_modal(topics, current, channel_id=call.body.get("channel_id", ""))
        call.client.views_open(trigger_id=call.trigger_id, view=view)

    router.add(
        "volunteer",
        "volunteer [off]",
        "offer to be a copilot or change what you offer; `off` pauses new requests",
        volunteer,
    )

    @app.action(EDIT_ACTION)
    def edit_from_home(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        topics, current = volunteer_form_of(runtime, body["team"]["id"], body["user"]["id"])
        client.views_open(
            trigger_id=body["trigger_id"], view=volunteer_modal(topics, current, from_home=True)
        )

    @app.action(PAUSE_ACTION)
    def pause_from_home(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        stop_volunteering(runtime, team_id, user_id)  # a second click finds nothing to pause
        publish_home(runtime, client, team_id, user_id, sections)

    @app.view(VOLUNTEER_CALLBACK)
    def save(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        form = volunteer_form_from(body["view"]["state"]["values"])
        errors = check_volunteer_form(form, today_for(runtime, team_id, user_id))
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        summary = save_volunteer(runtime, client, team_id, user_id, form)
        channel_id, from_home = metadata_of(body["view"])
        if from_home:
            publish_home(runtime, client, team_id, user_id, sections)
        else:
            tell(client, channel_id, user_id, saved_text(summary))

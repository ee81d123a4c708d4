"""`/mentor volunteer [off]`, the volunteer form, and the volunteer's buttons in App Home."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.cohorts.opening import cohort_taking_sign_ups, sign_up_problem
from bot.copilots.volunteering import (
    save_volunteer,
    stop_volunteering,
    validate_volunteer,
    volunteer_form_of,
    volunteer_summary,
)
from bot.i18n import N_
from bot.messages.cohorts import cohort_of, copilot_signed_up_text
from bot.messages.volunteering import (
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
from bot.runtime import Runtime
from handlers.home import Home
from handlers.registry import MentorApp
from handlers.replies import tell
from handlers.router import CommandCall

log = logging.getLogger(__name__)

OFF_WORDS = ("off", "pause", "stop")


def register(app: MentorApp) -> None:
    app.router.add(
        "volunteer",
        "volunteer [off]",
        N_("offer to be a copilot or change what you offer; `off` pauses new requests"),
        volunteer,
    )
    app.action(EDIT_ACTION)(edit_from_home)
    app.action(PAUSE_ACTION)(pause_from_home)
    app.view(VOLUNTEER_CALLBACK)(save)


def home_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    return home_blocks(volunteer_summary(runtime, team_id, user_id))


def volunteer(call: CommandCall) -> None:
    call.ack()
    if call.args.strip().lower() in OFF_WORDS:
        was_volunteering = stop_volunteering(call.runtime, call.team_id, call.user_id)
        call.respond(text=paused_text(was_volunteering), response_type="ephemeral")
        return
    topics, current = volunteer_form_of(call.runtime, call.team_id, call.user_id)
    view = volunteer_modal(topics, current, channel_id=call.channel_id)
    call.client.views_open(trigger_id=call.trigger_id, view=view)


def edit_from_home(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    topics, current = volunteer_form_of(runtime, body["team"]["id"], body["user"]["id"])
    client.views_open(trigger_id=body["trigger_id"], view=volunteer_modal(topics, current, from_home=True))


def pause_from_home(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime, home: Home) -> None:
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    stop_volunteering(runtime, team_id, user_id)  # a second click finds nothing to pause
    home.publish(runtime, client, team_id, user_id)


def save(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime, home: Home) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    form = volunteer_form_from(body["view"]["state"]["values"])
    cohort_id = cohort_of(body["view"])
    errors = validate_volunteer(runtime, team_id, user_id, form) | sign_up_problem(
        runtime, team_id, cohort_id, "topics"
    )
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    summary = save_volunteer(runtime, client, team_id, user_id, form, cohort_id)
    channel_id, from_home = metadata_of(body["view"])
    tag = cohort_taking_sign_ups(runtime, team_id, cohort_id) if cohort_id is not None else None
    if tag is not None:
        tell(client, channel_id, user_id, copilot_signed_up_text(tag.name, tag.closes_on))
    elif from_home:
        home.publish(runtime, client, team_id, user_id)
    else:
        tell(client, channel_id, user_id, saved_text(summary))

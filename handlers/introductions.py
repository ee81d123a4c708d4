"""Introductions: `/mentor intro @someone`, the App Home button, the message shortcut, and the follow-up."""

from __future__ import annotations

import json
import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import network
from bot.runtime import Runtime
from bot.scheduler import Planner
from bot.submissions import claim_view, release_view
from handlers.router import CommandCall, CommandRouter
from handlers.views.introductions import (
    INTRO_CALLBACK,
    MET_ACTION,
    NOT_HAPPENING_ACTION,
    NOT_YET_ACTION,
    OPEN_ACTION,
    REPORT_CALLBACK,
    SHORTCUT_CALLBACK,
    answered_blocks,
    follow_up_message,
    home_blocks,
    intro_message,
    intro_modal,
    intro_sent_modal,
    intro_values,
    not_yours_text,
    report_message,
    report_modal,
    report_value,
    usage_text,
)

log = logging.getLogger(__name__)

ANSWER_OF = {
    MET_ACTION: network.MET,
    NOT_YET_ACTION: network.NOT_YET,
    NOT_HAPPENING_ACTION: network.NOT_HAPPENING,
}


def planners() -> list[Planner]:
    return [partial(network.plan_intro_follow_ups, render=follow_up_message)]


def home_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    return home_blocks(network.introductions_of(runtime, team_id, user_id))


def _open_intro_modal(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    trigger_id: str,
    contact: str | None,
    channel: str,
) -> None:
    draft = network.intro_draft(runtime, client, team_id, user_id, contact)
    client.views_open(trigger_id=trigger_id, view=intro_modal(draft, channel))


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    def intro(call: CommandCall) -> None:
        call.ack()
        contact = (
            network.resolve_user(runtime, call.team_id, call.args.split()[0]) if call.args.strip() else None
        )
        if call.args.strip() and contact is None:
            call.respond(text=f"I couldn't tell who that is. {usage_text()}", response_type="ephemeral")
            return
        _open_intro_modal(
            runtime,
            call.client,
            call.team_id,
            call.user_id,
            call.trigger_id,
            contact,
            call.body.get("channel_id", ""),
        )

    router.add(
        "intro", "intro @someone", "introduce two people who should talk", intro, aliases=("introduce",)
    )

    @app.action(OPEN_ACTION)
    def open_from_home(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        _open_intro_modal(
            runtime, client, body["team"]["id"], body["user"]["id"], body["trigger_id"], None, ""
        )

    @app.shortcut(SHORTCUT_CALLBACK)
    def open_from_message(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        author = (body.get("message") or {}).get("user")
        channel = (body.get("channel") or {}).get("id", "")
        _open_intro_modal(
            runtime, client, body["team"]["id"], body["user"]["id"], body["trigger_id"], author, channel
        )

    @app.view(INTRO_CALLBACK)
    def submit_intro(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        introduced, contact, reason, include_me = intro_values(body["view"]["state"]["values"])
        errors = network.check_introduction(runtime, client, team_id, user_id, introduced, contact, reason)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        assert introduced and contact
        view_id = body["view"]["id"]
        if not claim_view(runtime, team_id, view_id):
            ack()  # the same form again: the first submission made the introduction
            return
        try:
            made = network.make_introduction(
                runtime,
                client,
                team_id,
                user_id,
                introduced,
                contact,
                reason,
                include_me=include_me,
                render=intro_message,
            )
        except Exception:
            release_view(runtime, view_id)
            raise
        ack(response_action="update", view=intro_sent_modal(introduced, contact, include_me, made.volume))

    def answer(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        action = body["actions"][0]
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        try:
            intro_id = int(action.get("value") or "")
        except ValueError:
            return
        wanted = ANSWER_OF[action["action_id"]]
        try:
            result = network.answer_follow_up(runtime, team_id, intro_id, user_id, wanted)
        except network.NotYours:
            respond(text=not_yours_text("answer this"), response_type="ephemeral", replace_original=False)
            return
        if result.status == network.MET and not result.reported and wanted == network.MET:
            client.views_open(
                trigger_id=body["trigger_id"], view=report_modal(intro_id, result.contact_user_id)
            )
        text, blocks = answered_blocks(result.status, result.contact_user_id)
        respond(text=text, blocks=blocks, replace_original=True)

    for action_id in ANSWER_OF:
        app.action(action_id)(answer)

    @app.view(REPORT_CALLBACK)
    def submit_report(ack: Ack, body: dict[str, Any]) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        text = report_value(body["view"]["state"]["values"])
        errors = network.check_report(text)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            intro_id = int(json.loads(body["view"].get("private_metadata") or "{}")["intro"])
        except (KeyError, TypeError, ValueError):
            ack()
            return
        try:
            network.report_back(runtime, team_id, intro_id, user_id, text, render=report_message)
        except network.NotYours:
            ack(response_action="errors", errors={"report": not_yours_text("report back on this")})
            return
        ack()

"""Introductions: `/mentor intro @someone`, the App Home button, the message shortcut, and the follow-up."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.i18n import N_
from bot.messages.introductions import (
    INTRO_CALLBACK,
    MET_ACTION,
    NOT_HAPPENING_ACTION,
    NOT_YET_ACTION,
    OPEN_ACTION,
    REPORT_CALLBACK,
    SHORTCUT_CALLBACK,
    answered_blocks,
    home_blocks,
    intro_modal,
    intro_sent_modal,
    intro_values,
    not_yours_to_answer_text,
    not_yours_to_report_text,
    report_modal,
    report_value,
    unknown_person_text,
)
from bot.network.follow_ups import answer_follow_up, check_report, report_back
from bot.network.introductions import (
    IntroRefused,
    check_introduction,
    intro_draft,
    introductions_of,
    make_introduction,
)
from bot.network.ownership import NotYours
from bot.people.directory import resolve_user
from bot.rules.network_states import IntroStatus
from bot.runtime import Runtime
from bot.submissions import claim_view, release_view
from handlers.registry import MentorApp
from handlers.router import CommandCall

log = logging.getLogger(__name__)

ANSWER_OF = {
    MET_ACTION: IntroStatus.MET,
    NOT_YET_ACTION: IntroStatus.NOT_YET,
    NOT_HAPPENING_ACTION: IntroStatus.NOT_HAPPENING,
}


def register(app: MentorApp) -> None:
    app.router.add(
        "intro", "intro @someone", N_("introduce two people who should talk"), intro, aliases=("introduce",)
    )
    app.action(OPEN_ACTION)(open_from_home)
    app.shortcut(SHORTCUT_CALLBACK)(open_from_message)
    app.view(INTRO_CALLBACK)(submit_intro)
    for action_id in ANSWER_OF:
        app.action(action_id)(answer)
    app.view(REPORT_CALLBACK)(submit_report)


def home_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    return home_blocks(introductions_of(runtime, team_id, user_id))


def _open_intro_modal(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    trigger_id: str,
    contact: str | None,
    channel: str,
) -> None:
    draft = intro_draft(runtime, client, team_id, user_id, contact)
    client.views_open(trigger_id=trigger_id, view=intro_modal(draft, channel))


def intro(call: CommandCall) -> None:
    call.ack()
    typed = call.args.split()[0] if call.args.strip() else ""
    contact = resolve_user(call.runtime, call.team_id, typed) if typed else None
    if typed and contact is None:
        call.respond(text=unknown_person_text(), response_type="ephemeral")
        return
    _open_intro_modal(
        call.runtime, call.client, call.team_id, call.user_id, call.trigger_id, contact, call.channel_id
    )


def open_from_home(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    _open_intro_modal(runtime, client, body["team"]["id"], body["user"]["id"], body["trigger_id"], None, "")


def open_from_message(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    author = (body.get("message") or {}).get("user")
    channel = (body.get("channel") or {}).get("id", "")
    _open_intro_modal(
        runtime, client, body["team"]["id"], body["user"]["id"], body["trigger_id"], author, channel
    )


def submit_intro(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    introduced, contact, reason, include_me = intro_values(body["view"]["state"]["values"])
    errors = check_introduction(runtime, client, team_id, user_id, introduced, contact, reason)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    assert introduced and contact
    view_id = body["view"]["id"]
    if not claim_view(runtime, team_id, view_id):
        ack()  # the same form again: the first submission made the introduction
        return
    try:
        made = make_introduction(
            runtime, client, team_id, user_id, introduced, contact, reason, include_me=include_me
        )
    except IntroRefused as refused:  # another form passed the limits a moment ago
        release_view(runtime, view_id)
        ack(response_action="errors", errors=refused.errors)
        return
    except Exception:
        release_view(runtime, view_id)
        raise
    ack(response_action="update", view=intro_sent_modal(introduced, contact, include_me, made.volume))


def answer(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    """Met / Not yet / Not happening on an introduction's follow-up."""
    ack()
    action = body["actions"][0]
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    try:
        intro_id = int(action.get("value") or "")
    except ValueError:
        return
    wanted = ANSWER_OF[action["action_id"]]
    try:
        result = answer_follow_up(runtime, team_id, intro_id, user_id, wanted)
    except NotYours:
        respond(text=not_yours_to_answer_text(), response_type="ephemeral", replace_original=False)
        return
    if result.status == IntroStatus.MET and not result.reported and wanted == IntroStatus.MET:
        client.views_open(trigger_id=body["trigger_id"], view=report_modal(intro_id, result.contact_user_id))
    text, blocks = answered_blocks(result.status, result.contact_user_id)
    respond(text=text, blocks=blocks, replace_original=True)


def submit_report(ack: Ack, body: dict[str, Any], runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    text = report_value(body["view"]["state"]["values"])
    errors = check_report(text)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    try:
        intro_id = int(json.loads(body["view"].get("private_metadata") or "{}")["intro"])
    except (KeyError, TypeError, ValueError):
        ack()
        return
    try:
        report_back(runtime, team_id, intro_id, user_id, text)
    except NotYours:
        ack(response_action="errors", errors={"report": not_yours_to_report_text()})
        return
    ack()

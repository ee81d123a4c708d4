"""`/mentor forget-me`: an ephemeral confirmation, then the Delete my data button does it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.i18n import N_
from bot.messages.data_rights import (
    FORGET_ACTION,
    FORGET_VALUE,
    confirm_blocks,
    forgotten_text,
    nothing_left_text,
    unknown_button_text,
)
from bot.people.forgetting import forget_person
from bot.runtime import Runtime
from handlers.home import Home
from handlers.registry import MentorApp
from handlers.router import CommandCall


def register(app: MentorApp) -> None:
    app.router.add(
        "forget-me",
        "forget-me",
        N_("delete your mentoring data (asks you to confirm first)"),
        forget_me,
        aliases=("forget",),
    )
    app.action(FORGET_ACTION)(confirmed)


def forget_me(call: CommandCall) -> None:
    text, blocks = confirm_blocks()
    call.ack(text=text, blocks=blocks)


def confirmed(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime, home: Home
) -> None:
    ack()
    action = (body.get("actions") or [{}])[0]
    if action.get("value") != FORGET_VALUE:
        respond(
            text=unknown_button_text(),
            response_type="ephemeral",
            replace_original=False,
        )
        return
    # Only ever the clicker's own data: the button carries no one's id.
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    report = forget_person(runtime, team_id, user_id)
    text = forgotten_text(report.ended_pairings) if report.forgotten else nothing_left_text()
    respond(text=text, response_type="ephemeral", replace_original=True)
    if report.forgotten:
        # Their App Home still shows what they wrote until it is redrawn.
        home.refresh(runtime, client, team_id, user_id)

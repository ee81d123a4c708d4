"""`/mentor forget-me`: an ephemeral confirmation, then the Delete my data button does it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.data_rights import forget_person
from bot.runtime import Runtime
from handlers.home import refresh_home
from handlers.router import CommandCall, CommandRouter
from handlers.views.data_rights import (
    FORGET_ACTION,
    FORGET_VALUE,
    confirm_blocks,
    forgotten_text,
    nothing_left_text,
)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    def forget_me(call: CommandCall) -> None:
        text, blocks = confirm_blocks()
        call.ack(text=text, blocks=blocks)

    router.add(
        "forget-me",
        "forget-me",
        "delete your mentoring data (asks you to confirm first)",
        forget_me,
        aliases=("forget",),
    )

    @app.action(FORGET_ACTION)
    def confirmed(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        if action.get("value") != FORGET_VALUE:
            respond(
                text="That button isn't one of mine any more.",
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
            refresh_home(runtime, client, team_id, user_id)

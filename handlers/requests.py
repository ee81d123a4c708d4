"""`/mentor request [@colleague]`, `/mentor status`, cancelling a request, and the admin's matching round."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.matchmaking import matching_counts, may_run_rounds, run_round
from bot.requests import (
    cancel_request,
    check_copilot,
    request_status,
    start_request,
    submit_request,
    validate_request,
)
from bot.runtime import Runtime
from handlers.home import HomeSection, publish_home
from handlers.router import CommandCall, CommandRouter
from handlers.views.requests import (
    CANCEL_ACTION,
    REQUEST_CALLBACK,
    ROUND_ACTION,
    already_open_text,
    cancel_result_text,
    channel_of,
    matching_home_blocks,
    not_admin_round_text,
    request_form_from,
    request_modal,
    request_status_blocks,
    round_done_text,
    unknown_colleague_text,
)
from handlers.volunteers import tell

log = logging.getLogger(__name__)


def matching_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """Program admins see how many requests wait, and a button to run a matching round."""
    if not may_run_rounds(runtime, team_id, user_id):
        return []
    waiting, pending = matching_counts(runtime, team_id)
    return matching_home_blocks(waiting, pending)


def register(app: App, runtime: Runtime, router: CommandRouter, sections: list[HomeSection]) -> None:
    def request(call: CommandCall) -> None:
        call.ack()
        start = start_request(runtime, call.team_id, call.user_id, call.args)
        if start.open_request is not None:
            text, blocks = request_status_blocks(start.open_request, start.pairings, already_open=True)
            call.respond(text=text, blocks=blocks, response_type="ephemeral")
            return
        channel_id = call.body.get("channel_id", "")
        view = request_modal(start.topics, channel_id=channel_id, copilot_user_id=start.copilot_user_id)
        opened = call.client.views_open(trigger_id=call.trigger_id, view=view)
        if start.unknown_colleague:
            call.respond(text=unknown_colleague_text(start.unknown_colleague), response_type="ephemeral")
        if start.copilot_user_id:
            note = check_copilot(runtime, call.client, call.team_id, call.user_id, start.copilot_user_id)
            if note:
                call.client.views_update(
                    view_id=opened["view"]["id"],
                    hash=opened["view"]["hash"],
                    view=request_modal(
                        start.topics,
                        channel_id=channel_id,
                        copilot_user_id=start.copilot_user_id,
                        copilot_note=note,
                    ),
                )

    router.add(
        "request",
        "request [@colleague]",
        "ask for a copilot, or for a colleague you have in mind",
        request,
        aliases=("ask",),
    )

    def status(call: CommandCall) -> None:
        call.ack()
        current, pairings = request_status(runtime, call.team_id, call.user_id)
        text, blocks = request_status_blocks(current, pairings)
        call.respond(text=text, blocks=blocks, response_type="ephemeral")

    router.add("status", "status", "see your request and pairings, or cancel a request", status)

    @app.view(REQUEST_CALLBACK)
    def submitted(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        form = request_form_from(body["view"]["state"]["values"])
        errors = validate_request(runtime, client, team_id, user_id, form)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        outcome = submit_request(runtime, client, team_id, user_id, form)
        if outcome.outcome == "already_open":  # a second form sent at the same moment
            tell(client, channel_of(body["view"]), user_id, already_open_text())

    @app.action(CANCEL_ACTION)
    def cancel(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        try:
            request_id = int(body["actions"][0].get("value") or "")
        except ValueError:
            respond(text=cancel_result_text("not_found"), response_type="ephemeral", replace_original=False)
            return
        outcome = cancel_request(runtime, body["team"]["id"], body["user"]["id"], request_id)
        respond(
            text=cancel_result_text(outcome),
            response_type="ephemeral",
            replace_original=outcome in ("cancelled", "already_closed"),
        )

    @app.action(ROUND_ACTION)
    def matching_round(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        if not may_run_rounds(runtime, team_id, user_id):
            client.chat_postMessage(channel=user_id, text=not_admin_round_text())
            return
        report = run_round(runtime, team_id)
        client.chat_postMessage(channel=user_id, text=round_done_text(len(report.pairs), len(report.waiting)))
        publish_home(runtime, client, team_id, user_id, sections)

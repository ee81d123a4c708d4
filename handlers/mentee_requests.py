"""`/mentor request [@colleague]`, `/mentor status`, cancelling a request, and the admin's matching round."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.cohorts.opening import cohort_taking_sign_ups, sign_up_problem
from bot.copilots.mentee_requests import (
    ALREADY_OPEN,
    COPILOT_REFUSED,
    cancel_request,
    check_copilot,
    request_status,
    start_request,
    submit_request,
    validate_request,
)
from bot.copilots.rounds import matching_counts, run_round
from bot.i18n import N_
from bot.messages.cohorts import cohort_of, mentee_signed_up_text
from bot.messages.mentee_requests import (
    CANCEL_ACTION,
    REQUEST_CALLBACK,
    ROUND_ACTION,
    already_open_text,
    cancel_result_text,
    channel_of,
    copilot_refused_text,
    matching_home_blocks,
    not_admin_round_text,
    request_form_from,
    request_modal,
    request_status_blocks,
    round_done_text,
    unknown_colleague_text,
)
from bot.oversight.roles import is_admin
from bot.rules.lifecycle import RequestState
from bot.runtime import Runtime
from handlers.home import Home
from handlers.registry import MentorApp
from handlers.replies import tell
from handlers.router import CommandCall

log = logging.getLogger(__name__)


def register(app: MentorApp) -> None:
    app.router.add(
        "request",
        "request [@colleague]",
        N_("ask for a copilot, or for a colleague you have in mind"),
        request,
        aliases=("ask",),
    )
    app.router.add("status", "status", N_("see your request and pairings, or cancel a request"), status)
    app.view(REQUEST_CALLBACK)(submitted)
    app.action(CANCEL_ACTION)(cancel)
    app.action(ROUND_ACTION)(matching_round)


def matching_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """Program admins see how many requests wait, and a button to run a matching round."""
    if not is_admin(runtime, None, team_id, user_id):
        return []
    waiting, pending = matching_counts(runtime, team_id)
    return matching_home_blocks(waiting, pending)


def request(call: CommandCall) -> None:
    call.ack()
    start = start_request(call.runtime, call.team_id, call.user_id, call.args)
    if start.open_request is not None:
        text, blocks = request_status_blocks(start.open_request, start.pairings, already_open=True)
        call.respond(text=text, blocks=blocks, response_type="ephemeral")
        return
    view = request_modal(start.topics, channel_id=call.channel_id, copilot_user_id=start.copilot_user_id)
    opened = call.client.views_open(trigger_id=call.trigger_id, view=view)
    if start.unknown_colleague:
        call.respond(text=unknown_colleague_text(start.unknown_colleague), response_type="ephemeral")
    if start.copilot_user_id:
        note = check_copilot(call.runtime, call.client, call.team_id, call.user_id, start.copilot_user_id)
        if note:
            call.client.views_update(
                view_id=opened["view"]["id"],
                hash=opened["view"]["hash"],
                view=request_modal(
                    start.topics,
                    channel_id=call.channel_id,
                    copilot_user_id=start.copilot_user_id,
                    copilot_note=note,
                ),
            )


def status(call: CommandCall) -> None:
    call.ack()
    current, pairings = request_status(call.runtime, call.team_id, call.user_id)
    text, blocks = request_status_blocks(current, pairings)
    call.respond(text=text, blocks=blocks, response_type="ephemeral")


def submitted(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    """Database checks only before the ack (no Slack call, no workspace-wide read); Slack's word on a
    colleague we hadn't met, and the one read of the match data, come after it."""
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    form = replace(request_form_from(body["view"]["state"]["values"]), cohort_id=cohort_of(body["view"]))
    errors = validate_request(runtime, team_id, user_id, form) | sign_up_problem(
        runtime, team_id, form.cohort_id, "goals"
    )
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    outcome = submit_request(runtime, client, team_id, user_id, form)
    if outcome.outcome == ALREADY_OPEN:  # a second form sent at the same moment
        tell(client, channel_of(body["view"]), user_id, already_open_text())
    elif outcome.outcome == COPILOT_REFUSED and outcome.note:
        tell(client, channel_of(body["view"]), user_id, copilot_refused_text(outcome.note, form.goals))
    elif form.cohort_id is not None and (tag := cohort_taking_sign_ups(runtime, team_id, form.cohort_id)):
        tell(client, channel_of(body["view"]), user_id, mentee_signed_up_text(tag.name, tag.closes_on))


def cancel(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
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
        replace_original=outcome in (RequestState.CANCELLED, "already_closed"),
    )


def matching_round(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime, home: Home) -> None:
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    if not is_admin(runtime, client, team_id, user_id):
        client.chat_postMessage(channel=user_id, text=not_admin_round_text())
        return
    report = run_round(runtime, team_id)
    client.chat_postMessage(channel=user_id, text=round_done_text(len(report.pairs), len(report.waiting)))
    home.publish(runtime, client, team_id, user_id)

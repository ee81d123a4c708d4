"""Check-in buttons, the report-back and pause forms, and the health pulse.

Every listener acks first, checks the clicker is one of the two people in the pairing (inside the
service), calls one service function and shows the result. Answers to a click go straight back
(response_url, views.open); messages the bot starts itself go through the outbox.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.checkins import answers, pulses, report_backs
from bot.checkins.answers import CheckinAnswer, CheckinClosed
from bot.messages import checkins as views
from bot.pairings import NotInPairing
from bot.runtime import Runtime
from handlers.registry import MentorApp

log = logging.getLogger(__name__)

Submitted = TypeVar("Submitted")


def register(app: MentorApp) -> None:
    app.action(views.MET_ACTION)(we_met)
    app.view(views.REPORT_CALLBACK)(report_back_submitted)
    app.action(views.SCHEDULED_ACTION)(scheduled)
    app.action(views.SKIP_ACTION)(skip)
    app.action(views.PAUSE_ACTION)(open_pause_form)
    app.view(views.PAUSE_CALLBACK)(pause_submitted)
    for action_id in views.PULSE_ACTIONS:
        app.action(action_id)(pulse_answer)
    app.action(views.PULSE_COMMENT_ACTION)(pulse_comment)
    app.view(views.PULSE_COMMENT_CALLBACK)(pulse_comment_saved)


def we_met(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id, checkin_id = _who(body)
    answer = _clicked(respond, lambda: answers.record_meeting(runtime, team_id, user_id, checkin_id))
    if answer is None:
        return
    if answer.reported:
        _private(respond, views.already_reported_text())
    else:
        client.views_open(
            trigger_id=body["trigger_id"],
            view=views.report_back_modal(checkin_id=checkin_id, partner_name=answer.partner_name),
        )
    if answer.changed:
        _replace(respond, views.met_text(user_id, answer.on))


def report_back_submitted(ack: Ack, body: dict[str, Any], runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    checkin_id = _metadata_id(body, "checkin")
    text, share = views.report_back_from(body["view"]["state"]["values"])
    if checkin_id is None:
        ack()
        return
    if len(text) > views.REPORT_MAX:  # Slack enforces max_length, but a forged submission may not
        ack(response_action="errors", errors={views.REPORT_BLOCK: views.too_long_text(views.REPORT_MAX)})
        return
    saved = _submitted(
        ack,
        views.REPORT_BLOCK,
        lambda: report_backs.save_report_back(runtime, team_id, user_id, checkin_id, text, share),
    )
    if saved is None:
        return
    if not text:
        ack()
        return
    ack(
        response_action="update",
        view=views.report_saved_modal(views.report_saved_text(saved.shared_with_user_id)),
    )


def scheduled(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id, checkin_id = _who(body)
    picked = body["actions"][0].get("selected_date") or ""
    try:
        day = date.fromisoformat(picked)
    except ValueError:
        _private(respond, views.pick_scheduled_day_text())
        return
    answer = _clicked(respond, lambda: answers.schedule_meeting(runtime, team_id, user_id, checkin_id, day))
    if answer is not None and answer.changed:
        _replace(respond, views.scheduled_text(user_id, day, answer.next_on or day))


def skip(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id, checkin_id = _who(body)
    answer = _clicked(respond, lambda: answers.skip_checkin(runtime, team_id, user_id, checkin_id))
    if answer is not None and answer.changed:
        _replace(respond, views.skipped_text(user_id, answer.next_on))


def open_pause_form(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    ack()
    team_id, user_id, checkin_id = _who(body)
    try:
        earliest = answers.check_can_pause(runtime, team_id, user_id, checkin_id)
    except NotInPairing:
        _private(respond, views.checkin_not_yours_text())
        return
    client.views_open(
        trigger_id=body["trigger_id"],
        view=views.pause_modal(
            checkin_id=checkin_id,
            earliest=earliest,
            suggested=earliest + timedelta(days=27),
            response_url=body.get("response_url"),
        ),
    )


def pause_submitted(ack: Ack, body: dict[str, Any], runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    checkin_id = _metadata_id(body, "checkin")
    if checkin_id is None:
        ack()
        return
    try:
        until = date.fromisoformat(views.pause_until_from(body["view"]["state"]["values"]))
    except ValueError:
        ack(response_action="errors", errors={views.PAUSE_BLOCK: views.pick_resume_day_text()})
        return
    answer = _submitted(
        ack,
        views.PAUSE_BLOCK,
        lambda: answers.pause_from_checkin(runtime, team_id, user_id, checkin_id, until),
    )
    if answer is None:
        return
    ack()
    response_url = json.loads(body["view"].get("private_metadata") or "{}").get("response_url")
    if answer.changed and response_url:
        # The form closed; the check-in message it came from now says what happened.
        text, blocks = views.answered_message(views.checkins_paused_text(user_id, until))
        try:
            WebhookClient(response_url, timeout=5).send(text=text, blocks=blocks, replace_original=True)
        except Exception as exc:
            log.info("could not update the check-in message (%s)", type(exc).__name__)


def pulse_comment(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    ack()
    team_id, user_id, pulse_id = _who(body)
    try:
        pulses.check_pulse_owner(runtime, team_id, user_id, pulse_id)
    except NotInPairing:
        _private(respond, views.pulse_not_yours_text())
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.pulse_comment_modal(pulse_id=pulse_id))


def pulse_comment_saved(ack: Ack, body: dict[str, Any], runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    pulse_id = _metadata_id(body, "pulse")
    comment = views.pulse_comment_from(body["view"]["state"]["values"])
    if pulse_id is None:
        ack()
        return
    if len(comment) > views.COMMENT_MAX:
        ack(response_action="errors", errors={views.COMMENT_BLOCK: views.too_long_text(views.COMMENT_MAX)})
        return
    try:
        pulses.comment_on_pulse(runtime, team_id, user_id, pulse_id, comment)
    except NotInPairing:
        ack(response_action="errors", errors={views.COMMENT_BLOCK: views.pulse_not_yours_text()})
        return
    ack()


def pulse_answer(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    score = views.PULSE_ACTIONS.index(body["actions"][0]["action_id"]) + 1
    team_id, user_id, pulse_id = _who(body)
    try:
        pulses.answer_pulse(runtime, team_id, user_id, pulse_id, score)
    except NotInPairing:
        _private(respond, views.pulse_not_yours_text())
        return
    text, blocks = views.pulse_answered_message(pulse_id=pulse_id, score=score)
    respond(text=text, blocks=blocks, replace_original=True)


def _who(body: dict[str, Any]) -> tuple[str, str, int]:
    """(team, clicker, id): the id is the button's value, or for the date picker the block's id."""
    action = body["actions"][0]
    raw = action.get("value") or ""
    number = int(raw) if raw.isdigit() else views.checkin_id_from_block(action.get("block_id") or "")
    return body["team"]["id"], body["user"]["id"], number or 0


def _metadata_id(body: dict[str, Any], key: str) -> int | None:
    try:
        value = json.loads(body["view"].get("private_metadata") or "{}").get(key)
    except ValueError:
        return None
    return value if isinstance(value, int) else None


def _clicked(respond: Respond, act: Callable[[], CheckinAnswer]) -> CheckinAnswer | None:
    """A button's answer, or None after telling the clicker privately why it was refused."""
    try:
        return act()
    except NotInPairing:
        _private(respond, views.checkin_not_yours_text())
    except CheckinClosed as exc:
        _private(respond, str(exc))
    return None


def _submitted(ack: Ack, block_id: str, act: Callable[[], Submitted]) -> Submitted | None:
    """A form's result, or None after showing why it was refused under the form's `block_id` field."""
    try:
        return act()
    except NotInPairing:
        ack(response_action="errors", errors={block_id: views.checkin_not_yours_text()})
    except CheckinClosed as exc:
        ack(response_action="errors", errors={block_id: str(exc)})
    return None


def _private(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _replace(respond: Respond, text: str) -> None:
    """The check-in message now shows what was recorded, so nobody answers it twice by accident."""
    message, blocks = views.answered_message(text)
    respond(text=message, blocks=blocks, replace_original=True)

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
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot import checkins
from bot.checkins import Answer, CheckinClosed
from bot.pairings import NotInPairing
from bot.people import TZ_CHANGED_HOOKS
from bot.runtime import Runtime
from handlers.views import checkins as views

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    if checkins.move_checkins_to_new_zone not in TZ_CHANGED_HOOKS:
        TZ_CHANGED_HOOKS.append(checkins.move_checkins_to_new_zone)

    @app.action(views.MET_ACTION)
    def we_met(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id, checkin_id = _who(body)
        answer = _answer(respond, lambda: checkins.record_meeting(runtime, team_id, user_id, checkin_id))
        if answer is None:
            return
        if answer.reported:
            _private(respond, "You already told me how this meeting went. Thank you!")
        else:
            client.views_open(
                trigger_id=body["trigger_id"],
                view=views.report_back_modal(checkin_id=checkin_id, partner_name=answer.partner_name),
            )
        if answer.changed:
            _replace(respond, views.met_text(user_id, answer.on))

    @app.view(views.REPORT_CALLBACK)
    def report_back(ack: Ack, body: dict[str, Any]) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        checkin_id = _metadata_id(body, "checkin")
        text, share = views.report_back_from(body["view"]["state"]["values"])
        if checkin_id is None:
            ack()
            return
        if len(text) > views.REPORT_MAX:  # Slack enforces max_length, but a forged submission may not
            ack(response_action="errors", errors={views.REPORT_BLOCK: _too_long(views.REPORT_MAX)})
            return
        try:
            saved = checkins.save_report_back(runtime, team_id, user_id, checkin_id, text, share)
        except NotInPairing:
            ack(response_action="errors", errors={views.REPORT_BLOCK: views.not_yours_text()})
            return
        except CheckinClosed as exc:
            ack(response_action="errors", errors={views.REPORT_BLOCK: str(exc)})
            return
        if not text:
            ack()
            return
        ack(
            response_action="update",
            view=views.report_saved_modal(views.report_saved_text(saved.shared_with_user_id)),
        )

    @app.action(views.SCHEDULED_ACTION)
    def scheduled(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        team_id, user_id, checkin_id = _who(body)
        picked = body["actions"][0].get("selected_date") or ""
        try:
            day = date.fromisoformat(picked)
        except ValueError:
            _private(respond, "Pick the day you've scheduled your next meeting for.")
            return
        try:
            answer = checkins.schedule_meeting(runtime, team_id, user_id, checkin_id, day)
        except NotInPairing:
            _private(respond, views.not_yours_text())
            return
        except CheckinClosed as exc:
            _private(respond, str(exc))
            return
        if answer.changed:
            _replace(respond, views.scheduled_text(user_id, day, answer.next_on or day))

    @app.action(views.SKIP_ACTION)
    def skip(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        team_id, user_id, checkin_id = _who(body)
        answer = _answer(respond, lambda: checkins.skip_checkin(runtime, team_id, user_id, checkin_id))
        if answer is not None and answer.changed:
            _replace(respond, views.skipped_text(user_id, answer.next_on))

    @app.action(views.PAUSE_ACTION)
    def pause(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id, checkin_id = _who(body)
        try:
            earliest = checkins.check_can_pause(runtime, team_id, user_id, checkin_id)
        except NotInPairing:
            _private(respond, views.not_yours_text())
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

    @app.view(views.PAUSE_CALLBACK)
    def pause_until(ack: Ack, body: dict[str, Any]) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        checkin_id = _metadata_id(body, "checkin")
        if checkin_id is None:
            ack()
            return
        try:
            until = date.fromisoformat(views.pause_until_from(body["view"]["state"]["values"]))
        except ValueError:
            ack(response_action="errors", errors={views.PAUSE_BLOCK: "Pick the day check-ins should resume."})
            return
        try:
            answer = checkins.pause_from_checkin(runtime, team_id, user_id, checkin_id, until)
        except NotInPairing:
            ack(response_action="errors", errors={views.PAUSE_BLOCK: views.not_yours_text()})
            return
        except CheckinClosed as exc:
            ack(response_action="errors", errors={views.PAUSE_BLOCK: str(exc)})
            return
        ack()
        response_url = json.loads(body["view"].get("private_metadata") or "{}").get("response_url")
        if answer.changed and response_url:
            # The form closed; the check-in message it came from now says what happened.
            text, blocks = views.answered_message(views.paused_text(user_id, until))
            try:
                WebhookClient(response_url, timeout=5).send(text=text, blocks=blocks, replace_original=True)
            except Exception as exc:
                log.info("could not update the check-in message (%s)", type(exc).__name__)

    for score, action_id in enumerate(views.PULSE_ACTIONS, start=1):
        app.action(action_id)(_pulse_listener(runtime, score))

    @app.action(views.PULSE_COMMENT_ACTION)
    def pulse_comment(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id, pulse_id = _who(body)
        try:
            checkins.check_pulse_owner(runtime, team_id, user_id, pulse_id)
        except NotInPairing:
            _private(respond, views.pulse_not_yours_text())
            return
        client.views_open(trigger_id=body["trigger_id"], view=views.pulse_comment_modal(pulse_id=pulse_id))

    @app.view(views.PULSE_COMMENT_CALLBACK)
    def pulse_comment_saved(ack: Ack, body: dict[str, Any]) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        pulse_id = _metadata_id(body, "pulse")
        comment = views.pulse_comment_from(body["view"]["state"]["values"])
        if pulse_id is None:
            ack()
            return
        if len(comment) > views.COMMENT_MAX:
            ack(response_action="errors", errors={views.COMMENT_BLOCK: _too_long(views.COMMENT_MAX)})
            return
        try:
            checkins.comment_on_pulse(runtime, team_id, user_id, pulse_id, comment)
        except NotInPairing:
            ack(response_action="errors", errors={views.COMMENT_BLOCK: views.pulse_not_yours_text()})
            return
        ack()


def _pulse_listener(runtime: Runtime, score: int):  # type: ignore[no-untyped-def]
    def answer(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        team_id, user_id, pulse_id = _who(body)
        try:
            checkins.answer_pulse(runtime, team_id, user_id, pulse_id, score)
        except NotInPairing:
            _private(respond, views.pulse_not_yours_text())
            return
        text, blocks = views.pulse_answered_message(pulse_id=pulse_id, score=score)
        respond(text=text, blocks=blocks, replace_original=True)

    return answer


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


def _answer(respond: Respond, act: Callable[[], Answer]) -> Answer | None:
    try:
        return act()
    except NotInPairing:
        _private(respond, views.not_yours_text())
    except CheckinClosed as exc:
        _private(respond, str(exc))
    return None


def _too_long(limit: int) -> str:
    return f"Please keep this under {limit:,} characters. Nothing was saved yet."


def _private(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _replace(respond: Respond, text: str) -> None:
    """The check-in message now shows what was recorded, so nobody answers it twice by accident."""
    message, blocks = views.answered_message(text)
    respond(text=message, blocks=blocks, replace_original=True)

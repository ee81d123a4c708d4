"""Onboarding buddies: `/mentor admin buddies` (the program's buddy settings), the volunteer's answer to a
buddy offer, the new hire's checklist ticks and ending the buddy time early, and the App Home lines."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.buddies.agenda import buddy_home_lines, end_early, tick_checklist
from bot.buddies.consent import BuddyAnswer, accept_buddy_offer, decline_buddy_offer
from bot.messages import buddies as views
from bot.oversight.roles import is_admin
from bot.people.program_settings import program_settings_of, update_program_settings
from bot.rules.cadence import local_date
from bot.rules.lifecycle import OfferState
from bot.rules.program_limits import LIMITS
from bot.runtime import Runtime
from handlers.registry import MentorApp
from handlers.router import CommandCall

log = logging.getLogger(__name__)


def register(app: MentorApp) -> None:
    app.router.add(
        "buddies",
        "admin buddies",
        "turn onboarding buddies on or off, their term and start",
        settings,
        admin=True,
    )
    app.view(views.SETTINGS_CALLBACK)(save_settings)
    app.action(views.OFFER_ACCEPT_ACTION)(accept)
    app.action(views.OFFER_DECLINE_ACTION)(decline)
    app.action(views.TICK_ACTION)(tick)
    app.action(views.END_ACTION)(end)


def home_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    lines = [
        views.home_line(role=role, partner_user_id=partner, ends_on=local_date(ends_at, tz))
        for role, partner, ends_at, tz in buddy_home_lines(runtime, team_id, user_id)
    ]
    return views.home_blocks(lines)


# --- The admin's settings --------------------------------------------------------------------------


def settings(call: CommandCall) -> None:
    """`/mentor admin buddies`."""
    current = program_settings_of(call.runtime, call.team_id)
    low, high = LIMITS["buddy_term_days"]
    view = views.settings_modal(
        on=current.buddy_program,
        term_days=current.buddy_term_days,
        start=current.buddy_start,
        low=int(low),
        high=int(high),
    )
    call.client.views_open(trigger_id=call.trigger_id, view=view)


def save_settings(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    values = body["view"]["state"]["values"]
    if not is_admin(runtime, client, team_id, user_id):
        ack(response_action="errors", errors={views.PROGRAM: views.not_admin_text()})
        return
    saved, errors = update_program_settings(runtime, team_id, views.settings_from(values))
    if errors:
        shown = {k: v for k, v in errors.items() if k in values} or {views.PROGRAM: " ".join(errors.values())}
        ack(response_action="errors", errors=shown)
        return
    ack()
    client.chat_postMessage(
        channel=user_id, text=views.settings_saved_text(saved.buddy_program, saved.buddy_term_days)
    )


# --- The volunteer's answer ---------------------------------------------------------------------------


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _update_clicked(client: WebClient, body: dict[str, Any], text: str, blocks: list[Any]) -> None:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts", "")
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as exc:  # the answer is stored; only the old buttons stay visible
        log.warning("could not update the buddy offer (%s)", exc.response.get("error"))


def _private(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _answered(
    body: dict[str, Any], respond: Respond, runtime: Runtime, service: Any, wanted: str
) -> BuddyAnswer | None:
    offer_id = _number(_value(body))
    answer = (
        service(runtime, body["team"]["id"], body["user"]["id"], offer_id) if offer_id is not None else None
    )
    if answer is None or answer.outcome != wanted:
        _private(respond, views.offer_stale_text(answer.outcome if answer else "not_found"))
        return None
    return answer


def accept(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    answer = _answered(body, respond, runtime, accept_buddy_offer, OfferState.ACCEPTED)
    if answer is not None:
        _update_clicked(client, body, *views.offer_accepted_blocks(answer.new_hire_user_id))


def decline(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    answer = _answered(body, respond, runtime, decline_buddy_offer, OfferState.DECLINED)
    if answer is not None:
        _update_clicked(client, body, *views.offer_declined_blocks())


# --- The pair's buttons --------------------------------------------------------------------------------

_CLICK_TEXTS = {
    "not_found": views.not_in_buddy_pairing_text,
    "not_yours": views.not_in_buddy_pairing_text,
    "not_new_hire": views.checklist_not_yours_text,
    "ended": views.already_ended_text,
}


def tick(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    pairing_text, item, done = [*_value(body).split(":"), "", "", ""][:3]
    pairing_id = _number(pairing_text)
    if pairing_id is None:
        _private(respond, views.not_in_buddy_pairing_text())
        return
    click = tick_checklist(runtime, body["team"]["id"], body["user"]["id"], pairing_id, item, done == "1")
    if click.outcome != "ok" or click.message is None:
        _private(respond, _CLICK_TEXTS.get(click.outcome, views.not_in_buddy_pairing_text)())
        return
    respond(text=click.message.text, blocks=list(click.message.blocks), replace_original=True)


def end(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    pairing_id = _number(_value(body))
    click = end_early(runtime, body["team"]["id"], body["user"]["id"], pairing_id) if pairing_id else None
    if click is None or click.outcome != "ok":
        outcome = click.outcome if click else "not_found"
        _private(respond, _CLICK_TEXTS.get(outcome, views.not_in_buddy_pairing_text)())
        return
    _private(respond, views.ended_early_reply())

"""The proposed copilot's answer: Accept, or Decline with an optional private reason."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.copilots.consent import OfferAnswer, accept_offer, decline_offer, offer_check
from bot.i18n import _
from bot.messages.offers import (
    ACCEPT_ACTION,
    DECLINE_ACTION,
    DECLINE_CALLBACK,
    DECLINE_REASON_ACTION,
    DECLINE_REASON_BLOCK,
    DECLINE_REASON_MAX,
    accepted_blocks,
    decline_metadata,
    decline_modal,
    decline_reason_from,
    declined_blocks,
    stale_text,
)
from bot.rules.lifecycle import OfferState
from bot.runtime import Runtime
from handlers.registry import MentorApp

log = logging.getLogger(__name__)


def _offer_id(body: dict[str, Any]) -> int | None:
    try:
        return int(body["actions"][0].get("value") or "")
    except (ValueError, KeyError, IndexError):
        return None


def _where(body: dict[str, Any]) -> tuple[str, str]:
    """The channel and ts of the offer message that was clicked."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts", "")
    return channel, ts


def _update_offer_message(
    client: WebClient, channel: str | None, ts: str | None, text: str, blocks: list[Any]
) -> None:
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as exc:  # the answer is stored; only the old buttons stay visible
        log.warning("could not update the offer message (%s)", exc.response.get("error"))


def register(app: MentorApp) -> None:
    app.action(ACCEPT_ACTION)(accept)
    app.action(DECLINE_ACTION)(decline)
    app.view(DECLINE_CALLBACK)(declined)


def _answer(
    body: dict[str, Any], respond: Respond, runtime: Runtime, service: Callable[..., OfferAnswer], wanted: str
) -> tuple[int, OfferAnswer] | None:
    """Ask the service about the clicked offer; when the outcome is not `wanted`, say why, privately."""
    offer_id = _offer_id(body)
    answer = (
        service(runtime, body["team"]["id"], body["user"]["id"], offer_id) if offer_id is not None else None
    )
    if offer_id is None or answer is None or answer.outcome != wanted:
        outcome = answer.outcome if answer else "not_found"
        respond(text=stale_text(outcome), response_type="ephemeral", replace_original=False)
        return None
    return offer_id, answer


def accept(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    answered = _answer(body, respond, runtime, accept_offer, OfferState.ACCEPTED)
    if answered is None:
        return
    _, answer = answered
    channel, ts = _where(body)
    text, blocks = accepted_blocks(answer.mentee_user_id)
    _update_offer_message(client, channel, ts, text, blocks)


def decline(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    answered = _answer(body, respond, runtime, offer_check, OfferState.PENDING)
    if answered is None:
        return
    offer_id, _ = answered
    channel, ts = _where(body)
    client.views_open(trigger_id=body["trigger_id"], view=decline_modal(offer_id, channel, ts))


def declined(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    typed = (body["view"]["state"]["values"].get(DECLINE_REASON_BLOCK) or {}).get(DECLINE_REASON_ACTION)
    if len(((typed or {}).get("value") or "").strip()) > DECLINE_REASON_MAX:
        # Slack enforces max_length; a forged or replayed submission is refused, not silently cut.
        too_long = _("Please keep the reason under {count} characters.", count=DECLINE_REASON_MAX)
        ack(response_action="errors", errors={DECLINE_REASON_BLOCK: too_long})
        return
    ack()
    user_id = body["user"]["id"]
    offer_id, channel, ts = decline_metadata(body["view"])
    if offer_id is None:
        return
    reason = decline_reason_from(body["view"]["state"]["values"])
    answer = decline_offer(runtime, body["team"]["id"], user_id, offer_id, reason)
    if answer.outcome == OfferState.DECLINED:
        text, blocks = declined_blocks(answer.mentee_user_id)
        _update_offer_message(client, channel, ts, text, blocks)
    else:
        client.chat_postMessage(channel=user_id, text=stale_text(answer.outcome))

"""Helpers for the copilot request, volunteer and offer flows: form values as Slack sends them."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select

from bot.demo import forms
from bot.demo.slack_standin import SlackStandIn
from storage.models import MentoringRequest, Offer, OutboxMessage, Pairing
from tests.harness import RunningBot

GOALS = "I want to get better at giving feedback to senior colleagues without freezing up."


def eventually(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Poll until truthy: listeners keep working after Bolt has acked the request."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.02)


def _options(values: Sequence[str]) -> list[dict[str, Any]]:
    return [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values]


def request_values(
    goals: str = GOALS,
    topics: Sequence[str] = ("Giving feedback",),
    cadence: str = "monthly",
    length: str = "3 months",
    team: str = "either",
    copilot: str | None = None,
) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "goals": {"goals": {"type": "plain_text_input", "value": goals}},
        "topics": {"topics": {"type": "multi_static_select", "selected_options": _options(topics)}},
        "cadence": {"cadence": {"type": "static_select", "selected_option": {"value": cadence}}},
        "length": {"length": {"type": "plain_text_input", "value": length}},
        "team": {"team": {"type": "radio_buttons", "selected_option": {"value": team}}},
        "copilot": {"copilot": {"type": "users_select", "selected_user": copilot}},
    }


def volunteer_values(
    topics: Sequence[str] = ("Giving feedback",),
    tags: str = "",
    capacity: str = "1",
    available_until: str | None = None,
    paused_until: str | None = None,
    other_teams: str = "yes",
    intro: str = "",
) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "topics": {"topics": {"type": "multi_static_select", "selected_options": _options(topics)}},
        "tags": {"tags": {"type": "plain_text_input", "value": tags}},
        "capacity": {"capacity": {"type": "number_input", "value": capacity}},
        "available_until": {"available_until": {"type": "datepicker", "selected_date": available_until}},
        "paused_until": {"paused_until": {"type": "datepicker", "selected_date": paused_until}},
        "other_teams": {"other_teams": {"type": "radio_buttons", "selected_option": {"value": other_teams}}},
        "intro": {"intro": {"type": "plain_text_input", "value": intro}},
    }


def open_form(bot: RunningBot, text: str, user: str) -> dict[str, Any]:
    before = len(bot.slack.calls_to("views.open"))
    reply = bot.command(text, user=user)
    assert reply.status == 200
    return bot.slack.wait_for("views.open", before + 1)[-1].args["view"]


def volunteer_via_form(bot: RunningBot, user: str, **values: Any) -> None:
    view = open_form(bot, "volunteer", user)
    reply = bot.submit(view, volunteer_values(**values), user=user)
    assert reply.status == 200 and not reply.body.strip(b"null"), reply.text
    eventually(lambda: bot.slack.calls_to("chat.postEphemeral") and _profile_saved(bot, user))


def _profile_saved(bot: RunningBot, user: str) -> bool:
    from bot.copilots.volunteering import volunteer_summary

    return volunteer_summary(bot.runtime, bot.team_id, user) is not None


def request_via_form(
    bot: RunningBot, user: str, text: str = "request", *, newer_than: int = 0, **values: Any
) -> int:
    view = open_form(bot, text, user)
    reply = bot.submit(view, request_values(**values), user=user)
    assert reply.status == 200 and not reply.body.strip(b"null"), reply.text
    return eventually(lambda: (latest_request(bot, user) or 0) > newer_than and latest_request(bot, user))


def latest_request(bot: RunningBot, user: str) -> int | None:
    from bot.people.directory import find_person

    with bot.runtime.db.transaction() as session:
        person = find_person(session, bot.team_id, user)
        if person is None:
            return None
        return session.scalar(
            select(MentoringRequest.id)
            .where(MentoringRequest.mentee_id == person.id)
            .order_by(MentoringRequest.id.desc())
            .limit(1)
        )


def offers_for(bot: RunningBot, request_id: int) -> list[Offer]:
    with bot.runtime.db.transaction() as session:
        return list(session.scalars(select(Offer).where(Offer.request_id == request_id).order_by(Offer.id)))


def request_row(bot: RunningBot, request_id: int) -> MentoringRequest:
    with bot.runtime.db.transaction() as session:
        row = session.get(MentoringRequest, request_id)
        assert row is not None
        return row


def pairings(bot: RunningBot) -> list[Pairing]:
    with bot.runtime.db.transaction() as session:
        return list(session.scalars(select(Pairing).order_by(Pairing.id)))


def dms_to(slack: SlackStandIn, user: str) -> list[dict[str, Any]]:
    return [c.args for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == user]


def all_text(message: dict[str, Any]) -> str:
    """The message text and every text inside its blocks, as one string (the demo's reading of it)."""
    return forms.all_text(message.get("text") or "", message.get("blocks") or [])


def offer_message_of(bot: RunningBot, offer_id: int) -> dict[str, Any]:
    """Where the dispatcher posted an offer: what a click on it carries as `message`."""
    with bot.runtime.db.transaction() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"offer:{offer_id}"))
        assert row is not None and row.status == "sent", row and row.status
        return {"ts": row.slack_ts, "channel": row.slack_channel, "text": ""}


def buttons(message: dict[str, Any]) -> dict[str, str]:
    found = {}
    for block in message.get("blocks") or []:
        if block.get("type") == "actions":
            for element in block["elements"]:
                found[element["action_id"]] = element.get("value", "")
    return found


def tick(bot: RunningBot) -> None:
    """One scheduler pass a minute later (the dispatcher paces messages to one channel a second apart)."""
    from datetime import timedelta

    bot.tick(bot.clock.now() + timedelta(minutes=1))


def opened_view(bot: RunningBot, count: int = 1) -> dict[str, Any]:
    """The view of the count-th views.open call."""
    return bot.slack.wait_for("views.open", count)[count - 1].args["view"]


def introduction_values(
    introduced: str | None, contact: str | None, why: str, leave_out: bool = False
) -> dict[str, Any]:
    """The introduction form's state values: who is introduced to whom, and why."""
    chosen = [{"value": "leave_me_out"}] if leave_out else []
    return {
        "introduced": {"user": {"type": "users_select", "selected_user": introduced}},
        "contact": {"user": {"type": "users_select", "selected_user": contact}},
        "reason": {"text": {"type": "plain_text_input", "value": why}},
        "options": {"choices": {"type": "checkboxes", "selected_options": chosen}},
    }

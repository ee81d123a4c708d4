"""Contacts and promises, private to their owner: `/mentor contacts`, `/mentor promise`, App Home, nudges."""

from __future__ import annotations

import logging
import re
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import network
from bot.runtime import Runtime
from bot.scheduler import Planner
from bot.submissions import claim_view, release_view
from handlers.home import HomeSection, publish_home
from handlers.router import CommandCall, CommandRouter
from handlers.views.network import (
    ADD_CONTACT_ACTION,
    ADD_PROMISE_ACTION,
    CONTACT_CALLBACK,
    DONE_ACTION,
    EDIT_CONTACT_ACTION,
    PAGE_ACTION,
    PICK_CONTACT_ACTION,
    PROMISE_CALLBACK,
    SNOOZE_DATE_ACTION,
    SNOOZE_TOMORROW_ACTION,
    STOP_ACTION,
    TALKED_ACTION,
    contact_id_from,
    contact_modal,
    contact_values,
    contacts_list,
    keep_in_touch_message,
    network_home_blocks,
    not_your_contact_text,
    not_your_promise_text,
    promise_done_text,
    promise_due_message,
    promise_modal,
    promise_saved_text,
    promise_snoozed_text,
    promise_values,
)
from handlers.views.text import plain, section

log = logging.getLogger(__name__)


def planners() -> list[Planner]:
    return [
        partial(network.plan_promise_nudges, render=promise_due_message),
        partial(network.plan_keep_in_touch, render=keep_in_touch_message),
    ]


def home_section(runtime: Runtime, team_id: str, user_id: str, page: int = 0) -> list[dict[str, Any]]:
    return network_home_blocks(network.network_page(runtime, team_id, user_id, page))


def _notice(client: WebClient, body: dict[str, Any], respond: Respond, text: str) -> None:
    """A refusal only the clicker sees: ephemeral under a message, a small modal from App Home."""
    if body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    client.views_open(
        trigger_id=body["trigger_id"],
        view={
            "type": "modal",
            "title": plain("mentor-bot", 24),
            "close": plain("OK", 24),
            "blocks": [section(text)],
        },
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def register(app: App, runtime: Runtime, router: CommandRouter, sections: list[HomeSection]) -> None:
    # --- contacts ---------------------------------------------------------------------------------------
    def contacts(call: CommandCall) -> None:
        page = network.network_page(runtime, call.team_id, call.user_id)
        text, blocks = contacts_list(page)
        call.ack(text=text, blocks=blocks)

    router.add(
        "contacts",
        "contacts",
        "your private list of contacts (only you see it)",
        contacts,
        aliases=("network",),
    )

    def open_contact(
        body: dict[str, Any], client: WebClient, respond: Respond, contact_id: int | None
    ) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        today = network.today_of_user(runtime, team_id, user_id)
        if contact_id is None:
            client.views_open(trigger_id=body["trigger_id"], view=contact_modal(None, None, today))
            return
        try:
            found_id, fields = network.own_contact(runtime, team_id, user_id, contact_id)
        except network.NotYours:
            _notice(client, body, respond, not_your_contact_text())
            return
        client.views_open(trigger_id=body["trigger_id"], view=contact_modal(found_id, fields, today))

    @app.action(ADD_CONTACT_ACTION)
    def add_contact(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        open_contact(body, client, respond, None)

    @app.action(EDIT_CONTACT_ACTION)
    def edit_contact(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        contact_id = _int(body["actions"][0].get("value"))
        if contact_id is not None:
            open_contact(body, client, respond, contact_id)

    @app.action(re.compile(f"^{PICK_CONTACT_ACTION}_\\d+$"))
    def pick_contact(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        contact_id = _int((body["actions"][0].get("selected_option") or {}).get("value"))
        if contact_id is not None:
            open_contact(body, client, respond, contact_id)

    @app.view(CONTACT_CALLBACK)
    def save_contact(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        fields, errors = contact_values(body["view"]["state"]["values"])
        today = network.today_of_user(runtime, team_id, user_id)
        errors = {**network.check_contact(fields, today), **errors}
        if errors:
            ack(response_action="errors", errors=errors)
            return
        contact_id = contact_id_from(body["view"])
        try:
            network.save_contact(runtime, client, team_id, user_id, contact_id, fields)
        except network.NotYours:
            ack(response_action="errors", errors={"name": not_your_contact_text()})
            return
        ack()
        log.info("contact %s by one owner", "added" if contact_id is None else "edited")
        _refresh_home(client, team_id, user_id)

    @app.action(re.compile(f"^{PAGE_ACTION}_(prev|next)$"))
    def turn_page(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        page = _int(body["actions"][0].get("value")) or 0
        _refresh_home(client, body["team"]["id"], body["user"]["id"], page)

    def _refresh_home(client: WebClient, team_id: str, user_id: str, page: int = 0) -> None:
        paged = [partial(home_section, page=page) if s is home_section else s for s in sections]
        publish_home(runtime, client, team_id, user_id, paged)

    @app.action(TALKED_ACTION)
    def talked(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        contact_id = _int(body["actions"][0].get("value"))
        try:
            day = network.talked_today(runtime, body["team"]["id"], body["user"]["id"], contact_id or 0)
        except network.NotYours:
            _notice(client, body, respond, not_your_contact_text())
            return
        text = f"Noted: you talked on {day:%A %-d %B}."
        respond(text=text, blocks=[section(text)], replace_original=True)

    @app.action(STOP_ACTION)
    def stop(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        contact_id = _int(body["actions"][0].get("value"))
        try:
            network.stop_reminding(runtime, body["team"]["id"], body["user"]["id"], contact_id or 0)
        except network.NotYours:
            _notice(client, body, respond, not_your_contact_text())
            return
        text = "Okay, no more keep-in-touch reminders for this contact."
        respond(text=text, blocks=[section(text)], replace_original=True)

    # --- promises ---------------------------------------------------------------------------------------
    def promise(call: CommandCall) -> None:
        if not call.args.strip():
            call.ack()
            draft = network.promise_draft(runtime, call.client, call.team_id, call.user_id, "")
            call.client.views_open(trigger_id=call.trigger_id, view=promise_modal(draft))
            return
        draft = network.promise_draft(runtime, call.client, call.team_id, call.user_id, call.args)
        errors = network.check_promise(draft.text, draft.to_name, draft.due_on, draft.today)
        if errors:
            call.ack()
            call.client.views_open(trigger_id=call.trigger_id, view=promise_modal(draft))
            return
        assert draft.due_on is not None
        saved = network.add_promise(
            runtime,
            call.client,
            call.team_id,
            call.user_id,
            text=draft.text,
            due_on=draft.due_on,
            to_user_id=draft.to_user_id,
            to_name=draft.to_name,
        )
        text, blocks = promise_saved_text(draft.text, saved.due_on, saved.volume)
        call.ack(text=text, blocks=blocks)

    router.add(
        "promise",
        "promise @someone what, by when",
        "keep a promise you made, and get reminded on the day",
        promise,
        aliases=("promises",),
    )

    @app.action(ADD_PROMISE_ACTION)
    def add_promise(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        draft = network.promise_draft(runtime, client, body["team"]["id"], body["user"]["id"], "")
        client.views_open(trigger_id=body["trigger_id"], view=promise_modal(draft))

    @app.view(PROMISE_CALLBACK)
    def save_promise(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        text, to_user, to_name, due = promise_values(body["view"]["state"]["values"])
        today = network.today_of_user(runtime, team_id, user_id)
        errors = network.check_promise(text, to_name, due, today)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        assert due is not None
        view_id = body["view"]["id"]
        if not claim_view(runtime, team_id, view_id):
            ack()  # the same form again: the first submission stored the promise
            return
        try:
            saved = network.add_promise(
                runtime, client, team_id, user_id, text=text, due_on=due, to_user_id=to_user, to_name=to_name
            )
        except Exception:
            release_view(runtime, view_id)
            raise
        ack()
        reply, blocks = promise_saved_text(text, saved.due_on, saved.volume)
        client.chat_postMessage(channel=user_id, text=reply, blocks=blocks)

    @app.action(DONE_ACTION)
    def done(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        promise_id = _int(body["actions"][0].get("value"))
        try:
            network.complete_promise(runtime, body["team"]["id"], promise_id or 0, body["user"]["id"])
        except network.NotYours:
            _notice(client, body, respond, not_your_promise_text())
            return
        text = promise_done_text()
        respond(text=text, blocks=[section(text)], replace_original=True)

    def snooze(body: dict[str, Any], client: WebClient, respond: Respond, until: date | None) -> None:
        action = body["actions"][0]
        promise_id = _int(action.get("value") or str(action.get("block_id", "")).removeprefix("promise_"))
        try:
            state = network.snooze_promise(
                runtime, body["team"]["id"], promise_id or 0, body["user"]["id"], until
            )
        except network.NotYours:
            _notice(client, body, respond, not_your_promise_text())
            return
        except ValueError:
            respond(
                text="Pick a day after today to snooze to.", response_type="ephemeral", replace_original=False
            )
            return
        if state.status == network.DONE:
            text = promise_done_text()
        else:
            assert state.snoozed_until is not None
            text = promise_snoozed_text(state.snoozed_until)
        respond(text=text, blocks=[section(text)], replace_original=True)

    @app.action(SNOOZE_TOMORROW_ACTION)
    def snooze_tomorrow(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        snooze(body, client, respond, None)

    @app.action(SNOOZE_DATE_ACTION)
    def snooze_to_date(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        raw = body["actions"][0].get("selected_date")
        try:
            until = date.fromisoformat(raw) if raw else None
        except ValueError:
            until = None
        if until is None:
            respond(text="Pick a day to snooze to.", response_type="ephemeral", replace_original=False)
            return
        snooze(body, client, respond, until)

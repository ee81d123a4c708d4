"""`/mentor contacts`, `/mentor promise` and their App Home section: private to their owner."""

from __future__ import annotations

import logging
import re
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.i18n import N_, _
from bot.messages.contacts import (
    ADD_CONTACT_ACTION,
    CONTACT_CALLBACK,
    EDIT_CONTACT_ACTION,
    PICK_CONTACT_ACTION,
    STOP_ACTION,
    TALKED_ACTION,
    contact_id_from,
    contact_modal,
    contact_values,
    not_your_contact_text,
    stopped_reminding_text,
    talked_text,
)
from bot.messages.network import PAGE_ACTION, contacts_list, network_home_blocks
from bot.messages.promises import (
    ADD_PROMISE_ACTION,
    DONE_ACTION,
    PROMISE_CALLBACK,
    SNOOZE_DATE_ACTION,
    SNOOZE_TOMORROW_ACTION,
    not_your_promise_text,
    promise_done_text,
    promise_modal,
    promise_saved_text,
    promise_snoozed_text,
    promise_values,
    snooze_needs_a_day_text,
    snooze_needs_a_later_day_text,
)
from bot.messages.text import plain, section
from bot.network.contacts import check_contact, contact_draft, save_contact
from bot.network.keep_in_touch import stop_reminding, talked_today
from bot.network.my_network import network_page
from bot.network.ownership import NotYours
from bot.network.promises import add_promise, check_promise, complete_promise, promise_draft, snooze_promise
from bot.rules.network_states import PromiseStatus
from bot.runtime import Runtime
from bot.submissions import claim_view, release_view
from handlers.home import Home
from handlers.registry import MentorApp
from handlers.router import CommandCall

log = logging.getLogger(__name__)


def home_section(runtime: Runtime, team_id: str, user_id: str, page: int = 0) -> list[dict[str, Any]]:
    return network_home_blocks(network_page(runtime, team_id, user_id, page))


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
            "close": plain(_("OK"), 24),
            "blocks": [section(text)],
        },
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def register(app: MentorApp) -> None:
    app.router.add(
        "contacts",
        "contacts",
        N_("your private list of contacts (only you see it)"),
        contacts,
        aliases=("network",),
    )
    app.router.add(
        "promise",
        "promise @someone what, by when",
        N_("keep a promise you made, and get reminded on the day"),
        promise,
        aliases=("promises",),
    )
    app.action(ADD_CONTACT_ACTION)(add_contact)
    app.action(EDIT_CONTACT_ACTION)(edit_contact)
    app.action(re.compile(f"^{PICK_CONTACT_ACTION}_\\d+$"))(pick_contact)
    app.view(CONTACT_CALLBACK)(submit_contact)
    app.action(re.compile(f"^{PAGE_ACTION}_(prev|next)$"))(turn_page)
    app.action(TALKED_ACTION)(talked)
    app.action(STOP_ACTION)(stop)
    app.action(ADD_PROMISE_ACTION)(open_promise_from_home)
    app.view(PROMISE_CALLBACK)(submit_promise)
    app.action(DONE_ACTION)(done)
    app.action(SNOOZE_TOMORROW_ACTION)(snooze_tomorrow)
    app.action(SNOOZE_DATE_ACTION)(snooze_to_date)


# --- contacts ---------------------------------------------------------------------------------------


def contacts(call: CommandCall) -> None:
    page = network_page(call.runtime, call.team_id, call.user_id)
    text, blocks = contacts_list(page)
    call.ack(text=text, blocks=blocks)


def open_contact(
    runtime: Runtime, body: dict[str, Any], client: WebClient, respond: Respond, contact_id: int | None
) -> None:
    try:
        draft = contact_draft(runtime, body["team"]["id"], body["user"]["id"], contact_id)
    except NotYours:
        _notice(client, body, respond, not_your_contact_text())
        return
    view = contact_modal(draft.contact_id, draft.fields, draft.today)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def add_contact(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    ack()
    open_contact(runtime, body, client, respond, None)


def edit_contact(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    ack()
    contact_id = _int(body["actions"][0].get("value"))
    if contact_id is not None:
        open_contact(runtime, body, client, respond, contact_id)


def pick_contact(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    ack()
    contact_id = _int((body["actions"][0].get("selected_option") or {}).get("value"))
    if contact_id is not None:
        open_contact(runtime, body, client, respond, contact_id)


def submit_contact(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime, home: Home) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    fields, errors = contact_values(body["view"]["state"]["values"])
    errors = {**check_contact(runtime, team_id, user_id, fields), **errors}
    if errors:
        ack(response_action="errors", errors=errors)
        return
    contact_id = contact_id_from(body["view"])
    try:
        save_contact(runtime, client, team_id, user_id, contact_id, fields)
    except NotYours:
        ack(response_action="errors", errors={"name": not_your_contact_text()})
        return
    ack()
    log.info("contact %s by one owner", "added" if contact_id is None else "edited")
    _publish_home(runtime, home, client, team_id, user_id)


def turn_page(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime, home: Home) -> None:
    ack()
    page = _int(body["actions"][0].get("value")) or 0
    _publish_home(runtime, home, client, body["team"]["id"], body["user"]["id"], page)


def _publish_home(
    runtime: Runtime, home: Home, client: WebClient, team_id: str, user_id: str, page: int = 0
) -> None:
    """The person's Home, with the network section on the given page."""
    home.publish(runtime, client, team_id, user_id, instead={home_section: partial(home_section, page=page)})


def talked(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    contact_id = _int(body["actions"][0].get("value"))
    try:
        day = talked_today(runtime, body["team"]["id"], body["user"]["id"], contact_id or 0)
    except NotYours:
        _notice(client, body, respond, not_your_contact_text())
        return
    text = talked_text(day)
    respond(text=text, blocks=[section(text)], replace_original=True)


def stop(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    contact_id = _int(body["actions"][0].get("value"))
    try:
        stop_reminding(runtime, body["team"]["id"], body["user"]["id"], contact_id or 0)
    except NotYours:
        _notice(client, body, respond, not_your_contact_text())
        return
    text = stopped_reminding_text()
    respond(text=text, blocks=[section(text)], replace_original=True)


# --- promises ---------------------------------------------------------------------------------------


def promise(call: CommandCall) -> None:
    if not call.args.strip():
        call.ack()
        draft = promise_draft(call.runtime, call.client, call.team_id, call.user_id, "")
        call.client.views_open(trigger_id=call.trigger_id, view=promise_modal(draft))
        return
    draft = promise_draft(call.runtime, call.client, call.team_id, call.user_id, call.args)
    errors = check_promise(call.runtime, call.team_id, call.user_id, draft.text, draft.to_name, draft.due_on)
    if errors:
        call.ack()
        call.client.views_open(trigger_id=call.trigger_id, view=promise_modal(draft))
        return
    assert draft.due_on is not None
    saved = add_promise(
        call.runtime,
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


def open_promise_from_home(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    draft = promise_draft(runtime, client, body["team"]["id"], body["user"]["id"], "")
    client.views_open(trigger_id=body["trigger_id"], view=promise_modal(draft))


def submit_promise(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    text, to_user, to_name, due = promise_values(body["view"]["state"]["values"])
    errors = check_promise(runtime, team_id, user_id, text, to_name, due)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    assert due is not None
    view_id = body["view"]["id"]
    if not claim_view(runtime, team_id, view_id):
        ack()  # the same form again: the first submission stored the promise
        return
    try:
        saved = add_promise(
            runtime, client, team_id, user_id, text=text, due_on=due, to_user_id=to_user, to_name=to_name
        )
    except Exception:
        release_view(runtime, view_id)
        raise
    ack()
    reply, blocks = promise_saved_text(text, saved.due_on, saved.volume)
    client.chat_postMessage(channel=user_id, text=reply, blocks=blocks)


def done(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    promise_id = _int(body["actions"][0].get("value"))
    try:
        complete_promise(runtime, body["team"]["id"], promise_id or 0, body["user"]["id"])
    except NotYours:
        _notice(client, body, respond, not_your_promise_text())
        return
    text = promise_done_text()
    respond(text=text, blocks=[section(text)], replace_original=True)


def snooze(
    runtime: Runtime, body: dict[str, Any], client: WebClient, respond: Respond, until: date | None
) -> None:
    action = body["actions"][0]
    promise_id = _int(action.get("value") or str(action.get("block_id", "")).removeprefix("promise_"))
    try:
        change = snooze_promise(runtime, body["team"]["id"], promise_id or 0, body["user"]["id"], until)
    except NotYours:
        _notice(client, body, respond, not_your_promise_text())
        return
    except ValueError:
        respond(text=snooze_needs_a_later_day_text(), response_type="ephemeral", replace_original=False)
        return
    if change.status == PromiseStatus.DONE:
        text = promise_done_text()
    else:
        assert change.snoozed_until is not None
        text = promise_snoozed_text(change.snoozed_until)
    respond(text=text, blocks=[section(text)], replace_original=True)


def snooze_tomorrow(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    ack()
    snooze(runtime, body, client, respond, None)


def snooze_to_date(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    ack()
    raw = body["actions"][0].get("selected_date")
    try:
        until = date.fromisoformat(raw) if raw else None
    except ValueError:
        until = None
    if until is None:
        respond(text=snooze_needs_a_day_text(), response_type="ephemeral", replace_original=False)
        return
    snooze(runtime, body, client, respond, until)

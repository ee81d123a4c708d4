"""Slack's face of the expectation-setting conversation: buttons, modals, `/mentor end`, App Home.

Every listener acks first. Buttons that open a modal open a "one moment" modal straight away and
fill it in after loading, so the trigger never expires. Every click is checked by the service: someone
outside the pairing gets a kind note and nothing changes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.expectations import later_life
from bot.expectations.confirmation import confirm_agreement
from bot.expectations.differences import accept_term, proposal_form_for, propose_term
from bot.expectations.home import home_pairings
from bot.expectations.kickoff import remember_channel
from bot.expectations.questionnaire import questionnaire_for, submit_answers
from bot.expectations.rounds import Outcome, Refused
from bot.expectations.term_end import choose_at_term_end
from bot.i18n import N_, _
from bot.messages.expectations import ids
from bot.messages.expectations.differences import proposal_modal, proposal_value_from, settled_blocks
from bot.messages.expectations.forms import QUESTION_LABELS, errors_for_modal, loading_modal, notice_modal
from bot.messages.expectations.home import home_blocks
from bot.messages.expectations.later_life import REFLECTION_MAX_CHARS, end_modal, reflection_from
from bot.messages.expectations.questionnaire import answers_from, questionnaire_modal
from bot.messages.readers import plain_block_id
from bot.people.directory import resolve_user
from bot.runtime import Runtime
from handlers.registry import MentorApp
from handlers.router import CommandCall

log = logging.getLogger(__name__)

END_USAGE = N_("Say who with: `/mentor end @name`.")


def home_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """App Home: the person's open pairings with Revisit / Pause / End."""
    return home_blocks(home_pairings(runtime, team_id, user_id))


def _ids(body: dict[str, Any]) -> tuple[str, str]:
    return body["team"]["id"] if body.get("team") else body["user"]["team_id"], body["user"]["id"]


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return body["actions"][0]


def _pairing_in_value(body: dict[str, Any]) -> int:
    """The pairing id a button carries as its whole value (0, which matches no pairing, if it's not one)."""
    value = _action(body).get("value", "")
    return int(value) if value.isdigit() else 0


def _button_parts(body: dict[str, Any], respond: Respond, client: WebClient, count: int) -> list[str] | None:
    """The clicked button's value split at ":" into `count` parts, the first a pairing id; None (and a note
    to the clicker) when the value isn't that shape."""
    parts = (_action(body).get("value", "") or "").split(":")
    if len(parts) != count or not parts[0].isdigit():
        _tell(body, respond, client, _("That button is out of date. Nothing was changed."))
        return None
    return parts


def _tell(body: dict[str, Any], respond: Respond, client: WebClient, text: str) -> None:
    """A private note to the clicker: ephemeral where they clicked, or a DM from App Home."""
    # Clicks in App Home or a modal have no message to answer under: send a DM instead.
    if body.get("response_url") and (body.get("container") or {}).get("type") != "view":
        respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        client.chat_postMessage(channel=body["user"]["id"], text=text)


def _open_then_fill(
    client: WebClient, trigger_id: str, title: str, load: Callable[[], dict[str, Any]]
) -> str | None:
    """Open a placeholder modal at once, then load and show the real one. Returns a refusal, if any."""
    opened = client.views_open(trigger_id=trigger_id, view=loading_modal(title))
    view_id = opened["view"]["id"]
    refusal = None
    try:
        view = load()
    except Refused as exc:
        refusal = str(exc)
        view = notice_modal(title, refusal)
    client.views_update(view_id=view_id, view=view)
    return refusal


def _metadata(body: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(body["view"].get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def register(app: MentorApp) -> None:
    app.router.add("end", "end @name", N_("end your mentoring with someone (kindly)"), end_command)
    app.action(ids.OPEN_QUESTIONNAIRE)(open_questionnaire)
    app.view(ids.QUESTIONNAIRE_CALLBACK)(save_answers)
    app.action(ids.RESOLVE)(resolve)
    app.action(ids.COUNTER)(counter)
    app.view(ids.PROPOSAL_CALLBACK)(save_proposal)
    app.action(ids.ACCEPT)(accept)
    app.action(ids.CONFIRM)(confirm)
    app.action(ids.REVISIT)(revisit)
    app.action(ids.PAUSE)(pause)
    app.action(ids.RESUME)(resume)
    app.action(ids.END)(end_button)
    app.view(ids.END_CALLBACK)(save_end)
    app.action(re.compile(f"^{ids.TERM_END_PREFIX}(renew|networking|close)$"))(term_end)


# --- the questionnaire -------------------------------------------------------------------------


def open_questionnaire(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    ack()
    team_id, user_id = _ids(body)
    pairing_id = _pairing_in_value(body)

    def load() -> dict[str, Any]:
        form = questionnaire_for(runtime, team_id, user_id, pairing_id)
        return questionnaire_modal(form)

    refusal = _open_then_fill(client, body["trigger_id"], _("Set expectations"), load)
    if refusal is not None:
        _tell(body, respond, client, refusal)
        return
    channel_id = (body.get("channel") or {}).get("id", "")
    remember_channel(runtime, team_id, pairing_id, channel_id, user_id)


def save_answers(ack: Ack, body: dict[str, Any], runtime: Runtime) -> None:
    team_id, user_id = _ids(body)
    meta = _metadata(body)
    raw = answers_from(body["view"]["state"]["values"])
    try:
        submitted = submit_answers(
            runtime, team_id, user_id, int(meta.get("p", 0)), int(meta.get("r", 0)), raw
        )
    except Refused as exc:
        ack(response_action="update", view=notice_modal(_("Set expectations"), str(exc)))
        return
    if submitted.errors:
        ack(response_action="errors", errors=errors_for_modal(submitted.errors))
        return
    note = (
        _("Thanks! You've both answered: look in your group message for what you agree on.")
        if submitted.both_answered
        else _(
            "Thanks! We'll show you both the answers once {partner} has answered too. "
            "Until then you can change yours from the same button.",
            partner=submitted.partner_name,
        )
    )
    ack(response_action="update", view=notice_modal(_("Answers sent"), note))


# --- resolving differences -------------------------------------------------------------------------


def open_proposal(
    runtime: Runtime, body: dict[str, Any], client: WebClient, respond: Respond, *, counter: bool
) -> None:
    team_id, user_id = _ids(body)
    parts = _button_parts(body, respond, client, 4 if counter else 3)
    if parts is None:
        return
    pairing_id, round_, key = int(parts[0]), int(parts[1]), parts[2]

    def load() -> dict[str, Any]:
        form = proposal_form_for(runtime, team_id, user_id, pairing_id, round_, key, counter=counter)
        return proposal_modal(form)

    refusal = _open_then_fill(client, body["trigger_id"], _("Settle a difference"), load)
    if refusal is not None:
        _tell(body, respond, client, refusal)


def resolve(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    open_proposal(runtime, body, client, respond, counter=False)


def counter(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    open_proposal(runtime, body, client, respond, counter=True)


def save_proposal(ack: Ack, body: dict[str, Any], runtime: Runtime) -> None:
    team_id, user_id = _ids(body)
    meta = _metadata(body)
    key = str(meta.get("k", ""))
    if key not in QUESTION_LABELS:
        ack(response_action="update", view=notice_modal(_("Settle a difference"), _("Nothing to settle.")))
        return
    value = proposal_value_from(key, body["view"]["state"]["values"])
    try:
        errors = propose_term(
            runtime, team_id, user_id, int(meta.get("p", 0)), int(meta.get("r", 0)), key, value
        )
    except Refused as exc:
        ack(response_action="update", view=notice_modal(_("Settle a difference"), str(exc)))
        return
    if errors:
        ack(response_action="errors", errors=errors_for_modal(errors))
        return
    ack()


def accept(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id = _ids(body)
    parts = _button_parts(body, respond, client, 4)
    if parts is None:
        return
    try:
        outcome = accept_term(runtime, team_id, user_id, int(parts[0]), int(parts[1]), parts[2], parts[3])
    except Refused as exc:
        _tell(body, respond, client, str(exc))
        return
    if outcome.changed:
        respond(text=outcome.note, blocks=settled_blocks(outcome.note), replace_original=True)
    else:
        _tell(body, respond, client, outcome.note)


# --- confirming, revisiting ----------------------------------------------------------------------


def simple_click(
    body: dict[str, Any], client: WebClient, respond: Respond, act: Callable[[], Outcome]
) -> None:
    try:
        outcome = act()
    except Refused as exc:
        _tell(body, respond, client, str(exc))
        return
    _tell(body, respond, client, outcome.note)


def confirm(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id = _ids(body)
    parts = _button_parts(body, respond, client, 2)
    if parts is None:
        return
    simple_click(
        body,
        client,
        respond,
        lambda: confirm_agreement(runtime, team_id, user_id, int(parts[0]), int(parts[1])),
    )


def revisit(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id = _ids(body)
    pairing_id = _pairing_in_value(body)
    simple_click(body, client, respond, lambda: later_life.revisit(runtime, team_id, user_id, pairing_id))


# --- pause / resume / end ------------------------------------------------------------------------


def pairing_from_block(body: dict[str, Any]) -> int:
    block_id = plain_block_id(_action(body).get("block_id", ""))  # pairing_12.fr: a second language's
    tail = block_id.removeprefix("pairing_")
    return int(tail) if tail.isdigit() else 0


def pause(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id = _ids(body)
    try:
        until = date.fromisoformat(_action(body).get("selected_date") or "")
    except ValueError:
        _tell(body, respond, client, _("Pick a date to pause until."))
        return
    pairing_id = pairing_from_block(body)
    simple_click(
        body, client, respond, lambda: later_life.pause(runtime, team_id, user_id, pairing_id, until)
    )


def resume(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id = _ids(body)
    pairing_id = _pairing_in_value(body)
    simple_click(body, client, respond, lambda: later_life.resume(runtime, team_id, user_id, pairing_id))


def open_end_modal(
    runtime: Runtime, client: WebClient, trigger_id: str, team_id: str, user_id: str, find: Callable[[], int]
) -> str | None:
    def load() -> dict[str, Any]:
        pairing_id = find()
        partner = later_life.end_form_for(runtime, team_id, user_id, pairing_id)
        return end_modal(pairing_id, partner)

    return _open_then_fill(client, trigger_id, _("End mentoring"), load)


def end_button(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id = _ids(body)
    pairing_id = _pairing_in_value(body)
    refusal = open_end_modal(runtime, client, body["trigger_id"], team_id, user_id, lambda: pairing_id)
    if refusal is not None:
        _tell(body, respond, client, refusal)


def end_command(call: CommandCall) -> None:
    call.ack()
    text = call.args.strip()
    if not text:
        call.respond(text=_(END_USAGE), response_type="ephemeral")
        return

    def find() -> int:
        partner_user = resolve_user(call.runtime, call.team_id, text)
        if partner_user is None:
            raise Refused(_("I couldn't tell who you mean.") + " " + _(END_USAGE))
        return later_life.pairing_with(call.runtime, call.team_id, call.user_id, partner_user)

    refusal = open_end_modal(call.runtime, call.client, call.trigger_id, call.team_id, call.user_id, find)
    if refusal is not None:
        call.respond(text=refusal, response_type="ephemeral")


def save_end(ack: Ack, body: dict[str, Any], runtime: Runtime) -> None:
    team_id, user_id = _ids(body)
    meta = _metadata(body)
    reflection = reflection_from(body["view"]["state"]["values"])
    if len(reflection.strip()) > REFLECTION_MAX_CHARS:
        ack(
            response_action="errors",
            errors={
                "reflection": _("Please keep this under {limit} characters.", limit=REFLECTION_MAX_CHARS)
            },
        )
        return
    try:
        outcome = later_life.end_by_member(runtime, team_id, user_id, int(meta.get("p", 0)), reflection)
    except Refused as exc:
        ack(response_action="update", view=notice_modal(_("End mentoring"), str(exc)))
        return
    ack(response_action="update", view=notice_modal(_("Mentoring ended"), outcome.note))


# --- end of term ----------------------------------------------------------------------------------


def term_end(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime) -> None:
    ack()
    team_id, user_id = _ids(body)
    action = _action(body)
    choice = action["action_id"].removeprefix(ids.TERM_END_PREFIX)
    parts = _button_parts(body, respond, client, 2)
    if parts is None:
        return
    simple_click(
        body,
        client,
        respond,
        lambda: choose_at_term_end(runtime, team_id, user_id, int(parts[0]), int(parts[1]), choice),
    )

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

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import expectations
from bot.expectations import Outcome, Refused
from bot.people import find_by_handle
from bot.runtime import Runtime
from handlers.router import CommandCall, CommandRouter
from handlers.views import agreements as views

log = logging.getLogger(__name__)

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")
END_USAGE = "Say who with: `/mentor end @name`."


def home_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """App Home: the person's open pairings with Revisit / Pause / End."""
    return views.home_blocks(expectations.home_pairings(runtime, team_id, user_id))


def _ids(body: dict[str, Any]) -> tuple[str, str]:
    return body["team"]["id"] if body.get("team") else body["user"]["team_id"], body["user"]["id"]


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return body["actions"][0]


def _parts(value: str, count: int) -> list[str] | None:
    parts = (value or "").split(":")
    if len(parts) != count or not parts[0].isdigit():
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
    opened = client.views_open(trigger_id=trigger_id, view=views.loading_modal(title))
    view_id = opened["view"]["id"]
    refusal = None
    try:
        view = load()
    except Refused as exc:
        refusal = str(exc)
        view = views.notice_modal(title, refusal)
    client.views_update(view_id=view_id, view=view)
    return refusal


def _metadata(body: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(body["view"].get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    # --- the questionnaire -------------------------------------------------------------------------
    @app.action(views.OPEN_QUESTIONNAIRE)
    def open_questionnaire(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id = _ids(body)
        value = _action(body).get("value", "")
        pairing_id = int(value) if value.isdigit() else 0

        def load() -> dict[str, Any]:
            form = expectations.questionnaire_for(runtime, team_id, user_id, pairing_id)
            return views.questionnaire_modal(form)

        refusal = _open_then_fill(client, body["trigger_id"], "Set expectations", load)
        if refusal is not None:
            _tell(body, respond, client, refusal)
            return
        channel_id = (body.get("channel") or {}).get("id", "")
        expectations.remember_channel(runtime, team_id, pairing_id, channel_id, user_id)

    @app.view(views.QUESTIONNAIRE_CALLBACK)
    def save_answers(ack: Ack, body: dict[str, Any]) -> None:
        team_id, user_id = _ids(body)
        meta = _metadata(body)
        raw = views.answers_from(body["view"]["state"]["values"])
        try:
            submitted = expectations.submit_answers(
                runtime, team_id, user_id, int(meta.get("p", 0)), int(meta.get("r", 0)), raw
            )
        except Refused as exc:
            ack(response_action="update", view=views.notice_modal("Set expectations", str(exc)))
            return
        if submitted.errors:
            ack(response_action="errors", errors=views.errors_for_modal(submitted.errors))
            return
        note = (
            "Thanks! You've both answered: look in your group message for what you agree on."
            if submitted.both_answered
            else f"Thanks! We'll show you both the answers once {submitted.partner_name} has answered too. "
            "Until then you can change yours from the same button."
        )
        ack(response_action="update", view=views.notice_modal("Answers sent", note))

    # --- resolving differences -------------------------------------------------------------------------
    def open_proposal(body: dict[str, Any], client: WebClient, respond: Respond, *, counter: bool) -> None:
        team_id, user_id = _ids(body)
        parts = _parts(_action(body).get("value", ""), 4 if counter else 3)
        if parts is None:
            _tell(body, respond, client, "That button is out of date. Nothing was changed.")
            return
        pairing_id, round_, key = int(parts[0]), int(parts[1]), parts[2]

        def load() -> dict[str, Any]:
            form = expectations.proposal_form_for(
                runtime, team_id, user_id, pairing_id, round_, key, counter=counter
            )
            return views.proposal_modal(form)

        refusal = _open_then_fill(client, body["trigger_id"], "Settle a difference", load)
        if refusal is not None:
            _tell(body, respond, client, refusal)

    @app.action(views.RESOLVE)
    def resolve(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        open_proposal(body, client, respond, counter=False)

    @app.action(views.COUNTER)
    def counter(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        open_proposal(body, client, respond, counter=True)

    @app.view(views.PROPOSAL_CALLBACK)
    def save_proposal(ack: Ack, body: dict[str, Any]) -> None:
        team_id, user_id = _ids(body)
        meta = _metadata(body)
        key = str(meta.get("k", ""))
        if key not in views.QUESTION_LABELS:
            ack(
                response_action="update", view=views.notice_modal("Settle a difference", "Nothing to settle.")
            )
            return
        value = views.proposal_value_from(key, body["view"]["state"]["values"])
        try:
            errors = expectations.propose_term(
                runtime, team_id, user_id, int(meta.get("p", 0)), int(meta.get("r", 0)), key, value
            )
        except Refused as exc:
            ack(response_action="update", view=views.notice_modal("Settle a difference", str(exc)))
            return
        if errors:
            ack(response_action="errors", errors=views.errors_for_modal(errors))
            return
        ack()

    @app.action(views.ACCEPT)
    def accept(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id = _ids(body)
        parts = _parts(_action(body).get("value", ""), 4)
        if parts is None:
            _tell(body, respond, client, "That button is out of date. Nothing was changed.")
            return
        try:
            outcome = expectations.accept_term(
                runtime, team_id, user_id, int(parts[0]), int(parts[1]), parts[2], parts[3]
            )
        except Refused as exc:
            _tell(body, respond, client, str(exc))
            return
        if outcome.changed:
            respond(text=outcome.note, blocks=views.settled_blocks(outcome.note), replace_original=True)
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

    @app.action(views.CONFIRM)
    def confirm(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id = _ids(body)
        parts = _parts(_action(body).get("value", ""), 2)
        if parts is None:
            _tell(body, respond, client, "That button is out of date. Nothing was changed.")
            return
        simple_click(
            body,
            client,
            respond,
            lambda: expectations.confirm_agreement(runtime, team_id, user_id, int(parts[0]), int(parts[1])),
        )

    @app.action(views.REVISIT)
    def revisit(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id = _ids(body)
        value = _action(body).get("value", "")
        simple_click(
            body,
            client,
            respond,
            lambda: expectations.revisit(runtime, team_id, user_id, int(value) if value.isdigit() else 0),
        )

    # --- pause / resume / end ------------------------------------------------------------------------
    def pairing_from_block(body: dict[str, Any]) -> int:
        block_id = _action(body).get("block_id", "")
        tail = block_id.removeprefix("pairing_")
        return int(tail) if tail.isdigit() else 0

    @app.action(views.PAUSE)
    def pause(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id = _ids(body)
        try:
            until = date.fromisoformat(_action(body).get("selected_date") or "")
        except ValueError:
            _tell(body, respond, client, "Pick a date to pause until.")
            return
        pairing_id = pairing_from_block(body)
        simple_click(
            body, client, respond, lambda: expectations.pause(runtime, team_id, user_id, pairing_id, until)
        )

    @app.action(views.RESUME)
    def resume(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id = _ids(body)
        value = _action(body).get("value", "")
        simple_click(
            body,
            client,
            respond,
            lambda: expectations.resume(runtime, team_id, user_id, int(value) if value.isdigit() else 0),
        )

    def open_end_modal(
        client: WebClient, trigger_id: str, team_id: str, user_id: str, find: Callable[[], int]
    ) -> str | None:
        def load() -> dict[str, Any]:
            pairing_id = find()
            partner = expectations.end_form_for(runtime, team_id, user_id, pairing_id)
            return views.end_modal(pairing_id, partner)

        return _open_then_fill(client, trigger_id, "End mentoring", load)

    @app.action(views.END)
    def end_button(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id = _ids(body)
        value = _action(body).get("value", "")
        refusal = open_end_modal(
            client, body["trigger_id"], team_id, user_id, lambda: int(value) if value.isdigit() else 0
        )
        if refusal is not None:
            _tell(body, respond, client, refusal)

    def end_command(call: CommandCall) -> None:
        call.ack()
        text = call.args.strip()
        if not text:
            call.respond(text=END_USAGE, response_type="ephemeral")
            return

        def find() -> int:
            match = _MENTION.match(text)
            partner_user = (match.group(1) or match.group(2)) if match else None
            if partner_user is None:
                with runtime.db.transaction() as session:
                    found = find_by_handle(session, call.team_id, text)
                partner_user = found.slack_user_id if found else None
            if partner_user is None:
                raise Refused(f"I couldn't tell who you mean. {END_USAGE}")
            return expectations.pairing_with(runtime, call.team_id, call.user_id, partner_user)

        refusal = open_end_modal(call.client, call.trigger_id, call.team_id, call.user_id, find)
        if refusal is not None:
            call.respond(text=refusal, response_type="ephemeral")

    router.add("end", "end @name", "end your mentoring with someone (kindly)", end_command)

    @app.view(views.END_CALLBACK)
    def save_end(ack: Ack, body: dict[str, Any]) -> None:
        team_id, user_id = _ids(body)
        meta = _metadata(body)
        reflection = views.reflection_from(body["view"]["state"]["values"])
        if len(reflection.strip()) > expectations.REFLECTION_MAX_CHARS:
            ack(response_action="errors", errors={"reflection": "Please keep this under 3000 characters."})
            return
        try:
            outcome = expectations.end_by_member(runtime, team_id, user_id, int(meta.get("p", 0)), reflection)
        except Refused as exc:
            ack(response_action="update", view=views.notice_modal("End mentoring", str(exc)))
            return
        ack(response_action="update", view=views.notice_modal("Mentoring ended", outcome.note))

    # --- end of term ----------------------------------------------------------------------------------
    @app.action(re.compile(f"^{views.TERM_END_PREFIX}(renew|networking|close)$"))
    def term_end(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, user_id = _ids(body)
        action = _action(body)
        choice = action["action_id"].removeprefix(views.TERM_END_PREFIX)
        parts = _parts(action.get("value", ""), 2)
        if parts is None:
            _tell(body, respond, client, "That button is out of date. Nothing was changed.")
            return
        simple_click(
            body,
            client,
            respond,
            lambda: expectations.choose_at_term_end(
                runtime, team_id, user_id, int(parts[0]), int(parts[1]), choice
            ),
        )

"""Mentoring cohorts: `/mentor cohort open` (and App Home's button) for program admins, the announcement's
two sign-up buttons (the usual request and volunteer forms, tagged with the cohort), the admin's preview
and CSV, and the private survey."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.cohorts.opening import admin_today, cohort_taking_sign_ups, open_cohort, validate_cohort
from bot.cohorts.report import cohort_reports, export_cohort
from bot.cohorts.rounds import preview_round
from bot.cohorts.surveys import answer_survey, survey_asked_of
from bot.copilots.mentee_requests import start_request
from bot.copilots.volunteering import volunteer_form_of
from bot.messages import cohort_surveys as reports
from bot.messages import cohorts as views
from bot.messages.form_fields import view_metadata
from bot.messages.mentee_requests import request_modal, request_status_blocks
from bot.messages.volunteering import volunteer_modal
from bot.oversight.export import UploadFailed, upload_to_dm
from bot.oversight.roles import is_admin
from bot.pairings import NotInPairing
from bot.runtime import Runtime
from bot.submissions import claim_view, release_view
from handlers.registry import MentorApp
from handlers.replies import tell
from handlers.router import CommandCall

log = logging.getLogger(__name__)

OPEN_WORDS = ("open", "new", "")
OPEN_A_COHORT = "open a mentoring cohort"


def register(app: MentorApp) -> None:
    app.router.add("cohort", "admin cohort open", OPEN_A_COHORT, cohort_command, admin=True)
    app.action(reports.OPEN_ACTION)(open_from_home)
    app.view(views.COHORT_CALLBACK)(save_cohort)
    app.action(views.SIGN_UP_MENTEE_ACTION)(sign_up_mentee)
    app.action(views.SIGN_UP_COPILOT_ACTION)(sign_up_copilot)
    app.action(reports.PREVIEW_ACTION)(preview)
    app.action(reports.EXPORT_ACTION)(export_csv)
    app.action(reports.SURVEY_ACTION)(open_survey)
    app.view(reports.SURVEY_CALLBACK)(save_survey)


def home_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """Program admins see each cohort's program-level report and a button to open one."""
    if not is_admin(runtime, None, team_id, user_id):
        return []
    return reports.home_blocks(cohort_reports(runtime, team_id))


def cohort_command(call: CommandCall) -> None:
    """`/mentor admin cohort [open]` (the router acked and checked the caller is a program admin)."""
    if call.args.strip().lower() not in OPEN_WORDS:
        call.respond(text=views.usage_text(), response_type="ephemeral")
        return
    today = admin_today(call.runtime, call.team_id, call.user_id)
    call.client.views_open(trigger_id=call.trigger_id, view=views.cohort_modal(today, call.channel_id))


def open_from_home(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    if not is_admin(runtime, client, team_id, user_id):
        client.chat_postMessage(channel=user_id, text=views.not_admin_text())
        return
    today = admin_today(runtime, team_id, user_id)
    client.views_open(trigger_id=body["trigger_id"], view=views.cohort_modal(today))


def save_cohort(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    if not is_admin(runtime, client, team_id, user_id):
        ack(response_action="errors", errors={views.NAME: views.not_admin_text()})
        return
    form = views.cohort_form_from(body["view"]["state"]["values"])
    errors = validate_cohort(runtime, client, team_id, user_id, form)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    view_id = body["view"]["id"]
    if not claim_view(runtime, team_id, view_id):
        return  # the same form again: the first submission opened the cohort
    try:
        tag = open_cohort(runtime, client, team_id, user_id, form)
    except Exception:
        release_view(runtime, view_id)
        raise
    channel_id = view_metadata(body["view"]).get("channel") or None
    assert form.opens_on is not None
    tell(client, channel_id, user_id, views.cohort_opened_text(tag.name, form.channel_id, form.opens_on))


def _cohort_id(body: dict[str, Any]) -> int | None:
    try:
        return int(body["actions"][0].get("value") or "")
    except ValueError:
        return None


def _click_channel(body: dict[str, Any]) -> str:
    return (body.get("channel") or {}).get("id", "")


def _say(respond: Respond, client: WebClient, body: dict[str, Any], text: str, **extra: Any) -> None:
    if body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False, **extra)
    else:
        client.chat_postMessage(channel=body["user"]["id"], text=text, **extra)


def sign_up_mentee(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    """The announcement's **Sign up as a mentee**: the request form, tagged with the cohort."""
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    cohort_id = _cohort_id(body)
    tag = cohort_taking_sign_ups(runtime, team_id, cohort_id) if cohort_id is not None else None
    if tag is None:
        _say(respond, client, body, views.sign_up_closed_text())
        return
    start = start_request(runtime, team_id, user_id, "")
    if start.open_request is not None:
        text, blocks = request_status_blocks(start.open_request, start.pairings, already_open=True)
        _say(respond, client, body, text, blocks=blocks)
        return
    view = request_modal(start.topics, channel_id=_click_channel(body), cohort=tag)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def sign_up_copilot(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    """The announcement's **Volunteer as a copilot**: the volunteer form (prefilled), tagged with the cohort."""
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    cohort_id = _cohort_id(body)
    tag = cohort_taking_sign_ups(runtime, team_id, cohort_id) if cohort_id is not None else None
    if tag is None:
        _say(respond, client, body, views.sign_up_closed_text())
        return
    topics, current = volunteer_form_of(runtime, team_id, user_id)
    view = volunteer_modal(topics, current, channel_id=_click_channel(body), cohort=tag)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def preview(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime) -> None:
    """The dry run of a cohort's round, for the admin who asked: nothing stored, nothing sent to others."""
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    if not is_admin(runtime, client, team_id, user_id):
        _say(respond, client, body, views.not_admin_text())
        return
    cohort_id = _cohort_id(body)
    message = preview_round(runtime, team_id, cohort_id) if cohort_id is not None else None
    if message is None:
        _say(respond, client, body, reports.no_such_cohort_text())
        return
    client.chat_postMessage(channel=user_id, text=message.text, blocks=list(message.blocks))


def export_csv(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime) -> None:
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    if not is_admin(runtime, client, team_id, user_id):
        _say(respond, client, body, views.not_admin_text())
        return
    cohort_id = _cohort_id(body)
    export = export_cohort(runtime, team_id, cohort_id) if cohort_id is not None else None
    if export is None:
        _say(respond, client, body, reports.no_such_cohort_text())
        return
    try:
        upload_to_dm(
            client,
            user_id,
            content=export.csv_text.encode(),
            filename=export.filename,
            title=reports.export_title(export.name),
        )
    except UploadFailed:
        client.chat_postMessage(channel=user_id, text=reports.export_failed_text())


def open_survey(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    ack()
    survey_id = _cohort_id(body)
    try:
        if survey_id is None:
            raise NotInPairing("no survey named")
        asked = survey_asked_of(runtime, body["team"]["id"], body["user"]["id"], survey_id)
    except NotInPairing:
        _say(respond, client, body, reports.survey_not_yours_text())
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=reports.survey_modal(asked.survey_id, asked.cohort_name)
    )


def save_survey(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    survey_id = reports.survey_of(body["view"])
    useful, recommend, comment = reports.survey_answers_from(body["view"]["state"]["values"])
    errors = reports.survey_errors(useful, recommend)
    try:
        if survey_id is None:
            raise NotInPairing("no survey named")
        survey_asked_of(runtime, team_id, user_id, survey_id)
    except NotInPairing:
        errors = {reports.USEFUL: reports.survey_not_yours_text()}
    if errors or survey_id is None or useful is None or recommend is None:
        ack(response_action="errors", errors=errors)
        return
    ack()
    answer_survey(runtime, team_id, user_id, survey_id, useful, recommend, comment)
    client.chat_postMessage(channel=user_id, text=reports.survey_thanks_text())

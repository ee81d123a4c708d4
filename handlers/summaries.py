"""`/mentor summary`, the lead's Team and the admin's Program sections of App Home, digest switches, export."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.export import UploadFailed, export_pairings, upload_to_dm
from bot.oversight import answer_for, set_digest
from bot.roles import refresh_usergroups
from bot.runtime import Runtime
from handlers.home import refresh_home
from handlers.router import CommandCall, CommandRouter
from handlers.views.summaries import (
    DIGEST_OFF_ACTION,
    DIGEST_ON_ACTION,
    EXPORT_ACTION,
    SUMMARY_PAGE_ACTION,
    admin_home_blocks,
    admins_only_text,
    digest_changed_text,
    export_done_text,
    export_failed_text,
    not_lead_text,
    participant_blocks,
    participant_text,
    summary_blocks,
    summary_text,
    team_home_blocks,
)

log = logging.getLogger(__name__)


def team_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """App Home for a lead: their people's figures and pairings, and the digest switch."""
    answer = answer_for(runtime, team_id, user_id)
    if answer.viewer.role != "lead" or answer.summary is None:
        return []
    return team_home_blocks(answer.summary, answer.status.digest_enabled)


def program_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """App Home for a program admin: workspace figures, program settings and the CSV export."""
    answer = answer_for(runtime, team_id, user_id)
    if answer.viewer.role != "admin" or answer.summary is None:
        return []
    return admin_home_blocks(answer.summary)


def _page(body: dict[str, Any]) -> int:
    try:
        return max(1, int(body["actions"][0].get("value") or "1"))
    except ValueError:
        return 1


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    def summary(call: CommandCall) -> None:
        call.ack()
        refresh_usergroups(runtime, call.client, call.team_id, call.user_id)
        answer = answer_for(runtime, call.team_id, call.user_id)
        if answer.summary is None:
            call.respond(
                text=not_lead_text(), blocks=participant_blocks(answer.status), response_type="ephemeral"
            )
            return
        call.respond(
            text=summary_text(answer.summary),
            blocks=summary_blocks(answer.summary),
            response_type="ephemeral",
        )

    router.add("summary", "summary", "how the pairings of the people you lead are doing", summary)

    @app.action(SUMMARY_PAGE_ACTION)
    @app.action(SUMMARY_PAGE_ACTION + "_prev")
    def summary_page(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        # The page is recomputed for whoever clicked: a forwarded button shows them their own scope only.
        answer = answer_for(runtime, body["team"]["id"], body["user"]["id"])
        if answer.summary is None:
            respond(
                text=participant_text(),
                blocks=participant_blocks(answer.status),
                response_type="ephemeral",
                replace_original=False,
            )
            return
        respond(
            text=summary_text(answer.summary),
            blocks=summary_blocks(answer.summary, _page(body)),
            response_type="ephemeral",
            replace_original=True,
        )

    def _switch(enabled: bool, ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        # Each person switches their own digest only, so any clicker may press it.
        set_digest(runtime, team_id, user_id, enabled)
        if body.get("response_url"):
            respond(text=digest_changed_text(enabled), response_type="ephemeral", replace_original=False)
        else:
            client.chat_postMessage(channel=user_id, text=digest_changed_text(enabled))
        refresh_home(runtime, client, team_id, user_id)

    @app.action(DIGEST_OFF_ACTION)
    def digest_off(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        _switch(False, ack, body, respond, client)

    @app.action(DIGEST_ON_ACTION)
    def digest_on(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        _switch(True, ack, body, respond, client)

    @app.action(EXPORT_ACTION)
    def export_csv(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        answer = answer_for(runtime, team_id, user_id)
        if answer.viewer.role != "admin":
            client.chat_postMessage(channel=user_id, text=admins_only_text("export the pairings"))
            return
        export = export_pairings(runtime, team_id)
        try:
            upload_to_dm(
                client,
                user_id,
                content=export.csv_text.encode(),
                filename=export.filename,
                title=export_done_text(export.rows),
            )
        except UploadFailed:
            client.chat_postMessage(channel=user_id, text=export_failed_text())

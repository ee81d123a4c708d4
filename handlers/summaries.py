"""`/mentor summary`, the Team and Program sections of App Home, the digest switches and the CSV export."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.i18n import N_
from bot.messages.summaries import (
    DIGEST_OFF_ACTION,
    DIGEST_ON_ACTION,
    EXPORT_ACTION,
    SUMMARY_PAGE_ACTION,
    admin_home_blocks,
    admins_only_export_text,
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
from bot.oversight.export import UploadFailed, export_pairings, upload_to_dm
from bot.oversight.roles import is_admin, refresh_usergroups
from bot.oversight.summaries import set_digest, summary_for_home, visible_summary
from bot.runtime import Runtime
from handlers.home import Home
from handlers.registry import MentorApp
from handlers.router import CommandCall

log = logging.getLogger(__name__)


def summary_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """App Home for a lead (their people's figures and pairings, and the digest switch) or a program admin
    (workspace figures, program settings and the CSV export). The summary is built once per page."""
    who, summary = summary_for_home(runtime, team_id, user_id)
    if summary is None:
        return []
    if who.role == "lead":
        return team_home_blocks(summary, who.person.digest_enabled if who.person is not None else True)
    if who.role == "admin":
        return admin_home_blocks(summary)
    return []


def _page(body: dict[str, Any]) -> int:
    try:
        return max(1, int(body["actions"][0].get("value") or "1"))
    except ValueError:
        return 1


def register(app: MentorApp) -> None:
    app.router.add("summary", "summary", N_("how the pairings of the people you lead are doing"), summary)
    app.action(SUMMARY_PAGE_ACTION)(summary_page)
    app.action(SUMMARY_PAGE_ACTION + "_prev")(summary_page)
    app.action(DIGEST_OFF_ACTION)(digest_off)
    app.action(DIGEST_ON_ACTION)(digest_on)
    app.action(EXPORT_ACTION)(export_csv)


def summary(call: CommandCall) -> None:
    call.ack()
    refresh_usergroups(call.runtime, call.client, call.team_id, call.user_id)
    seen = visible_summary(call.runtime, call.team_id, call.user_id)
    if seen.summary is None:
        call.respond(text=not_lead_text(), blocks=participant_blocks(seen.status), response_type="ephemeral")
        return
    call.respond(
        text=summary_text(seen.summary),
        blocks=summary_blocks(seen.summary),
        response_type="ephemeral",
    )


def summary_page(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    # The page is recomputed for whoever clicked: a forwarded button shows them their own scope only.
    seen = visible_summary(runtime, body["team"]["id"], body["user"]["id"])
    if seen.summary is None:
        respond(
            text=participant_text(),
            blocks=participant_blocks(seen.status),
            response_type="ephemeral",
            replace_original=False,
        )
        return
    respond(
        text=summary_text(seen.summary),
        blocks=summary_blocks(seen.summary, _page(body)),
        response_type="ephemeral",
        replace_original=True,
    )


def digest_off(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime, home: Home
) -> None:
    ack()
    _switch(runtime, home, False, body, respond, client)


def digest_on(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime, home: Home
) -> None:
    ack()
    _switch(runtime, home, True, body, respond, client)


def _switch(
    runtime: Runtime, home: Home, enabled: bool, body: dict[str, Any], respond: Respond, client: WebClient
) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    # Each person switches their own digest only, so any clicker may press it.
    set_digest(runtime, team_id, user_id, enabled)
    if body.get("response_url"):
        respond(text=digest_changed_text(enabled), response_type="ephemeral", replace_original=False)
    else:
        client.chat_postMessage(channel=user_id, text=digest_changed_text(enabled))
    home.refresh(runtime, client, team_id, user_id)


def export_csv(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    if not is_admin(runtime, client, team_id, user_id):
        client.chat_postMessage(channel=user_id, text=admins_only_export_text())
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

"""Slack's news about people: profile changes, leavers and newcomers."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.people import UnknownSlackUser, apply_user_change, ensure_person
from bot.runtime import Runtime
from handlers.router import CommandRouter

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.event("user_change")
    def user_changed(event: dict[str, Any], body: dict[str, Any]) -> None:
        change = apply_user_change(runtime, body["team_id"], event["user"])
        if change.deactivated or change.tz_changed:
            log.info(
                "person %s changed: left=%s, time zone=%s",
                change.person_id,
                change.deactivated,
                change.tz_changed,
            )

    @app.event("team_join")
    def member_joined(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        user_id = event["user"]["id"] if isinstance(event["user"], dict) else event["user"]
        try:
            with runtime.db.transaction() as session:
                ensure_person(runtime, session, client, body["team_id"], user_id)
        except UnknownSlackUser as exc:
            log.warning("team_join for a user Slack can't describe (%s)", exc.error)

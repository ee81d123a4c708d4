"""Slack's news about people: profile changes, leavers and newcomers."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.people.directory import apply_user_change, record_newcomer
from bot.runtime import Runtime
from handlers.registry import MentorApp

log = logging.getLogger(__name__)


def register(app: MentorApp) -> None:
    app.event("user_change")(user_changed)
    app.event("team_join")(member_joined)


def user_changed(event: dict[str, Any], body: dict[str, Any], runtime: Runtime) -> None:
    change = apply_user_change(runtime, body["team_id"], event["user"])
    if change is None:
        log.info("user_change for a member of another workspace: ignored")
        return
    if change.deactivated or change.tz_changed:
        log.info(
            "person %s changed: left=%s, time zone=%s",
            change.person_id,
            change.deactivated,
            change.tz_changed,
        )


def member_joined(event: dict[str, Any], body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    user_id = event["user"]["id"] if isinstance(event["user"], dict) else event["user"]
    record_newcomer(runtime, client, body["team_id"], user_id)

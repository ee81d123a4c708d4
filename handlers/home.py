"""App Home: each person's page, refreshed on app_home_opened."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.runtime import Runtime
from handlers.router import CommandRouter
from handlers.views.home import home_view

# A home section builder gets (runtime, team_id, user_id) and returns blocks (possibly none).
HomeSection = Callable[[Runtime, str, str], list[dict[str, Any]]]

log = logging.getLogger(__name__)

# The sections the app registered, in page order, so any flow can refresh someone's Home after a change.
_registered: list[HomeSection] = []


def publish_home(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, sections: list[HomeSection]
) -> None:
    blocks: list[dict[str, Any]] = []
    for build in sections:
        blocks.extend(build(runtime, team_id, user_id))
    client.views_publish(user_id=user_id, view=home_view(blocks))


def refresh_home(runtime: Runtime, client: WebClient, team_id: str, user_id: str) -> None:
    """Re-publish someone's Home with every registered section. A Slack failure is logged, not raised:
    the change that prompted the refresh has already been made, and the next app_home_opened redraws."""
    try:
        publish_home(runtime, client, team_id, user_id, _registered)
    except (SlackApiError, SlackClientError) as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("could not refresh a Home tab (%s)", error)


def register(app: App, runtime: Runtime, router: CommandRouter, sections: list[HomeSection]) -> None:
    # The same list object the app passes to every flow, so sections added later are included too.
    global _registered
    _registered = sections

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(runtime, client, body["team_id"], event["user"], sections)

"""App Home: each person's page, refreshed on app_home_opened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.router import CommandRouter
from handlers.views.home import home_view

# A home section builder gets (runtime, team_id, user_id) and returns blocks (possibly none).
HomeSection = Callable[[Runtime, str, str], list[dict[str, Any]]]


def publish_home(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, sections: list[HomeSection]
) -> None:
    blocks: list[dict[str, Any]] = []
    for build in sections:
        blocks.extend(build(runtime, team_id, user_id))
    client.views_publish(user_id=user_id, view=home_view(blocks))


def register(app: App, runtime: Runtime, router: CommandRouter, sections: list[HomeSection]) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(runtime, client, body["team_id"], event["user"], sections)

"""Slack telling us the app lost its tokens: forget the installation (OAuth) or say so loudly (one workspace)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.config import Mode

log = logging.getLogger(__name__)


def register(app: App, mode: Mode) -> None:
    if mode is Mode.OAUTH:
        # Bolt's own listeners delete the workspace's installation rows, so no message is tried with a dead token.
        app.enable_token_revocation_listeners()
        return

    @app.event("tokens_revoked")
    @app.event("app_uninstalled")
    def lost_tokens(body: dict[str, Any], event: dict[str, Any]) -> None:
        log.warning(
            "Slack reports %s for workspace %s: messages will fail until mentor-bot is reinstalled",
            event.get("type"),
            body.get("team_id"),
        )

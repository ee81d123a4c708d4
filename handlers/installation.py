"""tokens_revoked / app_uninstalled: forget the installation (OAuth), or say so loudly (one workspace)."""

from __future__ import annotations

import logging
from typing import Any

from handlers.registry import MentorApp

log = logging.getLogger(__name__)


def register(app: MentorApp) -> None:
    if app.installation_store is not None:  # OAuth mode: one installation per workspace
        # Bolt's own listeners delete the workspace's installation rows: nothing is tried with a dead token.
        app.enable_token_revocation_listeners()
        return
    app.event("tokens_revoked")(lost_tokens)
    app.event("app_uninstalled")(lost_tokens)


def lost_tokens(body: dict[str, Any], event: dict[str, Any]) -> None:
    log.warning(
        "Slack reports %s for workspace %s: messages will fail until mentor-bot is reinstalled",
        event.get("type"),
        body.get("team_id"),
    )

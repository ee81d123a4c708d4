"""App Home: each person's page, drawn from the sections bot/app.py lists, refreshed on app_home_opened."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.messages.home import home_view
from bot.people.languages import reading_for
from bot.runtime import Runtime
from handlers.registry import MentorApp

# A home section builder gets (runtime, team_id, user_id) and returns blocks (possibly none). It only
# reads: drawing a page asks Slack about nobody and stores nothing.
HomeSection = Callable[[Runtime, str, str], list[dict[str, Any]]]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Home:
    """The App Home page: its sections in page order. Listeners get it as `home` (see bot/app.py)."""

    sections: tuple[HomeSection, ...]

    def publish(
        self,
        runtime: Runtime,
        client: WebClient,
        team_id: str,
        user_id: str,
        *,
        instead: Mapping[HomeSection, HomeSection] | None = None,
    ) -> None:
        """Draw the page for one person; `instead` swaps a section for another (a later page of it)."""
        swaps = instead or {}
        blocks: list[dict[str, Any]] = []
        with reading_for(runtime, team_id, user_id):  # someone else's page is in their language
            for section in self.sections:
                blocks.extend(swaps.get(section, section)(runtime, team_id, user_id))
            view = home_view(blocks)
        client.views_publish(user_id=user_id, view=view)

    def refresh(self, runtime: Runtime, client: WebClient, team_id: str, user_id: str) -> None:
        """Re-publish someone's Home. A Slack failure is logged, not raised: the change that prompted
        the refresh has already been made, and the next app_home_opened redraws."""
        try:
            self.publish(runtime, client, team_id, user_id)
        except (SlackApiError, SlackClientError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("could not refresh a Home tab (%s)", error)


def register(app: MentorApp) -> None:
    app.event("app_home_opened")(home_opened)


def home_opened(
    event: dict[str, Any], body: dict[str, Any], client: WebClient, runtime: Runtime, home: Home
) -> None:
    if event.get("tab", "home") != "home":
        return
    home.publish(runtime, client, body["team_id"], event["user"])

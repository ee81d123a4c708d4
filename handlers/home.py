"""App Home: each person's page, drawn from the sections bot/app.py lists, refreshed on app_home_opened."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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


class Coalescer:
    """At most one App Home build per person at a time; requests that arrive meanwhile become one more.

    A burst of changes (a person clicking through a form, a round offering to many volunteers, app_home_opened
    racing a button) used to rebuild and publish the page once per change, each build a dozen queries. Now
    the first request builds; any that arrive while it runs only mark the page stale, and the builder draws
    it once more when it is done, from the state after all of them. So a burst costs two builds at most,
    and the last page published always reflects the last change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stale: dict[tuple[str, str], bool] = {}  # person → a change arrived during the build

    def run(self, key: tuple[str, str], build: Callable[[], None]) -> bool:
        """Build now, or leave it to the build in progress (False). Rebuilds while changes keep arriving."""
        with self._lock:
            if key in self._stale:
                self._stale[key] = True
                return False
            self._stale[key] = False
        try:
            while True:
                build()
                with self._lock:
                    if not self._stale[key]:
                        del self._stale[key]
                        return True
                    self._stale[key] = False
        except BaseException:
            with self._lock:
                self._stale.pop(key, None)
            raise


@dataclass(frozen=True)
class Home:
    """The App Home page: its sections in page order. Listeners get it as `home` (see bot/app.py)."""

    sections: tuple[HomeSection, ...]
    coalescer: Coalescer = field(default_factory=Coalescer, compare=False)

    def publish(
        self,
        runtime: Runtime,
        client: WebClient,
        team_id: str,
        user_id: str,
        *,
        instead: Mapping[HomeSection, HomeSection] | None = None,
    ) -> None:
        """Draw the page for one person; `instead` swaps a section for another (a later page of it).

        A request for the main page while one is being drawn for the same person is folded into it
        (Coalescer); a later page (`instead`) is what the person asked to see, so it is always drawn."""
        swaps = instead or {}

        def draw() -> None:
            blocks: list[dict[str, Any]] = []
            with reading_for(runtime, team_id, user_id):  # someone else's page is in their language
                for section in self.sections:
                    blocks.extend(swaps.get(section, section)(runtime, team_id, user_id))
                view = home_view(blocks)
            client.views_publish(user_id=user_id, view=view)

        if swaps:
            draw()
        else:
            self.coalescer.run((team_id, user_id), draw)

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

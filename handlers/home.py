"""App Home: each person's page, drawn from the sections bot/app.py lists, refreshed on app_home_opened."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
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


# Pages drawn at once per process. A page is a few dozen small queries and one views.publish, so a few
# painters keep up with a burst; what matters is that the rest wait in the queue: when every App Home
# event drew its page on its own listener thread, dozens of threads fought over the interpreter lock, the
# acks waited their turn behind them, and at 200 requests/s the process never caught up again.
PAGES_AT_ONCE = 3


class Painter:
    """App Home pages drawn in the background, a few at a time, each person at most once in the queue.

    `paint` returns at once. A person already waiting is not queued twice: their page is drawn once,
    after every change asked for so far, from the latest request's client (a fold). A person whose page
    is being drawn when a change arrives waits for one more draw, never a concurrent one, so the last page
    published reflects the last change. The queue holds at most one entry per person, so a burst bigger
    than the painters can draw leaves a backlog no longer than the list of people, never an endless one.
    The painters run on the app's listener pool (Bolt's), so whoever waits for listeners waits for them."""

    def __init__(self, executor: Callable[[], Executor], at_once: int = PAGES_AT_ONCE) -> None:
        self._executor = executor
        self._at_once = at_once
        self._lock = threading.Lock()
        self._waiting: OrderedDict[tuple[str, str], Callable[[], None]] = OrderedDict()
        self._drawing: set[tuple[str, str]] = set()
        self._painters = 0

    def paint(self, key: tuple[str, str], draw: Callable[[], None]) -> bool:
        """Queue `key`'s page (False: it was already waiting, and this request folds into it)."""
        with self._lock:
            queued = key not in self._waiting
            self._waiting[key] = draw
            start = self._painters < self._at_once
            if start:
                self._painters += 1
        if start:
            try:
                self._executor().submit(self._paint_waiting)
            except RuntimeError:  # the pool is shutting down with the process
                with self._lock:
                    self._painters -= 1
                raise
        return queued

    def _paint_waiting(self) -> None:
        while True:
            with self._lock:
                key = next((k for k in self._waiting if k not in self._drawing), None)
                if key is None:
                    self._painters -= 1
                    return
                draw = self._waiting.pop(key)
                self._drawing.add(key)
            try:
                draw()
            except (SlackApiError, SlackClientError) as exc:
                error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
                log.warning("could not publish a Home tab (%s)", error)
            except Exception:
                log.exception("could not draw a Home tab")
            finally:
                with self._lock:
                    self._drawing.discard(key)


@dataclass(frozen=True)
class Home:
    """The App Home page: its sections in page order. Listeners get it as `home` (see bot/app.py)."""

    sections: tuple[HomeSection, ...]
    painter: Painter | None = field(default=None, compare=False)  # None: drawn on the caller's thread

    def painted_by(self, painter: Painter) -> Home:
        return replace(self, painter=painter)

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

        The main page goes to the painter (drawn soon, folded with other requests for the same person); a
        later page (`instead`) is what the person just asked to see, so it is drawn now."""
        swaps = instead or {}

        def draw() -> None:
            blocks: list[dict[str, Any]] = []
            # Sections only read, so the page is one transaction: one snapshot, one pool checkout.
            with runtime.db.one_transaction(), reading_for(runtime, team_id, user_id):
                for section in self.sections:
                    blocks.extend(swaps.get(section, section)(runtime, team_id, user_id))
                view = home_view(blocks)
            client.views_publish(user_id=user_id, view=view)

        if swaps or self.painter is None:
            draw()
        else:
            self.painter.paint((team_id, user_id), draw)

    def refresh(self, runtime: Runtime, client: WebClient, team_id: str, user_id: str) -> None:
        """Re-publish someone's Home. A Slack failure is logged, not raised: the change that prompted
        the refresh has already been made, and the next app_home_opened redraws. (With a painter the
        painter logs it.)"""
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

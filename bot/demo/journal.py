"""The demo's journal: what people did and what the bot sent, in order, at simulated times."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.demo.slack_standin import Call


class DemoError(RuntimeError):
    """The story could not go on: a message or form the script expected never came."""


@dataclass(frozen=True)
class Action:
    """Something a person did in Slack (typed a command, clicked, submitted a form)."""

    at: datetime
    user_id: str
    kind: str  # command | click | submit | home
    label: str  # the command text, the button's label, or the form's title
    details: tuple[tuple[str, str], ...] = ()  # form answers shown as (question, answer)


@dataclass(frozen=True)
class BotCall:
    """One Web API call (or response_url post) the bot made, with the stand-in's answer."""

    at: datetime
    call: Call
    reply: Mapping[str, Any]
    audience: str | None  # the user a modal, ephemeral or response_url answer was for


@dataclass(frozen=True)
class ViewAnswer:
    """A modal the app sent back in its HTTP answer to a submission (response_action=update)."""

    at: datetime
    user_id: str
    view: Mapping[str, Any]


@dataclass(frozen=True)
class Chapter:
    at: datetime
    title: str


@dataclass(frozen=True)
class Narration:
    at: datetime
    text: str


Entry = Action | BotCall | ViewAnswer | Chapter | Narration


class Journal:
    """Thread-safe, append-only list of entries; the stand-in writes from its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Entry] = []

    def add(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries)

"""The /mentor command router: one entry per subcommand, each registered by its surface's module."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.runtime import Runtime


@dataclass(frozen=True)
class CommandCall:
    """One `/mentor <name> <args>` invocation, handed to the subcommand."""

    runtime: Runtime
    name: str
    args: str
    body: dict[str, Any]
    ack: Ack
    respond: Respond
    client: WebClient

    @property
    def team_id(self) -> str:
        return self.body["team_id"]

    @property
    def user_id(self) -> str:
        return self.body["user_id"]

    @property
    def trigger_id(self) -> str:
        return self.body["trigger_id"]


SubcommandHandler = Callable[[CommandCall], None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    handler: SubcommandHandler
    aliases: tuple[str, ...] = ()
    listed: bool = True  # admin-only commands stay out of the participants' help


@dataclass
class CommandRouter:
    subcommands: dict[str, Subcommand] = field(default_factory=dict)
    _aliases: dict[str, str] = field(default_factory=dict)

    def add(
        self,
        name: str,
        usage: str,
        summary: str,
        handler: SubcommandHandler,
        *,
        aliases: tuple[str, ...] = (),
        listed: bool = True,
    ) -> None:
        if name in self.subcommands or name in self._aliases:
            raise ValueError(f"/mentor {name} is registered twice")
        self.subcommands[name] = Subcommand(name, usage, summary, handler, aliases, listed)
        for alias in aliases:
            self._aliases[alias] = name

    def find(self, name: str) -> Subcommand | None:
        name = self._aliases.get(name, name)
        return self.subcommands.get(name)

    def suggest(self, name: str) -> str | None:
        """The closest valid subcommand to a typo, if any is close enough."""
        candidates = [*self.subcommands, *self._aliases]
        match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
        if not match:
            return None
        return self._aliases.get(match[0], match[0])

    def listed(self) -> list[Subcommand]:
        return [s for s in self.subcommands.values() if s.listed]


def split_command(text: str | None) -> tuple[str, str]:
    """'request  @sam ' -> ('request', '@sam'); '' -> ('', '')."""
    text = (text or "").strip()
    if not text:
        return "", ""
    name, _, rest = text.partition(" ")
    return name.lower(), rest.strip()

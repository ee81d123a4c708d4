"""The /mentor command router: one entry per subcommand, each registered by its surface's module.

`/mentor admin <name>` subcommands are registered here too (`admin=True`); handlers/commands.py checks
the caller is a program admin, once, before any of them runs.
"""

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
    router: CommandRouter
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

    @property
    def channel_id(self) -> str:
        return self.body.get("channel_id", "")


SubcommandHandler = Callable[[CommandCall], None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    # English, marked with N_ where it is registered and translated where it is shown (help, not_admin_text);
    # for an admin subcommand, also what a non-admin is told they can't do
    summary: str
    handler: SubcommandHandler
    aliases: tuple[str, ...] = ()
    admin: bool = False


@dataclass
class _Table:
    subcommands: dict[str, Subcommand] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def add(self, sub: Subcommand) -> None:
        for name in (sub.name, *sub.aliases):
            if name in self.subcommands or name in self.aliases:
                raise ValueError(f"/mentor {sub.usage} is registered twice")
        self.subcommands[sub.name] = sub
        self.aliases.update(dict.fromkeys(sub.aliases, sub.name))

    def find(self, name: str) -> Subcommand | None:
        return self.subcommands.get(self.aliases.get(name, name))

    def suggest(self, name: str) -> str | None:
        match = difflib.get_close_matches(name, [*self.subcommands, *self.aliases], n=1, cutoff=0.5)
        return self.aliases.get(match[0], match[0]) if match else None


@dataclass
class CommandRouter:
    """Participants' subcommands (`/mentor <name>`) and admins' (`/mentor admin <name>`), kept apart:
    a typo is only ever matched against the table the caller may use."""

    _everyone: _Table = field(default_factory=_Table)
    _admins: _Table = field(default_factory=_Table)

    def add(
        self,
        name: str,
        usage: str,
        summary: str,
        handler: SubcommandHandler,
        *,
        aliases: tuple[str, ...] = (),
        admin: bool = False,
    ) -> None:
        """Register a subcommand. An admin one runs only after the router acked the command and checked
        the caller is a program admin, so it answers with `call.respond` or a modal, never `call.ack`."""
        if not admin and name == ADMIN:
            raise ValueError("/mentor admin belongs to the router")
        (self._admins if admin else self._everyone).add(
            Subcommand(name, usage, summary, handler, aliases, admin)
        )

    def find(self, name: str, *, admin: bool = False) -> Subcommand | None:
        return (self._admins if admin else self._everyone).find(name)

    def suggest(self, name: str, *, admin: bool = False) -> str | None:
        """The closest subcommand to a typo in the caller's table, if any is close enough."""
        return (self._admins if admin else self._everyone).suggest(name)

    def listed(self) -> list[Subcommand]:
        """What `/mentor help` shows: the participants' subcommands, in the order they were added."""
        return list(self._everyone.subcommands.values())

    def admin_subcommands(self) -> list[Subcommand]:
        return list(self._admins.subcommands.values())


ADMIN = "admin"


def split_command(text: str | None) -> tuple[str, str]:
    """'request  @sam ' -> ('request', '@sam'); '' -> ('', '')."""
    text = (text or "").strip()
    if not text:
        return "", ""
    name, _, rest = text.partition(" ")
    return name.lower(), rest.strip()

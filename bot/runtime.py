"""What every handler and service needs: settings, the database, the clock, Slack clients and the hooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import Settings
from bot.slack import SlackClients
from storage.db import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.models import Person

# Called inside the transaction that changed the person, so a failing hook rolls the change back.
PersonHook = Callable[["Runtime", "Session", "Person"], None]
# Called after the org chart (or who someone is: a guest, a bot) changed in a workspace, in the same
# transaction; returns what it did, in words, for the admin who made the change.
OrgHook = Callable[["Runtime", "Session", str], list[str]]


@dataclass
class Hooks:
    """What other capabilities do when the people directory learns something about a person.

    bot/app.py (build_runtime) lists them; a bare Runtime has none. Lists rather than tuples so a test can
    swap one in on a running bot.
    """

    person_joined: list[PersonHook] = field(default_factory=list)  # Slack's team_join: a newcomer
    person_left: list[PersonHook] = field(default_factory=list)  # marked deleted: they left the workspace
    tz_changed: list[PersonHook] = field(default_factory=list)  # a new time zone was stored
    # They asked to be forgotten (forget-me): each capability withdraws what it still had in flight for
    # them. Runs after their open pairings have ended and before what they wrote is cleared.
    person_forgotten: list[PersonHook] = field(default_factory=list)
    # The org chart changed (admin form, import, Slack sync): what the rules no longer allow is undone.
    org_changed: list[OrgHook] = field(default_factory=list)


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    slack: SlackClients
    hooks: Hooks = field(default_factory=Hooks)

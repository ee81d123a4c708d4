"""What every handler and service needs: settings, the database, the clock and Slack clients."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.slack import SlackClients
from storage.db import Database


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    slack: SlackClients

"""The people in `mentor-bot demo`: the colleagues of the simulated workspace, and the bot's own ids."""

from __future__ import annotations

from dataclasses import dataclass

BOT_USER_ID = "UBOT"
TEAM_ID = "T0DEMO"
BOT_NAME = "mentor-bot"


@dataclass(frozen=True)
class Colleague:
    user_id: str
    name: str  # what colleagues call them, e.g. "Ana"
    real_name: str
    tz: str
    team: str
    title: str
    level: int
    manager: str | None = None  # the manager's user id
    email: str = ""

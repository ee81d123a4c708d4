"""Driving a pairing through weeks of time: tick the running bot at every moment something is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.checkins.planning import checkin_planners
from bot.demo.slack_standin import Call
from bot.scheduler import run_tick
from storage.models import OutboxMessage, Pairing
from tests.harness import RunningBot


@dataclass(frozen=True)
class Post:
    """A chat.postMessage the fake Slack received, and the bot's clock when the dispatcher sent it."""

    at: datetime
    call: Call

    @property
    def channel(self) -> str:
        return str(self.call.args.get("channel"))

    @property
    def text(self) -> str:
        return str(self.call.args.get("text") or "")

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return list(self.call.args.get("blocks") or [])

    def local(self, tz: str) -> datetime:
        return self.at.astimezone(ZoneInfo(tz))

    def action(self, action_id: str) -> dict[str, Any]:
        for block in self.blocks:
            for element in block.get("elements", []):
                if element.get("action_id") == action_id:
                    return {**element, "block_id": block.get("block_id", "")}
        raise AssertionError(f"no {action_id} in {self.blocks}")

    def is_checkin(self) -> bool:
        return any(b.get("block_id", "").startswith("checkin_") for b in self.blocks)


def next_due(bot: RunningBot) -> datetime | None:
    with bot.runtime.db.transaction() as session:
        return session.scalar(select(func.min(OutboxMessage.due_at)).where(OutboxMessage.status == "pending"))


def run_until(bot: RunningBot, end: datetime, *, everything: bool = False) -> list[Post]:
    """Tick now, at every midnight UTC and at every pending message's due time, until `end`.

    By default only the check-in planners run (so other features' rules don't end the pairing
    midway); `everything=True` runs every planner the app registers, as `mentor-bot tick` does.
    """
    posts: list[Post] = []
    now = bot.clock.now()
    while True:
        bot.clock.set(now)
        before = len(bot.slack.calls_to("chat.postMessage"))
        if everything:
            bot.tick(now)
        else:
            run_tick(bot.runtime, checkin_planners(), bot.dispatcher, now)
        posts += [Post(now, call) for call in bot.slack.calls_to("chat.postMessage")[before:]]
        if now >= end:
            return posts
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC)
        due = next_due(bot)
        now = min(midnight, end, due if due is not None and due > now else midnight)


def pairing_row(bot: RunningBot, pairing_id: int) -> Pairing:
    with bot.runtime.db.transaction() as session:
        row = session.get(Pairing, pairing_id)
        assert row is not None
        return row

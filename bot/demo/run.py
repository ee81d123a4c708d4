"""`mentor-bot demo`: play the story against the real app and the stand-in, and tell it as a transcript."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.demo import story
from bot.demo.journal import BotCall, DemoError, Entry
from bot.demo.simulation import Simulation
from bot.demo.slack_standin import RESPONSE_URL_METHOD
from bot.demo.transcript import Renderer
from storage.models import CheckIn, Introduction, Pairing

__all__ = ["DemoError", "DemoResult", "run_demo"]


@dataclass(frozen=True)
class DemoResult:
    """The transcript by chapter, the closing summary, and any payload Slack would have refused."""

    chapters: list[tuple[str, str]]  # (title, text)
    summary: str
    seconds: float
    problems: list[str]  # payloads Slack would have refused (empty when all is well)

    @property
    def transcript(self) -> str:
        return "\n\n".join(f"=== {title} ===\n{text.strip(chr(10))}" for title, text in self.chapters) + "\n"

    def chapter(self, starts_with: str) -> str:
        return next(text for title, text in self.chapters if title.startswith(starts_with))


def run_demo(seed: int = 0) -> DemoResult:
    """Play the story against the real app and the stand-in; nothing is left behind."""
    started = time.perf_counter()
    people, admin = story.cast(seed)
    with Simulation(people=people, start=story.START, admins=(admin,)) as sim:
        story.play(sim)
        entries = sim.journal.entries
        renderer = Renderer(people=people, members=dict(sim.slack.members), order=list(people))
        chapters = [(c.title, c.text) for c in renderer.render(entries)]
        facts = _facts(sim, entries)
        end = sim.clock.now()
        problems = sim.slack.invalid_payloads
    seconds = time.perf_counter() - started
    summary = _summary(facts, story.START, end, seconds, len(people))
    if problems:
        summary += "\n  Slack would have refused: " + "; ".join(problems)
    return DemoResult(chapters, summary, seconds, problems)


def _facts(sim: Simulation, entries: list[Entry]) -> dict[str, int]:
    with sim.runtime.db.transaction() as session:
        facts = {
            "active pairings": session.scalar(select(func.count()).where(Pairing.state == "active")) or 0,
            "meetings recorded": session.scalar(select(func.count()).where(CheckIn.status == "met")) or 0,
            "introductions": session.scalar(select(func.count()).select_from(Introduction)) or 0,
        }
    bot_calls = [e for e in entries if isinstance(e, BotCall)]
    facts["messages posted"] = sum(1 for e in bot_calls if e.call.method == "chat.postMessage")
    facts["forms opened"] = sum(1 for e in bot_calls if e.call.method == "views.open")
    facts["Web API calls"] = sum(1 for e in bot_calls if e.call.method != RESPONSE_URL_METHOD)
    facts.update(sim.requests_sent)
    facts["scheduler passes"] = sim.ticks
    return facts


def _summary(facts: Mapping[str, int], start: datetime, end: datetime, seconds: float, people: int) -> str:
    weeks = (end - start) / timedelta(weeks=1)
    lines = [
        f"mentor-bot demo: {people} colleagues, {weeks:.1f} simulated weeks "
        f"({start:%a %-d %b} – {end:%a %-d %b %Y}) in {seconds:.1f} s of real time.",
        "  " + ", ".join(f"{name} {value}" for name, value in facts.items()),
    ]
    return "\n".join(lines)

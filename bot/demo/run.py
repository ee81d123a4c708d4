"""`mentor-bot demo`: play the story against the real app and the stand-in, and tell it as a transcript."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.demo import story
from bot.demo.journal import BotCall, DemoError, Entry
from bot.demo.people import TEAM_ID
from bot.demo.simulation import Simulation
from bot.demo.slack_standin import RESPONSE_URL_METHOD
from bot.demo.transcript import Renderer
from bot.i18n import reading_in
from bot.people import program_settings as program
from storage.models import CheckIn, Introduction, Pairing

__all__ = ["Delivery", "DemoError", "DemoResult", "run_demo"]


@dataclass(frozen=True)
class Delivery:
    """One message the bot posted (a DM, a group DM or a file), when, and who received it."""

    at: datetime
    recipients: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class DemoResult:
    """The transcript by chapter, the closing summary, any payload Slack would have refused, and every
    message the bot posted, with the cast's time zones and the workspace's quiet hours to check it by."""

    chapters: list[tuple[str, str]]  # (title, text)
    summary: str
    seconds: float
    problems: list[str]  # payloads Slack would have refused (empty when all is well)
    deliveries: list[Delivery] = field(default_factory=list)
    zones: dict[str, str] = field(default_factory=dict)  # user id -> IANA zone
    quiet_hours: tuple[int, int] | None = None  # (start, end) local hours, e.g. (20, 8)

    @property
    def transcript(self) -> str:
        return "\n\n".join(f"=== {title} ===\n{text.strip(chr(10))}" for title, text in self.chapters) + "\n"

    def chapter(self, starts_with: str) -> str:
        return next(text for title, text in self.chapters if title.startswith(starts_with))


def run_demo(seed: int = 0, locale: str = "en-US") -> DemoResult:
    """Play the story against the real app and the stand-in; nothing is left behind. ``locale`` is every
    colleague's Slack locale, so with "fr" everyone reads the program in French."""
    started = time.perf_counter()
    people, admin = story.cast(seed)
    # The colleagues' clicks and form values (the dates they pick) are written in their language too; the
    # narration around them is the demo's own, in English.
    with (
        reading_in(locale),
        Simulation(people=people, start=story.START, admins=(admin,), locale=locale) as sim,
    ):
        story.play(sim)
        entries = sim.journal.entries
        renderer = Renderer(
            people=people,
            members=dict(sim.slack.members),
            order=list(people),
            channels=sim.slack.channel_names(),
        )
        chapters = [(c.title, c.text) for c in renderer.render(entries)]
        facts = _facts(sim, entries)
        end = sim.clock.now()
        problems = sim.slack.invalid_payloads
        deliveries = _deliveries(entries, dict(sim.slack.members))
        with sim.runtime.db.transaction() as session:
            window = program.load(session, TEAM_ID).nudge_window()
    seconds = time.perf_counter() - started
    summary = _summary(facts, story.START, end, seconds, len(people))
    if problems:
        summary += "\n  Slack would have refused: " + "; ".join(problems)
    quiet = None if window.quiet_start is None else (window.quiet_start, window.quiet_end or 0)
    zones = {user_id: person.tz for user_id, person in people.items()}
    return DemoResult(chapters, summary, seconds, problems, deliveries, zones, quiet)


def _deliveries(entries: list[Entry], members: Mapping[str, frozenset[str]]) -> list[Delivery]:
    found = []
    for e in entries:
        if not isinstance(e, BotCall) or not e.reply.get("ok"):
            continue
        if e.call.method == "chat.postMessage":
            channel = str(e.reply.get("channel") or e.call.args.get("channel"))
        elif e.call.method == "files.completeUploadExternal":
            channel = str(e.call.args.get("channel_id") or "")
        else:
            continue
        recipients = tuple(sorted(members.get(channel) or ([channel] if channel[:1] in "UW" else [])))
        found.append(Delivery(e.at, recipients, str(e.call.args.get("text") or e.call.method)[:80]))
    return found


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

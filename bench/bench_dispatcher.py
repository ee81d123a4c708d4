"""Dispatcher and check-in planner throughput. Run on demand; prints a markdown table of medians.

    python bench/bench_dispatcher.py [--rows 100000] [--pairings 100000] [--runs 3]
                                     [--database-url postgresql+psycopg://...]

Dispatcher: N due rows, distinct channels, pacing off, sent (a) to the Slack stand-in over HTTP
(bot/demo/slack_standin/, in a process of its own, so its threads never compete with the dispatcher for
this process's interpreter lock; `--standin thread` runs it in this process as before) and (b) to an in-process fake client, which isolates the
dispatcher's own overhead (claiming, recording). (c) The same N chat.postMessage calls straight from
slack_sdk to the stand-in, without the dispatcher or the database: the ceiling for any sender over HTTP,
so the time a post takes over HTTP splits into the HTTP call and the dispatcher's own work.
Planner: time for plan_checkins to plan the next cycle for N active pairings all due.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from bench.databases import fresh_database
from bot.checkins.planning import plan_checkins
from bot.clock import FixedClock
from bot.config import Settings
from bot.demo.slack_standin import SlackStandIn
from bot.outbox import Dispatcher
from bot.runtime import Runtime
from bot.slack import SlackClients
from storage.db import Database
from storage.models import Agreement, Base, OutboxMessage, Pairing, Person

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
TEAM = "TBENCH"


class _Response(dict[str, Any]):
    pass


class InProcessSlack:
    """A WebClient stand-in answering chat.postMessage instantly, without HTTP."""

    def __init__(self) -> None:
        self.posts = 0

    def chat_postMessage(self, **kwargs: Any) -> _Response:
        self.posts += 1
        return _Response(ok=True, channel=kwargs["channel"], ts=f"{self.posts}.000")


@dataclass
class InProcessClients:
    client: InProcessSlack = field(default_factory=InProcessSlack)

    def for_team(self, _team_id: str) -> InProcessSlack:
        return self.client


def empty(db: Database) -> None:
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def seed_outbox(db: Database, rows: int) -> None:
    values = [
        dict(
            team_id=TEAM,
            dedupe_key=f"bench:{n}",
            kind="offer",
            channel=f"C{n:07d}",
            payload={"text": f"message {n}", "blocks": []},
            due_at=NOW,
            status="pending",
            attempts=0,
            created_at=NOW,
        )
        for n in range(rows)
    ]
    with db.transaction() as session:
        for start in range(0, rows, 5000):
            session.execute(insert(OutboxMessage), values[start : start + 5000])


def seed_pairings(db: Database, count: int) -> None:
    activated = NOW - timedelta(days=7)
    with db.transaction() as session:
        people = [
            dict(
                team_id=TEAM,
                slack_user_id=f"U{n:07d}",
                name=f"p{n}",
                real_name=f"P {n}",
                tz=("Europe/Berlin", "America/New_York", "Asia/Kolkata")[n % 3],
                tz_offset=0,
                created_at=activated,
            )
            for n in range(count * 2)
        ]
        for start in range(0, len(people), 5000):
            session.execute(insert(Person), people[start : start + 5000])
        ids = [row[0] for row in session.execute(text("SELECT id FROM people ORDER BY id"))]
        pairings = [
            dict(
                team_id=TEAM,
                mentee_id=ids[2 * n],
                copilot_id=ids[2 * n + 1],
                state="active",
                cadence="weekly",
                organiser="mentee",
                created_at=activated,
                activated_at=activated,
                next_checkin_at=NOW,
                version=0,
            )
            for n in range(count)
        ]
        for start in range(0, count, 5000):
            session.execute(insert(Pairing), pairings[start : start + 5000])
        pairing_ids = [row[0] for row in session.execute(text("SELECT id FROM pairings ORDER BY id"))]
        agreements = [
            dict(
                team_id=TEAM,
                pairing_id=pid,
                version=1,
                status="confirmed",
                terms={"cadence": "weekly", "organiser": "mentee"},
                proposals={},
                created_at=activated,
                confirmed_at=activated,
            )
            for pid in pairing_ids
        ]
        for start in range(0, count, 5000):
            session.execute(insert(Agreement), agreements[start : start + 5000])


def _serve_standin(urls: Any, stop: Any) -> None:
    """The stand-in's own process: serve until told to stop, forgetting recorded calls as it goes."""
    with SlackStandIn() as standin:
        urls.put(standin.api_url)
        while not stop.wait(2):
            standin.clear()


@contextmanager
def standin_at(where: str) -> Iterator[tuple[str, Callable[[], None]]]:
    """The stand-in's API URL and how to clear its record: in a child process, or a thread of this one."""
    if where == "thread":
        with SlackStandIn() as standin:
            yield standin.api_url, standin.clear
        return
    context = multiprocessing.get_context("spawn")
    urls, stop = context.Queue(), context.Event()
    child = context.Process(target=_serve_standin, args=(urls, stop), daemon=True)
    child.start()
    try:
        yield urls.get(timeout=60), lambda: None  # the child clears its own record
    finally:
        stop.set()
        child.join(10)


def time_dispatch(db: Database, rows: int, clients: Any) -> float:
    empty(db)
    seed_outbox(db, rows)
    dispatcher = Dispatcher(db=db, slack=clients, pace_per_channel=timedelta(0), batch_size=500)
    started = time.perf_counter()
    report = dispatcher.run_once(NOW)
    elapsed = time.perf_counter() - started
    assert report.sent == rows, report
    return rows / elapsed


def time_http_calls(clients: SlackClients, rows: int) -> float:
    client = clients.for_team(TEAM)
    started = time.perf_counter()
    for n in range(rows):
        client.chat_postMessage(channel=f"C{n:07d}", text=f"message {n}", blocks=[], unfurl_links=False)
    return rows / (time.perf_counter() - started)


def time_planner(db: Database, url: str, count: int) -> float:
    empty(db)
    seed_pairings(db, count)
    runtime = Runtime(
        settings=Settings(database_url=url),
        db=db,
        clock=FixedClock(NOW),
        slack=None,  # type: ignore[arg-type]
    )
    started = time.perf_counter()
    with db.transaction() as session:
        added = plan_checkins(runtime, session, NOW)
    elapsed = time.perf_counter() - started
    assert added == count, added
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pairings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is wiped!); default SQLite")
    parser.add_argument("--standin", choices=["process", "thread"], default="process")
    args = parser.parse_args()
    db, url = fresh_database(args.database_url)
    backend = "PostgreSQL" if not db.is_sqlite else "SQLite"
    results: list[tuple[str, str]] = []
    http: list[float] = []
    calls: list[float] = []
    with standin_at(args.standin) as (api_url, clear):
        clients = SlackClients(Settings(slack_bot_token="xoxb-bench", slack_api_url=api_url))
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            http.append(time_dispatch(db, args.rows, clients))
            clear()  # the stand-in records every call; keep its memory flat across runs
            calls.append(time_http_calls(clients, args.rows))
            clear()
    local = [time_dispatch(db, args.rows, InProcessClients()) for _ in range(args.runs)]
    for name, runs in (
        (f"dispatcher → Slack stand-in ({args.standin}) over HTTP, {args.rows:,} rows", http),
        (f"dispatcher → in-process client, {args.rows:,} rows", local),
        (f"slack_sdk → Slack stand-in, no dispatcher, {args.rows:,} calls", calls),
    ):
        results.append((name, f"{statistics.median(runs):,.0f} posts/s"))
    post_us, call_us = 1e6 / statistics.median(http), 1e6 / statistics.median(calls)
    results.append(
        (
            "a post over HTTP: the HTTP call + the dispatcher's own work",
            f"{post_us:,.0f} µs = {call_us:,.0f} + {post_us - call_us:,.0f} µs",
        )
    )
    plans = [time_planner(db, url, args.pairings) for _ in range(args.runs)]
    results.append(
        (f"plan_checkins, {args.pairings:,} active pairings due", f"{statistics.median(plans):.1f} s")
    )
    empty(db)
    db.dispose()
    print(f"| {backend} (median of {args.runs}) | result |")
    print("|---|---|")
    for name, value in results:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: one pass of every planner the scheduler runs, over N active pairings.

    python bench/bench_planner.py [--pairings 100000] [--runs 3] [--planner plan_checkins ...]
                                  [--database-url postgresql+psycopg://...] [--lanes N]

The world (`tests/planner_world.py`, seeded once with Core inserts; a PostgreSQL URL's public schema is
wiped!): N active pairings due a check-in, a stall nudge and a health review, N/10 pairings whose
expectation reminders are due, N/10 introductions, contacts and promises due, and a lead per 100 people
whose weekly digest is due.

Each planner runs in its own transaction, which is rolled back, so every run sees the same world: "due" is
the pass that plans everything, "idle" a second pass in the same transaction that finds nothing new (the
scheduler runs every planner every minute, so this is what it costs most of the time). On PostgreSQL the
planners that share a pass run in the scheduler's lanes (``--lanes 1``: one transaction, as on SQLite).
Times are medians of `--runs`; "peak" is the Python heap peak during one more, untimed, pass
(tracemalloc), and the process's peak RSS is printed at the end.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bench.databases import fresh_database
from bot.app import planners
from bot.clock import FixedClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.scheduler import lanes_for
from storage.db import Database
from storage.models import OutboxMessage
from tests.planner_world import seed_world

# A Monday, 16:00 UTC: past the 10:00 nudge hour and inside the grace period in all three zones.
NOW = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
TEAM = "TBENCH"

Planner = Callable[[Runtime, Session, datetime], int]


def seed(db: Database, count: int) -> None:
    with db.transaction() as session:
        seed_world(session, count, NOW, TEAM)
    if not db.is_sqlite:
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def one_pass(
    db: Database, runtime: Runtime, planner: Planner, lanes: int = 1
) -> tuple[float, float, int, float]:
    """(seconds for the due pass, for an idle pass after it, rows added, this process's CPU seconds for
    the due pass), rolled back. With several lanes, each is a transaction of its own on a thread, as the
    scheduler runs them (bot.scheduler.plan_in_lanes), all rolled back at the end."""
    sessions = [db.sessions() for _ in range(lanes)]

    def run_lanes() -> int:
        def lane(session: Session) -> int:
            added = planner(runtime, session, NOW)
            session.flush()
            return added

        if lanes == 1:
            return lane(sessions[0])
        with ThreadPoolExecutor(max_workers=lanes) as pool:
            return sum(pool.map(lane, sessions))

    try:
        started, cpu = time.perf_counter(), time.process_time()
        added = run_lanes()
        due, cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        again = run_lanes()
        idle = time.perf_counter() - started
        assert again == 0, f"{planner.__name__} queued {again} more on a second pass"
        return due, idle, added, cpu
    finally:
        for session in sessions:
            session.rollback()
            session.close()


def heap_peak(db: Database, runtime: Runtime, planner: Planner) -> int:
    tracemalloc.start()
    try:
        session = db.sessions()
        try:
            planner(runtime, session, NOW)
            session.flush()
        finally:
            session.rollback()
            session.close()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def machine_speed() -> float:
    """CPU seconds for a fixed pure-Python loop (a million small dicts): how busy the machine was."""
    started = time.process_time()
    for n in range(1_000_000):
        _ = {"type": "button", "value": n}
    return time.process_time() - started


def chosen(names: Iterable[str] | None) -> list[Planner]:
    every = planners()
    if not names:
        return every
    wanted = set(names)
    return [p for p in every if p.__name__ in wanted]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--planner", action="append", help="only this planner (repeatable)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument(
        "--lanes", type=int, help="transactions sharing a shareable planner's pass (default: the scheduler's)"
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is wiped!); default SQLite")
    args = parser.parse_args()
    db, url = fresh_database(args.database_url)
    backend = "SQLite" if db.is_sqlite else "PostgreSQL"
    started = time.perf_counter()
    seed(db, args.pairings)
    print(f"seeded {args.pairings:,} active pairings on {backend} in {time.perf_counter() - started:.1f} s")
    runtime = Runtime(
        settings=Settings(database_url=url),
        db=db,
        clock=FixedClock(NOW),
        slack=None,  # type: ignore[arg-type]
    )
    print(
        f"| planner ({backend}, {args.pairings:,} pairings, median of {args.runs}) "
        "| due pass | (its CPU here) | idle pass | queued | peak heap |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    total_due = total_idle = 0.0
    for planner in chosen(args.planner):
        lanes = lanes_for(runtime, planner)
        lanes = args.lanes if args.lanes and lanes > 1 else lanes  # only a planner that shares its pass
        runs = [one_pass(db, runtime, planner, lanes) for _ in range(args.runs)]
        due = statistics.median(r[0] for r in runs)
        idle = statistics.median(r[1] for r in runs)
        cpu = statistics.median(r[3] for r in runs)
        total_due, total_idle = total_due + due, total_idle + idle
        peak = "" if args.no_memory else f"{heap_peak(db, runtime, planner) / 2**20:,.0f} MB"
        print(
            f"| {planner.__name__} ({lanes} lane{'s' if lanes > 1 else ''}) | {due:.2f} s | {cpu:.2f} s | {idle:.2f} s | {runs[0][2]:,} | {peak} |",
            flush=True,
        )
    print(f"| all planners | {total_due:.2f} s | | {total_idle:.2f} s | | |")
    with db.engine.connect() as conn:
        outbox_rows = conn.scalar(select(func.count()).select_from(OutboxMessage))
    assert outbox_rows == 0, "a planner's pass was not rolled back"
    print(f"machine: a million small dicts took {machine_speed():.2f} s of CPU (compare runs by this)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run (seeding included): {rss:,.0f} MB")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: one pass of every planner the scheduler runs, over N active pairings.

    python bench/bench_planner.py [--pairings 100000] [--runs 3] [--planner plan_checkins ...]
                                  [--database-url postgresql+psycopg://...]

The world (seeded once with Core inserts; a PostgreSQL URL's public schema is wiped!): N active pairings
of 2N people in three time zones, each with a confirmed agreement of six meetings, one met check-in and
the next one due now (one cycle each: the one after falls a week later), activated 70 days ago (a health
review is due) and last met two weeks ago on a weekly cadence (a stall nudge is due); beside them N/10
pairings setting expectations whose reminders are due, N/10 introductions awaiting their follow-up, N/10
contacts and N/10 promises due today, and one lead per 100 people whose weekly digest is due.

Each planner runs in its own transaction, which is rolled back, so every run sees the same world: "due" is
the pass that plans everything, "idle" a second pass in the same transaction that finds nothing new (the
scheduler runs every planner every minute, so this is what it costs most of the time). Times are medians of
`--runs`; "peak" is the Python heap peak during one more, untimed, pass (tracemalloc), and the process's
peak RSS is printed at the end.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.orm import Session

from bot.app import planners
from bot.clock import FixedClock
from bot.config import Settings
from bot.runtime import Runtime
from storage.db import Database, connect, migrate
from storage.models import (
    Agreement,
    CheckIn,
    Contact,
    Introduction,
    OutboxMessage,
    Pairing,
    Person,
    Promise,
)

# A Monday, 16:00 UTC: past the 10:00 nudge hour and inside the grace period in all three zones.
NOW = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
TEAM = "TBENCH"
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata")
BATCH = 5000

Planner = Callable[[Runtime, Session, datetime], int]


def fresh_database(url: str | None) -> tuple[Database, str]:
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    db = connect(url)
    if not db.is_sqlite:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate(db)
    return db, url


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def _ids(session: Session, model: Any) -> list[int]:
    return list(session.scalars(select(model.id).order_by(model.id)))


def seed(db: Database, count: int) -> None:
    activated = NOW - timedelta(days=70)
    met = NOW - timedelta(days=14)
    tenth = max(1, count // 10)
    with db.transaction() as session:
        _insert(
            session,
            Person,
            [
                dict(
                    team_id=TEAM,
                    slack_user_id=f"U{n:07d}",
                    name=f"p{n}",
                    real_name=f"Person {n}",
                    tz=ZONES[n % 3],
                    tz_offset=0,
                    created_at=activated,
                )
                for n in range(count * 2)
            ],
        )
        people = _ids(session, Person)
        # One lead per 100 people: the org chart's managers, whose weekly digest is due.
        leads = people[::100]
        session.execute(
            Person.__table__.update()
            .where(Person.__table__.c.id == bindparam("pid"))
            .values(manager_id=bindparam("lead")),
            [{"pid": pid, "lead": leads[i // 100]} for i, pid in enumerate(people) if i % 100],
        )
        _insert(
            session,
            Pairing,
            [
                dict(
                    team_id=TEAM,
                    mentee_id=people[2 * n],
                    copilot_id=people[2 * n + 1],
                    state="active",
                    cadence="weekly",
                    organiser="mentee",
                    created_at=activated,
                    activated_at=activated,
                    last_met_at=met - timedelta(hours=n % 7),
                    next_checkin_at=NOW,
                    version=0,
                )
                for n in range(count)
            ]
            + [
                dict(
                    team_id=TEAM,
                    mentee_id=people[2 * n + 1],
                    copilot_id=people[2 * n],
                    state="setting_expectations",
                    cadence="weekly",
                    organiser="mentee",
                    created_at=NOW - timedelta(days=8),
                    version=0,
                )
                for n in range(tenth)
            ],
        )
        pairings = _ids(session, Pairing)
        active, setting = pairings[:count], pairings[count:]
        terms = {"cadence": "weekly", "organiser": "mentee", "length": {"meetings": 6}}
        _insert(
            session,
            Agreement,
            [
                dict(
                    team_id=TEAM,
                    pairing_id=pid,
                    version=1,
                    status="confirmed",
                    terms=terms,
                    proposals={},
                    created_at=activated,
                    confirmed_at=activated,
                )
                for pid in active
            ]
            + [
                dict(
                    team_id=TEAM,
                    pairing_id=pid,
                    version=1,
                    status="drafting",
                    terms={},
                    proposals={},
                    created_at=NOW - timedelta(days=8),
                )
                for pid in setting
            ],
        )
        _insert(
            session,
            CheckIn,
            [
                dict(team_id=TEAM, pairing_id=pid, cycle=1, due_at=met, status="met", met_at=met)
                for pid in active
            ],
        )
        _insert(
            session,
            Introduction,
            [
                dict(
                    team_id=TEAM,
                    introducer_id=people[3 * n % len(people)],
                    introduced_id=people[(3 * n + 1) % len(people)],
                    contact_id=people[(3 * n + 2) % len(people)],
                    reason="",
                    status="made",
                    follow_ups_sent=0,
                    created_at=NOW - timedelta(days=8),
                )
                for n in range(tenth)
            ],
        )
        today = NOW.date()
        _insert(
            session,
            Contact,
            [
                dict(
                    team_id=TEAM,
                    owner_id=people[n],
                    slack_user_id=f"U{n + 1:07d}",
                    name=f"Contact {n}",
                    keep_in_touch_days=30,
                    last_talked_at=today - timedelta(days=30),
                    touch_due_on=today,
                    created_at=activated,
                    updated_at=activated,
                )
                for n in range(tenth)
            ],
        )
        _insert(
            session,
            Promise,
            [
                dict(
                    team_id=TEAM,
                    owner_id=people[n],
                    to_slack_user_id=f"U{n + 1:07d}",
                    to_name="",
                    text=f"send the notes {n}",
                    due_on=today,
                    status="open",
                    nudges_sent=0,
                    created_at=activated,
                )
                for n in range(tenth)
            ],
        )
    if not db.is_sqlite:
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def one_pass(db: Database, runtime: Runtime, planner: Planner) -> tuple[float, float, int, float]:
    """(seconds for the due pass, for an idle pass after it, rows added, this process's CPU seconds for
    the due pass), rolled back."""
    session = db.sessions()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        added = planner(runtime, session, NOW)
        session.flush()
        due, cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        again = planner(runtime, session, NOW)
        session.flush()
        idle = time.perf_counter() - started
        assert again == 0, f"{planner.__name__} queued {again} more on a second pass"
        return due, idle, added, cpu
    finally:
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
        f"| planner ({backend}, {args.pairings:,} pairings, median of {args.runs}) | due pass | idle pass | queued | peak heap |"
    )
    print("|---|---:|---:|---:|---:|")
    total_due = total_idle = 0.0
    for planner in chosen(args.planner):
        runs = [one_pass(db, runtime, planner) for _ in range(args.runs)]
        due = statistics.median(r[0] for r in runs)
        idle = statistics.median(r[1] for r in runs)
        cpu = statistics.median(r[3] for r in runs)
        total_due, total_idle = total_due + due, total_idle + idle
        peak = "" if args.no_memory else f"{heap_peak(db, runtime, planner) / 2**20:,.0f} MB"
        print(
            f"| {planner.__name__} | {due:.2f} s | {cpu:.2f} s | {idle:.2f} s | {runs[0][2]:,} | {peak} |",
            flush=True,
        )
    print(f"| all planners | {total_due:.2f} s | | {total_idle:.2f} s | | |")
    with db.engine.connect() as conn:
        outbox_rows = conn.scalar(select(func.count()).select_from(OutboxMessage))
    assert outbox_rows == 0, "a planner's pass was not rolled back"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run (seeding included): {rss:,.0f} MB")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

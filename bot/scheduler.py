"""APScheduler is the clock: it runs the planners and the dispatcher. The database holds what is due."""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.logs import current_request_id, new_request_id, request_scope
from bot.outbox import Dispatcher, DispatchReport, due_rows
from bot.runtime import Runtime

log = logging.getLogger(__name__)

# A planner looks at the database at `now` and enqueues what is due (idempotently). Returns rows added.
Planner = Callable[[Runtime, Session, datetime], int]

PLAN_EVERY_SECONDS = 60
DISPATCH_EVERY_SECONDS = 5


class SchedulerAlreadyRunning(Exception):
    pass


@dataclass
class TickReport:
    planned: int = 0
    dispatch: DispatchReport = field(default_factory=DispatchReport)
    would_send: list[dict[str, Any]] = field(default_factory=list)


# On PostgreSQL a planner that divides its pairings with SKIP LOCKED runs its pass in this many
# transactions at once, on threads, as that many schedulers side by side would: while one lane waits for
# the server to write a chunk, the other plans the next in Python, so the process's one core of Python and
# the server's work overlap (100,000 check-ins: 6.3 s in one lane, 4.2 s in two, 4.7 s in three; see the
# README's Planners section).
LANES = 2
_SHARED = "shares_its_pass"
P = TypeVar("P", bound=Planner)


def shares_its_pass(planner: P) -> P:
    """Mark a planner whose pass several transactions may share: it reads pairings in chunks with
    ``lock=True`` (SKIP LOCKED), so each lane plans the pairings it locked and skips the others', and all
    it writes has a unique key (a check-in per pairing and cycle, a message per dedupe key), so a pairing
    is planned once whichever lane takes it."""
    setattr(planner, _SHARED, True)
    return planner


def lanes_for(runtime: Runtime, planner: Planner) -> int:
    """How many transactions share this planner's pass: ``LANES`` on PostgreSQL for a planner marked
    ``shares_its_pass``, else one (SQLite has one writer at a time)."""
    return LANES if getattr(planner, _SHARED, False) and not runtime.db.is_sqlite else 1


def plan(runtime: Runtime, planners: list[Planner], now: datetime) -> int:
    """Run every planner at `now`, each in its own transaction (or in its lanes'); rows added."""
    return sum(sum(plan_in_lanes(runtime, planner, now, lanes_for(runtime, planner))) for planner in planners)


def plan_in_lanes(runtime: Runtime, planner: Planner, now: datetime, lanes: int) -> list[int]:
    """One pass of `planner` in `lanes` transactions at once (each committed when its lane is done);
    the rows each lane added."""

    def lane() -> int:
        with runtime.db.transaction() as session:
            return planner(runtime, session, now)

    if lanes == 1:
        return [lane()]
    tick = current_request_id.get() or new_request_id("tick-")

    def own_lane() -> int:
        # Only the tick's request id goes with a lane (for its log lines), never the caller's other
        # context: each lane must open a transaction of its own.
        with request_scope(tick):
            return lane()

    with ThreadPoolExecutor(max_workers=lanes, thread_name_prefix=planner.__name__) as pool:
        running = [pool.submit(own_lane) for _ in range(lanes)]
        return [done.result() for done in running]


def run_tick(
    runtime: Runtime, planners: list[Planner], dispatcher: Dispatcher, now: datetime, *, dry_run: bool = False
) -> TickReport:
    """One scheduler pass at `now`. A dry run plans inside a transaction it rolls back, and sends nothing."""
    report = TickReport()
    if dry_run:
        session = runtime.db.sessions()
        try:
            for planner in planners:
                report.planned += planner(runtime, session, now)
            session.flush()
            report.would_send = [
                {
                    "key": r.dedupe_key,
                    "kind": r.kind,
                    "team_id": r.team_id,
                    "channel": r.channel,
                    "due_at": r.due_at.isoformat(),
                }
                for r in due_rows(session, now)
            ]
        finally:
            session.rollback()
            session.close()
        return report
    report.planned = plan(runtime, planners, now)
    report.dispatch = dispatcher.run_once(now)
    return report


def sqlite_lock(runtime: Runtime) -> IO[str] | None:
    """On SQLite only one process may run the scheduler: hold an exclusive lock file beside the database."""
    url = make_url(runtime.settings.database_url)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    path = Path(f"{database}.scheduler.lock") if database and database != ":memory:" else None
    if path is None:
        return None
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise SchedulerAlreadyRunning(
            f"Another mentor-bot scheduler is already running on {database}. SQLite allows one scheduler "
            "process: stop the other one, or run `mentor-bot run --no-scheduler` beside it, or move to PostgreSQL."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def build_scheduler(
    runtime: Runtime, planners: list[Planner], dispatcher: Dispatcher, *, blocking: bool
) -> BaseScheduler:
    # APScheduler logs "Running job" and "executed successfully" at INFO for every pass (two lines every
    # 5 seconds); a pass logs its own outcome below when it did something, and APScheduler's warnings
    # (a missed run) and errors still show.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone="UTC") if blocking else BackgroundScheduler(timezone="UTC")
    )

    def plan_job() -> None:
        try:
            with request_scope(new_request_id("tick-")):
                added = plan(runtime, planners, runtime.clock.now())
                if added:
                    log.info("planner pass: %d new message(s) queued", added)
        except Exception as exc:
            log.error("planner pass failed: %s", type(exc).__name__, exc_info=exc)

    def dispatch_job() -> None:
        try:
            with request_scope(new_request_id("send-")):
                report = dispatcher.run_once(runtime.clock.now())
                outcome = ", ".join(f"{name} {n}" for name, n in asdict(report).items() if n)
                if outcome:
                    log.info("outbox pass: %s", outcome)
        except Exception as exc:
            log.error("dispatch pass failed: %s", type(exc).__name__, exc_info=exc)

    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
    scheduler.add_job(
        plan_job,
        "interval",
        seconds=PLAN_EVERY_SECONDS,
        id="plan",
        next_run_time=datetime.now().astimezone(),
        **common,
    )
    scheduler.add_job(dispatch_job, "interval", seconds=DISPATCH_EVERY_SECONDS, id="dispatch", **common)

    def people_job() -> None:
        from bot.people.directory import sync_known_workspaces

        try:
            with request_scope(new_request_id("sync-")):
                sync_known_workspaces(runtime)
        except Exception as exc:
            log.error("people sync failed: %s", type(exc).__name__, exc_info=exc)

    # Slack's user_change events keep people current; the daily sync catches any event that was missed.
    scheduler.add_job(people_job, "interval", hours=24, id="people-sync", **common)
    return scheduler

"""Check-ins when things go wrong: the bot was down, Slack rate-limits, a person is gone, two dispatchers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_dispatcher, build_runtime
from bot.checkins.planning import checkin_planners
from bot.config import Settings
from bot.demo.slack_standin import SlackStandIn
from bot.outbox import Dispatcher, Kind, Message, Outgoing, enqueue
from bot.people.directory import apply_user_change
from bot.scheduler import SchedulerAlreadyRunning, run_tick, sqlite_lock
from bot.slack import SlackClients
from storage.db import Database, connect, migrate
from storage.models import CheckIn, OutboxMessage
from tests.flows.checkin_sim import pairing_row, run_until
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM_ID, RunningBot, test_settings
from tests.worlds.make import seed_pair


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def statuses(bot: RunningBot, pairing_id: int) -> list[str]:
    with bot.runtime.db.transaction() as session:
        rows = session.scalars(
            select(CheckIn).where(CheckIn.pairing_id == pairing_id).order_by(CheckIn.cycle)
        )
        return [row.status for row in rows]


def restart(bot: RunningBot, at: datetime) -> int:
    """A new scheduler process comes up at `at`: a fresh dispatcher, one tick. Returns posts sent."""
    before = len(bot.slack.calls_to("chat.postMessage"))
    bot.clock.set(at)
    run_tick(bot.runtime, checkin_planners(), build_dispatcher(bot.runtime), at)
    return len(bot.slack.calls_to("chat.postMessage")) - before


def test_a_nudge_due_while_the_bot_was_down_is_sent_once_within_the_grace_period(bot: RunningBot):
    pairing_id = seed_pair(bot)
    run_until(bot, utc(2026, 3, 9, 0))  # planned for 09:00 UTC, then the bot goes down
    assert statuses(bot, pairing_id) == ["pending"]
    assert restart(bot, utc(2026, 3, 9, 15)) == 1  # six hours late, inside the 12-hour grace
    assert restart(bot, utc(2026, 3, 9, 15, 1)) == 0
    assert "since Mon 2 Mar" in bot.slack.last("chat.postMessage").args["text"]


def test_a_nudge_planned_after_a_long_outage_is_still_sent_once_if_within_grace(bot: RunningBot):
    pairing_id = seed_pair(bot)
    run_until(bot, utc(2026, 3, 7, 0))  # down before the planner saw the check-in coming
    assert restart(bot, utc(2026, 3, 9, 13)) == 1
    assert restart(bot, utc(2026, 3, 9, 13, 5)) == 0
    assert statuses(bot, pairing_id) == ["pending"]


def test_beyond_the_grace_period_the_nudge_expires_and_the_pairing_rolls_on(bot: RunningBot):
    pairing_id = seed_pair(bot)
    run_until(bot, utc(2026, 3, 9, 0))
    assert restart(bot, utc(2026, 3, 10, 0)) == 0  # fifteen hours late: expired, not sent
    posts = run_until(bot, utc(2026, 3, 16, 12))
    assert [p.at for p in posts if p.is_checkin()] == [utc(2026, 3, 16, 9)]
    assert statuses(bot, pairing_id) == ["missed", "pending"]
    with bot.runtime.db.transaction() as session:
        keys = dict(session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status)).all())
    assert keys[f"checkin:{pairing_id}:1"] == "expired" and keys[f"checkin:{pairing_id}:2"] == "sent"


def test_a_long_outage_records_missed_cycles_instead_of_a_flood_of_old_nudges(bot: RunningBot):
    pairing_id = seed_pair(bot)
    run_until(bot, utc(2026, 3, 7, 0))
    assert restart(bot, utc(2026, 3, 25, 0)) == 0  # down for two and a half weeks
    posts = run_until(bot, utc(2026, 3, 30, 12))
    assert [p.at for p in posts if p.is_checkin()] == [utc(2026, 3, 30, 8)]  # CEST from 29 March
    assert statuses(bot, pairing_id)[:3] == ["missed", "missed", "missed"]


def test_a_429_storm_delays_everything_and_loses_or_doubles_nothing(bot: RunningBot, slack: SlackStandIn):
    for n in range(3):
        slack.add_user(f"UP{n}A")
        slack.add_user(f"UP{n}B")
    pairing_ids = []
    for n in range(3):
        with bot.runtime.db.transaction() as session:
            from tests.worlds.make import agreement, pairing, person, standard_terms

            a = person(session, f"UP{n}A", bot.clock.now(), tz="Europe/Berlin")
            b = person(session, f"UP{n}B", bot.clock.now(), tz="Europe/Berlin")
            pair = pairing(session, a, b, bot.clock.now())
            agreement(session, pair, bot.clock.now(), terms=standard_terms())
            pairing_ids.append(pair.id)
    run_until(bot, utc(2026, 3, 9, 0))
    slack.fail("chat.postMessage", status=429, retry_after=120, times=-1)
    storm = run_until(bot, utc(2026, 3, 9, 9, 30))
    assert len(storm) >= 3  # attempts, every one answered 429 with Retry-After
    with bot.runtime.db.transaction() as session:
        waiting = session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.kind == Kind.CHECKIN_NUDGE)
        ).all()
        assert sorted(waiting) == ["pending", "pending", "pending"]
    slack.clear_faults()
    before = len(slack.calls_to("chat.postMessage"))
    run_until(bot, utc(2026, 3, 9, 11))
    delivered = [c.args["channel"] for c in slack.calls_to("chat.postMessage")[before:]]
    assert sorted(delivered) == ["UP0A", "UP1A", "UP2A"]
    with bot.runtime.db.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == Kind.CHECKIN_NUDGE)).all()
        assert sorted(r.status for r in rows) == ["sent", "sent", "sent"]


def test_a_deactivated_person_pauses_the_pairing_and_the_partner_is_told_kindly(
    bot: RunningBot, slack: SlackStandIn
):
    pairing_id = seed_pair(bot)
    slack.fail("chat.postMessage", error="account_inactive", times=1)
    posts = run_until(bot, utc(2026, 3, 9, 10))
    row = pairing_row(bot, pairing_id)
    assert row.state == "paused" and row.paused_until == date(2026, 4, 8)
    told = [p for p in posts if p.channel == "USAM"]
    assert len(told) == 1 and "couldn't reach <@UANA>" in str(told[0].blocks)
    assert "haven't done anything wrong" in str(told[0].blocks)
    assert run_until(bot, utc(2026, 3, 30)) == []  # nothing more while paused


def test_a_new_time_zone_moves_future_nudges_to_the_local_hour_there(bot: RunningBot):
    pairing_id = seed_pair(bot)
    run_until(bot, utc(2026, 3, 9, 0))  # Monday's nudge is planned for 10:00 Berlin (09:00 UTC)
    user = {
        "id": "UANA",
        "name": "ana",
        "real_name": "Ana Ruiz",
        "tz": "America/New_York",
        "tz_offset": -4 * 3600,
        "profile": {"display_name": "ana", "real_name": "Ana Ruiz"},
    }
    change = apply_user_change(bot.runtime, TEAM_ID, user)
    assert change.tz_changed
    posts = run_until(bot, utc(2026, 3, 16, 20))
    assert [p.at for p in posts if p.is_checkin()] == [utc(2026, 3, 9, 14), utc(2026, 3, 16, 14)]
    assert pairing_row(bot, pairing_id).next_checkin_at == utc(2026, 3, 23, 14)


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="two dispatchers in parallel need PostgreSQL's FOR UPDATE SKIP LOCKED; "
    "on SQLite one process runs the scheduler (see the sqlite_lock tests)",
)
def test_two_dispatchers_on_postgresql_send_each_of_1000_messages_exactly_once(
    db: Database, slack: SlackStandIn, database_url: str
):
    now = utc(2026, 3, 9, 9)
    with db.transaction() as session:
        for n in range(1000):
            enqueue(
                session,
                Outgoing(
                    team_id=TEAM_ID,
                    key=f"race:{n}",
                    kind=Kind.CHECKIN_NUDGE,
                    subject_id=n,
                    pairing_id=None,
                    channel=f"C{n:05d}",
                    payload=Message(text=f"message {n}").payload(),
                    due_at=now,
                    now=now,
                ),
            )
    settings = Settings(slack_bot_token=BOT_TOKEN, slack_api_url=slack.api_url)
    engines = [connect(database_url) for _ in range(2)]
    dispatchers = [
        Dispatcher(db=engine, slack=SlackClients(settings), pace_per_channel=timedelta(0), batch_size=50)
        for engine in engines
    ]
    reports = [None, None]
    start = threading.Barrier(2)

    def run(i: int) -> None:
        start.wait()
        reports[i] = dispatchers[i].run_once(now)  # type: ignore[call-overload]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for engine in engines:
        engine.dispose()
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 1000
    assert len({call.args["text"] for call in posts}) == 1000
    assert all(report is not None and report.sent > 0 for report in reports)  # both really worked


def test_sqlite_allows_one_scheduler_and_says_so_clearly(tmp_path: Path, slack: SlackStandIn):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    database = connect(url)
    migrate(database)
    runtime = build_runtime(test_settings(slack, url), db=database)
    held = sqlite_lock(runtime)
    assert held is not None
    with pytest.raises(SchedulerAlreadyRunning, match="Another mentor-bot scheduler is already running"):
        sqlite_lock(runtime)

    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "ADMIN_"))
    }
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=url,
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "scheduler"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Another mentor-bot scheduler is already running" in result.stderr
    assert "mentor-bot run --no-scheduler" in result.stderr and "Traceback" not in result.stderr
    held.close()
    database.dispose()

"""Shared fixtures. Every test runs on SQLite, or on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from storage.db import Database, connect, migrate
from storage.models import Base
from tests.harness import RunningBot, TrackedBot, start_bot, start_tracked, stop_server, test_settings

# Monday 2 March 2026, 09:00 UTC: a plain working morning in Europe and before dawn in New York.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return f"mentor-bot database: {'PostgreSQL (' + url.split('@')[-1] + ')' if url else 'SQLite (temporary file)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        db = connect(url)
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        migrate(db)
        db.dispose()
        return url
    path: Path = tmp_path_factory.mktemp("db") / "mentor-bot-test.db"
    url = f"sqlite:///{path}"
    db = connect(url)
    migrate(db)
    db.dispose()
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = connect(database_url)
    try:
        yield database
    finally:
        _empty_all_tables(database)
        database.dispose()


def _empty_all_tables(database: Database) -> None:
    with database.engine.begin() as conn:
        if database.is_sqlite:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
            for name in ("slack_installations", "slack_bots", "slack_oauth_states"):
                conn.execute(text(f"DELETE FROM {name}"))
        else:
            names = [t.name for t in Base.metadata.sorted_tables] + [
                "slack_installations",
                "slack_bots",
                "slack_oauth_states",
            ]
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def slack_server() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def slack(slack_server: SlackStandIn) -> Iterator[SlackStandIn]:
    """The fake Slack Web API. A test fails if the bot sent it any invalid Block Kit payload."""
    slack_server.reset()
    yield slack_server
    problems = list(slack_server.invalid_payloads)
    slack_server.reset()
    assert not problems, "invalid Block Kit payloads sent to Slack:\n" + "\n".join(problems)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def bot(db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str) -> Iterator[RunningBot]:
    running, server = start_bot(test_settings(slack, database_url), db, slack, clock)
    try:
        yield running
    finally:
        stop_server(server)


@pytest.fixture
def tracked(db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str) -> Iterator[TrackedBot]:
    """The bot with its listener threads counted: `tracked.settle()` waits until all have finished.
    Program admin: UADMIN. Used by the hardening tests (authorization, hostile input, double submits)."""
    settings = test_settings(slack, database_url, admin_user_ids=("UADMIN",))
    running, server = start_tracked(settings, db, slack, clock)
    try:
        yield running
    finally:
        stop_server(server)

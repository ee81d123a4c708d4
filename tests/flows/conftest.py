"""Fixtures of the end-to-end tests beyond the root ones: the bot with a program admin, the small reporting
line of tests/worlds/line.py, and two workspaces installed through OAuth."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from storage.db import Database
from tests.harness import ADMIN, RunningBot, install, start_bot, stop_server, test_settings
from tests.worlds import line
from tests.worlds.tenants import A, B, Workspace, add_slack_users, seed


@pytest.fixture
def admin_bot(
    db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str
) -> Iterator[RunningBot]:
    """The bot with ADMIN (tests/harness.py) as its program admin."""
    running, server = start_bot(test_settings(slack, database_url, admin_user_ids=(ADMIN,)), db, slack, clock)
    try:
        yield running
    finally:
        stop_server(server)


@pytest.fixture
def org(admin_bot: RunningBot, slack: SlackStandIn) -> RunningBot:
    """admin_bot with the reporting line of tests/worlds/line.py seeded."""
    with admin_bot.runtime.db.transaction() as session:
        line.seed(session, slack, admin_bot.clock.now())
    return admin_bot


@pytest.fixture
def two(db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str) -> Iterator[RunningBot]:
    """The bot in OAuth mode with workspaces A and B installed and the same user ids in both."""
    settings = test_settings(
        slack, database_url, slack_bot_token=None, slack_client_id="111.222", slack_client_secret="secret"
    )
    running, server = start_bot(settings, db, slack, clock)
    try:
        install(running, "code-a", A, "Alpha")
        install(running, "code-b", B, "Beta")
        add_slack_users(slack)
        yield running
    finally:
        stop_server(server)


@pytest.fixture
def spaces(two: RunningBot) -> tuple[Workspace, Workspace]:
    """Both workspaces seeded (tests/worlds/tenants.py), each with its own marker in every text."""
    now = two.clock.now()
    with two.runtime.db.transaction() as session:
        a = seed(session, Workspace(A, "ZQALPHA"), now)
        b = seed(session, Workspace(B, "ZQBRAVO"), now)
    return a, b

"""Unit-test fixtures shared by the people tests: the assembled runtime on the test database, and a
Slack client that talks to the stand-in (a module may define its own `runtime` or `client` instead)."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.app import build_runtime
from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from bot.runtime import Runtime
from storage.db import Database
from tests.harness import BOT_TOKEN, test_settings


@pytest.fixture
def runtime(db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str) -> Runtime:
    return build_runtime(test_settings(slack, database_url), clock=clock, db=db)


@pytest.fixture
def client(runtime: Runtime) -> WebClient:
    return runtime.slack.new_client(BOT_TOKEN)

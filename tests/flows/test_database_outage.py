"""/healthz says 503 while the database is unreachable, and the app serves again once it is back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.slack_standin import SlackStandIn
from storage.db import Database, connect
from tests.harness import RunningBot, start_bot, stop_server, test_settings
from tests.tcp_proxy import TcpProxy


@dataclass
class Outage:
    cut: Any
    restore: Any


@pytest.fixture
def outage_bot(
    database_url: str, db: Database, slack: SlackStandIn, clock: FixedClock
) -> Iterator[tuple[RunningBot, Outage]]:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app_db = connect(proxied)
        outage = Outage(cut=proxy.cut, restore=proxy.restore)
    else:
        app_db = connect(database_url)
        down = {"now": False}

        @event.listens_for(app_db.engine, "do_connect")
        def refuse(*_args: Any) -> None:
            if down["now"]:
                raise sqlite3.OperationalError("unable to open database file")

        def cut() -> None:
            down["now"] = True
            app_db.engine.dispose()

        outage = Outage(cut=cut, restore=lambda: down.update(now=False))
    running, server = start_bot(test_settings(slack, database_url), app_db, slack, clock)
    try:
        yield running, outage
    finally:
        outage.restore()
        stop_server(server)
        app_db.dispose()


def test_healthz_503_while_the_database_is_down_and_recovers_by_itself(outage_bot: tuple[RunningBot, Outage]):
    bot, outage = outage_bot
    assert bot.get("/healthz").status == 200
    outage.cut()
    down = bot.get("/healthz")
    assert down.status == 503
    assert down.json() == {"ok": False, "database": "unreachable"}
    # Slack-facing answers that need no database keep working.
    assert bot.command("help").status == 200
    outage.restore()
    assert bot.get("/healthz").status == 200

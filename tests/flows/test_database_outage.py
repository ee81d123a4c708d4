"""/healthz says 503 while the database is unreachable, and the app serves again once it is back."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from handlers.errors import DB_DOWN_TEXT
from storage.db import Database, connect
from tests.flows.copilots import open_form, volunteer_values, volunteer_via_form
from tests.harness import Reply, RunningBot, start_bot, stop_server, test_settings
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


def told_to_try_again(bot: RunningBot, reply: Reply) -> bool:
    """The friendly answer came in the HTTP reply itself, or on the response_url just after."""
    if DB_DOWN_TEXT in reply.text:
        return True
    try:
        calls = bot.slack.wait_for("response_url", timeout=5)
    except AssertionError:
        return False
    return any(DB_DOWN_TEXT in str(c.args) for c in calls)


def test_while_the_database_is_down_people_are_told_to_try_again_and_their_form_is_kept(
    outage_bot: tuple[RunningBot, Outage],
):
    bot, outage = outage_bot
    bot.slack.add_user("U1")
    form = open_form(bot, "volunteer", "U1")
    outage.cut()
    status = bot.command("status", user="U1")
    assert status.status == 200
    assert told_to_try_again(bot, status)
    submitted = bot.submit(form, volunteer_values(), user="U1")
    assert submitted.status == 200
    answer = submitted.json()
    # A note is pushed over the form, so closing it returns to everything the person typed.
    assert answer["response_action"] == "push"
    assert DB_DOWN_TEXT in json.dumps(answer["view"])
    outage.restore()
    assert bot.get("/healthz").status == 200
    volunteer_via_form(bot, "U1")


@pytest.mark.skipif(
    not os.environ.get("TEST_PG_CONTROL"),
    reason="needs TEST_PG_CONTROL (set by .ci/run) to stop and start the real PostgreSQL server",
)
def test_postgresql_stopped_for_30_seconds_and_restarted(bot: RunningBot):
    control = os.environ["TEST_PG_CONTROL"]
    bot.slack.add_user("U1")
    assert bot.get("/healthz").status == 200
    subprocess.run([control, "stop"], check=True)
    try:
        stopped_at = time.monotonic()
        assert bot.get("/healthz").status == 503
        answers = []
        while time.monotonic() - stopped_at < 30:
            answers.append(bot.command("status", user="U1"))
            assert bot.get("/healthz").status == 503
            time.sleep(3)
        assert all(a.status == 200 for a in answers)
        assert told_to_try_again(bot, answers[-1])
    finally:
        subprocess.run([control, "start"], check=True)
    assert bot.get("/healthz").status == 200
    # Nothing half-written: the bot serves a full flow again by itself.
    volunteer_via_form(bot, "U1")

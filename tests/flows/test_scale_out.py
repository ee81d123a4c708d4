"""Scaled out on one PostgreSQL: two web processes of two workers each, and two scheduler processes.

Each process is `python -m bot …` as the Procfile starts it, against the fake Slack. A signed request
accepted by one web process is refused when replayed to the other (the replay guard lives in the
database), and two schedulers started together plan and send every nudge of a busy world exactly once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.demo.slack_standin import SlackStandIn
from bot.outbox import PENDING, SENT, Kind, Message, Outgoing, enqueue
from storage.db import Database
from storage.models import OutboxMessage, Person
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM_ID, Background, clean_env, free_port, http, sign
from tests.planner_world import seed_world

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="several processes share one database only on PostgreSQL"
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def start(slack: SlackStandIn, database_url: str) -> Iterator[object]:
    started: list[Background] = []
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=database_url,
    )

    def run(name: str, *args: str) -> Background:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        started.append(Background(name, proc))
        return started[-1]

    yield run
    for process in started:
        process.stop()
        assert "Traceback" not in process.output, f"{process.name}:\n{process.output}"
        assert BOT_TOKEN not in process.output and SIGNING_SECRET not in process.output


def wait_healthy(process: Background, base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.proc.poll() is None, f"{process.name} exited:\n{process.output}"
        try:
            if http("GET", f"{base}/healthz", timeout=1).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{process.name} did not answer /healthz in {timeout} s:\n{process.output}")


def help_request(response_url: str, n: int) -> tuple[bytes, dict[str, str]]:
    form = {
        "command": "/mentor",
        "text": "help",
        "team_id": TEAM_ID,
        "user_id": "U1",
        "trigger_id": f"t.{n}",
        "response_url": response_url,
    }
    body = urllib.parse.urlencode(form).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}


def test_a_request_replayed_to_the_other_web_process_is_refused(start, slack: SlackStandIn):
    ports = [free_port(), free_port()]
    webs = [
        start(f"web{i}", "run", "--mode", "http", "--no-scheduler", "--workers", "2", "--port", str(port))
        for i, port in enumerate(ports)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    for web, base in zip(webs, bases, strict=True):
        wait_healthy(web, base)

    # Each process answers fresh requests, whichever of its workers takes them.
    for n in range(6):
        body, headers = help_request(slack.response_url(f"fresh-{n}"), n)
        reply = http("POST", f"{bases[n % 2]}/slack/events", body, headers)
        assert reply.status == 200 and "/mentor help" in reply.text

    body, headers = help_request(slack.response_url("captured"), 99)
    first = http("POST", f"{bases[0]}/slack/events", body, headers)
    assert first.status == 200
    for base in (bases[1], bases[0]):  # the other process, then the first again
        replay = http("POST", f"{base}/slack/events", body, headers)
        assert (replay.status, replay.json()) == (401, {"ok": False, "error": "replayed_request"})
    for web in webs:
        assert "with 2 web workers" in web.output


def test_two_schedulers_send_every_nudge_exactly_once(start, slack: SlackStandIn, db: Database):
    now = datetime.now(UTC)
    with db.transaction() as session:
        # The planners' busy world (its nudges fall in each person's working hours, maybe later today)...
        seed_world(session, 40, now, TEAM_ID)
        # ...and 300 nudges already due, so both dispatchers have work at once.
        for n in range(300):
            enqueue(
                session,
                Outgoing(
                    team_id=TEAM_ID,
                    key=f"scale-out:{n}",
                    kind=Kind.CHECKIN_NUDGE,
                    subject_id=n,
                    pairing_id=None,
                    channel=f"C{n:05d}",
                    payload=Message(text=f"due nudge {n}").payload(),
                    due_at=now,
                    now=now,
                ),
            )
        people = session.execute(select(Person.slack_user_id, Person.tz)).all()
    for user_id, tz in people:  # so that every post succeeds and each post is one sent row
        slack.add_user(user_id, tz=tz)
    clocks = [start(f"clock{i}", "scheduler") for i in range(2)]

    begun = time.monotonic()
    deadline = begun + 90
    while True:
        with db.transaction() as session:
            queued = session.scalar(select(func.count()).select_from(OutboxMessage))
            due = session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    # pending and due, or claimed by a dispatcher and not yet marked sent
                    ((OutboxMessage.status == PENDING) & (OutboxMessage.due_at <= datetime.now(UTC)))
                    | (OutboxMessage.status == "sending")
                )
            )
        # Both started, both ran their first planner pass (at start) and at least one dispatch pass.
        both_ran = all("Scheduler started" in c.output for c in clocks) and time.monotonic() > begun + 8
        if queued and not due and both_ran:
            break
        assert time.monotonic() < deadline, f"still {due} due of {queued}:\n" + clocks[0].output
        time.sleep(0.5)

    with db.transaction() as session:
        sent = session.scalars(select(OutboxMessage.payload).where(OutboxMessage.status == SENT)).all()
    messages = [payload for payload in sent if "file" not in payload]  # the digests' charts are uploads
    posts = slack.calls_to("chat.postMessage")
    assert len(messages) >= 300
    assert len(posts) == len(messages), "a message was posted twice, or one marked sent was never posted"
    per_text = Counter((call.args.get("channel"), call.args.get("text")) for call in posts)
    assert max(per_text.values()) == 1
    assert "planner pass: " in clocks[0].output + clocks[1].output

"""Verify before reading: a request is capped and its signature checked on the raw bytes before Bolt parses
anything; refusals are short answers (401, 413, 400) with no traceback; the replay guard keeps verified
signatures only, in the database, so a replay to a second process is refused too."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from bot.retention import HANDLED_EVENTS_KEPT, prune_seen_signatures
from bot.web import MAX_BODY_BYTES, ReplayGuard, make_wsgi
from storage.db import Database
from storage.models import HandledEvent, SeenSignature
from tests.harness import RunningBot, sign, start_bot, stop_server, test_settings

HELP = b"command=%2Fmentor&text=help&team_id=T0001&user_id=U1&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fx"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def second(db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str) -> Iterator[RunningBot]:
    """A second process of the app: its own Bolt app, server and replay guard, on the same database."""
    running, server = start_bot(test_settings(slack, database_url), db, slack, clock)
    try:
        yield running
    finally:
        stop_server(server)


def _seen(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(SeenSignature)) or 0)


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert loud == [], [r.getMessage() for r in loud]


def test_a_signed_request_replayed_to_a_second_process_is_refused(bot: RunningBot, second: RunningBot):
    now = int(time.time())
    headers = sign(HELP, timestamp=now)
    assert bot.post(HELP, FORM, signed=False, headers=headers).status == 200
    replay = second.post(HELP, FORM, signed=False, headers=headers)
    assert replay.status == 401
    assert replay.json()["error"] == "replayed_request"
    # The other way round too, with a fresh request.
    headers = sign(HELP, timestamp=now - 1)
    assert second.post(HELP, FORM, signed=False, headers=headers).status == 200
    assert bot.post(HELP, FORM, signed=False, headers=headers).status == 401


def test_only_verified_signatures_are_remembered(bot: RunningBot, db: Database):
    now = str(int(time.time()))
    for n in range(50):
        junk = {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": f"v0={n:064x}"}
        assert bot.post(HELP, FORM, signed=False, headers=junk).status == 401
    assert _seen(db) == 0
    headers = sign(HELP)
    assert bot.post(HELP, FORM, signed=False, headers=headers).status == 200
    assert _seen(db) == 1
    assert bot.post(HELP, FORM, signed=False, headers=headers).status == 401


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"not json at all {", {}),
        (b"\xff\xfe\x00 not utf-8", {}),
        (b"{}", {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}),
        (b"\xff\xfe", {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"}),
    ],
)
def test_unsigned_junk_is_refused_with_401_and_no_traceback(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, body: bytes, headers: dict[str, str]
):
    caplog.set_level(logging.INFO)
    reply = bot.post(body, "application/json", signed=False, headers=headers)
    assert reply.status == 401
    assert reply.json()["ok"] is False
    _no_traceback(caplog)


def test_a_signed_body_that_is_not_json_is_a_400_not_a_500(bot: RunningBot, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO)
    reply = bot.post(b"{not json", "application/json")
    assert (reply.status, reply.json()["error"]) == (400, "malformed_json")
    _no_traceback(caplog)


def _raw_post(url: str, head: bytes, chunks: Iterator[bytes]) -> tuple[bytes, int]:
    """Send a request by hand; returns the status line and how many body bytes went out before the
    server answered or hung up."""
    parsed = urlparse(url)
    sent = 0
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as conn:
        conn.sendall(head)
        conn.setblocking(False)
        answer = b""
        try:
            for chunk in chunks:
                with contextlib.suppress(BlockingIOError):
                    answer += conn.recv(65536)
                if answer:
                    break
                conn.setblocking(True)
                conn.sendall(chunk)
                conn.setblocking(False)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        conn.setblocking(True)
        try:
            while b"\r\n" not in answer:
                more = conn.recv(65536)
                if not more:
                    break
                answer += more
        except (ConnectionResetError, TimeoutError):
            pass
    return answer.split(b"\r\n", 1)[0], sent


def test_a_huge_declared_body_is_refused_with_413_before_it_is_sent(bot: RunningBot):
    size = 300 * 1024 * 1024
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    status, sent = _raw_post(bot.url, head, iter([b"x" * 65536] * (size // 65536)))
    assert b" 413 " in status + b" "
    assert sent <= 4 * MAX_BODY_BYTES


def test_a_huge_chunked_body_is_cut_off_near_the_cap(bot: RunningBot):
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    status, sent = _raw_post(bot.url, head, iter([chunk] * 5000))  # 320 MB if nobody stopped it
    assert b" 413 " in status + b" "
    assert sent <= 8 * MAX_BODY_BYTES


class CountingInput(io.RawIOBase):
    """An endless request body that counts what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        size = 1 << 20 if size is None or size < 0 else size
        self.read_bytes += size
        return b"x" * size


def _call(wsgi: Any, environ: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    statuses: list[str] = []
    body = b"".join(wsgi(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    return statuses[0], json.loads(body)


def _environ(stream: Any, **extra: str) -> dict[str, Any]:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "wsgi.input": stream, **extra}


def test_behind_any_wsgi_server_the_body_is_read_no_further_than_the_cap(bot: RunningBot, db: Database):
    app = bot.runtime  # the app itself is not needed for a refusal: any Bolt app will do
    from bot.app import build_app

    wsgi = make_wsgi(build_app(app, app.settings.mode), db)
    declared = CountingInput()
    status, answer = _call(wsgi, _environ(declared, CONTENT_LENGTH=str(300 * 1024 * 1024)))
    assert (status, answer["error"]) == ("413 Payload Too Large", "body_too_large")
    assert declared.read_bytes == 0
    undeclared = CountingInput()
    status, _ = _call(wsgi, _environ(undeclared))
    assert status == "413 Payload Too Large"
    assert undeclared.read_bytes <= MAX_BODY_BYTES + 1


def test_expired_signatures_are_pruned(db: Database):
    guard = ReplayGuard(db)
    now = int(time.time())
    assert guard.first_time("v0=old", now - 400)
    assert guard.first_time("v0=new", now)
    assert not guard.first_time("v0=new", now)
    with db.transaction() as session:
        assert prune_seen_signatures(session, datetime.now(UTC) + timedelta(seconds=30)) == 1
    with db.transaction() as session:
        assert list(session.scalars(select(SeenSignature.signature))) == ["v0=new"]


def _handled(db: Database) -> list[str]:
    with db.transaction() as session:
        return sorted(session.scalars(select(HandledEvent.event_id)))


def test_handled_events_are_pruned_by_the_tick_beyond_slacks_retry_window(bot: RunningBot, db: Database):
    event = {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "D1"}
    assert bot.event(event, event_id="Ev1").status == 200
    bot.slack.wait_for("views.publish")
    start = bot.clock.now()
    bot.tick(start + timedelta(minutes=6))  # Slack's last retry comes about five minutes after the first
    assert _handled(db) == ["Ev1"]
    assert bot.event(event, event_id="Ev1", retry=3).status == 200
    time.sleep(0.3)
    assert len(bot.slack.calls_to("views.publish")) == 1  # still handled once
    bot.tick(start + HANDLED_EVENTS_KEPT + timedelta(minutes=1))
    assert _handled(db) == []


def test_the_tick_prunes_expired_signatures(bot: RunningBot, db: Database):
    with db.transaction() as session:
        session.add(SeenSignature(signature="v0=gone", expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert bot.post(HELP, FORM).status == 200
    bot.tick()
    with db.transaction() as session:
        kept = list(session.scalars(select(SeenSignature.signature)))
    assert len(kept) == 1 and kept != ["v0=gone"]


def test_with_the_database_away_the_guard_still_refuses_a_replay_in_this_process(tmp_path):
    from storage.db import connect

    away = connect(f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}")
    guard = ReplayGuard(away)
    now = int(time.time())
    assert guard.first_time("v0=abc", now)
    assert not guard.first_time("v0=abc", now)
    assert guard.first_time("v0=def", now)
    away.dispose()

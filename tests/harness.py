"""The test harness: the real app over HTTP on an ephemeral port, signed requests, a fixed clock."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app, build_dispatcher, build_runtime, planners
from bot.clock import FixedClock
from bot.config import Settings
from bot.demo.slack_standin import SlackStandIn
from bot.outbox import Dispatcher
from bot.runtime import Runtime
from bot.scheduler import TickReport, run_tick
from bot.web import create_server, make_wsgi
from storage.db import Database

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
TEAM_ID = "T0001"
ADMIN = "UADMIN"  # the program admin of the admin_bot fixture (tests/flows/conftest.py)
# A fixed Fernet key (tests only): OAuth mode needs TOKEN_ENCRYPTION_KEYS.
TOKEN_KEY = "bWVudG9yLWJvdC10ZXN0cy10b2tlbi1rZXktMDAwMDA="


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body or b"null")


def sign(body: bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def signed_help(base: str, response_url: str) -> tuple[int, str]:
    """`/mentor help` from U1, signed as Slack would, to the app at `base` (another process, say)."""
    form = {
        "command": "/mentor",
        "text": "help",
        "team_id": TEAM_ID,
        "user_id": "U1",
        "trigger_id": "t.1",
        "response_url": response_url,
    }
    body = urllib.parse.urlencode(form).encode()
    reply = http(
        "POST",
        f"{base}/slack/events",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", **sign(body)},
    )
    return reply.status, reply.text


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Reply:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.read(), dict(exc.headers))


@dataclass
class RunningBot:
    """The app serving real HTTP; send it what Slack would send."""

    runtime: Runtime
    slack: SlackStandIn
    clock: FixedClock
    url: str
    dispatcher: Dispatcher
    team_id: str = TEAM_ID
    _seq: int = field(default=0, repr=False)

    # -- raw HTTP ---------------------------------------------------------------------------------------
    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        signed: bool = True,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
    ) -> Reply:
        all_headers = {
            "Content-Type": content_type,
            **(sign(body, timestamp=timestamp) if signed else {}),
            **(headers or {}),
        }
        return http("POST", f"{self.url}/slack/events", body, all_headers)

    def get(self, path: str) -> Reply:
        return http("GET", f"{self.url}{path}")

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    # -- what Slack sends -------------------------------------------------------------------------------
    def command(self, text: str, user: str = "U1", *, team: str | None = None, channel: str = "C1") -> Reply:
        n = self._next()
        form = {
            "token": "legacy",
            "team_id": team or self.team_id,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/mentor",
            "text": text,
            "api_app_id": "A0001",
            "response_url": self.slack.response_url(f"cmd{n}"),
            "trigger_id": f"trigger.{n}",
        }
        return self.post(urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded")

    def interaction(self, payload: dict[str, Any]) -> Reply:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def click(
        self,
        action_id: str,
        user: str = "U1",
        *,
        value: str = "",
        block_id: str = "b",
        view: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        selected_date: str | None = None,
        team: str | None = None,
    ) -> Reply:
        n = self._next()
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "value": value,
            "action_ts": f"{n}.0",
        }
        if selected_date is not None:
            action = {**action, "type": "datepicker", "selected_date": selected_date}
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": team or self.team_id, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": team or self.team_id},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": f"trigger.{n}",
            "response_url": self.slack.response_url(f"act{n}"),
            "actions": [action],
        }
        if view is not None:
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
        else:
            msg = message or {"ts": "1700000000.000100", "text": ""}
            payload["message"] = msg
            payload["channel"] = {"id": msg.get("channel", "D1")}
            payload["container"] = {
                "type": "message",
                "message_ts": msg["ts"],
                "channel_id": msg.get("channel", "D1"),
            }
        return self.interaction(payload)

    def submit(
        self,
        view: dict[str, Any],
        values: dict[str, dict[str, dict[str, Any]]],
        user: str = "U1",
        *,
        team: str | None = None,
    ) -> Reply:
        """Submit a modal as Slack would: `values` is view.state.values (block_id -> action_id -> value)."""
        payload = {
            "type": "view_submission",
            "team": {"id": team or self.team_id, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": team or self.team_id},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": f"trigger.{self._next()}",
            "view": {**view, "id": view.get("id", "V1"), "state": {"values": values}, "hash": "h"},
            "response_urls": [],
        }
        return self.interaction(payload)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        team: str | None = None,
        retry: int | None = None,
    ) -> Reply:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": team or self.team_id,
                "api_app_id": "A0001",
                "type": "event_callback",
                "event_id": event_id or f"Ev{self._next():06d}",
                "event_time": int(time.time()),
                "event": event,
            }
        ).encode()
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        # Slack signs each delivery when it sends it, so a retry carries a later timestamp.
        timestamp = int(time.time()) + retry if retry else None
        return self.post(body, "application/json", headers=headers, timestamp=timestamp)

    # -- time -------------------------------------------------------------------------------------------
    def tick(self, at: datetime | None = None, *, dry_run: bool = False) -> TickReport:
        if at is not None:
            self.clock.set(at)
        return run_tick(self.runtime, planners(), self.dispatcher, self.clock.now(), dry_run=dry_run)


def test_settings(slack: SlackStandIn, database_url: str, **overrides: Any) -> Settings:
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        database_url=database_url,
        port=0,
        token_encryption_keys=(TOKEN_KEY,),
    )
    return replace(settings, **overrides)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a factory, not a test, when imported into a test module


def start_bot(
    settings: Settings, db: Database, slack: SlackStandIn, clock: FixedClock
) -> tuple[RunningBot, Any]:
    runtime = build_runtime(settings, clock=clock, db=db)
    app = build_app(runtime, settings.mode)
    return _serve(app, runtime, db, slack, clock)


def _serve(
    app: Any, runtime: Runtime, db: Database, slack: SlackStandIn, clock: FixedClock
) -> tuple[RunningBot, Any]:
    server = create_server(make_wsgi(app, db), host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=_serve_quietly, args=(server,), name="waitress", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    bot = RunningBot(runtime=runtime, slack=slack, clock=clock, url=url, dispatcher=build_dispatcher(runtime))
    server.mentor_bot_app = app  # stop_server waits for its listener threads
    return bot, server


def _serve_quietly(server: Any) -> None:
    # Closing the listening socket from the test thread makes waitress's select() fail with EBADF.
    with contextlib.suppress(OSError, ValueError):
        server.run()


def stop_server(server: Any) -> None:
    """Stop serving, then wait for work Bolt still runs after its acks: a listener outliving its test
    would talk to the next test's fake Slack and database."""
    server.close()
    app = getattr(server, "mentor_bot_app", None)
    if app is not None:
        app.listener_runner.listener_executor.shutdown(wait=True)


# --- a bot whose listeners can be waited for (the hardening tests' `tracked` fixture) ----------------------


class TrackingExecutor(Executor):
    """Wraps Bolt's listener executor, so a test can wait until every listener started has finished."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._pending += 1
        future = self._inner.submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                raise AssertionError("listeners still running after the wait")

    def shutdown(self, wait: bool = True, **kwargs: Any) -> None:
        self._inner.shutdown(wait=wait, **kwargs)


@dataclass
class TrackedBot:
    """The running bot, plus a way to wait for its background work after an ack."""

    running: RunningBot
    executor: TrackingExecutor

    def settle(self) -> None:
        self.executor.wait_idle()


def start_tracked(
    settings: Settings, db: Database, slack: SlackStandIn, clock: FixedClock
) -> tuple[TrackedBot, Any]:
    runtime = build_runtime(settings, clock=clock, db=db)
    app = build_app(runtime, settings.mode)
    runner = app.listener_runner
    executor = TrackingExecutor(runner.listener_executor)
    runner.listener_executor = executor
    runner.lazy_listener_runner.executor = executor  # type: ignore[attr-defined]
    running, server = _serve(app, runtime, db, slack, clock)
    return TrackedBot(running, executor), server


# --- OAuth: installing a workspace as Slack would ----------------------------------------------------------


def install(bot: RunningBot, code: str, team_id: str, team_name: str) -> None:
    """The install page, Slack's authorize redirect and the OAuth callback, for one workspace."""
    bot.slack.set_oauth_team(code, team_id, team_name)
    start = http("GET", f"{bot.url}/slack/install")
    assert start.status == 200
    state = re.search(r"state=([\w-]+)", start.text)
    assert state, "the install page links to Slack's authorize URL with a state"
    cookie = start.headers.get("Set-Cookie", "").split(";")[0]
    query = urllib.parse.urlencode({"code": code, "state": state.group(1)})
    done = http("GET", f"{bot.url}/slack/oauth_redirect?{query}", headers={"Cookie": cookie})
    assert done.status == 200, done.text


# --- the command line in its own process -------------------------------------------------------------------


@dataclass
class Background:
    """A process started in a session of its own (a process group), its output collected as it comes:
    `mentor-bot run` or `scheduler` beside the tests, as a platform runs a dyno."""

    name: str
    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.proc.poll() is None or text in self.output, f"{self.name} exited:\n{self.output}"
            assert time.monotonic() < deadline, f"{self.name} never said {text!r}:\n{self.output}"
            time.sleep(0.1)

    def stop(self) -> int:
        """SIGTERM to the whole process group, as a platform stops a dyno; the exit code."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            pytest.fail(f"{self.name} did not stop on SIGTERM:\n{self.output}")

    def finish(self, timeout: float = 60) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"{self.name} did not finish in {timeout} s:\n{self.output}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any Slack, database, port or admin setting, plus `extra`."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "ADMIN_"))
    }
    env.update(extra)
    return env


def mentor_bot(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`mentor-bot ARGS` in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )

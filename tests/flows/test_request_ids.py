"""Every log line of a request carries its X-Request-Id, also the lines listener threads write after the ack."""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot import logs
from bot.people.directory import find_person
from tests.harness import RunningBot


def _user(tz: str) -> dict:
    return {
        "id": "UTZ",
        "team_id": "T0001",
        "name": "tz",
        "real_name": "Tee Zed",
        "tz": tz,
        "tz_offset": 3600 if tz == "Europe/Berlin" else -18000,
        "deleted": False,
        "is_bot": False,
        "profile": {"display_name": "tz"},
    }


def _user_change(bot: RunningBot, tz: str, request_id: str) -> None:
    body = json.dumps(
        {
            "token": "legacy",
            "team_id": bot.team_id,
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": f"Ev-{request_id}",
            "event_time": int(time.time()),
            "event": {"type": "user_change", "user": _user(tz)},
        }
    ).encode()
    reply = bot.post(body, "application/json", headers={"X-Request-Id": request_id})
    assert reply.status == 200 and reply.headers["X-Request-Id"] == request_id


def _wait_until_known(bot: RunningBot, user_id: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with bot.runtime.db.transaction() as session:
            if find_person(session, bot.team_id, user_id) is not None:
                return
        time.sleep(0.02)
    raise AssertionError(f"{user_id} was never stored")


def test_a_listener_thread_logs_with_the_request_id(bot: RunningBot, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO)
    _user_change(bot, "Europe/Berlin", "first-request")
    _wait_until_known(bot, "UTZ")  # the two events must not race: the second one is the change
    _user_change(bot, "America/New_York", "moved-zone-req")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [r for r in caplog.records if r.name.startswith("handlers") and "time zone" in r.getMessage()]
        if lines:
            break
        time.sleep(0.05)
    assert lines, "the listener logged the time-zone change"
    assert {r.threadName.split("_")[0] for r in lines} == {"listener"}
    assert [r.request_id for r in lines] == ["moved-zone-req"]
    access = [r for r in caplog.records if r.name == "mentor_bot.access"]
    assert {r.request_id for r in access} >= {"first-request", "moved-zone-req"}


def test_text_and_json_lines_show_the_id():
    logs.install_request_ids()
    record = logging.getLogger("x").makeRecord("x", logging.INFO, __file__, 1, "hello", (), None)
    assert record.request_id is None
    with logs.request_scope("abc123"):
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", (), None)
        inner = logging.getLogRecordFactory()("x", logging.INFO, __file__, 1, "hello", (), None)
    assert inner.request_id == "abc123"
    assert "[abc123]: hello" in logs.TextFormatter().format(inner)
    assert json.loads(logs.JsonFormatter().format(inner))["request_id"] == "abc123"


def test_a_thread_pool_task_keeps_the_submitters_id():
    with logs.ContextExecutor(max_workers=1) as pool, logs.request_scope("outer-id"):
        seen = pool.submit(logs.current_request_id.get).result()
    assert seen == "outer-id"
    with logs.ContextExecutor(max_workers=1) as pool:
        assert pool.submit(logs.current_request_id.get).result() is None

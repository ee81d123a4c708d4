"""The outbox against the fake Slack: sent once, retried when Slack struggles, never lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.config import Settings
from bot.outbox import MAX_ATTEMPTS, Dispatcher, Message, enqueue, group_channel
from bot.slack import SlackClients
from bot.slack_standin import SlackStandIn
from storage.db import Database
from storage.models import OutboxMessage
from tests.harness import BOT_TOKEN, TEAM_ID


@pytest.fixture
def dispatcher(db: Database, slack: SlackStandIn) -> Dispatcher:
    clients = SlackClients(Settings(slack_bot_token=BOT_TOKEN, slack_api_url=slack.api_url))
    return Dispatcher(db=db, slack=clients)


def add(
    db: Database,
    clock: FixedClock,
    key: str,
    channel: str = "U1",
    kind: str = "nudge.test",
    due_in: timedelta = timedelta(0),
) -> bool:
    with db.transaction() as session:
        return enqueue(
            session,
            team_id=TEAM_ID,
            key=key,
            kind=kind,
            channel=channel,
            message=Message(
                text=f"hello {key}",
                blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": f"hello {key}"}}],
            ),
            due_at=clock.now() + due_in,
            now=clock.now(),
        )


def row(db: Database, key: str) -> OutboxMessage:
    with db.transaction() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).one()


@pytest.fixture
def people(slack: SlackStandIn) -> None:
    for user in ("U1", "U2", "U3"):
        slack.add_user(user)


def test_enqueue_is_idempotent_by_key(db: Database, clock: FixedClock):
    assert add(db, clock, "checkin:1:1") is True
    assert add(db, clock, "checkin:1:1") is False
    with db.transaction() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 1


def test_due_rows_are_sent_once_and_the_ts_recorded(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "a", channel="U1")
    add(db, clock, "later", channel="U2", due_in=timedelta(hours=1))
    report = dispatcher.run_once(clock.now())
    assert report.sent == 1
    post = slack.last("chat.postMessage")
    assert post.args["channel"] == "U1"
    assert post.args["text"] == "hello a"
    assert post.token == BOT_TOKEN
    sent = row(db, "a")
    assert sent.status == "sent" and sent.slack_ts
    assert dispatcher.run_once(clock.now()).sent == 0
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert dispatcher.run_once(clock.advance(hours=1)).sent == 1


def test_a_429_waits_for_retry_after_while_other_rows_keep_flowing(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "first", channel="U1")
    add(db, clock, "second", channel="U2")
    slack.fail("chat.postMessage", status=429, retry_after=30)
    report = dispatcher.run_once(clock.now())
    assert (report.rate_limited, report.sent) == (1, 1)
    limited = row(db, "first")
    assert limited.status == "pending"
    assert limited.due_at == clock.now() + timedelta(seconds=30)
    assert dispatcher.run_once(clock.advance(seconds=29)).sent == 0
    assert dispatcher.run_once(clock.advance(seconds=1)).sent == 1


def test_server_errors_retry_with_backoff_then_give_up(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "flaky", kind="offer")
    slack.fail("chat.postMessage", status=500, times=-1)
    for _attempt in range(MAX_ATTEMPTS):
        dispatcher.run_once(clock.now())
        clock.advance(hours=2)
    failed = row(db, "flaky")
    assert failed.status == "failed"
    assert failed.attempts == MAX_ATTEMPTS
    assert "gave up" in (failed.last_error or "")


def test_a_slack_outage_delays_but_never_loses(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "patient", kind="offer")
    slack.fail("chat.postMessage", status=503, times=3)
    for _ in range(3):
        dispatcher.run_once(clock.now())
        assert row(db, "patient").status == "pending"
        clock.advance(minutes=30)
    assert dispatcher.run_once(clock.now()).sent == 1
    assert row(db, "patient").status == "sent"


def test_permanent_errors_stop_and_call_the_failure_hook(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    seen: list[tuple[str, str]] = []
    dispatcher.on_failure = lambda _session, r, error: seen.append((r.dedupe_key, error))
    add(db, clock, "gone")
    slack.fail("chat.postMessage", error="account_inactive")
    assert dispatcher.run_once(clock.now()).failed == 1
    assert row(db, "gone").status == "failed"
    assert seen == [("gone", "account_inactive")]
    assert dispatcher.run_once(clock.advance(hours=1)).total() == 0


def test_a_nudge_past_its_grace_period_expires_instead_of_arriving_late(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "stale")
    add(db, clock, "fresh", channel="U2", due_in=timedelta(hours=12))
    report = dispatcher.run_once(clock.advance(hours=13))
    assert (report.expired, report.sent) == (1, 1)
    assert row(db, "stale").status == "expired"


def test_group_dms_are_opened_first(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "pair", channel=group_channel(["U2", "U1"]))
    dispatcher.run_once(clock.now())
    opened = slack.last("conversations.open")
    assert opened.args["users"] == "U1,U2"
    assert slack.last("chat.postMessage").args["channel"].startswith("G")


def test_one_message_per_second_per_channel(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    for n in range(3):
        add(db, clock, f"burst{n}", channel="U1")
    report = dispatcher.run_once(clock.now())
    assert (report.sent, report.deferred) == (1, 2)
    assert dispatcher.run_once(clock.advance(seconds=1)).sent == 1
    assert dispatcher.run_once(clock.advance(seconds=1)).sent == 1
    assert len(slack.calls_to("chat.postMessage")) == 3

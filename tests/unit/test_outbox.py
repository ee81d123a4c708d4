"""The outbox against the fake Slack: sent once, retried when Slack struggles, never lost."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.config import Settings
from bot.demo.slack_standin import SlackStandIn
from bot.outbox import (
    EXPIRING,
    MAX_ATTEMPTS,
    PERMANENT_ERRORS,
    PERSON_GONE_ERRORS,
    Dispatcher,
    DispatchReport,
    FileUpload,
    Kind,
    Message,
    Outgoing,
    enqueue,
    group_channel,
)
from bot.outbox.dispatcher import _retry_after, claim
from bot.slack import NotInstalledError, SlackClients
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
    kind: Kind = Kind.CHECKIN_NUDGE,
    due_in: timedelta = timedelta(0),
) -> bool:
    message = Message(
        text=f"hello {key}",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": f"hello {key}"}}],
    )
    with db.transaction() as session:
        return enqueue(
            session,
            Outgoing(
                team_id=TEAM_ID,
                key=key,
                kind=kind,
                subject_id=1,
                pairing_id=None,
                channel=channel,
                payload=message.payload(),
                due_at=clock.now() + due_in,
                now=clock.now(),
            ),
        )


def row(db: Database, key: str) -> OutboxMessage:
    with db.transaction() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).one()


@pytest.fixture
def people(slack: SlackStandIn) -> None:
    for user in ("U1", "U2", "U3"):
        slack.add_user(user)


def test_a_reports_total_counts_every_outcome():
    report = DispatchReport(**{f.name: 2**n for n, f in enumerate(dataclasses.fields(DispatchReport))})
    assert report.total() == 2 ** len(dataclasses.fields(DispatchReport)) - 1


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
    assert post.args["unfurl_links"] is False
    assert post.token == BOT_TOKEN
    sent = row(db, "a")
    assert sent.status == "sent" and sent.slack_ts
    # when it went, in how many tries, and where: Slack answers a DM to U1 from the D channel
    assert (sent.sent_at, sent.attempts) == (clock.now(), 1)
    assert sent.slack_channel is not None and sent.slack_channel.startswith("D")
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
    assert (limited.attempts, limited.claimed_by, limited.last_error) == (0, None, None)
    assert dispatcher.run_once(clock.advance(seconds=29)).sent == 0
    assert dispatcher.run_once(clock.advance(seconds=1)).sent == 1


def test_server_errors_retry_with_backoff_then_give_up(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "flaky", kind=Kind.OFFER)
    slack.fail("chat.postMessage", status=500, times=-1)
    for _attempt in range(MAX_ATTEMPTS):
        dispatcher.run_once(clock.now())
        clock.advance(hours=2)
    failed = row(db, "flaky")
    assert failed.status == "failed"
    assert failed.attempts == MAX_ATTEMPTS
    assert (failed.last_error or "").startswith(f"gave up after {MAX_ATTEMPTS} attempts: ")
    assert (failed.last_error or "").endswith("HTTP 500")  # what Slack answered, as slack-sdk read it


def test_a_slack_outage_delays_but_never_loses(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "patient", kind=Kind.OFFER)
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

    def hook(session: Session, r: OutboxMessage, error: str) -> None:
        seen.append((r.dedupe_key, error))
        # the hook writes in the transaction that records the failure
        session.execute(update(OutboxMessage).where(OutboxMessage.id == r.id).values(claimed_by="hook"))

    dispatcher.on_failure = hook
    add(db, clock, "gone")
    slack.fail("chat.postMessage", error="account_inactive")
    assert dispatcher.run_once(clock.now()).failed == 1
    assert (row(db, "gone").status, row(db, "gone").attempts) == ("failed", 1)
    assert seen == [("gone", "account_inactive")]
    assert row(db, "gone").claimed_by == "hook"
    assert dispatcher.run_once(clock.advance(hours=1)).total() == 0


# The reminders, listed by hand: a kind that is only worth sending near its time. Every other kind (an
# offer, a digest, a pairing that ended) is still worth receiving late.
REMINDERS = {
    "nudge_checkin",
    "nudge_stalled",
    "nudge_report_back_follow_up",
    "nudge_expectations",
    "nudge_intro_followup",
    "nudge_promise",
    "nudge_keep_in_touch",
    "nudge_buddy_checkin",
}


def test_the_kinds_that_expire_are_exactly_the_reminders():
    assert {kind.value for kind in Kind if kind.expires} == REMINDERS
    assert {kind.value for kind in EXPIRING} == REMINDERS


@pytest.mark.parametrize("kind", [kind for kind in Kind if kind.attaches_to is None], ids=str)
def test_past_the_grace_period_a_reminder_expires_and_anything_else_still_goes(
    kind: Kind, db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "late", kind=kind)
    report = dispatcher.run_once(clock.advance(hours=12, seconds=1))
    if kind.value in REMINDERS:
        assert (report.expired, report.sent) == (1, 0)
        assert (row(db, "late").status, row(db, "late").last_error) == ("expired", "missed its grace period")
        assert slack.calls_to("chat.postMessage") == []
    else:
        assert (report.expired, report.sent) == (0, 1)
        assert row(db, "late").status == "sent"


def test_the_grace_period_is_the_workspaces_and_ends_exactly_at_its_length(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    dispatcher.grace = lambda team: timedelta(hours=2) if team == TEAM_ID else timedelta(0)
    add(db, clock, "on_time", channel="U1")
    add(db, clock, "late", channel="U2", due_in=timedelta(seconds=-1))
    report = dispatcher.run_once(clock.advance(hours=2))
    assert (report.sent, report.expired) == (1, 1)
    assert (row(db, "on_time").status, row(db, "late").status) == ("sent", "expired")
    assert row(db, "late").attempts == 1


def test_a_row_of_a_kind_this_version_does_not_know_fails_instead_of_guessing(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "odd")
    with db.transaction() as session:
        session.execute(update(OutboxMessage).values(kind="nudge.from_the_future"))
    assert dispatcher.run_once(clock.now()).failed == 1
    assert (row(db, "odd").status, row(db, "odd").last_error) == (
        "failed",
        "unknown kind nudge.from_the_future",
    )
    assert slack.calls_to("chat.postMessage") == []


def test_a_nudge_past_its_grace_period_expires_instead_of_arriving_late(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "stale")
    add(db, clock, "fresh", channel="U2", due_in=timedelta(hours=12))
    report = dispatcher.run_once(clock.advance(hours=13))
    assert (report.expired, report.sent) == (1, 1)
    assert row(db, "stale").status == "expired"


# Errors that will not get better by retrying, listed by hand (Slack's own words).
PERMANENT = [
    "user_not_found",
    "users_not_found",
    "account_inactive",
    "user_disabled",
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "cannot_dm_bot",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "invalid_blocks",
    "invalid_arguments",
    "no_text",
    "msg_too_long",
    "not_installed",
]
# Of those, the ones about the person: their pairing is paused and the partner told (bot.checkins).
PERSON_GONE = {
    "user_not_found",
    "users_not_found",
    "account_inactive",
    "user_disabled",
    "channel_not_found",
    "not_in_channel",
    "is_archived",
}


@pytest.mark.parametrize("error", PERMANENT)
def test_a_permanent_error_fails_the_row_at_once(
    error: str, db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "doomed", kind=Kind.OFFER)
    slack.fail("chat.postMessage", error=error)
    assert dispatcher.run_once(clock.now()).failed == 1
    assert (row(db, "doomed").status, row(db, "doomed").last_error, row(db, "doomed").attempts) == (
        "failed",
        error,
        1,
    )


def test_the_permanent_and_person_gone_errors_are_exactly_these():
    assert set(PERMANENT_ERRORS) == set(PERMANENT)
    assert set(PERSON_GONE_ERRORS) == PERSON_GONE


def test_any_other_error_is_retried_and_a_long_one_is_stored_shortened(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "hopeful", kind=Kind.OFFER)
    slack.fail("chat.postMessage", error="e" * 300)
    assert dispatcher.run_once(clock.now()).retried == 1
    retrying = row(db, "hopeful")
    assert (retrying.status, retrying.attempts, retrying.last_error) == ("pending", 1, "e" * 200)


def test_backoff_doubles_with_each_attempt(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "flaky", kind=Kind.OFFER)
    slack.fail("chat.postMessage", status=500, times=-1)
    for attempt in range(MAX_ATTEMPTS - 1):
        start = clock.now()
        assert dispatcher.run_once(start).retried == 1
        backoff = timedelta(seconds=30 * 2**attempt)
        assert start + backoff / 2 <= row(db, "flaky").due_at <= start + backoff
        clock.set(row(db, "flaky").due_at)


def test_a_pass_sends_every_due_row_however_many_batches_it_takes(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    dispatcher.batch_size = 2
    for n in range(5):
        add(db, clock, f"row{n}", channel=f"C{n}")
    assert dispatcher.run_once(clock.now()).sent == 5
    assert {row(db, f"row{n}").status for n in range(5)} == {"sent"}


def test_a_claim_left_by_a_worker_that_died_is_released_after_five_minutes(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "stuck", channel="U1")
    add(db, clock, "busy", channel="U2")
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedupe_key == "stuck")
            .values(
                status="sending", claimed_by="dead", claimed_at=clock.now() - timedelta(minutes=5, seconds=1)
            )
        )
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedupe_key == "busy")
            .values(status="sending", claimed_by="alive", claimed_at=clock.now() - timedelta(minutes=5))
        )
    assert dispatcher.run_once(clock.now()).sent == 1
    assert (row(db, "stuck").status, row(db, "busy").status) == ("sent", "sending")
    assert row(db, "stuck").claimed_by == dispatcher.worker


def test_rows_claimed_by_a_worker_that_died_mid_send_go_out_after_five_minutes(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "orphan", channel="U1")
    (claimed,) = claim(db, clock.now(), "dead-worker", limit=10)
    assert (claimed.status, claimed.claimed_by, claimed.claimed_at) == ("sending", "dead-worker", clock.now())
    assert dispatcher.run_once(clock.advance(minutes=5)).sent == 0
    assert dispatcher.run_once(clock.advance(seconds=1)).sent == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_group_dms_are_opened_first(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "pair", channel=group_channel(["U2", "U1"]))
    dispatcher.run_once(clock.now())
    opened = slack.last("conversations.open")
    assert opened.args["users"] == "U1,U2"
    assert opened.args["return_im"] == "0"
    assert slack.last("chat.postMessage").args["channel"].startswith("G")


def test_one_message_per_second_per_channel(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    for n in range(3):
        add(db, clock, f"burst{n}", channel="U1")
    report = dispatcher.run_once(clock.now())
    assert (report.sent, report.deferred) == (1, 2)
    waiting = row(db, "burst1")
    assert (waiting.due_at, waiting.attempts, waiting.status) == (
        clock.now() + timedelta(seconds=1),
        0,
        "pending",
    )
    assert dispatcher.run_once(clock.advance(seconds=1)).sent == 1
    assert dispatcher.run_once(clock.advance(seconds=1)).sent == 1
    assert len(slack.calls_to("chat.postMessage")) == 3


# --- files attached to a message's conversation (the digest's chart) --------------------------------

CHART = FileUpload(b"\x89PNG\r\n\x1a\nchart", "chart.png", "Your people")


def add_chart(db: Database, clock: FixedClock, subject_id: int = 1, due_in: timedelta = timedelta(0)) -> None:
    with db.transaction() as session:
        enqueue(
            session,
            Outgoing(
                team_id=TEAM_ID,
                key=f"chart:{subject_id}",
                kind=Kind.DIGEST_CHART,
                subject_id=subject_id,
                pairing_id=None,
                channel="U1",
                payload=CHART.payload(),
                due_at=clock.now() + due_in,
                now=clock.now(),
            ),
        )


def test_a_file_goes_into_the_conversation_its_message_went_to_in_the_same_pass(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "digest", kind=Kind.DIGEST)
    add_chart(db, clock)
    report = dispatcher.run_once(clock.now())
    assert report.sent == 2
    digest = row(db, "digest")
    complete = slack.last("files.completeUploadExternal")
    assert complete.args["channel_id"] == digest.slack_channel
    assert complete.args["files"][0]["title"] == "Your people"
    assert slack.last("files.getUploadURLExternal").args["filename"] == "chart.png"
    assert list(slack.uploads.values()) == [CHART.content]
    chart = row(db, "chart:1")
    assert (chart.status, chart.sent_at, chart.attempts, chart.slack_channel) == (
        "sent",
        clock.now(),
        1,
        digest.slack_channel,
    )
    assert dispatcher.run_once(clock.advance(minutes=5)).total() == 0
    assert len(slack.calls_to("files.completeUploadExternal")) == 1


def test_a_file_never_goes_before_its_message(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "digest", kind=Kind.DIGEST, due_in=timedelta(hours=1))
    add_chart(db, clock)
    report = dispatcher.run_once(clock.now())
    assert (report.deferred, report.sent) == (1, 0)
    waiting = row(db, "chart:1")
    assert (waiting.status, waiting.due_at, waiting.attempts) == (
        "pending",
        clock.now() + timedelta(minutes=1),
        0,
    )
    # An hour later the chart (due first) still finds its digest unsent and waits once more.
    report = dispatcher.run_once(clock.advance(hours=1))
    assert (report.deferred, report.sent) == (1, 1)
    assert slack.calls_to("files.completeUploadExternal") == []
    assert dispatcher.run_once(clock.advance(minutes=1)).sent == 1
    assert slack.last("files.completeUploadExternal").args["channel_id"] == row(db, "digest").slack_channel


def test_a_file_whose_message_was_never_sent_is_withdrawn(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "digest", kind=Kind.DIGEST)
    add_chart(db, clock)
    add_chart(db, clock, subject_id=2)  # about a digest that was never queued
    slack.fail("chat.postMessage", error="account_inactive")
    report = dispatcher.run_once(clock.now())
    assert (report.failed, report.cancelled, report.sent) == (1, 2, 0)
    for key in ("chart:1", "chart:2"):
        assert (row(db, key).status, row(db, key).last_error) == ("cancelled", "its digest was not sent")
    assert slack.calls_to("files.getUploadURLExternal") == []


def test_a_failed_upload_is_retried_with_backoff_and_the_message_is_not_sent_again(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "digest", kind=Kind.DIGEST)
    add_chart(db, clock)
    slack.fail("files.getUploadURLExternal", error="internal_error")
    report = dispatcher.run_once(clock.now())
    assert (report.sent, report.retried) == (1, 1)
    retrying = row(db, "chart:1")
    assert (retrying.status, retrying.attempts, retrying.last_error) == ("pending", 1, "internal_error")
    assert clock.now() + timedelta(seconds=15) <= retrying.due_at <= clock.now() + timedelta(seconds=30)
    assert dispatcher.run_once(clock.advance(seconds=30)).sent == 1
    assert list(slack.uploads.values()) == [CHART.content]
    assert (row(db, "chart:1").status, row(db, "chart:1").attempts) == ("sent", 2)
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_file_into_a_group_dm_opens_it_when_its_message_left_no_channel(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "digest", kind=Kind.DIGEST)
    dispatcher.run_once(clock.now())
    with db.transaction() as session:
        session.execute(update(OutboxMessage).values(slack_channel=None))
    add_chart(db, clock)
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == Kind.DIGEST_CHART)
            .values(channel=group_channel(["U2", "U1"]))
        )
    assert dispatcher.run_once(clock.now()).sent == 1
    assert slack.last("conversations.open").args["users"] == "U1,U2"
    assert slack.last("files.completeUploadExternal").args["channel_id"].startswith("G")


# --- every outcome counted once per row; the seams to Slack ------------------------------------------


def _attempts(db: Database, key: str, attempts: int) -> None:
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.dedupe_key == key).values(attempts=attempts)
        )


def test_each_outcome_is_counted_once_per_row(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    dispatcher.pace_per_channel = timedelta(0)
    for n in range(2):
        add(db, clock, f"limited{n}", kind=Kind.OFFER)
    slack.fail("chat.postMessage", status=429, retry_after=5, times=2)
    assert dispatcher.run_once(clock.now()).rate_limited == 2
    clock.advance(seconds=5)
    slack.fail("chat.postMessage", error="internal_error", times=2)
    assert dispatcher.run_once(clock.now()).retried == 2
    clock.advance(minutes=1)
    slack.fail("chat.postMessage", error="account_inactive", times=2)
    assert dispatcher.run_once(clock.now()).failed == 2
    for n in range(2):
        add(db, clock, f"tired{n}", kind=Kind.OFFER)
        _attempts(db, f"tired{n}", MAX_ATTEMPTS - 1)
    slack.fail("chat.postMessage", error="internal_error", times=2)
    assert dispatcher.run_once(clock.now()).failed == 2
    for n in range(2):
        add(db, clock, f"stale{n}", kind=Kind.CHECKIN_NUDGE, due_in=-timedelta(hours=13))
    assert dispatcher.run_once(clock.now()).expired == 2
    for n in range(2):
        add(db, clock, f"odd{n}")
    with db.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key.like("odd%")).values(kind="odd"))
    assert dispatcher.run_once(clock.now()).failed == 2
    add(db, clock, "digest", kind=Kind.DIGEST, due_in=timedelta(hours=1))
    add_chart(db, clock)
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.dedupe_key == "chart:1").values(dedupe_key="c1")
        )
    add_chart(db, clock)
    assert dispatcher.run_once(clock.now()).deferred == 2


def test_a_429_without_a_usable_retry_after_waits_one_second(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "limited", kind=Kind.OFFER)
    slack.fail("chat.postMessage", status=429, headers={"Retry-After": ""})
    assert dispatcher.run_once(clock.now()).rate_limited == 1
    assert row(db, "limited").due_at == clock.now() + timedelta(seconds=1)


def test_giving_up_keeps_the_reason_shortened(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "tired", kind=Kind.OFFER)
    _attempts(db, "tired", MAX_ATTEMPTS - 1)
    slack.fail("chat.postMessage", error="e" * 300)
    assert dispatcher.run_once(clock.now()).failed == 1
    assert row(db, "tired").last_error == (f"gave up after {MAX_ATTEMPTS} attempts: " + "e" * 300)[:200]


@pytest.mark.parametrize("draw", ["lowest", "highest"])
def test_the_backoff_jitter_spans_half_to_all_of_the_backoff(
    draw: str,
    db: Database,
    clock: FixedClock,
    slack: SlackStandIn,
    dispatcher: Dispatcher,
    people: None,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(
        "bot.outbox.dispatcher.random.uniform", lambda low, high: low if draw == "lowest" else high
    )
    add(db, clock, "flaky", kind=Kind.OFFER)
    _attempts(db, "flaky", 2)  # the third retry backs off 2 minutes
    slack.fail("chat.postMessage", error="internal_error")
    dispatcher.run_once(clock.now())
    wait = timedelta(minutes=1) if draw == "lowest" else timedelta(minutes=2)
    assert row(db, "flaky").due_at == clock.now() + wait


class _Unreachable:
    """A Slack connection that resets on every call."""

    def chat_postMessage(self, **_: object) -> None:
        raise ConnectionResetError


def test_a_connection_that_fails_is_retried_and_logged_without_the_message(
    db: Database, clock: FixedClock, dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture
):
    teams: list[str] = []
    dispatcher.slack = SimpleNamespace(for_team=lambda team: teams.append(team) or _Unreachable())  # type: ignore[assignment]
    add(db, clock, "a", kind=Kind.OFFER)
    add(db, clock, "b", kind=Kind.OFFER, channel="U2")
    with caplog.at_level(logging.WARNING, logger="bot.outbox.dispatcher"):
        assert dispatcher.run_once(clock.now()).retried == 2
    ids = [row(db, key).id for key in ("a", "b")]
    assert [r.getMessage() for r in caplog.records] == [f"outbox {i}: ConnectionResetError" for i in ids]
    retrying = row(db, "a")
    assert (retrying.status, retrying.attempts, retrying.last_error) == ("pending", 1, "ConnectionResetError")
    assert teams == [TEAM_ID, TEAM_ID]


def test_a_workspace_that_uninstalled_the_app_fails_its_rows(
    db: Database, clock: FixedClock, dispatcher: Dispatcher
):
    teams: list[str] = []

    def for_team(team: str) -> None:
        teams.append(team)
        raise NotInstalledError(team)

    dispatcher.slack = SimpleNamespace(for_team=for_team)  # type: ignore[assignment]
    add(db, clock, "a", kind=Kind.OFFER)
    add(db, clock, "b", kind=Kind.OFFER, channel="U2")
    assert dispatcher.run_once(clock.now()).failed == 2
    assert (row(db, "a").status, row(db, "a").last_error, row(db, "a").attempts) == (
        "failed",
        "not_installed",
        1,
    )
    assert teams == [TEAM_ID, TEAM_ID]


def test_the_newest_message_about_its_subject_decides_where_a_file_goes(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "old digest", kind=Kind.DIGEST)
    slack.fail("chat.postMessage", error="account_inactive")
    dispatcher.run_once(clock.now())
    add(db, clock, "new digest", kind=Kind.DIGEST)
    add_chart(db, clock)
    assert dispatcher.run_once(clock.now()).sent == 2
    assert (
        slack.last("files.completeUploadExternal").args["channel_id"] == row(db, "new digest").slack_channel
    )


def test_a_file_waits_for_the_message_about_its_own_subject(
    db: Database, clock: FixedClock, slack: SlackStandIn, dispatcher: Dispatcher, people: None
):
    add(db, clock, "mine", kind=Kind.DIGEST, due_in=timedelta(hours=1))
    with db.transaction() as session:
        enqueue(
            session,
            Outgoing(
                team_id=TEAM_ID,
                key="theirs",
                kind=Kind.DIGEST,
                subject_id=2,
                pairing_id=None,
                channel="U2",
                payload=Message("theirs").payload(),
                due_at=clock.now(),
                now=clock.now(),
            ),
        )
    add_chart(db, clock)
    report = dispatcher.run_once(clock.now())
    assert (report.sent, report.deferred) == (1, 1)
    assert slack.calls_to("files.completeUploadExternal") == []


def test_retry_after_is_read_whatever_the_header_names_case_and_defaults_to_one_second():
    assert _retry_after({"Retry-After": "30"}) == 30
    assert _retry_after({"retry-after": "7"}) == 7  # HTTP/2 sends header names in lower case
    assert _retry_after({"Content-Type": "application/json"}) == 1
    assert _retry_after({}) == 1

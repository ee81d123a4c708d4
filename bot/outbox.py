"""Durable outgoing messages: enqueue, claim, send, retry.

Every message the bot sends on its own initiative is a row here first. Planners enqueue rows
idempotently (a unique dedupe key); the dispatcher claims due rows, sends them and records the result.
Two dispatchers on PostgreSQL never claim the same row (FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import functools
import logging
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.slack import NotInstalledError, SlackClients
from storage.db import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

# Slack errors that will not get better by retrying: the person or channel is gone.
PERMANENT_ERRORS = frozenset(
    {
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
    }
)
# Errors about the person rather than the message: the pairing is paused and the partner told.
PERSON_GONE_ERRORS = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "account_inactive",
        "user_disabled",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
    }
)
MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=5)
SENT_FLUSH = 25  # sent rows recorded per transaction
GROUP_PREFIX = "users:"


@dataclass(frozen=True)
class Message:
    text: str
    blocks: Sequence[Mapping[str, Any]] = ()

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": list(self.blocks)}


def group_channel(user_ids: Sequence[str]) -> str:
    """A channel value meaning 'the group DM of these people', opened by the dispatcher."""
    return GROUP_PREFIX + ",".join(sorted(user_ids))


@dataclass(frozen=True)
class OutboxRow:
    """One message to enqueue (see enqueue)."""

    team_id: str
    key: str
    kind: str
    channel: str
    message: Message
    due_at: datetime
    now: datetime
    pairing_id: int | None = None

    def values(self) -> dict[str, Any]:
        return {
            "team_id": self.team_id,
            "dedupe_key": self.key,
            "kind": self.kind,
            "channel": self.channel,
            "payload": self.message.payload(),
            "pairing_id": self.pairing_id,
            "due_at": self.due_at,
            "status": "pending",
            "attempts": 0,
            "created_at": self.now,
        }


def enqueue(
    session: Session,
    *,
    team_id: str,
    key: str,
    kind: str,
    channel: str,
    message: Message,
    due_at: datetime,
    now: datetime,
    pairing_id: int | None = None,
) -> bool:
    """Add a row unless one with this dedupe key exists. Returns True when a row was added."""
    row = OutboxRow(team_id, key, kind, channel, message, due_at, now, pairing_id)
    return session.execute(_insert_once(session.get_bind().dialect.name), row.values()).scalar() is not None


def enqueue_many(session: Session, rows: Sequence[OutboxRow]) -> int:
    """enqueue() for many rows in one multi-row statement (planners). Returns how many were added."""
    if not rows:
        return 0
    result = session.execute(_insert_once(session.get_bind().dialect.name), [r.values() for r in rows])
    return len(result.all())


@functools.cache
def _insert_once(dialect: str) -> Any:
    # One statement per dialect, run with parameters: SQLAlchemy compiles it once and caches it, where
    # .values(**row) would build and coerce a new statement for every message.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(OutboxMessage)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )


def cancel(session: Session, key_prefix: str) -> int:
    """Withdraw pending rows whose key starts with the prefix (e.g. a pairing that ended)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key.startswith(key_prefix, autoescape=True),
            OutboxMessage.status == "pending",
        )
        .values(status="cancelled")
    )
    return result.rowcount


def due_rows(session: Session, now: datetime, limit: int = 1000) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= now)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def claim(db: Database, now: datetime, worker: str, limit: int) -> list[OutboxMessage]:
    """Mark up to `limit` due rows as ours. Rows another worker holds are skipped, not waited for."""
    with db.transaction() as session:
        # A claim older than CLAIM_TIMEOUT belongs to a worker that died mid-send: release it.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - CLAIM_TIMEOUT)
            .values(status="pending", claimed_by=None)
        )
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= now)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        rows = list(session.scalars(query))
        for row in rows:
            row.status = "sending"
            row.claimed_by = worker
            row.claimed_at = now
        return rows


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    failed: int = 0
    expired: int = 0
    deferred: int = 0

    def total(self) -> int:
        return self.sent + self.retried + self.rate_limited + self.failed + self.expired + self.deferred


# Called with (session, row, error) when a row fails for good, inside the transaction that records it.
FailureHook = Callable[[Session, OutboxMessage, str], None]
# Called with (client, row, chat.postMessage response) after a row of its kind was sent, e.g. to attach a
# file. A hook that fails is logged and ignored: the message itself has gone out and stays recorded.
AfterSendHook = Callable[[Any, OutboxMessage, Mapping[str, Any]], None]


@dataclass
class Dispatcher:
    """Sends due outbox rows. State: the per-channel pacing memory and the worker id."""

    db: Database
    slack: SlackClients
    grace: Callable[[str], timedelta] = lambda _team: timedelta(hours=12)
    on_failure: FailureHook | None = None
    after_send: Mapping[str, AfterSendHook] = field(default_factory=dict)
    pace_per_channel: timedelta = timedelta(seconds=1)
    batch_size: int = 200
    worker: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    _last_sent: dict[str, datetime] = field(default_factory=dict, repr=False)
    _opened: dict[str, str] = field(default_factory=dict, repr=False)
    _sent: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def run_once(self, now: datetime) -> DispatchReport:
        report = DispatchReport()
        self._forget_paced_channels(now)
        while True:
            rows = claim(self.db, now, self.worker, self.batch_size)
            if not rows:
                return report
            try:
                for row in rows:
                    self._deliver(row, now, report)
            finally:
                self._record_sent()
            if len(rows) < self.batch_size:
                return report

    def _forget_paced_channels(self, now: datetime) -> None:
        if self._last_sent:
            self._last_sent = {c: t for c, t in self._last_sent.items() if now - t < self.pace_per_channel}

    def _record_sent(self) -> None:
        """Write the sent rows' results in one transaction instead of one commit per message."""
        if not self._sent:
            return
        batch, self._sent = self._sent, []
        with self.db.transaction() as session:
            session.execute(update(OutboxMessage), batch)

    def _deliver(self, row: OutboxMessage, now: datetime, report: DispatchReport) -> None:
        if row.kind.startswith("nudge") and now - row.due_at > self.grace(row.team_id):
            self._finish(row, status="expired", error="missed its grace period")
            report.expired += 1
            return
        last = self._last_sent.get(row.channel)
        if self.pace_per_channel and last is not None and now - last < self.pace_per_channel:
            self._reschedule(row, last + self.pace_per_channel, count_attempt=False)
            report.deferred += 1
            return
        try:
            client = self.slack.for_team(row.team_id)
            channel = self._resolve_channel(client, row.channel)
            response = client.chat_postMessage(channel=channel, unfurl_links=False, **row.payload)
        except NotInstalledError:
            self._fail(row, "not_installed")
            report.failed += 1
            return
        except SlackApiError as exc:
            self._handle_error(row, exc, now, report)
            return
        except Exception as exc:  # timeouts, connection resets: transient
            log.warning("outbox %s: %s", row.id, type(exc).__name__)
            self._retry_later(row, now, type(exc).__name__, report)
            return
        self._last_sent[row.channel] = now
        self._sent.append(
            {
                "id": row.id,
                "status": "sent",
                "attempts": row.attempts + 1,
                "slack_ts": response.get("ts"),
                "slack_channel": response.get("channel"),
                "sent_at": now,
            }
        )
        # Bounds what a crash mid-batch could send twice (a claim expires and is retried after 5 min).
        if len(self._sent) >= SENT_FLUSH:
            self._record_sent()
        report.sent += 1
        hook = self.after_send.get(row.kind)
        if hook is not None:
            try:
                hook(client, row, response)
            except Exception as exc:
                log.warning(
                    "outbox %s: after-send step for %s failed: %s", row.id, row.kind, type(exc).__name__
                )

    def _resolve_channel(self, client: Any, channel: str) -> str:
        if not channel.startswith(GROUP_PREFIX):
            return channel
        if channel not in self._opened:
            opened = client.conversations_open(users=channel.removeprefix(GROUP_PREFIX), return_im=False)
            self._opened[channel] = opened["channel"]["id"]
        return self._opened[channel]

    def _handle_error(
        self, row: OutboxMessage, exc: SlackApiError, now: datetime, report: DispatchReport
    ) -> None:
        status = exc.response.status_code
        error = str(exc.response.get("error") or f"http_{status}")
        if status == 429:
            retry_after = int(
                exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after", 1)) or 1
            )
            self._reschedule(row, now + timedelta(seconds=retry_after), count_attempt=False)
            report.rate_limited += 1
        elif error in PERMANENT_ERRORS:
            self._fail(row, error)
            report.failed += 1
        else:
            self._retry_later(row, now, error, report)

    def _retry_later(self, row: OutboxMessage, now: datetime, error: str, report: DispatchReport) -> None:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            self._fail(row, f"gave up after {MAX_ATTEMPTS} attempts: {error}")
            report.failed += 1
            return
        # Exponential backoff with full jitter: 30 s, 1 min, 2 min, ... capped at 1 h.
        backoff = min(3600.0, 30.0 * 2**row.attempts)
        delay = timedelta(seconds=backoff / 2 + random.uniform(0, backoff / 2))
        self._reschedule(row, now + delay, count_attempt=True, error=error)
        report.retried += 1

    def _reschedule(
        self, row: OutboxMessage, due_at: datetime, *, count_attempt: bool, error: str | None = None
    ) -> None:
        with self.db.transaction() as session:
            values: dict[str, Any] = {"status": "pending", "due_at": due_at, "claimed_by": None}
            if count_attempt:
                values["attempts"] = OutboxMessage.attempts + 1
            if error:
                values["last_error"] = error[:200]
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(**values))

    def _fail(self, row: OutboxMessage, error: str) -> None:
        with self.db.transaction() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(status="failed", last_error=error[:200], attempts=OutboxMessage.attempts + 1)
            )
            if self.on_failure is not None:
                self.on_failure(session, row, error)

    def _finish(self, row: OutboxMessage, *, status: str, error: str | None = None, **values: Any) -> None:
        with self.db.transaction() as session:
            if error:
                values["last_error"] = error
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(status=status, attempts=OutboxMessage.attempts + 1, **values)
            )

"""The dispatcher: claims due rows, sends them, records the result, retries what Slack did not take.

Two dispatchers on PostgreSQL never claim the same row (FOR UPDATE SKIP LOCKED). A message goes out with
chat.postMessage, a file with files_upload_v2; both retry with backoff, honour 429s and stop on errors
that will not get better. A row's kind (kinds.py) says whether it expires after the grace period and
whether it is a file attached to the conversation of another row.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import astuple, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.messages.message import FileUpload
from bot.outbox.kinds import Kind
from bot.outbox.queue import (
    CANCELLED,
    EXPIRED,
    FAILED,
    GROUP_PREFIX,
    PENDING,
    SENDING,
    SENT,
    newest_row_about,
)
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
# An attached file waits this long at a time for the row it belongs with to be sent.
ATTACH_WAIT = timedelta(minutes=1)


def claim(db: Database, now: datetime, worker: str, limit: int) -> list[OutboxMessage]:
    """Mark up to `limit` due rows as ours. Rows another worker holds are skipped, not waited for."""
    with db.transaction() as session:
        # A claim older than CLAIM_TIMEOUT belongs to a worker that died mid-send: release it.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - CLAIM_TIMEOUT)
            .values(status=PENDING, claimed_by=None)
        )
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.due_at <= now)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        rows = list(session.scalars(query))
        for row in rows:
            row.status = SENDING
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
    cancelled: int = 0

    def total(self) -> int:
        return sum(astuple(self))


# Called with (session, row, error) when a row fails for good, inside the transaction that records it.
FailureHook = Callable[[Session, OutboxMessage, str], None]


@dataclass
class Dispatcher:
    """Sends due outbox rows. State: the per-channel pacing memory and the worker id."""

    db: Database
    slack: SlackClients
    grace: Callable[[str], timedelta] = lambda _team: timedelta(hours=12)
    on_failure: FailureHook | None = None
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
        kind = Kind.parse(row.kind)
        if kind is None:
            self._fail(row, f"unknown kind {row.kind}")
            report.failed += 1
            return
        if kind.expires and now - row.due_at > self.grace(row.team_id):
            self._finish(row, status=EXPIRED, error="missed its grace period")
            report.expired += 1
            return
        if kind.attaches_to is not None:
            self._attach(row, kind.attaches_to, now, report)
            return
        last = self._last_sent.get(row.channel)
        if self.pace_per_channel and last is not None and now - last < self.pace_per_channel:
            self._reschedule(row, last + self.pace_per_channel, count_attempt=False)
            report.deferred += 1
            return
        response = self._call(row, now, report, lambda client: self._post(client, row))
        if response is not None:
            self._last_sent[row.channel] = now
            self._record(row, response.get("ts"), response.get("channel"), now, report)

    def _post(self, client: Any, row: OutboxMessage) -> Any:
        channel = self._resolve_channel(client, row.channel)
        return client.chat_postMessage(channel=channel, unfurl_links=False, **row.payload)

    def _attach(self, row: OutboxMessage, parent_kind: Kind, now: datetime, report: DispatchReport) -> None:
        """A file goes into the conversation its parent row was sent to, and only once that row went out."""
        self._record_sent()  # a parent sent earlier in this batch counts as sent
        with self.db.transaction() as session:
            parent = newest_row_about(session, kind=parent_kind, subject_id=row.subject_id)
            state = None if parent is None else (parent.status, parent.slack_channel)
        if state is None or state[0] in (FAILED, EXPIRED, CANCELLED):
            self._finish(row, status=CANCELLED, error=f"its {parent_kind.value} was not sent")
            report.cancelled += 1
            return
        status, parent_channel = state
        if status != SENT:
            self._reschedule(row, now + ATTACH_WAIT, count_attempt=False)
            report.deferred += 1
            return
        upload = FileUpload.from_payload(row.payload)

        def share(client: Any) -> Any:
            channel = parent_channel or self._resolve_channel(client, row.channel)
            client.files_upload_v2(
                channel=channel, content=upload.content, filename=upload.filename, title=upload.title
            )
            return {"channel": channel}

        response = self._call(row, now, report, share)
        if response is not None:
            self._record(row, None, response["channel"], now, report)

    def _call(
        self, row: OutboxMessage, now: datetime, report: DispatchReport, send: Callable[[Any], Any]
    ) -> Any | None:
        """Run one Slack call for the row; on failure record what happens next and return None."""
        try:
            return send(self.slack.for_team(row.team_id))
        except NotInstalledError:
            self._fail(row, "not_installed")
            report.failed += 1
        except SlackApiError as exc:
            self._handle_error(row, exc, now, report)
        except Exception as exc:  # timeouts, connection resets: transient
            log.warning("outbox %s: %s", row.id, type(exc).__name__)
            self._retry_later(row, now, type(exc).__name__, report)
        return None

    def _record(
        self, row: OutboxMessage, ts: str | None, channel: str | None, now: datetime, report: DispatchReport
    ) -> None:
        self._sent.append(
            {
                "id": row.id,
                "status": SENT,
                "attempts": row.attempts + 1,
                "slack_ts": ts,
                "slack_channel": channel,
                "sent_at": now,
            }
        )
        # Bounds what a crash mid-batch could send twice (a claim expires and is retried after 5 min).
        if len(self._sent) >= SENT_FLUSH:
            self._record_sent()
        report.sent += 1

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
            self._reschedule(
                row, now + timedelta(seconds=_retry_after(exc.response.headers)), count_attempt=False
            )
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
            values: dict[str, Any] = {"status": PENDING, "due_at": due_at, "claimed_by": None}
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
                .values(status=FAILED, last_error=error[:200], attempts=OutboxMessage.attempts + 1)
            )
            if self.on_failure is not None:
                self.on_failure(session, row, error)

    def _finish(self, row: OutboxMessage, *, status: str, error: str) -> None:
        with self.db.transaction() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(status=status, last_error=error, attempts=OutboxMessage.attempts + 1)
            )


def _retry_after(headers: Mapping[str, Any]) -> int:
    """The seconds a 429 asks for; header names are case-insensitive (HTTP/2 sends them in lower case)."""
    value = next((v for name, v in headers.items() if name.lower() == "retry-after"), None)
    return int(value or 1)

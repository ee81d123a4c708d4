"""The outbox's interface for services: enqueue a DM, a group DM or a file; cancel or reschedule rows.

Rows are enqueued idempotently (a unique dedupe key, see keys.py) and name their kind and subject, so a
service withdraws or moves "the check-in nudge for this check-in" instead of matching key strings.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery, Update

from bot.messages.message import FileUpload, Message
from bot.outbox.kinds import Kind, SubjectRef
from storage import bulk
from storage.models import OutboxMessage

# pending → sending → sent, or failed (for good) / expired (missed its grace period) / cancelled
PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
EXPIRED = "expired"
CANCELLED = "cancelled"
NEVER_SENT = (EXPIRED, FAILED, CANCELLED)

GROUP_PREFIX = "users:"
CHUNK = 1000


def group_channel(user_ids: Sequence[str]) -> str:
    """A channel value meaning 'the group DM of these people', opened by the dispatcher."""
    return GROUP_PREFIX + ",".join(sorted(user_ids))


def addressed_to(channel: str, user_id: str) -> bool:
    if channel.startswith(GROUP_PREFIX):
        return user_id in channel.removeprefix(GROUP_PREFIX).split(",")
    return channel == user_id


@dataclass(frozen=True)
class Outgoing:
    """One row to enqueue, built by dm(), group() or file(); added by enqueue() or enqueue_many()."""

    team_id: str
    key: str
    kind: Kind
    subject_id: int
    pairing_id: int | None
    channel: str
    payload: dict[str, Any]
    due_at: datetime
    now: datetime

    def values(self) -> dict[str, Any]:
        return {
            "team_id": self.team_id,
            "dedupe_key": self.key,
            "kind": self.kind.value,
            "subject_id": self.subject_id,
            "channel": self.channel,
            "payload": self.payload,
            "pairing_id": self.pairing_id,
            "due_at": self.due_at,  # status and attempts: the model's defaults (pending, 0)
            "created_at": self.now,
        }

    def row(self) -> tuple[Any, ...]:
        """The row as ``enqueue_rows`` takes it (its payload as JSON text)."""
        return (
            self.team_id,
            self.key,
            self.kind.value,
            self.subject_id,
            self.channel,
            json.dumps(self.payload),
            self.pairing_id,
            self.due_at,
            self.now,
        )


# The columns of an ``enqueue_rows`` row, in order.
ROW_COLUMNS = (
    "team_id",
    "dedupe_key",
    "kind",
    "subject_id",
    "channel",
    "payload",
    "pairing_id",
    "due_at",
    "created_at",
)


def queued(
    kind: Kind,
    subject: SubjectRef,
    *,
    key: str,
    channel: str,
    payload_json: str,
    due_at: datetime,
    now: datetime,
) -> tuple[Any, ...]:
    """A row for ``enqueue_rows`` whose payload is JSON text already (a filled
    ``bot.messages.templates.Template``): what a planner writing thousands of one nudge builds per row."""
    if subject.subject is not kind.subject:
        raise TypeError(
            f"a {kind.value} message is about a {kind.subject.label}, not a {subject.subject.label}"
        )
    return (
        subject.team_id,
        key,
        kind.value,
        subject.id,
        channel,
        payload_json,
        subject.pairing_id,
        due_at,
        now,
    )


def _row(
    kind: Kind, subject: Any, key: str, channel: str, payload: dict[str, Any], due_at: datetime, now: datetime
) -> Outgoing:
    if isinstance(subject, SubjectRef):
        if subject.subject is not kind.subject:
            raise TypeError(
                f"a {kind.value} message is about a {kind.subject.label}, not a {subject.subject.label}"
            )
        return Outgoing(
            team_id=subject.team_id,
            key=key,
            kind=kind,
            subject_id=subject.id,
            pairing_id=subject.pairing_id,
            channel=channel,
            payload=payload,
            due_at=due_at,
            now=now,
        )
    if not isinstance(subject, kind.subject.model):
        raise TypeError(
            f"a {kind.value} message is about a {kind.subject.label}, not {type(subject).__name__}"
        )
    if subject.id is None:
        raise ValueError(f"flush the {kind.subject.label} before queueing a message about it")
    return Outgoing(
        team_id=subject.team_id,
        key=key,
        kind=kind,
        subject_id=subject.id,
        pairing_id=kind.subject.pairing_id(subject),
        channel=channel,
        payload=payload,
        due_at=due_at,
        now=now,
    )


def dm(
    *, to: str, kind: Kind, subject: Any, key: str, message: Message, due_at: datetime, now: datetime
) -> Outgoing:
    """A direct message to one Slack user about `subject` (a record of the kind's subject model)."""
    return _row(kind, subject, key, to, message.payload(), due_at, now)


def group(
    *,
    members: Sequence[str],
    kind: Kind,
    subject: Any,
    key: str,
    message: Message,
    due_at: datetime,
    now: datetime,
    channel_id: str | None = None,
) -> Outgoing:
    """A message to the group DM of `members` (opened at send time), or to `channel_id` once known."""
    return _row(kind, subject, key, channel_id or group_channel(members), message.payload(), due_at, now)


def file(
    *, to: str, kind: Kind, subject: Any, key: str, upload: FileUpload, due_at: datetime, now: datetime
) -> Outgoing:
    """A file for one Slack user; an attached kind goes into the conversation of the row it follows."""
    return _row(kind, subject, key, to, upload.payload(), due_at, now)


def send_dm(
    session: Session,
    *,
    to: str,
    kind: Kind,
    subject: Any,
    key: str,
    message: Message,
    due_at: datetime,
    now: datetime,
) -> bool:
    """enqueue(dm(...)): True when a row was added, False when one with this key already existed."""
    return enqueue(
        session, dm(to=to, kind=kind, subject=subject, key=key, message=message, due_at=due_at, now=now)
    )


def send_group(
    session: Session,
    *,
    members: Sequence[str],
    kind: Kind,
    subject: Any,
    key: str,
    message: Message,
    due_at: datetime,
    now: datetime,
    channel_id: str | None = None,
) -> bool:
    """enqueue(group(...))."""
    row = group(
        members=members,
        kind=kind,
        subject=subject,
        key=key,
        message=message,
        due_at=due_at,
        now=now,
        channel_id=channel_id,
    )
    return enqueue(session, row)


def send_file(
    session: Session,
    *,
    to: str,
    kind: Kind,
    subject: Any,
    key: str,
    upload: FileUpload,
    due_at: datetime,
    now: datetime,
) -> bool:
    """enqueue(file(...))."""
    return enqueue(
        session, file(to=to, kind=kind, subject=subject, key=key, upload=upload, due_at=due_at, now=now)
    )


def enqueue(session: Session, row: Outgoing) -> bool:
    """Add the row unless one with its dedupe key exists. Returns True when a row was added."""
    return session.execute(_insert_once(session.get_bind().dialect.name), row.values()).scalar() is not None


def enqueue_many(session: Session, rows: Sequence[Outgoing]) -> int:
    """enqueue() for many rows in multi-row statements (planners): rows whose key is taken are skipped.

    Returns how many were added. A row's subject may be a record or ``Subject.ref(...)`` (ids only), so a
    planner that wrote its subjects with Core never builds ORM objects for them.
    """
    return enqueue_rows(session, [r.row() for r in rows])


def enqueue_rows(session: Session, rows: Sequence[tuple[Any, ...]]) -> int:
    """``enqueue_many`` for rows already as tuples (``Outgoing.row()`` or ``queued``): one executemany,
    the rows bound as they are. Rows whose key is taken are skipped; returns how many were added."""
    # The subjects a pending ORM change adds go in first (insert_tuples flushes).
    return bulk.insert_tuples(session, OutboxMessage, ROW_COLUMNS, rows, skip_taken="dedupe_key")


@functools.cache
def _insert_once(dialect: str) -> Any:
    # One statement per dialect, run with parameters: SQLAlchemy compiles it once and caches it, where
    # .values(**row) would build and coerce a new statement for every message.
    # The table, not the mapped class: a plain Core insert skips the ORM's bulk-insert bookkeeping.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = OutboxMessage.__table__
    return insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id)


def _pending_about(kind: Kind, subject: Any) -> Update:
    """UPDATE of the pending rows of this kind about this subject (cancel and reschedule share it)."""
    return update(OutboxMessage).where(
        OutboxMessage.kind == kind.value,
        OutboxMessage.subject_id == subject.id,
        OutboxMessage.status == PENDING,
    )


def cancel(session: Session, *, kind: Kind, subject: Any) -> int:
    """Withdraw the pending rows of this kind about this subject. Returns how many were withdrawn."""
    return session.execute(_pending_about(kind, subject).values(status=CANCELLED)).rowcount


def cancel_for_pairing(session: Session, pairing_id: int, *, kinds: Iterable[Kind] | None = None) -> int:
    """Withdraw a pairing's pending rows (those of `kinds` only, when given): it ended or paused."""
    query = update(OutboxMessage).where(
        OutboxMessage.pairing_id == pairing_id, OutboxMessage.status == PENDING
    )
    if kinds is not None:
        query = query.where(OutboxMessage.kind.in_(sorted(k.value for k in kinds)))
    return session.execute(query.values(status=CANCELLED)).rowcount


def reschedule(session: Session, *, kind: Kind, subject: Any, due_at: datetime) -> int:
    """Move the pending rows of this kind about this subject to a new time."""
    return session.execute(_pending_about(kind, subject).values(due_at=due_at)).rowcount


def rows_about(kind: Kind, statuses: Iterable[str]) -> Subquery:
    """The rows of a kind in these statuses, as (subject_id, due_at), for a service to join its subjects to."""
    return (
        select(OutboxMessage.subject_id, OutboxMessage.due_at)
        .where(OutboxMessage.kind == kind.value, OutboxMessage.status.in_(sorted(statuses)))
        .subquery()
    )


def existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of these dedupe keys are already taken (a planner skips building those messages)."""
    session.flush()  # as the ORM's autoflush would: rows this transaction queued count as taken
    found: set[str] = set()
    connection = session.connection()
    dialect = connection.dialect.name
    # PostgreSQL takes the keys as one array; SQLite as a list, a chunk at a time
    step = (len(keys) or 1) if dialect == "postgresql" else CHUNK
    for start in range(0, len(keys), step):
        found.update(connection.scalars(_taken(dialect), {"keys": list(keys[start : start + step])}))
    return found


@functools.cache
def _taken(dialect: str) -> Any:
    """The statement of existing_keys, built once: rendering a statement and a list of a thousand bound
    keys on every call cost a planner's idle pass more than the database's work."""
    key = OutboxMessage.__table__.c.dedupe_key
    return select(key).where(bulk.one_of(key, "keys", dialect))


def _searchable(payload: Mapping[str, Any]) -> str:
    """A row's payload as text to search for a person, a file's own content included (an .ics names both
    people and their e-mails, stored base64-encoded)."""
    text = json.dumps(payload, ensure_ascii=False)
    if "file" in payload:
        content = FileUpload.from_payload(payload).content.decode("utf-8", errors="ignore")
        text += content.replace("\r\n ", "").replace("\r\n\t", "")  # iCalendar folds long lines
    return text


def forget_recipient(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    renamed_to: str,
    quotes: Callable[[Mapping[str, Any]], bool],
    redacted: Mapping[str, Any],
    names: Sequence[str] = (),
    delivered: list[tuple[str, str]] | None = None,
) -> int:
    """A person asked to be forgotten: every row addressed to them, naming them (their Slack id or one of
    ``names``) or quoting them (``quotes``) is emptied, and cancelled if still pending.

    Rows are emptied rather than deleted: their dedupe key stays taken (with ``renamed_to`` in place of
    their Slack id), so no planner queues the same message again. Rows addressed to them keep
    ``renamed_to`` instead of their Slack id. Sent rows that quoted them are added to ``delivered`` as
    (Slack channel, ts), for the caller to overwrite the message in Slack.
    """
    id_pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(user_id)}(?![A-Za-z0-9])")
    needles = [n for n in names if len(n) >= 3]
    changed = 0
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.team_id == team_id)):
        to_them = addressed_to(row.channel, user_id)
        quoted = quotes(row.payload)
        stored = _searchable(row.payload)
        named = bool(id_pattern.search(stored)) or any(n in stored for n in needles)
        keyed = bool(id_pattern.search(row.dedupe_key))
        if not (to_them or quoted or named or keyed):
            continue
        if keyed:
            row.dedupe_key = id_pattern.sub(renamed_to, row.dedupe_key)
        if row.status == PENDING:
            row.status = CANCELLED
        if to_them:
            row.channel = renamed_to
        if delivered is not None and quoted and row.status == SENT and row.slack_channel and row.slack_ts:
            delivered.append((row.slack_channel, row.slack_ts))
        row.payload = dict(redacted)
        changed += 1
    return changed


@dataclass(frozen=True)
class Backlog:
    oldest_due: datetime | None  # the longest-waiting pending row that is due, if any
    failed: int  # rows that failed for good


def backlog(session: Session, now: datetime) -> Backlog:
    oldest = session.scalar(
        select(func.min(OutboxMessage.due_at)).where(
            OutboxMessage.status == PENDING, OutboxMessage.due_at <= now
        )
    )
    failed = session.scalar(select(func.count()).where(OutboxMessage.status == FAILED)) or 0
    return Backlog(oldest, failed)


def due_rows(session: Session, now: datetime, limit: int = 1000) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.due_at <= now)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def newest_row_about(session: Session, *, kind: Kind, subject_id: int | None) -> OutboxMessage | None:
    """The newest row of a kind about a subject (the dispatcher's look-up for an attached file)."""
    return session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.kind == kind.value, OutboxMessage.subject_id == subject_id)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )

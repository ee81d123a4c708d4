"""The outbox: every message the bot sends on its own initiative, durably queued, sent once, retried.

Owns the `outbox` table and everything that reads or writes it. Services use only this interface:

* enqueue: ``send_dm``, ``send_group``, ``send_file`` (one row), or ``dm``/``group``/``file`` rows given
  to ``enqueue_many`` (a planner's one multi-row insert), or ``queued`` tuples with JSON text payloads
  to ``enqueue_rows`` (a planner filling one message template for thousands); each row names its ``Kind`` (kinds.py), its
  subject (the record it is about, or ``Subject.X.ref(...)``: its ids) and a dedupe key from ``keys`` (a key is enqueued at most once);
* withdraw and move: ``cancel`` and ``reschedule`` by kind and subject, ``cancel_for_pairing``;
* read: ``rows_about`` (to join a service's subjects to their rows), ``existing_keys``, ``due_rows``,
  ``backlog``; ``forget_recipient`` for data-rights requests;
* send: ``Dispatcher`` (dispatcher.py), run by the scheduler.

May import: `bot.messages` (what a row carries), `bot.slack`, `storage`. Never a service package.
"""

from bot.messages.message import FileUpload, Message
from bot.outbox import keys
from bot.outbox.dispatcher import (
    MAX_ATTEMPTS,
    PERMANENT_ERRORS,
    PERSON_GONE_ERRORS,
    Dispatcher,
    DispatchReport,
    FailureHook,
)
from bot.outbox.kinds import EXPIRING, Kind, Subject, SubjectRef
from bot.outbox.queue import (
    CANCELLED,
    EXPIRED,
    FAILED,
    NEVER_SENT,
    PENDING,
    SENT,
    Backlog,
    Outgoing,
    backlog,
    cancel,
    cancel_for_pairing,
    dm,
    due_rows,
    enqueue,
    enqueue_many,
    enqueue_rows,
    existing_keys,
    file,
    forget_recipient,
    group,
    group_channel,
    queued,
    reschedule,
    rows_about,
    send_dm,
    send_file,
    send_group,
)

__all__ = [
    "CANCELLED",
    "EXPIRED",
    "EXPIRING",
    "FAILED",
    "MAX_ATTEMPTS",
    "NEVER_SENT",
    "PENDING",
    "PERMANENT_ERRORS",
    "PERSON_GONE_ERRORS",
    "SENT",
    "Backlog",
    "DispatchReport",
    "Dispatcher",
    "FailureHook",
    "FileUpload",
    "Kind",
    "Message",
    "Outgoing",
    "Subject",
    "SubjectRef",
    "backlog",
    "cancel",
    "cancel_for_pairing",
    "dm",
    "due_rows",
    "enqueue",
    "enqueue_many",
    "enqueue_rows",
    "existing_keys",
    "file",
    "forget_recipient",
    "group",
    "group_channel",
    "keys",
    "queued",
    "reschedule",
    "rows_about",
    "send_dm",
    "send_file",
    "send_group",
]

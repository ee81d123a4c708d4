"""Logging set-up: plain text by default, one JSON object per line with LOG_FORMAT=json.

Every line carries the id of the work it belongs to (`request_id`): the X-Request-Id of the Slack request
that caused it, also on lines written by listener threads after the ack, or `tick-…` for a scheduler pass.
The id lives in a context variable; `ContextExecutor` hands it to the threads Bolt runs listeners on.
"""

from __future__ import annotations

import json
import logging
import sys
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from datetime import UTC, datetime
from typing import Any

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
REQUEST_ID_HEADER = "x-request-id"


def new_request_id(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex[:12]


@contextmanager
def request_scope(request_id: str) -> Iterator[str]:
    """Log lines written inside (and in work handed on from inside) carry this id."""
    token = current_request_id.set(request_id)
    try:
        yield request_id
    finally:
        current_request_id.reset(token)


def bolt_request_id(request: Any, next: Callable[[], Any]) -> Any:
    """Bolt global middleware: the request's X-Request-Id (set by bot/web.py), or a new id in Socket Mode."""
    given = (request.headers.get(REQUEST_ID_HEADER) or [None])[0]
    with request_scope(given or new_request_id()):
        return next()


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitter's context, so they log the submitter's request id."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return super().submit(copy_context().run, fn, *args, **kwargs)


_base_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    record.request_id = current_request_id.get()
    return record


def install_request_ids() -> None:
    """Every log record gets `request_id` from the context (an explicit `extra` still wins). Idempotent."""
    logging.setLogRecordFactory(_record_with_request_id)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request = f" [{request_id}]" if request_id else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry)


def configure(level: str = "INFO", fmt: str = "text") -> None:
    install_request_ids()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk logs request bodies at DEBUG; they can hold private mentoring text and tokens.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger("slack_bolt").setLevel(max(logging.INFO, logging.getLevelName(level)))
    # Alembic narrates every plugin it loads at INFO; operators only need its warnings.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLevelName(level)))

"""The HTTP face: Bolt's WSGI handler plus /healthz, served by waitress (a production WSGI server)."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextvars import copy_context
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot.logs import new_request_id, request_scope
from storage.db import Database
from storage.models import SeenSignature

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
access_log = logging.getLogger("mentor_bot.access")
log = logging.getLogger(__name__)

# Slack's signature check accepts a request for five minutes; remembering signatures for as long
# refuses a captured request replayed inside that window.
REPLAY_WINDOW_SECONDS = 5 * 60
# Slack's payloads are a few kilobytes (a big modal submission stays well under 100 KB); anything over
# this is refused before it is read, by waitress and again here for any other WSGI server.
MAX_BODY_BYTES = 1024 * 1024


_REMEMBER = insert(SeenSignature.__table__)


class ReplayGuard:
    """Verified signatures, remembered in the database until Slack's window has passed, so a replay to any
    process sharing the database is refused. Only verified signatures are stored: junk evicts nothing.

    While the database is unreachable, this process remembers them itself (bounded, verified only), so the
    request still reaches the listener that tells the person the database is away."""

    def __init__(self, db: Database, window: float = REPLAY_WINDOW_SECONDS, capacity: int = 50_000) -> None:
        self.db = db
        self.window = window
        self.capacity = capacity
        self._local: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, signature: str, timestamp: int) -> bool:
        # Slack's check accepts `timestamp` until timestamp + window; keep it a minute longer than that.
        expires_at = timestamp + self.window + 60
        try:
            with self.db.engine.begin() as connection:  # Core, not the ORM: this runs on every request
                connection.execute(
                    _REMEMBER,
                    {"signature": signature[:80], "expires_at": datetime.fromtimestamp(expires_at, UTC)},
                )
        except IntegrityError:
            return False
        except (DBAPIError, PoolTimeout) as exc:
            log.warning(
                "replay guard: database unreachable (%s); remembering in this process", type(exc).__name__
            )
            return self._first_time_here(signature, expires_at)
        return True

    def _first_time_here(self, signature: str, expires_at: float) -> bool:
        now = time.time()
        with self._lock:
            while self._local and (
                len(self._local) >= self.capacity or next(iter(self._local.values())) < now
            ):
                self._local.popitem(last=False)
            if signature in self._local:
                return False
            self._local[signature] = expires_at
            return True


@dataclass(frozen=True)
class Refusal:
    status: str
    error: str


def read_verified_body(
    environ: dict[str, Any], signing_secret: str | None, guard: ReplayGuard
) -> tuple[bytes, Refusal | None]:
    """The raw body, read only up to MAX_BODY_BYTES, and why it is refused (None: signed, fresh, first)."""
    length_text = environ.get("CONTENT_LENGTH") or ""
    try:
        length = int(length_text) if length_text else None
    except ValueError:
        return b"", Refusal("400 Bad Request", "bad_content_length")
    if length is not None and (length < 0 or length > MAX_BODY_BYTES):
        return b"", Refusal("413 Payload Too Large", "body_too_large")
    stream = environ.get("wsgi.input")
    body = stream.read(MAX_BODY_BYTES + 1 if length is None else length) if stream is not None else b""
    if len(body) > MAX_BODY_BYTES:
        return b"", Refusal("413 Payload Too Large", "body_too_large")
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE")
    if not signing_secret or not timestamp or not signature:
        return body, Refusal("401 Unauthorized", "missing_signature")
    try:
        valid = SignatureVerifier(signing_secret).is_valid(body, timestamp, signature)
    except (ValueError, UnicodeDecodeError):  # a timestamp that is no number, a body that is no UTF-8
        valid = False
    if not valid:
        return body, Refusal("401 Unauthorized", "invalid_signature")
    if not guard.first_time(signature, int(timestamp)):
        return body, Refusal("401 Unauthorized", "replayed_request")
    if "json" in (environ.get("CONTENT_TYPE") or "").lower():
        try:
            json.loads(body)
        except ValueError:
            return body, Refusal("400 Bad Request", "malformed_json")
    return body, None


def make_wsgi(app: App, db: Database, replay_guard: ReplayGuard | None = None) -> WSGIApp:
    """Every POST is read (at most MAX_BODY_BYTES) and verified here, on its raw bytes, before Bolt parses
    anything: a refusal is a short JSON answer (401, 413, 400) and a warning-free access log line."""
    slack = SlackRequestHandler(app, path="/slack/events")
    guard = replay_guard or ReplayGuard(db)
    signing_secret: str | None = getattr(app, "signing_secret", None)

    def respond(start_response: Callable[..., Any], status: str, payload: dict[str, Any]) -> list[bytes]:
        body = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = environ.get("HTTP_X_REQUEST_ID") or new_request_id()
        # Bolt sees the id as a header and its middleware puts it on every log line of this request.
        environ["HTTP_X_REQUEST_ID"] = request_id
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        status_holder: list[str] = []

        def recording_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            status_holder.append(status)
            return start_response(status, [*headers, ("X-Request-Id", request_id)], exc_info)

        # A copy of the context per request: what its middleware sets (the reader's language) ends with it.
        with request_scope(request_id):
            try:
                return copy_context().run(serve, environ, recording_start_response, path, method)
            finally:
                # Method, path, status and time only: bodies may hold private mentoring text or tokens.
                access_log.info(
                    "%s %s %s %.1fms",
                    method,
                    path,
                    (status_holder[0] if status_holder else "-").split(" ")[0],
                    (time.perf_counter() - started) * 1000,
                )

    def serve(
        environ: dict[str, Any], recording_start_response: Callable[..., Any], path: str, method: str
    ) -> Iterable[bytes]:
        if path == "/healthz" and method in ("GET", "HEAD"):
            healthy = db.ping()
            return respond(
                recording_start_response,
                "200 OK" if healthy else "503 Service Unavailable",
                {"ok": healthy, "database": "ok" if healthy else "unreachable"},
            )
        if method == "POST":
            body, refusal = read_verified_body(environ, signing_secret, guard)
            if refusal is not None:
                return respond(
                    recording_start_response, refusal.status, {"ok": False, "error": refusal.error}
                )
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        return slack(environ, recording_start_response)

    return wsgi


def create_server(
    wsgi: WSGIApp, host: str, port: int, threads: int = 16
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server, not yet running. Port 0 picks a free port (see .effective_port)."""
    return waitress.create_server(
        wsgi,
        host=host,
        port=port,
        threads=threads,
        ident="mentor-bot",
        max_request_body_size=MAX_BODY_BYTES,
    )

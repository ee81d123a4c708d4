"""The HTTP face: Bolt's WSGI handler plus /healthz, served by waitress (a production WSGI server)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot.logs import new_request_id, request_scope
from storage.db import Database

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
access_log = logging.getLogger("mentor_bot.access")

# Slack's signature check accepts a request for five minutes; remembering signatures for as long
# refuses a captured request replayed inside that window.
REPLAY_WINDOW_SECONDS = 5 * 60


class ReplayGuard:
    """Signatures seen in the last five minutes, in this process. State: a bounded, time-ordered map."""

    def __init__(self, window: float = REPLAY_WINDOW_SECONDS, capacity: int = 200_000) -> None:
        self.window = window
        self.capacity = capacity
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, signature: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._seen and (
                len(self._seen) >= self.capacity or next(iter(self._seen.values())) < now - self.window
            ):
                self._seen.popitem(last=False)
            if signature in self._seen:
                return False
            self._seen[signature] = now
            return True


def make_wsgi(app: App, db: Database, replay_guard: ReplayGuard | None = None) -> WSGIApp:
    slack = SlackRequestHandler(app, path="/slack/events")
    guard = replay_guard or ReplayGuard()

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

        with request_scope(request_id):
            try:
                return serve(environ, recording_start_response, path, method)
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
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if method == "POST" and signature and not guard.first_time(signature):
            return respond(
                recording_start_response, "401 Unauthorized", {"ok": False, "error": "replayed_request"}
            )
        return slack(environ, recording_start_response)

    return wsgi


def create_server(
    wsgi: WSGIApp, host: str, port: int, threads: int = 16
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server, not yet running. Port 0 picks a free port (see .effective_port)."""
    return waitress.create_server(wsgi, host=host, port=port, threads=threads, ident="mentor-bot")

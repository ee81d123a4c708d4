"""The HTTP face: Bolt's WSGI handler plus /healthz, served by waitress (a production WSGI server)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import BaseWSGIServer, MultiSocketServer

from storage.db import Database

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_wsgi(app: App, db: Database) -> WSGIApp:
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            healthy = db.ping()
            body = json.dumps({"ok": healthy, "database": "ok" if healthy else "unreachable"}).encode()
            start_response(
                "200 OK" if healthy else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return wsgi


def create_server(
    wsgi: WSGIApp, host: str, port: int, threads: int = 16
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server, not yet running. Port 0 picks a free port (see .effective_port)."""
    return waitress.create_server(wsgi, host=host, port=port, threads=threads, ident="mentor-bot")

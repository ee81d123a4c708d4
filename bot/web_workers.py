"""Several web processes on one port, for PostgreSQL deploys: gunicorn's pre-fork master and N workers.

One Python process uses about one core (the GIL), and most of a request's CPU is spent after the ack
(App Home pages, answers on response_url), so a single process on two cores acks ~190 requests/s at
best. `mentor-bot run --workers N` starts gunicorn with N worker processes sharing the listening socket,
each with its own threads (gthread: a thread per request in flight, for the database and Slack waits)
and its own app, database pool and Slack clients, built after the fork (no connection crosses a fork).
What the processes must share already lives in the database: the replay guard (bot/web.py), the
handled-event ids, the outbox and the scheduler's row locks. The recommended count is one per core
(the Procfile's WEB_CONCURRENCY, default 2): more processes than cores only add context switches.

The master restarts a worker that dies and stops them all on SIGTERM, as a platform stops a dyno.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.web import WSGIApp

THREADS_PER_WORKER = 16


class WebWorkers(BaseApplication):  # type: ignore[misc]  # gunicorn's API is this class
    """gunicorn with our settings; ``build`` makes the WSGI app inside each worker, after the fork."""

    def __init__(self, build: Callable[[], WSGIApp], *, host: str, port: int, workers: int) -> None:
        self.build = build
        self.options: dict[str, Any] = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": THREADS_PER_WORKER,
            # A Slack request is acked in milliseconds; a worker silent this long is stuck and is replaced.
            "timeout": 30,
            "graceful_timeout": 10,
            "keepalive": 5,
            "limit_request_field_size": 8190,
            # bot/web.py refuses bodies over its MAX_BODY_BYTES itself; gunicorn bounds the header lines.
            "limit_request_line": 8190,
            "accesslog": None,  # bot/web.py writes the access log (method, path, status, time; no bodies)
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "mentor-bot-web",
            "preload_app": False,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self.build()

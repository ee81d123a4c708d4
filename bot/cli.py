"""mentor-bot's command line: the parser, and the commands that serve (run, scheduler, migrate, tick, doctor).

Every command that touches the database opens it with `bot.database.open_database`, which answers an
unreachable server, a missing SQLite folder or pending migrations with one line (password masked).
The data commands (import-org, match, export, export-person, demo) are in `bot.cli_data`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import InterfaceError, OperationalError

from bot import __version__
from bot.clock import parse_instant
from bot.config import ConfigError, Mode, Settings, load_settings, resolve_mode
from bot.database import first_line, open_database, unreachable
from storage.urls import masked

if TYPE_CHECKING:
    from storage.db import Database

log = logging.getLogger("mentor-bot")

SQLITE_ALONE = (
    "DATABASE_URL is SQLite, so the web process and the scheduler must share this one file on one machine. "
    "Processes on separate dynos or containers (the Procfile's release, web and clock) each get their own "
    "file system, so each would get its own empty database: use PostgreSQL for a multi-process deploy."
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # The command's own usage, not the top-level one: `mentor-bot demo --bogus` shows demo's options.
        getattr(args, "usage_of", parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"mentor-bot: {exc}", file=sys.stderr)
        return 2
    from bot.logs import configure

    configure(settings.log_level, settings.log_format)
    try:
        return int(args.func(settings, args) or 0)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (OperationalError, InterfaceError) as exc:
        # The database went away in the middle of a command.
        print(unreachable(settings.database_url, first_line(exc.orig or exc)), file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    from bot import cli_data

    parser = argparse.ArgumentParser(
        prog="mentor-bot",
        description="Peer (copilot) mentoring inside Slack. Settings come from the environment and .env.",
    )
    parser.add_argument("--version", action="version", version=f"mentor-bot {__version__}")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    def command(name: str, func, **kwargs) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        p = sub.add_parser(name, **kwargs)
        p.set_defaults(func=func, usage_of=p)
        return p

    run = command(
        "run",
        cmd_run,
        help="run the bot (Socket Mode or HTTP, chosen from the settings)",
        description="HTTP mode listens on --host:--port (POST /slack/events, GET /healthz); Socket Mode opens "
        "a websocket to Slack and listens on no port. The scheduler runs in the same process unless "
        "--no-scheduler.",
    )
    run.add_argument(
        "--no-scheduler", action="store_true", help="serve Slack only; run `mentor-bot scheduler` elsewhere"
    )
    run.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to listen on (default 0.0.0.0)")
    run.add_argument("--port", type=int, help="HTTP mode: port to listen on (default: $PORT, else 3000)")
    run.add_argument(
        "--workers",
        type=int,
        default=1,
        help="HTTP mode: web processes sharing the port (default 1; the Procfile passes $WEB_CONCURRENCY, "
        "else 2); more than one needs PostgreSQL and --no-scheduler (see bot/web_workers.py)",
    )
    run.add_argument(
        "--mode",
        choices=["http", "socket"],
        help="refuse to start unless the settings select this mode (the Procfile's web process says http)",
    )

    command(
        "scheduler",
        cmd_scheduler,
        help="run only the scheduler (planners and the outbox dispatcher)",
        description="Needs the same Slack settings as `run`; serves no Slack requests and listens on no port.",
    )
    command("migrate", cmd_migrate, help="apply database migrations (Alembic upgrade head)")

    tick = command("tick", cmd_tick, help="run one scheduler pass as if it were --now")
    tick.add_argument("--now", help="ISO time, e.g. 2026-03-02T10:00:00+01:00 (default: now; naive = UTC)")
    tick.add_argument(
        "--dry-run", action="store_true", help="list what would be sent; change and send nothing"
    )
    cli_data.add_commands(command)
    command(
        "new-token-key",
        cmd_new_token_key,
        help="print a new key for TOKEN_ENCRYPTION_KEYS (OAuth tokens are sealed with it)",
        description="To rotate: put the new key first (TOKEN_ENCRYPTION_KEYS=new,old), restart (every stored "
        "token is resealed under it), then drop the old key.",
    )
    command(
        "doctor",
        cmd_doctor,
        help="check settings, database, migrations, Slack credentials and scopes",
        description="One ✓/✗ line per check; a check that can't run says `skipped` and why. Changes and "
        "creates nothing.",
    )
    return parser


# --- the serving commands ---------------------------------------------------------------------------


def cmd_doctor(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.doctor import run_checks

    checks = run_checks(settings)
    for check in checks:
        print(check.line())
    return 0 if all(c.ok for c in checks) else 1


def cmd_new_token_key(_settings: Settings, _args: argparse.Namespace) -> int:
    from bot.sealed_tokens import new_key

    print(new_key())
    return 0


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    open_database(settings, auto_migrate=True).dispose()
    print(f"Database is up to date ({masked(settings.database_url)}).")
    return 0


def _mode_for(settings: Settings, wanted: str | None) -> Mode:
    mode = resolve_mode(settings)
    if wanted == "http" and mode is Mode.SOCKET:
        raise ConfigError(
            "mentor-bot cannot start: this process serves HTTP (--mode http), but SLACK_APP_TOKEN selects "
            "Socket Mode, which listens on no port. For Socket Mode run the Procfile's `socket` process "
            "instead (and scale `web` to 0); for HTTP remove SLACK_APP_TOKEN and set SLACK_SIGNING_SECRET."
        )
    if wanted == "socket" and mode is not Mode.SOCKET:
        raise ConfigError(
            f"mentor-bot cannot start: this process is for Socket Mode (--mode socket), but the settings "
            f"select {mode.title}. Set SLACK_APP_TOKEN (xapp-…) for Socket Mode, or run the `web` process."
        )
    return mode


def _workers(args: argparse.Namespace, mode: Mode, db: Database) -> int:
    workers = args.workers
    if workers < 1:
        raise ConfigError(f"mentor-bot cannot start: --workers must be 1 or more, not {workers}.")
    if workers > 1 and mode is Mode.SOCKET:
        raise ConfigError(
            "mentor-bot cannot start: Socket Mode holds one websocket per process; run it with --workers 1 "
            "(or unset WEB_CONCURRENCY)."
        )
    if workers > 1 and (db.is_sqlite or not args.no_scheduler):
        raise ConfigError(
            f"mentor-bot cannot start {workers} web workers: several web processes need PostgreSQL and "
            "--no-scheduler (run `mentor-bot scheduler` as its own process). Use --workers 1 otherwise."
        )
    return workers


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    mode = _mode_for(settings, args.mode)
    log.info(
        "mentor-bot %s starting: %s (Slack API %s, database %s)",
        __version__,
        mode.title,
        settings.slack_api_url,
        masked(settings.database_url),
    )
    from bot.app import build_app, build_dispatcher, build_runtime, planners
    from bot.scheduler import SchedulerAlreadyRunning, build_scheduler, sqlite_lock

    db = open_database(settings)
    if args.no_scheduler and db.is_sqlite:
        log.warning(
            "%s Run `mentor-bot run` alone (it runs the scheduler too), or move to PostgreSQL.", SQLITE_ALONE
        )
    workers = _workers(args, mode, db)
    port = settings.port if args.port is None else args.port
    if workers > 1:
        db.dispose()  # each worker opens its own pool after the fork
        return _serve_workers(settings, mode, args.host, port, workers)
    runtime = build_runtime(settings, db=db)
    try:
        app = build_app(runtime, mode)
    except BoltError as exc:
        print(f"mentor-bot cannot start: Slack refused the credentials ({exc}).", file=sys.stderr)
        return 2

    scheduler = None
    if not args.no_scheduler:
        try:
            lock = sqlite_lock(runtime)
        except SchedulerAlreadyRunning as exc:
            print(str(exc), file=sys.stderr)
            return 2
        scheduler = build_scheduler(runtime, planners(), build_dispatcher(runtime), blocking=False)
        scheduler.start()
        log.info("scheduler running in this process")
        _ = lock  # held for the life of the process

    try:
        if mode is Mode.SOCKET:
            return _serve_socket_mode(app, settings)
        return _serve_http(app, db, args.host, port)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


def _serve_socket_mode(app, settings: Settings) -> int:  # type: ignore[no-untyped-def]
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    _exit_on_sigterm()
    try:
        SocketModeHandler(app, settings.slack_app_token).start()
    except SlackApiError as exc:
        print(
            "mentor-bot cannot open a Socket Mode connection: Slack answered "
            f"{exc.response.get('error')!r} to apps.connections.open. Check that SLACK_APP_TOKEN is an "
            "app-level token with connections:write and that Socket Mode is on for the app.",
            file=sys.stderr,
        )
        return 2
    return 0


def _serve_http(app, db: Database, host: str, port: int) -> int:  # type: ignore[no-untyped-def]
    from bot.web import create_server, make_wsgi

    try:
        server = create_server(make_wsgi(app, db), host=host, port=port)
    except OSError as exc:
        print(
            f"mentor-bot cannot listen on {host}:{port}: {exc.strerror or exc}. Set PORT (or --port) to a "
            "free port; ports below 1024 need root.",
            file=sys.stderr,
        )
        return 2
    log.info("listening on http://%s:%s (POST /slack/events, GET /healthz)", host, server.effective_port)
    _exit_on_sigterm()
    server.run()  # returns after SIGTERM or Ctrl-C: waitress closes itself on SystemExit
    return 0


def _serve_workers(settings: Settings, mode: Mode, host: str, port: int, workers: int) -> int:
    from bot.web_workers import WebWorkers

    def build():  # type: ignore[no-untyped-def]  # runs in each worker, after the fork
        from bot.app import build_app, build_runtime
        from bot.web import make_wsgi

        worker_db = open_database(settings)
        return make_wsgi(build_app(build_runtime(settings, db=worker_db), mode), worker_db)

    log.info("listening on http://%s:%s with %d web workers", host, port, workers)
    WebWorkers(build, host=host, port=port, workers=workers).run()
    return 0


def _exit_on_sigterm() -> None:
    """A platform stops a process with SIGTERM: leave the way Ctrl-C does, through `finally` blocks."""

    def stop(*_: object) -> None:
        raise SystemExit(0)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def cmd_scheduler(settings: Settings, _args: argparse.Namespace) -> int:
    resolve_mode(settings)  # the same Slack settings as `run`: a scheduler without a token sends nothing
    from bot.app import build_dispatcher, build_runtime, planners
    from bot.scheduler import SchedulerAlreadyRunning, build_scheduler, sqlite_lock

    db = open_database(settings)
    if db.is_sqlite:
        log.warning("%s Or run `mentor-bot run`, which runs the scheduler too.", SQLITE_ALONE)
    runtime = build_runtime(settings, db=db)
    try:
        lock = sqlite_lock(runtime)
    except SchedulerAlreadyRunning as exc:
        print(str(exc), file=sys.stderr)
        return 2
    log.info("mentor-bot %s scheduler starting (database %s)", __version__, masked(settings.database_url))
    scheduler = build_scheduler(runtime, planners(), build_dispatcher(runtime), blocking=True)
    _ = lock
    _exit_on_sigterm()
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    log.info("scheduler stopped")
    return 0


def cmd_tick(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_dispatcher, build_runtime, planners
    from bot.clock import FixedClock, SystemClock
    from bot.scheduler import run_tick

    try:
        now = parse_instant(args.now) if args.now else SystemClock().now()
    except ValueError:
        print(
            f"--now must be an ISO time such as 2026-03-02T10:00:00+01:00, not {args.now!r}", file=sys.stderr
        )
        return 2
    db = open_database(settings)
    runtime = build_runtime(settings, clock=FixedClock(now), db=db)
    report = run_tick(runtime, planners(), build_dispatcher(runtime), now, dry_run=args.dry_run)
    if args.dry_run:
        print(f"At {now.isoformat()}: {report.planned} new message(s) planned, {len(report.would_send)} due:")
        for row in report.would_send:
            print("  " + json.dumps(row))
        return 0
    d = report.dispatch
    print(
        f"At {now.isoformat()}: planned {report.planned}; sent {d.sent}, retry later {d.retried}, "
        f"rate-limited {d.rate_limited}, failed {d.failed}, expired {d.expired}, deferred {d.deferred}."
    )
    return 0

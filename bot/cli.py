"""mentor-bot's command line: run | scheduler | migrate | tick | import-org."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot import __version__
from bot.clock import parse_instant
from bot.config import ConfigError, Mode, Settings, load_settings, resolve_mode

log = logging.getLogger("mentor-bot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentor-bot",
        description="Peer (copilot) mentoring inside Slack. Settings come from the environment and .env.",
    )
    parser.add_argument("--version", action="version", version=f"mentor-bot {__version__}")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot (Socket Mode or HTTP, chosen from the settings)")
    run.add_argument(
        "--no-scheduler", action="store_true", help="serve Slack only; run `mentor-bot scheduler` elsewhere"
    )
    run.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to listen on (default 0.0.0.0)")
    run.set_defaults(func=cmd_run)

    scheduler = sub.add_parser(
        "scheduler", help="run only the scheduler (planners and the outbox dispatcher)"
    )
    scheduler.set_defaults(func=cmd_scheduler)

    migrate = sub.add_parser("migrate", help="apply database migrations (Alembic upgrade head)")
    migrate.set_defaults(func=cmd_migrate)

    tick = sub.add_parser("tick", help="run one scheduler pass as if it were --now")
    tick.add_argument("--now", help="ISO time, e.g. 2026-03-02T10:00:00+01:00 (default: now; naive = UTC)")
    tick.add_argument(
        "--dry-run", action="store_true", help="list what would be sent; change and send nothing"
    )
    tick.set_defaults(func=cmd_tick)

    demo = sub.add_parser(
        "demo",
        help="try mentor-bot without Slack: a simulated program, printed as a chat transcript",
        description="Runs a five-week story (volunteers, requests, matching, expectations, check-ins, an "
        "introduction, a lead's summary) against the real app and a local Slack stand-in, on a temporary "
        "database that is removed afterwards. Needs no Slack credentials and changes nothing.",
    )
    demo.add_argument("--seed", type=int, default=0, help="shuffle the cast's first names (default 0)")
    demo.add_argument("--quiet", action="store_true", help="print only the summary, not the transcript")
    demo.add_argument("--output", help="write the transcript to this file instead of standard output")
    demo.set_defaults(func=cmd_demo)

    import_org = sub.add_parser(
        "import-org",
        help="load the org chart (managers, teams, titles, levels) from a CSV file",
        description="CSV columns: email or slack_id; manager_email or manager_slack_id; team; title; level. "
        "Exit code 1: some rows were bad or managers form a loop (the good rows are saved). "
        "Exit code 2: nothing was imported.",
    )
    import_org.add_argument("file", help="the CSV file (UTF-8, first line is the header)")
    import_org.add_argument(
        "--team", help="workspace id (T...); default: the workspace SLACK_BOT_TOKEN belongs to"
    )
    import_org.set_defaults(func=cmd_import_org)

    match = sub.add_parser(
        "match",
        help="pair every waiting copilot request at once (a matching round)",
        description="Each proposed copilot gets an offer to accept or decline. "
        "With --dry-run, print the proposed pairs with scores and reasons and change nothing.",
    )
    match.add_argument("--round", action="store_true", required=True, help="run a matching round")
    match.add_argument(
        "--team", action="append", help="workspace id (T...); repeat for several; default: every workspace"
    )
    match.add_argument(
        "--dry-run", action="store_true", help="print the proposed pairs; change and send nothing"
    )
    match.add_argument("--seed", type=int, default=0, help="tie-break seed, to reproduce a round (default 0)")
    match.set_defaults(func=cmd_match)

    export = sub.add_parser(
        "export",
        help="write a CSV of every pairing in a workspace (program-level fields only)",
        description="Columns: pairing id, mentee, mentor (names and Slack ids), teams, state, health, created, "
        "activated, ended, end_reason, cadence, last_met, meetings, cross_team. Never goals, answers or notes.",
    )
    export.add_argument("--team", required=True, help="workspace id (T...)")
    export.add_argument("--format", choices=["csv"], default="csv", help="only csv for now")
    export.add_argument("--output", help="file to write (default: standard output)")
    export.set_defaults(func=cmd_export)

    export_person = sub.add_parser(
        "export-person",
        help="one person's own mentoring data as JSON (what they wrote, not their partner's notes)",
    )
    export_person.add_argument("--team", required=True, help="workspace id (T...)")
    export_person.add_argument("--user", required=True, help="the person's Slack user id (U...)")
    export_person.add_argument("--output", help="file to write (default: standard output)")
    export_person.set_defaults(func=cmd_export_person)

    doctor = sub.add_parser(
        "doctor", help="check settings, database, migrations, Slack credentials and scopes"
    )
    doctor.set_defaults(func=cmd_doctor)
    return parser


def cmd_doctor(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.doctor import run_checks

    checks = run_checks(settings)
    for check in checks:
        print(check.line())
    return 0 if all(c.ok for c in checks) else 1


def _open_database(settings: Settings, *, auto_migrate: bool):  # type: ignore[no-untyped-def]
    from storage.db import connect, migrate, pending_migrations

    db = connect(settings.database_url)
    if not db.ping():
        raise ConfigError(
            f"mentor-bot cannot reach the database at {_safe_url(settings.database_url)}. Check DATABASE_URL and that the server is running."
        )
    pending = pending_migrations(db)
    if pending and (auto_migrate or db.is_sqlite):
        log.info("applying %d database migration(s)", len(pending))
        migrate(db)
    elif pending:
        raise ConfigError(f"The database needs {len(pending)} migration(s). Run `mentor-bot migrate` first.")
    return db


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from storage.db import connect, migrate

    db = connect(settings.database_url)
    migrate(db)
    print(f"Database is up to date ({_safe_url(settings.database_url)}).")
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    mode = resolve_mode(settings)
    log.info(
        "mentor-bot %s starting: %s (Slack API %s, database %s)",
        __version__,
        mode.title,
        settings.slack_api_url,
        _safe_url(settings.database_url),
    )
    from bot.app import build_app, build_dispatcher, build_runtime, planners
    from bot.scheduler import SchedulerAlreadyRunning, build_scheduler, sqlite_lock

    db = _open_database(settings, auto_migrate=False)
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
            from slack_bolt.adapter.socket_mode import SocketModeHandler

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
        else:
            from bot.web import create_server, make_wsgi

            server = create_server(make_wsgi(app, db), host=args.host, port=settings.port)
            log.info(
                "listening on http://%s:%s (POST /slack/events, GET /healthz)",
                args.host,
                server.effective_port,
            )
            _exit_on_sigterm()
            server.run()  # returns after SIGTERM or Ctrl-C: waitress closes itself on SystemExit
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    return 0


def _exit_on_sigterm() -> None:
    def stop(*_: object) -> None:
        raise SystemExit(0)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def cmd_scheduler(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.app import build_dispatcher, build_runtime, planners
    from bot.scheduler import SchedulerAlreadyRunning, build_scheduler, sqlite_lock

    db = _open_database(settings, auto_migrate=False)
    runtime = build_runtime(settings, db=db)
    try:
        lock = sqlite_lock(runtime)
    except SchedulerAlreadyRunning as exc:
        print(str(exc), file=sys.stderr)
        return 2
    log.info("mentor-bot %s scheduler starting (database %s)", __version__, _safe_url(settings.database_url))
    scheduler = build_scheduler(runtime, planners(), build_dispatcher(runtime), blocking=True)
    _ = lock
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    return 0


def cmd_import_org(settings: Settings, args: argparse.Namespace) -> int:
    from slack_sdk.errors import SlackApiError, SlackClientError
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    from bot.app import build_runtime
    from bot.org import OrgFileError, import_org
    from bot.slack import NotInstalledError

    try:
        with open(args.file, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"mentor-bot: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    db = _open_database(settings, auto_migrate=False)
    runtime = build_runtime(settings, db=db)
    team_id = args.team
    if not team_id:
        if not settings.slack_bot_token:
            print(
                "mentor-bot: say which workspace with --team T... (no SLACK_BOT_TOKEN is set).",
                file=sys.stderr,
            )
            return 2
        try:
            team_id = runtime.slack.new_client(settings.slack_bot_token).auth_test()["team_id"]
        except (SlackApiError, SlackClientError) as exc:
            print(
                f"mentor-bot: Slack refused SLACK_BOT_TOKEN ({type(exc).__name__}); use --team.",
                file=sys.stderr,
            )
            return 2
    try:
        client = runtime.slack.for_team(team_id)
    except NotInstalledError as exc:
        print(f"mentor-bot: {exc}", file=sys.stderr)
        return 2
    # An import is a batch job: sit out Slack's rate limits rather than fail rows.
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=5))
    try:
        report = import_org(runtime, team_id, client, text, source=args.file)
    except OrgFileError as exc:
        print(f"mentor-bot: nothing imported from {args.file}: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_runtime
    from bot.export import export_pairings

    db = _open_database(settings, auto_migrate=False)
    export = export_pairings(build_runtime(settings, db=db), args.team)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as f:
                f.write(export.csv_text)
        except OSError as exc:
            print(f"mentor-bot: cannot write {args.output}: {exc}", file=sys.stderr)
            return 2
        print(f"Wrote {export.rows} pairing(s) of {args.team} to {args.output}.", file=sys.stderr)
    else:
        sys.stdout.write(export.csv_text)
    return 0


def cmd_export_person(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_runtime
    from bot.data_rights import NoSuchPerson, export_json, export_person

    db = _open_database(settings, auto_migrate=False)
    try:
        data = export_person(build_runtime(settings, db=db), args.team, args.user)
    except NoSuchPerson:
        print(f"mentor-bot: {args.user} has no mentoring data in {args.team}.", file=sys.stderr)
        return 1
    text = export_json(data)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            print(f"mentor-bot: cannot write {args.output}: {exc}", file=sys.stderr)
            return 2
        print(f"Wrote the mentoring data of {args.user} in {args.team} to {args.output}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_match(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_runtime
    from bot.matchmaking import run_round, teams_with_open_requests

    db = _open_database(settings, auto_migrate=False)
    runtime = build_runtime(settings, db=db)
    teams = args.team or teams_with_open_requests(runtime)
    if not teams:
        print("No copilot requests are waiting; nothing to match.")
        return 0
    for team_id in teams:
        report = run_round(runtime, team_id, seed=args.seed, dry_run=args.dry_run)
        print("\n".join(report.lines()))
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
    db = _open_database(settings, auto_migrate=False)
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


def cmd_demo(_settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import DemoError, run_demo

    # The demo's HTTP requests and Slack calls would drown the transcript in INFO lines.
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    try:
        result = run_demo(seed=args.seed)
    except DemoError as exc:
        print(f"mentor-bot demo stopped: {exc}", file=sys.stderr)
        return 1
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(result.transcript)
        except OSError as exc:
            print(f"mentor-bot: cannot write {args.output}: {exc}", file=sys.stderr)
            return 2
        print(f"Wrote the transcript to {args.output}.")
    elif not args.quiet:
        print(result.transcript)
    print(result.summary)
    return 0

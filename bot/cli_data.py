"""The command line's data commands: import-org, match, export, export-person and demo.

Each checks everything it can before it touches anything: the arguments, then the Slack credentials it
will need, then the database (opened, and on SQLite migrated, only once the rest is in order).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.config import ConfigError, Mode, Settings, resolve_mode
from bot.database import open_database

if TYPE_CHECKING:
    from storage.db import Database

Command = Callable[..., argparse.ArgumentParser]

ROUND_EXPLAINED = (
    "A matching round pairs all the waiting copilot requests of a workspace at once, choosing the pairs "
    "together rather than one request at a time, under the same matching rules. Each proposed copilot "
    "still gets an offer to accept or decline.\n"
    "  mentor-bot match --round --dry-run    print the proposed pairs, with scores and reasons; change nothing\n"
    "  mentor-bot match --round              run it in every workspace with waiting requests\n"
    "  mentor-bot match --round --team T…    run it in one workspace (repeat --team for several)"
)


def add_commands(command: Command) -> None:
    import_org = command(
        "import-org",
        cmd_import_org,
        help="load the org chart (managers, teams, titles, levels) from a CSV file",
        description="CSV columns: email or slack_id; manager_email or manager_slack_id; team; title; level. "
        "Exit code 1: some rows were bad or managers form a loop (the good rows are saved; the link that "
        "closes a loop is not). Exit code 2: nothing was imported.",
    )
    import_org.add_argument("file", help="the CSV file (UTF-8, first line is the header)")
    import_org.add_argument(
        "--team", help="workspace id (T...); default: the workspace SLACK_BOT_TOKEN belongs to"
    )
    import_org.add_argument(
        "--check",
        "--dry-run",
        dest="check",
        action="store_true",
        help="only check the file, offline: parse, validate, report by line; touch neither Slack nor the database",
    )

    match = command(
        "match",
        cmd_match,
        help="pair every waiting copilot request at once (a matching round)",
        description="Each proposed copilot gets an offer to accept or decline. "
        "With --dry-run, print the proposed pairs with scores and reasons and change nothing.",
    )
    match.add_argument("--round", action="store_true", help="run a matching round")
    match.add_argument(
        "--team", action="append", help="workspace id (T...); repeat for several; default: every workspace"
    )
    match.add_argument(
        "--dry-run", action="store_true", help="print the proposed pairs; change and send nothing"
    )
    match.add_argument("--seed", type=int, default=0, help="tie-break seed, to reproduce a round (default 0)")

    export = command(
        "export",
        cmd_export,
        help="write a CSV of every pairing in a workspace (program-level fields only)",
        description="Columns: pairing id, mentee, copilot (names and Slack ids), teams, state, health, created, "
        "activated, ended, end_reason, cadence, last_met, meetings, cross_team. Never goals, answers or notes.",
    )
    export.add_argument("--team", required=True, help="workspace id (T...)")
    export.add_argument("--format", choices=["csv"], default="csv", help="only csv for now")
    export.add_argument("--output", help="file to write (default: standard output)")

    export_person = command(
        "export-person",
        cmd_export_person,
        help="one person's own mentoring data as JSON (what they wrote, not their partner's notes)",
    )
    export_person.add_argument("--team", required=True, help="workspace id (T...)")
    export_person.add_argument("--user", required=True, help="the person's Slack user id (U...)")
    export_person.add_argument("--output", help="file to write (default: standard output)")

    demo = command(
        "demo",
        cmd_demo,
        help="try mentor-bot without Slack: a simulated program, printed as a chat transcript",
        description="Runs a five-week story (volunteers, requests, matching, expectations, check-ins, an "
        "introduction, a lead's summary) against the real app and a local Slack stand-in, on a temporary "
        "database that is removed afterwards. Needs no Slack credentials and changes nothing.",
    )
    demo.add_argument("--seed", type=int, default=0, help="shuffle the cast's first names (default 0)")
    demo.add_argument("--quiet", action="store_true", help="print only the summary, not the transcript")
    demo.add_argument(
        "--locale",
        default="en-US",
        help="the Slack locale of every colleague, e.g. fr or fr-CA to play the program in French (default en-US)",
    )
    demo.add_argument("--output", help="write the transcript to this file instead of standard output")


def _fail(message: str) -> int:
    print(f"mentor-bot: {message}", file=sys.stderr)
    return 2


def _write(path: str, text: str) -> str | None:
    """Write the file; the problem in words if it can't be written."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None


def _unknown_workspace(db: Database, team_id: str) -> str | None:
    from storage.workspaces import known_workspaces

    with db.transaction() as session:
        known = known_workspaces(session)
    if team_id in known:
        return None
    listed = ", ".join(known[:10]) + (" …" if len(known) > 10 else "") if known else "none yet"
    return f"I know no workspace {team_id} (known: {listed}). Check --team."


# --- import-org -------------------------------------------------------------------------------------


def cmd_import_org(settings: Settings, args: argparse.Namespace) -> int:
    from bot.people.org_csv import OrgFileError, check_org_file

    try:
        with open(args.file, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"cannot read {args.file}: {exc}")
    if args.check:
        try:
            report = check_org_file(text, source=args.file)
        except OrgFileError as exc:
            return _fail(f"{args.file} can't be imported: {exc}")
        print("\n".join(report.lines()))
        return 0 if report.ok else 1
    problem = _import_credentials_problem(settings, args.team)
    if problem:
        return _fail(problem)
    return _import_org(settings, args, text)


def _import_credentials_problem(settings: Settings, team: str | None) -> str | None:
    """Everything an import needs from the settings, said at once, before anything is opened."""
    try:
        mode = resolve_mode(settings)
    except ConfigError:
        mode = None
    if mode is Mode.OAUTH:
        if not team:
            return (
                "say which workspace with --team T… (in OAuth mode each workspace has its own token). "
                "To check the file without Slack, add --check."
            )
        return None
    if not settings.slack_bot_token:
        need = "" if team else " and which workspace (--team T…, or the one the token belongs to)"
        return (
            f"import-org looks people up in Slack, so it needs SLACK_BOT_TOKEN (xoxb-…){need}. "
            "To check the file without Slack, add --check."
        )
    if not settings.slack_bot_token.startswith("xoxb-"):
        return "SLACK_BOT_TOKEN must be a bot token starting with xoxb-."
    return None


def _import_org(settings: Settings, args: argparse.Namespace, text: str) -> int:
    from slack_sdk.errors import SlackApiError, SlackClientError
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    from bot.app import build_runtime
    from bot.people.org_csv import OrgFileError, parse_org_csv
    from bot.people.org_import import import_org
    from bot.slack import NotInstalledError, SlackClients

    try:
        parse_org_csv(text)  # a file that can't be imported at all is said before Slack or the database
    except OrgFileError as exc:
        return _fail(f"nothing imported from {args.file}: {exc}")
    team_id = args.team
    if not team_id:
        try:
            team_id = SlackClients(settings).new_client(settings.slack_bot_token).auth_test()["team_id"]
        except (SlackApiError, SlackClientError, OSError) as exc:
            return _fail(f"Slack refused SLACK_BOT_TOKEN ({type(exc).__name__}); use --team.")
    runtime = build_runtime(settings, db=open_database(settings))
    try:
        client = runtime.slack.for_team(team_id)
    except NotInstalledError as exc:
        return _fail(str(exc))
    # An import is a batch job: sit out Slack's rate limits rather than fail rows.
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=5))
    report = import_org(runtime, team_id, client, text, source=args.file)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


# --- match, export, export-person ----------------------------------------------------------------------


def cmd_match(settings: Settings, args: argparse.Namespace) -> int:
    if not args.round:
        print(ROUND_EXPLAINED, file=sys.stderr)
        return 2
    from bot.app import build_runtime
    from bot.copilots.rounds import run_round, teams_with_open_requests

    db = open_database(settings)
    for team_id in args.team or []:
        unknown = _unknown_workspace(db, team_id)
        if unknown:
            return _fail(unknown)
    runtime = build_runtime(settings, db=db)
    teams = args.team or teams_with_open_requests(runtime)
    if not teams:
        print("No copilot requests are waiting; nothing to match.")
        return 0
    for team_id in teams:
        report = run_round(runtime, team_id, seed=args.seed, dry_run=args.dry_run)
        print("\n".join(report.lines()))
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_runtime
    from bot.oversight.export import export_pairings

    db = open_database(settings)
    unknown = _unknown_workspace(db, args.team)
    if unknown:
        return _fail(unknown)
    export = export_pairings(build_runtime(settings, db=db), args.team)
    if not args.output:
        sys.stdout.write(export.csv_text)
        return 0
    problem = _write(args.output, export.csv_text)
    if problem:
        return _fail(problem)
    print(f"Wrote {export.rows} pairing(s) of {args.team} to {args.output}.", file=sys.stderr)
    return 0


def cmd_export_person(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_runtime
    from bot.people.person_export import NoSuchPerson, export_json, export_person

    db = open_database(settings)
    unknown = _unknown_workspace(db, args.team)
    if unknown:
        return _fail(unknown)
    try:
        data = export_person(build_runtime(settings, db=db), args.team, args.user)
    except NoSuchPerson:
        print(f"mentor-bot: {args.user} has no mentoring data in {args.team}.", file=sys.stderr)
        return 1
    text = export_json(data)
    if not args.output:
        sys.stdout.write(text)
        return 0
    problem = _write(args.output, text)
    if problem:
        return _fail(problem)
    print(f"Wrote the mentoring data of {args.user} in {args.team} to {args.output}.", file=sys.stderr)
    return 0


# --- demo -------------------------------------------------------------------------------------------------


def cmd_demo(_settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo.run import DemoError, run_demo
    from bot.i18n import LANGUAGES, supported

    if supported(args.locale) is None:
        return _fail(f"the demo has no catalog for {args.locale!r}; choose one of {', '.join(LANGUAGES)}")
    # The demo's HTTP requests and Slack calls would drown the transcript in INFO lines.
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    try:
        result = run_demo(seed=args.seed, locale=args.locale)
    except DemoError as exc:
        print(f"mentor-bot demo stopped: {exc}", file=sys.stderr)
        return 1
    if args.output:
        problem = _write(args.output, result.transcript)
        if problem:
            return _fail(problem)
        print(f"Wrote the transcript to {args.output}.")
    elif not args.quiet:
        print(result.transcript)
    print(result.summary)
    return 0

"""`mentor-bot doctor`: settings, database, migrations, Slack credentials and scopes, scheduler health."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import InvalidToken
from slack_sdk.errors import SlackApiError, SlackClientError

from bot import outbox
from bot.clock import Clock, SystemClock
from bot.config import DEFAULT_SCOPES, ConfigError, Mode, Settings, resolve_mode
from bot.sealed_tokens import KeyProblem, SealedInstallationStore, TokenSealer, TokenState
from bot.slack import SlackClients
from storage.db import Database, connect, pending_migrations
from storage.urls import masked, sqlite_file

# A due message older than this means no dispatcher is running.
SCHEDULER_LATE = timedelta(minutes=10)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    skipped: bool = False

    def line(self) -> str:
        mark = "–" if self.skipped else "✓" if self.ok else "✗"
        return f"{mark} {self.name}: {self.detail}"


def _skipped(name: str, why: str) -> Check:
    return Check(name, True, f"skipped: {why}", skipped=True)


def run_checks(settings: Settings, clock: Clock | None = None, db: Database | None = None) -> list[Check]:
    """One check per line; a check that cannot run says so and why. Creates nothing (no SQLite file)."""
    clock = clock or SystemClock()
    checks: list[Check] = []
    try:
        mode: Mode | None = resolve_mode(settings)
        checks.append(Check("settings", True, f"{mode.title} mode"))
    except ConfigError as exc:
        mode = None
        checks.append(Check("settings", False, str(exc).splitlines()[0]))

    opened_here = db is None
    database, no_database = _database_check(settings, db)
    checks.append(database)
    db = None if no_database else (db or connect(settings.database_url))
    try:
        pending = pending_migrations(db) if db is not None else []
        if db is None:
            checks.append(_skipped("migrations", no_database or ""))
        else:
            checks.append(
                Check(
                    "migrations",
                    not pending,
                    "up to date" if not pending else f"{len(pending)} pending: run `mentor-bot migrate`",
                )
            )
        checks.extend(_slack_checks_for(settings, mode))
        if mode is Mode.OAUTH:
            checks.append(_token_key_check(settings, None if pending else db))
        if db is None:
            checks.append(_skipped("scheduler", no_database or ""))
        elif pending:
            checks.append(_skipped("scheduler", "the database needs its migrations first"))
        else:
            checks.append(_scheduler_check(db, clock))
    finally:
        if opened_here and db is not None:
            db.dispose()
    return checks


def _database_check(settings: Settings, db: Database | None) -> tuple[Check, str | None]:
    """The database line, and why the checks that need the database can't run (None: they can)."""
    path = sqlite_file(settings.database_url)
    if db is None and path is not None and path.parent.is_dir() and not path.exists():
        detail = f"no database file at {path.resolve()} yet: `mentor-bot migrate` (or `run`) creates it"
        return Check("database", False, detail), "no database yet"
    probe = db or connect(settings.database_url)
    try:
        reason, dialect = probe.unreachable_because(), probe.engine.dialect.name
    finally:
        if db is None:
            probe.dispose()
    if reason is not None:
        detail = f"cannot reach {masked(settings.database_url)}: {reason}"
        return Check("database", False, detail), "the database is unreachable"
    return Check("database", True, f"reachable ({dialect}, {masked(settings.database_url)})"), None


def _slack_checks_for(settings: Settings, mode: Mode | None) -> list[Check]:
    if mode in (Mode.SOCKET, Mode.HTTP):
        return _slack_checks(lambda: SlackClients(settings).new_client(settings.slack_bot_token).auth_test())
    if mode is Mode.OAUTH:
        return [
            Check("slack", True, "OAuth mode: tokens come from installations (checked per workspace at use)")
        ]
    why = "no SLACK_BOT_TOKEN" if not settings.slack_bot_token else "the settings above are not valid"
    return [_skipped("slack auth.test", why), _skipped("scopes", why)]


def _token_key_check(settings: Settings, db: Database | None) -> Check:
    """TOKEN_ENCRYPTION_KEYS seals and opens, and opens every token stored (never shown)."""
    name = "token key"
    keys = settings.token_encryption_keys
    try:
        sealer = TokenSealer(keys)
        assert sealer.open(sealer.seal("xoxb-doctor")) == "xoxb-doctor"
    except (KeyProblem, InvalidToken, AssertionError) as exc:
        return Check(name, False, str(exc) or "TOKEN_ENCRYPTION_KEYS does not seal and open a token")
    held = f"{len(keys)} key(s), newest first"
    if db is None or not settings.slack_client_id:
        return Check(name, True, f"{held}; stored tokens not checked (no migrated database)")
    census = SealedInstallationStore(settings.slack_client_id, db.engine, sealer).census()
    unreadable, plain, older = (
        census.of(s) for s in (TokenState.UNREADABLE, TokenState.PLAIN, TokenState.OLDER_KEY)
    )
    if unreadable:
        return Check(
            name,
            False,
            f"{unreadable} stored token(s) open with none of the {len(keys)} key(s): put back the key they "
            "were sealed with (after the new one) and restart, so they are resealed",
        )
    if plain:
        return Check(name, False, f"{plain} token(s) stored in plain text: start the app to seal them")
    if older:
        return Check(
            name, True, f"{held}; {older} token(s) still under an older key (resealed at the next start)"
        )
    return Check(name, True, f"{held}; all {census.of(TokenState.CURRENT)} stored token(s) sealed")


def _slack_checks(auth_test: Callable[[], object]) -> list[Check]:
    try:
        response = auth_test()
    except SlackApiError as exc:
        return [Check("slack auth.test", False, f"Slack refused the token ({exc.response.get('error')})")]
    except SlackClientError as exc:
        return [Check("slack auth.test", False, f"could not reach Slack ({type(exc).__name__})")]
    except OSError as exc:
        return [Check("slack auth.test", False, f"could not reach Slack ({type(exc).__name__})")]
    team = response.get("team")  # type: ignore[attr-defined]
    checks = [Check("slack auth.test", True, f"bot user of workspace {team!r}")]
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}  # type: ignore[attr-defined]
    granted = {s.strip() for s in headers.get("x-oauth-scopes", "").split(",") if s.strip()}
    if not granted:
        checks.append(Check("scopes", False, "Slack did not report the granted scopes"))
    else:
        missing = sorted(set(DEFAULT_SCOPES) - granted)
        detail = (
            "match the manifest"
            if not missing
            else f"missing {', '.join(missing)}: reinstall the app from manifest.yml"
        )
        checks.append(Check("scopes", not missing, detail))
    return checks


def _scheduler_check(db: Database, clock: Clock) -> Check:
    now = clock.now()
    with db.transaction() as session:
        waiting = outbox.backlog(session, now)
    oldest, failed = waiting.oldest_due, waiting.failed
    if oldest is not None and now - oldest > SCHEDULER_LATE:
        minutes = int((now - oldest).total_seconds() // 60)
        return Check(
            "scheduler",
            False,
            f"a message has been due for {minutes} min: is `mentor-bot scheduler` (or run) running?",
        )
    return Check("scheduler", True, f"nothing overdue; {failed} message(s) failed for good")

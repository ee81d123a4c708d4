"""`mentor-bot doctor`: settings, database, migrations, Slack credentials and scopes, scheduler health."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import func, select

from bot.clock import Clock, SystemClock
from bot.config import DEFAULT_SCOPES, ConfigError, Mode, Settings, resolve_mode
from bot.slack import SlackClients
from storage.db import Database, connect, pending_migrations
from storage.models import OutboxMessage

# A due message older than this means no dispatcher is running.
SCHEDULER_LATE = timedelta(minutes=10)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.detail}"


def run_checks(settings: Settings, clock: Clock | None = None, db: Database | None = None) -> list[Check]:
    clock = clock or SystemClock()
    checks: list[Check] = []
    try:
        mode: Mode | None = resolve_mode(settings)
        checks.append(Check("settings", True, f"{mode.title} mode"))
    except ConfigError as exc:
        mode = None
        checks.append(Check("settings", False, str(exc).splitlines()[0]))

    db = db or connect(settings.database_url)
    if not db.ping():
        checks.append(
            Check("database", False, "unreachable: check DATABASE_URL and that the server is running")
        )
        return checks
    checks.append(Check("database", True, f"reachable ({db.engine.dialect.name})"))
    pending = pending_migrations(db)
    checks.append(
        Check(
            "migrations",
            not pending,
            "up to date" if not pending else f"{len(pending)} pending: run `mentor-bot migrate`",
        )
    )
    if mode in (Mode.SOCKET, Mode.HTTP):
        checks.extend(
            _slack_checks(lambda: SlackClients(settings).new_client(settings.slack_bot_token).auth_test())
        )
    elif mode is Mode.OAUTH:
        checks.append(
            Check("slack", True, "OAuth mode: tokens come from installations (checked per workspace at use)")
        )
    if not pending:
        checks.append(_scheduler_check(db, clock))
    return checks


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
        oldest = session.scalar(
            select(func.min(OutboxMessage.due_at)).where(
                OutboxMessage.status == "pending", OutboxMessage.due_at <= now
            )
        )
        failed = session.scalar(select(func.count()).where(OutboxMessage.status == "failed")) or 0
    if oldest is not None and now - oldest > SCHEDULER_LATE:
        minutes = int((now - oldest).total_seconds() // 60)
        return Check(
            "scheduler",
            False,
            f"a message has been due for {minutes} min: is `mentor-bot scheduler` (or run) running?",
        )
    return Check("scheduler", True, f"nothing overdue; {failed} message(s) failed for good")

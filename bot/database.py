"""Opening the database for a command or a process: reachable and migrated, or one line that says what to
fix (the URL printed with its password masked), never a traceback."""

from __future__ import annotations

import logging

from bot.config import ConfigError, Settings
from storage.db import Database, connect, migrate, pending_migrations
from storage.urls import masked, sqlite_file

log = logging.getLogger("mentor-bot")


def unreachable(url: str, reason: str) -> str:
    return (
        f"mentor-bot cannot reach the database at {masked(url)}: {reason}. "
        "Check DATABASE_URL and that the server is running."
    )


def first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def open_database(settings: Settings, *, auto_migrate: bool = False) -> Database:
    """The database, reachable and migrated, or a ConfigError that says what to fix."""
    path = sqlite_file(settings.database_url)
    if path is not None and not path.parent.is_dir():
        raise ConfigError(
            f"mentor-bot cannot open the SQLite database {path}: the folder {path.parent.resolve()} does not "
            "exist. Create it, or set DATABASE_URL to a file in a folder that exists."
        )
    db = connect(settings.database_url)
    reason = db.unreachable_because()
    if reason is not None:
        db.dispose()
        raise ConfigError(unreachable(settings.database_url, reason))
    pending = pending_migrations(db)
    if pending and (auto_migrate or db.is_sqlite):
        log.info("applying %d database migration(s)", len(pending))
        migrate(db)
    elif pending:
        raise ConfigError(f"The database needs {len(pending)} migration(s). Run `mentor-bot migrate` first.")
    return db

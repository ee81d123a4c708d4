"""DATABASE_URL as mentor-bot reads it: SQLite or PostgreSQL (psycopg 3), printed with the password masked."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///mentor-bot.db"
SUPPORTED_URLS = "sqlite:///FILE.db or postgresql://USER:PASSWORD@HOST:5432/NAME (postgres:// works too)"


class UnsupportedDatabaseURL(ValueError):
    """DATABASE_URL is not a URL, or names a database or driver mentor-bot does not ship. One line."""


def database_url(url: str) -> URL:
    """The URL mentor-bot connects with. `postgres://` (what Heroku Postgres and many hosts set) and
    `postgresql://` get the installed psycopg 3 driver; any other database or driver is refused."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UnsupportedDatabaseURL(f"DATABASE_URL is not a database URL. Use {SUPPORTED_URLS}.") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed
    if backend in ("postgres", "postgresql") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    scheme = parsed.drivername
    if backend in ("postgres", "postgresql"):
        raise UnsupportedDatabaseURL(
            f"DATABASE_URL asks for the {driver} driver ({scheme}://), which mentor-bot does not install: "
            f"use postgresql:// (psycopg 3)."
        )
    raise UnsupportedDatabaseURL(
        f"DATABASE_URL uses {scheme}://, which mentor-bot does not support. Use {SUPPORTED_URLS}."
    )


def masked(url: str | URL) -> str:
    """The URL as it may be printed: the password is shown as ***."""
    try:
        return (url if isinstance(url, URL) else make_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def sqlite_file(url: str | URL) -> Path | None:
    """The file a SQLite URL points at (None for PostgreSQL and for an in-memory database)."""
    parsed = url if isinstance(url, URL) else make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)

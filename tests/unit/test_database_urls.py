"""DATABASE_URL as hosts set it: postgres:// and postgresql:// reach psycopg 3; anything else is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import NoSuchModuleError

from bot.config import ConfigError, load_settings
from storage.db import connect
from storage.urls import UnsupportedDatabaseURL, database_url, masked, sqlite_file


@pytest.mark.parametrize(
    "url",
    [
        "postgres://mentor:s3cret@db.example.com:5432/mentorbot",
        "postgresql://mentor:s3cret@db.example.com:5432/mentorbot",
        "postgresql+psycopg://mentor:s3cret@db.example.com:5432/mentorbot",
    ],
)
def test_every_postgres_form_uses_psycopg_3(url: str):
    parsed = database_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.username, parsed.password, parsed.host, parsed.port, parsed.database) == (
        "mentor",
        "s3cret",
        "db.example.com",
        5432,
        "mentorbot",
    )
    # The engine loads the installed driver: no NoSuchModuleError for `postgres`, and no connection yet.
    engine = connect(url).engine
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")


def test_settings_store_the_url_the_driver_understands():
    settings = load_settings({"DATABASE_URL": "postgres://u:p%40ss@h:5433/db"}, env_file=None)
    assert settings.database_url == "postgresql+psycopg://u:p%40ss@h:5433/db"
    assert database_url(settings.database_url).password == "p@ss"


def test_the_sqlalchemy_default_would_have_failed():
    """What the issue saw, so the test above means something: SQLAlchemy has no `postgres` dialect."""
    from sqlalchemy import create_engine

    with pytest.raises(NoSuchModuleError):
        create_engine("postgres://u@h/db")


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("mysql://u:p@h/db", "mysql://"),
        ("mysql+pymysql://u@h/db", "mysql+pymysql://"),
        ("mssql+pyodbc://u@h/db", "mssql+pyodbc://"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite://"),
    ],
)
def test_an_unsupported_database_gets_one_line_naming_the_supported_ones(url: str, named: str):
    with pytest.raises(ConfigError) as raised:
        load_settings({"DATABASE_URL": url}, env_file=None)
    message = str(raised.value)
    assert "\n" not in message and named in message
    assert "sqlite:///" in message and "postgresql://" in message and "postgres://" in message
    assert "p@h" not in message and ":p" not in message  # no password


def test_another_postgres_driver_is_named():
    with pytest.raises(UnsupportedDatabaseURL, match=r"psycopg2 driver .* use postgresql://"):
        database_url("postgresql+psycopg2://u@h/db")


def test_sqlite_urls_pass_unchanged():
    for url in ("sqlite:///mentor-bot.db", "sqlite:////var/lib/m.db", "sqlite://", "sqlite+pysqlite:///a.db"):
        assert database_url(url).render_as_string(hide_password=False) == url
    assert sqlite_file("sqlite:///data/m.db") == Path("data/m.db")
    assert sqlite_file("sqlite://") is None and sqlite_file("postgres://h/db") is None


def test_masked_hides_the_password_only():
    assert masked("postgres://mentor:s3cret@h:5432/db") == "postgres://mentor:***@h:5432/db"
    assert masked("sqlite:///m.db") == "sqlite:///m.db"


def test_a_missing_sqlite_folder_is_named_and_not_created(tmp_path: Path):
    db = connect(f"sqlite:///{tmp_path / 'nowhere' / 'm.db'}")
    assert db.unreachable_because() == f"the folder {tmp_path / 'nowhere'} does not exist"
    assert not (tmp_path / "nowhere").exists()
    assert not db.ping()


def test_an_unreachable_server_is_explained_without_its_password():
    db = connect("postgres://mentor:hunter2@127.0.0.1:9/mentorbot")
    reason = db.unreachable_because()
    assert reason is not None and "hunter2" not in reason and "\n" not in reason
    db.dispose()

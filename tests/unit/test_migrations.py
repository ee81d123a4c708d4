"""The Alembic migrations build exactly the schema the models describe, and run both ways."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import Database, alembic_config, connect, migrate, pending_migrations
from storage.models import Base


def test_migrated_schema_matches_the_models(db: Database):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    # slack-sdk's OAuth tables are created by the migration but are not part of our models.
    diff = [d for d in diff if not _is_slack_sdk_table(d)]
    assert diff == []
    assert pending_migrations(db) == []


def _is_slack_sdk_table(change: tuple) -> bool:
    kind, item = change[0], change[1]
    if kind == "remove_table":
        return item.name.startswith("slack_")
    return kind == "remove_index" and item.table.name.startswith("slack_")


def test_fresh_sqlite_database_migrates_up_and_down(tmp_path):
    fresh = connect(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert pending_migrations(fresh) != []
    migrate(fresh)
    tables = set(inspect(fresh.engine).get_table_names())
    assert {
        "people",
        "pairings",
        "outbox",
        "agreements",
        "slack_installations",
        "slack_oauth_states",
    } <= tables
    command.downgrade(alembic_config(fresh), "base")
    assert set(inspect(fresh.engine).get_table_names()) <= {"alembic_version"}
    fresh.dispose()

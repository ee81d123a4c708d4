"""Alembic environment: `mentor-bot migrate` passes its engine; the alembic CLI falls back to DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from dotenv import dotenv_values
from sqlalchemy import create_engine

from storage.models import Base
from storage.urls import DEFAULT_DATABASE_URL, database_url

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # slack-sdk owns its installation and OAuth-state tables (created in 0001); autogenerate leaves them be.
    table = (
        obj.table.name
        if type_ in ("index", "column", "unique_constraint", "foreign_key_constraint")
        else name
    )
    return not (reflected and compare_to is None and str(table).startswith("slack_"))


def run_migrations_online() -> None:
    engine = config.attributes.get("connection_engine")
    if engine is None:
        # The alembic command line on its own: DATABASE_URL from the environment or .env, as mentor-bot reads it.
        url = (
            os.environ.get("DATABASE_URL")
            or dotenv_values(".env").get("DATABASE_URL")
            or DEFAULT_DATABASE_URL
        )
        engine = create_engine(database_url(url))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a SQLite table by dropping it; with foreign keys on, that drop
            # deletes every row that references it (ON DELETE CASCADE). SQLite's own advice for schema
            # changes: keys off during the change, then check them.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"migration left {len(broken)} rows with a broken foreign key")


run_migrations_online()

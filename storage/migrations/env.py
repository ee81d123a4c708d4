"""Alembic environment: `mentor-bot migrate` passes its engine; the alembic CLI falls back to DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from storage.models import Base

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
        from bot.config import load_settings

        engine = create_engine(load_settings().database_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()

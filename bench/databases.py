"""The benchmarks' throwaway database: a new SQLite file, or the given PostgreSQL emptied, migrated."""

from __future__ import annotations

import tempfile

from sqlalchemy import text

from storage.db import Database, connect, migrate


def fresh_database(url: str | None) -> tuple[Database, str]:
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    db = connect(url)
    if not db.is_sqlite:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate(db)
    return db, url

"""Engine and session factory. SQLite by default; PostgreSQL for scale and for several processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from storage.urls import database_url, sqlite_file

MIGRATIONS = Path(__file__).parent / "migrations"


# The session `Database.one_transaction` shares with every `transaction()` opened inside it, on this thread.
_sharing: ContextVar[tuple[Database, Session] | None] = ContextVar("shared_transaction", default=None)


@dataclass(frozen=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error. Inside `one_transaction`, the
        session of that one."""
        shared = _sharing.get()
        if shared is not None and shared[0] is self:
            yield shared[1]
            return
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def one_transaction(self) -> Iterator[Session]:
        """One transaction for everything inside, however many `transaction()` blocks it opens: for a
        page of reads (App Home), which then costs one pool checkout and one BEGIN/COMMIT instead of one
        per section, and reads one consistent snapshot. Nothing inside may count on an inner block having
        committed on its own."""
        with self.sessions.begin() as session:
            token = _sharing.set((self, session))
            try:
                yield session
            finally:
                _sharing.reset(token)

    def ping(self) -> bool:
        return self.unreachable_because() is None

    def unreachable_because(self) -> str | None:
        """None when a round trip works; otherwise why not, in the driver's words (first line)."""
        folder = _missing_folder(self.engine.url)
        if folder is not None:
            return f"the folder {folder} does not exist"
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return None
        except Exception as exc:
            reason = getattr(exc, "orig", None) or exc
            lines = str(reason).strip().splitlines()
            return _without_password(lines[0] if lines else type(reason).__name__, self.engine.url)

    def dispose(self) -> None:
        self.engine.dispose()


def _missing_folder(url: URL) -> Path | None:
    path = sqlite_file(url)
    if path is None or path.parent.is_dir():
        return None
    return path.parent.resolve()


def _without_password(text: str, url: URL) -> str:
    return text.replace(url.password, "***") if isinstance(url.password, str) and url.password else text


def connect(url: str | URL) -> Database:
    # hide_parameters: SQL errors would otherwise echo row values, which may be private mentoring text.
    # The PostgreSQL pool is sized for the 64 listener threads (handlers/registry.py): with 10+10
    # connections, acks queued behind after-ack work holding connections (p99 1.7 s at 200 req/s).
    parsed = database_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(
            parsed, pool_pre_ping=True, pool_size=20, max_overflow=30, pool_timeout=5, hide_parameters=True
        )
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL lets the web threads read while the dispatcher writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL is crash-safe (a power cut may lose the last commits, never corrupt the file)
    # and saves an fsync per commit, which dominated request handling under load.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection_engine"] = db.engine
    return config


def migrate(db: Database, revision: str = "head") -> None:
    command.upgrade(alembic_config(db), revision)


def pending_migrations(db: Database) -> list[str]:
    """Revisions not yet applied (empty when the schema is current)."""
    script = ScriptDirectory.from_config(alembic_config(db))
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    heads = set(script.get_heads())
    if current == heads:
        return []
    return [rev.revision for rev in script.walk_revisions() if rev.revision not in current][::-1]

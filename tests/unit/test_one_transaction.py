"""`Database.one_transaction`: every `transaction()` inside shares its session, and nothing is committed
before it ends (App Home draws its page this way)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import Person

NOW = datetime(2026, 3, 9, tzinfo=UTC)


def _people(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Person)) or 0


def test_inner_blocks_share_the_session_and_commit_with_the_outer_one(db: Database):
    with db.one_transaction() as outer:
        with db.transaction() as first:
            first.add(Person(team_id="T1", slack_user_id="U1", name="ana", created_at=NOW))
        with db.transaction() as second:
            assert second is first is outer
            assert second.scalar(select(func.count()).select_from(Person)) == 1  # its own write
        seen_elsewhere = []
        other = threading.Thread(target=lambda: seen_elsewhere.append(_people(db)))
        other.start()
        other.join(5)
        assert seen_elsewhere == [0]  # not committed yet: another connection sees nothing
    assert _people(db) == 1


def test_an_error_inside_rolls_back_everything(db: Database):
    with pytest.raises(RuntimeError), db.one_transaction():
        with db.transaction() as session:
            session.add(Person(team_id="T1", slack_user_id="U2", name="bo", created_at=NOW))
        raise RuntimeError("a section failed")
    assert _people(db) == 0


def test_other_threads_keep_their_own_transactions(db: Database):
    sessions = []
    with db.one_transaction() as outer:
        other = threading.Thread(target=lambda: sessions.append(db.transaction().__enter__()))
        other.start()
        other.join(5)
    assert sessions and sessions[0] is not outer
    sessions[0].close()

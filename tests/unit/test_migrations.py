"""The Alembic migrations build exactly the schema the models describe, and run both ways."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, bindparam, inspect, text

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


@pytest.fixture
def empty_database(tmp_path) -> Iterator[Database]:
    """An empty database of the suite's kind: a SQLite file, or a schema of its own on PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        fresh = connect(f"sqlite:///{tmp_path / 'old.db'}")
        yield fresh
        fresh.dispose()
        return
    admin = connect(url)
    with admin.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS migration_test CASCADE"))
        conn.execute(text("CREATE SCHEMA migration_test"))
    fresh = connect(url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dmigration_test")
    yield fresh
    fresh.dispose()
    with admin.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA migration_test CASCADE"))
    admin.dispose()


def test_0005_moves_stored_role_words_to_copilot(empty_database: Database):
    """Pairings agreed before the copilot vocabulary keep who organises and who proposed what."""
    fresh = empty_database
    config = alembic_config(fresh)
    command.upgrade(config, "0004")
    now = "2026-03-02 09:00:00"
    with fresh.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO people (id, team_id, slack_user_id, name, real_name, tz, tz_offset, is_deleted,"
                " is_bot, is_guest, is_workspace_admin, digest_enabled, created_at) VALUES"
                " (1, 'T1', 'UA', 'a', 'a', 'UTC', 0, false, false, false, false, true, :now),"
                " (2, 'T1', 'UB', 'b', 'b', 'UTC', 0, false, false, false, false, true, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO pairings (id, team_id, mentee_id, mentor_id, state, organiser, cross_team,"
                " created_at, version) VALUES (1, 'T1', 1, 2, 'active', 'mentor', false, :now, 0)"
            ),
            {"now": now},
        )
        terms = {"organiser": "mentor", "expectations": {"mentee": "x", "mentor": "mentor"}}
        proposals = {
            "organiser": {"value": "mentor", "by": "mentor", "id": "t"},
            "term_end": {"mentor": "renew"},
        }
        conn.execute(
            text(
                "INSERT INTO agreements (id, team_id, pairing_id, version, status, terms, proposals, created_at)"
                " VALUES (1, 'T1', 1, 1, 'confirmed', :terms, :proposals, :now)"
            ).bindparams(bindparam("terms", type_=JSON), bindparam("proposals", type_=JSON)),
            {"terms": terms, "proposals": proposals, "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO expectation_answers (id, team_id, pairing_id, person_id, round, answers,"
                " submitted_at) VALUES (1, 'T1', 1, 2, 1, :answers, :now)"
            ).bindparams(bindparam("answers", type_=JSON)),
            {"answers": {"organiser": "mentor", "goals": "mentor"}, "now": now},
        )
    command.upgrade(config, "0005")
    with fresh.engine.connect() as conn:
        assert conn.execute(text("SELECT copilot_id, organiser FROM pairings")).one() == (2, "copilot")
        terms_after, proposals_after = conn.execute(text("SELECT terms, proposals FROM agreements")).one()
        answers_after = conn.execute(text("SELECT answers FROM expectation_answers")).scalar_one()
        assert "copilot_profiles" in set(inspect(fresh.engine).get_table_names())
    # Free text that happens to say "mentor" is left as it was written.
    terms_after, proposals_after, answers_after = (
        json.loads(v) if isinstance(v, str) else v for v in (terms_after, proposals_after, answers_after)
    )
    assert terms_after == {
        "organiser": "copilot",
        "expectations": {"mentee": "x", "copilot": "mentor"},
    }
    assert proposals_after == {
        "organiser": {"value": "copilot", "by": "copilot", "id": "t"},
        "term_end": {"copilot": "renew"},
    }
    assert answers_after == {"organiser": "copilot", "goals": "mentor"}
    command.downgrade(config, "0004")
    with fresh.engine.connect() as conn:
        assert conn.execute(text("SELECT mentor_id, organiser FROM pairings")).one() == (2, "mentor")


def test_0006_names_each_outbox_rows_subject_and_one_spelling_of_kinds(empty_database: Database):
    """Rows queued before subjects existed can still be cancelled by subject, and keep their dedupe keys."""
    fresh = empty_database
    config = alembic_config(fresh)
    command.upgrade(config, "0005")
    now = "2026-03-02 09:00:00"
    # (id, kind before 0006, dedupe key, pairing_id) → (kind after, subject_id after)
    rows = {
        1: (("nudge.checkin", "checkin:1:2", 1), ("nudge_checkin", 12)),
        2: (("nudge.stalled", "stall:1:202603010900:1", 1), ("nudge_stalled", 1)),
        3: (
            ("nudge.report_back_follow_up", "report_back_follow_up:41", 1),
            ("nudge_report_back_follow_up", 41),
        ),
        4: (("pulse", "pulse:1:1:2", 1), ("pulse", 31)),
        5: (("pairing.unreachable", "unreachable:2:1", 1), ("pairing_unreachable", 1)),
        6: (("offer_closed", "offer:7:withdrawn", None), ("offer_closed", 7)),
        7: (("admin_waiting", "admin:UA:request:5:waiting:0", None), ("admin_waiting", 5)),
        8: (("request_update", "request:5:offer:7", None), ("request_update", 5)),
        9: (("nudge_intro_followup", "intro:8:followup:0", None), ("nudge_intro_followup", 8)),
        10: (("nudge_keep_in_touch", "contact:9:touch:2026-03-02", None), ("nudge_keep_in_touch", 9)),
        11: (("nudge_promise", "promise:6:due:1", None), ("nudge_promise", 6)),
        12: (("digest", "digest:1:2026-W10", None), ("digest", 51)),
        13: (("nudge_expectations", "expectations:1:1:2:r1", 1), ("nudge_expectations", 1)),
        # a check-in that no longer exists: nothing to name
        14: (("nudge.checkin", "checkin:1:9", 1), ("nudge_checkin", None)),
    }
    with fresh.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO people (id, team_id, slack_user_id, name, real_name, tz, tz_offset, is_deleted,"
                " is_bot, is_guest, is_workspace_admin, digest_enabled, created_at) VALUES"
                " (1, 'T1', 'UA', 'a', 'a', 'UTC', 0, false, false, false, false, true, :now),"
                " (2, 'T1', 'UB', 'b', 'b', 'UTC', 0, false, false, false, false, true, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO pairings (id, team_id, mentee_id, copilot_id, state, organiser, cross_team,"
                " created_at, version) VALUES (1, 'T1', 1, 2, 'active', 'mentee', false, :now, 0)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO checkins (id, team_id, pairing_id, cycle, due_at, status) VALUES"
                " (11, 'T1', 1, 1, :now, 'met'), (12, 'T1', 1, 2, :now, 'pending')"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO pulses (id, team_id, pairing_id, person_id, round, asked_at) VALUES"
                " (30, 'T1', 1, 1, 1, :now), (31, 'T1', 1, 2, 1, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO lead_digests (id, team_id, lead_person_id, week, figures, created_at) VALUES"
                " (50, 'T1', 1, '2026-W09', :figures, :now), (51, 'T1', 1, '2026-W10', :figures, :now)"
            ).bindparams(bindparam("figures", type_=JSON)),
            {"figures": {}, "now": now},
        )
        for row_id, ((kind, key, pairing_id), _) in rows.items():
            conn.execute(
                text(
                    "INSERT INTO outbox (id, team_id, dedupe_key, kind, channel, payload, pairing_id, due_at,"
                    " status, attempts, created_at) VALUES"
                    " (:id, 'T1', :key, :kind, 'UA', :payload, :pairing_id, :now, 'pending', 0, :now)"
                ).bindparams(bindparam("payload", type_=JSON)),
                {"id": row_id, "key": key, "kind": kind, "payload": {}, "pairing_id": pairing_id, "now": now},
            )
    command.upgrade(config, "0006")
    with fresh.engine.connect() as conn:
        after = {
            r[0]: (r[1], r[2], r[3])
            for r in conn.execute(text("SELECT id, kind, subject_id, dedupe_key FROM outbox"))
        }
        indexes = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("outbox")}
    assert {row_id: (kind, subject) for row_id, (kind, subject, _) in after.items()} == {
        row_id: expected for row_id, (_, expected) in rows.items()
    }
    assert {row_id: key for row_id, (_, _, key) in after.items()} == {
        row_id: key for row_id, ((_, key, _), _) in rows.items()
    }
    assert indexes["ix_outbox_subject"] == ["kind", "subject_id"]
    command.downgrade(config, "0005")
    with fresh.engine.connect() as conn:
        kinds = dict(conn.execute(text("SELECT id, kind FROM outbox")).all())
        columns = {c["name"] for c in inspect(conn).get_columns("outbox")}
    assert kinds == {row_id: kind for row_id, ((kind, _, _), _) in rows.items()}
    assert "subject_id" not in columns

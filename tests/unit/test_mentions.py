"""One way to read who command text names: the union of what the five old copies accepted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.messages.text import mention, mentioned_user
from bot.people.directory import resolve_user, user_named
from storage.db import Database
from tests.harness import TEAM_ID
from tests.worlds import make

USER_IDS = st.from_regex(r"[UW][A-Z0-9]{2,11}", fullmatch=True)


@pytest.mark.parametrize(
    ("text", "user_id"),
    [
        ("<@U123>", "U123"),
        ("<@U123|ana>", "U123"),
        ("  <@W0ABC|Ana Ruiz>  ", "W0ABC"),
        ("U123", "U123"),
        ("W9Z8", "W9Z8"),
    ],
)
def test_escaped_mentions_and_bare_ids_name_a_user(text: str, user_id: str):
    assert mentioned_user(text) == user_id


@pytest.mark.parametrize(
    "text",
    [
        "",
        "@ana",
        "ana",
        "U1",
        "u123",
        "<@U123",
        "<@U123> <@U456>",
        "<!subteam^S123|@g>",
        "<#C123|general>",
        "S123",
    ],
)
def test_anything_else_names_nobody_without_the_directory(text: str):
    assert mentioned_user(text) is None


@given(USER_IDS, st.text(alphabet=st.characters(blacklist_characters=">"), max_size=20))
def test_reading_a_mention_undoes_formatting_it(user_id: str, label: str):
    assert mentioned_user(mention(user_id)) == user_id
    assert mentioned_user(f"<@{user_id}|{label}>") == user_id


def _people(db: Database, clock) -> None:
    with db.transaction() as session:
        make.person(session, "UANA", clock.now(), name="ana")
        make.person(session, "UBO1", clock.now(), name="bo")
        make.person(session, "UBO2", clock.now(), name="bo")  # two people share a handle
        make.person(session, "UGONE", clock.now(), name="gone", is_deleted=True)


def test_a_handle_is_looked_up_among_the_active_people_we_know(db: Database, clock):
    _people(db, clock)
    with db.transaction() as session:
        assert user_named(session, TEAM_ID, "@ana") == "UANA"
        assert user_named(session, TEAM_ID, " @ana ") == "UANA"
        assert user_named(session, TEAM_ID, "<@UZED|zed>") == "UZED"  # a mention needs no row
        assert user_named(session, TEAM_ID, "@bo") is None  # ambiguous
        assert user_named(session, TEAM_ID, "@gone") is None  # left the workspace
        assert user_named(session, TEAM_ID, "@nobody") is None
        # A bare word is text, not a handle: `/mentor promise ana ...` starts a sentence.
        assert user_named(session, TEAM_ID, "ana") is None
        assert user_named(session, "TOTHER", "@ana") is None  # another workspace's Ana is not ours


def test_resolve_user_is_user_named_in_its_own_transaction(db: Database, clock, slack, database_url):
    from bot.app import build_runtime
    from tests.harness import test_settings

    _people(db, clock)
    runtime = build_runtime(test_settings(slack, database_url), clock=clock, db=db)
    assert resolve_user(runtime, TEAM_ID, "@ana") == "UANA"
    assert resolve_user(runtime, TEAM_ID, "<@U77|x>") == "U77"
    assert resolve_user(runtime, TEAM_ID, "ana") is None

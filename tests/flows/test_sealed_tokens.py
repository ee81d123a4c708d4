"""OAuth tokens at rest: sealed with TOKEN_ENCRYPTION_KEYS (Fernet), read back for use, plain rows from an
earlier version read and sealed at start, keys rotated newest first, and `doctor` checking the key."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import text

from bot.clock import FixedClock
from bot.config import ConfigError, load_settings, resolve_mode
from bot.demo.slack_standin import SlackStandIn
from bot.doctor import run_checks
from bot.sealed_tokens import SealedInstallationStore, TokenSealer, new_key
from storage.db import Database
from tests.harness import TOKEN_KEY, RunningBot, install, start_bot, stop_server, test_settings

CLIENT_ID = "111.222"
EVENTS = itertools.count()
HOME = {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "D1"}


def oauth_settings(slack: SlackStandIn, database_url: str, keys: tuple[str, ...] = (TOKEN_KEY,)) -> Any:
    return test_settings(
        slack,
        database_url,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        token_encryption_keys=keys,
    )


@pytest.fixture
def serve(db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str) -> Iterator[Any]:
    """Start the OAuth app with given keys (as many times as a test likes); all are stopped at the end."""
    servers: list[Any] = []

    def start(keys: tuple[str, ...] = (TOKEN_KEY,)) -> RunningBot:
        running, server = start_bot(oauth_settings(slack, database_url, keys), db, slack, clock)
        servers.append(server)
        return running

    yield start
    for server in servers:
        stop_server(server)


def stored_tokens(db: Database) -> list[str]:
    """Every token column of slack-sdk's two tables, as stored."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT bot_token, bot_refresh_token, user_token, user_refresh_token FROM slack_installations"
            )
        ).all()
        rows += conn.execute(text("SELECT bot_token, bot_refresh_token, NULL, NULL FROM slack_bots")).all()
    return [value for row in rows for value in row if value]


def served_token(bot: RunningBot, team: str) -> str:
    bot.slack.add_user("U1", team_id=team)
    before = len(bot.slack.calls_to("views.publish"))
    # Each app instance numbers its events from 1: name them apart, or the second is a "retry".
    assert bot.event(HOME, team=team, event_id=f"EvServe{next(EVENTS)}").status == 200
    return bot.slack.wait_for("views.publish", before + 1)[-1].token or ""


def legacy_install(db: Database, team: str, token: str) -> None:
    """What an earlier version stored: slack-sdk's own store, tokens in plain text."""
    SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=db.engine).save(
        Installation(
            app_id="A0001",
            team_id=team,
            team_name="Legacy",
            bot_token=token,
            bot_id="B1",
            bot_user_id="UBOT",
            bot_scopes="commands,chat:write",
            user_id="U0INSTALLER",
            user_token="xoxp-legacy-user-token",
            installed_at=datetime(2026, 1, 1, tzinfo=UTC).timestamp(),
        )
    )


def test_an_installation_stores_no_token_in_plain_text(serve, db: Database):
    bot = serve()
    install(bot, "code-a", "TA", "Alpha")
    stored = stored_tokens(db)
    assert stored and all(value.startswith("gAAAAA") for value in stored)
    assert not [value for value in stored if "xox" in value]
    # ... and the workspace is still served with its own token, opened for use.
    assert served_token(bot, "TA") == "xoxb-TA-UBOT-standin".replace("UBOT", bot.slack.bot_user_id)


def test_plain_rows_from_an_earlier_version_are_read_and_sealed_at_start(serve, db: Database):
    legacy_token = "xoxb-TL-legacy-standin"
    legacy_install(db, "TL", legacy_token)
    assert legacy_token in stored_tokens(db)
    bot = serve()
    assert all(value.startswith("gAAAAA") for value in stored_tokens(db))
    assert served_token(bot, "TL") == legacy_token


def test_a_key_is_rotated_by_putting_the_new_one_first(serve, db: Database, slack, database_url: str):
    old, new = TOKEN_KEY, new_key()
    install(serve((old,)), "code-a", "TA", "Alpha")
    sealed_under_old = stored_tokens(db)
    bot = serve((new, old))  # restart with the new key in front: every token is resealed under it
    assert stored_tokens(db) != sealed_under_old
    assert all(TokenSealer((new,)).open(v) for v in stored_tokens(db))
    assert served_token(bot, "TA").startswith("xoxb-TA-")
    only_new = serve((new,))  # the old key can now go
    assert served_token(only_new, "TA").startswith("xoxb-TA-")


def _doctor(slack, database_url: str, db: Database, clock, keys: tuple[str, ...]) -> tuple[bool, str]:
    checks = {c.name: c for c in run_checks(oauth_settings(slack, database_url, keys), clock, db)}
    return checks["token key"].ok, checks["token key"].detail


def test_doctor_checks_the_key_against_every_stored_token(
    serve, db: Database, slack, clock, database_url: str
):
    legacy_install(db, "TL", "xoxb-TL-legacy-standin")
    ok, detail = _doctor(slack, database_url, db, clock, (TOKEN_KEY,))
    assert not ok and "plain text" in detail
    serve()  # seals them
    ok, detail = _doctor(slack, database_url, db, clock, (TOKEN_KEY,))
    assert ok and "sealed" in detail
    other = new_key()
    ok, detail = _doctor(slack, database_url, db, clock, (other,))
    assert not ok and "open with none" in detail
    ok, detail = _doctor(slack, database_url, db, clock, (other, TOKEN_KEY))
    assert ok and "older key" in detail
    assert TOKEN_KEY not in detail and other not in detail


def test_oauth_mode_needs_a_valid_key_and_never_prints_it(tmp_path):
    env = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}
    with pytest.raises(ConfigError, match="TOKEN_ENCRYPTION_KEYS is missing"):
        resolve_mode(load_settings(env, env_file=None))
    secretish = "not-a-fernet-key-but-secret-looking"
    with pytest.raises(ConfigError) as refused:
        load_settings({**env, "TOKEN_ENCRYPTION_KEYS": f"{TOKEN_KEY},{secretish}"}, env_file=None)
    assert "entry 2" in str(refused.value) and secretish not in str(refused.value)
    keys = load_settings({**env, "TOKEN_ENCRYPTION_KEYS": f" {TOKEN_KEY} , "}, env_file=None)
    assert keys.token_encryption_keys == (TOKEN_KEY,) and TOKEN_KEY not in repr(keys)


def test_the_sealed_store_seals_what_slack_sdk_would_store_plainly(db: Database):
    store = SealedInstallationStore(CLIENT_ID, db.engine, TokenSealer((TOKEN_KEY,)))
    legacy_install(db, "TL", "xoxb-plain")
    store.reseal_all()
    found = store.find_installation(enterprise_id=None, team_id="TL")
    assert found is not None and (found.bot_token, found.user_token) == (
        "xoxb-plain",
        "xoxp-legacy-user-token",
    )
    bot = store.find_bot(enterprise_id=None, team_id="TL")
    assert bot is not None and bot.bot_token == "xoxb-plain"


def test_new_token_key_prints_a_key_that_seals(capsys, monkeypatch):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", "sqlite:///unused.db")
    assert main(["new-token-key"]) == 0
    key = capsys.readouterr().out.strip()
    sealer = TokenSealer((key,))
    assert sealer.open(sealer.seal("xoxb-1")) == "xoxb-1"

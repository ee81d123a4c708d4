"""HTTP mode for many workspaces: install through OAuth, then each workspace is served with its own token."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from storage.db import Database
from tests.harness import RunningBot, http, install, start_bot, stop_server, test_settings


@pytest.fixture
def oauth_bot(
    db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str
) -> Iterator[RunningBot]:
    settings = test_settings(
        slack,
        database_url,
        slack_bot_token=None,
        slack_client_id="111.222",
        slack_client_secret="client-secret",
    )
    running, server = start_bot(settings, db, slack, clock)
    try:
        yield running
    finally:
        stop_server(server)


def test_two_workspaces_install_and_each_is_answered_with_its_own_token(oauth_bot: RunningBot):
    install(oauth_bot, "code-a", "TA", "Alpha")
    install(oauth_bot, "code-b", "TB", "Beta")
    exchanges = oauth_bot.slack.calls_to("oauth.v2.access")
    assert [c.args["code"] for c in exchanges] == ["code-a", "code-b"]

    for team in ("TA", "TB"):
        oauth_bot.slack.add_user("U1", team_id=team)
        oauth_bot.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "D1"}, team=team)
    publishes = oauth_bot.slack.wait_for("views.publish", count=2)
    tokens = {c.token for c in publishes}
    assert len(tokens) == 2, "each workspace is served with the bot token from its own installation"


def test_each_installation_is_checked_with_slack_once_not_on_every_request(oauth_bot: RunningBot):
    install(oauth_bot, "code-a", "TA", "Alpha")
    install(oauth_bot, "code-b", "TB", "Beta")
    before = len(oauth_bot.slack.calls_to("auth.test"))
    for _ in range(5):
        for team in ("TA", "TB"):
            oauth_bot.slack.add_user("U1", team_id=team)
            assert oauth_bot.command("help", team=team).status == 200
    checks = oauth_bot.slack.calls_to("auth.test")[before:]
    assert len(checks) <= 2, f"{len(checks)} auth.test calls for 10 requests from two workspaces"
    # An uninstalled workspace is refused at once, cache or not.
    oauth_bot.event({"type": "app_uninstalled"}, team="TB")
    deadline = time.monotonic() + 5
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=oauth_bot.runtime.db.engine)
    while store.find_bot(enterprise_id=None, team_id="TB") is not None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert oauth_bot.command("help", team="TB").body == b""


def test_a_workspace_that_never_installed_is_not_served(oauth_bot: RunningBot):
    install(oauth_bot, "code-a", "TA", "Alpha")
    reply = oauth_bot.command("help", team="TX")
    # Bolt answers 200 with an empty body (Slack shows nothing) and serves nothing for that workspace.
    assert reply.body == b""
    assert not oauth_bot.slack.calls_to("views.publish")


def test_a_bad_oauth_state_is_refused(oauth_bot: RunningBot):
    oauth_bot.slack.set_oauth_team("code-x", "TX", "X")
    reply = http("GET", f"{oauth_bot.url}/slack/oauth_redirect?code=code-x&state=forged")
    assert reply.status >= 400
    assert not oauth_bot.slack.calls_to("oauth.v2.access")


def test_an_uninstalled_workspace_is_forgotten(oauth_bot: RunningBot):
    install(oauth_bot, "code-a", "TA", "Alpha")
    reply = oauth_bot.event({"type": "app_uninstalled"}, team="TA")
    assert reply.status == 200
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=oauth_bot.runtime.db.engine)
    deadline = time.monotonic() + 5
    while store.find_bot(enterprise_id=None, team_id="TA") is not None:
        assert time.monotonic() < deadline, "the installation was not deleted"
        time.sleep(0.05)


def test_a_single_workspace_bot_acknowledges_an_uninstall(bot: RunningBot):
    assert bot.event({"type": "app_uninstalled"}).status == 200

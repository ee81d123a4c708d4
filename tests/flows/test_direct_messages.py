"""The Messages tab: a person's direct message to the bot gets a short reply with the main commands; the
bot's own messages, other bots', edits and channel messages get nothing (no loops)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from storage.db import Database
from tests.harness import RunningBot, start_bot, stop_server, test_settings


@pytest.fixture
def dm_bot(
    db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str
) -> Iterator[tuple[RunningBot, Any]]:
    running, server = start_bot(
        test_settings(slack, database_url, admin_user_ids=("UADMIN",)), db, slack, clock
    )
    stopped = False

    def settle() -> None:
        nonlocal stopped
        stop_server(server)  # waits for the work Bolt runs after each ack
        stopped = True

    try:
        yield running, settle
    finally:
        if not stopped:
            stop_server(server)


def dm(user: str, channel: str, text: str = "hello?", **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": "1.1",
        **extra,
    }


def test_a_direct_message_gets_the_main_commands_and_nothing_loops(dm_bot, slack: SlackStandIn):
    bot, settle = dm_bot
    slack.add_user("U1", name="ana", real_name="Ana Ruiz")
    slack.add_user("UADMIN", name="ada", real_name="Ada Admin")
    sent = [
        dm("U1", "D1"),
        dm("UADMIN", "D2", "how do I run a round?"),
        dm(slack.bot_user_id, "D1", "I work through the /mentor command"),  # the bot's own reply
        dm("U1", "D1", subtype="bot_message", bot_id="B9"),  # another bot
        dm("U9", "D1", bot_id="B9"),  # a bot posting with a user id
        dm("U1", "D1", subtype="message_changed"),  # an edit
        dm("U1", "D1", subtype="message_deleted"),
        {**dm("U1", "C1"), "channel_type": "channel"},  # not a direct message
    ]
    for event in sent:
        assert bot.event(event).status == 200
    settle()

    posts = slack.calls_to("chat.postMessage")
    assert sorted(p.args["channel"] for p in posts) == ["D1", "D2"]
    by_channel = {p.args["channel"]: str(p.args.get("blocks")) for p in posts}
    for blocks in by_channel.values():
        for command in ("/mentor request", "/mentor volunteer", "/mentor status", "/mentor help"):
            assert command in blocks
    assert "/mentor admin" not in by_channel["D1"] and "/mentor admin" in by_channel["D2"]
    assert all(p.token == bot.runtime.settings.slack_bot_token for p in posts)

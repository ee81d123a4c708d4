"""The first end-to-end slice: signed HTTP → the running app → an ephemeral answer."""

from __future__ import annotations

import time

from bot.demo.slack_standin import block_texts
from tests.harness import RunningBot, sign


def block_text(blocks: list[dict]) -> str:
    return "\n".join(block_texts(blocks))


def test_help_lists_the_subcommands_ephemerally(bot: RunningBot):
    reply = bot.command("help")
    assert reply.status == 200
    body = reply.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    text = block_text(body["blocks"])
    assert "/mentor help" in text
    assert "copilot" in text


def test_bare_mentor_shows_help(bot: RunningBot):
    assert "/mentor help" in block_text(bot.command("").json()["blocks"])


def test_unknown_subcommand_is_named_with_the_closest_suggestion(bot: RunningBot):
    body = bot.command("hlep me").json()
    text = block_text(body["blocks"])
    assert "I don't know `/mentor hlep`" in text
    assert "Did you mean `/mentor help`?" in text


def test_mention_syntax_in_an_unknown_subcommand_is_escaped(bot: RunningBot):
    body = bot.command("<!channel>").json()
    text = block_text(body["blocks"])
    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text


def test_bad_signature_is_refused_with_401(bot: RunningBot):
    reply = bot.post(
        b"command=%2Fmentor&text=help",
        "application/x-www-form-urlencoded",
        signed=False,
        headers={"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=deadbeef"},
    )
    assert reply.status == 401


def test_stale_timestamp_is_refused_with_401(bot: RunningBot):
    reply = bot.post(
        b"command=%2Fmentor&text=help",
        "application/x-www-form-urlencoded",
        timestamp=int(time.time()) - 10 * 60,
    )
    assert reply.status == 401


def test_unknown_paths_are_404(bot: RunningBot):
    assert bot.get("/nope").status == 404


def test_healthz_reports_the_database(bot: RunningBot):
    reply = bot.get("/healthz")
    assert reply.status == 200
    assert reply.json() == {"ok": True, "database": "ok"}


def test_app_home_is_published_when_opened(bot: RunningBot):
    reply = bot.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "D1"})
    assert reply.status == 200
    call = bot.slack.wait_for("views.publish")[0]
    assert call.args["user_id"] == "U1"
    assert call.args["view"]["type"] == "home"


def test_a_retried_event_is_handled_once(bot: RunningBot):
    event = {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "D1"}
    assert bot.event(event, event_id="Ev42").status == 200
    bot.slack.wait_for("views.publish")
    assert bot.event(event, event_id="Ev42", retry=1).status == 200
    time.sleep(0.3)
    assert len(bot.slack.calls_to("views.publish")) == 1


def test_a_replayed_signed_request_is_refused(bot: RunningBot):
    body = b"command=%2Fmentor&text=help&team_id=T0001&user_id=U1"
    headers = sign(body)
    first = bot.post(body, "application/x-www-form-urlencoded", signed=False, headers=headers)
    replay = bot.post(body, "application/x-www-form-urlencoded", signed=False, headers=headers)
    assert first.status == 200
    assert replay.status == 401
    assert replay.json()["error"] == "replayed_request"


def test_every_answer_carries_a_request_id(bot: RunningBot):
    assert len(bot.get("/healthz").headers["X-Request-Id"]) == 12

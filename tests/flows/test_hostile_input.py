"""Every free-text field of every modal, filled with what people really paste: too much, nothing, every
kind of Unicode, and Slack's own mention and link syntax. Nothing may crash, over-long text is refused
with a field error, and nothing the bot later shows anyone may turn typed text into a real ping or link."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.demo.slack_standin import block_texts
from tests.flows.hardening import CALLBACK_IDS, RIGHTFUL, answer_all, modals, text_inputs
from tests.harness import TrackedBot
from tests.worlds.private import World, seed_world

# Typed by a person, these must reach Slack escaped (&lt;!channel&gt;), never as live syntax.
LIVE_SYNTAX = [
    "<@U0ADMIN>",
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<#C123>",
    "<https://evil.example|click>",
]
MENTIONS = "Ping " + " ".join(LIVE_SYNTAX) + " &lt;b&gt; `code` *bold* _it_ ~x~ > quote"
UNICODE = "שלום עולם مرحبا بالعالم 👩‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 zero\u200bwidth\u200djoin\u2060 e\u0301\u0302\u0303 \u202eevil\u202c"
HOSTILE = {"mentions": MENTIONS, "unicode": UNICODE, "empty": "", "blank": " \u200b\n\t "}

# Modals whose free text reaches other people or App Home, with the rightful author.
TEXT_MODALS = [cid for cid in CALLBACK_IDS if RIGHTFUL.get(cid) is not None]


def _live(text: str) -> list[str]:
    return [s for s in LIVE_SYNTAX if s in text]


def _mrkdwn_texts(payload: Any) -> list[str]:
    """Every string Slack would parse as mrkdwn: mrkdwn text objects and a message's top-level text."""
    top = [payload["text"]] if isinstance(payload, dict) and isinstance(payload.get("text"), str) else []
    return top + block_texts(payload, kind="mrkdwn")


def _live_syntax_sent(bot: TrackedBot, replies: list[str]) -> list[str]:
    problems = []
    for call in bot.running.slack.calls:
        args = dict(call.args)
        for key in ("view", "blocks", "attachments"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        for text in _mrkdwn_texts(args):
            if _live(text):
                problems.append(f"{call.method}: {text[:200]}")
    for body in replies:
        try:
            parsed = json.loads(body)
        except ValueError:
            continue
        for text in _mrkdwn_texts(parsed):
            if _live(text):
                problems.append(f"reply: {text[:200]}")
    return problems


def _everything_shown(bot: TrackedBot, world: World) -> list[str]:
    """Deliver what was queued, then ask for every page a person or admin can see."""
    running = bot.running
    running.tick(running.clock.now() + timedelta(minutes=1))
    replies = []
    for user in world.people:
        running.event({"type": "app_home_opened", "user": user, "tab": "home"})
        for text in ("status", "contacts", "summary"):
            replies.append(running.command(text, user=user).text)
    bot.settle()
    return replies


def _submit(bot: TrackedBot, view: dict[str, Any], values: dict[str, Any], user: str) -> dict[str, Any]:
    reply = bot.running.submit(view, values, user=user)
    assert reply.status == 200, reply.text
    return reply.json() or {}


@pytest.mark.parametrize("callback_id", TEXT_MODALS)
def test_mentions_and_unicode_are_stored_and_shown_as_plain_text(tracked: TrackedBot, callback_id):
    world = seed_world(tracked.running)
    user, _ = RIGHTFUL[callback_id]  # type: ignore[misc]
    views = [v for v in modals(world)[callback_id] if text_inputs(v)]
    if not views:
        pytest.skip("no free text in this modal")
    replies = []
    for name, text in HOSTILE.items():
        for view in views:
            values = answer_all(world, view)
            for block_id, action_id, _ in text_inputs(view):
                values[block_id][action_id]["value"] = text
            answer = _submit(tracked, view, values, user)
            replies.append(json.dumps(answer))
            if name in ("empty", "blank") and answer.get("response_action") == "errors":
                assert all(isinstance(m, str) and m for m in answer["errors"].values())
    tracked.settle()
    replies += _everything_shown(tracked, world)
    assert not _live_syntax_sent(tracked, replies)
    sent = json.dumps([c.args for c in tracked.running.slack.calls], default=str)
    assert "Something went wrong on our side" not in sent


@pytest.mark.parametrize("callback_id", TEXT_MODALS)
def test_over_long_text_is_refused_with_a_field_error(tracked: TrackedBot, callback_id):
    world = seed_world(tracked.running)
    user, _ = RIGHTFUL[callback_id]  # type: ignore[misc]
    views = [v for v in modals(world)[callback_id] if text_inputs(v)]
    if not views:
        pytest.skip("no free text in this modal")
    fields = {(b, a, limit) for view in views for b, a, limit in text_inputs(view)}
    for block_id, action_id, limit in sorted(fields, key=str):
        for length in ((limit or 3000) + 1, 100_000):
            text = ("x" * 9 + " ") * (length // 10) + "x" * (length % 10)
            answers = []
            for view in views:  # one of them is the rightful person's own; the others refuse them
                values = answer_all(world, view)
                if block_id in values:
                    values[block_id][action_id]["value"] = text
                    answers.append(_submit(tracked, view, values, user))
            refused = [a for a in answers if block_id in (a.get("errors") or {})]
            assert refused, (callback_id, block_id, length, answers)
            assert all(a for a in answers), (callback_id, block_id, length, "accepted", answers)
    tracked.settle()
    sent = json.dumps([c.args for c in tracked.running.slack.calls], default=str)
    assert "Something went wrong on our side" not in sent

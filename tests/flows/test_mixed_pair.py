"""A French-speaking mentee and an English-speaking copilot (issue 13): each reads their own DMs, forms,
answers and App Home in their own language, and a message to both (their group DM) carries both
languages. Their Slack locales are all the bot knows of their languages."""

from __future__ import annotations

import re

from bot.demo.slack_standin import SlackStandIn
from tests.flows.journey import (
    ADMIN,
    CONTACT,
    COPILOT,
    LEAD,
    MENTEE,
    Reader,
    Words,
    add_people,
    play,
    texts_of,
    untranslated,
    words,
)
from tests.harness import RunningBot


def test_each_reads_their_own_language_and_their_group_dm_shows_both(
    admin_bot: RunningBot, slack: SlackStandIn
):
    add_people(slack, {MENTEE: "fr-CA", COPILOT: "en-GB", CONTACT: "fr-FR", LEAD: "en-US", ADMIN: "en-US"})
    reader = Reader(slack)
    play(admin_bot, reader)
    french = words("fr")

    amelie = reader.by(MENTEE)
    assert amelie and untranslated(amelie, french.english) == []
    assert re.search(r"\bcopilote\b", " ".join(amelie), re.I), "Amélie reads no French"

    julien = reader.by(COPILOT)
    assert julien and untranslated(julien, french.translated) == []
    assert untranslated(julien, french.english), "Julien reads none of the program's English"

    # Their group DM: a message of the program's words to both is in both languages, in one message, or
    # in two that follow each other when both versions don't fit in one (bot/messages/readers.py).
    groups = {
        s.reader for s in reader.received() if s.reader.startswith("G") and s.where == "chat.postMessage"
    }
    assert groups
    worded = 0
    for group in sorted(groups):
        spoken = [_languages(" ".join(texts), french) for texts in _messages_in(slack, group)]
        for i, languages in enumerate(spoken):
            if not languages:
                continue  # only what people typed, or words too short to tell
            worded += 1
            neighbours = set().union(*spoken[max(i - 1, 0) : i + 2])
            assert languages == {"en", "fr"} or neighbours == {"en", "fr"}, (
                f"group message {i} in {group}: {languages}"
            )
    assert worded, "no group message in the program's words"


def _languages(text: str, french: Words) -> set[str]:
    found = set()
    if untranslated([text], french.english):
        found.add("en")
    if untranslated([text], french.translated):
        found.add("fr")
    return found


def _messages_in(slack: SlackStandIn, channel: str) -> list[list[str]]:
    """Each message posted to `channel`, as the texts it is made of."""
    return [texts_of(c.args) for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == channel]

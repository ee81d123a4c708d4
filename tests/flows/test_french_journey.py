"""The whole program read in French (issue 13): every text the fake Slack received, and every answer the
app gave over HTTP, is scanned for English message ids of 3 words or more written out verbatim.

Everyone is a Slack user whose locale is fr-FR; nobody chose a language. The same journey with English
readers checks the scan itself: it sees every kind of surface, and it finds the source's English.
"""

from __future__ import annotations

import re

import pytest

from bot.demo.slack_standin import SlackStandIn
from tests.flows.journey import (
    ADMIN,
    CONTACT,
    COPILOT,
    LEAD,
    MENTEE,
    Reader,
    add_people,
    pattern_of,
    play,
    untranslated,
    words,
)
from tests.harness import RunningBot

EVERYONE = (MENTEE, COPILOT, CONTACT, LEAD, ADMIN)
SURFACES = {
    "chat.postMessage",
    "chat.update",
    "views.open",
    "views.update",
    "views.publish",
    "response_url",
    "http",
}


def journey(bot: RunningBot, slack: SlackStandIn, locale: str) -> Reader:
    add_people(slack, dict.fromkeys(EVERYONE, locale))
    reader = Reader(slack)
    play(bot, reader)
    return reader


def test_french_speakers_read_the_whole_program_in_french(admin_bot: RunningBot, slack: SlackStandIn):
    reader = journey(admin_bot, slack, "fr-FR")
    seen = reader.received()
    assert reader.kinds() >= SURFACES
    english = untranslated([s.text for s in seen], words("fr").english)
    assert english == [], f"{len(english)} English message ids read by French speakers"
    # And they do read French: the words of the program, not only the words they typed themselves.
    program = " ".join(s.text for s in seen if s.reader in (MENTEE, COPILOT))
    assert re.search(r"\bcopilote\b", program, re.I), "no French in what the pair read"


def test_english_speakers_read_english_and_the_scan_sees_it(admin_bot: RunningBot, slack: SlackStandIn):
    """The scan with the languages swapped: English readers, so the scan must find the source's ids."""
    reader = journey(admin_bot, slack, "en-US")
    seen = reader.received()
    assert reader.kinds() >= SURFACES
    assert {s.reader for s in seen} >= {MENTEE, COPILOT, LEAD, ADMIN}
    texts = [s.text for s in seen]
    ids = words("fr").english
    found = {msgid for msgid, _ in untranslated(texts, ids)}
    assert len(found) >= min(30, len(ids) // 10)
    # The matcher itself, on what was read: a sentence of the journey, with a mention made a placeholder.
    sentence = next(t for t in texts if re.search(r"<@U\w+>", t) and len(t.split()) > 5)
    as_msgid = re.sub(r"<@U\w+>", "<@{user}>", sentence, count=1)
    pattern = pattern_of(as_msgid)
    assert pattern is not None and untranslated(texts, {as_msgid: pattern})
    assert not untranslated(["Bonjour tout le monde, voici un texte."], {as_msgid: pattern})
    # French never shows for English readers.
    assert untranslated(texts, words("fr").translated) == []


@pytest.mark.parametrize(
    ("msgid", "text", "found"),
    [
        ("You and {name} agreed to meet {cadence}.", "You and *Julien* agreed to meet every week.", True),
        ("You and {name} agreed to meet {cadence}.", "Vous et Julien avez convenu de vous voir.", False),
        ("Not yet", "Not yet", False),  # too short to tell languages apart
        ("Hello <@{user}>, welcome to mentoring", "Hello <@U1>, welcome to mentoring!", True),
    ],
)
def test_the_scan_finds_a_filled_in_message_id(msgid: str, text: str, found: bool):
    pattern = pattern_of(msgid)
    assert bool(pattern is not None and untranslated([text], {msgid: pattern})) is found

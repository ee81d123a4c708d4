"""A planner's message templates (bot/messages/templates.py) write exactly what building each message would.

The check-in planner builds a nudge once per shape (languages, group or DM, the days it names), the
health-review planner its question once per language, the stall planner its nudge once per language
and cadence, and each fills in each row's ids; these tests hold the filled JSON to the JSON of the message built the ordinary way, in
every language and shape, with values that need escaping, and show that a builder which changes a value
(escapes or clips it) gets no template, so its rows are built one by one.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from datetime import date

import pytest

from bot.checkins.pulses import _question
from bot.checkins.stalls import _stall_nudge
from bot.demo.slack_standin import blocks_problems
from bot.i18n import LANGUAGES, reading_in
from bot.messages import checkins as views
from bot.messages.message import Message
from bot.messages.readers import in_languages
from bot.messages.templates import Template
from bot.messages.text import escape, section

READERS = [(language,) for language in LANGUAGES] + [("en", "fr"), ("fr", "en"), ("fr", "fr")]


def _nudges(readers: tuple[str, ...], in_group: bool, scheduled_for: date | None):
    def build(given: Mapping[str, str]) -> list[Message]:
        return in_languages(
            readers,
            lambda: views.checkin_message(
                checkin_id=given["checkin"],
                organiser_user_id=given["you"],
                partner_user_id=given["partner"],
                since=date(2026, 3, 4),
                scheduled_for=scheduled_for,
                in_group=in_group,
            ),
        )

    return build


@pytest.mark.parametrize("readers", READERS)
@pytest.mark.parametrize("in_group", [True, False])
@pytest.mark.parametrize("scheduled_for", [None, date(2026, 3, 18)])
def test_a_filled_nudge_is_the_nudge_built_for_that_row(readers, in_group, scheduled_for):
    build = _nudges(readers, in_group, scheduled_for)
    sample = {"checkin": "7", "you": "U0SAMPLE", "partner": "U0OTHER"}
    templates = [Template.of(lambda given, n=n: build(given)[n], sample) for n in range(len(build(sample)))]
    assert all(t is not None for t in templates)
    for row in [
        {"checkin": "123456", "you": "U12345678", "partner": "W87654321"},
        {"checkin": "9", "you": 'U"quoted\\', "partner": "Ü<!channel>&\n"},
    ]:
        filled = [json.loads(t.fill(row)) for t in templates]  # type: ignore[union-attr]
        built = [message.payload() for message in build(row)]
        assert filled == built
        assert all(not blocks_problems(payload["blocks"]) for payload in filled)
    assert templates[0].fill(sample).count("123456") == 0  # type: ignore[union-attr]


def test_a_builder_that_changes_a_value_gets_no_template():
    def escaping(given: Mapping[str, str]) -> Message:
        return Message(given["name"], [section(escape(given["name"]))])

    def clipping(given: Mapping[str, str]) -> Message:
        return Message(given["name"][:3], [])

    assert Template.of(escaping, {"name": "a<b"}) is None
    assert Template.of(clipping, {"name": "abcdef"}) is None
    # One that uses the value as it is gets one, and fills it JSON-escaped.
    plain = Template.of(lambda given: Message(f"<@{given['id']}>", []), {"id": "U1"})
    assert plain is not None
    assert json.loads(plain.fill({"id": 'U2"}'})) == {"text": '<@U2"}>', "blocks": []}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_filled_pulse_question_is_the_question_built_for_that_person(language):
    templates: dict[Hashable, Template | None] = {}
    for row in [
        {"pulse": "41", "partner": "U0SAMPLE"},
        {"pulse": "987654", "partner": "W87654321"},
        {"pulse": "9", "partner": 'U"quoted\\<!channel>'},
    ]:
        filled = json.loads(_question(language, row, templates))
        with reading_in(language):
            built = views.pulse_message(pulse_id=int(row["pulse"]), partner_user_id=row["partner"]).payload()
        assert filled == built
        assert not blocks_problems(filled["blocks"])
    assert templates[language] is not None  # one template per language, filled for each person


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("cadence", ["weekly", "biweekly", "monthly"])
def test_a_filled_stall_nudge_is_the_nudge_built_for_that_person(language, cadence):
    templates: dict[Hashable, Template | None] = {}
    for partner in ["U0SAMPLE", "W87654321", 'U"quoted\\<!channel>']:
        filled = json.loads(_stall_nudge(language, cadence, {"partner": partner}, templates))
        with reading_in(language):
            built = views.stall_message(partner_user_id=partner, cadence=cadence).payload()
        assert filled == built
        assert not blocks_problems(filled["blocks"])
    assert templates[(language, cadence)] is not None

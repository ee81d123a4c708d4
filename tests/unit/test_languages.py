"""Each person's language: the order it is decided in, the batch read, and one message for mixed readers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event

from bot.i18n import _, current_locale, format_date, reading_in
from bot.messages.message import Message
from bot.messages.readers import MESSAGE_MAX_BLOCKS, in_languages, plain_block_id
from bot.messages.text import actions, button, section
from bot.people import program_settings as program
from bot.people.languages import language_of, languages_across, languages_of, resolve, writing_for
from storage.db import Database
from tests.harness import TEAM_ID
from tests.worlds import make

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_persons_choice_comes_first_then_slack_then_the_workspace_then_english():
    assert resolve("en", "fr-CA", "fr") == "en"
    assert resolve(None, "fr-CA", "en") == "fr"
    assert resolve(None, "fr_FR", None) == "fr"
    assert resolve(None, "de-DE", "fr") == "fr"  # Slack's language has no catalog: the workspace's
    assert resolve(None, None, "fr") == "fr"
    assert resolve(None, "de-DE", None) == "en"
    assert resolve("xx", "pt-BR", "de") == "en"


@pytest.fixture
def people(db: Database) -> Iterator[Database]:
    with db.transaction() as session:
        make.person(session, "UCHOSE", NOW, language="en", slack_locale="fr-FR")
        make.person(session, "UQUEBEC", NOW, slack_locale="fr-CA")
        make.person(session, "UBERLIN", NOW, slack_locale="de-DE")
        make.person(session, "UPLAIN", NOW, slack_locale="en-US")
    yield db


def _statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_one_person_and_many_people_are_each_one_read(people: Database):
    seen = _statements(people)
    with people.transaction() as session:
        assert language_of(session, TEAM_ID, "UQUEBEC") == "fr"
        assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
        seen.clear()
        found = languages_of(session, TEAM_ID, ["UCHOSE", "UQUEBEC", "UBERLIN", "UPLAIN", "UNKNOWN"])
        assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
    assert found == {"UCHOSE": "en", "UQUEBEC": "fr", "UBERLIN": "en", "UPLAIN": "en", "UNKNOWN": "en"}


def test_the_workspace_language_applies_to_whoever_slack_gives_no_language_we_write(people: Database):
    with people.transaction() as session:
        program.save(session, TEAM_ID, program.ProgramSettings(language="fr"), NOW)
    with people.transaction() as session:
        assert language_of(session, TEAM_ID, "UBERLIN") == "fr"
        assert language_of(session, TEAM_ID, "UPLAIN") == "en"  # Slack said en-US: that is theirs
        assert language_of(session, TEAM_ID, "UNKNOWN") == "fr"
        assert language_of(session, TEAM_ID, "UCHOSE") == "en"
        assert languages_of(session, TEAM_ID, ["UBERLIN", "UNKNOWN"]) == {"UBERLIN": "fr", "UNKNOWN": "fr"}
        assert languages_across(session, [(TEAM_ID, "UQUEBEC"), ("TOTHER", "UQUEBEC")]) == {
            (TEAM_ID, "UQUEBEC"): "fr",
            ("TOTHER", "UQUEBEC"): "en",  # the same id in another workspace is someone else
        }


def test_writing_for_someone_builds_in_their_language_and_then_restores_the_readers(people: Database):
    with people.transaction() as session, reading_in("en"):
        with writing_for(session, TEAM_ID, "UQUEBEC"):
            assert format_date(date(2026, 3, 5)) == "jeu. 5 mars"
            assert current_locale() == "fr"
        assert current_locale() == "en"
        assert format_date(date(2026, 3, 5)) == "Thu 5 Mar"


# --- one message for readers of two languages ---------------------------------------------------------


def _nudge() -> Message:
    when = format_date(date(2026, 3, 5))
    blocks: list[dict[str, Any]] = [
        section(_("Have you met since {when}?", when=when)),
        actions(button("We met", "checkin_met", "12"), block_id="checkin_12"),
    ]
    return Message(text=when, blocks=blocks)


def test_readers_of_one_language_get_one_plain_message():
    [message] = in_languages(["fr", "fr"], _nudge)
    assert "mars" in message.text and len(message.blocks) == 2
    assert message.blocks[1]["block_id"] == "checkin_12"


def test_a_mixed_pair_gets_one_message_with_the_first_members_language_first():
    [message] = in_languages(["fr", "en"], _nudge)
    french, english = message.text.split("\n\n")
    assert "mars" in french and "Mar" in english
    assert [b["type"] for b in message.blocks] == ["section", "actions", "divider", "section", "actions"]
    assert "mars" in message.blocks[0]["text"]["text"] and "Mar" in message.blocks[3]["text"]["text"]
    # block ids stay unique in the message, and still name the check-in
    ids = [b["block_id"] for b in message.blocks if "block_id" in b]
    assert ids == ["checkin_12", "checkin_12.en"] and {plain_block_id(i) for i in ids} == {"checkin_12"}
    [other_way] = in_languages(["en", "fr"], _nudge)
    assert "Mar" in other_way.text.split("\n\n")[0]


def test_versions_that_do_not_fit_one_message_go_as_two_in_the_same_order():
    def long() -> Message:
        return Message(text=format_date(date(2026, 3, 5)), blocks=[section(str(n)) for n in range(30)])

    first, second = in_languages(["fr", "en"], long)
    assert "mars" in first.text and "Mar" in second.text
    assert len(first.blocks) == len(second.blocks) == 30 < MESSAGE_MAX_BLOCKS


def test_a_block_id_without_a_language_mark_is_left_as_it_is():
    assert plain_block_id("pairing_7.fr") == "pairing_7"
    assert plain_block_id("promise_3") == "promise_3"
    assert plain_block_id("odd.name") == "odd.name"

"""Each person reads their own language: `/mentor language`, App Home's menu, the workspace's default, and
the messages the planners build for someone else, over signed HTTP against the Slack stand-in.

Most strings are still English msgids on this branch; dates are already written by bot.i18n, so a French
reader is recognised by "lun. 2 mars" where an English one reads "Mon 2 Mar"."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.people import program_settings as program
from bot.people.directory import find_person
from storage.models import CheckIn, Person
from tests.flows.checkin_sim import Post, run_until
from tests.harness import TEAM_ID, RunningBot
from tests.worlds.make import seed_pair

FIRST_NUDGE = datetime(2026, 3, 9, 12, tzinfo=UTC)  # seed_pair's first weekly nudge has gone by then


def stored(bot: RunningBot, user_id: str) -> Person:
    with bot.runtime.db.transaction() as session:
        person = find_person(session, TEAM_ID, user_id)
        assert person is not None
        return person


def answered(bot: RunningBot, n: int = 1) -> str:
    return str(bot.slack.wait_for("response_url", n)[n - 1].args.get("text"))


def set_people(bot: RunningBot, **locales: str) -> None:
    with bot.runtime.db.transaction() as session:
        for user_id, locale in locales.items():
            session.execute(update(Person).where(Person.slack_user_id == user_id).values(slack_locale=locale))


def use_settings(bot: RunningBot, **changes: Any) -> None:
    with bot.runtime.db.transaction() as session:
        program.save(session, TEAM_ID, program.ProgramSettings(**changes), bot.clock.now())


# --- /mentor language -------------------------------------------------------------------------------------


def test_choosing_french_is_answered_in_french_and_kept(bot: RunningBot):
    bot.slack.add_user("UANA", name="ana", real_name="Ana Ruiz", locale="en-US")
    assert bot.command("language fr", user="UANA").status == 200
    assert "désormais, je vous écris dans cette langue : Français" in answered(bot)
    assert stored(bot, "UANA").language == "fr"
    assert stored(bot, "UANA").slack_locale == "en-US"  # learnt from users.info with include_locale

    # The next request is read in French from the start, whatever Slack says.
    wrong = bot.command("language klingon", user="UANA").text
    assert "Je ne sais pas écrire en `klingon`" in wrong and "`fr` (Français)" in wrong

    assert bot.command("language auto", user="UANA").status == 200
    assert answered(bot, 2) == "Done: I follow your Slack language again (English)."
    assert stored(bot, "UANA").language is None


def test_someone_we_never_met_is_answered_in_their_slack_language_from_the_first_request(bot: RunningBot):
    bot.slack.add_user("UCLO", name="clo", real_name="Chloé Tremblay", locale="fr-CA")
    text = bot.command("language", user="UCLO").text
    assert text.startswith("Choisissez la langue dans laquelle je vous écris")
    assert stored(bot, "UCLO").slack_locale == "fr-CA"
    [info] = bot.slack.calls_to("users.info")
    assert str(info.args.get("include_locale")).lower() in ("true", "1")


def test_the_workspace_language_is_read_by_someone_whose_slack_language_we_do_not_write(bot: RunningBot):
    use_settings(bot, language="fr")
    bot.slack.add_user("UKLAUS", name="klaus", real_name="Klaus Weber", locale="de-DE")
    bot.slack.add_user("UEMMA", name="emma", real_name="Emma Stone", locale="en-GB")
    assert bot.command("language", user="UKLAUS").text.startswith("Choisissez la langue")
    assert bot.command("language", user="UEMMA").text.startswith("Choose the language")


# --- App Home ---------------------------------------------------------------------------------------------


def _language_menu(view: dict[str, Any]) -> dict[str, Any]:
    for block in view["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == "language_choice":
            return accessory
    raise AssertionError("App Home has no language menu")


def _choose(bot: RunningBot, user: str, value: str) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": "trigger.home",
        "view": {"id": "VHOME", "type": "home", "private_metadata": "", "state": {"values": {}}},
        "container": {"type": "view", "view_id": "VHOME"},
        "actions": [
            {
                "action_id": "language_choice",
                "block_id": "language",
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
                "action_ts": "1700000000.000300",
            }
        ],
    }
    assert bot.interaction(payload).status == 200


def test_app_home_offers_the_languages_and_is_drawn_again_in_the_one_chosen(bot: RunningBot):
    bot.slack.add_user("USAM", name="sam", real_name="Sam Lee", locale="en-US")
    assert bot.event({"type": "app_home_opened", "user": "USAM", "tab": "home"}).status == 200
    first = bot.slack.wait_for("views.publish")[0].args["view"]
    menu = _language_menu(first)
    assert [o["value"] for o in menu["options"]] == ["en", "fr", "auto"]
    assert [o["text"]["text"] for o in menu["options"]] == ["English", "Français", "Follow my Slack language"]
    assert menu["initial_option"]["value"] == "auto"

    _choose(bot, "USAM", "fr")
    again = bot.slack.wait_for("views.publish", 2)[1].args["view"]
    assert "*Langue* : la langue dans laquelle mentor-bot vous écrit." in str(again["blocks"])
    assert _language_menu(again)["initial_option"]["value"] == "fr"
    assert stored(bot, "USAM").language == "fr"

    _choose(bot, "USAM", "auto")
    last = bot.slack.wait_for("views.publish", 3)[2].args["view"]
    assert _language_menu(last)["initial_option"]["value"] == "auto"
    assert stored(bot, "USAM").language is None


def test_the_program_settings_form_carries_the_workspace_language(bot: RunningBot):
    from bot.messages.program_settings import settings_from, settings_modal

    view = settings_modal(program.ProgramSettings(language="fr"))
    block = next(b for b in view["blocks"] if b.get("block_id") == "language")
    assert block["element"]["initial_option"]["value"] == "fr"
    chosen = {"language": {"language": {"type": "static_select", "selected_option": {"value": "fr"}}}}
    assert settings_from(chosen) == {"language": "fr"}
    assert program.validate({"language": "de"})[1] == {"language": "Choose one of en, fr"}


# --- what the planners build for someone else -------------------------------------------------------------


def _nudges(posts: list[Post]) -> list[Post]:
    return [p for p in posts if p.action("checkin_met")]


@pytest.mark.parametrize(("locale", "since"), [("fr-FR", "lun. 2 mars"), ("en-US", "Mon 2 Mar")])
def test_a_check_in_nudge_is_written_in_its_readers_language(bot: RunningBot, locale: str, since: str):
    seed_pair(bot)  # Ana (mentee, organiser) and Sam, weekly since Mon 2 March
    set_people(bot, UANA=locale, USAM="fr-FR" if locale == "en-US" else "en-US")
    [nudge] = _nudges(run_until(bot, FIRST_NUDGE))
    assert nudge.channel == "UANA"
    assert since in nudge.text and since in str(nudge.blocks)


def test_a_mixed_pair_reads_one_group_message_with_the_mentees_language_first(bot: RunningBot):
    use_settings(bot, checkin_delivery="group")
    pairing_id = seed_pair(bot)
    set_people(bot, UANA="fr-CA", USAM="en-US")  # Ana is the mentee
    [nudge] = _nudges(run_until(bot, FIRST_NUDGE))
    assert nudge.channel.startswith("G")
    french, english = nudge.text.split("\n\n")
    assert "lun. 2 mars" in french and "Mon 2 Mar" in english
    kinds = [b["type"] for b in nudge.blocks]
    half = kinds.index("divider")
    assert kinds[:half] == kinds[half + 1 :]  # the same message twice, French first
    assert "lun. 2 mars" in str(nudge.blocks[:half]) and "Mon 2 Mar" in str(nudge.blocks[half + 1 :])

    # Sam answers on his own (English) half: the date picker's block still names the check-in.
    [picker_block] = [b for b in nudge.blocks[half + 1 :] if b["type"] == "actions"]
    assert picker_block["block_id"].endswith(".en")
    reply = bot.click(
        "checkin_scheduled",
        user="USAM",
        block_id=picker_block["block_id"],
        selected_date="2026-03-12",
        message={"ts": "1700000000.000100", "text": "", "channel": nudge.channel},
    )
    assert reply.status == 200
    bot.slack.wait_for("response_url")
    with bot.runtime.db.transaction() as session:
        checkin = session.scalar(select(CheckIn).where(CheckIn.pairing_id == pairing_id))
        assert checkin is not None and checkin.status == "scheduled"


def test_a_pair_reading_the_same_language_gets_one_plain_group_message(bot: RunningBot):
    use_settings(bot, checkin_delivery="group")
    seed_pair(bot)
    set_people(bot, UANA="fr-FR", USAM="fr-BE")
    [nudge] = _nudges(run_until(bot, FIRST_NUDGE))
    assert "divider" not in [b["type"] for b in nudge.blocks]
    assert "lun. 2 mars" in nudge.text and "Mon" not in nudge.text


# --- the demo in French -----------------------------------------------------------------------------------


def test_the_demo_plays_in_french_with_every_colleague_reading_french():
    from bot.demo.run import run_demo

    french = run_demo(locale="fr-FR")
    assert not french.problems
    # What the bot wrote carries French dates ("mer. 4 mars"), never English ones ("Wed 4 Mar"); the
    # narration around it (each line's time, what a person clicked) is the demo's own, in English.
    said = [
        re.sub(r"^\[[^\]]*\] ", "", line)
        for line in french.transcript.splitlines()
        if " clicks " not in line and not line.startswith("===")
    ]
    assert any(re.search(r"\b(lun|mar|mer|jeu|ven)\. \d+ (mars|avr\.)", line) for line in said)
    assert not [line for line in said if re.search(r"\b(Mon|Tue|Wed|Thu|Fri) \d+ (Mar|Apr)\b", line)]


def test_the_demo_refuses_a_language_it_has_no_catalog_for(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--quiet", "--locale", "de-DE"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no catalog for 'de-DE'" in done.stderr and "en, fr" in done.stderr

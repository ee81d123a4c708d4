"""Volunteering: the form (prefilled when editing), errors on fields, pausing, and App Home."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.demo.slack_standin import SlackStandIn
from bot.people.topics import set_topics
from bot.rules.topics import DEFAULT_TOPICS
from storage.models import CopilotProfile
from tests.flows.copilots import all_text, eventually, open_form, volunteer_values
from tests.harness import RunningBot
from tests.worlds import make

VIC = "UVIC"


@pytest.fixture(autouse=True)
def vic(bot: RunningBot, slack: SlackStandIn) -> None:
    with bot.runtime.db.transaction() as session:
        make.person(session, VIC, bot.clock.now(), name="vic", slack=slack)


def profile(bot: RunningBot) -> CopilotProfile | None:
    with bot.runtime.db.transaction() as session:
        return session.scalar(select(CopilotProfile))


def field(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


def test_volunteer_form_errors_then_save_then_edit_prefilled(bot: RunningBot, slack: SlackStandIn):
    view = open_form(bot, "volunteer", VIC)
    assert view["callback_id"] == "volunteer_form"
    assert [o["value"] for o in field(view, "topics")["options"]] == sorted(DEFAULT_TOPICS, key=str.casefold)
    assert field(view, "capacity")["initial_value"] == "1"

    bad = bot.submit(
        view,
        volunteer_values(topics=(), tags="", capacity="9", available_until="2026-03-01", intro="x" * 501),
        user=VIC,
    ).json()
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {"topics", "capacity", "available_until", "intro"}
    long_tag = bot.submit(view, volunteer_values(tags="y" * 80), user=VIC).json()
    assert set(long_tag["errors"]) == {"tags"}
    assert profile(bot) is None

    good = bot.submit(
        view,
        volunteer_values(
            topics=("Giving feedback",),
            tags="Rust, conference talks, giving FEEDBACK",
            capacity="2",
            other_teams="no",
            intro="Ten years in support <!channel>",
        ),
        user=VIC,
    )
    assert good.status == 200
    note = slack.wait_for("chat.postEphemeral")[0].args
    assert note["channel"] == "C1" and "Giving feedback, Rust, conference talks" in note["text"]
    saved = eventually(lambda: profile(bot))
    assert saved.topics == ["Giving feedback", "Rust", "conference talks"]
    assert saved.capacity == 2 and saved.active and not saved.open_to_other_teams
    assert saved.intro == "Ten years in support <!channel>"  # stored as typed, escaped when shown

    again = open_form(bot, "volunteer", VIC)
    assert [o["value"] for o in field(again, "topics")["initial_options"]] == ["Giving feedback"]
    assert field(again, "tags")["initial_value"] == "Rust, conference talks"
    assert field(again, "capacity")["initial_value"] == "2"
    assert field(again, "other_teams")["initial_option"]["value"] == "no"


def test_volunteer_off_pauses_and_says_how_to_resume(bot: RunningBot, slack: SlackStandIn):
    bot.command("volunteer off", user=VIC)
    first = eventually(lambda: slack.calls_to("response_url"))[0].args["text"]
    assert "nothing to pause" in first
    view = open_form(bot, "volunteer", VIC)
    bot.submit(view, volunteer_values(), user=VIC)
    eventually(lambda: profile(bot))
    bot.command("volunteer off", user=VIC)
    text = eventually(lambda: len(slack.calls_to("response_url")) >= 2 and slack.calls_to("response_url"))[-1]
    assert "paused" in text.args["text"] and "/mentor volunteer" in text.args["text"]
    assert profile(bot).active is False


def test_app_home_shows_volunteering_with_edit_and_pause(bot: RunningBot, slack: SlackStandIn):
    bot.event({"type": "app_home_opened", "user": VIC, "tab": "home"})
    home = slack.wait_for("views.publish")[0].args["view"]
    assert "Volunteer as a copilot" in all_text(home)

    bot.click("volunteer_edit", user=VIC, value="edit", view=home)
    form = slack.wait_for("views.open")[0].args["view"]
    bot.submit(form, volunteer_values(topics=("Public speaking",), capacity="3"), user=VIC)
    home = slack.wait_for("views.publish", 2)[-1].args["view"]
    text = all_text(home)
    assert "You're volunteering:* Public speaking" in text and "Up to 3 at a time · 0 mentees now" in text

    bot.click("volunteer_pause", user=VIC, value="pause", view=home)
    bot.click("volunteer_pause", user=VIC, value="pause", view=home)  # a double click changes nothing more
    home = slack.wait_for("views.publish", 4)[-1].args["view"]
    assert "Volunteering is paused" in all_text(home)
    assert profile(bot).active is False and profile(bot).capacity == 3


def test_more_than_100_topics_are_offered_in_groups(bot: RunningBot):
    with bot.runtime.db.transaction() as session:
        assert set_topics(session, bot.team_id, [f"Topic {i:03d}" for i in range(250)]) == []
    view = open_form(bot, "volunteer", VIC)
    groups = field(view, "topics")["option_groups"]
    assert [len(g["options"]) for g in groups] == [100, 100, 50]

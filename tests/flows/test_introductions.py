"""Introductions over signed HTTP: the modal, the group DM, the follow-up a week later, the report back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.network.introductions import introduction_counts
from storage.models import Introduction, MentoringRequest, OutboxMessage
from tests.flows.copilots import introduction_values as values
from tests.flows.copilots import opened_view
from tests.harness import TEAM_ID, RunningBot
from tests.worlds import make

GOALS = "Learn to run <!channel> retros & give feedback"


@pytest.fixture
def pair(bot: RunningBot) -> dict[str, int]:
    """Mo is Ana's copilot (Berlin); Bo and Cy are colleagues; a bot user and a leaver exist too."""
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        ana = make.person(session, "UANA", now, name="ana", real_name="Ana Ruiz", slack=bot.slack)
        mo = make.person(session, "UMO", now, name="mo", real_name="Mo Chen", slack=bot.slack)
        make.person(session, "UBO", now, name="bo", real_name="Bo Lind", slack=bot.slack)
        make.person(session, "UCY", now, name="cy", real_name="Cy Park", slack=bot.slack)
        make.person(session, "UROBOT", now, name="robot", slack=bot.slack, is_bot=True)
        make.person(session, "UGONE", now, name="gone", slack=bot.slack, is_deleted=True)
        request = MentoringRequest(
            team_id=TEAM_ID, mentee_id=ana.id, goals=GOALS, topics=[], cadence="weekly", created_at=now
        )
        session.add(request)
        session.flush()
        pairing = make.pairing(session, ana, mo, now, request_id=request.id)
        return {"pairing": pairing.id, "ana": ana.id, "mo": mo.id}


def tick(bot: RunningBot, at: datetime) -> None:
    """A tick at `at` and one a minute later: the dispatcher paces a busy DM channel by a second."""
    bot.tick(at)
    bot.tick(at + timedelta(minutes=1))


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def intros(bot: RunningBot) -> list[Introduction]:
    with bot.runtime.db.transaction() as session:
        rows = list(session.scalars(select(Introduction).order_by(Introduction.id)))
        session.expunge_all()
        return rows


def message_with(bot: RunningBot, action_id: str) -> tuple[dict[str, Any], str]:
    """The last posted message carrying a button `action_id`, and that button's value."""
    for call in reversed(bot.slack.calls_to("chat.postMessage")):
        for b in call.args.get("blocks") or []:
            for element in b.get("elements", []):
                if element.get("action_id") == action_id:
                    return call.args, element.get("value", "")
    raise AssertionError(f"no message with {action_id}")


def test_a_copilot_introduces_their_mentee_and_hears_back_after_a_week(bot: RunningBot, pair):
    bot.command("intro @bo", user="UMO")
    view = opened_view(bot)
    assert view["callback_id"] == "intro_modal"
    assert block(view, "introduced")["element"]["initial_user"] == "UANA"  # the partner by default
    assert block(view, "contact")["element"]["initial_user"] == "UBO"
    reason = block(view, "reason")
    # The mentee's goals are private to the pair and this text goes to a third person: never prefilled.
    assert "initial_value" not in reason["element"] and GOALS not in json.dumps(view)
    assert "stays private" in reason["hint"]["text"]

    reply = bot.submit(view, values("UANA", "UBO", "Bo ran our retros for two years"), user="UMO")
    assert reply.json()["response_action"] == "update"
    assert "steps back" in str(reply.json()["view"])
    [intro] = intros(bot)
    assert (intro.status, intro.include_introducer) == ("made", True)

    bot.tick()  # the dispatcher opens the group DM and posts the introduction
    opened = bot.slack.wait_for("conversations.open")[0]
    assert sorted(opened.args["users"].split(",")) == ["UANA", "UBO", "UMO"]
    post = bot.slack.last("chat.postMessage").args
    assert post["channel"].startswith("G")
    assert post["text"] == "<@UANA>, meet <@UBO>: Bo ran our retros for two years"

    # Six days on: nothing yet. Seven days on, at 10:00 in Berlin: the follow-up to Ana.
    bot.tick(datetime(2026, 3, 8, 9, 0, tzinfo=UTC))
    assert all("Did you connect" not in c.args["text"] for c in bot.slack.calls_to("chat.postMessage"))
    bot.tick(datetime(2026, 3, 9, 8, 59, tzinfo=UTC))  # 09:59 in Berlin
    assert all("Did you connect" not in c.args["text"] for c in bot.slack.calls_to("chat.postMessage"))
    tick(bot, datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    follow_up, value = message_with(bot, "intro_met")
    assert follow_up["channel"] == "UANA"
    assert follow_up["text"].startswith("Did you connect with <@UBO>?")
    tick(bot, datetime(2026, 3, 9, 9, 5, tzinfo=UTC))  # the planner does not ask twice
    with bot.runtime.db.transaction() as session:
        keys = list(
            session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.kind.like("%intro%")))
        )
    assert sorted(keys) == [f"intro:{intro.id}:followup:1", f"intro:{intro.id}:made"]

    # Someone else can't answer for Ana.
    bot.click("intro_met", user="UCY", value=value)
    refusal = bot.slack.wait_for("response_url")[-1].args
    assert refusal["response_type"] == "ephemeral" and "Only the person" in refusal["text"]
    assert intros(bot)[0].status == "made"

    bot.click("intro_met", user="UANA", value=value)
    report_view = opened_view(bot, 2)
    assert report_view["callback_id"] == "intro_report_back"
    bot.click("intro_met", user="UANA", value=value)  # a double click changes nothing more
    met = bot.slack.wait_for("response_url", 3)[2].args["text"]
    assert "You met <@UBO>" in met and "Thanks" not in met  # nothing was sent yet to thank for
    assert len(bot.slack.calls_to("views.open")) == 3  # the report is offered again, nothing else changes
    assert intros(bot)[0].status == "met"

    too_long = bot.submit(report_view, {"report": {"text": {"value": "x" * 301}}}, user="UANA").json()
    assert "300 characters" in too_long["errors"]["report"]
    bot.submit(
        report_view, {"report": {"text": {"value": "Great chat, <@UMO> - Bo will pair on one"}}}, user="UANA"
    )
    bot.submit(report_view, {"report": {"text": {"value": "again"}}}, user="UANA")
    tick(bot, bot.clock.now())
    [report] = [c.args for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == "UMO"]
    assert report["text"].startswith("<@UANA> met <@UBO>, whom you introduced")
    assert "&lt;@UMO&gt;" in str(report["blocks"])
    assert intros(bot)[0].report_back == "Great chat, <@UMO> - Bo will pair on one"

    with bot.runtime.db.transaction() as session:
        assert introduction_counts(session, TEAM_ID) == (1, 1)
        assert introduction_counts(session, TEAM_ID, [pair["ana"]]) == (0, 0)


def test_a_mentee_introduces_their_copilot_and_can_leave_themselves_out(bot: RunningBot, pair):
    bot.command("intro <@UCY>", user="UANA")
    view = opened_view(bot)
    assert block(view, "introduced")["element"]["initial_user"] == "UMO"
    assert "initial_value" not in block(view, "reason")["element"]  # a mentee sees no goals to prefill

    bot.submit(view, values("UMO", "UCY", "Cy is hiring mentors for the guild", leave_out=True), user="UANA")
    bot.tick()
    opened = bot.slack.wait_for("conversations.open")[0]
    assert sorted(opened.args["users"].split(",")) == ["UCY", "UMO"]
    assert bot.slack.last("chat.postMessage").args["text"].startswith("<@UMO>, meet <@UCY>")
    [intro] = intros(bot)
    assert intro.pairing_id == pair["pairing"] and intro.include_introducer is False

    # "Not yet" asks once more a week later, then never again.
    tick(bot, datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    _, value = message_with(bot, "intro_not_yet")
    bot.click("intro_not_yet", user="UMO", value=value)
    bot.click("intro_not_yet", user="UMO", value=value)
    bot.slack.wait_for("response_url", 2)
    assert intros(bot)[0].status == "not_yet"
    tick(bot, datetime(2026, 3, 13, 9, 0, tzinfo=UTC))
    asks = [c for c in bot.slack.calls_to("chat.postMessage") if "Did you connect" in c.args["text"]]
    assert len(asks) == 1
    tick(bot, datetime(2026, 3, 16, 9, 0, tzinfo=UTC))
    asks = [c for c in bot.slack.calls_to("chat.postMessage") if "Did you connect" in c.args["text"]]
    assert len(asks) == 2 and "asking once more" in asks[-1].args["text"]
    bot.click("intro_not_happening", user="UMO", value=value)
    bot.slack.wait_for("response_url", 3)
    assert intros(bot)[0].status == "not_happening"
    tick(bot, datetime(2026, 3, 30, 9, 0, tzinfo=UTC))
    assert (
        len([c for c in bot.slack.calls_to("chat.postMessage") if "Did you connect" in c.args["text"]]) == 2
    )


def test_the_message_shortcut_opens_the_modal_with_the_author_as_contact(bot: RunningBot, pair):
    bot.interaction(
        {
            "type": "message_action",
            "callback_id": "intro_from_message",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": "UANA", "team_id": TEAM_ID},
            "channel": {"id": "C9"},
            "message": {"type": "message", "user": "UCY", "ts": "1.1", "text": "hi"},
            "trigger_id": "trigger.shortcut",
            "response_url": bot.slack.response_url("shortcut"),
            "token": "legacy",
            "api_app_id": "A0001",
        }
    )
    view = opened_view(bot)
    assert block(view, "contact")["element"]["initial_user"] == "UCY"
    assert block(view, "introduced")["element"]["initial_user"] == "UMO"


def test_introduction_fields_are_checked_with_errors_on_the_fields(bot: RunningBot, pair):
    bot.command("intro", user="UMO")
    view = opened_view(bot)

    def errors(*args: Any) -> dict[str, str]:
        return bot.submit(view, values(*args), user="UMO").json()["errors"]

    assert "two different people" in errors("UANA", "UANA", "why")["contact"]
    assert "introduce yourself" in errors("UMO", "UBO", "why")["introduced"]
    assert "bot" in errors("UANA", "UROBOT", "why")["contact"]
    assert "deactivated" in errors("UGONE", "UBO", "why")["introduced"]
    assert "1000 characters" in errors("UANA", "UBO", "x" * 1001)["reason"]
    assert "Pick the person" in errors(None, "UBO", "why")["introduced"]
    assert intros(bot) == []


def test_app_home_lists_introductions_made_by_me_and_for_me(bot: RunningBot, pair):
    bot.command("intro @bo", user="UMO")
    bot.submit(opened_view(bot), values("UANA", "UBO", "Retros"), user="UMO")
    bot.event({"type": "app_home_opened", "user": "UANA", "tab": "home"})
    home = str(bot.slack.wait_for("views.publish")[-1].args["view"])
    assert "Made for me" in home and "<@UANA> ↔ <@UBO> (by <@UMO>)" in home
    bot.event({"type": "app_home_opened", "user": "UMO", "tab": "home"})
    home = str(bot.slack.wait_for("views.publish", 2)[-1].args["view"])
    assert "Made by me" in home and "waiting to hear" in home
    assert "Retros" not in home  # the why stays in the group DM


def test_the_volume_guard_speaks_up_but_does_not_block(bot: RunningBot, pair):
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        for i in range(10):
            session.add(
                Introduction(
                    team_id=TEAM_ID,
                    introducer_id=pair["mo"],
                    introduced_id=pair["ana"],
                    contact_id=pair["ana"],
                    reason="",
                    # made over the past days: today's count stays under the daily limit
                    created_at=now - timedelta(days=i + 1),
                )
            )
    bot.command("intro @bo", user="UMO")
    view = opened_view(bot)
    assert "keeping track of 11 open introductions and promises" in view["blocks"][0]["elements"][0]["text"]
    reply = bot.submit(view, values("UANA", "UBO", "Retros"), user="UMO").json()
    assert "keeping track of 11 open introductions and promises" in str(reply["view"])
    assert len(intros(bot)) == 11


def test_the_follow_up_comes_at_the_nudge_hour_even_for_a_late_morning_introduction(bot: RunningBot, pair):
    bot.clock.set(datetime(2026, 3, 2, 10, 45, tzinfo=UTC))  # 11:45 in Berlin
    bot.command("intro @bo", user="UMO")
    view = opened_view(bot)
    bot.submit(view, values("UANA", "UBO", "Bo ran our retros for two years"), user="UMO")
    bot.tick()
    tick(bot, datetime(2026, 3, 9, 9, 0, tzinfo=UTC))  # a week later, 10:00 in Berlin
    follow_up, _ = message_with(bot, "intro_met")
    assert follow_up["channel"] == "UANA"

"""Contacts and promises over signed HTTP: private to their owner, nudged on the day, paged in App Home."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import Contact, Promise
from tests.harness import TEAM_ID, RunningBot
from tests.worlds import make


@pytest.fixture
def people(bot: RunningBot) -> dict[str, int]:
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        ana = make.person(session, "UANA", now, name="ana", real_name="Ana Ruiz", slack=bot.slack)
        eve = make.person(session, "UEVE", now, name="eve", real_name="Eve Nosy", slack=bot.slack)
        make.person(session, "UBO", now, name="bo", real_name="Bo Lind", slack=bot.slack)
        return {"ana": ana.id, "eve": eve.id}


def contact_values(**fields: Any) -> dict[str, Any]:
    def text(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text_input", "value": value}}

    return {
        "user": {"user": {"type": "users_select", "selected_user": fields.get("user")}},
        "name": text(fields.get("name", "")),
        "common_ground": text(fields.get("common_ground", "")),
        "notes": text(fields.get("notes", "")),
        "referrals": text(fields.get("referrals", "")),
        "last_talked": {"date": {"type": "datepicker", "selected_date": fields.get("talked")}},
        "keep_in_touch": {"days": {"type": "number_input", "value": fields.get("days", "")}},
    }


def contacts(bot: RunningBot) -> list[Contact]:
    with bot.runtime.db.transaction() as session:
        rows = list(session.scalars(select(Contact).order_by(Contact.id)))
        session.expunge_all()
        return rows


def promises(bot: RunningBot) -> list[Promise]:
    with bot.runtime.db.transaction() as session:
        rows = list(session.scalars(select(Promise).order_by(Promise.id)))
        session.expunge_all()
        return rows


def answered(bot: RunningBot, count: int) -> dict[str, Any]:
    """The `count`th answer to a click: the handler acks first and answers after its work is done."""
    return bot.slack.wait_for("response_url", count)[count - 1].args


def posts(bot: RunningBot, channel: str) -> list[dict[str, Any]]:
    return [c.args for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == channel]


def test_contacts_are_added_edited_and_private_to_their_owner(bot: RunningBot, people):
    reply = bot.command("contacts", user="UANA")
    assert "Your network is empty" in reply.json()["text"]
    bot.click("contact_add", user="UANA")
    view = bot.slack.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == "contact_modal"

    too_long = bot.submit(view, contact_values(name="x" * 201, notes="n" * 2001), user="UANA").json()
    assert "200 characters" in too_long["errors"]["name"]
    assert "2000 characters" in too_long["errors"]["notes"]
    nobody = bot.submit(view, contact_values(), user="UANA").json()
    assert "Pick someone in Slack or write their name" in nobody["errors"]["name"]
    assert contacts(bot) == []

    bot.submit(
        view, contact_values(user="UBO", common_ground="Both ex-physicists", talked="2026-02-20"), user="UANA"
    )
    bot.submit(view, contact_values(name="Dana <outside>", notes="Met at PyCon", days="30"), user="UANA")
    bo, dana = sorted(contacts(bot), key=lambda c: c.name)
    assert (bo.name, bo.slack_user_id, bo.last_talked_at) == ("Bo Lind", "UBO", date(2026, 2, 20))
    assert (dana.keep_in_touch_days, dana.touch_due_on) == (30, date(2026, 4, 1))

    listed = bot.command("contacts", user="UANA").json()
    assert "2 contacts" in listed["text"]
    assert "Dana &lt;outside&gt;" in str(listed["blocks"])
    assert "Met at PyCon" not in str(listed["blocks"])  # notes stay in the edit modal

    # Eve can neither open nor change Ana's contact, by click or by a forged submission.
    bot.click("contact_edit", user="UEVE", value=str(dana.id))
    refusal = answered(bot, 1)
    assert refusal["response_type"] == "ephemeral" and "isn't in your network" in refusal["text"]
    assert len(bot.slack.calls_to("views.open")) == 1
    forged = {**view, "private_metadata": f'{{"contact": {dana.id}}}'}
    refused = bot.submit(forged, contact_values(name="Hacked"), user="UEVE").json()
    assert "isn't in your network" in refused["errors"]["name"]
    assert [c.name for c in contacts(bot)] == ["Bo Lind", "Dana <outside>"]
    assert "Dana" not in str(bot.command("contacts", user="UEVE").json())

    # Ana edits her own.
    bot.click("contact_edit", user="UANA", value=str(dana.id))
    edit = bot.slack.wait_for("views.open", 2)[1].args["view"]
    assert "Met at PyCon" in str(edit["blocks"])
    bot.submit(
        edit, contact_values(name="Dana Ford", notes="Met at PyCon", referrals="Intro to Lee"), user="UANA"
    )
    dana = next(c for c in contacts(bot) if c.id == dana.id)
    assert (dana.name, dana.referrals, dana.keep_in_touch_days, dana.touch_due_on) == (
        "Dana Ford",
        "Intro to Lee",
        None,
        None,
    )


def test_keep_in_touch_reminds_once_and_we_talked_restarts_the_count(bot: RunningBot, people):
    bot.click("contact_add", user="UANA")
    view = bot.slack.wait_for("views.open")[0].args["view"]
    bot.submit(view, contact_values(user="UBO", talked="2026-01-01", days="60"), user="UANA")
    [bo] = contacts(bot)
    assert bo.touch_due_on == date(2026, 3, 2)

    bot.tick(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # 10:00 in Berlin
    [nudge] = posts(bot, "UANA")
    assert nudge["text"] == "It's been 60 days since you talked to <@UBO>. No reason needed to say hi."
    bot.tick(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert len(posts(bot, "UANA")) == 1

    bot.click("contact_talked", user="UEVE", value=str(bo.id))
    assert "isn't in your network" in answered(bot, 1)["text"]
    assert contacts(bot)[0].last_talked_at == date(2026, 1, 1)
    bot.click("contact_talked", user="UANA", value=str(bo.id))
    assert "Noted: you talked on Tue 3 Mar" in answered(bot, 2)["text"]
    bo = contacts(bot)[0]
    assert (bo.last_talked_at, bo.touch_due_on) == (date(2026, 3, 3), date(2026, 5, 2))
    bot.click("contact_stop_reminding", user="UANA", value=str(bo.id))
    answered(bot, 3)
    assert (contacts(bot)[0].keep_in_touch_days, contacts(bot)[0].touch_due_on) == (None, None)


def test_a_promise_is_nudged_on_its_day_at_the_nudge_hour_then_done(bot: RunningBot, people):
    reply = bot.command("promise @bo send the deck by friday", user="UANA").json()
    assert "Fri 6 Mar" in reply["text"]
    [p] = promises(bot)
    assert (p.to_slack_user_id, p.text, p.due_on, p.status) == (
        "UBO",
        "send the deck",
        date(2026, 3, 6),
        "open",
    )

    bot.tick(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    bot.tick(datetime(2026, 3, 6, 8, 59, tzinfo=UTC))
    assert posts(bot, "UANA") == []
    bot.tick(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))  # 10:00 in Berlin on Friday
    [nudge] = posts(bot, "UANA")
    assert nudge["text"] == "A promise you made to <@UBO> is due today: send the deck"
    bot.tick(datetime(2026, 3, 6, 9, 30, tzinfo=UTC))
    assert len(posts(bot, "UANA")) == 1

    bot.click("promise_done", user="UEVE", value=str(p.id))
    assert "isn't yours" in answered(bot, 1)["text"]
    assert promises(bot)[0].status == "open"
    bot.click("promise_done", user="UANA", value=str(p.id))
    answered(bot, 2)
    bot.click("promise_done", user="UANA", value=str(p.id))
    answered(bot, 3)
    done = promises(bot)[0]
    assert (done.status, done.done_at) == ("done", datetime(2026, 3, 6, 9, 30, tzinfo=UTC))
    assert "promise kept" in bot.slack.calls_to("response_url")[-1].args["text"]


def test_a_snoozed_promise_comes_back_on_the_new_day(bot: RunningBot, people):
    bot.command("promise @bo review the plan tomorrow", user="UANA")
    [p] = promises(bot)
    assert p.due_on == date(2026, 3, 3)
    bot.tick(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert len(posts(bot, "UANA")) == 1
    bot.click("promise_snooze_tomorrow", user="UANA", value=str(p.id))
    assert "Wed 4 Mar" in answered(bot, 1)["text"]
    assert promises(bot)[0].snoozed_until == date(2026, 3, 4)
    bot.click("promise_snooze_date", user="UANA", block_id=f"promise_{p.id}", selected_date="2026-03-09")
    assert "Mon 9 Mar" in answered(bot, 2)["text"]
    assert promises(bot)[0].snoozed_until == date(2026, 3, 9)
    bot.tick(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    assert len(posts(bot, "UANA")) == 1
    bot.tick(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    assert len(posts(bot, "UANA")) == 2


def test_a_promise_without_a_date_opens_the_modal_with_the_problem_on_the_date(bot: RunningBot, people):
    bot.command("promise @bo send the deck sometime", user="UANA")
    view = bot.slack.wait_for("views.open")[0].args["view"]
    due = next(b for b in view["blocks"] if b.get("block_id") == "due")
    assert "couldn't find a date" in due["hint"]["text"]
    assert promises(bot) == []
    values = {
        "what": {"text": {"value": "send the deck"}},
        "to_user": {"user": {"selected_user": "UBO"}},
        "to_name": {"text": {"value": ""}},
        "due": {"date": {"selected_date": None}},
    }
    assert "Pick the day" in bot.submit(view, values, user="UANA").json()["errors"]["due"]
    values["due"]["date"]["selected_date"] = "2026-03-01"
    assert "passed" in bot.submit(view, values, user="UANA").json()["errors"]["due"]
    values["what"]["text"]["value"] = "x" * 501
    values["due"]["date"]["selected_date"] = "2026-03-10"
    assert "500 characters" in bot.submit(view, values, user="UANA").json()["errors"]["what"]
    values["what"]["text"]["value"] = "send the deck"
    bot.submit(view, values, user="UANA")
    assert [(p.text, p.due_on) for p in promises(bot)] == [("send the deck", date(2026, 3, 10))]


def test_the_volume_guard_shows_in_the_promise_confirmation(bot: RunningBot, people):
    with bot.runtime.db.transaction() as session:
        for i in range(10):
            session.add(
                Promise(
                    team_id=TEAM_ID,
                    owner_id=people["ana"],
                    text=f"p{i}",
                    due_on=date(2026, 4, 1),
                    created_at=bot.clock.now(),
                )
            )
    reply = bot.command("promise @bo call back in 3 days", user="UANA").json()
    assert "You're keeping track of 11 open introductions and promises" in str(reply["blocks"])
    assert promises(bot)[-1].due_on == date(2026, 3, 5)


def test_app_home_pages_through_contacts_200_at_a_time(bot: RunningBot, people):
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        for i in range(450):
            session.add(
                Contact(
                    team_id=TEAM_ID,
                    owner_id=people["ana"],
                    name=f"Contact {i:03d} with a fairly long name",
                    notes="private",
                    created_at=now,
                    updated_at=now,
                )
            )
        session.add(
            Contact(
                team_id=TEAM_ID, owner_id=people["eve"], name="Eve's friend", created_at=now, updated_at=now
            )
        )
    bot.event({"type": "app_home_opened", "user": "UANA", "tab": "home"})
    home = bot.slack.wait_for("views.publish")[0].args["view"]
    text = str(home)
    assert len(home["blocks"]) <= 100
    assert "450 contacts" in text and "page 1 of 3" in text
    assert "Contact 000" in text and "Contact 199" in text and "Contact 200" not in text
    assert "Eve's friend" not in text and "private" not in text
    next_button = next(
        e
        for b in home["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "network_page_next"
    )
    bot.click("network_page_next", user="UANA", value=next_button["value"], view=home)
    page2 = str(bot.slack.wait_for("views.publish", 2)[1].args["view"])
    assert "page 2 of 3" in page2 and "Contact 200" in page2 and "Contact 399" in page2
    assert "Contact 199" not in page2 and "network_page_prev" in page2

    bot.click("contact_pick_0", user="UEVE", view=home)  # no selection: nothing happens
    selects = [
        e
        for b in home["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "static_select"
    ]
    assert [len(s["options"]) for s in selects] == [100, 100]


@pytest.mark.parametrize("days", ["0", "abc"])
def test_keep_in_touch_days_must_be_a_sensible_number(bot: RunningBot, people, days):
    bot.click("contact_add", user="UANA")
    view = bot.slack.wait_for("views.open")[0].args["view"]
    errors = bot.submit(view, contact_values(name="Dana", days=days), user="UANA").json()["errors"]
    assert "keep_in_touch" in errors
    assert contacts(bot) == []


def test_last_talked_cannot_be_in_the_future(bot: RunningBot, people):
    bot.click("contact_add", user="UANA")
    view = bot.slack.wait_for("views.open")[0].args["view"]
    future = (bot.clock.now() + timedelta(days=3)).date().isoformat()
    errors = bot.submit(view, contact_values(name="Dana", talked=future), user="UANA").json()["errors"]
    assert "future" in errors["last_talked"]

"""The proposed copilot's consent: offer DM, decline with a private reason, the next offer, accept."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot.demo.slack_standin import SlackStandIn
from tests.flows.copilots import (
    GOALS,
    all_text,
    buttons,
    dms_to,
    eventually,
    offer_message_of,
    offers_for,
    pairings,
    request_row,
    request_via_form,
    tick,
    volunteer_via_form,
)
from tests.harness import RunningBot
from tests.worlds import make

MENTEE, FIRST, SECOND, STRANGER = "UMIA", "UVIC", "UWEN", "USTRANGER"


@pytest.fixture
def people(bot: RunningBot, slack: SlackStandIn) -> None:
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        make.person(session, MENTEE, now, name="mia", slack=slack, org_team="Support", level=2)
        make.person(session, FIRST, now, name="vic", slack=slack, org_team="Platform", level=2)
        make.person(session, SECOND, now, name="wen", slack=slack, org_team="Design", level=3)
        make.person(session, STRANGER, now, name="sam", slack=slack, org_team="Sales", level=2)


def test_volunteer_request_decline_next_offer_accept(bot: RunningBot, slack: SlackStandIn, people: None):
    volunteer_via_form(bot, FIRST, topics=("Giving feedback", "Public speaking"), intro="Ex-support lead.")
    volunteer_via_form(bot, SECOND, topics=("Public speaking",), capacity="2")

    request_id = request_via_form(
        bot, MENTEE, topics=("Giving feedback", "Public speaking"), cadence="monthly"
    )
    tick(bot)

    # The best fit is asked first, by DM, with the goals, topics, the reasons and two buttons.
    [first_offer] = offers_for(bot, request_id)
    assert first_offer.status == "pending" and first_offer.score > 0 and first_offer.reasons
    [offer_dm] = dms_to(slack, FIRST)
    text = all_text(offer_dm)
    assert f"<@{MENTEE}>" in text and GOALS in text and "Giving feedback" in text
    assert "You both care about Giving feedback and Public speaking." in text
    assert "every four weeks, for 3 months" in text
    assert buttons(offer_dm) == {"offer_accept": str(first_offer.id), "offer_decline": str(first_offer.id)}
    assert request_row(bot, request_id).status == "offered"
    # Three working days in the copilot's time zone: Monday 09:00 UTC -> Thursday 10:00 Berlin.
    assert first_offer.expires_at == first_offer.created_at + timedelta(days=3)
    [asked] = dms_to(slack, MENTEE)
    assert "I've asked a copilot" in asked["text"] and FIRST not in all_text(asked)

    # Decline opens a form; the reason is kept for the program and never shown to the mentee.
    message = offer_message_of(bot, first_offer.id)
    bot.click("offer_decline", user=FIRST, value=str(first_offer.id), message=message)
    form = slack.wait_for("views.open", 4)[-1].args["view"]
    assert form["callback_id"] == "offer_decline_form"
    reason = "Too busy this quarter with the migration"
    bot.submit(form, {"reason": {"reason": {"type": "plain_text_input", "value": reason}}}, user=FIRST)
    update = slack.wait_for("chat.update")[0].args
    assert update["ts"] == message["ts"] and "You declined" in update["text"]
    assert not buttons(update)
    offers = eventually(lambda: len(offers_for(bot, request_id)) == 2 and offers_for(bot, request_id))
    assert offers[0].status == "declined" and offers[0].decline_reason == reason
    assert offers[1].status == "pending" and offers[1].copilot_id != first_offer.copilot_id

    tick(bot)
    assert len(dms_to(slack, SECOND)) == 1
    mentee_heard = [all_text(m) for m in dms_to(slack, MENTEE)]
    assert len(mentee_heard) == 2 and "asked someone else" in mentee_heard[1]
    assert not any("busy" in m or "migration" in m for m in mentee_heard)

    # Accept: one pairing, setting expectations, with the request's cadence; the message says so.
    second = offers[1]
    heard_before = (len(dms_to(slack, MENTEE)), len(dms_to(slack, SECOND)))
    bot.click("offer_accept", user=SECOND, value=str(second.id), message=offer_message_of(bot, second.id))
    accepted = slack.wait_for("chat.update", 2)[-1].args
    assert "You accepted" in accepted["text"] and not buttons(accepted)
    [pairing] = eventually(lambda: pairings(bot))
    assert pairing.state == "setting_expectations" and pairing.cadence == "monthly"
    assert pairing.request_id == request_id and pairing.copilot_id == second.copilot_id
    assert request_row(bot, request_id).status == "matched"

    tick(bot)
    # One message tells both: the kickoff in their group DM. No hand-over DM repeats it.
    assert (len(dms_to(slack, MENTEE)), len(dms_to(slack, SECOND))) == heard_before
    [kickoff] = [c.args for c in slack.calls_to("chat.postMessage") if "Set expectations" in all_text(c.args)]
    text = all_text(kickoff)
    assert f"<@{MENTEE}>, meet <@{SECOND}>: your copilot" in text
    assert "volunteered as a copilot and said yes" in text and "by name" not in text


def test_only_the_proposed_copilot_can_answer_and_double_accept_pairs_once(
    bot: RunningBot, slack: SlackStandIn, people: None
):
    volunteer_via_form(bot, FIRST)
    request_id = request_via_form(bot, MENTEE)
    tick(bot)
    [offer] = offers_for(bot, request_id)
    message = offer_message_of(bot, offer.id)

    bot.click("offer_accept", user=STRANGER, value=str(offer.id), message=message)
    refusal = eventually(lambda: [c for c in slack.calls_to("response_url") if c.args.get("text")])
    assert "only they can answer" in refusal[0].args["text"]
    bot.click("offer_decline", user=STRANGER, value=str(offer.id), message=message)
    eventually(lambda: len(slack.calls_to("response_url")) >= 2)
    assert offers_for(bot, request_id)[0].status == "pending" and not pairings(bot)
    assert len(slack.calls_to("views.open")) == 2  # the two forms above; no decline form for the stranger

    # Two clicks at the same moment, then one more: exactly one pairing.
    threads = [
        threading.Thread(
            target=bot.click,
            args=("offer_accept",),
            kwargs={"user": FIRST, "value": str(offer.id), "message": message},
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bot.click("offer_accept", user=FIRST, value=str(offer.id), message=message)
    eventually(lambda: len(slack.calls_to("response_url")) >= 4)
    assert len(pairings(bot)) == 1
    assert len(slack.calls_to("chat.update")) == 1
    again = [c.args["text"] for c in slack.calls_to("response_url")][-2:]
    assert all("already accepted" in t for t in again)

    # A decline click on an answered offer is harmless too.
    bot.click("offer_decline", user=FIRST, value=str(offer.id), message=message)
    eventually(lambda: len(slack.calls_to("response_url")) >= 5)
    assert "already accepted" in slack.calls_to("response_url")[-1].args["text"]
    assert offers_for(bot, request_id)[0].status == "accepted"


def test_an_unanswered_offer_expires_and_the_next_candidate_is_asked(
    bot: RunningBot, slack: SlackStandIn, people: None
):
    volunteer_via_form(bot, FIRST, topics=("Giving feedback", "Public speaking"))
    volunteer_via_form(bot, SECOND, topics=("Public speaking",))
    request_id = request_via_form(bot, MENTEE, topics=("Giving feedback", "Public speaking"))
    tick(bot)
    [offer] = offers_for(bot, request_id)

    bot.tick(offer.expires_at - timedelta(minutes=1))
    assert [o.status for o in offers_for(bot, request_id)] == ["pending"]

    bot.tick(offer.expires_at)
    first, second = offers_for(bot, request_id)
    assert first.status == "expired" and second.status == "pending"
    assert len(dms_to(slack, SECOND)) == 1
    assert "timed out" in dms_to(slack, FIRST)[-1]["text"]
    assert "asked someone else" in dms_to(slack, MENTEE)[-1]["text"]

    # The expired offer's buttons now answer kindly and change nothing.
    bot.click("offer_accept", user=FIRST, value=str(first.id), message={"ts": "1.0", "channel": "D1"})
    answer = eventually(lambda: slack.calls_to("response_url"))
    assert "timed out" in answer[0].args["text"] and not pairings(bot)

    # When the last candidate lets it expire too, the request waits and the mentee is told.
    bot.tick(second.expires_at)
    assert request_row(bot, request_id).status == "open"
    assert "nobody else is available" in dms_to(slack, MENTEE)[-1]["text"]

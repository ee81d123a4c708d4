"""The expectation-setting conversation, over signed HTTP to the running app and the fake Slack."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.demo.slack_standin import Call
from bot.expectations.confirmation import confirm_agreement
from bot.expectations.kickoff import start_expectations
from bot.messages.expectations import ids
from bot.people import directory as people
from storage.models import (
    Agreement,
    CheckIn,
    Contact,
    ExpectationAnswer,
    MentoringRequest,
    OutboxMessage,
    Pairing,
    Reflection,
)
from tests.flows.answers import buttons, field
from tests.harness import TEAM_ID, RunningBot
from tests.worlds import make

MENTEE, COPILOT, OUTSIDER = "U1", "U2", "U3"
GOALS = "Get better at giving feedback to senior colleagues"


@pytest.fixture
def pair(bot: RunningBot) -> int:
    """Alex (mentee, Berlin) and Sam (copilot, London), matched and asked to set expectations."""
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        alex = make.person(session, MENTEE, now, name="alex", real_name="Alex", slack=bot.slack)
        sam = make.person(
            session, COPILOT, now, name="sam", real_name="Sam", tz="Europe/London", slack=bot.slack
        )
        make.person(session, OUTSIDER, now, name="olly", real_name="Olly", slack=bot.slack)
        request = make.request(session, alex, now, goals=GOALS, status="matched")
        pairing = make.pairing(
            session, alex, sam, now, state="setting_expectations", cadence=None, request_id=request.id
        )
        start_expectations(bot.runtime, session, pairing)
        return pairing.id


def deliver(bot: RunningBot) -> None:
    """Run the planners and send what's due, a few seconds on (the outbox paces each channel)."""
    bot.tick(bot.clock.advance(seconds=5))


def posts(bot: RunningBot) -> list[Call]:
    return bot.slack.calls_to("chat.postMessage")


def all_text(call: Call) -> str:
    return str(call.args.get("text", "")) + str(call.args.get("blocks", ""))


def open_form(bot: RunningBot, user: str, action: str, value: str) -> dict[str, Any]:
    before = len(bot.slack.calls_to("views.update"))
    bot.click(action, user=user, value=value, message={"ts": "1.0", "channel": "GPAIR"})
    opened = bot.slack.wait_for("views.open", 1)[-1]
    assert opened.args["view"]["blocks"][0]["text"]["text"].startswith(":hourglass")  # placeholder first
    return bot.slack.wait_for("views.update", before + 1)[-1].args["view"]


def answers(role: str, **changes: Any) -> dict[str, Any]:
    a: dict[str, Any] = {
        "relationship_kind": "copilot",
        "cadence": "weekly",
        "meeting_minutes": 45,
        "meeting_format": "video",
        "meetings": "6",
        "organiser": "mentee",
        "goals": GOALS,
        "offer": "Ten years of code review and feedback practice",
        "expectations": "Come prepared" if role == "copilot" else "Honest feedback",
        "confidentiality": True,
        "days": [],
        "start": None,
        "end": None,
    }
    a.update(changes)
    values = {
        key: {"value": field("radio", a[key])}
        for key in ("relationship_kind", "cadence", "meeting_minutes", "meeting_format", "organiser")
    }
    values["length_meetings"] = {"value": field("number", a["meetings"])}
    values["length_end_date"] = {"value": field("date", None)}
    values["goals" if role == "mentee" else "offer"] = {
        "value": field("text", a["goals" if role == "mentee" else "offer"])
    }
    values["expectations"] = {"value": field("text", a["expectations"])}
    values["confidentiality"] = {"value": field("checks", ["yes"] if a["confidentiality"] else [])}
    values["preferred_days"] = {"value": field("checks", a["days"])}
    values["time_window_start"] = {"value": field("time", a["start"])}
    values["time_window_end"] = {"value": field("time", a["end"])}
    return values


def answer(bot: RunningBot, pairing_id: int, user: str, role: str, **changes: Any) -> dict[str, Any]:
    view = open_form(bot, user, ids.OPEN_QUESTIONNAIRE, str(pairing_id))
    assert view["callback_id"] == ids.QUESTIONNAIRE_CALLBACK
    reply = bot.submit(view, answers(role, **changes), user=user)
    assert reply.status == 200
    return reply.json()


def last_post_with(bot: RunningBot, action_id: str) -> Call:
    return [c for c in posts(bot) if any(b["action_id"] == action_id for b in buttons(c))][-1]


def button_value(call: Call, action_id: str) -> str:
    return next(b["value"] for b in buttons(call) if b["action_id"] == action_id)


def ephemerals(bot: RunningBot) -> list[str]:
    return [c.args.get("text", "") for c in bot.slack.calls_to("response_url")]


def stored(bot: RunningBot, pairing_id: int) -> tuple[Pairing, list[Agreement]]:
    with bot.runtime.db.transaction() as session:
        pairing = session.get(Pairing, pairing_id)
        rows = list(
            session.scalars(
                select(Agreement).where(Agreement.pairing_id == pairing_id).order_by(Agreement.version)
            )
        )
        assert pairing is not None
        return pairing, rows


def confirm_both(bot: RunningBot) -> None:
    value = button_value(last_post_with(bot, ids.CONFIRM), ids.CONFIRM)
    seen = len(bot.slack.calls_to("response_url"))
    bot.click(ids.CONFIRM, user=MENTEE, value=value)
    bot.slack.wait_for("response_url", seen + 1)
    assert "Waiting for Sam" in ephemerals(bot)[-1]
    bot.click(ids.CONFIRM, user=COPILOT, value=value)
    bot.slack.wait_for("response_url", seen + 2)
    bot.click(ids.CONFIRM, user=COPILOT, value=value)  # a double click changes nothing
    bot.slack.wait_for("response_url", seen + 3)
    assert "already" in ephemerals(bot)[-1]


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_kickoff_then_aligned_answers_then_both_confirm_makes_the_pairing_active(bot, pair):
    deliver(bot)
    kickoff = posts(bot)[0]
    assert kickoff.args["channel"].startswith("G")  # the group DM of the two, opened by the dispatcher
    assert button_value(kickoff, ids.OPEN_QUESTIONNAIRE) == str(pair)

    form = open_form(bot, MENTEE, ids.OPEN_QUESTIONNAIRE, str(pair))
    goals = next(b for b in form["blocks"] if b.get("block_id") == "goals")
    assert goals["element"]["initial_value"] == GOALS  # prefilled from the request
    organiser = next(b for b in form["blocks"] if b.get("block_id") == "organiser")
    assert organiser["element"]["initial_option"]["value"] == "mentee"
    # the confidentiality box must be ticked: the error is on that field and nothing is stored
    reply = bot.submit(form, answers("mentee", confidentiality=False, goals="short"), user=MENTEE).json()
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {"confidentiality", "goals"}

    assert answer(bot, pair, MENTEE, "mentee")["response_action"] == "update"
    copilot_form = open_form(bot, COPILOT, ids.OPEN_QUESTIONNAIRE, str(pair))
    assert GOALS not in str(copilot_form)  # nothing of Alex's answers shows in Sam's form
    assert not any(b.get("block_id") == "goals" for b in copilot_form["blocks"])
    bot.submit(copilot_form, answers("copilot"), user=COPILOT)

    pairing, rows = stored(bot, pair)
    assert pairing.state == "setting_expectations" and rows[0].status == "proposed"
    assert pairing.channel_id == "GPAIR"  # learned from the click in the group DM
    # answers are locked once both have answered
    locked = open_form(bot, MENTEE, ids.OPEN_QUESTIONNAIRE, str(pair))
    assert "locked" in locked["blocks"][0]["text"]["text"]

    deliver(bot)
    confirm = last_post_with(bot, ids.CONFIRM)
    assert "every week" in all_text(confirm) and "6 meetings" in all_text(confirm)
    confirm_both(bot)

    pairing, rows = stored(bot, pair)
    assert pairing.state == "active" and pairing.activated_at is not None
    assert (pairing.cadence, pairing.organiser) == ("weekly", "mentee")
    # one week on from Monday 2 March, at 10:00 in Berlin
    assert pairing.next_checkin_at == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert rows[0].status == "confirmed" and rows[0].mentee_confirmed_at and rows[0].copilot_confirmed_at

    deliver(bot)
    summary = last_post_with(bot, ids.REVISIT)
    assert summary.args["channel"] == "GPAIR" and "both confirmed your agreement" in all_text(summary)
    # The terms are posted once per pair: in the message both confirm, not again once they have.
    assert len([c for c in posts(bot) if "6 meetings" in all_text(c)]) == 1
    nudge = [c for c in posts(bot) if c.args["channel"] == MENTEE][-1]
    assert "Mentoring is mentee-driven" in all_text(nudge) and "<@U2>" in all_text(nudge)


def test_differences_are_resolved_by_proposal_counter_proposal_and_accept(bot, pair):
    answer(bot, pair, MENTEE, "mentee", cadence="weekly", relationship_kind="copilot")
    answer(bot, pair, COPILOT, "copilot", cadence="monthly", relationship_kind="networking")
    deliver(bot)
    differences = posts(bot)[-1]
    text = all_text(differences)
    assert text.index("Talk about this one first") < text.index(
        "Alex said every week, Sam said every four weeks"
    )
    resolve = {b["value"].split(":")[2]: b["value"] for b in buttons(differences)}
    assert set(resolve) == {"relationship_kind", "cadence"}

    # Alex suggests every two weeks; Sam counters with every four weeks; Alex accepts.
    view = open_form(bot, MENTEE, ids.RESOLVE, resolve["cadence"])
    assert view["callback_id"] == ids.PROPOSAL_CALLBACK
    bot.submit(view, {"cadence": {"value": field("radio", "biweekly")}}, user=MENTEE)
    deliver(bot)
    proposal = last_post_with(bot, ids.ACCEPT)
    assert "suggests *every two weeks*" in all_text(proposal)
    first_value = button_value(proposal, ids.ACCEPT)
    bot.click(ids.ACCEPT, user=MENTEE, value=first_value)  # one's own suggestion can't be accepted
    bot.slack.wait_for("response_url", 1)
    assert "other person" in ephemerals(bot)[-1]

    view = open_form(bot, COPILOT, ids.COUNTER, first_value)
    bot.submit(view, {"cadence": {"value": field("radio", "monthly")}}, user=COPILOT)
    deliver(bot)
    counter = last_post_with(bot, ids.ACCEPT)
    assert "suggests *every four weeks*" in all_text(counter)
    bot.click(ids.ACCEPT, user=COPILOT, value=first_value)  # the replaced suggestion is stale
    bot.slack.wait_for("response_url", 2)
    assert "newer" in ephemerals(bot)[-1]
    bot.click(ids.ACCEPT, user=MENTEE, value=button_value(counter, ids.ACCEPT))
    settled = bot.slack.wait_for("response_url", 3)[-1]
    assert settled.args["replace_original"] is True and "every four weeks" in settled.args["text"]

    view = open_form(bot, COPILOT, ids.RESOLVE, resolve["relationship_kind"])
    bot.submit(view, {"relationship_kind": {"value": field("radio", "copilot")}}, user=COPILOT)
    deliver(bot)
    bot.click(ids.ACCEPT, user=MENTEE, value=button_value(last_post_with(bot, ids.ACCEPT), ids.ACCEPT))
    bot.slack.wait_for("response_url", 4)

    _, rows = stored(bot, pair)
    assert rows[0].status == "proposed" and rows[0].proposals == {}
    assert (rows[0].terms["cadence"], rows[0].terms["relationship_kind"]) == ("monthly", "copilot")
    deliver(bot)
    confirm_both(bot)
    pairing, rows = stored(bot, pair)
    assert pairing.state == "active" and pairing.cadence == "monthly" and rows[0].status == "confirmed"


def test_reminders_at_two_and_five_working_days_then_the_pairing_lapses(bot, pair):
    deliver(bot)
    answer(bot, pair, MENTEE, "mentee")

    def reminders() -> list[Call]:
        return [c for c in posts(bot) if "reminder" in c.args["text"]]

    bot.tick(datetime(2026, 3, 4, 8, 59, tzinfo=UTC))
    assert reminders() == []
    bot.tick(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))  # Wednesday 10:00 in London is 10:00 UTC... Sam is UK
    bot.tick(datetime(2026, 3, 4, 10, 0, tzinfo=UTC))
    first = reminders()
    assert [c.args["channel"] for c in first] == [COPILOT]  # only the one who hasn't answered
    assert "Alex has answered" in all_text(first[0])
    bot.tick(datetime(2026, 3, 6, 10, 0, tzinfo=UTC))
    assert len(reminders()) == 1
    bot.tick(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))  # 5 working days: Monday 9 March
    assert len(reminders()) == 2 and "last friendly reminder" in reminders()[-1].args["text"]

    bot.tick(datetime(2026, 3, 12, 8, 0, tzinfo=UTC))
    assert stored(bot, pair)[0].state == "setting_expectations"
    bot.tick(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))  # 10 days after the kickoff
    pairing, rows = stored(bot, pair)
    assert (pairing.state, pairing.end_reason, rows[0].status) == ("lapsed", "lapsed", "lapsed")
    with bot.runtime.db.transaction() as session:
        assert session.scalar(select(MentoringRequest.status)) == "open"
    told = {c.args["channel"]: c.args["text"] for c in posts(bot)[-2:]}
    assert set(told) == {MENTEE, COPILOT} and "request is open again" in told[MENTEE]


def test_revisit_makes_version_two_and_keeps_version_one(bot, pair):
    with bot.runtime.db.transaction() as session:
        pairing = session.get(Pairing, pair)
        assert pairing is not None
        pairing.state, pairing.activated_at, pairing.cadence = "active", bot.clock.now(), "weekly"
        first = session.scalar(select(Agreement).where(Agreement.pairing_id == pair))
        assert first is not None
        first.status, first.terms, first.confirmed_at = (
            "confirmed",
            make.standard_terms(),
            bot.clock.now(),
        )
        session.execute(OutboxMessage.__table__.delete())
    bot.click(ids.REVISIT, user=COPILOT, value=str(pair))
    bot.slack.wait_for("response_url")
    bot.click(ids.REVISIT, user=MENTEE, value=str(pair))  # already open: no third version
    bot.slack.wait_for("response_url", 2)
    assert "already open" in ephemerals(bot)[-1]
    deliver(bot)
    assert "fresh look" in all_text(last_post_with(bot, ids.OPEN_QUESTIONNAIRE))

    answer(bot, pair, MENTEE, "mentee", cadence="biweekly")
    answer(bot, pair, COPILOT, "copilot", cadence="biweekly")
    assert stored(bot, pair)[0].state == "active"  # still active while they revisit
    deliver(bot)
    confirm_both(bot)
    pairing, rows = stored(bot, pair)
    assert [(r.version, r.status) for r in rows] == [(1, "confirmed"), (2, "confirmed")]
    assert rows[0].terms["cadence"] == "weekly" and rows[1].terms["cadence"] == "biweekly"
    assert pairing.state == "active" and pairing.cadence == "biweekly"


def test_ending_with_a_private_reflection_tells_the_partner_kindly(bot, pair):
    bot.command("end <@U2|sam>", user=MENTEE)
    view = bot.slack.wait_for("views.update")[-1].args["view"]
    assert view["callback_id"] == ids.END_CALLBACK and "Sam" in str(view["blocks"])
    reply = bot.submit(
        view, {"reflection": {"value": field("text", "I asked for too much at once")}}, user=MENTEE
    )
    assert reply.json()["response_action"] == "update"
    pairing, rows = stored(bot, pair)
    assert (pairing.state, pairing.end_reason) == ("ended", "by_mentee")
    assert rows[0].status == "withdrawn"
    with bot.runtime.db.transaction() as session:
        assert session.scalars(select(Reflection.text)).all() == ["I asked for too much at once"]
    deliver(bot)
    told = [c for c in posts(bot) if c.args["channel"] == COPILOT]
    assert len(told) == 1 and "ended your mentoring" in told[0].args["text"] + all_text(told[0])
    assert "too much" not in all_text(told[0])  # the reflection is private
    # the kickoff was still pending when the pairing ended: it was withdrawn, not sent
    assert not any(c.args["channel"].startswith("G") for c in posts(bot))


def test_a_third_person_cannot_open_resolve_accept_or_confirm(bot, pair):
    answer(bot, pair, MENTEE, "mentee", cadence="weekly")
    answer(bot, pair, COPILOT, "copilot", cadence="monthly")
    deliver(bot)
    resolve_value = button_value(posts(bot)[-1], ids.RESOLVE)
    view = open_form(bot, MENTEE, ids.RESOLVE, resolve_value)
    bot.submit(view, {"cadence": {"value": field("radio", "biweekly")}}, user=MENTEE)
    deliver(bot)
    accept_value = button_value(last_post_with(bot, ids.ACCEPT), ids.ACCEPT)

    with bot.runtime.db.transaction() as session:
        before = (
            session.scalars(select(ExpectationAnswer.answers)).all(),
            session.scalars(select(Agreement.terms)).all(),
        )
    for refused, (action, value) in enumerate(
        (
            (ids.OPEN_QUESTIONNAIRE, str(pair)),
            (ids.RESOLVE, resolve_value),
            (ids.COUNTER, accept_value),
            (ids.ACCEPT, accept_value),
            (ids.CONFIRM, f"{pair}:1"),
            (ids.REVISIT, str(pair)),
        ),
        start=1,
    ):
        bot.click(action, user=OUTSIDER, value=value)
        note = bot.slack.wait_for("response_url", refused)[-1].args["text"]
        assert "another pair" in note and "Nothing was changed" in note
        for private in ("Alex", "Sam", GOALS, "every"):
            assert private not in note
    outsider_form = bot.submit(view, {"cadence": {"value": field("radio", "weekly")}}, user=OUTSIDER).json()
    assert outsider_form["response_action"] == "update"
    with bot.runtime.db.transaction() as session:
        after = (
            session.scalars(select(ExpectationAnswer.answers)).all(),
            session.scalars(select(Agreement.terms)).all(),
        )
        proposals = session.scalar(select(Agreement.proposals))
    assert after == before and proposals["cadence"]["value"] == "biweekly"


def test_a_leaver_ends_their_pairings_and_the_partner_is_told(bot, pair):
    # what the user_change event (or a users.list sync) does when Slack says someone left
    people.apply_user_change(
        bot.runtime, TEAM_ID, {"id": COPILOT, "name": "sam", "real_name": "Sam", "deleted": True}
    )
    pairing, _ = stored(bot, pair)
    assert (pairing.state, pairing.end_reason) == ("ended", "person_left")
    deliver(bot)
    told = [c for c in posts(bot) if c.args["channel"] == MENTEE]
    assert len(told) == 1 and "Sam has left the workspace" in all_text(told[0])


def test_app_home_shows_the_pairing_and_pauses_it_until_a_date(bot, pair):
    with bot.runtime.db.transaction() as session:
        pairing = session.get(Pairing, pair)
        assert pairing is not None
        pairing.state, pairing.activated_at = "active", bot.clock.now()
    bot.event({"type": "app_home_opened", "user": MENTEE, "tab": "home"})
    home = bot.slack.wait_for("views.publish")[-1].args["view"]
    assert "Your mentoring" in str(home) and f"pairing_{pair}" in str(home)
    bot.click(ids.PAUSE, user=MENTEE, block_id=f"pairing_{pair}", selected_date="2026-04-01", view=home)
    note = bot.slack.wait_for("chat.postMessage")[-1]
    assert note.args["channel"] == MENTEE and "Paused until" in note.args["text"]
    pairing, _ = stored(bot, pair)
    assert pairing.state == "paused" and str(pairing.paused_until) == "2026-04-01"


def test_both_confirming_at_the_same_moment_activates_exactly_once(bot, pair):
    with bot.runtime.db.transaction() as session:
        first = session.scalar(select(Agreement).where(Agreement.pairing_id == pair))
        assert first is not None
        first.status, first.terms = "proposed", make.standard_terms()
    start = threading.Barrier(4)
    errors: list[str] = []

    def click(user: str) -> None:
        start.wait()
        try:
            confirm_agreement(bot.runtime, TEAM_ID, user, pair, 1)
        except Exception as exc:  # any error here is a failure of the row lock
            errors.append(type(exc).__name__)

    threads = [threading.Thread(target=click, args=(u,)) for u in (MENTEE, COPILOT, MENTEE, COPILOT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pairing, rows = stored(bot, pair)
    assert errors == [] and pairing.state == "active" and rows[0].status == "confirmed"
    deliver(bot)
    deliver(bot)  # the kickoff goes first; the group DM is paced at one message a second
    assert len([c for c in posts(bot) if "both confirmed" in all_text(c)]) == 1


def test_end_of_term_asks_both_and_keeps_them_as_networking_contacts(bot, pair):
    with bot.runtime.db.transaction() as session:
        pairing = session.get(Pairing, pair)
        assert pairing is not None
        pairing.state, pairing.activated_at = "active", bot.clock.now()
        first = session.scalar(select(Agreement).where(Agreement.pairing_id == pair))
        assert first is not None
        first.status, first.terms = "confirmed", make.standard_terms(length={"meetings": 2})
        for cycle in (1, 2):
            session.add(
                CheckIn(team_id=TEAM_ID, pairing_id=pair, cycle=cycle, due_at=bot.clock.now(), status="met")
            )
        session.execute(OutboxMessage.__table__.delete())
    deliver(bot)
    asked = {c.args["channel"]: c for c in posts(bot) if "term with" in c.args["text"]}
    assert set(asked) == {MENTEE, COPILOT}
    value = button_value(asked[MENTEE], ids.TERM_END_PREFIX + "networking")
    bot.click(ids.TERM_END_PREFIX + "networking", user=MENTEE, value=value)
    assert "once Sam has chosen" in bot.slack.wait_for("response_url")[-1].args["text"]
    assert stored(bot, pair)[0].state == "active"
    bot.click(ids.TERM_END_PREFIX + "renew", user=COPILOT, value=value)  # the lighter choice wins
    bot.slack.wait_for("response_url", 2)
    pairing, _ = stored(bot, pair)
    assert (pairing.state, pairing.end_reason) == ("ended", "term_complete")
    with bot.runtime.db.transaction() as session:
        kept = session.execute(
            select(Contact.owner_id, Contact.slack_user_id, Contact.keep_in_touch_days)
        ).all()
    assert sorted(k[1] for k in kept) == [MENTEE, COPILOT] and {k[2] for k in kept} == {90}
    deliver(bot)
    assert len([c for c in posts(bot) if "term with" in c.args["text"]]) == 2  # asked once, not again


def test_app_home_shows_my_copilot_the_agreement_in_force_and_the_next_check_in(bot: RunningBot):
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        alex = make.person(session, "UHALEX", now, slack=bot.slack)
        sam = make.person(session, "UHSAM", now, slack=bot.slack)
        pair = make.pairing(session, alex, sam, now, next_checkin_at=now + timedelta(days=7))
        make.agreement(session, pair, now, terms=make.standard_terms(cadence="biweekly"))
    bot.event({"type": "app_home_opened", "user": "UHALEX", "tab": "home", "channel": "D1"})
    home = json.dumps(bot.slack.wait_for("views.publish")[-1].args["view"])
    assert "<@UHSAM> is your copilot" in home
    assert "Agreed: every two weeks" in home and "45 min" in home
    assert "Next check-in: Mon 9 Mar" in home

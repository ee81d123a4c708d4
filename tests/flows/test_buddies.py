"""Onboarding buddies over signed HTTP: the admin turns them on, a team_join finds a buddy outside the new
hire's reporting line, a decline moves on, the welcome group DM, the checklist, the first weekly check-in
on the scheduler's tick, and the end of the term with the invitation to ask for a copilot."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import event, select

from bot.buddies.finding import buddy_loads
from bot.demo.slack_standin import SlackStandIn
from bot.oversight.summaries import visible_summary
from storage.models import BuddyOffer, BuddyPairing, Person
from tests.flows.copilots import all_text, eventually, open_form, tick, volunteer_values
from tests.harness import ADMIN, TEAM_ID, RunningBot
from tests.worlds import make

NEW, MANAGER, SKIP, PEER, OTHER = "UNEW", "UMGR", "USKIP", "UPEER", "UOTHER"
MARKER = "ZQBUDDYSECRET"


@pytest.fixture
def people(admin_bot: RunningBot, slack: SlackStandIn) -> None:
    """A new hire whose org-chart row is already there (their manager and skip-level known), the two
    managers volunteering as buddies from the new hire's own team, and two colleagues from other teams."""
    now = admin_bot.clock.now()
    with admin_bot.runtime.db.transaction() as session:
        skip = make.person(session, SKIP, now, name="sky", slack=slack, org_team="Support")
        manager = make.person(
            session, MANAGER, now, name="mo", slack=slack, org_team="Support", manager_id=skip.id
        )
        make.person(session, NEW, now, name="nia", slack=slack, org_team="Support", manager_id=manager.id)
        make.person(session, PEER, now, name="pat", slack=slack, org_team="Design")
        make.person(session, OTHER, now, name="oli", slack=slack, org_team="Sales", tz="Europe/London")
        make.person(session, ADMIN, now, name="ada", slack=slack)


def volunteer_as_buddy(bot: RunningBot, user: str, capacity: str = "2") -> None:
    view = open_form(bot, "volunteer", user)
    values = volunteer_values()
    values["welcomes_new_colleagues"] = {
        "welcomes_new_colleagues": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}
    }
    values["buddy_capacity"] = {"buddy_capacity": {"type": "number_input", "value": capacity}}
    reply = bot.submit(view, values, user=user)
    assert reply.status == 200 and not reply.body.strip(b"null"), reply.text
    eventually(lambda: _welcomes(bot, user))


def _welcomes(bot: RunningBot, user: str) -> bool:
    from storage.models import CopilotProfile

    with bot.runtime.db.transaction() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == user))
        profile = session.get(CopilotProfile, person.id) if person else None
        return bool(profile and profile.welcomes_new_colleagues and profile.buddy_capacity >= 1)


def turn_buddies_on(bot: RunningBot, start: str = "team_join", term: str = "90") -> None:
    view = open_form(bot, "admin buddies", ADMIN)
    assert view["callback_id"] == "buddy_settings"
    values = {
        "buddy_program": {"buddy_program": {"type": "radio_buttons", "selected_option": {"value": "yes"}}},
        "buddy_term_days": {"buddy_term_days": {"type": "number_input", "value": term}},
        "buddy_start": {"buddy_start": {"type": "radio_buttons", "selected_option": {"value": start}}},
    }
    reply = bot.submit(view, values, user=ADMIN)
    assert reply.status == 200 and not reply.body.strip(b"null"), reply.text
    saved = eventually(lambda: [m for m in posts(bot.slack) if m["channel"] == ADMIN])
    assert "Onboarding buddies are on" in saved[-1]["text"]


def person_id(bot: RunningBot, user: str) -> int:
    with bot.runtime.db.transaction() as session:
        found = session.scalar(select(Person.id).where(Person.slack_user_id == user))
        assert found is not None
        return found


def offers(bot: RunningBot) -> list[BuddyOffer]:
    with bot.runtime.db.transaction() as session:
        return list(session.scalars(select(BuddyOffer).order_by(BuddyOffer.id)))


def buddy_pairing(bot: RunningBot) -> BuddyPairing:
    with bot.runtime.db.transaction() as session:
        row = session.scalar(select(BuddyPairing))
        assert row is not None
        return row


def posts(slack: SlackStandIn) -> list[dict[str, Any]]:
    return [c.args for c in slack.calls_to("chat.postMessage")]


def posted_to(slack: SlackStandIn, channel_prefix: str, words: str) -> list[dict[str, Any]]:
    return [m for m in posts(slack) if m["channel"].startswith(channel_prefix) and words in all_text(m)]


def shared_calendars(slack: SlackStandIn) -> list[tuple[str, bytes]]:
    """(channel, bytes) of every buddy agenda file shared, in order."""
    return [
        (c.args["channel_id"], slack.uploads[c.args["files"][0]["id"]])
        for c in slack.calls_to("files.completeUploadExternal")
        if c.args["files"][0]["title"].startswith("Onboarding buddy:")
    ]


def offer_message(slack: SlackStandIn, user: str) -> dict[str, Any]:
    [sent] = [m for m in posts(slack) if m["channel"] == user and "onboarding buddy?" in all_text(m)]
    return sent


def click_in(bot: RunningBot, message: dict[str, Any], action_id: str, user: str, value: str) -> None:
    where = {"ts": message.get("ts", "1700000000.000200"), "channel": message["channel"], "text": ""}
    assert bot.click(action_id, user=user, value=value, message=where).status == 200


def button_value(message: dict[str, Any], action_id: str) -> str:
    for block in message.get("blocks") or []:
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


def join(bot: RunningBot, slack: SlackStandIn, user: str = NEW) -> None:
    assert bot.event({"type": "team_join", "user": {"id": user}}).status == 200
    eventually(lambda: offers(bot))


def test_a_new_hire_gets_a_buddy_outside_their_reporting_line_through_to_the_end_of_term(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    bot = admin_bot
    for user in (MANAGER, SKIP, PEER, OTHER):
        volunteer_as_buddy(bot, user)
    turn_buddies_on(bot)

    join(bot, slack)
    # Their manager and skip-level share their team and have every seat free, yet are never asked.
    [first] = offers(bot)
    assert first.buddy_id == person_id(bot, PEER) and first.status == "pending"
    tick(bot)
    asked = offer_message(slack, PEER)
    assert f"<@{NEW}>" in all_text(asked) and "Not a mentor, not a manager, not a reviewer" in all_text(asked)

    # A decline moves on to the next volunteer (still never the managers).
    click_in(bot, asked, "buddy_offer_decline", PEER, button_value(asked, "buddy_offer_decline"))
    second = eventually(lambda: len(offers(bot)) == 2 and offers(bot)[1])
    assert offers(bot)[0].status == "declined" and second.buddy_id == person_id(bot, OTHER)
    assert "You declined" in slack.wait_for("chat.update")[-1].args["text"]
    tick(bot)
    asked_again = offer_message(slack, OTHER)

    click_in(bot, asked_again, "buddy_offer_accept", OTHER, button_value(asked_again, "buddy_offer_accept"))
    eventually(lambda: buddy_pairing(bot).state == "active")
    assert "You accepted" in slack.wait_for("chat.update", 2)[-1].args["text"]
    offered = {o.buddy_id for o in offers(bot)}
    assert person_id(bot, MANAGER) not in offered and person_id(bot, SKIP) not in offered
    assert not [m for m in posts(slack) if m["channel"] in (MANAGER, SKIP) and "buddy" in all_text(m)]

    # The welcome in their group DM says what a buddy is and is not, with the new hire's checklist.
    tick(bot)
    [welcome] = posted_to(slack, "G", "your onboarding buddy until")
    text = all_text(welcome)
    assert f"<@{NEW}>, meet <@{OTHER}>" in text
    assert "not a mentor" in text and "not a manager, and not a reviewer" in text
    pairing = buddy_pairing(bot)

    # The agenda lands in both calendars: one .ics in their group DM, weekly for the first month and then
    # every two weeks, at 10:00 in the new hire's Berlin across the clocks going forward on 29 March.
    tick(bot)
    tick(bot)
    [line] = posted_to(slack, "G", "Add this to your calendar")
    [(channel, raw)] = shared_calendars(slack)
    assert channel == welcome["channel"] == line["channel"]
    starts = sorted(e.decoded("DTSTART") for e in recurring_ical_events.of(Calendar.from_ical(raw)).all())
    days = [date(2026, 3, d) for d in (9, 16, 23, 30)] + [date(2026, 4, 13), date(2026, 4, 27)]
    days += [date(2026, 5, 11), date(2026, 5, 25)]
    assert [s.date() for s in starts] == days
    assert {(s.hour, s.minute) for s in starts} == {(10, 0)}
    assert [s.utcoffset() for s in starts[2:4]] == [timedelta(hours=1), timedelta(hours=2)]
    events = Calendar.from_ical(raw).walk("VEVENT")
    assert [str(e["RRULE"].to_ical(), "ascii") for e in events] == [
        "FREQ=WEEKLY;COUNT=4;INTERVAL=1",
        "FREQ=WEEKLY;COUNT=4;INTERVAL=2",
    ]
    assert b"not a mentor" not in raw and b"tools" not in raw  # the welcome and the checklist stay in Slack

    # Only the new hire ticks the checklist; the tick redraws the message and stays with the pair.
    click_in(bot, welcome, "buddy_checklist_tick", OTHER, f"{pairing.id}:tools:1")
    refused = eventually(lambda: [c.args for c in slack.calls_to("response_url") if c.args.get("text")])
    assert "Only the new colleague" in refused[-1]["text"]
    click_in(bot, welcome, "buddy_checklist_tick", NEW, f"{pairing.id}:tools:1")
    eventually(lambda: buddy_pairing(bot).checklist == ["tools"])
    redrawn = eventually(
        lambda: [c.args for c in slack.calls_to("response_url") if c.args.get("replace_original")]
    )
    assert ":white_check_mark: My tools and accounts are set up" in all_text(redrawn[-1])

    # The first weekly check-in: Monday 9 March at the nudge hour (10:00) in the new hire's Berlin.
    assert pairing.started_on == date(2026, 3, 2)
    bot.tick(bot.clock.now().replace(day=8, hour=12))
    assert not posted_to(slack, "G", "Who have you met so far?")
    bot.tick(bot.clock.now().replace(day=9, hour=9, minute=1))
    [checkin] = posted_to(slack, "G", "Who have you met so far?")
    assert "What's still unclear?" in all_text(checkin) and checkin["channel"] == welcome["channel"]

    # The end of the term (90 days): both thanked, the new hire invited to ask for a copilot, the seat freed.
    ends_at = buddy_pairing(bot).ends_at
    assert ends_at is not None and ends_at.date() == date(2026, 6, 1)  # 31 May is a Sunday
    bot.tick(ends_at + timedelta(minutes=1))
    tick(bot)
    [thanks] = posted_to(slack, "G", "your buddy time is over")
    assert f"<@{OTHER}>, thank you" in all_text(thanks)
    [invitation] = [m for m in posts(slack) if m["channel"] == NEW and "/mentor request" in all_text(m)]
    assert "copilot" in all_text(invitation)
    ended = buddy_pairing(bot)
    assert ended.state == "ended" and ended.end_reason == "term"
    with bot.runtime.db.transaction() as session:
        assert buddy_loads(session, TEAM_ID).get(person_id(bot, OTHER), 0) == 0


def test_an_unanswered_offer_expires_and_the_next_volunteer_is_asked(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    bot = admin_bot
    volunteer_as_buddy(bot, PEER)
    volunteer_as_buddy(bot, OTHER)
    turn_buddies_on(bot)
    join(bot, slack)
    tick(bot)
    offer_message(slack, PEER)
    [first] = offers(bot)
    bot.tick(first.expires_at + timedelta(minutes=1))
    assert [o.status for o in offers(bot)] == ["expired", "pending"]
    assert offers(bot)[1].buddy_id == person_id(bot, OTHER)
    tick(bot)
    assert [m for m in posts(slack) if m["channel"] == PEER and "has expired" in all_text(m)]


def test_nobody_outside_the_line_means_the_new_hire_waits_and_admins_hear_a_count(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    bot = admin_bot
    volunteer_as_buddy(bot, MANAGER)
    volunteer_as_buddy(bot, SKIP)
    turn_buddies_on(bot)
    assert bot.event({"type": "team_join", "user": {"id": NEW}}).status == 200
    eventually(lambda: _pairings(bot))
    assert eventually(lambda: buddy_pairing(bot).state == "waiting") and offers(bot) == []
    tick(bot)
    [note] = [
        m for m in posts(slack) if m["channel"] == ADMIN and "waiting for an onboarding buddy" in m["text"]
    ]
    assert NEW not in all_text(note) and "nia" not in all_text(note)


def _pairings(bot: RunningBot) -> list[BuddyPairing]:
    with bot.runtime.db.transaction() as session:
        return list(session.scalars(select(BuddyPairing)))


def test_either_can_end_it_early_kindly(admin_bot: RunningBot, slack: SlackStandIn, people: None):
    bot = admin_bot
    volunteer_as_buddy(bot, PEER)
    turn_buddies_on(bot)
    join(bot, slack)
    tick(bot)
    asked = offer_message(slack, PEER)
    click_in(bot, asked, "buddy_offer_accept", PEER, button_value(asked, "buddy_offer_accept"))
    eventually(lambda: buddy_pairing(bot).state == "active")
    pairing = buddy_pairing(bot)
    # App Home shows each of them the pairing and its end.
    for user, line in ((NEW, f"<@{PEER}> is your onboarding buddy until"), (PEER, f"You're <@{NEW}>'s")):
        before = len(slack.calls_to("views.publish"))
        assert bot.event({"type": "app_home_opened", "user": user, "tab": "home"}).status == 200
        published = slack.wait_for("views.publish", before + 1)[-1].args["view"]
        assert line in all_text(published)
    click_in(bot, {"channel": "G1"}, "buddy_end_early", MANAGER, str(pairing.id))  # not one of the pair
    refused = eventually(lambda: [c.args for c in slack.calls_to("response_url") if c.args.get("text")])
    assert "only" in refused[-1]["text"] and buddy_pairing(bot).state == "active"
    click_in(bot, {"channel": "G1"}, "buddy_end_early", NEW, str(pairing.id))
    eventually(lambda: buddy_pairing(bot).state == "ended")
    assert buddy_pairing(bot).end_reason == "ended_early" and buddy_pairing(bot).next_checkin_at is None
    for _ in range(4):  # the welcome, the calendar line and its file, the note: one a second to one channel
        tick(bot)
    [note] = posted_to(slack, "G", "ended the buddy time")
    assert "Thank you both" in all_text(note)
    bot.tick(bot.clock.now() + timedelta(days=8))
    assert not posted_to(slack, "G", "Who have you met so far?")


def test_the_org_chart_start_date_starts_the_search(admin_bot: RunningBot, slack: SlackStandIn, people: None):
    bot = admin_bot
    volunteer_as_buddy(bot, PEER)
    turn_buddies_on(bot, start="start_date")
    # Joining Slack does nothing when the program starts on the start date.
    assert bot.event({"type": "team_join", "user": {"id": NEW}}).status == 200
    tick(bot)
    assert offers(bot) == []
    csv = f"slack_id,start_date\n{NEW},2026-03-04\n"
    from bot.people.org_import import import_org

    report = import_org(bot.runtime, TEAM_ID, bot.runtime.slack.for_team(TEAM_ID), csv)
    assert report.ok and any("start date 2026-03-04" in c for c in report.changes)
    tick(bot)
    assert offers(bot) == []
    bot.tick(bot.clock.now().replace(day=4, hour=8))
    [offer] = offers(bot)
    assert offer.buddy_id == person_id(bot, PEER) and buddy_pairing(bot).started_on == date(2026, 3, 4)


def test_a_lead_sees_buddy_pairings_as_their_own_kind_and_nothing_private(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    bot = admin_bot
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        new_hire = session.scalar(select(Person).where(Person.slack_user_id == NEW))
        peer = session.scalar(select(Person).where(Person.slack_user_id == PEER))
        assert new_hire and peer
        session.add(
            BuddyPairing(
                team_id=TEAM_ID,
                new_hire_id=new_hire.id,
                buddy_id=peer.id,
                state="active",
                started_on=now.date(),
                term_days=90,
                checklist=["tools", MARKER],
                checkins_sent=0,
                created_at=now,
                activated_at=now,
                ends_at=now + timedelta(days=90),
            )
        )
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement.lower())

    engine = bot.runtime.db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        seen = visible_summary(bot.runtime, TEAM_ID, MANAGER)  # Mo leads Nia by the org chart
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert seen.summary is not None and seen.summary.buddies is not None
    assert (seen.summary.buddies.active, seen.summary.buddies.finding) == (1, 0)
    assert not [s for s in statements if "checklist" in s]
    before = len(slack.calls_to("response_url"))
    assert bot.command("summary", user=MANAGER).status == 200
    shown = slack.wait_for("response_url", before + 1)[-1].args
    assert "*Onboarding buddies:* 1 active" in all_text(shown)
    assert MARKER not in str(shown) and "tools" not in all_text(shown)


def test_a_leaver_ends_their_buddy_pairing_gracefully_and_forget_me_scrubs_it(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    bot = admin_bot
    volunteer_as_buddy(bot, PEER)
    turn_buddies_on(bot)
    join(bot, slack)
    tick(bot)
    asked = offer_message(slack, PEER)
    click_in(bot, asked, "buddy_offer_accept", PEER, button_value(asked, "buddy_offer_accept"))
    eventually(lambda: buddy_pairing(bot).state == "active")
    pairing = buddy_pairing(bot)
    click_in(bot, {"channel": "G1"}, "buddy_checklist_tick", NEW, f"{pairing.id}:people:1")
    eventually(lambda: buddy_pairing(bot).checklist == ["people"])

    gone = slack.add_user(PEER, name="pat", deleted=True)
    assert bot.event({"type": "user_change", "user": gone}).status == 200
    eventually(lambda: buddy_pairing(bot).state == "ended")
    assert buddy_pairing(bot).end_reason == "person_left"
    tick(bot)
    assert [m for m in posts(slack) if m["channel"] == NEW and "no longer here" in all_text(m)]

    from bot.people.forgetting import forget_person
    from bot.people.person_export import export_person

    [mine] = export_person(bot.runtime, TEAM_ID, NEW)["buddy_pairings"]
    assert (mine["role"], mine["partner"], mine["checklist"]) == ("new_hire", PEER, ["people"])
    assert forget_person(bot.runtime, TEAM_ID, NEW).forgotten
    assert buddy_pairing(bot).checklist == []


def test_an_org_chart_change_that_puts_the_buddy_in_the_line_ends_it_kindly(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    from bot.people.org_import import import_org

    bot = admin_bot
    volunteer_as_buddy(bot, PEER)
    volunteer_as_buddy(bot, OTHER)
    turn_buddies_on(bot)
    join(bot, slack)
    [offer] = offers(bot)
    assert offer.buddy_id == person_id(bot, PEER)
    # Pat becomes the new hire's manager while the offer waits: it is withdrawn and Oli asked instead.
    client = bot.runtime.slack.for_team(TEAM_ID)
    report = import_org(bot.runtime, TEAM_ID, client, f"slack_id,manager_slack_id\n{NEW},{PEER}\n")
    assert any("buddy offer to Pat for Nia withdrawn" in line for line in report.not_allowed), report.lines()
    assert [o.status for o in offers(bot)] == ["withdrawn", "pending"]
    assert offers(bot)[1].buddy_id == person_id(bot, OTHER)
    tick(bot)
    asked = offer_message(slack, OTHER)
    click_in(bot, asked, "buddy_offer_accept", OTHER, button_value(asked, "buddy_offer_accept"))
    eventually(lambda: buddy_pairing(bot).state == "active")
    # Later Oli manages the new hire's manager: the running pairing ends, both told only that.
    report = import_org(bot.runtime, TEAM_ID, client, f"slack_id,manager_slack_id\n{PEER},{OTHER}\n")
    assert any("buddy pairing of Nia and Oli ended" in line for line in report.not_allowed), report.lines()
    ended = buddy_pairing(bot)
    assert (ended.state, ended.end_reason) == ("ended", "not_allowed")
    tick(bot)
    tick(bot)  # one message a second to each conversation
    for user in (NEW, OTHER):
        assert [m for m in posts(slack) if m["channel"] == user and "no longer allow" in all_text(m)]


def test_a_guest_or_a_bot_joining_gets_no_buddy_search(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    bot = admin_bot
    volunteer_as_buddy(bot, PEER)
    turn_buddies_on(bot)
    slack.add_user("UGUEST", name="gus", is_restricted=True, tz="Europe/Berlin")
    slack.add_user("UAPP", name="app", is_bot=True, tz="Europe/Berlin")
    for user in ("UGUEST", "UAPP"):
        assert bot.event({"type": "team_join", "user": {"id": user}}).status == 200
    eventually(lambda: len([c for c in slack.calls_to("users.info") if c.args.get("user") == "UAPP"]) > 0)
    eventually(lambda: person_ids(bot, "UGUEST", "UAPP"))
    assert _pairings(bot) == [] and offers(bot) == []


def person_ids(bot: RunningBot, *users: str) -> bool:
    with bot.runtime.db.transaction() as session:
        found = session.scalars(select(Person.slack_user_id).where(Person.slack_user_id.in_(users))).all()
        return len(found) == len(users)


def test_a_search_still_waiting_when_the_term_is_over_stops(
    admin_bot: RunningBot, slack: SlackStandIn, people: None
):
    bot = admin_bot
    volunteer_as_buddy(bot, MANAGER)
    turn_buddies_on(bot, term="30")
    join_quietly = bot.event({"type": "team_join", "user": {"id": NEW}})
    assert join_quietly.status == 200
    assert eventually(lambda: _pairings(bot) and buddy_pairing(bot).state == "waiting")
    bot.tick(bot.clock.now() + timedelta(days=31))
    ended = buddy_pairing(bot)
    assert (ended.state, ended.end_reason, ended.buddy_id) == ("ended", "term", None)

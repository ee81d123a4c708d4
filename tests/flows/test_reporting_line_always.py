"""The reporting-line rule holds for the whole life of an offer and a pairing (issue 16), over signed HTTP.

An org-chart change (the admin's person form, import-org) withdraws the offers and ends the pairings it
puts inside a reporting line, telling each person only that the program's rules no longer allow it and
listing them for the admin; accepting, renewing and revisiting re-run the hard rules at that moment; the
depth setting never lets a manager mentor a report.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.demo.slack_standin import SlackStandIn
from bot.messages.program_settings import settings_modal
from bot.people import program_settings as program
from bot.people.directory import find_person
from bot.people.org_import import import_org
from storage.models import Agreement, OutboxMessage
from tests.flows.copilots import (
    dms_to,
    eventually,
    offer_message_of,
    offers_for,
    pairings,
    request_via_form,
    tick,
    volunteer_via_form,
)
from tests.harness import TEAM_ID, RunningBot
from tests.worlds import make

ADMIN, MENTEE, COPILOT, BIG_BOSS = "UADMIN", "UMIA", "UVIC", "UBIG"
RULES_LINE = "The program's rules no longer allow this pairing"


@pytest.fixture(autouse=True)
def people(admin_bot: RunningBot, slack: SlackStandIn) -> None:
    now = admin_bot.clock.now()
    slack.add_user(ADMIN, name="pat", real_name="Pat Admin")
    with admin_bot.runtime.db.transaction() as session:
        make.person(session, MENTEE, now, name="mia", slack=slack, org_team="Support", level=2)
        make.person(session, COPILOT, now, name="vic", slack=slack, org_team="Platform", level=2)
        make.person(session, BIG_BOSS, now, name="big", slack=slack, org_team="Platform", level=5)


def _set_manager_in_db(bot: RunningBot, user: str, manager: str) -> None:
    """A chart change that ran no sweep (an older release, a hand edit): the next click must still hold."""
    with bot.runtime.db.transaction() as session:
        person = find_person(session, TEAM_ID, user)
        boss = find_person(session, TEAM_ID, manager)
        assert person is not None and boss is not None
        person.manager_id = boss.id


def _pending_offer(bot: RunningBot) -> tuple[int, int]:
    volunteer_via_form(bot, COPILOT, topics=("Giving feedback",))
    request_id = request_via_form(bot, MENTEE, topics=("Giving feedback",))
    tick(bot)
    [offer] = offers_for(bot, request_id)
    assert offer.status == "pending"
    return request_id, offer.id


def _person_form(bot: RunningBot, user: str, manager: str) -> str:
    """The admin sets `user`'s manager with /mentor admin person; returns the admin's answer."""
    before = len(bot.slack.calls_to("chat.postEphemeral"))
    opened = len(bot.slack.calls_to("views.open"))
    bot.command(f"admin person <@{user}>", user=ADMIN)
    view = bot.slack.wait_for("views.open", opened + 1)[-1].args["view"]
    values = {
        "manager": {"manager": {"type": "users_select", "selected_user": manager}},
        "team": {"team": {"type": "plain_text_input", "value": ""}},
        "title": {"title": {"type": "plain_text_input", "value": ""}},
        "level": {"level": {"type": "number_input", "value": None}},
    }
    assert bot.submit(view, values, user=ADMIN).status == 200
    return bot.slack.wait_for("chat.postEphemeral", before + 1)[-1].args["text"]


def _texts_to(slack: SlackStandIn, user: str) -> list[str]:
    return [json.dumps(m) for m in dms_to(slack, user)]


def _accept(bot: RunningBot, offer_id: int, *, refused: bool = True) -> str:
    """Click Accept on the offer's DM; the private answer when it is refused."""
    before = len(bot.slack.calls_to("response_url"))
    message = offer_message_of(bot, offer_id)
    assert bot.click("offer_accept", user=COPILOT, value=str(offer_id), message=message).status == 200
    if not refused:
        bot.slack.wait_for("chat.update")
        return ""
    return bot.slack.wait_for("response_url", before + 1)[-1].args["text"]


def test_the_person_form_withdraws_an_offer_to_the_new_manager_and_says_so(admin_bot: RunningBot):
    request_id, offer_id = _pending_offer(admin_bot)

    answer = _person_form(admin_bot, MENTEE, COPILOT)
    assert "manager (none) → Vic" in answer
    assert "the offer to Vic for Mia's request was withdrawn" in answer
    assert "rules no longer allow it" in answer
    [offer] = offers_for(admin_bot, request_id)
    assert offer.status == "withdrawn"

    tick(admin_bot)
    admin_bot.tick(admin_bot.clock.now() + timedelta(minutes=5))  # one message per channel per pace
    closed = [t for t in _texts_to(admin_bot.slack, COPILOT) if RULES_LINE in t]
    assert len(closed) == 1, "the copilot is told, once, only that the rules no longer allow it"
    # The old Accept button does nothing now.
    assert "withdrawn" in _accept(admin_bot, offer_id)
    assert pairings(admin_bot) == []


def test_accept_re_runs_the_hard_rules_at_that_moment(admin_bot: RunningBot):
    request_id, offer_id = _pending_offer(admin_bot)
    _set_manager_in_db(admin_bot, MENTEE, COPILOT)

    assert RULES_LINE in _accept(admin_bot, offer_id)
    assert pairings(admin_bot) == [], "a manager never becomes their report's copilot"
    [offer] = offers_for(admin_bot, request_id)
    assert offer.status == "withdrawn"


def test_import_org_ends_a_pairing_inside_a_reporting_line_kindly_and_lists_it(admin_bot: RunningBot):
    _, offer_id = _pending_offer(admin_bot)
    _accept(admin_bot, offer_id, refused=False)
    eventually(lambda: pairings(admin_bot))
    tick(admin_bot)
    before = {u: len(dms_to(admin_bot.slack, u)) for u in (MENTEE, COPILOT)}

    report = import_org(
        admin_bot.runtime,
        TEAM_ID,
        admin_bot.runtime.slack.for_team(TEAM_ID),
        f"slack_id,manager_slack_id\n{MENTEE},{COPILOT}\n",
    )
    lines = "\n".join(report.lines())
    assert "The program's rules no longer allow these" in lines
    assert "the pairing of Mia and Vic was ended" in lines
    [ended] = pairings(admin_bot)
    assert (ended.state, ended.end_reason) == ("ended", "not_allowed")

    tick(admin_bot)
    admin_bot.tick(admin_bot.clock.now() + timedelta(minutes=5))  # one message per channel per pace
    for user in (MENTEE, COPILOT):
        new = [json.dumps(m) for m in dms_to(admin_bot.slack, user)[before[user] :]]
        told = [t for t in new if "mentoring has ended" in t or RULES_LINE in t]
        assert len(told) == 1, (user, new)
        assert RULES_LINE in told[0] and "manager" not in told[0] and "report" not in told[0]


def _confirmed_pairing(bot: RunningBot) -> tuple[int, int]:
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        mentee = find_person(session, TEAM_ID, MENTEE)
        copilot = find_person(session, TEAM_ID, COPILOT)
        assert mentee is not None and copilot is not None
        pairing = make.pairing(session, mentee, copilot, now - timedelta(days=100))
        agreement = make.agreement(session, pairing, now - timedelta(days=99), terms=make.standard_terms())
        return pairing.id, agreement.version


def test_renewal_re_runs_the_rules_and_ends_a_pairing_they_no_longer_allow(admin_bot: RunningBot):
    pairing_id, version = _confirmed_pairing(admin_bot)
    _set_manager_in_db(admin_bot, MENTEE, COPILOT)
    for user in (MENTEE, COPILOT):
        admin_bot.click("term_end_renew", user=user, value=f"{pairing_id}:{version}")
    eventually(lambda: pairings(admin_bot)[0].state == "ended")
    [pairing] = pairings(admin_bot)
    assert pairing.end_reason == "not_allowed"
    with admin_bot.runtime.db.transaction() as session:
        versions = session.scalars(select(Agreement.version).where(Agreement.pairing_id == pairing_id)).all()
        assert versions == [version], "no new round was opened"


def test_revisit_re_runs_the_rules(admin_bot: RunningBot):
    pairing_id, _ = _confirmed_pairing(admin_bot)
    _set_manager_in_db(admin_bot, COPILOT, MENTEE)  # the mentee now manages their copilot
    admin_bot.click("expectations_revisit", user=MENTEE, value=str(pairing_id))
    eventually(lambda: pairings(admin_bot)[0].state == "ended")
    with admin_bot.runtime.db.transaction() as session:
        kickoffs = session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.pairing_id == pairing_id, OutboxMessage.kind == "expectations_kickoff"
            )
        ).all()
        assert kickoffs == []


def test_the_depth_setting_never_lets_a_managers_manager_mentor_a_report(admin_bot: RunningBot):
    now = admin_bot.clock.now()
    with admin_bot.runtime.db.transaction() as session:
        settings, errors = program.validate({"reporting_line_depth": 1})
        assert not errors
        program.save(session, TEAM_ID, settings, now)
    _set_manager_in_db(admin_bot, MENTEE, COPILOT)
    _set_manager_in_db(admin_bot, COPILOT, BIG_BOSS)
    volunteer_via_form(admin_bot, BIG_BOSS, topics=("Giving feedback",))
    request_id = request_via_form(admin_bot, MENTEE, topics=("Giving feedback",))
    tick(admin_bot)
    assert offers_for(admin_bot, request_id) == [], "the skip-level manager is never asked"

    modal = json.dumps(settings_modal(settings))
    assert "a manager never mentors a report" in modal
    assert "How many levels of a mentee's own reports are kept out" in modal


def test_a_slack_user_change_that_makes_the_copilot_a_guest_ends_the_pairing(
    admin_bot: RunningBot, slack: SlackStandIn
):
    """Guests may not take part here (the default): the Slack event is an org change like the others."""
    pairing_id, _ = _confirmed_pairing(admin_bot)
    user = slack.add_user(COPILOT, name="vic", real_name="Vic", tz="Europe/Berlin", is_restricted=True)
    assert admin_bot.event({"type": "user_change", "user": user}).status == 200
    eventually(lambda: pairings(admin_bot)[0].state == "ended")
    [pairing] = pairings(admin_bot)
    assert (pairing.id, pairing.end_reason) == (pairing_id, "not_allowed")

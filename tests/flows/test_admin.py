"""Program admin surfaces and people events, through signed HTTP to the running app."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from bot.demo.slack_standin import SlackStandIn
from bot.people import directory as people
from bot.people.directory import find_person
from bot.people.topics import set_topics
from bot.rules.topics import DEFAULT_TOPICS
from storage.models import Person, Topic
from tests.flows.copilots import eventually
from tests.harness import TEAM_ID, RunningBot

ADMIN = "UADMIN"


@pytest.fixture(autouse=True)
def staff(slack: SlackStandIn) -> None:
    slack.add_user(ADMIN, name="pat", real_name="Pat Admin")
    slack.add_user("UANA", name="ana", real_name="Ana Ruiz")
    slack.add_user("UBOB", name="bob", real_name="Bob Lee")
    slack.add_user("UCARLA", name="carla", real_name="Carla Diaz")
    slack.add_user("UOWNER", name="olga", real_name="Olga Owner", is_owner=True)


def stored_topics(bot: RunningBot) -> list[str]:
    with bot.runtime.db.transaction() as session:
        return sorted(session.scalars(select(Topic.name).where(Topic.team_id == TEAM_ID)))


def text_field(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def opened_view(bot: RunningBot, count: int = 1) -> dict[str, Any]:
    call = bot.slack.wait_for("views.open", count)[-1]
    return call.args["view"]


# --- topics --------------------------------------------------------------------------------------


def test_admin_edits_the_topics_with_errors_shown_on_the_field(admin_bot: RunningBot):
    reply = admin_bot.command("admin topics", user=ADMIN)
    assert reply.status == 200

    call = admin_bot.slack.wait_for("views.open")[0]
    assert call.args["trigger_id"].startswith("trigger.")
    view = call.args["view"]
    assert view["callback_id"] == "admin_topics"
    field = next(b for b in view["blocks"] if b.get("block_id") == "topics_1")
    assert field["element"]["initial_value"].splitlines() == sorted(DEFAULT_TOPICS, key=str.casefold)

    too_long = "x" * 80
    bad = admin_bot.submit(view, {"topics_1": {"lines": text_field(f"Mentoring\n{too_long}")}}, user=ADMIN)
    assert bad.status == 200
    body = bad.json()
    assert body["response_action"] == "errors"
    assert "80 characters long" in body["errors"]["topics_1"]
    assert stored_topics(admin_bot) == sorted(DEFAULT_TOPICS)  # the seeded defaults, untouched

    empty = admin_bot.submit(view, {"topics_1": {"lines": text_field("  \n \n")}}, user=ADMIN)
    assert empty.json()["errors"] == {"topics_1": "Please list at least one topic."}

    good = admin_bot.submit(
        view,
        {"topics_1": {"lines": text_field("Public speaking\n  code   review \nCode Review\n#Writing\n")}},
        user=ADMIN,
    )
    assert good.status == 200
    assert good.body in (b"", b"null") or good.json().get("response_action") is None
    note = admin_bot.slack.wait_for("chat.postEphemeral")[0]
    assert note.args["user"] == ADMIN and note.args["channel"] == "C1"
    assert note.args["text"] == "Saved 3 mentoring topics."
    assert stored_topics(admin_bot) == ["Public speaking", "Writing", "code review"]


def test_a_long_topic_list_is_spread_over_several_fields(admin_bot: RunningBot):
    names = [f"Topic number {i:03d} about something quite specific" for i in range(120)]
    with admin_bot.runtime.db.transaction() as session:
        assert set_topics(session, TEAM_ID, names) == []
    admin_bot.command("admin topics", user=ADMIN)
    view = opened_view(admin_bot)
    fields = [b for b in view["blocks"] if b.get("block_id", "").startswith("topics_")]
    assert len(fields) >= 2
    assert all(len(f["element"].get("initial_value", "")) <= 3000 for f in fields)
    values = {f["block_id"]: {"lines": text_field(f["element"].get("initial_value", ""))} for f in fields}
    values["topics_2"]["lines"]["value"] += "\n" + "y" * 76
    reply = admin_bot.submit(view, values, user=ADMIN).json()
    assert list(reply["errors"]) == ["topics_2"]


def test_someone_who_is_not_a_program_admin_is_refused_and_nothing_changes(admin_bot: RunningBot):
    reply = admin_bot.command("admin topics", user="UANA")
    assert reply.status == 200
    answer = admin_bot.slack.wait_for("response_url")[0]
    assert "Only program admins can edit the mentoring topics" in answer.args["text"]
    assert answer.args.get("response_type") == "ephemeral"
    assert admin_bot.slack.calls_to("views.open") == []
    assert stored_topics(admin_bot) == []

    # A forged or stale submission is refused too.
    view = {"type": "modal", "callback_id": "admin_topics", "private_metadata": "{}", "blocks": []}
    refused = admin_bot.submit(view, {"topics_1": {"lines": text_field("Anything")}}, user="UANA").json()
    assert "Only program admins" in refused["errors"]["topics_1"]
    assert stored_topics(admin_bot) == []


def test_a_workspace_owner_counts_as_a_program_admin(admin_bot: RunningBot):
    admin_bot.command("admin", user="UOWNER")
    menu = admin_bot.slack.wait_for("response_url")[0]
    assert "/mentor admin topics" in str(menu.args["blocks"])
    assert admin_bot.slack.calls_to("views.open") == []


def test_admin_is_not_listed_in_help(admin_bot: RunningBot):
    assert "admin" not in str(admin_bot.command("help", user=ADMIN).json()["blocks"])


# --- one person's org details ----------------------------------------------------------------------


def person_values(manager: str | None, team: str = "", title: str = "", level: str | None = None) -> dict:
    return {
        "manager": {"manager": {"type": "users_select", "selected_user": manager}},
        "team": {"team": text_field(team)},
        "title": {"title": text_field(title)},
        "level": {"level": {"type": "number_input", "value": level}},
    }


def org_row(bot: RunningBot, user_id: str) -> Person:
    with bot.runtime.db.transaction() as session:
        person = find_person(session, TEAM_ID, user_id)
        assert person is not None
        return person


def manager_of(bot: RunningBot, user_id: str) -> str | None:
    with bot.runtime.db.transaction() as session:
        person = find_person(session, TEAM_ID, user_id)
        if person is None or person.manager_id is None:
            return None
        return session.get(Person, person.manager_id).slack_user_id


def test_admin_sets_a_manager_and_a_loop_is_refused_on_the_field(admin_bot: RunningBot):
    admin_bot.command("admin person <@UANA|ana>", user=ADMIN)
    view = opened_view(admin_bot)
    assert view["callback_id"] == "admin_person"
    assert [b.get("block_id") for b in view["blocks"][1:]] == ["manager", "team", "title", "level"]

    reply = admin_bot.submit(view, person_values("UBOB", "Sales", "Account executive", "3"), user=ADMIN)
    assert reply.status == 200
    note = admin_bot.slack.wait_for("chat.postEphemeral")[0]
    assert "manager (none) → Bob Lee" in note.args["text"]
    ana = org_row(admin_bot, "UANA")
    assert (ana.org_team, ana.title, ana.level) == ("Sales", "Account executive", 3)
    assert manager_of(admin_bot, "UANA") == "UBOB"

    # Reopening shows what is stored.
    admin_bot.command("admin person <@UANA>", user=ADMIN)
    again = opened_view(admin_bot, 2)
    assert again["blocks"][1]["element"]["initial_user"] == "UBOB"
    assert again["blocks"][4]["element"]["initial_value"] == "3"

    # Bob reporting to Ana would make a loop: the error goes on the manager field and nothing changes.
    admin_bot.command("admin person <@UBOB|bob>", user=ADMIN)
    bob_view = opened_view(admin_bot, 3)
    loop = admin_bot.submit(bob_view, person_values("UANA"), user=ADMIN).json()
    assert loop["response_action"] == "errors"
    assert "Ana Ruiz already reports to Bob Lee" in loop["errors"]["manager"]
    assert manager_of(admin_bot, "UBOB") is None

    own = admin_bot.submit(bob_view, person_values("UBOB"), user=ADMIN).json()
    assert own["errors"] == {"manager": "Someone can't be their own manager."}


def test_person_needs_someone_to_edit(admin_bot: RunningBot):
    admin_bot.command("admin person", user=ADMIN)
    answer = admin_bot.slack.wait_for("response_url")[0]
    assert "/mentor admin person @someone" in answer.args["text"]


def test_an_unescaped_handle_is_found_among_known_people(admin_bot: RunningBot):
    with admin_bot.runtime.db.transaction() as session:
        people.ensure_person(
            admin_bot.runtime, session, admin_bot.runtime.slack.for_team(TEAM_ID), TEAM_ID, "UCARLA"
        )
    admin_bot.command("admin person @carla", user=ADMIN)
    view = opened_view(admin_bot)
    assert '"user": "UCARLA"' in view["private_metadata"]


def test_a_non_admin_cannot_open_the_person_form(admin_bot: RunningBot):
    admin_bot.command("admin person <@UBOB>", user="UANA")
    assert (
        "Only program admins can edit the org chart"
        in admin_bot.slack.wait_for("response_url")[0].args["text"]
    )
    assert admin_bot.slack.calls_to("views.open") == []


# --- people events ---------------------------------------------------------------------------------


def test_a_user_change_that_deactivates_someone_calls_the_left_hook(admin_bot: RunningBot, monkeypatch):
    with admin_bot.runtime.db.transaction() as session:
        people.ensure_person(
            admin_bot.runtime, session, admin_bot.runtime.slack.for_team(TEAM_ID), TEAM_ID, "UANA"
        )
    called = threading.Event()
    left: list[str] = []

    def end_their_pairings(runtime, session, person: Person) -> None:
        left.append(person.slack_user_id)
        called.set()

    monkeypatch.setattr(admin_bot.runtime.hooks, "person_left", [end_their_pairings])
    user = admin_bot.slack.add_user("UANA", name="ana", real_name="Ana Ruiz", deleted=True)
    assert admin_bot.event({"type": "user_change", "user": user}).status == 200
    assert called.wait(5)
    assert left == ["UANA"]
    assert eventually(lambda: org_row(admin_bot, "UANA").is_deleted)  # the hook runs before the commit


def test_team_join_records_the_newcomer(admin_bot: RunningBot):
    user = admin_bot.slack.add_user("UNEW", name="newbie", real_name="New Colleague", tz="Asia/Tokyo")
    assert admin_bot.event({"type": "team_join", "user": user}).status == 200
    admin_bot.slack.wait_for("users.info")

    def stored() -> Person | None:
        with admin_bot.runtime.db.transaction() as session:
            return find_person(session, TEAM_ID, "UNEW")

    assert eventually(stored)
    assert stored().tz == "Asia/Tokyo"

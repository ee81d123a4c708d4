"""Slack Connect: someone from another organisation who shares a channel is never made a person here, so
never a participant and never a program admin, whatever their own workspace made them."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from storage.db import Database
from storage.models import Person
from tests.harness import TEAM_ID, RunningBot

OTHER = "TOTHERORG"


def _people(db: Database) -> dict[str, Person]:
    with db.transaction() as session:
        return {p.slack_user_id: p for p in session.scalars(select(Person))}


def test_a_user_change_from_another_workspace_stores_nobody(bot: RunningBot, db: Database):
    outsider = bot.slack.add_user("UEXT", name="ext", team_id=OTHER, is_admin=True, is_owner=True)
    assert bot.event({"type": "user_change", "user": outsider}).status == 200
    time.sleep(0.3)
    assert "UEXT" not in _people(db)


def test_a_user_change_naming_a_member_but_another_workspace_changes_nothing(bot: RunningBot, db: Database):
    member = bot.slack.add_user("U1", name="ana", team_id=TEAM_ID)
    assert bot.event({"type": "user_change", "user": member}).status == 200
    deadline = time.monotonic() + 5
    while "U1" not in _people(db):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    forged = {**member, "team_id": OTHER, "is_admin": True, "profile": {"display_name": "boss"}}
    assert bot.event({"type": "user_change", "user": forged}).status == 200
    time.sleep(0.3)
    ana = _people(db)["U1"]
    assert (ana.name, ana.is_workspace_admin) == ("ana", False)


def test_an_outsider_named_or_acting_is_never_made_a_person(bot: RunningBot, db: Database):
    bot.slack.add_user("U1", name="ana", team_id=TEAM_ID)
    bot.slack.add_user("UEXT", name="ext", team_id=OTHER, is_admin=True)
    # Named as a copilot by a member: Slack describes them, as someone of another workspace.
    reply = bot.command("request <@UEXT>", user="U1")
    assert reply.status == 200
    time.sleep(0.3)
    opened = len(bot.slack.calls_to("views.open"))  # the member's request form
    # Their own App Home, a command and a click: an admin of their own workspace is no admin here.
    bot.event({"type": "app_home_opened", "user": "UEXT", "tab": "home", "channel": "D9"})
    bot.command("admin settings", user="UEXT")
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": "UEXT", "username": "ext", "team_id": OTHER},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": "trigger.x",
        "response_url": bot.slack.response_url("ext"),
        "actions": [{"action_id": "program_settings_open", "block_id": "b", "type": "button", "value": ""}],
        "view": {"id": "VHOME", "type": "home"},
        "container": {"type": "view", "view_id": "VHOME"},
    }
    assert bot.interaction(payload).status == 200
    time.sleep(0.5)
    assert "UEXT" not in _people(db)
    assert len(bot.slack.calls_to("views.open")) == opened
    homes = [
        json.dumps(c.args) for c in bot.slack.calls_to("views.publish") if c.args.get("user_id") == "UEXT"
    ]
    assert not [h for h in homes if "program_settings_open" in h or "summary_export_csv" in h]


def test_a_sync_skips_members_of_other_workspaces(bot: RunningBot, db: Database):
    from bot.people.directory import sync_workspace

    bot.slack.add_user("U1", name="ana", team_id=TEAM_ID)
    bot.slack.add_user("UEXT", name="ext", team_id=OTHER, is_admin=True)
    report = sync_workspace(bot.runtime, TEAM_ID, bot.runtime.slack.for_team(TEAM_ID))
    assert report.added == 1
    assert set(_people(db)) == {"U1"}

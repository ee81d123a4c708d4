"""Program settings: only admins open and save them; errors land on the fields; changes apply at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from bot.people import program_settings as program
from storage.db import Database
from tests.harness import TEAM_ID, RunningBot, start_bot, stop_server, test_settings

ADMIN = "UADMIN"


@pytest.fixture
def admin_bot(
    db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str
) -> Iterator[RunningBot]:
    slack.add_user(ADMIN, name="pat", real_name="Pat Admin")
    slack.add_user("UANA", name="ana", real_name="Ana Ruiz")
    settings = test_settings(slack, database_url, admin_user_ids=(ADMIN,))
    running, server = start_bot(settings, db, slack, clock)
    try:
        yield running
    finally:
        stop_server(server)


def values(**changes: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """A full submission of the settings modal with the defaults, and `changes` over them."""
    raw: dict[str, Any] = {
        "max_tz_gap_hours": "8",
        "reporting_line_depth": None,
        "offer_expiry_working_days": "3",
        "nudge_hour": "10",
        "working_days": ["0", "1", "2", "3", "4"],
        "quiet_start": "20",
        "quiet_end": "8",
        "grace_hours": "12",
        "health_review_days": "60",
        "digest_enabled": "yes",
        "allow_guests": "no",
        "checkin_delivery": "dm",
        **changes,
    }
    state: dict[str, dict[str, dict[str, Any]]] = {}
    for name, value in raw.items():
        if name == "working_days":
            element = {"type": "checkboxes", "selected_options": [{"value": v} for v in value]}
        elif name in ("nudge_hour",):
            element = {"type": "static_select", "selected_option": {"value": value}}
        elif name in ("digest_enabled", "allow_guests", "checkin_delivery"):
            element = {"type": "radio_buttons", "selected_option": {"value": value}}
        else:
            element = {"type": "number_input", "value": value}
        state[name] = {name: element}
    return state


def stored(bot: RunningBot) -> program.ProgramSettings:
    with bot.runtime.db.transaction() as session:
        return program.load(session, TEAM_ID)


def test_admin_changes_settings_with_errors_on_the_fields(admin_bot: RunningBot):
    admin_bot.command("admin settings", user=ADMIN)
    view = admin_bot.slack.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == "program_settings" and len(view["title"]["text"]) <= 24
    nudge = next(b for b in view["blocks"] if b.get("block_id") == "nudge_hour")
    assert nudge["element"]["initial_option"]["value"] == "10"

    bad = admin_bot.submit(view, values(max_tz_gap_hours="30", working_days=[]), user=ADMIN).json()
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {"max_tz_gap_hours", "working_days"}
    assert stored(admin_bot) == program.ProgramSettings()

    good = admin_bot.submit(
        view,
        values(
            nudge_hour="8", digest_enabled="no", quiet_start=None, quiet_end=None, checkin_delivery="group"
        ),
        user=ADMIN,
    )
    assert good.body in (b"", b"null") or good.json().get("response_action") is None
    now = stored(admin_bot)
    assert (now.nudge_hour, now.digest_enabled, now.quiet_start, now.checkin_delivery) == (
        8,
        False,
        None,
        "group",
    )
    note = admin_bot.slack.wait_for("chat.postMessage")[0]
    assert note.args["channel"] == ADMIN and "saved" in note.args["text"]

    # Opened again, the form shows what is stored now.
    admin_bot.command("admin settings", user=ADMIN)
    again = admin_bot.slack.wait_for("views.open", 2)[-1].args["view"]
    nudge = next(b for b in again["blocks"] if b.get("block_id") == "nudge_hour")
    assert nudge["element"]["initial_option"]["value"] == "8"


def test_others_cannot_open_or_save_settings(admin_bot: RunningBot):
    admin_bot.command("admin settings", user="UANA")
    refusal = admin_bot.slack.wait_for("response_url")[0].args["text"]
    assert "Only program admins" in refusal
    admin_bot.click("program_settings_open", user="UANA", view={"id": "VHOME", "type": "home"})
    assert "Only program admins" in admin_bot.slack.wait_for("chat.postMessage")[0].args["text"]
    assert not admin_bot.slack.calls_to("views.open")

    admin_bot.command("admin settings", user=ADMIN)
    view = admin_bot.slack.wait_for("views.open")[0].args["view"]
    forged = admin_bot.submit(view, values(nudge_hour="6"), user="UANA").json()
    assert forged["response_action"] == "errors"
    assert stored(admin_bot).nudge_hour == 10


def test_the_settings_button_opens_the_modal_for_admins(admin_bot: RunningBot):
    admin_bot.click("program_settings_open", user=ADMIN, view={"id": "VHOME", "type": "home"})
    view = admin_bot.slack.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == "program_settings"


def test_leads_command_explains_itself_and_refuses_unknown_groups(admin_bot: RunningBot):
    admin_bot.command("admin leads", user=ADMIN)
    assert "/mentor admin leads @lead @group" in admin_bot.slack.wait_for("response_url")[0].args["text"]
    admin_bot.command("admin leads <@UANA> S0NOPE", user=ADMIN)
    assert "couldn't list the members" in admin_bot.slack.wait_for("response_url", 2)[-1].args["text"]
    admin_bot.slack.set_usergroup("S0GOOD", ["UANA", "UADMIN"])
    admin_bot.command("admin leads <@UANA> S0GOOD", user=ADMIN)
    assert "2 members" in admin_bot.slack.wait_for("response_url", 3)[-1].args["text"]
    admin_bot.command("admin leads <@UANA>", user=ADMIN)
    assert "S0GOOD" in admin_bot.slack.wait_for("response_url", 4)[-1].args["text"]
    admin_bot.command("admin leads <@UANA> remove S0GOOD", user=ADMIN)
    assert "no longer leads" in admin_bot.slack.wait_for("response_url", 5)[-1].args["text"]

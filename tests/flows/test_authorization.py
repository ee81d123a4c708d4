"""Every button and every modal the app registers, pressed and submitted by someone it doesn't concern.

The list comes from the app's own registry (handlers/registry.py), so a new action or modal is covered the
moment it is registered: if it acts for a stranger, or shows them private text, a test here fails.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from tests.flows.hardening import (
    ACTION_IDS,
    ACTIONS,
    CALLBACK_IDS,
    REGEX_EXAMPLES,
    RIGHTFUL,
    SHORTCUT_IDS,
    answer_all,
    changes,
    fill,
    leaked,
    modals,
    only_own_people_row,
    snapshot,
)
from tests.harness import TEAM_ID, TrackedBot
from tests.worlds.private import ADMIN, MARKERS, OUTSIDER, World, seed_world

# Modals where a stranger acts only for themselves (their own volunteering, request, introduction,
# promise): new rows are theirs to make, but nothing that existed before may change.
SELF_SERVICE = {"volunteer_form", "request_form", "intro_modal", "promise_modal"}

# Buttons and modals only a program admin may use; a plain participant tries them too.
ADMIN_ONLY_ACTIONS = {
    "matching_round",
    "summary_export_csv",
    "program_settings_open",
    "cohort_open",
    "cohort_preview",
    "cohort_export_csv",
}
ADMIN_ONLY_VIEWS = {"admin_topics", "admin_person", "program_settings", "cohort_form"}

KNOWN_ACTIONS = {
    "checkin_met",
    "checkin_scheduled",
    "checkin_skip",
    "checkin_pause",
    "pulse_3",
    "pulse_comment",
    "expectations_open",
    "expectations_accept",
    "expectations_confirm",
    "pairing_end",
    "pairing_pause",
    "offer_accept",
    "offer_decline",
    "request_cancel",
    "intro_met",
    "contact_talked",
    "promise_done",
    "promise_snooze_date",
    "term_end_renew",
    "cohort_sign_up_mentee",
    "cohort_sign_up_copilot",
    "cohort_survey_open",
    *ADMIN_ONLY_ACTIONS,
}
KNOWN_VIEWS = {
    "checkin_report",
    "checkin_pause_until",
    "pulse_comment_form",
    "expectations_form",
    "expectations_proposal",
    "pairing_end_form",
    "offer_decline_form",
    "intro_report_back",
    "contact_modal",
    "cohort_survey_form",
    *SELF_SERVICE,
    *ADMIN_ONLY_VIEWS,
}


def test_the_registry_lists_every_known_action_and_modal():
    assert set(ACTION_IDS) >= KNOWN_ACTIONS, KNOWN_ACTIONS - set(ACTION_IDS)
    assert set(CALLBACK_IDS) >= KNOWN_VIEWS, KNOWN_VIEWS - set(CALLBACK_IDS)
    assert len(ACTION_IDS) >= 40 and len(CALLBACK_IDS) >= 16
    assert {p.pattern for p in ACTIONS if isinstance(p, re.Pattern)} == set(REGEX_EXAMPLES)
    assert SHORTCUT_IDS == ["intro_from_message"]


# --- clicking ----------------------------------------------------------------------------------------------


def _values(world: World) -> list[str]:
    """Every shape of button value the app uses, pointing at every seeded object."""
    found = [str(i) for i in world.object_ids()]
    for pairing_id, version in world.agreements:
        found += [
            f"{pairing_id}:{version}",
            f"{pairing_id}:{version}:cadence",
            f"{pairing_id}:{version}:cadence:fortnightly",
        ]
    return found


def _click(bot: TrackedBot, action_id: str, user: str, value: str, *, from_home: bool, n: int) -> None:
    running = bot.running
    day = (running.clock.now() + timedelta(days=10)).date().isoformat()
    number = value.split(":")[0]
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": f"pairing_{number}",
        "type": "button",
        "value": value,
        "action_ts": f"{1700000000 + n}.000200",
        "selected_date": day,
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": value},
    }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": f"trigger.out.{n}",
        "actions": [action],
    }
    if from_home:
        payload["view"] = {"id": "VHOME", "type": "home", "private_metadata": "", "state": {"values": {}}}
        payload["container"] = {"type": "view", "view_id": "VHOME"}
    else:
        payload["response_url"] = running.slack.response_url(f"out{n}")
        payload["channel"] = {"id": "GPAIR1"}
        payload["message"] = {"ts": "1700000000.000100", "text": "", "channel": "GPAIR1"}
        payload["container"] = {"type": "message", "message_ts": "1700000000.000100", "channel_id": "GPAIR1"}
    reply = running.interaction(payload)
    assert reply.status == 200, (action_id, value, reply.status, reply.text)


def _assert_untouched(
    bot: TrackedBot, before: Any, user: str, what: str, *, new_rows_allowed: bool = False
) -> None:
    bot.settle()
    diff = only_own_people_row(changes(before, snapshot(bot.running)), user)
    if new_rows_allowed:
        diff = {name: (gone, new) for name, (gone, new) in diff.items() if gone}
    assert not diff, (
        f"{what} by {user} changed rows: {json.dumps({k: [sorted(g), sorted(n)] for k, (g, n) in diff.items()}, indent=1)[:3000]}"
    )
    assert not leaked(bot.running.slack), (
        f"{what} by {user} was shown private text: {leaked(bot.running.slack)}"
    )
    sent = json.dumps([c.args for c in bot.running.slack.calls], default=str)
    assert "Something went wrong on our side" not in sent, f"{what} by {user} crashed a listener"


_HOME_ACTIONS: set[str] = set()


def _home_actions(bot: TrackedBot) -> set[str]:
    """The action ids that appear on anyone's App Home: those buttons can be clicked there too."""
    if _HOME_ACTIONS:
        return _HOME_ACTIONS
    for user in ("UANA", "USAM", "UGIL", "UEVE", "UFRED", ADMIN):
        assert bot.running.event({"type": "app_home_opened", "user": user, "tab": "home"}).status == 200
    bot.settle()
    found = set()
    for call in bot.running.slack.calls_to("views.publish"):
        for block in call.args["view"]["blocks"]:
            for element in [*block.get("elements", []), block.get("accessory") or {}]:
                if "action_id" in element:
                    found.add(element["action_id"])
    bot.running.slack.clear()
    _HOME_ACTIONS.update(found)
    return found


def _press_everything(bot: TrackedBot, world: World, action_id: str, user: str) -> None:
    surfaces = (False, True) if action_id in _home_actions(bot) else (False,)
    before = snapshot(bot.running)
    clicks = [(value, from_home) for value in _values(world) for from_home in surfaces]
    with ThreadPoolExecutor(max_workers=6) as pool:
        for done in [
            pool.submit(_click, bot, action_id, user, value, from_home=from_home, n=n)
            for n, (value, from_home) in enumerate(clicks)
        ]:
            done.result()
    _assert_untouched(bot, before, user, action_id)


@pytest.mark.parametrize("action_id", ACTION_IDS)
def test_a_stranger_pressing_any_button_changes_nothing_and_sees_nothing_private(
    tracked: TrackedBot, action_id
):
    world = seed_world(tracked.running)
    _press_everything(tracked, world, action_id, OUTSIDER)


@pytest.mark.parametrize("action_id", sorted(ADMIN_ONLY_ACTIONS))
def test_a_participant_who_is_not_an_admin_cannot_use_admin_buttons(tracked: TrackedBot, action_id):
    world = seed_world(tracked.running)
    _press_everything(tracked, world, action_id, "UANA")
    told = json.dumps([c.args for c in tracked.running.slack.calls])
    assert "admin" in told.lower()


# --- submitting modals -------------------------------------------------------------------------------------


def _submit_everything(bot: TrackedBot, world: World, callback_id: str, user: str) -> None:
    catalog = modals(world)
    assert callback_id in catalog, f"add the {callback_id!r} modal to tests/flows/hardening.py modals()"
    before = snapshot(bot.running)
    for view in catalog[callback_id]:
        reply = bot.running.submit(view, answer_all(world, view), user=user)
        assert reply.status == 200, (callback_id, reply.status, reply.text)
        answer = reply.text
        assert not [m for m in MARKERS.values() if m in answer], (callback_id, answer)
    _assert_untouched(bot, before, user, callback_id, new_rows_allowed=callback_id in SELF_SERVICE)


@pytest.mark.parametrize("callback_id", CALLBACK_IDS)
def test_a_stranger_submitting_any_modal_changes_nothing_and_sees_nothing_private(
    tracked: TrackedBot, callback_id
):
    world = seed_world(tracked.running)
    _submit_everything(tracked, world, callback_id, OUTSIDER)


@pytest.mark.parametrize("callback_id", sorted(ADMIN_ONLY_VIEWS))
def test_a_participant_who_is_not_an_admin_cannot_submit_admin_modals(tracked: TrackedBot, callback_id):
    world = seed_world(tracked.running)
    _submit_everything(tracked, world, callback_id, "UANA")


@pytest.mark.parametrize("callback_id", CALLBACK_IDS)
def test_the_same_modals_from_the_rightful_person_are_obeyed(tracked: TrackedBot, callback_id):
    assert callback_id in RIGHTFUL, f"say who may submit {callback_id!r} in RIGHTFUL"
    rightful = RIGHTFUL[callback_id]
    if rightful is None:
        pytest.skip("covered by its own flow test")
    user, table = rightful
    world = seed_world(tracked.running)
    before = snapshot(tracked.running)
    for view in modals(world)[callback_id]:
        answers = answer_all(world, view)
        if callback_id == "admin_topics":
            answers = fill(view, "\n".join(world.extra["topics"][:-1]))  # one topic fewer
        assert tracked.running.submit(view, answers, user=user).status == 200
    tracked.settle()
    assert table in changes(before, snapshot(tracked.running)), callback_id


# --- the message shortcut ----------------------------------------------------------------------------------


@pytest.mark.parametrize("callback_id", SHORTCUT_IDS)
def test_a_stranger_using_the_shortcut_on_a_participants_message_sees_nothing_private(
    tracked: TrackedBot, callback_id
):
    seed_world(tracked.running)
    before = snapshot(tracked.running)
    reply = tracked.running.interaction(
        {
            "type": "message_action",
            "callback_id": callback_id,
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": OUTSIDER, "username": "oscar", "team_id": TEAM_ID},
            "channel": {"id": "GPAIR1"},
            "message": {"user": "USAM", "ts": "1700000000.000100", "text": "hello"},
            "trigger_id": "trigger.shortcut",
            "response_url": tracked.running.slack.response_url("shortcut"),
            "api_app_id": "A0001",
            "token": "legacy",
        }
    )
    assert reply.status == 200
    _assert_untouched(tracked, before, OUTSIDER, callback_id)
    [opened] = tracked.running.slack.calls_to("views.open")
    assert opened.args["view"]["callback_id"] == "intro_modal"

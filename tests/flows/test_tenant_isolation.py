"""Two workspaces installed through OAuth, the same Slack user ids in both: A never sees or changes B.

Every /mentor subcommand, every App Home, the lead and admin summaries, the CSV and person exports, the
digests, and every action_id and callback_id the app registers (clicked and submitted by A's people with
the ids of B's objects) are driven in workspace A; nothing A's people were sent may carry B's marker,
and no row of B may change.
"""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

from bot.app import build_app
from bot.oversight.export import export_pairings
from bot.people.person_export import export_json, export_person
from tests.harness import RunningBot
from tests.worlds.tenants import A, B, Workspace, sent_to, team_rows


def _click_plan(b: Workspace, day: str) -> dict[str, list[dict[str, str]]]:
    """For each action_id: how an A user clicks it carrying B's ids (value, block_id, date)."""
    i = b.ids
    pid, setting, version = str(i["pairing"]), i["setting_pairing"], i["agreement_version"]
    checkin, pulse = str(i["checkin"]), str(i["pulse"])
    plan: dict[str, list[dict[str, str]]] = {
        "checkin_met": [{"value": checkin}],
        "checkin_scheduled": [{"block_id": f"checkin_{checkin}", "selected_date": day, "value": checkin}],
        "checkin_skip": [{"value": checkin}],
        "checkin_pause": [{"value": checkin}],
        **{f"pulse_{n}": [{"value": pulse, "block_id": f"pulse_{pulse}"}] for n in range(1, 6)},
        "pulse_comment": [{"value": pulse, "block_id": f"pulse_{pulse}"}],
        "expectations_open": [{"value": str(setting)}],
        "expectations_resolve": [{"value": f"{setting}:1:cadence"}],
        "expectations_counter": [{"value": f"{setting}:1:cadence:x"}],
        "expectations_accept": [{"value": f"{setting}:1:cadence:weekly"}],
        "expectations_confirm": [{"value": f"{setting}:{i['drafting_version']}"}],
        "expectations_revisit": [{"value": pid}],
        "pairing_pause": [{"block_id": f"pairing_{pid}", "selected_date": day}],
        "pairing_resume": [{"value": pid, "block_id": f"pairing_{pid}"}],
        "pairing_end": [{"value": pid, "block_id": f"pairing_{pid}"}],
        "volunteer_edit": [{}],
        "volunteer_pause": [{}],
        "request_cancel": [{"value": str(i["request"])}],
        "matching_round": [{}],
        "offer_accept": [{"value": str(i["offer"])}],
        "offer_decline": [{"value": str(i["offer"])}],
        "intro_open": [{}],
        "intro_met": [{"value": str(i["intro"])}],
        "intro_not_yet": [{"value": str(i["intro"])}],
        "intro_not_happening": [{"value": str(i["intro"])}],
        "contact_add": [{}],
        "contact_edit": [{"value": str(i["contact"])}],
        "contact_talked": [{"value": str(i["contact"])}],
        "contact_stop_reminding": [{"value": str(i["contact"])}],
        "promise_add": [{}],
        "language_choice": [{}],  # carries no id: only the clicker's own choice
        "promise_done": [{"value": str(i["promise"])}],
        "promise_snooze_tomorrow": [{"value": str(i["promise"])}],
        "promise_snooze_date": [{"block_id": f"promise_{i['promise']}", "selected_date": day}],
        "summary_page": [{"value": "2"}],
        "summary_page_prev": [{"value": "1"}],
        "digest_off": [{}],
        "digest_on": [{}],
        "summary_export_csv": [{}],
        "program_settings_open": [{}],
        "buddy_offer_accept": [{"value": str(i["buddy_offer"])}],
        "buddy_offer_decline": [{"value": str(i["buddy_offer"])}],
        "buddy_checklist_tick": [{"value": f"{i['buddy_pairing']}:people:1"}],
        "buddy_end_early": [{"value": str(i["buddy_pairing"])}],
        "forget_me_confirm": [],  # acts on the clicker only; covered by test_data_rights
        # B has no cohort: a click naming one of A's ids finds nothing in B (test_cohorts covers A's own)
        "cohort_open": [{}],
        "cohort_sign_up_mentee": [{"value": "1"}],
        "cohort_sign_up_copilot": [{"value": "1"}],
        "cohort_preview": [{"value": "1"}],
        "cohort_export_csv": [{"value": "1"}],
        "cohort_survey_open": [{"value": "1"}],
    }
    for choice in ("renew", "networking", "close"):
        plan[f"term_end_{choice}"] = [{"value": f"{pid}:{version}"}]
    plan["contact_pick_0"] = [{"selected_contact": str(i["contact"])}]
    for way in ("prev", "next"):
        plan[f"network_page_{way}"] = [{"value": "1"}]
    return plan


def _submissions(b: Workspace, day: str) -> dict[str, tuple[dict[str, object], dict[str, dict[str, dict]]]]:
    """For each callback_id: private_metadata naming B's objects, and plausible form values."""
    i = b.ids

    def text(block: str, action: str, value: str) -> dict[str, dict[str, dict]]:
        return {block: {action: {"type": "plain_text_input", "value": value}}}

    attack = "ZQATTACK written from A"
    return {
        "checkin_report": ({"checkin": i["checkin"]}, text("report", "report", attack)),
        "checkin_pause_until": (
            {"checkin": i["checkin"]},
            {"pause_until": {"date": {"type": "datepicker", "selected_date": day}}},
        ),
        "pulse_comment_form": ({"pulse": i["pulse"]}, text("comment", "comment", attack)),
        "admin_topics": ({"channel": "C1"}, text("topics", "topics", attack)),
        "admin_person": ({"user": "U1", "channel": "C1"}, text("title", "title", attack)),
        "expectations_form": ({"p": i["setting_pairing"], "r": 1}, text("goals", "value", attack)),
        "expectations_proposal": (
            {"p": i["setting_pairing"], "r": 1, "k": "cadence"},
            {"cadence": {"value": {"type": "static_select", "selected_option": {"value": "monthly"}}}},
        ),
        "pairing_end_form": ({"p": i["pairing"]}, text("reflection", "value", attack)),
        "volunteer_form": ({"channel": "C1", "home": False}, {}),
        "request_form": ({"channel": "C1"}, text("goals", "goals", attack)),
        "offer_decline_form": (
            {"offer": i["offer"], "channel": "D1", "ts": "1.0"},
            text("reason", "reason", attack),
        ),
        "intro_modal": ({"channel": "C1"}, text("reason", "text", attack)),
        "intro_report_back": ({"intro": i["intro"]}, text("report", "text", attack)),
        "contact_modal": ({"contact": i["contact"]}, text("name", "text", attack)),
        "promise_modal": ({"today": day}, text("what", "text", attack)),
        "program_settings": ({"channel": "C1"}, {}),
        "cohort_form": ({"channel": "C1"}, text("name", "name", attack)),
        "cohort_survey_form": ({"survey": 1}, text("comment", "comment", attack)),
        "buddy_settings": (
            {},
            {
                "buddy_program": {
                    "buddy_program": {"type": "radio_buttons", "selected_option": {"value": "yes"}}
                }
            },
        ),
    }


def _clickers(name: str) -> tuple[str, ...]:
    """The people of A who may legitimately press this in A (the owners of A's matching objects)."""
    admin_tools = (
        "summary",
        "digest",
        "program_settings",
        "admin",
        "matching",
        "cohort_form",
        "buddy_settings",
    )
    if name.startswith(admin_tools):
        return ("U5", "U6")
    if name in ("cohort_open", "cohort_preview", "cohort_export_csv"):
        return ("U5", "U6")
    if name.startswith(("offer", "buddy_offer")):
        return ("U8",)
    if name.startswith("request"):
        return ("U7",)
    if name.startswith(("expectations", "volunteer")):
        return ("U3", "U4")
    return ("U1", "U2")


def _registry(bot: RunningBot) -> tuple[list[object], list[object]]:
    app = build_app(bot.runtime, bot.runtime.settings.mode)
    return app.action_ids, app.callback_ids  # type: ignore[attr-defined]


def _covers(constraint: object, names: set[str]) -> bool:
    if isinstance(constraint, re.Pattern):
        return any(constraint.match(name) for name in names)
    return constraint in names


def _quiet(bot: RunningBot, timeout: float = 2.5) -> None:
    """Let listeners that keep working after the ack finish: wait until no Slack call arrives for 50 ms."""
    deadline = time.monotonic() + timeout
    seen = -1
    while time.monotonic() < deadline:
        count = len(bot.slack.calls)
        if count == seen:
            return
        seen = count
        time.sleep(0.05)


def test_workspace_a_never_sees_or_changes_workspace_b(two: RunningBot, spaces: tuple[Workspace, Workspace]):
    a, b = spaces
    bot = two
    before_b = team_rows(bot.runtime.db, B)
    start = len(bot.slack.calls)
    day = (bot.clock.now() + timedelta(days=3)).date().isoformat()

    # Every /mentor subcommand (and the admin ones), as each of A's people.
    commands = [
        "",
        "help",
        "status",
        "volunteer",
        "request",
        "contacts",
        "promise",
        "summary",
        "intro <@U9>",
        "end <@U2>",
        "admin",
        "admin topics",
        "admin settings",
        "admin leads",
        "admin cohort open",
        "admin person <@U1>",
        "admin buddies",
        "forget-me",
    ]
    admin_only = ("admin", "summary")
    for text in commands:
        for user in ("U5", "U6") if text.startswith(admin_only) else ("U1",):
            assert bot.command(text, user=user, team=A).status == 200
    # Every App Home.
    for uid in a.people:
        bot.event({"type": "app_home_opened", "user": uid, "tab": "home", "channel": "D1"}, team=A)

    # Every button, clicked by A's people with B's ids.
    plan = _click_plan(b, day)
    action_ids, callback_ids = _registry(bot)
    missing = [c for c in action_ids if not _covers(c, set(plan))]
    assert not missing, f"add these action_ids to the isolation plan: {missing}"
    for action_id, attempts in plan.items():
        for attempt in attempts:
            for user in _clickers(action_id):
                if "selected_contact" in attempt:
                    _pick_contact(bot, action_id, user, attempt["selected_contact"])
                    continue
                reply = bot.click(
                    action_id,
                    user=user,
                    team=A,
                    value=attempt.get("value", ""),
                    block_id=attempt.get("block_id", "b"),
                    selected_date=attempt.get("selected_date"),
                )
                assert reply.status == 200, (action_id, reply.text)

    # Every modal, submitted by A's people with B's ids in private_metadata.
    submissions = _submissions(b, day)
    missing = [c for c in callback_ids if not _covers(c, set(submissions))]
    assert not missing, f"add these callback_ids to the isolation plan: {missing}"
    for callback_id, (metadata, values) in submissions.items():
        for user in _clickers(callback_id):
            view = {"callback_id": callback_id, "type": "modal", "private_metadata": json.dumps(metadata)}
            assert bot.submit(view, values, user=user, team=A).status in (200, 500)
    _quiet(bot)

    # The exports (CSV and a person's own data) for A.
    csv_text = export_pairings(bot.runtime, A).csv_text
    person_json = export_json(export_person(bot.runtime, A, "U1"))

    seen_by_a = sent_to(bot, A, start) + csv_text + person_json
    assert a.tag in seen_by_a, "the drive reached A's own data (else the test proves nothing)"
    assert b.tag not in seen_by_a
    assert not [c for c in bot.slack.calls[start:] if c.token == f"xoxb-{B}-UBOT-standin"], (
        "nothing driven in A may call Slack with B's token"
    )
    assert team_rows(bot.runtime.db, B) == before_b, "a row of workspace B changed"

    # The scheduler's pass (digests, nudges, reminders) serves each workspace with its own text.
    mark = len(bot.slack.calls)
    for hours in (0, 1, 24, 49):
        bot.tick(bot.clock.now() + timedelta(hours=hours) if hours else None)
    _quiet(bot)
    assert b.tag not in sent_to(bot, A, mark)
    assert a.tag not in sent_to(bot, B, mark)


def _pick_contact(bot: RunningBot, action_id: str, user: str, contact_id: str) -> None:
    n = 900
    payload = {
        "type": "block_actions",
        "team": {"id": A, "domain": "alpha"},
        "user": {"id": user, "username": user.lower(), "team_id": A},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": f"trigger.pick.{n}",
        "response_url": bot.slack.response_url("pick"),
        "view": {"id": "V1", "callback_id": "contacts", "type": "home"},
        "container": {"type": "view", "view_id": "V1"},
        "actions": [
            {
                "action_id": action_id,
                "block_id": "pick",
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": contact_id},
                "action_ts": "1.0",
            }
        ],
    }
    assert bot.interaction(payload).status == 200


def test_a_users_with_the_same_ids_as_b_users_are_told_only_their_own(
    two: RunningBot, spaces: tuple[Workspace, Workspace]
):
    a, b = spaces
    for team, mine, other in ((A, a, b), (B, b, a)):
        mark = len(two.slack.calls)
        two.command("status", user="U7", team=team)
        two.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "D1"}, team=team)
        two.slack.wait_for("views.publish", len(two.slack.calls_to("views.publish")) or 1)
        _quiet(two)
        seen = sent_to(two, team, mark)
        assert mine.text("termsgoals") in seen or mine.tag in seen
        assert other.tag not in seen

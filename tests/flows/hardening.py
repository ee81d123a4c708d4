"""Shared ground for the hardening tests: every modal the app builds pointed at the private world
(tests/worlds/private.py), a form filler that answers any of them, table snapshots, and the app's own
registry of buttons and modals with who may use each."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import build_app, build_runtime
from bot.demo.slack_standin import SlackStandIn
from bot.messages import buddies as buddy_views
from bot.messages import checkins as checkin_views
from bot.messages.admin import person_modal, topics_modal
from bot.messages.cohort_surveys import survey_modal
from bot.messages.cohorts import cohort_modal
from bot.messages.contacts import contact_modal
from bot.messages.expectations import ids as agreement_ids
from bot.messages.expectations.differences import ProposalForm, proposal_modal
from bot.messages.expectations.kickoff import PairNames
from bot.messages.expectations.later_life import end_modal
from bot.messages.expectations.questionnaire import QuestionnaireForm, questionnaire_modal
from bot.messages.introductions import IntroDraft, Volume, intro_modal, report_modal
from bot.messages.mentee_requests import request_modal
from bot.messages.offers import decline_modal
from bot.messages.program_settings import settings_modal
from bot.messages.promises import PromiseDraft, promise_modal
from bot.messages.volunteering import volunteer_modal
from bot.people.program_settings import ProgramSettings
from handlers.registry import Constraint
from storage.models import Base, Person
from tests.harness import RunningBot, test_settings
from tests.worlds.private import ADMIN, MARKERS, OUTSIDER, World

# --- every modal the app builds, pointed at the seeded objects ---------------------------------------------


def modals(world: World) -> dict[str, list[dict[str, Any]]]:
    """callback_id -> the modals a legitimate person would be shown, one per seeded object it can name."""
    today = world.today
    names = PairNames("Ana", "Sam", "UANA", "USAM")
    volume = Volume(0, 10)
    settings = ProgramSettings()
    topics = world.extra["topics"]
    return {
        checkin_views.REPORT_CALLBACK: [
            checkin_views.report_back_modal(checkin_id=i, partner_name="Sam") for i in world.object_ids()
        ],
        checkin_views.PAUSE_CALLBACK: [
            checkin_views.pause_modal(
                checkin_id=i, earliest=today + timedelta(days=1), suggested=today + timedelta(days=28)
            )
            for i in world.object_ids()
        ],
        checkin_views.PULSE_COMMENT_CALLBACK: [
            checkin_views.pulse_comment_modal(pulse_id=i) for i in world.object_ids()
        ],
        "admin_topics": [topics_modal(topics, "C1")],
        "admin_person": [person_modal(user, None, "C1") for user in ("UANA", "USAM", OUTSIDER)],
        agreement_ids.QUESTIONNAIRE_CALLBACK: [
            questionnaire_modal(QuestionnaireForm(p, v, "mentee", "Sam", {}, False))
            for p, v in world.agreements
        ],
        agreement_ids.PROPOSAL_CALLBACK: [
            proposal_modal(ProposalForm(p, v, "cadence", "copilot", False, names, "weekly", "fortnightly"))
            for p, v in world.agreements
        ],
        agreement_ids.END_CALLBACK: [end_modal(p, "Sam") for p in world.pairings],
        "volunteer_form": [volunteer_modal(topics, None, channel_id="C1")],
        "request_form": [request_modal(topics, channel_id="C1")],
        "offer_decline_form": [decline_modal(i, "D1", "1700000000.000100") for i in world.object_ids()],
        "intro_modal": [intro_modal(IntroDraft("UCARA", "UFRED", volume), "C1")],
        "intro_report_back": [report_modal(i, "UDEV") for i in world.object_ids()],
        "contact_modal": [contact_modal(i, None, today) for i in world.object_ids()],
        # a new contact: self-service, checked in test_hostile_input
        "promise_modal": [
            promise_modal(PromiseDraft("USAM", "sam", "", today + timedelta(days=3), None, today, volume))
        ],
        "program_settings": [settings_modal(settings, "C1")],
        "cohort_form": [cohort_modal(today, "C1")],
        "cohort_survey_form": [survey_modal(i, "Spring cohort") for i in world.object_ids()],
        buddy_views.SETTINGS_CALLBACK: [
            buddy_views.settings_modal(on=True, term_days=90, start="team_join", low=14, high=365)
        ],
    }


# --- answering a modal -------------------------------------------------------------------------------------


def _first_option(element: dict[str, Any]) -> dict[str, Any] | None:
    options = element.get("options") or [o for g in element.get("option_groups", []) for o in g["options"]]
    return options[0] if options else None


ANSWER = "Fine, thanks: we talked it through properly"


def fill(
    view: dict[str, Any],
    text: str | None = None,
    *,
    user: str = "UCARA",
    day: date | None = None,
    dates: dict[str, date] | None = None,
    leave_out: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """view.state.values for a modal, as if a person answered every input: text fields get `text` (or
    what they were opened with), selects their first option, pickers a sensible value."""
    values: dict[str, dict[str, Any]] = {}
    for n, block in enumerate(view.get("blocks", [])):
        if block.get("block_id") in leave_out:
            continue
        elements = [block["element"]] if block.get("type") == "input" else []
        if block.get("type") == "actions":
            elements = block.get("elements", [])
        for element in elements:
            kind, action_id = element["type"], element["action_id"]
            answer: dict[str, Any] = {"type": kind}
            if kind == "plain_text_input":
                answer["value"] = text if text is not None else element.get("initial_value") or ANSWER
            elif kind == "number_input":
                answer["value"] = element.get("initial_value") or str(element.get("min_value") or 1)
            elif kind in ("static_select", "radio_buttons"):
                answer["selected_option"] = element.get("initial_option") or _first_option(element)
            elif kind in ("multi_static_select", "checkboxes"):
                initial = element.get("initial_options")
                first = _first_option(element)
                answer["selected_options"] = initial if initial is not None else ([first] if first else [])
            elif kind == "users_select":
                answer["selected_user"] = element.get("initial_user") or user
            elif kind == "multi_users_select":
                answer["selected_users"] = element.get("initial_users") or [user]
            elif kind == "datepicker":
                picked = (dates or {}).get(block.get("block_id", "")) or day or date(2026, 3, 20)
                answer["selected_date"] = element.get("initial_date") or picked.isoformat()
            elif kind == "timepicker":
                answer["selected_time"] = element.get("initial_time") or "10:00"
            elif kind in ("conversations_select", "channels_select"):
                answer["selected_conversation"] = "C1"
            elif kind == "button":
                continue
            values.setdefault(block.get("block_id") or f"b{n}", {})[action_id] = answer
    return values


def text_inputs(view: dict[str, Any]) -> list[tuple[str, str, int | None]]:
    """(block_id, action_id, max_length) of every free-text field in a modal."""
    found = []
    for block in view.get("blocks", []):
        element = block.get("element") or {}
        if block.get("type") == "input" and element.get("type") == "plain_text_input":
            found.append((block["block_id"], element["action_id"], element.get("max_length")))
    return found


# --- what was stored, what was sent -----------------------------------------------------------------------


Snapshot = dict[str, set[str]]


def snapshot(bot: RunningBot) -> Snapshot:
    """Every row of every table, as comparable text (but seen_signatures: every verified request adds
    its signature there, whoever sent it)."""
    found: Snapshot = {}
    with bot.runtime.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "seen_signatures":
                continue
            rows = conn.execute(select(table)).mappings().all()
            found[table.name] = {json.dumps(dict(r), default=str, sort_keys=True) for r in rows}
    return found


def changes(before: Snapshot, after: Snapshot) -> dict[str, tuple[set[str], set[str]]]:
    """table -> (rows gone or changed, rows new or changed)."""
    return {
        name: (before[name] - after[name], after[name] - before[name])
        for name in before
        if before[name] != after[name]
    }


def only_own_people_row(diff: dict[str, tuple[set[str], set[str]]], user_id: str) -> dict[str, Any]:
    """The diff without the clicker's own people row (looking them up in Slack may refresh it)."""
    left = {}
    for name, (gone, new) in diff.items():
        if name == "people":
            gone = {r for r in gone if json.loads(r)["slack_user_id"] != user_id}
            new = {r for r in new if json.loads(r)["slack_user_id"] != user_id}
        if gone or new:
            left[name] = (gone, new)
    return left


def everything_sent(slack: SlackStandIn) -> str:
    return "\n".join(json.dumps(call.args, default=str) for call in slack.calls)


def leaked(slack: SlackStandIn) -> list[str]:
    sent = everything_sent(slack)
    return [name for name, marker in MARKERS.items() if marker in sent]


def people_ids(bot: RunningBot) -> dict[str, int]:
    with bot.runtime.db.transaction() as session:
        return {p.slack_user_id: p.id for p in session.scalars(select(Person))}


# --- every button and modal the app registers, and who may use them -----------------------------------


# A matching id for every regex the app listens for; a test below checks the table covers them all.
REGEX_EXAMPLES = {
    "^term_end_(renew|networking|close)$": ["term_end_renew", "term_end_networking", "term_end_close"],
    "^contact_pick_\\d+$": ["contact_pick_0", "contact_pick_3"],
    "^network_page_(prev|next)$": ["network_page_prev", "network_page_next"],
}


class _NoSlack:
    api_url = "http://127.0.0.1:9/api/"


def _registry() -> tuple[list[Constraint], list[Constraint], list[Constraint]]:
    settings = test_settings(_NoSlack(), "sqlite://")  # type: ignore[arg-type]
    runtime = build_runtime(settings)
    app = build_app(runtime, settings.mode, token_verification=False)
    runtime.db.dispose()
    return list(app.action_ids), list(app.callback_ids), list(app.shortcut_ids)


def _concrete(constraints: list[Constraint]) -> list[str]:
    ids: list[str] = []
    for constraint in constraints:
        if isinstance(constraint, re.Pattern):
            examples = REGEX_EXAMPLES.get(constraint.pattern, [])
            assert examples, f"add examples of {constraint.pattern!r} to REGEX_EXAMPLES"
            assert all(constraint.fullmatch(e) for e in examples), constraint.pattern
            ids.extend(examples)
        else:
            ids.append(constraint)
    return ids


ACTIONS, VIEWS, SHORTCUTS = _registry()
ACTION_IDS = _concrete(ACTIONS)
CALLBACK_IDS = _concrete(VIEWS)
SHORTCUT_IDS = _concrete(SHORTCUTS)


# Who may submit each modal, and a table it then changes: proof that the modals above are answered well
# enough that the refusals are about who sent them, not about what was in them.
RIGHTFUL: dict[str, tuple[str, str] | None] = {
    "checkin_report": ("UCARA", "report_backs"),
    "checkin_pause_until": ("UANA", "pairings"),
    "pulse_comment_form": ("UANA", "pulses"),
    "admin_topics": (ADMIN, "topics"),
    "admin_person": (ADMIN, "people"),
    "expectations_form": ("UGIL", "expectation_answers"),
    # Proposals need both questionnaires compared first: test_expectations.py drives that. Here the
    # stranger is refused by the membership check that comes first in propose_term.
    "expectations_proposal": None,
    "pairing_end_form": ("UANA", "pairings"),
    "volunteer_form": ("UEVE", "copilot_profiles"),
    "request_form": ("UGIL", "mentoring_requests"),
    "offer_decline_form": ("UFRED", "offers"),
    "intro_modal": ("UANA", "introductions"),
    "intro_report_back": ("UANA", "introductions"),
    "contact_modal": ("UANA", "contacts"),
    "promise_modal": ("UANA", "promises"),
    "program_settings": (ADMIN, "workspace_settings"),
    "cohort_form": (ADMIN, "cohorts"),
    # A survey is asked only at a cohort's mid-point or end: tests/flows/test_cohorts.py answers one.
    "cohort_survey_form": None,
    "buddy_settings": (ADMIN, "workspace_settings"),
}


def answer_all(world: World, view: dict[str, Any]) -> dict[str, Any]:
    """A modal answered as UCARA would: every field filled, a date ten days on, the last talk 3 days ago."""
    past = {"last_talked": world.today - timedelta(days=3)}
    # A questionnaire answered with a number of meetings, and no end date or time window.
    unused = frozenset({"length_end_date", "time_window_start", "time_window_end"})
    return fill(view, user="UCARA", day=world.today + timedelta(days=10), dates=past, leave_out=unused)

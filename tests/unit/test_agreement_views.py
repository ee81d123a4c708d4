"""The expectation views: modal state round-trips into bot.rules.agreements, and every message is valid Block Kit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.demo.slack_standin import blocks_problems, view_problems
from bot.messages.expectations.confirmation import agreed_message, confirm_message, first_meeting_message
from bot.messages.expectations.differences import (
    ProposalForm,
    differences_message,
    proposal_message,
    proposal_modal,
)
from bot.messages.expectations.forms import errors_for_modal
from bot.messages.expectations.home import HomePairing, home_blocks
from bot.messages.expectations.kickoff import PairNames, kickoff_message
from bot.messages.expectations.later_life import (
    end_modal,
    ended_message,
    partner_left_message,
    paused_message,
    revisit_message,
)
from bot.messages.expectations.questionnaire import QuestionnaireForm, answers_from, questionnaire_modal
from bot.messages.expectations.reminders import lapsed_message, reminder_message, revisit_withdrawn_message
from bot.messages.expectations.term_end import (
    networking_message,
    renew_message,
    term_closed_message,
    term_end_message,
)
from bot.messages.expectations.wording import explain_kind_mismatch, format_terms
from bot.rules.agreements.comparison import Difference
from bot.rules.agreements.proposals import Proposal
from bot.rules.agreements.questionnaire import COMPARED_KEYS
from bot.rules.agreements.validation import validate_answers

NAMES = PairNames("Alex <!channel>", "Sam", "U1", "U2")
TODAY = date(2026, 3, 2)


def _state_from_modal(view: dict[str, Any]) -> dict[str, Any]:
    """Slack's view.state.values for a modal submitted with every prefilled value unchanged."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind == "radio_buttons":
            state["selected_option"] = element.get("initial_option")
        elif kind == "checkboxes":
            state["selected_options"] = element.get("initial_options", [])
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date")
        elif kind == "timepicker":
            state["selected_time"] = element.get("initial_time")
        else:
            state["value"] = element.get("initial_value")
        values[block["block_id"]] = {element["action_id"]: state}
    return values


@pytest.mark.parametrize("role", ["mentee", "copilot"])
def test_a_prefilled_questionnaire_submits_back_the_same_answers(role):
    prefill = {
        "relationship_kind": "coaching",
        "cadence": "biweekly",
        "meeting_minutes": 60,
        "meeting_format": "in_person",
        "length": {"end_date": "2026-09-30"},
        "organiser": "alternate",
        "goals": "Learn to run a design review without freezing up",
        "offer": "Years of design reviews",
        "expectations": "Tell me early if you need to cancel",
        "confidentiality": True,
        "preferred_days": [1, 3],
        "time_window": {"start": "09:30", "end": "11:00"},
    }
    view = questionnaire_modal(QuestionnaireForm(7, 2, role, "Sam", prefill, revisit=True))
    assert view_problems(view, expected_type="modal") == []
    answers, errors = validate_answers(answers_from(_state_from_modal(view)), role, TODAY)
    assert errors == {}
    expected, _ = validate_answers(prefill, role, TODAY)
    assert answers == expected


def test_an_empty_questionnaire_puts_each_error_on_a_block_that_exists():
    view = questionnaire_modal(QuestionnaireForm(7, 1, "mentee", "Sam", {}, revisit=False))
    state = _state_from_modal(view)
    _, errors = validate_answers(answers_from(state), "mentee", TODAY)
    assert {"relationship_kind", "length", "goals", "confidentiality"} <= set(errors)
    block_ids = {b.get("block_id") for b in view["blocks"]}
    assert set(errors_for_modal(errors)) <= block_ids


def test_every_message_is_valid_block_kit_and_escapes_names():
    differences = (
        Difference("relationship_kind", "copilot", "networking", dangerous=True),
        Difference("cadence", "weekly", "monthly"),
        Difference("time_window", {"start": "09:00", "end": "10:00"}, {"start": "15:00", "end": "16:00"}),
    )
    lines = format_terms({"cadence": "weekly", "goals": "x"}, NAMES.mentee, NAMES.copilot)
    messages = [
        kickoff_message(1, NAMES, ["Both of you work on <b>payments</b>"]),
        differences_message(1, 1, NAMES, differences, explain_kind_mismatch("copilot", "networking")),
        proposal_message(1, 1, NAMES, Proposal("cadence", "biweekly", "mentee"), "abc"),
        confirm_message(1, 1, lines),
        agreed_message(1, 2, NAMES),
        first_meeting_message(True, "U2", "Sam", {"meeting_minutes": 45, "meeting_format": "video"}),
        revisit_message(1, "U2"),
        renew_message(1),
        revisit_withdrawn_message(),
        networking_message(90),
        reminder_message(1, "Sam <@U9>", True, last=True),
        lapsed_message("Sam", to_mentee=True),
        paused_message("U1", date(2026, 4, 1)),
        ended_message("U1"),
        partner_left_message("Sam", to_mentee=True),
        term_end_message(1, 1, "Sam"),
        term_closed_message("U1"),
    ]
    for message in messages:
        assert message.text
        assert blocks_problems(list(message.blocks)) == []
        assert "<!channel>" not in str(message.blocks) and "<@U9>" not in str(message.blocks)


def test_proposal_end_and_home_views_are_valid():
    for key in COMPARED_KEYS:
        form = ProposalForm(1, 1, key, "copilot", counter=True, names=NAMES, mine=None, theirs=None)
        assert view_problems(proposal_modal(form), expected_type="modal") == []
    assert view_problems(end_modal(1, "Sam"), expected_type="modal") == []
    home = home_blocks(
        [
            HomePairing(1, "mentee", "U2", "active", None, 1, False),
            HomePairing(2, "copilot", "U3", "paused", date(2026, 4, 1), 1, False),
            HomePairing(3, "copilot", "U4", "setting_expectations", None, 1, True),
        ]
    )
    assert blocks_problems(home, max_blocks=100) == []
    assert home_blocks([]) == []

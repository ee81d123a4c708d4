"""The expectation views: modal state round-trips into bot.agreements, and every message is valid Block Kit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot import agreements as rules
from bot.expectations import HomePairing, PairNames, ProposalForm, QuestionnaireForm
from bot.slack_standin import blocks_problems, view_problems
from handlers.views import agreements as views

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


@pytest.mark.parametrize("role", ["mentee", "mentor"])
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
    view = views.questionnaire_modal(QuestionnaireForm(7, 2, role, "Sam", prefill, revisit=True))
    assert view_problems(view, expected_type="modal") == []
    answers, errors = rules.validate_answers(views.answers_from(_state_from_modal(view)), role, TODAY)
    assert errors == {}
    expected, _ = rules.validate_answers(prefill, role, TODAY)
    assert answers == expected


def test_an_empty_questionnaire_puts_each_error_on_a_block_that_exists():
    view = views.questionnaire_modal(QuestionnaireForm(7, 1, "mentee", "Sam", {}, revisit=False))
    state = _state_from_modal(view)
    _, errors = rules.validate_answers(views.answers_from(state), "mentee", TODAY)
    assert {"relationship_kind", "length", "goals", "confidentiality"} <= set(errors)
    block_ids = {b.get("block_id") for b in view["blocks"]}
    assert set(views.errors_for_modal(errors)) <= block_ids


def test_every_message_is_valid_block_kit_and_escapes_names():
    differences = (
        rules.Difference("relationship_kind", "copilot", "networking", dangerous=True),
        rules.Difference("cadence", "weekly", "monthly"),
        rules.Difference(
            "time_window", {"start": "09:00", "end": "10:00"}, {"start": "15:00", "end": "16:00"}
        ),
    )
    lines = rules.format_terms({"cadence": "weekly", "goals": "x"}, NAMES.mentee, NAMES.mentor)
    messages = [
        views.kickoff_message(1, NAMES, ["Both of you work on <b>payments</b>"]),
        views.differences_message(
            1, 1, NAMES, differences, rules.explain_kind_mismatch("copilot", "networking")
        ),
        views.proposal_message(1, 1, NAMES, rules.Proposal("cadence", "biweekly", "mentee"), "abc"),
        views.confirm_message(1, 1, lines),
        views.agreed_message(1, 2, NAMES, lines),
        views.first_meeting_message(True, "U2", "Sam", {"meeting_minutes": 45, "meeting_format": "video"}),
        views.revisit_message(1, "U2"),
        views.renew_message(1),
        views.revisit_withdrawn_message(),
        views.networking_message(90),
        views.reminder_message(1, "Sam <@U9>", True, last=True),
        views.lapsed_message("Sam", to_mentee=True),
        views.paused_message("U1", date(2026, 4, 1)),
        views.ended_message("U1"),
        views.partner_left_message("Sam", to_mentee=True),
        views.term_end_message(1, 1, "Sam"),
        views.term_closed_message("U1"),
    ]
    for message in messages:
        assert message.text
        assert blocks_problems(list(message.blocks)) == []
        assert "<!channel>" not in str(message.blocks) and "<@U9>" not in str(message.blocks)


def test_proposal_end_and_home_views_are_valid():
    for key in rules.COMPARED_KEYS:
        form = ProposalForm(1, 1, key, "mentor", counter=True, names=NAMES, mine=None, theirs=None)
        assert view_problems(views.proposal_modal(form), expected_type="modal") == []
    assert view_problems(views.end_modal(1, "Sam"), expected_type="modal") == []
    home = views.home_blocks(
        [
            HomePairing(1, "mentee", "U2", "active", None, 1, False),
            HomePairing(2, "mentor", "U3", "paused", date(2026, 4, 1), 1, False),
            HomePairing(3, "mentor", "U4", "setting_expectations", None, 1, True),
        ]
    )
    assert blocks_problems(home, max_blocks=100) == []
    assert views.home_blocks([]) == []

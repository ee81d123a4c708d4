"""The questionnaire modal each person fills in on their own, and its answers read back from modal state."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.i18n import _
from bot.messages.expectations.forms import question_inputs, read_question
from bot.messages.expectations.ids import QUESTIONNAIRE_CALLBACK
from bot.messages.text import context, escape, plain, section
from bot.rules.agreements.questionnaire import QUESTIONS, Role


@dataclass(frozen=True)
class QuestionnaireForm:
    """What the modal shows one person: their own earlier answers as `prefill`, never the other's."""

    pairing_id: int
    round: int
    role: Role
    partner_name: str
    prefill: dict[str, Any]
    revisit: bool


def questionnaire_modal(form: QuestionnaireForm) -> dict[str, Any]:
    partner = escape(form.partner_name)
    intro = _(
        "Answer on your own: {partner} answers the same questions and neither of you sees the other's "
        "answers until you've both sent them. Then mentor-bot shows where you agree and where you differ.",
        partner=partner,
    )
    if form.revisit:
        intro = _("A fresh look at how your mentoring works.") + " " + intro
    blocks: list[dict[str, Any]] = [section(intro)]
    for question in QUESTIONS:
        if question.asked_of(form.role):
            blocks.extend(question_inputs(question.key, form.prefill.get(question.key)))
    blocks.append(context(_("Your answers are private to the two of you. Program leads never see them.")))
    return {
        "type": "modal",
        "callback_id": QUESTIONNAIRE_CALLBACK,
        "title": plain(_("Set expectations"), 24),
        "submit": plain(_("Send my answers"), 24),
        "close": plain(_("Cancel"), 24),
        "private_metadata": json.dumps({"p": form.pairing_id, "r": form.round}),
        "blocks": blocks,
    }


def answers_from(values: dict[str, Any]) -> dict[str, Any]:
    """Modal state -> raw answers for bot.rules.agreements.validation.validate_answers."""
    return {q.key: read_question(q.key, values) for q in QUESTIONS}

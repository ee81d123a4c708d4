"""The questionnaire: what each person's modal shows (only their own earlier answers, never the other's),
storing their answers, and, once both have answered, sharing where they agree and differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.expectations.confirmation import ready_to_confirm
from bot.expectations.rounds import (
    Refused,
    answers_in_round,
    comparison_in_round,
    current_round,
    member,
    pair_group,
    pair_names,
    people_of,
    post,
    request_of,
)
from bot.i18n import _
from bot.messages.expectations.differences import differences_message
from bot.messages.expectations.questionnaire import QuestionnaireForm
from bot.messages.expectations.wording import explain_kind_mismatch
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.people.directory import display_name
from bot.rules.agreements.status import UNFINISHED, AgreementStatus
from bot.rules.agreements.validation import validate_answers
from bot.rules.cadence import local_date
from bot.rules.lifecycle import CLOSED_STATES
from bot.runtime import Runtime
from storage.models import Agreement, ExpectationAnswer, Pairing, Person


@dataclass(frozen=True)
class AnswersSubmitted:
    """What saving one person's answers came to: errors by question, or whether both have now answered."""

    errors: dict[str, str]
    both_answered: bool = False
    partner_name: str = ""


def questionnaire_for(runtime: Runtime, team_id: str, user_id: str, pairing_id: int) -> QuestionnaireForm:
    """What the questionnaire modal shows this person: only their own earlier answers, never the other's."""
    with runtime.db.transaction() as session:
        pairing, person, role = member(session, team_id, user_id, pairing_id, lock=False)
        agreement = current_round(session, pairing)
        if pairing.state in CLOSED_STATES or agreement is None or agreement.status not in UNFINISHED:
            raise Refused(_("These questions are closed: your agreement is already settled."))
        answers = answers_in_round(session, pairing, agreement.version)
        if len(answers) == 2:
            raise Refused(
                _(
                    "You've both answered already, so the answers are locked. "
                    "Look in your group message for what's agreed and what's left to settle."
                )
            )
        mine = answers.get(person.id)
        prefill: dict[str, Any] = dict(mine.answers) if mine else {}
        if not prefill:
            earlier = session.scalar(
                select(ExpectationAnswer)
                .where(
                    ExpectationAnswer.team_id == team_id,
                    ExpectationAnswer.pairing_id == pairing.id,
                    ExpectationAnswer.person_id == person.id,
                )
                .order_by(ExpectationAnswer.round.desc())
                .limit(1)
            )
            prefill = dict(earlier.answers) if earlier else {}
        if role == "mentee" and not prefill.get("goals"):
            request = request_of(session, pairing)
            if request is not None:
                prefill["goals"] = request.goals
        mentee, copilot = people_of(session, pairing)
        partner = copilot if role == "mentee" else mentee
        return QuestionnaireForm(
            pairing.id, agreement.version, role, display_name(partner), prefill, agreement.version > 1
        )


def submit_answers(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, round_: int, raw: Mapping[str, Any]
) -> AnswersSubmitted:
    """Store one person's answers (errors keyed by question); compare once both have answered."""
    with runtime.db.transaction() as session:
        pairing, person, role = member(session, team_id, user_id, pairing_id, lock=True)
        agreement = current_round(session, pairing)
        if (
            pairing.state in CLOSED_STATES
            or agreement is None
            or agreement.version != round_
            or agreement.status != AgreementStatus.DRAFTING
        ):
            raise Refused(_("These questions have closed, so your answers weren't saved."))
        answers = answers_in_round(session, pairing, round_)
        if len(answers) == 2:
            raise Refused(
                _(
                    "You've both answered already, so the answers are locked and yours weren't changed. "
                    "Settle what's left in your group message."
                )
            )
        now = runtime.clock.now()
        cleaned, errors = validate_answers(raw, role, local_date(now, person.tz))
        if errors:
            return AnswersSubmitted(errors=errors)
        mine = answers.get(person.id)
        if mine is None:
            mine = ExpectationAnswer(
                team_id=team_id, pairing_id=pairing.id, person_id=person.id, round=round_, answers=cleaned
            )
            session.add(mine)
        else:
            mine.answers = cleaned
        mine.submitted_at = now
        session.flush()
        mentee, copilot = people_of(session, pairing)
        partner = copilot if role == "mentee" else mentee
        if len(answers | {person.id: mine}) < 2:
            return AnswersSubmitted(errors={}, both_answered=False, partner_name=display_name(partner))
        _share_comparison(session, pairing, agreement, mentee, copilot, now)
        return AnswersSubmitted(errors={}, both_answered=True, partner_name=display_name(partner))


def _share_comparison(
    session: Session, pairing: Pairing, agreement: Agreement, mentee: Person, copilot: Person, now: datetime
) -> None:
    comparison = comparison_in_round(session, pairing, agreement.version)
    assert comparison is not None
    agreement.terms = dict(comparison.agreed)
    agreement.proposals = {}
    names = pair_names(mentee, copilot)
    channel = pair_group(pairing, mentee, copilot)
    if comparison.differences:
        kind_difference = comparison.difference("relationship_kind")
        warning = (
            explain_kind_mismatch(kind_difference.mentee_value, kind_difference.copilot_value)
            if kind_difference is not None
            else ""
        )
        post(
            session,
            pairing,
            outbox_keys.expectations(pairing.id, agreement.version, "differences"),
            Kind.EXPECTATIONS_DIFFERENCES,
            channel,
            lambda: differences_message(
                pairing.id, agreement.version, names, comparison.differences, warning
            ),
            now,
        )
    else:
        ready_to_confirm(session, pairing, agreement, comparison, names, channel, now)

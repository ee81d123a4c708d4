"""Settling the differences: either person suggests a value for a question they differ on, the other
accepts it or counter-proposes; once every difference is settled, both are asked to confirm.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from bot.expectations.confirmation import ready_to_confirm
from bot.expectations.rounds import (
    Outcome,
    Refused,
    comparison_in_round,
    current_round,
    member,
    pair_group,
    pair_names,
    people_of,
    post,
    settled_so_far,
)
from bot.i18n import _
from bot.messages.expectations.differences import ProposalForm, proposal_message
from bot.messages.expectations.wording import format_value
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.rules.agreements.comparison import Comparison, Difference
from bot.rules.agreements.proposals import Proposal, accept_proposal, counter_propose, is_complete, propose
from bot.rules.agreements.status import AgreementStatus
from bot.rules.cadence import local_date
from bot.runtime import Runtime
from storage.models import Agreement, Pairing


def _open_difference(
    session: Session, pairing: Pairing, round_: int, key: str
) -> tuple[Agreement, Comparison, Difference]:
    agreement = current_round(session, pairing)
    if agreement is None or agreement.version != round_ or agreement.status != AgreementStatus.DRAFTING:
        raise Refused(_("That's already settled: nothing left to do here."))
    comparison = comparison_in_round(session, pairing, round_)
    difference = comparison.difference(key) if comparison is not None else None
    if comparison is None or difference is None:
        raise Refused(_("That's already settled: nothing left to do here."))
    if key in agreement.terms:
        raise Refused(
            _("You've already agreed on this: {value}.", value=format_value(key, agreement.terms[key]))
        )
    return agreement, comparison, difference


def proposal_form_for(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, round_: int, key: str, *, counter: bool
) -> ProposalForm:
    with runtime.db.transaction() as session:
        pairing, _person, role = member(session, team_id, user_id, pairing_id, lock=False)
        agreement, _comparison, difference = _open_difference(session, pairing, round_, key)
        entry = agreement.proposals.get(key)
        if counter:
            if entry is None:
                raise Refused(_("That suggestion has already been answered."))
            if entry["by"] == role:
                raise Refused(_("That's your own suggestion: it's waiting for the other person."))
        mentee, copilot = people_of(session, pairing)
        mine = difference.mentee_value if role == "mentee" else difference.copilot_value
        theirs = difference.copilot_value if role == "mentee" else difference.mentee_value
        if entry is not None:
            theirs = entry["value"] if entry["by"] != role else theirs
        return ProposalForm(pairing.id, round_, key, role, counter, pair_names(mentee, copilot), mine, theirs)


def propose_term(
    runtime: Runtime,
    team_id: str,
    user_id: str,
    pairing_id: int,
    round_: int,
    key: str,
    value: Any,
) -> dict[str, str]:
    """One person suggests a value for a field they differ on. Returns errors (empty when sent)."""
    with runtime.db.transaction() as session:
        pairing, person, role = member(session, team_id, user_id, pairing_id, lock=True)
        agreement, _comparison, _difference = _open_difference(session, pairing, round_, key)
        today = local_date(runtime.clock.now(), person.tz)
        entry = agreement.proposals.get(key)
        if entry is not None and entry["by"] != role:
            previous = Proposal(key, entry["value"], entry["by"])
            proposal, error = counter_propose(previous, value, today)
        else:
            proposal, error = propose(key, value, role, today)
        if proposal is None:
            return {key: error or _("That value can't be used")}
        token = uuid.uuid4().hex[:10]
        agreement.proposals = {
            **agreement.proposals,
            key: {"value": proposal.value, "by": proposal.proposed_by, "id": token},
        }
        mentee, copilot = people_of(session, pairing)
        names = pair_names(mentee, copilot)
        now = runtime.clock.now()
        post(
            session,
            pairing,
            outbox_keys.expectations(pairing.id, round_, f"proposal:{key}:{token}"),
            Kind.EXPECTATIONS_PROPOSAL,
            pair_group(pairing, mentee, copilot),
            lambda: proposal_message(pairing.id, round_, names, proposal, token),
            now,
        )
        return {}


def accept_term(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, round_: int, key: str, token: str
) -> Outcome:
    """The other person accepts a proposal: the field is agreed. A second click changes nothing."""
    with runtime.db.transaction() as session:
        pairing, _person, role = member(session, team_id, user_id, pairing_id, lock=True)
        agreement = current_round(session, pairing)
        if agreement is None or agreement.version != round_:
            return Outcome(_("That's already settled."), changed=False)
        entry = agreement.proposals.get(key)
        if entry is None or entry.get("id") != token:
            if key in agreement.terms:
                agreed = format_value(key, agreement.terms[key])
                return Outcome(_("Already agreed: {value}.", value=agreed), changed=False)
            return Outcome(_("That suggestion was replaced by a newer one: answer that one instead."), False)
        proposal = Proposal(key, entry["value"], entry["by"])
        if role != proposal.awaiting:
            raise Refused(_("That's your own suggestion: the other person needs to accept it."))
        comparison = comparison_in_round(session, pairing, round_)
        assert comparison is not None
        resolved = accept_proposal(settled_so_far(agreement, comparison), proposal, role)
        agreement.terms = {**agreement.terms, key: resolved[key]}
        agreement.proposals = {k: v for k, v in agreement.proposals.items() if k != key}
        if is_complete(comparison, resolved):
            mentee, copilot = people_of(session, pairing)
            ready_to_confirm(
                session,
                pairing,
                agreement,
                comparison,
                pair_names(mentee, copilot),
                pair_group(pairing, mentee, copilot),
                runtime.clock.now(),
            )
        return Outcome(_("Agreed: {value}.", value=format_value(key, proposal.value)))

"""Settling the differences: one person proposes a value, the other accepts or counter-proposes; once
nothing is open, the final terms both people confirm. Also when an agreed term is over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.i18n import _
from bot.rules.agreements.comparison import Comparison
from bot.rules.agreements.questionnaire import COMPARED_KEYS, Role
from bot.rules.agreements.validation import validate_field

Terms = dict[str, Any]


@dataclass(frozen=True)
class Proposal:
    """One person's suggested value for a field they disagreed on; the other accepts or counters."""

    key: str
    value: Any
    proposed_by: Role

    @property
    def awaiting(self) -> Role:
        """Who needs to respond to this proposal."""
        return "copilot" if self.proposed_by == "mentee" else "mentee"


def propose(key: str, value: Any, proposed_by: Role, today: date) -> tuple[Proposal | None, str | None]:
    """Validate a proposed value. Returns ``(proposal, None)`` or ``(None, human error message)``."""
    if key not in COMPARED_KEYS:
        return None, _("{key} isn't something you need to agree on", key=repr(key))
    cleaned, error = validate_field(key, value, proposed_by, today)
    if error is not None:
        return None, error
    return Proposal(key, cleaned, proposed_by), None


def counter_propose(previous: Proposal, value: Any, today: date) -> tuple[Proposal | None, str | None]:
    """The person the ``previous`` proposal was waiting on suggests something else instead."""
    return propose(previous.key, value, previous.awaiting, today)


def apply_resolution(resolved: Mapping[str, Any], key: str, value: Any) -> Terms:
    """A new ``resolved`` mapping with ``key`` settled as ``value`` (the input is not changed)."""
    if key not in COMPARED_KEYS:
        raise ValueError(f"{key!r} is not a compared field")
    return {**resolved, key: value}


def accept_proposal(resolved: Mapping[str, Any], proposal: Proposal, accepted_by: Role) -> Terms:
    """The other person accepts ``proposal``: the field is settled."""
    if accepted_by != proposal.awaiting:
        raise ValueError("A proposal has to be accepted by the other person")
    return apply_resolution(resolved, proposal.key, proposal.value)


def open_fields(comparison: Comparison, resolved: Mapping[str, Any]) -> list[str]:
    """Compared fields that still differ and have not been settled, in question order."""
    return [key for key in comparison.difference_keys if key not in resolved]


def is_complete(comparison: Comparison, resolved: Mapping[str, Any]) -> bool:
    return not open_fields(comparison, resolved)


def final_terms(comparison: Comparison, resolved: Mapping[str, Any]) -> Terms:
    """The full agreement: agreed fields plus settled differences. Raises ValueError if any is open."""
    still_open = open_fields(comparison, resolved)
    if still_open:
        raise ValueError(f"Not agreed yet: {', '.join(still_open)}")
    settled = {key: value for key, value in resolved.items() if key in COMPARED_KEYS}
    return {**comparison.agreed, **settled}


def term_end_reached(terms: Mapping[str, Any], meetings_held: int, today: date) -> bool:
    """True once the agreed number of meetings has been held or the day after the end date arrives."""
    length = terms.get("length")
    if not isinstance(length, Mapping):
        return False
    if "meetings" in length:
        return meetings_held >= int(length["meetings"])
    if "end_date" in length:
        return today > date.fromisoformat(str(length["end_date"]))
    return False

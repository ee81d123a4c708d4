"""The states a request, an offer and a pairing go through, defined once for every flow, summary and rule.

A request: open → offered → matched, or cancelled (offered goes back to open when an offer closes).
An offer: pending → accepted, declined, expired or withdrawn.
A pairing: setting_expectations → active ⇄ paused → stalled → ended, or lapsed (expectations never agreed).
"""

from __future__ import annotations

import enum


class PairingState(enum.StrEnum):
    SETTING_EXPECTATIONS = "setting_expectations"
    ACTIVE = "active"
    PAUSED = "paused"
    STALLED = "stalled"
    ENDED = "ended"
    LAPSED = "lapsed"


OPEN_STATES = (
    PairingState.SETTING_EXPECTATIONS,
    PairingState.ACTIVE,
    PairingState.PAUSED,
    PairingState.STALLED,
)
CLOSED_STATES = (PairingState.ENDED, PairingState.LAPSED)
# The states in which the pair is expected to meet, so check-ins are planned.
MEETING_STATES = (PairingState.ACTIVE, PairingState.STALLED)


class RequestState(enum.StrEnum):
    OPEN = "open"  # nobody is being asked right now
    OFFERED = "offered"  # one copilot is being asked
    MATCHED = "matched"
    CANCELLED = "cancelled"


# A mentee has at most one request in these states.
OPEN_REQUEST_STATES = (RequestState.OPEN, RequestState.OFFERED)


class OfferState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

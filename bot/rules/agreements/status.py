"""The statuses of one questionnaire round (one ``agreements`` row), defined once for every flow.

drafting (answers being given, differences settled) → proposed (all agreed, awaiting both confirms) →
confirmed. A round that never finishes becomes lapsed (the pairing lapses with it) or withdrawn (a revisit
of an agreement in force that was not finished, or a round cut short by an ending; the earlier agreement
stays in force).
"""

from __future__ import annotations

import enum


class AgreementStatus(enum.StrEnum):
    DRAFTING = "drafting"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"


# A round still open: reminders go out for it, and an ending withdraws it.
UNFINISHED = (AgreementStatus.DRAFTING, AgreementStatus.PROPOSED)

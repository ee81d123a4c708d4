"""The states of an introduction and of a promise, defined once for the flows, messages and summaries.

An introduction is made, then the introduced person answers its follow-up: met, not yet (asked once
more a week later) or not happening. A promise is open until its owner marks it done.
"""

from __future__ import annotations

import enum


class IntroStatus(enum.StrEnum):
    MADE = "made"
    MET = "met"
    NOT_YET = "not_yet"
    NOT_HAPPENING = "not_happening"


# What the introduced person may answer on a follow-up.
FOLLOW_UP_ANSWERS = (IntroStatus.MET, IntroStatus.NOT_YET, IntroStatus.NOT_HAPPENING)


class PromiseStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"

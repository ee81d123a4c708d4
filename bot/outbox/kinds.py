"""Every kind of message the bot sends on its own initiative, what it is about, and how it behaves.

A row's kind decides two rules the dispatcher applies: whether it *expires* (a reminder that is only
worth sending near its time: past the workspace's grace period it is dropped, and pausing its pairing
withdraws it), and whether it is a file *attached* to the conversation of another kind's row about the
same subject (sent only once that row has gone out, into the same conversation). Its *subject* is the
one record the row is about; the row stores the subject's id, and services cancel or reschedule rows by
kind and subject instead of matching dedupe keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from storage.models import (
    BuddyOffer,
    BuddyPairing,
    CheckIn,
    Cohort,
    CohortSurvey,
    Contact,
    Introduction,
    LeadDigest,
    MentoringRequest,
    Offer,
    Pairing,
    Person,
    Promise,
    Pulse,
    ReportBack,
)


class Subject(Enum):
    """What a row is about: (name, model, whether it belongs to a pairing)."""

    PAIRING = ("pairing", Pairing, True)
    CHECKIN = ("checkin", CheckIn, True)
    PULSE = ("pulse", Pulse, True)
    REPORT_BACK = ("report_back", ReportBack, True)
    OFFER = ("offer", Offer, False)
    REQUEST = ("request", MentoringRequest, False)
    INTRODUCTION = ("introduction", Introduction, False)
    PROMISE = ("promise", Promise, False)
    CONTACT = ("contact", Contact, False)
    DIGEST = ("digest", LeadDigest, False)
    PERSON = ("person", Person, False)
    COHORT = ("cohort", Cohort, False)
    COHORT_SURVEY = (
        "cohort_survey",
        CohortSurvey,
        False,
    )  # outlives its pairing: the end survey comes at its end
    # an onboarding buddy pairing is not a mentoring pairing: its rows name no pairing
    BUDDY_PAIRING = ("buddy_pairing", BuddyPairing, False)
    BUDDY_OFFER = ("buddy_offer", BuddyOffer, False)

    def __init__(self, label: str, model: type, in_pairing: bool) -> None:
        self.label = label
        self.model = model
        self.in_pairing = in_pairing

    def pairing_id(self, record: Any) -> int | None:
        """The pairing a row about `record` belongs to (ended pairings cancel it; gone people pause it)."""
        if self is Subject.PAIRING:
            return int(record.id)
        return int(record.pairing_id) if self.in_pairing else None

    def ref(self, *, team_id: str, id: int, pairing_id: int | None = None) -> SubjectRef:
        """The subject known by its ids (a planner's rows written with Core), in place of the record."""
        if self is Subject.PAIRING:
            pairing_id = id
        elif not self.in_pairing:
            pairing_id = None
        elif pairing_id is None:
            raise ValueError(f"a {self.label} belongs to a pairing: name it")
        return SubjectRef(self, team_id, id, pairing_id)


@dataclass(frozen=True, slots=True)
class SubjectRef:
    """A subject by its ids: what a row needs of it (``Subject.ref`` builds one)."""

    subject: Subject
    team_id: str
    id: int
    pairing_id: int | None


EXPIRES = True


class Kind(StrEnum):
    """A message kind: its stored name, its subject, whether it expires, what it is attached to."""

    subject: Subject
    expires: bool

    def __new__(
        cls, value: str, subject: Subject, expires: bool = False, attaches_to: str | None = None
    ) -> Kind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.subject = subject
        member.expires = expires
        member._attaches_to = attaches_to  # type: ignore[attr-defined]
        return member

    @property
    def attaches_to(self) -> Kind | None:
        """The kind of row whose conversation this file goes into, once that row was sent."""
        name: str | None = self._attaches_to  # type: ignore[attr-defined]
        return Kind(name) if name else None

    @classmethod
    def parse(cls, value: str) -> Kind | None:
        try:
            return cls(value)
        except ValueError:
            return None

    # check-ins, report-backs, health reviews
    CHECKIN_NUDGE = "nudge_checkin", Subject.CHECKIN, EXPIRES
    STALL_NUDGE = "nudge_stalled", Subject.PAIRING, EXPIRES
    REPORT_BACK_FOLLOW_UP = "nudge_report_back_follow_up", Subject.REPORT_BACK, EXPIRES
    REPORT_BACK = "report_back", Subject.REPORT_BACK
    PULSE = "pulse", Subject.PULSE
    PAIRING_UNREACHABLE = "pairing_unreachable", Subject.PAIRING
    # requests, offers, matches
    OFFER = "offer", Subject.OFFER
    OFFER_CLOSED = "offer_closed", Subject.OFFER
    REQUEST_UPDATE = "request_update", Subject.REQUEST
    ADMIN_WAITING = "admin_waiting", Subject.REQUEST
    PAIRING_MATCHED = "pairing_matched", Subject.PAIRING
    # expectation setting and the life of a pairing
    EXPECTATIONS_KICKOFF = "expectations_kickoff", Subject.PAIRING
    EXPECTATIONS_DIFFERENCES = "expectations_differences", Subject.PAIRING
    EXPECTATIONS_PROPOSAL = "expectations_proposal", Subject.PAIRING
    EXPECTATIONS_CONFIRM = "expectations_confirm", Subject.PAIRING
    EXPECTATIONS_AGREED = "expectations_agreed", Subject.PAIRING
    EXPECTATIONS_WITHDRAWN = "expectations_withdrawn", Subject.PAIRING
    EXPECTATIONS_REMINDER = "nudge_expectations", Subject.PAIRING, EXPIRES
    FIRST_MEETING = "first_meeting", Subject.PAIRING
    TERM_END = "term_end", Subject.PAIRING
    PAIRING_PAUSED = "pairing_paused", Subject.PAIRING
    PAIRING_LAPSED = "pairing_lapsed", Subject.PAIRING
    PAIRING_ENDED = "pairing_ended", Subject.PAIRING
    CALENDAR = "calendar", Subject.PAIRING  # "Add this to your calendar", in the group DM
    CALENDAR_FILE = "calendar_file", Subject.PAIRING, False, "calendar"  # the agreed meetings' .ics
    # the network: introductions, promises, keeping in touch
    INTRO = "intro", Subject.INTRODUCTION
    INTRO_FOLLOW_UP = "nudge_intro_followup", Subject.INTRODUCTION, EXPIRES
    INTRO_REPORT = "intro_report", Subject.INTRODUCTION
    PROMISE_DUE = "nudge_promise", Subject.PROMISE, EXPIRES
    KEEP_IN_TOUCH = "nudge_keep_in_touch", Subject.CONTACT, EXPIRES
    # oversight
    DIGEST = "digest", Subject.DIGEST
    DIGEST_CHART = "digest_chart", Subject.DIGEST, False, "digest"
    ADMIN_ORG_GAP = "admin_org_gap", Subject.PERSON  # whose manager is now unknown (a forgotten account)
    # mentoring cohorts
    COHORT_ANNOUNCEMENT = "cohort_announcement", Subject.COHORT
    COHORT_PREVIEW = "cohort_preview", Subject.COHORT
    COHORT_PAIRED = "cohort_paired", Subject.COHORT
    COHORT_PAIRING = "cohort_pairing", Subject.COHORT  # one pair's shared dates (the key names the pairing)
    COHORT_SURVEY = "cohort_survey", Subject.COHORT_SURVEY
    # onboarding buddies
    BUDDY_OFFER = "buddy_offer", Subject.BUDDY_OFFER
    BUDDY_OFFER_CLOSED = "buddy_offer_closed", Subject.BUDDY_OFFER
    BUDDY_WAITING = "buddy_waiting", Subject.BUDDY_PAIRING
    BUDDY_WELCOME = "buddy_welcome", Subject.BUDDY_PAIRING
    BUDDY_CHECKIN = "nudge_buddy_checkin", Subject.BUDDY_PAIRING, EXPIRES
    BUDDY_ENDED = "buddy_ended", Subject.BUDDY_PAIRING
    BUDDY_TERM_END = "buddy_term_end", Subject.BUDDY_PAIRING
    BUDDY_CALENDAR = "buddy_calendar", Subject.BUDDY_PAIRING  # "Add this to your calendar"
    BUDDY_CALENDAR_FILE = "buddy_calendar_file", Subject.BUDDY_PAIRING, False, "buddy_calendar"
    BUDDY_COPILOT_INVITATION = "buddy_copilot_invitation", Subject.BUDDY_PAIRING


EXPIRING = frozenset(kind for kind in Kind if kind.expires)

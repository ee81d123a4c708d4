"""Tables. Every domain row carries team_id, so two workspaces never see each other's data.

Columns holding what a pair said to each other are marked ``info={"privacy": "pair"}``; what one person
keeps for themselves is ``"person"``. Summaries for leads and admins select program-level columns only,
and a test reads these marks to prove it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import PAIR, PERSON, Base, JSONText, UTCDateTime
from storage.base import id_column as _id
from storage.base import team_column as _team
from storage.programs import BuddyOffer, BuddyPairing, Cohort, CohortSurvey

# Re-exported: every table is importable from storage.models.
__all__ = ["PAIR", "PERSON", "Base", "BuddyOffer", "BuddyPairing", "Cohort", "CohortSurvey", "UTCDateTime"]


class WorkspaceSettings(Base):
    """Program settings an admin sets per workspace (JSON, validated by bot.people.program_settings)."""

    __tablename__ = "workspace_settings"
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id"),)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    slack_user_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    real_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    tz_offset: Mapped[int] = mapped_column(Integer, default=0)  # seconds east of UTC, as Slack sends it
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)
    is_workspace_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    org_team: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[int | None] = mapped_column(Integer)
    digest_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # their first day, from the org chart CSV (an onboarding buddy can start on it)
    start_date: Mapped[date | None] = mapped_column(Date)
    synced_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # a forgotten person's tombstone: a keyed hash of their Slack id, never the id (bot.people.tombstones)
    forgotten_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # what Slack says the person reads ("fr-CA"), and their own choice ("fr"; None: follow Slack)
    slack_locale: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))


class CopilotProfile(Base):
    """A volunteer's offer to be a copilot. Volunteering is always opt-in."""

    __tablename__ = "copilot_profiles"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = _team()
    topics: Mapped[list[Any]] = mapped_column(default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    available_until: Mapped[date | None] = mapped_column(Date)
    paused_until: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    open_to_other_teams: Mapped[bool] = mapped_column(Boolean, default=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    # the cohort they last volunteered for through its announcement (None: the program at large)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    # "I'd welcome new colleagues": they may be an onboarding buddy, to this many new hires at once
    welcomes_new_colleagues: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    buddy_capacity: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Topic(Base):
    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("team_id", "name"),)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    name: Mapped[str] = mapped_column(String(75))


class MentoringRequest(Base):
    __tablename__ = "mentoring_requests"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    mentee_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    goals: Mapped[str] = mapped_column(Text, info=PAIR)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    cadence: Mapped[str] = mapped_column(String(16))
    length_text: Mapped[str] = mapped_column(String(100), default="")
    team_preference: Mapped[str] = mapped_column(String(8), default="either")
    named_copilot_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    # open → offered → matched, or cancelled / unmatched
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    # a sign-up to a cohort waits for the cohort's round instead of being offered at once
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Offer(Base):
    __tablename__ = "offers"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    request_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_requests.id", ondelete="CASCADE"), index=True
    )
    copilot_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # pending → accepted / declined / expired / withdrawn
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    decline_reason: Mapped[str | None] = mapped_column(Text, info=PERSON)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class Pairing(Base):
    __tablename__ = "pairings"
    # room on every page for each row's next version: a planner moving every pairing's next check-in at
    # once updates in place (HOT, no index entries); migration 0012
    __table_args__ = ({"postgresql_with": {"fillfactor": 50}},)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentoring_requests.id", ondelete="SET NULL"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    copilot_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # setting_expectations → active ⇄ paused → stalled → ended, or lapsed
    state: Mapped[str] = mapped_column(String(24), default="setting_expectations", index=True)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    cadence: Mapped[str | None] = mapped_column(String(16))
    organiser: Mapped[str] = mapped_column(String(16), default="mentee")
    cross_team: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]
    paused_until: Mapped[date | None] = mapped_column(Date)
    last_met_at: Mapped[datetime | None]
    # not indexed: the planner reads due pairings in id order, and an indexed column would make each
    # weekly move of every pairing's date an index insert (never a HOT update)
    next_checkin_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))  # program-level code, never free text
    version: Mapped[int] = mapped_column(Integer, default=0)  # optimistic lock for transitions


class ExpectationAnswer(Base):
    __tablename__ = "expectation_answers"
    __table_args__ = (UniqueConstraint("pairing_id", "person_id", "round"),)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    answers: Mapped[dict[str, Any]] = mapped_column(info=PAIR)
    submitted_at: Mapped[datetime]


class Agreement(Base):
    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("pairing_id", "version"),)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # drafting (answers being compared / resolved) → proposed (all agreed, awaiting confirms) → confirmed
    status: Mapped[str] = mapped_column(String(16), default="drafting")
    terms: Mapped[dict[str, Any]] = mapped_column(default=dict, info=PAIR)
    proposals: Mapped[dict[str, Any]] = mapped_column(default=dict, info=PAIR)
    mentee_confirmed_at: Mapped[datetime | None]
    copilot_confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]


class CheckIn(Base):
    __tablename__ = "checkins"
    # the unique (pairing_id, cycle) index also serves look-ups and cascades by pairing_id alone
    __table_args__ = (UniqueConstraint("pairing_id", "cycle"),)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    cycle: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    # pending → met / scheduled / skipped / paused / missed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    scheduled_for: Mapped[date | None] = mapped_column(Date)
    met_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    answered_at: Mapped[datetime | None]


class ReportBack(Base):
    __tablename__ = "report_backs"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, info=PAIR)
    shared_with_copilot: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Reflection(Base):
    """A private note written when a pairing ends."""

    __tablename__ = "reflections"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, info=PERSON)
    created_at: Mapped[datetime]


class Introduction(Base):
    __tablename__ = "introductions"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    introducer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    introduced_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairings.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="", info=PAIR)
    include_introducer: Mapped[bool] = mapped_column(Boolean, default=True)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    # made → met / not_yet / not_happening
    status: Mapped[str] = mapped_column(String(16), default="made")
    follow_ups_sent: Mapped[int] = mapped_column(Integer, default=0)
    report_back: Mapped[str | None] = mapped_column(Text, info=PAIR)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(32), info=PERSON)
    name: Mapped[str] = mapped_column(String(200), info=PERSON)
    common_ground: Mapped[str] = mapped_column(Text, default="", info=PERSON)
    notes: Mapped[str] = mapped_column(Text, default="", info=PERSON)
    referrals: Mapped[str] = mapped_column(Text, default="", info=PERSON)
    last_talked_at: Mapped[date | None] = mapped_column(Date)
    keep_in_touch_days: Mapped[int | None] = mapped_column(Integer)
    # the owner's local date the next keep-in-touch reminder is due; None when off or already reminded
    touch_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Promise(Base):
    __tablename__ = "promises"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    to_slack_user_id: Mapped[str | None] = mapped_column(String(32), info=PERSON)
    to_name: Mapped[str] = mapped_column(String(200), default="", info=PERSON)
    text: Mapped[str] = mapped_column(Text, info=PERSON)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / done
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    nudges_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    nudged_on: Mapped[date | None] = mapped_column(Date)  # the due date the last nudge was for
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Pulse(Base):
    """A health review: one question, 1–5, and an optional private comment."""

    __tablename__ = "pulses"
    __table_args__ = (UniqueConstraint("pairing_id", "person_id", "round"),)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, info=PAIR)
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A message the bot sends on its own initiative. Planners write rows; the dispatcher sends them."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_due", "status", "due_at"),
        Index("ix_outbox_subject", "kind", "subject_id"),
    )
    id: Mapped[int] = _id()
    # not indexed: only a data-rights request reads a workspace's rows, and planners write 100,000 at once
    team_id: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # a bot.outbox.Kind
    # the id of the record the row is about; the kind says which table (None: an old row whose record is gone)
    subject_id: Mapped[int | None] = mapped_column(Integer)
    # a user id (DM), a channel id, or "users:U1,U2" for a group DM the dispatcher opens first
    channel: Mapped[str] = mapped_column(String(200))
    # JSON kept as text: only the dispatcher reads it, and PostgreSQL would parse every document written
    payload: Mapped[dict[str, Any]] = mapped_column(JSONText(), info=PAIR)
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime]
    # pending → sending → sent, or failed (permanent) / expired (missed its grace period) / cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class LeadUsergroup(Base):
    """A Slack user group an admin put in a lead's care: the lead sees its members' pairings."""

    __tablename__ = "lead_usergroups"
    __table_args__ = (UniqueConstraint("team_id", "lead_person_id", "usergroup_id"),)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    lead_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    usergroup_id: Mapped[str] = mapped_column(String(32))
    # Slack user ids from usergroups.users.list, refreshed whenever the lead asks for a summary
    member_user_ids: Mapped[list[Any]] = mapped_column(default=list)
    members_synced_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class LeadDigest(Base):
    """What one weekly digest reported (program-level ids and counts), so next week can say what changed."""

    __tablename__ = "lead_digests"
    __table_args__ = (UniqueConstraint("lead_person_id", "week"),)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    lead_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    week: Mapped[str] = mapped_column(String(10))  # ISO week of the lead's Monday, e.g. 2026-W10
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class HandledEvent(Base):
    """Slack event ids already handled, so a retried delivery is handled once; pruned an hour on."""

    __tablename__ = "handled_events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = _team()
    handled_at: Mapped[datetime] = mapped_column(index=True)


class SeenSignature(Base):
    """Verified Slack request signatures, kept while Slack's five-minute window could accept them again,
    so a captured request replayed to any process of the app is refused. Pruned once expired."""

    __tablename__ = "seen_signatures"
    signature: Mapped[str] = mapped_column(String(80), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


def private_columns() -> dict[str, list[str]]:
    """table -> column names that hold private text (pair or person)."""
    found: dict[str, list[str]] = {}
    for table in Base.metadata.sorted_tables:
        cols = [c.name for c in table.columns if c.info.get("privacy")]
        if cols:
            found[table.name] = cols
    return found

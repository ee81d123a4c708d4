"""The tables of the programs beside copilot mentoring: mentoring cohorts and onboarding buddies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import PAIR, PERSON, Base
from storage.base import id_column as _id
from storage.base import team_column as _team


class Cohort(Base):
    """A mentoring cohort: sign-ups in a window, one round at its close, a shared start and planned end."""

    __tablename__ = "cohorts"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    name: Mapped[str] = mapped_column(String(80))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    tz: Mapped[str] = mapped_column(String(64), default="UTC")  # the opening admin's, for its dates
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    length_months: Mapped[int] = mapped_column(Integer)
    closes_at: Mapped[datetime] = mapped_column(index=True)  # when its round runs
    # signing_up → paired
    state: Mapped[str] = mapped_column(String(16), default="signing_up", index=True)
    paired_at: Mapped[datetime | None]
    midpoint_asked_at: Mapped[datetime | None]
    end_asked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class CohortSurvey(Base):
    """One person's answer to a cohort's mid-point or end survey; only averages of 3 or more leave it."""

    __tablename__ = "cohort_surveys"
    __table_args__ = (UniqueConstraint("cohort_id", "pairing_id", "person_id", "stage"),)
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(8))  # midpoint / end
    useful: Mapped[int | None] = mapped_column(Integer)  # 1–5
    recommend: Mapped[int | None] = mapped_column(Integer)  # 1–5
    comment: Mapped[str | None] = mapped_column(Text, info=PERSON)
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class BuddyPairing(Base):
    """An onboarding buddy for a new hire: found (offers), then a fixed light agenda for a term."""

    __tablename__ = "buddy_pairings"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    new_hire_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    buddy_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    # looking → offered → active → ended, or waiting (nobody could be asked yet)
    state: Mapped[str] = mapped_column(String(16), default="looking", index=True)
    started_on: Mapped[date] = mapped_column(Date)  # the new hire's first day
    term_days: Mapped[int] = mapped_column(Integer, default=90)
    ends_at: Mapped[datetime | None]
    next_checkin_at: Mapped[datetime | None] = mapped_column(index=True)
    checkins_sent: Mapped[int] = mapped_column(Integer, default=0)
    # the checklist items the new hire ticked: the pair's own
    checklist: Mapped[list[Any]] = mapped_column(default=list, info=PAIR)
    created_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))  # program-level code, never free text


class BuddyOffer(Base):
    """Asking one volunteer to be a new hire's buddy: pending → accepted / declined / expired / withdrawn."""

    __tablename__ = "buddy_offers"
    id: Mapped[int] = _id()
    team_id: Mapped[str] = _team()
    buddy_pairing_id: Mapped[int] = mapped_column(
        ForeignKey("buddy_pairings.id", ondelete="CASCADE"), index=True
    )
    buddy_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]

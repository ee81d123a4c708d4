"""Give me my data (``mentor-bot export-person``): everything about one person and everything they wrote.

Shared things of their own pairings (the agreed terms, check-in dates) are theirs too; what only their
partner wrote (answers, report-backs, reflections, pulse comments) is not.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.pairings import partner_id, role_of
from bot.people.directory import find_person
from bot.runtime import Runtime
from storage.models import (
    Agreement,
    BuddyOffer,
    BuddyPairing,
    CheckIn,
    Contact,
    CopilotProfile,
    ExpectationAnswer,
    Introduction,
    MentoringRequest,
    Offer,
    Pairing,
    Person,
    Promise,
    Pulse,
    Reflection,
    ReportBack,
)


class NoSuchPerson(LookupError):
    pass


def export_person(runtime: Runtime, team_id: str, user_id: str) -> dict[str, Any]:
    """Everything about one person and everything they wrote, as JSON-ready data (see the module's rule)."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            raise NoSuchPerson(f"{user_id} has no mentoring data in {team_id}")
        slack_ids = _SlackIds(session, team_id)
        me = person.id
        return {
            "exported_at": _iso(runtime.clock.now()),
            "team_id": team_id,
            "person": _person_data(person, slack_ids),
            "copilot_profile": _profile_data(session, person),
            "requests": [
                {
                    "id": r.id,
                    "goals": r.goals,
                    "topics": list(r.topics or []),
                    "cadence": r.cadence,
                    "length": r.length_text,
                    "team_preference": r.team_preference,
                    "named_copilot": slack_ids(r.named_copilot_id),
                    "status": r.status,
                    "created_at": _iso(r.created_at),
                    "closed_at": _iso(r.closed_at),
                }
                for r in session.scalars(
                    select(MentoringRequest)
                    .where(MentoringRequest.team_id == team_id, MentoringRequest.mentee_id == me)
                    .order_by(MentoringRequest.id)
                )
            ],
            "offers_to_copilot": [
                {
                    "id": o.id,
                    "request_id": o.request_id,
                    "status": o.status,
                    "decline_reason": o.decline_reason,
                    "created_at": _iso(o.created_at),
                    "answered_at": _iso(o.answered_at),
                }
                for o in session.scalars(
                    select(Offer).where(Offer.team_id == team_id, Offer.copilot_id == me).order_by(Offer.id)
                )
            ],
            "pairings": [
                _pairing_data(session, pairing, me, slack_ids)
                for pairing in session.scalars(
                    select(Pairing)
                    .where(Pairing.team_id == team_id, or_(Pairing.mentee_id == me, Pairing.copilot_id == me))
                    .order_by(Pairing.id)
                )
            ],
            "buddy_pairings": [
                {
                    "id": b.id,
                    "role": "new_hire" if b.new_hire_id == me else "buddy",
                    "partner": slack_ids(b.buddy_id if b.new_hire_id == me else b.new_hire_id),
                    "state": b.state,
                    "started_on": _iso(b.started_on),
                    "ends_at": _iso(b.ends_at),
                    "checklist": list(b.checklist or []),
                    "ended_at": _iso(b.ended_at),
                    "end_reason": b.end_reason,
                }
                for b in session.scalars(
                    select(BuddyPairing)
                    .where(
                        BuddyPairing.team_id == team_id,
                        or_(BuddyPairing.new_hire_id == me, BuddyPairing.buddy_id == me),
                    )
                    .order_by(BuddyPairing.id)
                )
            ],
            "buddy_offers": [
                {
                    "id": o.id,
                    "status": o.status,
                    "created_at": _iso(o.created_at),
                    "answered_at": _iso(o.answered_at),
                }
                for o in session.scalars(
                    select(BuddyOffer)
                    .where(BuddyOffer.team_id == team_id, BuddyOffer.buddy_id == me)
                    .order_by(BuddyOffer.id)
                )
            ],
            "introductions": [
                _intro_data(intro, me, slack_ids)
                for intro in session.scalars(
                    select(Introduction)
                    .where(
                        Introduction.team_id == team_id,
                        or_(
                            Introduction.introducer_id == me,
                            Introduction.introduced_id == me,
                            Introduction.contact_id == me,
                        ),
                    )
                    .order_by(Introduction.id)
                )
            ],
            "contacts": [
                {
                    "id": c.id,
                    "slack_user_id": c.slack_user_id,
                    "name": c.name,
                    "common_ground": c.common_ground,
                    "notes": c.notes,
                    "referrals": c.referrals,
                    "last_talked_on": _iso(c.last_talked_at),
                    "keep_in_touch_days": c.keep_in_touch_days,
                    "created_at": _iso(c.created_at),
                }
                for c in session.scalars(
                    select(Contact)
                    .where(Contact.team_id == team_id, Contact.owner_id == me)
                    .order_by(Contact.id)
                )
            ],
            "promises": [
                {
                    "id": p.id,
                    "to_slack_user_id": p.to_slack_user_id,
                    "to_name": p.to_name,
                    "text": p.text,
                    "due_on": _iso(p.due_on),
                    "status": p.status,
                    "snoozed_until": _iso(p.snoozed_until),
                    "done_at": _iso(p.done_at),
                    "created_at": _iso(p.created_at),
                }
                for p in session.scalars(
                    select(Promise)
                    .where(Promise.team_id == team_id, Promise.owner_id == me)
                    .order_by(Promise.id)
                )
            ],
        }


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


class _SlackIds:
    """people.id -> Slack user id within one workspace, looked up once each."""

    def __init__(self, session: Session, team_id: str) -> None:
        self._session = session
        self._team_id = team_id
        self._known: dict[int, str | None] = {}

    def __call__(self, person_id: int | None) -> str | None:
        if person_id is None:
            return None
        if person_id not in self._known:
            self._known[person_id] = self._session.scalar(
                select(Person.slack_user_id).where(Person.team_id == self._team_id, Person.id == person_id)
            )
        return self._known[person_id]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person_data(person: Person, slack_ids: _SlackIds) -> dict[str, Any]:
    return {
        "slack_user_id": person.slack_user_id,
        "name": person.name,
        "real_name": person.real_name,
        "email": person.email,
        "tz": person.tz,
        "slack_locale": person.slack_locale,
        "language": person.language,
        "title": person.title,
        "org_team": person.org_team,
        "level": person.level,
        "manager": slack_ids(person.manager_id),
        "digest_enabled": person.digest_enabled,
        "start_date": _iso(person.start_date),
        "first_seen_at": _iso(person.created_at),
    }


def _profile_data(session: Session, person: Person) -> dict[str, Any] | None:
    profile = session.scalar(
        select(CopilotProfile).where(
            CopilotProfile.team_id == person.team_id, CopilotProfile.person_id == person.id
        )
    )
    if profile is None:
        return None
    return {
        "topics": list(profile.topics or []),
        "capacity": profile.capacity,
        "available_until": _iso(profile.available_until),
        "paused_until": _iso(profile.paused_until),
        "active": profile.active,
        "open_to_other_teams": profile.open_to_other_teams,
        "intro": profile.intro,
        "welcomes_new_colleagues": profile.welcomes_new_colleagues,
        "buddy_capacity": profile.buddy_capacity,
        "created_at": _iso(profile.created_at),
    }


def _pairing_data(session: Session, pairing: Pairing, me: int, slack_ids: _SlackIds) -> dict[str, Any]:
    partner = partner_id(pairing, me)
    return {
        "id": pairing.id,
        "role": role_of(pairing, me),
        "partner": slack_ids(partner),
        "state": pairing.state,
        "cadence": pairing.cadence,
        "created_at": _iso(pairing.created_at),
        "activated_at": _iso(pairing.activated_at),
        "ended_at": _iso(pairing.ended_at),
        "end_reason": pairing.end_reason,
        "agreements": [
            {
                "version": a.version,
                "status": a.status,
                "terms": a.terms,
                "confirmed_at": _iso(a.confirmed_at),
            }
            for a in _in_pairing(session, Agreement, pairing, Agreement.version)
        ],
        "my_expectation_answers": [
            {"round": e.round, "answers": e.answers, "submitted_at": _iso(e.submitted_at)}
            for e in _in_pairing(
                session,
                ExpectationAnswer,
                pairing,
                ExpectationAnswer.round,
                ExpectationAnswer.person_id == me,
            )
        ],
        "checkins": [
            {
                "cycle": c.cycle,
                "due_at": _iso(c.due_at),
                "status": c.status,
                "scheduled_for": _iso(c.scheduled_for),
                "met_at": _iso(c.met_at),
            }
            for c in _in_pairing(session, CheckIn, pairing, CheckIn.cycle)
        ],
        "my_report_backs": [
            {"text": r.text, "shared_with_partner": r.shared_with_copilot, "created_at": _iso(r.created_at)}
            for r in _in_pairing(session, ReportBack, pairing, ReportBack.id, ReportBack.author_id == me)
        ],
        "my_reflections": [
            {"text": r.text, "created_at": _iso(r.created_at)}
            for r in _in_pairing(session, Reflection, pairing, Reflection.id, Reflection.author_id == me)
        ],
        "my_pulses": [
            {"round": p.round, "score": p.score, "comment": p.comment, "answered_at": _iso(p.answered_at)}
            for p in _in_pairing(session, Pulse, pairing, Pulse.round, Pulse.person_id == me)
        ],
    }


def _in_pairing(session: Session, model: Any, pairing: Pairing, order_by: Any, *where: Any) -> Any:
    """The rows of `model` that belong to the pairing (and match `where`), in order."""
    return session.scalars(
        select(model)
        .where(model.team_id == pairing.team_id, model.pairing_id == pairing.id, *where)
        .order_by(order_by)
    )


def _intro_data(intro: Introduction, me: int, slack_ids: _SlackIds) -> dict[str, Any]:
    role = (
        "introducer"
        if intro.introducer_id == me
        else "introduced"
        if intro.introduced_id == me
        else "contact"
    )
    return {
        "id": intro.id,
        "my_role": role,
        "introducer": slack_ids(intro.introducer_id),
        "introduced": slack_ids(intro.introduced_id),
        "contact": slack_ids(intro.contact_id),
        # The reason is the introducer's words and the report-back the introduced person's.
        "reason": intro.reason if role == "introducer" else None,
        "report_back": intro.report_back if role == "introduced" else None,
        "status": intro.status,
        "created_at": _iso(intro.created_at),
        "resolved_at": _iso(intro.resolved_at),
    }

"""A person's rights over their own data: forget me (/mentor forget-me) and give me my data (export-person).

Forgetting deletes what the person wrote or kept for themselves and keeps program-level facts (that a
pairing existed, its dates, check-in statuses, counts) attached to an anonymised people row:
name, real name, email and title are cleared, and the Slack user id is replaced by ``forgotten-<row id>``.
The row has to stay because pairings, check-ins and offers point at it; the tombstone id keeps
(team_id, slack_user_id) unique without keeping the real id, so the daily people sync and users.info
never find and re-fill it. If the person comes back, they start again as a new row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot.expectations import UNFINISHED
from bot.expectations import WITHDRAWN as ROUND_WITHDRAWN
from bot.matchmaking import OPEN_REQUEST_STATES, PENDING, WITHDRAWN, withdraw_offers
from bot.outbox import GROUP_PREFIX, enqueue
from bot.pairings import end_pairing, open_pairings_of, role_of
from bot.people import find_person
from bot.runtime import Runtime
from handlers.views.data_rights import partner_left_message
from storage.models import (
    Agreement,
    CheckIn,
    Contact,
    ExpectationAnswer,
    Introduction,
    MentoringRequest,
    MentorProfile,
    Offer,
    OutboxMessage,
    Pairing,
    Person,
    Promise,
    Pulse,
    Reflection,
    ReportBack,
)

FORGOTTEN_PREFIX = "forgotten-"
REDACTED = {"text": "(removed at the writer's request)", "blocks": []}
# Shorter snippets (a contact called "Sam") would match unrelated messages; long texts are often
# clipped in messages, so a long text is looked for by its opening words.
_MIN_NEEDLE = 4
_NEEDLE_PREFIX = 40
# Terms text each role wrote into an agreement (bot.agreements.compare puts them there).
_TERMS_WRITTEN_BY = {"mentee": ("goals",), "mentor": ("offer",)}


@dataclass(frozen=True)
class ForgetReport:
    forgotten: bool  # False: nothing was left to delete (a second click)
    ended_pairings: int = 0
    deleted_rows: int = 0
    cleared_fields: int = 0
    outbox_rows: int = 0


def is_forgotten(person: Person) -> bool:
    return person.slack_user_id.startswith(FORGOTTEN_PREFIX)


def forget_person(runtime: Runtime, team_id: str, user_id: str) -> ForgetReport:
    """Delete a person's private data, end their open pairings (partners are told) and anonymise them."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return ForgetReport(forgotten=False)
        now = runtime.clock.now()
        texts = list(_written_by(session, person))
        ended = _end_open_pairings(runtime, session, person, now)
        cleared = _clear_requests(runtime, session, person, now)
        cleared += _clear_offers(runtime, session, person, now)
        cleared += _clear_agreement_text(session, person)
        cleared += _clear_pulse_comments(session, person)
        cleared += _clear_introductions(session, person)
        deleted = _delete_own_rows(session, person)
        outbox = _clear_outbox(session, person, texts)
        _anonymise(person)
        return ForgetReport(True, ended, deleted, cleared, outbox)


# --- forgetting -------------------------------------------------------------------------------------


def _end_open_pairings(runtime: Runtime, session: Session, person: Person, now: datetime) -> int:
    ended = 0
    for pairing in open_pairings_of(session, person.team_id, person.id):
        if not end_pairing(session, pairing, reason="forgotten", now=now):
            continue
        ended += 1
        for agreement in session.scalars(
            select(Agreement).where(
                Agreement.team_id == person.team_id,
                Agreement.pairing_id == pairing.id,
                Agreement.status.in_(UNFINISHED),
            )
        ):
            agreement.status = ROUND_WITHDRAWN
        partner = _person(session, person.team_id, _partner_id(pairing, person.id))
        if partner is None or partner.is_deleted or is_forgotten(partner):
            continue
        enqueue(
            session,
            team_id=person.team_id,
            key=f"pairing:{pairing.id}:forgotten",
            kind="pairing_ended",
            channel=partner.slack_user_id,
            message=partner_left_message(pairing.created_at.date(), pairing.mentee_id == partner.id),
            due_at=now,
            now=now,
            pairing_id=pairing.id,
        )
    return ended


def _clear_requests(runtime: Runtime, session: Session, person: Person, now: datetime) -> int:
    requests = list(
        session.scalars(
            select(MentoringRequest).where(
                MentoringRequest.team_id == person.team_id, MentoringRequest.mentee_id == person.id
            )
        )
    )
    for request in requests:
        if request.status in OPEN_REQUEST_STATES:
            request.status = "cancelled"
            request.closed_at = now
            withdraw_offers(runtime, session, request, now)
        request.goals = ""
        request.length_text = ""
    return len(requests)


def _clear_offers(runtime: Runtime, session: Session, person: Person, now: datetime) -> int:
    """Decline reasons they wrote go; an offer still waiting for them is withdrawn."""
    offers = list(
        session.scalars(select(Offer).where(Offer.team_id == person.team_id, Offer.mentor_id == person.id))
    )
    for offer in offers:
        offer.decline_reason = None
        if offer.status == PENDING:
            offer.status = WITHDRAWN
            offer.answered_at = now
    return len(offers)


def _clear_agreement_text(session: Session, person: Person) -> int:
    """Shared terms keep the choices (cadence, length) but lose the text this person wrote."""
    cleared = 0
    rows = session.execute(
        select(Agreement, Pairing)
        .join(Pairing, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id))
        .where(
            Agreement.team_id == person.team_id,
            or_(Pairing.mentee_id == person.id, Pairing.mentor_id == person.id),
        )
    ).all()
    for agreement, pairing in rows:
        role = role_of(pairing, person.id)
        if role is None:
            continue
        terms = dict(agreement.terms or {})
        for key in _TERMS_WRITTEN_BY[role]:
            if key in terms:
                terms[key] = ""
        if isinstance(terms.get("expectations"), dict):
            terms["expectations"] = {**terms["expectations"], role: ""}
        if terms != agreement.terms:
            agreement.terms = terms
            cleared += 1
    return cleared


def _clear_pulse_comments(session: Session, person: Person) -> int:
    pulses = list(
        session.scalars(
            select(Pulse).where(
                Pulse.team_id == person.team_id, Pulse.person_id == person.id, Pulse.comment.is_not(None)
            )
        )
    )
    for pulse in pulses:
        pulse.comment = None
    return len(pulses)


def _clear_introductions(session: Session, person: Person) -> int:
    """The reason they gave when introducing, and the report-back they wrote when introduced."""
    cleared = 0
    for intro in session.scalars(
        select(Introduction).where(
            Introduction.team_id == person.team_id,
            or_(Introduction.introducer_id == person.id, Introduction.introduced_id == person.id),
        )
    ):
        if intro.introducer_id == person.id and intro.reason:
            intro.reason = ""
            cleared += 1
        if intro.introduced_id == person.id and intro.report_back is not None:
            intro.report_back = None
            cleared += 1
    return cleared


def _delete_own_rows(session: Session, person: Person) -> int:
    team = person.team_id
    statements = [
        delete(ExpectationAnswer).where(
            ExpectationAnswer.team_id == team, ExpectationAnswer.person_id == person.id
        ),
        delete(ReportBack).where(ReportBack.team_id == team, ReportBack.author_id == person.id),
        delete(Reflection).where(Reflection.team_id == team, Reflection.author_id == person.id),
        delete(Contact).where(Contact.team_id == team, Contact.owner_id == person.id),
        delete(Promise).where(Promise.team_id == team, Promise.owner_id == person.id),
        delete(MentorProfile).where(MentorProfile.team_id == team, MentorProfile.person_id == person.id),
    ]
    return sum(session.execute(statement).rowcount or 0 for statement in statements)


def _clear_outbox(session: Session, person: Person, texts: list[str]) -> int:
    """Pending messages to them are cancelled; any stored message quoting their text is emptied.

    Rows are emptied rather than deleted: their dedupe key stays taken, so no planner queues the same
    message again.
    """
    needles = _needles(texts)
    changed = 0
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.team_id == person.team_id)):
        to_them = _addressed_to(row.channel, person.slack_user_id)
        quotes = _quotes(row.payload, needles)
        if not quotes and not (to_them and row.status == "pending"):
            continue
        if row.status == "pending":
            row.status = "cancelled"
        if to_them:
            row.channel = FORGOTTEN_PREFIX + str(person.id)
        row.payload = dict(REDACTED)
        changed += 1
    return changed


def _anonymise(person: Person) -> None:
    person.slack_user_id = FORGOTTEN_PREFIX + str(person.id)
    person.name = ""
    person.real_name = ""
    person.email = None
    person.title = None
    person.tz = "UTC"
    person.tz_offset = 0
    person.is_deleted = True  # never matched, nudged or summarised as someone active again
    person.digest_enabled = False


def _addressed_to(channel: str, user_id: str) -> bool:
    if channel.startswith(GROUP_PREFIX):
        return user_id in channel.removeprefix(GROUP_PREFIX).split(",")
    return channel == user_id


def _needles(texts: Iterable[str]) -> list[str]:
    found: set[str] = set()
    for text in texts:
        text = text.strip()
        if len(text) < _MIN_NEEDLE:
            continue
        snippet = text[:_NEEDLE_PREFIX]
        found.add(snippet)
        # Views escape user text for mrkdwn.
        found.add(snippet.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return sorted(found)


def _quotes(payload: Any, needles: list[str]) -> bool:
    if not needles:
        return False
    stored = "\n".join(_strings(payload))
    return any(needle in stored for needle in needles)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _written_by(session: Session, person: Person) -> Iterator[str]:
    """Every piece of private text this person wrote or kept, to find it quoted in stored messages."""
    team, me = person.team_id, person.id
    yield from session.scalars(
        select(MentoringRequest.goals).where(
            MentoringRequest.team_id == team, MentoringRequest.mentee_id == me
        )
    )
    for answers in session.scalars(
        select(ExpectationAnswer.answers).where(
            ExpectationAnswer.team_id == team, ExpectationAnswer.person_id == me
        )
    ):
        yield from _strings(answers)
    yield from session.scalars(
        select(ReportBack.text).where(ReportBack.team_id == team, ReportBack.author_id == me)
    )
    yield from session.scalars(
        select(Reflection.text).where(Reflection.team_id == team, Reflection.author_id == me)
    )
    yield from (
        c
        for c in session.scalars(select(Pulse.comment).where(Pulse.team_id == team, Pulse.person_id == me))
        if c
    )
    for contact in session.scalars(select(Contact).where(Contact.team_id == team, Contact.owner_id == me)):
        yield from (contact.common_ground, contact.notes, contact.referrals)
    for promise in session.scalars(select(Promise).where(Promise.team_id == team, Promise.owner_id == me)):
        yield promise.text
    yield from session.scalars(
        select(Introduction.reason).where(Introduction.team_id == team, Introduction.introducer_id == me)
    )
    yield from (
        r
        for r in session.scalars(
            select(Introduction.report_back).where(
                Introduction.team_id == team, Introduction.introduced_id == me
            )
        )
        if r
    )
    yield from (
        r
        for r in session.scalars(
            select(Offer.decline_reason).where(Offer.team_id == team, Offer.mentor_id == me)
        )
        if r
    )
    profile = session.scalar(
        select(MentorProfile).where(MentorProfile.team_id == team, MentorProfile.person_id == me)
    )
    if profile is not None:
        yield profile.intro  # not its topics: those are the workspace's words, quoted in others' offers


def _person(session: Session, team_id: str, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    return session.scalar(select(Person).where(Person.team_id == team_id, Person.id == person_id))


def _partner_id(pairing: Pairing, person_id: int) -> int:
    return pairing.mentor_id if pairing.mentee_id == person_id else pairing.mentee_id


# --- export -----------------------------------------------------------------------------------------


class NoSuchPerson(LookupError):
    pass


def export_person(runtime: Runtime, team_id: str, user_id: str) -> dict[str, Any]:
    """Everything about one person and everything they wrote, as JSON-ready data.

    Shared things of their own pairings (the agreed terms, check-in dates) are theirs too; what only
    their partner wrote (answers, report-backs, reflections, pulse comments) is not.
    """
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
            "mentor_profile": _profile_data(session, person),
            "requests": [
                {
                    "id": r.id,
                    "goals": r.goals,
                    "topics": list(r.topics or []),
                    "cadence": r.cadence,
                    "length": r.length_text,
                    "team_preference": r.team_preference,
                    "named_mentor": slack_ids(r.named_mentor_id),
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
            "offers_to_mentor": [
                {
                    "id": o.id,
                    "request_id": o.request_id,
                    "status": o.status,
                    "decline_reason": o.decline_reason,
                    "created_at": _iso(o.created_at),
                    "answered_at": _iso(o.answered_at),
                }
                for o in session.scalars(
                    select(Offer).where(Offer.team_id == team_id, Offer.mentor_id == me).order_by(Offer.id)
                )
            ],
            "pairings": [
                _pairing_data(session, pairing, me, slack_ids)
                for pairing in session.scalars(
                    select(Pairing)
                    .where(Pairing.team_id == team_id, or_(Pairing.mentee_id == me, Pairing.mentor_id == me))
                    .order_by(Pairing.id)
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
        "title": person.title,
        "org_team": person.org_team,
        "level": person.level,
        "manager": slack_ids(person.manager_id),
        "digest_enabled": person.digest_enabled,
        "first_seen_at": _iso(person.created_at),
    }


def _profile_data(session: Session, person: Person) -> dict[str, Any] | None:
    profile = session.scalar(
        select(MentorProfile).where(
            MentorProfile.team_id == person.team_id, MentorProfile.person_id == person.id
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
        "created_at": _iso(profile.created_at),
    }


def _pairing_data(session: Session, pairing: Pairing, me: int, slack_ids: _SlackIds) -> dict[str, Any]:
    team = pairing.team_id
    partner = _partner_id(pairing, me)
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
            for a in session.scalars(
                select(Agreement)
                .where(Agreement.team_id == team, Agreement.pairing_id == pairing.id)
                .order_by(Agreement.version)
            )
        ],
        "my_expectation_answers": [
            {"round": e.round, "answers": e.answers, "submitted_at": _iso(e.submitted_at)}
            for e in session.scalars(
                select(ExpectationAnswer)
                .where(
                    ExpectationAnswer.team_id == team,
                    ExpectationAnswer.pairing_id == pairing.id,
                    ExpectationAnswer.person_id == me,
                )
                .order_by(ExpectationAnswer.round)
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
            for c in session.scalars(
                select(CheckIn)
                .where(CheckIn.team_id == team, CheckIn.pairing_id == pairing.id)
                .order_by(CheckIn.cycle)
            )
        ],
        "my_report_backs": [
            {"text": r.text, "shared_with_partner": r.shared_with_mentor, "created_at": _iso(r.created_at)}
            for r in session.scalars(
                select(ReportBack)
                .where(
                    ReportBack.team_id == team,
                    ReportBack.pairing_id == pairing.id,
                    ReportBack.author_id == me,
                )
                .order_by(ReportBack.id)
            )
        ],
        "my_reflections": [
            {"text": r.text, "created_at": _iso(r.created_at)}
            for r in session.scalars(
                select(Reflection)
                .where(
                    Reflection.team_id == team,
                    Reflection.pairing_id == pairing.id,
                    Reflection.author_id == me,
                )
                .order_by(Reflection.id)
            )
        ],
        "my_pulses": [
            {"round": p.round, "score": p.score, "comment": p.comment, "answered_at": _iso(p.answered_at)}
            for p in session.scalars(
                select(Pulse)
                .where(Pulse.team_id == team, Pulse.pairing_id == pairing.id, Pulse.person_id == me)
                .order_by(Pulse.round)
            )
        ],
    }


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

"""Forget me (/mentor forget-me): a person's private data deleted, their name gone, the program's facts kept.

Forgetting deletes what the person wrote or kept for themselves and keeps program-level facts (that a
pairing existed, its dates, check-in statuses, counts) attached to an anonymised people row:
name, real name, email, title, team, level and their own manager link are cleared, and the Slack user id
is replaced by ``forgotten-<row id>``. The row has to stay because pairings, check-ins, offers and their
reports' manager links point at it; the tombstone id keeps (team_id, slack_user_id) unique without keeping
the real id, so the daily people sync and users.info never find and re-fill it. If the person comes back,
they start again as a new row, which a keyed hash on the tombstone recognises so their reports report to
it again (``bot.people.tombstones``).

No stored row keeps their Slack id or name afterwards: outbox rows to them, naming them or quoting them are
emptied (``bot.outbox.forget_recipient``), the traces in other people's rows go
(``bot.people.forgetting_traces``), and messages already delivered that quoted them are overwritten in
Slack with a neutral line, after the transaction (tests/flows/test_forget_me_everywhere.py).

What other capabilities still had in flight for the person (open requests and offers, unfinished
expectation rounds) they withdraw themselves, in the `person_forgotten` hooks bot/app.py lists: this
module runs them after ending the person's pairings and before clearing what the person wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.messages.data_rights import partner_left_message, removed_message
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import end_pairing, open_pairings_of, partner_id, role_of
from bot.people.directory import find_person, run_hooks
from bot.people.forgetting_traces import flag_orphaned_reports, forget_traces
from bot.people.languages import writing_for
from bot.people.tombstones import tombstone_hash
from bot.runtime import Runtime
from storage.models import (
    Agreement,
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

log = logging.getLogger(__name__)

FORGOTTEN_PREFIX = "forgotten-"
REDACTED = {"text": "(removed at the writer's request)", "blocks": []}
# Shorter snippets (a contact called "Sam") would match unrelated messages; long texts are often
# clipped in messages, so a long text is looked for by its opening words.
_MIN_NEEDLE = 4
_NEEDLE_PREFIX = 40
# Terms text each role wrote into an agreement (bot.rules.agreements.compare puts them there).
_TERMS_WRITTEN_BY = {"mentee": ("goals",), "copilot": ("offer",)}


@dataclass(frozen=True)
class ForgetReport:
    forgotten: bool  # False: nothing was left to delete (a second click)
    ended_pairings: int = 0
    deleted_rows: int = 0
    cleared_fields: int = 0
    outbox_rows: int = 0
    updated_in_slack: int = 0  # delivered messages that quoted them, overwritten with chat.update


def is_forgotten(person: Person) -> bool:
    return person.slack_user_id.startswith(FORGOTTEN_PREFIX)


def forget_person(runtime: Runtime, team_id: str, user_id: str) -> ForgetReport:
    """Delete a person's private data, end their open pairings (partners are told) and anonymise them."""
    delivered: list[tuple[str, str]] = []
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return ForgetReport(forgotten=False)
        now = runtime.clock.now()
        texts = list(_written_by(session, person))
        names = [n for n in (person.name, person.real_name, person.email or "") if n]
        ended = _end_open_pairings(session, person, now)
        run_hooks(runtime.hooks.person_forgotten, runtime, session, person)
        cleared = _clear_requests(session, person)
        cleared += _clear_offers(session, person)
        cleared += _clear_agreement_text(session, person)
        cleared += _clear_pulse_comments(session, person)
        cleared += _clear_introductions(session, person)
        cleared += forget_traces(session, person, names)
        deleted = _delete_own_rows(session, person)
        queued = _clear_outbox(session, person, texts, names, delivered)
        flag_orphaned_reports(runtime, session, person, now)
        person.forgotten_hash = tombstone_hash(runtime.settings, team_id, user_id)
        _anonymise(person)
    updated = _overwrite_delivered(runtime, team_id, delivered)
    return ForgetReport(True, ended, deleted, cleared, queued, updated)


def _overwrite_delivered(runtime: Runtime, team_id: str, places: list[tuple[str, str]]) -> int:
    """Messages already in Slack that quoted their words get a neutral line instead (chat.update)."""
    if not places:
        return 0
    client = runtime.slack.for_team(team_id)
    message = removed_message()
    updated = 0
    for channel, ts in places:
        try:
            client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)
            updated += 1
        except (SlackApiError, SlackClientError) as exc:  # the stored copy is emptied either way
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("forget-me: could not overwrite a delivered message (%s)", error)
    return updated


def _end_open_pairings(session: Session, person: Person, now: datetime) -> int:
    ended = 0
    for pairing in open_pairings_of(session, person.team_id, person.id):
        if not end_pairing(session, pairing, reason="forgotten", now=now):
            continue
        ended += 1
        partner = _person(session, person.team_id, partner_id(pairing, person.id))
        if partner is None or partner.is_deleted or is_forgotten(partner):
            continue
        with writing_for(session, person.team_id, partner.slack_user_id):
            message = partner_left_message(pairing.created_at.date(), pairing.mentee_id == partner.id)
        outbox.send_dm(
            session,
            to=partner.slack_user_id,
            kind=Kind.PAIRING_ENDED,
            subject=pairing,
            key=outbox_keys.pairing_event(pairing.id, "forgotten"),
            message=message,
            due_at=now,
            now=now,
        )
    return ended


def _clear_requests(session: Session, person: Person) -> int:
    """The goals and length they wrote in their requests go (the hooks have cancelled the open ones)."""
    requests = list(
        session.scalars(
            select(MentoringRequest).where(
                MentoringRequest.team_id == person.team_id, MentoringRequest.mentee_id == person.id
            )
        )
    )
    for request in requests:
        request.goals = ""
        request.length_text = ""
        request.topics = []
        request.team_preference = "either"
    return len(requests)


def _clear_offers(session: Session, person: Person) -> int:
    """Decline reasons they wrote go (the hooks have withdrawn an offer still waiting for them)."""
    offers = list(
        session.scalars(select(Offer).where(Offer.team_id == person.team_id, Offer.copilot_id == person.id))
    )
    for offer in offers:
        offer.decline_reason = None
    return len(offers)


def _clear_agreement_text(session: Session, person: Person) -> int:
    """Shared terms keep the choices (cadence, length) but lose the text this person wrote."""
    cleared = 0
    rows = session.execute(
        select(Agreement, Pairing)
        .join(Pairing, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id))
        .where(
            Agreement.team_id == person.team_id,
            or_(Pairing.mentee_id == person.id, Pairing.copilot_id == person.id),
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
        delete(CopilotProfile).where(CopilotProfile.team_id == team, CopilotProfile.person_id == person.id),
    ]
    return sum(session.execute(statement).rowcount or 0 for statement in statements)


def _clear_outbox(
    session: Session, person: Person, texts: list[str], names: list[str], delivered: list[tuple[str, str]]
) -> int:
    """Every stored message to them, naming them or quoting their text is emptied (pending ones cancelled);
    where a sent one quoted them is added to ``delivered``."""
    needles = _needles(texts)
    return outbox.forget_recipient(
        session,
        team_id=person.team_id,
        user_id=person.slack_user_id,
        renamed_to=FORGOTTEN_PREFIX + str(person.id),
        quotes=lambda payload: _quotes(payload, needles),
        redacted=REDACTED,
        names=names,
        delivered=delivered,
    )


def _anonymise(person: Person) -> None:
    person.slack_user_id = FORGOTTEN_PREFIX + str(person.id)
    person.name = ""
    person.real_name = ""
    person.email = None
    person.title = None
    # Their own place in the org chart goes; their reports keep pointing at this row (bot.people.tombstones).
    person.manager_id = None
    person.org_team = None
    person.level = None
    person.is_workspace_admin = False
    person.tz = "UTC"
    person.tz_offset = 0
    person.slack_locale = None
    person.language = None
    person.is_deleted = True  # never matched, nudged or summarised as someone active again
    person.digest_enabled = False


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
            select(Offer.decline_reason).where(Offer.team_id == team, Offer.copilot_id == me)
        )
        if r
    )
    profile = session.scalar(
        select(CopilotProfile).where(CopilotProfile.team_id == team, CopilotProfile.person_id == me)
    )
    if profile is not None:
        yield profile.intro  # not its topics: those are the workspace's words, quoted in others' offers


def _person(session: Session, team_id: str, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    return session.scalar(select(Person).where(Person.team_id == team_id, Person.id == person_id))

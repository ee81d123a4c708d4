"""Making an introduction: the modal's draft, its checks, the group DM that makes it, and who made which.

An introduction is visible to the three people in it; summaries get counts only (introduction_counts).
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.i18n import _
from bot.messages.introductions import (
    REASON_LIMIT,
    IntroDraft,
    IntroLine,
    IntroMessage,
    IntroOverview,
    Volume,
    intro_message,
)
from bot.network.volume import intro_refusals, volume_of, volume_with_one_more
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import open_pairings_of, partner_id
from bot.people import languages
from bot.people.directory import UnknownSlackUser, ensure_person, find_person
from bot.rules.cadence import local_date
from bot.rules.network_states import IntroStatus
from bot.runtime import Runtime
from storage.models import Introduction, Person


class IntroRefused(Exception):
    """The introduction breaks a limit (see bot.network.volume.intro_refusals); errors by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


@dataclass(frozen=True)
class IntroMade:
    introduction_id: int
    volume: Volume
    members: tuple[str, ...]


def intro_draft(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, contact_user_id: str | None
) -> IntroDraft:
    """Your pairing partner as the person to introduce. The reason starts empty: the mentee's goals are
    private to the pair, and what goes in this field is read by a third person."""
    with runtime.db.transaction() as session:
        me = ensure_person(runtime, session, client, team_id, user_id)
        introduced: str | None = None
        pairings = open_pairings_of(session, team_id, me.id)
        if pairings:
            partner = session.get(Person, partner_id(pairings[0], me.id))
            introduced = partner.slack_user_id if partner else None
        if contact_user_id == introduced:
            introduced = None
        volume = volume_with_one_more(session, team_id, me.id)
        return IntroDraft(introduced, contact_user_id, volume)


def check_introduction(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    introduced_user_id: str | None,
    contact_user_id: str | None,
    reason: str,
) -> dict[str, str]:
    """Field errors keyed by the modal's block ids ("introduced", "contact", "reason")."""
    errors: dict[str, str] = {}
    if not introduced_user_id:
        errors["introduced"] = _("Pick the person you are introducing.")
    if not contact_user_id:
        errors["contact"] = _("Pick whom they should meet.")
    if introduced_user_id and introduced_user_id == contact_user_id:
        errors["contact"] = _("Pick two different people: someone can't be introduced to themselves.")
    if introduced_user_id == user_id:
        errors["introduced"] = _("You can't introduce yourself here: just say hi to them directly.")
    if contact_user_id == user_id:
        errors["contact"] = _("You can't introduce someone to yourself: just say hi to them directly.")
    if len(reason) > REASON_LIMIT:
        errors["reason"] = _(
            "Keep the why to {limit} characters (it has {length}).", limit=REASON_LIMIT, length=len(reason)
        )
    if not reason.strip():
        errors["reason"] = _("Say in a line why these two should talk.")
    with runtime.db.transaction() as session:
        people: dict[str, Person] = {}
        for field, chosen in (("introduced", introduced_user_id), ("contact", contact_user_id)):
            if not chosen or field in errors:
                continue
            try:
                person = ensure_person(runtime, session, client, team_id, chosen)
            except UnknownSlackUser:
                errors[field] = _("Slack doesn't know that person.")
                continue
            if person.is_bot:
                errors[field] = _("That's a bot: introductions are for people.")
            elif person.is_deleted:
                errors[field] = _("That account is deactivated.")
            people[field] = person
        if not errors and len(people) == 2:
            me = ensure_person(runtime, session, client, team_id, user_id)
            errors = intro_refusals(
                session, team_id, me, people["introduced"], people["contact"], runtime.clock.now()
            )
    return errors


def make_introduction(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    introduced_user_id: str,
    contact_user_id: str,
    reason: str,
    *,
    include_me: bool,
) -> IntroMade:
    """Store the introduction and queue the group DM that makes it, in one transaction. The limits are
    checked again here, with the introducer's row locked, so two forms at once cannot both pass them."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        # First, before any read: lock the introducer's row (PostgreSQL) or take the write lock (SQLite),
        # so a second form of theirs waits here and then counts this one.
        session.execute(
            update(Person)
            .where(Person.team_id == team_id, Person.slack_user_id == user_id)
            .values(slack_user_id=Person.slack_user_id)
            .execution_options(synchronize_session=False)
        )
        me = ensure_person(runtime, session, client, team_id, user_id)
        introduced = ensure_person(runtime, session, client, team_id, introduced_user_id)
        contact = ensure_person(runtime, session, client, team_id, contact_user_id)
        session.flush()
        refused = intro_refusals(session, team_id, me, introduced, contact, now)
        if refused:
            raise IntroRefused(refused)
        shared = [
            p
            for p in open_pairings_of(session, team_id, me.id)
            if introduced.id in (p.mentee_id, p.copilot_id)
        ]
        intro = Introduction(
            team_id=team_id,
            introducer_id=me.id,
            introduced_id=introduced.id,
            contact_id=contact.id,
            pairing_id=shared[0].id if shared else None,
            reason=reason.strip(),
            include_introducer=include_me,
            status=IntroStatus.MADE,
            follow_ups_sent=0,
            created_at=now,
        )
        session.add(intro)
        session.flush()
        members = [introduced_user_id, contact_user_id] + ([user_id] if include_me else [])
        languages.send_group(
            session,
            members=members,
            kind=Kind.INTRO,
            subject=intro,
            key=outbox_keys.intro(intro.id, "made"),
            build=lambda: intro_message(
                IntroMessage(user_id, introduced_user_id, contact_user_id, intro.reason, include_me)
            ),
            due_at=now,
            now=now,
        )
        volume = volume_of(session, team_id, me.id)
        return IntroMade(intro.id, volume, tuple(sorted(members)))


def introductions_of(runtime: Runtime, team_id: str, user_id: str, limit: int = 10) -> IntroOverview:
    """The introductions someone made and the ones made for them (as either person introduced)."""
    with runtime.db.transaction() as session:
        me = find_person(session, team_id, user_id)
        if me is None:
            return IntroOverview([], [], 0, 0)
        people: dict[int, str] = {}

        def user(person_id: int) -> str:
            if person_id not in people:
                people[person_id] = (
                    session.scalar(
                        select(Person.slack_user_id).where(Person.team_id == team_id, Person.id == person_id)
                    )
                    or ""
                )
            return people[person_id]

        def lines(condition) -> tuple[list[IntroLine], int]:  # type: ignore[no-untyped-def]
            base = select(Introduction).where(Introduction.team_id == team_id, condition)
            total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
            rows = session.scalars(
                base.order_by(Introduction.created_at.desc(), Introduction.id.desc()).limit(limit)
            )
            return [
                IntroLine(
                    r.id,
                    user(r.introducer_id),
                    user(r.introduced_id),
                    user(r.contact_id),
                    r.status,
                    local_date(r.created_at, me.tz),
                )
                for r in rows
            ], int(total)

        made, made_total = lines(Introduction.introducer_id == me.id)
        for_me, for_total = lines(or_(Introduction.introduced_id == me.id, Introduction.contact_id == me.id))
        return IntroOverview(made, for_me, made_total, for_total)


def introduction_counts(
    session: Session, team_id: str, person_ids: list[int] | None = None
) -> tuple[int, int]:
    """(introductions made, introductions where the people met), optionally by these introducers.

    Selects no text column: safe for program-level summaries.
    """
    query = select(
        func.count(Introduction.id),
        func.count(Introduction.id).filter(Introduction.status == IntroStatus.MET),
    ).where(Introduction.team_id == team_id)
    if person_ids is not None:
        if not person_ids:
            return 0, 0
        query = query.where(Introduction.introducer_id.in_(person_ids))
    made, completed = session.execute(query).one()
    return int(made or 0), int(completed or 0)

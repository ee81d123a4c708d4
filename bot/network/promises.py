"""Promises someone made: read from one typed line, kept privately, reminded on the day, done or snoozed.

Private to their owner: every read and write checks the owner (ownership.owned_row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.i18n import _, reading_in
from bot.messages.contacts import NAME_LIMIT
from bot.messages.introductions import Volume
from bot.messages.promises import PROMISE_LIMIT, PromiseDraft, PromiseDue, PromiseLine, promise_due_message
from bot.network.ownership import owned_row
from bot.network.reminder_times import due_moment
from bot.network.volume import volume_of, volume_with_one_more
from bot.outbox import Kind, Subject
from bot.outbox import keys as outbox_keys
from bot.people import program_settings as program
from bot.people.directory import ensure_person, find_person, resolve_user
from bot.people.languages import languages_across
from bot.rules.cadence import local_date
from bot.rules.network_states import PromiseStatus
from bot.rules.promise_dates import parse_promise
from bot.runtime import Runtime
from storage import bulk
from storage.models import Person, Promise


def promise_draft(runtime: Runtime, client: WebClient, team_id: str, user_id: str, args: str) -> PromiseDraft:
    """Read `/mentor promise @ana send the deck by friday` in the owner's time zone."""
    with runtime.db.transaction() as session:
        me = ensure_person(runtime, session, client, team_id, user_id)
        today = local_date(runtime.clock.now(), me.tz)
        volume = volume_with_one_more(session, team_id, me.id)
    first, _space, rest = args.strip().partition(" ")
    to_user = resolve_user(runtime, team_id, first) if first else None
    to_name = ""
    if to_user is None and first.startswith("@"):
        to_name = first.lstrip("@")[:NAME_LIMIT]
    body = rest if (to_user or to_name) else args
    parsed = parse_promise(body, today)
    problem = None
    if parsed.due_on is None and parsed.what:
        problem = _("I couldn't find a date in “{text}”. Pick one here.", text=parsed.what[:80])
    elif parsed.due_on is not None and parsed.due_on < today:
        problem = _("That date has passed. Pick today or a later day.")
    return PromiseDraft(to_user, to_name, parsed.what, parsed.due_on, problem, today, volume)


def check_promise(
    runtime: Runtime, team_id: str, user_id: str, text: str, to_name: str, due_on: date | None
) -> dict[str, str]:
    """Field errors keyed by the promise modal's block ids, against today in the owner's zone."""
    with runtime.db.transaction() as session:
        owner = find_person(session, team_id, user_id)
        today = local_date(runtime.clock.now(), owner.tz if owner else "UTC")
    errors: dict[str, str] = {}
    if not text.strip():
        errors["what"] = _("Say what you promised.")
    elif len(text) > PROMISE_LIMIT:
        errors["what"] = _(
            "Keep it to {limit} characters (it has {length}).", limit=PROMISE_LIMIT, length=len(text)
        )
    if len(to_name) > NAME_LIMIT:
        errors["to_name"] = _(
            "Keep the name to {limit} characters (it has {length}).", limit=NAME_LIMIT, length=len(to_name)
        )
    if due_on is None:
        errors["due"] = _("Pick the day it's due.")
    elif due_on < today:
        errors["due"] = _("That date has passed. Pick today or a later day.")
    return errors


@dataclass(frozen=True)
class PromiseSaved:
    promise_id: int
    due_on: date
    volume: Volume


def add_promise(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    *,
    text: str,
    due_on: date,
    to_user_id: str | None,
    to_name: str,
) -> PromiseSaved:
    with runtime.db.transaction() as session:
        me = ensure_person(runtime, session, client, team_id, user_id)
        promise = Promise(
            team_id=team_id,
            owner_id=me.id,
            to_slack_user_id=to_user_id,
            to_name=to_name.strip(),
            text=text.strip(),
            due_on=due_on,
            status=PromiseStatus.OPEN,
            nudges_sent=0,
            created_at=runtime.clock.now(),
        )
        session.add(promise)
        session.flush()
        return PromiseSaved(promise.id, due_on, volume_of(session, team_id, me.id))


def _effective_due() -> ColumnElement[date]:
    """The day a promise's reminder is for: the day it was snoozed to, or else the day it is due."""
    return func.coalesce(Promise.snoozed_until, Promise.due_on)


def plan_promise_nudges(runtime: Runtime, session: Session, now: datetime) -> int:
    """Nudge the owner on the day a promise is due (or snoozed to), at the nudge hour on a working day.
    Set-based: the due promises with their owners in one query, then one update and one multi-row insert."""
    effective = _effective_due()
    rows = session.execute(
        select(
            Promise.id,
            Promise.team_id,
            Promise.due_on,
            Promise.snoozed_until,
            Promise.nudges_sent,
            Promise.to_slack_user_id,
            Promise.to_name,
            Promise.text,
            Person.slack_user_id,
            Person.tz,
        )
        .join(Person, Person.id == Promise.owner_id)
        .where(
            Promise.status == PromiseStatus.OPEN,
            effective <= (now + timedelta(days=1)).date(),
            or_(Promise.nudged_on.is_(None), Promise.nudged_on < effective),
            Person.is_deleted.is_(False),
        )
        .order_by(Promise.id)
    ).all()
    settings_of = {team: program.load(session, team) for team in {row[1] for row in rows}}
    nudged: list[int] = []
    nudges = []
    spoken = languages_across(session, [(row[1], row[8]) for row in rows])
    for promise_id, team_id, due_on, snoozed_until, sent, to_user, to_name, text, owner_id, tz in rows:
        moment = due_moment(snoozed_until or due_on, now, tz, settings_of[team_id])
        if moment is None:
            continue
        nudged.append(promise_id)
        with reading_in(spoken[(team_id, owner_id)]):
            message = promise_due_message(
                PromiseDue(promise_id, owner_id, to_user, to_name, text, due_on, local_date(moment, tz))
            )
        nudges.append(
            outbox.dm(
                to=owner_id,
                kind=Kind.PROMISE_DUE,
                subject=Subject.PROMISE.ref(team_id=team_id, id=promise_id),
                key=outbox_keys.promise_due(promise_id, sent + 1),
                message=message,
                due_at=moment,
                now=now,
            )
        )
    table = Promise.__table__
    bulk.update_where_ids(
        session,
        Promise,
        nudged,
        nudges_sent=table.c.nudges_sent + 1,
        nudged_on=func.coalesce(table.c.snoozed_until, table.c.due_on),
    )
    return outbox.enqueue_many(session, nudges)


@dataclass(frozen=True)
class PromiseChange:
    promise_id: int
    status: str
    due_on: date
    snoozed_until: date | None
    changed: bool


def complete_promise(runtime: Runtime, team_id: str, promise_id: int, user_id: str) -> PromiseChange:
    with runtime.db.transaction() as session:
        promise, _owner = owned_row(session, Promise, team_id, promise_id, user_id)
        changed = promise.status != PromiseStatus.DONE
        if changed:
            promise.status = PromiseStatus.DONE
            promise.done_at = runtime.clock.now()
        return PromiseChange(promise.id, promise.status, promise.due_on, promise.snoozed_until, changed)


def snooze_promise(
    runtime: Runtime, team_id: str, promise_id: int, user_id: str, until: date | None
) -> PromiseChange:
    """Move the reminder to `until` (None: tomorrow in the owner's zone). Done promises stay done."""
    with runtime.db.transaction() as session:
        promise, owner = owned_row(session, Promise, team_id, promise_id, user_id)
        today = local_date(runtime.clock.now(), owner.tz)
        target = until or today + timedelta(days=1)
        if target <= today:
            raise ValueError("pick a day after today")
        changed = promise.status == PromiseStatus.OPEN and promise.snoozed_until != target
        if changed:
            promise.snoozed_until = target
        return PromiseChange(promise.id, promise.status, promise.due_on, promise.snoozed_until, changed)


def open_promises(session: Session, team_id: str, owner_id: int, limit: int) -> tuple[list[PromiseLine], int]:
    """Someone's open promises, soonest reminder first (at most `limit`), and how many are open."""
    query = select(Promise).where(
        Promise.team_id == team_id, Promise.owner_id == owner_id, Promise.status == PromiseStatus.OPEN
    )
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    lines = [
        PromiseLine(p.id, p.to_slack_user_id, p.to_name, p.text, p.snoozed_until or p.due_on)
        for p in session.scalars(query.order_by(_effective_due(), Promise.id).limit(limit))
    ]
    return lines, total

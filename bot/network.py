"""Growing each other's network: introductions, contact records, promises and their follow-ups.

Privacy: contacts and promises are private to their owner (every query filters by owner); an
introduction is visible to the three people in it; summaries get counts only.

Messages are rendered by the caller (a `render` function from handlers/views), so this module holds
the rules and the rows and no Block Kit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import program
from bot.cadence import NudgeWindow, local_date, local_send_time
from bot.outbox import Message, enqueue, group_channel
from bot.pairings import open_pairings_of, partner_id
from bot.people import UnknownSlackUser, display_name, ensure_person, find_by_handle, find_person
from bot.runtime import Runtime
from storage.models import Contact, Introduction, MentoringRequest, Person, Promise

REASON_LIMIT = 1000
REPORT_LIMIT = 300
NAME_LIMIT = 200
TEXT_LIMIT = 2000
PROMISE_LIMIT = 500
KEEP_IN_TOUCH_MAX_DAYS = 3650
SECOND_ASK_DAYS = 7
CONTACTS_PER_PAGE = 200

MADE = "made"
MET = "met"
NOT_YET = "not_yet"
NOT_HAPPENING = "not_happening"
ANSWERS = (MET, NOT_YET, NOT_HAPPENING)
OPEN = "open"
DONE = "done"

# <@U123>, <@U123|ana> (escaped command text) or a bare user id
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")


class NotYours(PermissionError):
    """The row exists for someone else, or not at all: either way this person may not touch it."""


# --- who is who ---------------------------------------------------------------------------------------


def resolve_user(runtime: Runtime, team_id: str, word: str) -> str | None:
    """A Slack user id from `<@U1>`, `U1` or `@handle` (a handle we know of), else None."""
    word = word.strip()
    match = _MENTION.match(word)
    if match:
        return match.group(1) or match.group(2)
    if not word.startswith("@"):
        return None
    with runtime.db.transaction() as session:
        person = find_by_handle(session, team_id, word)
        return person.slack_user_id if person else None


def _person(runtime: Runtime, session: Session, client: WebClient, team_id: str, user_id: str) -> Person:
    return ensure_person(runtime, session, client, team_id, user_id)


def today_for(person: Person, now: datetime) -> date:
    return local_date(now, person.tz or "UTC")


# --- the volume guard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Volume:
    open_items: int
    limit: int

    @property
    def over(self) -> bool:
        return self.open_items > self.limit


def volume_of(session: Session, team_id: str, person_id: int) -> Volume:
    intros = session.scalar(
        select(func.count(Introduction.id)).where(
            Introduction.team_id == team_id,
            Introduction.introducer_id == person_id,
            Introduction.status == MADE,
        )
    )
    promises = session.scalar(
        select(func.count(Promise.id)).where(
            Promise.team_id == team_id, Promise.owner_id == person_id, Promise.status == OPEN
        )
    )
    return Volume(int(intros or 0) + int(promises or 0), program.load(session, team_id).volume_guard)


def volume_for_user(runtime: Runtime, team_id: str, user_id: str, extra: int = 0) -> Volume:
    """The volume someone keeps track of, counting `extra` items about to be added."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return Volume(extra, program.load(session, team_id).volume_guard)
        volume = volume_of(session, team_id, person.id)
        return Volume(volume.open_items + extra, volume.limit)


# --- introductions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntroDraft:
    """What the introduction modal opens with."""

    introduced_user_id: str | None
    contact_user_id: str | None
    reason: str
    goals_prefilled: bool
    volume: Volume


def intro_draft(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, contact_user_id: str | None
) -> IntroDraft:
    """Your pairing partner as the person to introduce; their goals only if you are their mentor."""
    with runtime.db.transaction() as session:
        me = _person(runtime, session, client, team_id, user_id)
        introduced: str | None = None
        reason = ""
        prefilled = False
        pairings = open_pairings_of(session, team_id, me.id)
        if pairings:
            pairing = pairings[0]
            partner = session.get(Person, partner_id(pairing, me.id))
            introduced = partner.slack_user_id if partner else None
            if pairing.mentor_id == me.id and pairing.request_id is not None:
                goals = session.scalar(
                    select(MentoringRequest.goals).where(
                        MentoringRequest.team_id == team_id, MentoringRequest.id == pairing.request_id
                    )
                )
                if goals:
                    reason, prefilled = goals[:REASON_LIMIT], True
        if contact_user_id == introduced:
            introduced = None
        volume = volume_of(session, team_id, me.id)
        return IntroDraft(
            introduced, contact_user_id, reason, prefilled, Volume(volume.open_items + 1, volume.limit)
        )


@dataclass(frozen=True)
class IntroMessage:
    """What the group DM says: everything needed to render it."""

    introducer_user_id: str
    introduced_user_id: str
    contact_user_id: str
    reason: str
    introducer_included: bool


@dataclass(frozen=True)
class IntroMade:
    introduction_id: int
    volume: Volume
    members: tuple[str, ...]


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
        errors["introduced"] = "Pick the person you are introducing."
    if not contact_user_id:
        errors["contact"] = "Pick whom they should meet."
    if introduced_user_id and introduced_user_id == contact_user_id:
        errors["contact"] = "Pick two different people: someone can't be introduced to themselves."
    if introduced_user_id == user_id:
        errors["introduced"] = "You can't introduce yourself here: just say hi to them directly."
    if contact_user_id == user_id:
        errors["contact"] = "You can't introduce someone to yourself: just say hi to them directly."
    if len(reason) > REASON_LIMIT:
        errors["reason"] = f"Keep the why to {REASON_LIMIT} characters (it has {len(reason)})."
    if not reason.strip():
        errors["reason"] = "Say in a line why these two should talk."
    with runtime.db.transaction() as session:
        for field, chosen in (("introduced", introduced_user_id), ("contact", contact_user_id)):
            if not chosen or field in errors:
                continue
            try:
                person = _person(runtime, session, client, team_id, chosen)
            except UnknownSlackUser:
                errors[field] = "Slack doesn't know that person."
                continue
            if person.is_bot:
                errors[field] = "That's a bot: introductions are for people."
            elif person.is_deleted:
                errors[field] = "That account is deactivated."
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
    render: Callable[[IntroMessage], Message],
) -> IntroMade:
    """Store the introduction and queue the group DM that makes it, in one transaction."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        me = _person(runtime, session, client, team_id, user_id)
        introduced = _person(runtime, session, client, team_id, introduced_user_id)
        contact = _person(runtime, session, client, team_id, contact_user_id)
        shared = [
            p
            for p in open_pairings_of(session, team_id, me.id)
            if introduced.id in (p.mentee_id, p.mentor_id)
        ]
        intro = Introduction(
            team_id=team_id,
            introducer_id=me.id,
            introduced_id=introduced.id,
            contact_id=contact.id,
            pairing_id=shared[0].id if shared else None,
            reason=reason.strip(),
            include_introducer=include_me,
            status=MADE,
            follow_ups_sent=0,
            created_at=now,
        )
        session.add(intro)
        session.flush()
        members = [introduced_user_id, contact_user_id] + ([user_id] if include_me else [])
        channel = group_channel(members)
        enqueue(
            session,
            team_id=team_id,
            key=f"intro:{intro.id}:made",
            kind="intro",
            channel=channel,
            message=render(
                IntroMessage(user_id, introduced_user_id, contact_user_id, intro.reason, include_me)
            ),
            due_at=now,
            now=now,
        )
        volume = volume_of(session, team_id, me.id)
        return IntroMade(intro.id, volume, tuple(sorted(members)))


@dataclass(frozen=True)
class FollowUp:
    introduction_id: int
    introduced_user_id: str
    contact_user_id: str
    introducer_user_id: str
    made_on: date
    round: int


def _latest_send_time(now: datetime, tz: str, window: NudgeWindow) -> datetime | None:
    """The most recent working-day send time at or before `now`, in the person's zone."""
    today = local_date(now, tz)
    for back in range(8):
        day = today - timedelta(days=back)
        if day.weekday() in window.working_days:
            moment = local_send_time(day, tz, window)
            if moment <= now:
                return moment
    return None


def due_moment(due_on: date, now: datetime, tz: str, settings: program.ProgramSettings) -> datetime | None:
    """When a reminder for local date `due_on` should go out, if that is now (within the grace period).

    Reminders go at the nudge hour on a working day, on or after the due date. A planner that was down
    longer than the grace period waits for the next working day rather than nudging at night.
    """
    window = settings.nudge_window()
    moment = _latest_send_time(now, tz, window)
    if moment is None or local_date(moment, tz) < due_on:
        return None
    if now - moment > timedelta(hours=settings.grace_hours):
        return None
    return moment


class _Settings:
    """Program settings per workspace, loaded once per planner pass."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[str, program.ProgramSettings] = {}

    def __call__(self, team_id: str) -> program.ProgramSettings:
        if team_id not in self._cache:
            self._cache[team_id] = program.load(self.session, team_id)
        return self._cache[team_id]


def plan_intro_follow_ups(
    runtime: Runtime, session: Session, now: datetime, *, render: Callable[[FollowUp], Message]
) -> int:
    """Ask the introduced person whether they met: after intro_follow_up_days, and once more a week
    after a "Not yet"."""
    settings_of = _Settings(session)
    added = 0
    candidates = session.execute(
        select(Introduction, Person)
        .join(Person, Person.id == Introduction.introduced_id)
        .where(
            or_(
                (Introduction.status == MADE)
                & (Introduction.follow_ups_sent == 0)
                & (Introduction.created_at <= now - timedelta(days=1)),
                (Introduction.status == NOT_YET)
                & (Introduction.follow_ups_sent == 1)
                & (Introduction.resolved_at <= now - timedelta(days=SECOND_ASK_DAYS - 1)),
            ),
            Person.is_deleted.is_(False),
        )
        .order_by(Introduction.id)
    ).all()
    for intro, introduced in candidates:
        settings = settings_of(intro.team_id)
        if intro.status == MADE:
            start = intro.created_at + timedelta(days=settings.intro_follow_up_days)
        else:
            assert intro.resolved_at is not None
            start = intro.resolved_at + timedelta(days=SECOND_ASK_DAYS)
        # due_moment compares local dates, so a follow-up for an introduction made at 11:45 still goes out
        # at the nudge hour (10:00) a week later, not at the first tick after 11:45.
        moment = due_moment(local_date(start, introduced.tz), now, introduced.tz, settings)
        if moment is None:
            continue
        contact = session.get(Person, intro.contact_id)
        introducer = session.get(Person, intro.introducer_id)
        if contact is None or introducer is None:
            continue
        intro.follow_ups_sent += 1
        follow_up = FollowUp(
            intro.id,
            introduced.slack_user_id,
            contact.slack_user_id,
            introducer.slack_user_id,
            local_date(intro.created_at, introduced.tz),
            intro.follow_ups_sent,
        )
        added += enqueue(
            session,
            team_id=intro.team_id,
            key=f"intro:{intro.id}:followup:{intro.follow_ups_sent}",
            kind="nudge_intro_followup",
            channel=introduced.slack_user_id,
            message=render(follow_up),
            due_at=moment,
            now=now,
        )
    return added


@dataclass(frozen=True)
class IntroAnswer:
    """The outcome of a click on a follow-up: what the introduction says now."""

    introduction_id: int
    status: str
    changed: bool
    contact_user_id: str
    introducer_user_id: str
    reported: bool


def _intro_for_answer(
    session: Session, team_id: str, intro_id: int, user_id: str, *, for_update: bool = True
) -> tuple[Introduction, Person, Person]:
    query = select(Introduction).where(Introduction.team_id == team_id, Introduction.id == intro_id)
    if for_update and session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    intro = session.scalar(query)
    introduced = session.get(Person, intro.introduced_id) if intro else None
    if intro is None or introduced is None or introduced.slack_user_id != user_id:
        raise NotYours("only the person who was introduced can answer")
    contact = session.get(Person, intro.contact_id)
    introducer = session.get(Person, intro.introducer_id)
    assert contact is not None and introducer is not None
    return intro, contact, introducer


def answer_follow_up(runtime: Runtime, team_id: str, intro_id: int, user_id: str, answer: str) -> IntroAnswer:
    """Record met / not yet / not happening. A repeated or late click changes nothing."""
    if answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    with runtime.db.transaction() as session:
        intro, contact, introducer = _intro_for_answer(session, team_id, intro_id, user_id)
        open_for_answer = intro.status == MADE or (intro.status == NOT_YET and answer != NOT_YET)
        changed = open_for_answer and intro.status != answer
        if changed:
            intro.status = answer
            # for "not yet" this is when they answered: the second ask counts from here
            intro.resolved_at = runtime.clock.now()
        return IntroAnswer(
            intro.id,
            intro.status,
            changed,
            contact.slack_user_id,
            introducer.slack_user_id,
            intro.report_back is not None,
        )


@dataclass(frozen=True)
class ReportBack:
    introduced_user_id: str
    contact_user_id: str
    introducer_user_id: str
    text: str


def report_back(
    runtime: Runtime,
    team_id: str,
    intro_id: int,
    user_id: str,
    text: str,
    *,
    render: Callable[[ReportBack], Message],
) -> bool:
    """Store the one-line report and queue it to the introducer. False if it was already reported."""
    with runtime.db.transaction() as session:
        intro, contact, introducer = _intro_for_answer(session, team_id, intro_id, user_id)
        if intro.report_back is not None or intro.status != MET:
            return False
        now = runtime.clock.now()
        intro.report_back = text.strip()
        return enqueue(
            session,
            team_id=team_id,
            key=f"intro:{intro.id}:report",
            kind="intro_report",
            channel=introducer.slack_user_id,
            message=render(
                ReportBack(user_id, contact.slack_user_id, introducer.slack_user_id, intro.report_back)
            ),
            due_at=now,
            now=now,
        )


def check_report(text: str) -> dict[str, str]:
    if not text.strip():
        return {"report": "Say in a line how it went."}
    if len(text) > REPORT_LIMIT:
        return {"report": f"Keep it to one line of {REPORT_LIMIT} characters (it has {len(text)})."}
    return {}


@dataclass(frozen=True)
class IntroLine:
    introduction_id: int
    introducer_user_id: str
    introduced_user_id: str
    contact_user_id: str
    status: str
    made_on: date


@dataclass(frozen=True)
class IntroOverview:
    made_by_me: list[IntroLine]
    made_for_me: list[IntroLine]
    made_total: int
    for_me_total: int


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
        func.count(Introduction.id), func.count(Introduction.id).filter(Introduction.status == MET)
    ).where(Introduction.team_id == team_id)
    if person_ids is not None:
        if not person_ids:
            return 0, 0
        query = query.where(Introduction.introducer_id.in_(person_ids))
    made, completed = session.execute(query).one()
    return int(made or 0), int(completed or 0)


# --- promises -----------------------------------------------------------------------------------------

_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_DATE_TAIL = re.compile(
    r"(?:\s+(?:by|on|until|before|due))?\s+"
    r"(today|tomorrow|in\s+(\d{1,3})\s+days?|(?:next\s+)?([a-z]+)|(\d{4}-\d{2}-\d{2}))\s*[.!]?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedPromise:
    what: str
    due_on: date | None


def parse_due(phrase: str, today: date) -> date | None:
    """A due date from today / tomorrow / a weekday name (the next such day) / in N days / YYYY-MM-DD."""
    parsed = parse_promise("x " + phrase.strip(), today)
    return parsed.due_on if parsed.what == "x" else None


def parse_promise(text: str, today: date) -> ParsedPromise:
    """Split "send the deck by friday" into what was promised and when (None if no date was found)."""
    text = " ".join(text.split())
    match = _DATE_TAIL.search(" " + text)
    if match is None:
        return ParsedPromise(text, None)
    word = match.group(1).lower()
    due: date | None = None
    if word == "today":
        due = today
    elif word == "tomorrow":
        due = today + timedelta(days=1)
    elif match.group(2) is not None:
        due = today + timedelta(days=int(match.group(2)))
    elif match.group(4) is not None:
        try:
            due = date.fromisoformat(match.group(4))
        except ValueError:
            due = None
    elif match.group(3) is not None and match.group(3).lower() in _WEEKDAYS:
        ahead = (_WEEKDAYS[match.group(3).lower()] - today.weekday()) % 7
        due = today + timedelta(days=ahead or 7)
    if due is None:
        return ParsedPromise(text, None)
    what = (" " + text)[: match.start()].strip()
    return ParsedPromise(what, due)


@dataclass(frozen=True)
class PromiseDraft:
    to_user_id: str | None
    to_name: str
    text: str
    due_on: date | None
    date_problem: str | None
    today: date
    volume: Volume


def promise_draft(runtime: Runtime, client: WebClient, team_id: str, user_id: str, args: str) -> PromiseDraft:
    """Read `/mentor promise @ana send the deck by friday` in the owner's time zone."""
    with runtime.db.transaction() as session:
        me = _person(runtime, session, client, team_id, user_id)
        today = today_for(me, runtime.clock.now())
        volume = volume_of(session, team_id, me.id)
    first, _, rest = args.strip().partition(" ")
    to_user = resolve_user(runtime, team_id, first) if first else None
    to_name = ""
    if to_user is None and first.startswith("@"):
        to_name = first.lstrip("@")[:NAME_LIMIT]
    body = rest if (to_user or to_name) else args
    parsed = parse_promise(body, today)
    problem = None
    if parsed.due_on is None and parsed.what:
        problem = f"I couldn't find a date in “{parsed.what[:80]}”. Pick one here."
    elif parsed.due_on is not None and parsed.due_on < today:
        problem = "That date has passed. Pick today or a later day."
    return PromiseDraft(
        to_user,
        to_name,
        parsed.what,
        parsed.due_on,
        problem,
        today,
        Volume(volume.open_items + 1, volume.limit),
    )


def check_promise(text: str, to_name: str, due_on: date | None, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["what"] = "Say what you promised."
    elif len(text) > PROMISE_LIMIT:
        errors["what"] = f"Keep it to {PROMISE_LIMIT} characters (it has {len(text)})."
    if len(to_name) > NAME_LIMIT:
        errors["to_name"] = f"Keep the name to {NAME_LIMIT} characters (it has {len(to_name)})."
    if due_on is None:
        errors["due"] = "Pick the day it's due."
    elif due_on < today:
        errors["due"] = "That date has passed. Pick today or a later day."
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
        me = _person(runtime, session, client, team_id, user_id)
        promise = Promise(
            team_id=team_id,
            owner_id=me.id,
            to_slack_user_id=to_user_id,
            to_name=to_name.strip(),
            text=text.strip(),
            due_on=due_on,
            status=OPEN,
            nudges_sent=0,
            created_at=runtime.clock.now(),
        )
        session.add(promise)
        session.flush()
        return PromiseSaved(promise.id, due_on, volume_of(session, team_id, me.id))


@dataclass(frozen=True)
class PromiseDue:
    promise_id: int
    owner_user_id: str
    to_user_id: str | None
    to_name: str
    text: str
    due_on: date
    today: date


def _effective_due():  # type: ignore[no-untyped-def]
    return func.coalesce(Promise.snoozed_until, Promise.due_on)


def plan_promise_nudges(
    runtime: Runtime, session: Session, now: datetime, *, render: Callable[[PromiseDue], Message]
) -> int:
    """Nudge the owner on the day a promise is due (or snoozed to), at the nudge hour on a working day."""
    settings_of = _Settings(session)
    effective = _effective_due()
    rows = session.execute(
        select(Promise, Person)
        .join(Person, Person.id == Promise.owner_id)
        .where(
            Promise.status == OPEN,
            effective <= (now + timedelta(days=1)).date(),
            or_(Promise.nudged_on.is_(None), Promise.nudged_on < effective),
            Person.is_deleted.is_(False),
        )
        .order_by(Promise.id)
    ).all()
    added = 0
    for promise, owner in rows:
        due_on = promise.snoozed_until or promise.due_on
        moment = due_moment(due_on, now, owner.tz, settings_of(promise.team_id))
        if moment is None:
            continue
        promise.nudges_sent += 1
        promise.nudged_on = due_on
        message = render(
            PromiseDue(
                promise.id,
                owner.slack_user_id,
                promise.to_slack_user_id,
                promise.to_name,
                promise.text,
                promise.due_on,
                local_date(moment, owner.tz),
            )
        )
        added += enqueue(
            session,
            team_id=promise.team_id,
            key=f"promise:{promise.id}:due:{promise.nudges_sent}",
            kind="nudge_promise",
            channel=owner.slack_user_id,
            message=message,
            due_at=moment,
            now=now,
        )
    return added


def _own_promise(session: Session, team_id: str, promise_id: int, user_id: str) -> tuple[Promise, Person]:
    row = session.execute(
        select(Promise, Person)
        .join(Person, Person.id == Promise.owner_id)
        .where(Promise.team_id == team_id, Promise.id == promise_id, Person.slack_user_id == user_id)
    ).first()
    if row is None:
        raise NotYours("this promise belongs to someone else")
    return row[0], row[1]


@dataclass(frozen=True)
class PromiseState:
    promise_id: int
    status: str
    due_on: date
    snoozed_until: date | None
    changed: bool


def complete_promise(runtime: Runtime, team_id: str, promise_id: int, user_id: str) -> PromiseState:
    with runtime.db.transaction() as session:
        promise, _ = _own_promise(session, team_id, promise_id, user_id)
        changed = promise.status != DONE
        if changed:
            promise.status = DONE
            promise.done_at = runtime.clock.now()
        return PromiseState(promise.id, promise.status, promise.due_on, promise.snoozed_until, changed)


def snooze_promise(
    runtime: Runtime, team_id: str, promise_id: int, user_id: str, until: date | None
) -> PromiseState:
    """Move the reminder to `until` (None: tomorrow in the owner's zone). Done promises stay done."""
    with runtime.db.transaction() as session:
        promise, owner = _own_promise(session, team_id, promise_id, user_id)
        today = today_for(owner, runtime.clock.now())
        target = until or today + timedelta(days=1)
        if target <= today:
            raise ValueError("pick a day after today")
        changed = promise.status == OPEN and promise.snoozed_until != target
        if changed:
            promise.snoozed_until = target
        return PromiseState(promise.id, promise.status, promise.due_on, promise.snoozed_until, changed)


@dataclass(frozen=True)
class PromiseLine:
    promise_id: int
    to_user_id: str | None
    to_name: str
    text: str
    due_on: date


# --- contacts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactFields:
    slack_user_id: str | None
    name: str
    common_ground: str
    notes: str
    referrals: str
    last_talked_at: date | None
    keep_in_touch_days: int | None


@dataclass(frozen=True)
class ContactLine:
    contact_id: int
    slack_user_id: str | None
    name: str
    last_talked_at: date | None
    keep_in_touch_days: int | None


def check_contact(fields: ContactFields, today: date) -> dict[str, str]:
    """Field errors keyed by the contact modal's block ids."""
    errors: dict[str, str] = {}
    if not fields.slack_user_id and not fields.name.strip():
        errors["name"] = "Pick someone in Slack or write their name."
    if len(fields.name) > NAME_LIMIT:
        errors["name"] = f"Keep the name to {NAME_LIMIT} characters (it has {len(fields.name)})."
    for field in ("common_ground", "notes", "referrals"):
        value = getattr(fields, field)
        if len(value) > TEXT_LIMIT:
            errors[field] = f"Keep this to {TEXT_LIMIT} characters (it has {len(value)})."
    if fields.last_talked_at is not None and fields.last_talked_at > today:
        errors["last_talked"] = "That's in the future: pick the last day you talked."
    days = fields.keep_in_touch_days
    if days is not None and not 1 <= days <= KEEP_IN_TOUCH_MAX_DAYS:
        errors["keep_in_touch"] = (
            f"Use a number of days from 1 to {KEEP_IN_TOUCH_MAX_DAYS}, or leave it empty."
        )
    return errors


def _touch_due(contact: Contact, today: date) -> date | None:
    if not contact.keep_in_touch_days:
        return None
    since = contact.last_talked_at or today
    return since + timedelta(days=contact.keep_in_touch_days)


def _owner(
    runtime: Runtime, session: Session, client: WebClient | None, team_id: str, user_id: str
) -> Person:
    person = find_person(session, team_id, user_id)
    if person is None:
        if client is None:
            raise NotYours("unknown person")
        person = _person(runtime, session, client, team_id, user_id)
    return person


def own_contact(runtime: Runtime, team_id: str, user_id: str, contact_id: int) -> tuple[int, ContactFields]:
    """One of your contacts, for the edit modal. NotYours for anyone else's (or a missing one)."""
    with runtime.db.transaction() as session:
        contact = session.scalar(
            select(Contact)
            .join(Person, Person.id == Contact.owner_id)
            .where(Contact.team_id == team_id, Contact.id == contact_id, Person.slack_user_id == user_id)
        )
        if contact is None:
            raise NotYours("this contact belongs to someone else")
        return contact.id, ContactFields(
            contact.slack_user_id,
            contact.name,
            contact.common_ground,
            contact.notes,
            contact.referrals,
            contact.last_talked_at,
            contact.keep_in_touch_days,
        )


def today_of_user(runtime: Runtime, team_id: str, user_id: str) -> date:
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        return local_date(runtime.clock.now(), person.tz if person else "UTC")


def save_contact(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    contact_id: int | None,
    fields: ContactFields,
) -> int:
    """Add a contact (contact_id None) or change one of yours. NotYours if the id is someone else's."""
    with runtime.db.transaction() as session:
        me = _owner(runtime, session, client, team_id, user_id)
        now = runtime.clock.now()
        name = fields.name.strip()
        if not name and fields.slack_user_id:
            try:
                name = display_name(_person(runtime, session, client, team_id, fields.slack_user_id))
            except UnknownSlackUser:
                name = fields.slack_user_id
        if contact_id is None:
            contact = Contact(team_id=team_id, owner_id=me.id, created_at=now)
            session.add(contact)
        else:
            contact = session.scalar(
                select(Contact).where(
                    Contact.team_id == team_id, Contact.id == contact_id, Contact.owner_id == me.id
                )
            )
            if contact is None:
                raise NotYours("this contact belongs to someone else")
        contact.slack_user_id = fields.slack_user_id
        contact.name = name[:NAME_LIMIT]
        contact.common_ground = fields.common_ground.strip()
        contact.notes = fields.notes.strip()
        contact.referrals = fields.referrals.strip()
        contact.last_talked_at = fields.last_talked_at
        contact.keep_in_touch_days = fields.keep_in_touch_days
        contact.touch_due_on = _touch_due(contact, today_for(me, now))
        contact.updated_at = now
        session.flush()
        return contact.id


@dataclass(frozen=True)
class NetworkPage:
    contacts: list[ContactLine]
    total: int
    page: int
    pages: int
    promises: list[PromiseLine]
    open_promises: int
    volume: Volume


def network_page(
    runtime: Runtime, team_id: str, user_id: str, page: int = 0, per_page: int = CONTACTS_PER_PAGE
) -> NetworkPage:
    """Your contacts, a page at a time (by name), and your open promises, soonest first."""
    with runtime.db.transaction() as session:
        me = find_person(session, team_id, user_id)
        if me is None:
            return NetworkPage([], 0, 0, 1, [], 0, Volume(0, program.load(session, team_id).volume_guard))
        mine = (Contact.team_id == team_id) & (Contact.owner_id == me.id)
        total = int(session.scalar(select(func.count(Contact.id)).where(mine)) or 0)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 0), pages - 1)
        rows = session.execute(
            select(
                Contact.id,
                Contact.slack_user_id,
                Contact.name,
                Contact.last_talked_at,
                Contact.keep_in_touch_days,
            )
            .where(mine)
            .order_by(func.lower(Contact.name), Contact.id)
            .offset(page * per_page)
            .limit(per_page)
        ).all()
        promise_query = select(Promise).where(
            Promise.team_id == team_id, Promise.owner_id == me.id, Promise.status == OPEN
        )
        open_promises = int(session.scalar(select(func.count()).select_from(promise_query.subquery())) or 0)
        promises = [
            PromiseLine(p.id, p.to_slack_user_id, p.to_name, p.text, p.snoozed_until or p.due_on)
            for p in session.scalars(promise_query.order_by(_effective_due(), Promise.id).limit(10))
        ]
        return NetworkPage(
            [ContactLine(*row) for row in rows],
            total,
            page,
            pages,
            promises,
            open_promises,
            volume_of(session, team_id, me.id),
        )


@dataclass(frozen=True)
class KeepInTouch:
    contact_id: int
    owner_user_id: str
    contact_user_id: str | None
    name: str
    days: int
    ever_talked: bool


def plan_keep_in_touch(
    runtime: Runtime, session: Session, now: datetime, *, render: Callable[[KeepInTouch], Message]
) -> int:
    """Remind the owner of a contact they haven't talked to for its keep-in-touch days: once per stretch."""
    settings_of = _Settings(session)
    rows = session.execute(
        select(Contact, Person)
        .join(Person, Person.id == Contact.owner_id)
        .where(
            Contact.touch_due_on.is_not(None),
            Contact.touch_due_on <= (now + timedelta(days=1)).date(),
            Person.is_deleted.is_(False),
        )
        .order_by(Contact.id)
    ).all()
    added = 0
    for contact, owner in rows:
        due_on = contact.touch_due_on
        assert due_on is not None
        moment = due_moment(due_on, now, owner.tz, settings_of(contact.team_id))
        if moment is None:
            continue
        today = local_date(moment, owner.tz)
        since = contact.last_talked_at or local_date(contact.created_at, owner.tz)
        contact.touch_due_on = None
        added += enqueue(
            session,
            team_id=contact.team_id,
            key=f"contact:{contact.id}:touch:{due_on.isoformat()}",
            kind="nudge_keep_in_touch",
            channel=owner.slack_user_id,
            message=render(
                KeepInTouch(
                    contact.id,
                    owner.slack_user_id,
                    contact.slack_user_id,
                    contact.name,
                    (today - since).days,
                    contact.last_talked_at is not None,
                )
            ),
            due_at=moment,
            now=now,
        )
    return added


def talked_today(runtime: Runtime, team_id: str, user_id: str, contact_id: int) -> date:
    """ "We talked": today becomes the last time, and the next reminder counts from it."""
    with runtime.db.transaction() as session:
        contact, owner = _own_contact_row(session, team_id, user_id, contact_id)
        today = today_for(owner, runtime.clock.now())
        contact.last_talked_at = today
        contact.touch_due_on = _touch_due(contact, today)
        contact.updated_at = runtime.clock.now()
        return today


def stop_reminding(runtime: Runtime, team_id: str, user_id: str, contact_id: int) -> None:
    with runtime.db.transaction() as session:
        contact, _ = _own_contact_row(session, team_id, user_id, contact_id)
        contact.keep_in_touch_days = None
        contact.touch_due_on = None
        contact.updated_at = runtime.clock.now()


def _own_contact_row(session: Session, team_id: str, user_id: str, contact_id: int) -> tuple[Contact, Person]:
    row = session.execute(
        select(Contact, Person)
        .join(Person, Person.id == Contact.owner_id)
        .where(Contact.team_id == team_id, Contact.id == contact_id, Person.slack_user_id == user_id)
    ).first()
    if row is None:
        raise NotYours("this contact belongs to someone else")
    return row[0], row[1]

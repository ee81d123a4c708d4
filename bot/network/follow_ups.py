"""An introduction's follow-up: "did you meet?" to the introduced person, their answer, and the one-line
report back to the introducer.

The first ask goes intro_follow_up_days after the introduction; a "Not yet" is asked once more a week
later. Only the introduced person may answer or report.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from bot import outbox
from bot.i18n import _, reading_in
from bot.messages.introductions import REPORT_LIMIT, FollowUp, IntroReport, follow_up_message, report_message
from bot.network.ownership import NotYours
from bot.network.reminder_times import due_moment
from bot.outbox import Kind, Subject
from bot.outbox import keys as outbox_keys
from bot.people import program_settings as program
from bot.people.languages import languages_across, writing_for
from bot.rules.cadence import local_date
from bot.rules.network_states import FOLLOW_UP_ANSWERS, IntroStatus
from bot.runtime import Runtime
from storage import bulk
from storage.models import Introduction, Person

SECOND_ASK_DAYS = 7


@functools.cache
def _candidates() -> Any:
    """Introductions whose follow-up may be due, with their three people: built once (its aliased joins
    cost more to build than the query costs to run on a small workspace), the moments as parameters."""
    introduced, contact, introducer = (
        aliased(Person, name=name) for name in ("introduced", "contact", "introducer")
    )
    return (
        select(
            Introduction.id,
            Introduction.team_id,
            Introduction.status,
            Introduction.created_at,
            Introduction.resolved_at,
            Introduction.follow_ups_sent,
            introduced.slack_user_id,
            introduced.tz,
            contact.slack_user_id,
            introducer.slack_user_id,
        )
        .join(introduced, introduced.id == Introduction.introduced_id)
        .join(contact, contact.id == Introduction.contact_id)
        .join(introducer, introducer.id == Introduction.introducer_id)
        .where(
            or_(
                (Introduction.status == IntroStatus.MADE)
                & (Introduction.follow_ups_sent == 0)
                & (Introduction.created_at <= bindparam("made_before")),
                (Introduction.status == IntroStatus.NOT_YET)
                & (Introduction.follow_ups_sent == 1)
                & (Introduction.resolved_at <= bindparam("asked_before")),
            ),
            introduced.is_deleted.is_(False),
        )
        .order_by(Introduction.id)
    )


def plan_intro_follow_ups(runtime: Runtime, session: Session, now: datetime) -> int:
    """Ask the introduced person whether they met: after intro_follow_up_days, and once more a week
    after a "Not yet". Set-based: the candidates and all three people in one query, then one update and
    one multi-row insert."""
    candidates = session.execute(
        _candidates(),
        {"made_before": now - timedelta(days=1), "asked_before": now - timedelta(days=SECOND_ASK_DAYS - 1)},
    ).all()
    settings_of = {team: program.load(session, team) for team in {row[1] for row in candidates}}
    asked: list[int] = []
    rows = []
    spoken = languages_across(session, [(row[1], row[6]) for row in candidates])
    for (
        intro_id,
        team_id,
        status,
        created_at,
        resolved_at,
        sent,
        to,
        tz,
        contact_id,
        introducer_id,
    ) in candidates:
        settings = settings_of[team_id]
        if status == IntroStatus.MADE:
            start = created_at + timedelta(days=settings.intro_follow_up_days)
        else:
            assert resolved_at is not None
            start = resolved_at + timedelta(days=SECOND_ASK_DAYS)
        # due_moment compares local dates, so a follow-up for an introduction made at 11:45 still goes out
        # at the nudge hour (10:00) a week later, not at the first tick after 11:45.
        moment = due_moment(local_date(start, tz), now, tz, settings)
        if moment is None:
            continue
        asked.append(intro_id)
        follow_up = FollowUp(intro_id, to, contact_id, introducer_id, local_date(created_at, tz), sent + 1)
        with reading_in(spoken[(team_id, to)]):
            message = follow_up_message(follow_up)
        rows.append(
            outbox.dm(
                to=to,
                kind=Kind.INTRO_FOLLOW_UP,
                subject=Subject.INTRODUCTION.ref(team_id=team_id, id=intro_id),
                key=outbox_keys.intro(intro_id, f"followup:{sent + 1}"),
                message=message,
                due_at=moment,
                now=now,
            )
        )
    bulk.update_where_ids(
        session, Introduction, asked, follow_ups_sent=Introduction.__table__.c.follow_ups_sent + 1
    )
    return outbox.enqueue_many(session, rows)


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
    session: Session, team_id: str, intro_id: int, user_id: str
) -> tuple[Introduction, Person, Person]:
    """The introduction, locked for the answer, with its contact and introducer; NotYours unless
    `user_id` is the person who was introduced."""
    query = select(Introduction).where(Introduction.team_id == team_id, Introduction.id == intro_id)
    if session.get_bind().dialect.name != "sqlite":
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
    if answer not in FOLLOW_UP_ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    with runtime.db.transaction() as session:
        intro, contact, introducer = _intro_for_answer(session, team_id, intro_id, user_id)
        open_for_answer = intro.status == IntroStatus.MADE or (
            intro.status == IntroStatus.NOT_YET and answer != IntroStatus.NOT_YET
        )
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


def report_back(runtime: Runtime, team_id: str, intro_id: int, user_id: str, text: str) -> bool:
    """Store the one-line report and queue it to the introducer. False if it was already reported."""
    with runtime.db.transaction() as session:
        intro, contact, introducer = _intro_for_answer(session, team_id, intro_id, user_id)
        if intro.report_back is not None or intro.status != IntroStatus.MET:
            return False
        now = runtime.clock.now()
        intro.report_back = text.strip()
        with writing_for(session, team_id, introducer.slack_user_id):
            message = report_message(
                IntroReport(user_id, contact.slack_user_id, introducer.slack_user_id, intro.report_back)
            )
        return outbox.send_dm(
            session,
            to=introducer.slack_user_id,
            kind=Kind.INTRO_REPORT,
            subject=intro,
            key=outbox_keys.intro(intro.id, "report"),
            message=message,
            due_at=now,
            now=now,
        )


def check_report(text: str) -> dict[str, str]:
    if not text.strip():
        return {"report": _("Say in a line how it went.")}
    if len(text) > REPORT_LIMIT:
        return {
            "report": _(
                "Keep it to one line of {limit} characters (it has {length}).",
                limit=REPORT_LIMIT,
                length=len(text),
            )
        }
    return {}

"""The weekly digest: Monday 09:00 in each lead's time zone, their team's figures, what changed, a chart.

The planner remembers each lead's digest per ISO week (a LeadDigest row: the figures it reported, so
next week's digest can say what is new) and queues two outbox rows about it: the text, and the chart
drawn from the same figures, a file the dispatcher uploads into the same DM once the text has gone out.
The upload retries like any message; if it fails for good, the text digest has still gone out.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.messages.summaries import chart_title, digest_blocks, digest_text
from bot.outbox import FileUpload, Kind, Message
from bot.outbox import keys as outbox_keys
from bot.oversight.chart import health_chart
from bot.oversight.program_facts import leads_of_team, program_facts, teams_with_people
from bot.oversight.roles import lead_scope
from bot.people import program_settings as program
from bot.rules.cadence import local_date, safe_zone, to_utc
from bot.rules.summary_figures import ProgramFacts, changes_since, digest_figures, summarize, weekly_health
from bot.runtime import Runtime
from storage.models import LeadDigest, Person

log = logging.getLogger(__name__)

CHART_FILENAME = "mentoring-health.png"
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 9
# A digest more than this late (the scheduler was down all Monday morning) waits for next week.
SEND_WINDOW = timedelta(hours=12)


def iso_week(day: Any) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def this_weeks_digest_time(now: datetime, tz: str) -> datetime:
    """The latest Monday 09:00 in `tz` at or before now."""
    # Count back in local days, not 7 x 24 hours: the week the clocks change is an hour shorter or longer.
    day = local_date(now, tz)
    monday = day - timedelta(days=(day.weekday() - DIGEST_WEEKDAY) % 7)
    due = to_utc(datetime.combine(monday, time(DIGEST_HOUR)), safe_zone(tz))
    if due > now:
        due = to_utc(datetime.combine(monday - timedelta(days=7), time(DIGEST_HOUR)), safe_zone(tz))
    return due


def plan_digests(runtime: Runtime, session: Session, now: datetime) -> int:
    """Planner: enqueue each lead's weekly digest once, when their Monday 09:00 has come."""
    added = 0
    for team_id in teams_with_people(session):
        if not program.load(session, team_id).digest_enabled:
            continue
        lead_ids = leads_of_team(session, team_id)
        if not lead_ids:
            continue
        leads = session.scalars(
            select(Person).where(
                Person.team_id == team_id,
                Person.id.in_(lead_ids),
                Person.is_deleted.is_(False),
                Person.is_bot.is_(False),
                Person.digest_enabled.is_(True),
            )
        ).all()
        facts: ProgramFacts | None = None
        for lead in leads:
            due = this_weeks_digest_time(now, lead.tz)
            if due > now or now - due > SEND_WINDOW:
                continue
            week = iso_week(local_date(due, lead.tz))
            already = session.scalar(
                select(LeadDigest.id).where(LeadDigest.lead_person_id == lead.id, LeadDigest.week == week)
            )
            if already is not None:
                continue
            scope = lead_scope(session, lead)
            if scope is None:
                continue
            facts = facts or program_facts(session, team_id, now)
            summary = summarize(facts, scope, now)
            previous = session.scalar(
                select(LeadDigest.figures)
                .where(LeadDigest.lead_person_id == lead.id, LeadDigest.week < week)
                .order_by(LeadDigest.week.desc())
                .limit(1)
            )
            changes = changes_since(facts, scope, summary, previous, now)
            digest = LeadDigest(
                team_id=team_id,
                lead_person_id=lead.id,
                week=week,
                figures=digest_figures(summary),
                created_at=now,
            )
            session.add(digest)
            session.flush()
            if not outbox.send_dm(
                session,
                to=lead.slack_user_id,
                kind=Kind.DIGEST,
                subject=digest,
                key=outbox_keys.digest(lead.id, week),
                message=Message(digest_text(summary), digest_blocks(summary, changes)),
                due_at=due,
                now=now,
            ):
                session.delete(digest)  # this week's digest was already queued: nothing new to remember
                continue
            title = chart_title(summary)
            outbox.send_file(
                session,
                to=lead.slack_user_id,
                kind=Kind.DIGEST_CHART,
                subject=digest,
                key=outbox_keys.digest_chart(lead.id, week),
                upload=FileUpload(
                    health_chart(weekly_health(facts, scope, now), title), CHART_FILENAME, title
                ),
                due_at=due,
                now=now,
            )
            added += 1
    return added

"""The weekly digest: Monday 09:00 in each lead's time zone, their team's figures, what changed, a chart.

The planner writes one outbox row per lead and ISO week (dedupe key ``digest:<lead person id>:<week>``)
and remembers the stalled/overdue pairing ids it reported, so next week's digest can say what is new.
The chart is drawn and uploaded by a dispatcher hook right after the text is sent: if the upload fails
the text digest has still gone out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import program
from bot.cadence import local_date, safe_zone, to_utc
from bot.chart import health_chart
from bot.outbox import Message, enqueue
from bot.roles import lead_scope
from bot.runtime import Runtime
from bot.summaries import ProgramFacts, changes_since, digest_figures, summarize, weekly_health
from handlers.views.summaries import chart_title, digest_blocks, digest_text
from storage.models import LeadDigest, OutboxMessage, Person
from storage.summary_queries import leads_of_team, program_facts, teams_with_people

log = logging.getLogger(__name__)

DIGEST_KIND = "digest"
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 9
# A digest more than this late (the scheduler was down all Monday morning) waits for next week.
SEND_WINDOW = timedelta(hours=12)


def digest_key(lead_person_id: int, week: str) -> str:
    return f"digest:{lead_person_id}:{week}"


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
            if enqueue(
                session,
                team_id=team_id,
                key=digest_key(lead.id, week),
                kind=DIGEST_KIND,
                channel=lead.slack_user_id,
                message=Message(digest_text(summary), digest_blocks(summary, changes)),
                due_at=due,
                now=now,
            ):
                session.add(
                    LeadDigest(
                        team_id=team_id,
                        lead_person_id=lead.id,
                        week=week,
                        figures=digest_figures(summary),
                        created_at=now,
                    )
                )
                added += 1
    return added


def chart_png(runtime: Runtime, team_id: str, lead_person_id: int) -> tuple[bytes, str] | None:
    """The 12-week chart for a lead's people, and its title; None if they no longer lead anyone."""
    with runtime.db.transaction() as session:
        lead = session.get(Person, lead_person_id)
        if lead is None or lead.team_id != team_id:
            return None
        scope = lead_scope(session, lead)
        if scope is None:
            return None
        now = runtime.clock.now()
        facts = program_facts(session, team_id, now)
    summary = summarize(facts, scope, now)
    title = chart_title(summary)
    return health_chart(weekly_health(facts, scope, now), title), title


def send_chart_after_digest(runtime: Runtime):  # type: ignore[no-untyped-def]
    """A dispatcher hook: once a digest's text is sent, upload the chart into the same DM."""

    def hook(client: WebClient, row: OutboxMessage, response: Mapping[str, Any]) -> None:
        lead_person_id = int(row.dedupe_key.split(":")[1])
        drawn = chart_png(runtime, row.team_id, lead_person_id)
        if drawn is None:
            return
        png, title = drawn
        client.files_upload_v2(
            channel=response.get("channel") or row.channel,
            content=png,
            filename="mentoring-health.png",
            title=title,
        )

    return hook

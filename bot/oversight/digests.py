"""The weekly digest: Monday 09:00 in each lead's time zone, their team's figures, what changed, a chart.

The planner remembers each lead's digest per ISO week (a LeadDigest row: the figures it reported, so
next week's digest can say what is new) and queues two outbox rows about it: the text, and the chart
drawn from the same figures, a file the dispatcher uploads into the same DM once the text has gone out.
The upload retries like any message; if it fails for good, the text digest has still gone out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.i18n import reading_in
from bot.messages.summaries import chart_title, digest_blocks, digest_text
from bot.outbox import FileUpload, Kind, Message, Subject
from bot.outbox import keys as outbox_keys
from bot.oversight.chart import health_chart
from bot.oversight.lead_facts import LeadFacts
from bot.oversight.program_facts import leads_of_team, program_facts, teams_with_people, usergroup_assignments
from bot.people import program_settings as program
from bot.people.directory import display_name
from bot.people.languages import person_language
from bot.rules.cadence import local_date, safe_zone, to_utc
from bot.rules.summary_figures import (
    ProgramFacts,
    Scope,
    changes_since,
    digest_figures,
    summarize,
    weekly_health,
)
from bot.runtime import Runtime
from storage import bulk
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
    """Planner: enqueue each lead's weekly digest once, when their Monday 09:00 has come.

    Set-based over the leads: which digests exist, last week's figures, the org chart and the user groups
    are read once per workspace (not once per lead); each digest's figures come from one load of the
    workspace's program facts, cut per lead from one index (`bot.oversight.lead_facts`).
    """
    added = 0
    for team_id in teams_with_people(session):
        settings = program.load(session, team_id)
        if not settings.digest_enabled:
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
        due: list[tuple[Person, datetime, str]] = []
        for lead in leads:
            at = this_weeks_digest_time(now, lead.tz)
            if at <= now and now - at <= SEND_WINDOW:
                due.append((lead, at, iso_week(local_date(at, lead.tz))))
        weeks = _digests_so_far(
            session, [lead.id for lead, _, _ in due], max((w for _, _, w in due), default="")
        )
        due = [(lead, at, week) for lead, at, week in due if week not in weeks.get(lead.id, {})]
        if not due:
            continue
        # A digest already queued (its row outlived its record) is not remembered or queued again.
        taken = outbox.existing_keys(session, [outbox_keys.digest(lead.id, week) for lead, _, week in due])
        due = [(lead, at, week) for lead, at, week in due if outbox_keys.digest(lead.id, week) not in taken]
        scopes = _lead_scopes(session, team_id, [lead for lead, _, _ in due])
        facts: LeadFacts | None = None
        drafts = []
        for lead, at, week in due:
            scope = scopes.get(lead.id)
            if scope is None:
                continue
            facts = facts or LeadFacts.of(program_facts(session, team_id, now))
            earlier = [w for w in weeks.get(lead.id, {}) if w < week]
            previous = weeks[lead.id][max(earlier)] if earlier else None
            with reading_in(person_language(lead, settings.language)):  # the lead's digest, in their language
                drafts.append(_draft(lead, at, week, facts.for_scope(scope), scope, previous, now))
        added += _queue_digests(session, drafts, now)
    return added


def _digests_so_far(session: Session, lead_ids: list[int], up_to: str) -> dict[int, dict[str, Any]]:
    """lead id -> week -> the figures its digest reported, for weeks up to `up_to`."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(lead_ids), 1000):
        for lead_id, week, figures in session.execute(
            select(LeadDigest.lead_person_id, LeadDigest.week, LeadDigest.figures).where(
                LeadDigest.lead_person_id.in_(lead_ids[start : start + 1000]), LeadDigest.week <= up_to
            )
        ):
            found.setdefault(lead_id, {})[week] = figures
    return found


def _lead_scopes(session: Session, team_id: str, leads: list[Person]) -> dict[int, Scope]:
    """``roles.lead_scope`` for many leads of one workspace, from one read of its org chart and groups."""
    children: dict[int, list[int]] = {}
    by_user: dict[str, int] = {}
    for person_id, user_id, manager_id in session.execute(
        select(Person.id, Person.slack_user_id, Person.manager_id).where(Person.team_id == team_id)
    ):
        by_user[user_id] = person_id
        if manager_id is not None:
            children.setdefault(manager_id, []).append(person_id)
    groups: dict[int, set[str]] = {}
    for assignment in usergroup_assignments(session, team_id):
        groups.setdefault(assignment.lead_person_id, set()).update(assignment.member_user_ids or [])
    scopes = {}
    for lead in leads:
        ids: set[int] = set()
        frontier = [lead.id]
        while frontier:  # everyone below the lead, cycle-safe
            frontier = [c for p in frontier for c in children.get(p, []) if c not in ids and c != lead.id]
            ids.update(frontier)
        ids |= {by_user[user] for user in groups.get(lead.id, set()) if user in by_user}
        ids.discard(lead.id)
        if ids:
            scopes[lead.id] = Scope(lead_name=display_name(lead), person_ids=frozenset(ids))
    return scopes


@dataclass(frozen=True)
class _Draft:
    lead: Person
    due: datetime
    week: str
    figures: dict[str, Any]
    message: Message
    chart: FileUpload


def _draft(
    lead: Person,
    due: datetime,
    week: str,
    facts: ProgramFacts,
    scope: Scope,
    previous: Any,
    now: datetime,
) -> _Draft:
    summary = summarize(facts, scope, now)
    changes = changes_since(facts, scope, summary, previous, now)
    title = chart_title(summary)
    return _Draft(
        lead,
        due,
        week,
        digest_figures(summary),
        Message(digest_text(summary), digest_blocks(summary, changes)),
        FileUpload(health_chart(weekly_health(facts, scope, now), title), CHART_FILENAME, title),
    )


def _queue_digests(session: Session, drafts: list[_Draft], now: datetime) -> int:
    """Remember each digest (a LeadDigest row) and queue its text and chart: three multi-row inserts."""
    written = bulk.insert_returning(
        session,
        LeadDigest,
        [
            {
                "team_id": d.lead.team_id,
                "lead_person_id": d.lead.id,
                "week": d.week,
                "figures": d.figures,
                "created_at": now,
            }
            for d in drafts
        ],
        "lead_person_id",
    )
    ids = {lead_id: digest_id for digest_id, lead_id in written}
    texts, charts = [], []
    for d in drafts:
        subject = Subject.DIGEST.ref(team_id=d.lead.team_id, id=ids[d.lead.id])
        to = d.lead.slack_user_id
        texts.append(
            outbox.dm(
                to=to,
                kind=Kind.DIGEST,
                subject=subject,
                key=outbox_keys.digest(d.lead.id, d.week),
                message=d.message,
                due_at=d.due,
                now=now,
            )
        )
        charts.append(
            outbox.file(
                to=to,
                kind=Kind.DIGEST_CHART,
                subject=subject,
                key=outbox_keys.digest_chart(d.lead.id, d.week),
                upload=d.chart,
                due_at=d.due,
                now=now,
            )
        )
    added = outbox.enqueue_many(session, texts)
    outbox.enqueue_many(session, charts)
    return added

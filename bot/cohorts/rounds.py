"""A cohort's one round: the dry run an admin previews (on request, and by DM the day before the close),
the round itself at the close, and each pair told the start and planned end every pair of the cohort
shares. The round is the program's own (bot.copilots.rounds.pair_requests), over the cohort's sign-ups
and the cohort's volunteers; the offers, consent and expiries that follow are the usual ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.cohorts import members
from bot.copilots.rounds import RoundReport, pair_requests
from bot.messages import cohorts as views
from bot.messages.message import Message
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.rules.cohorts import CohortState
from bot.runtime import Runtime
from storage.models import Cohort, Pairing, Person

PREVIEW_AHEAD = timedelta(days=1)


def _round(runtime: Runtime, session: Session, cohort: Cohort, *, dry_run: bool) -> RoundReport:
    return pair_requests(
        runtime,
        session,
        cohort.team_id,
        members.open_sign_ups(session, cohort.id),
        dry_run=dry_run,
        volunteer_ids=members.volunteer_ids(session, cohort.id),
    )


def _preview(cohort: Cohort, report: RoundReport) -> Message:
    pairs = [(p.mentee, p.copilot, p.score) for p in report.pairs]
    return views.preview_message(cohort.name, pairs, len(report.waiting))


def preview_round(runtime: Runtime, team_id: str, cohort_id: int) -> Message | None:
    """The dry run of the cohort's round as it stands: proposed pairs, nothing stored, nothing sent."""
    with runtime.db.transaction() as session:
        cohort = session.scalar(select(Cohort).where(Cohort.team_id == team_id, Cohort.id == cohort_id))
        if cohort is None:
            return None
        message = _preview(cohort, _round(runtime, session, cohort, dry_run=True))
        session.rollback()
        return message


def _opener(session: Session, cohort: Cohort) -> Person | None:
    person = session.get(Person, cohort.opened_by_id) if cohort.opened_by_id else None
    return person if person is not None and not person.is_deleted else None


def plan_cohort_previews(runtime: Runtime, session: Session, now: datetime) -> int:
    """A day before a cohort closes, its opener gets the dry run to review (once)."""
    added = 0
    for cohort in session.scalars(
        select(Cohort).where(
            Cohort.state == CohortState.SIGNING_UP,
            Cohort.closes_at > now,
            Cohort.closes_at <= now + PREVIEW_AHEAD,
        )
    ):
        key = outbox_keys.cohort_preview(cohort.id)
        opener = _opener(session, cohort)
        if opener is None or outbox.existing_keys(session, [key]):
            continue
        message = _preview(cohort, _round(runtime, session, cohort, dry_run=True))
        added += outbox.send_dm(
            session,
            to=opener.slack_user_id,
            kind=Kind.COHORT_PREVIEW,
            subject=cohort,
            key=key,
            message=message,
            due_at=now,
            now=now,
        )
    return added


def plan_cohort_rounds(runtime: Runtime, session: Session, now: datetime) -> int:
    """Once a cohort's sign-ups close, its one round runs: offers go out; its opener hears the result."""
    query = select(Cohort).where(Cohort.state == CohortState.SIGNING_UP, Cohort.closes_at <= now)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(skip_locked=True)
    added = 0
    for cohort in list(session.scalars(query.order_by(Cohort.id))):
        report = _round(runtime, session, cohort, dry_run=False)
        cohort.state = CohortState.PAIRED
        cohort.paired_at = now
        added += len(report.offers)
        opener = _opener(session, cohort)
        if opener is not None:
            added += outbox.send_dm(
                session,
                to=opener.slack_user_id,
                kind=Kind.COHORT_PAIRED,
                subject=cohort,
                key=outbox_keys.cohort_paired(cohort.id),
                message=views.round_done_message(cohort.name, len(report.offers), len(report.waiting)),
                due_at=now,
                now=now,
            )
    return added


def plan_cohort_pairings(runtime: Runtime, session: Session, now: datetime) -> int:
    """Each pair formed in a cohort is told, in their group DM, the start and planned end all its pairs share."""
    rows = []
    for cohort in session.scalars(
        select(Cohort).where(Cohort.state == CohortState.PAIRED, Cohort.end_asked_at.is_(None))
    ):
        pairings = session.execute(
            select(Pairing.id, Pairing.channel_id, Pairing.mentee_id, Pairing.copilot_id).where(
                Pairing.id.in_(members.pairing_ids(cohort.id))
            )
        ).all()
        keys = {p.id: outbox_keys.cohort_pairing(cohort.id, p.id) for p in pairings}
        sent = outbox.existing_keys(session, list(keys.values()))
        for pairing in pairings:
            if keys[pairing.id] in sent:
                continue
            mentee, copilot = session.get(Person, pairing.mentee_id), session.get(Person, pairing.copilot_id)
            if mentee is None or copilot is None:
                continue
            message = views.cohort_pairing_message(
                cohort.name, cohort.starts_on, cohort.ends_on, mentee.slack_user_id, copilot.slack_user_id
            )
            rows.append(
                outbox.group(
                    members=[mentee.slack_user_id, copilot.slack_user_id],
                    kind=Kind.COHORT_PAIRING,
                    subject=cohort,
                    key=keys[pairing.id],
                    message=message,
                    due_at=now,
                    now=now,
                    channel_id=pairing.channel_id,
                )
            )
    return outbox.enqueue_many(session, rows)

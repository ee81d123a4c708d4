"""Opening a cohort: the admin's form checked, the cohort stored and its announcement queued; and which
cohort a sign-up form is for, for as long as the cohort takes sign-ups.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.messages import cohorts as views
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.people import program_settings as program
from bot.people.directory import ensure_person, find_person
from bot.rules.cadence import local_date, local_send_time
from bot.rules.cohorts import CohortForm, CohortState, check_cohort_form, planned_end
from bot.runtime import Runtime
from storage.models import Cohort


def _channel_problem(client: WebClient, channel_id: str) -> dict[str, str]:
    """Slack's word on the channel picked: one that exists and is not a direct message."""
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError:
        return {views.CHANNEL: views.unknown_channel_text()}
    except SlackClientError:
        return {}  # Slack unreachable: the announcement is retried like any outbox row
    if channel.get("is_im") or channel.get("is_mpim"):
        return {views.CHANNEL: views.not_a_channel_text()}
    if not channel.get("is_member"):
        return {views.CHANNEL: views.invite_me_text(channel_id)}
    return {}


def admin_today(runtime: Runtime, team_id: str, user_id: str) -> date:
    """Today where the admin is (UTC for someone we don't know yet): the form's dates are theirs."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        return local_date(runtime.clock.now(), person.tz if person else "UTC")


def validate_cohort(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, form: CohortForm
) -> dict[str, str]:
    """Problems keyed by field; the one Slack call asks whether the channel picked exists."""
    errors = check_cohort_form(form, admin_today(runtime, team_id, user_id))
    if form.channel_id:
        errors |= _channel_problem(client, form.channel_id)
    return errors


def _closes_at(cohort: Cohort, settings: program.ProgramSettings) -> datetime:
    """The round runs the morning after the last day of sign-ups, at the nudge hour where the admin is."""
    return local_send_time(cohort.closes_on + timedelta(days=1), cohort.tz, settings.nudge_window())


def open_cohort(
    runtime: Runtime, client: WebClient, team_id: str, user_id: str, form: CohortForm
) -> views.CohortTag:
    """Store the cohort and queue its announcement (in its channel, or to the admin) for the opening day."""
    assert form.opens_on and form.closes_on and form.starts_on and form.length_months
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        admin = ensure_person(runtime, session, client, team_id, user_id)
        session.flush()
        settings = program.load(session, team_id)
        cohort = Cohort(
            team_id=team_id,
            name=form.name,
            channel_id=form.channel_id,
            opened_by_id=admin.id,
            tz=admin.tz,
            opens_on=form.opens_on,
            closes_on=form.closes_on,
            starts_on=form.starts_on,
            ends_on=planned_end(form.starts_on, form.length_months),
            length_months=form.length_months,
            state=CohortState.SIGNING_UP,
            created_at=now,
        )
        cohort.closes_at = _closes_at(cohort, settings)
        session.add(cohort)
        session.flush()
        tag = views.CohortTag(cohort.id, cohort.name, cohort.closes_on)
        opens_at = local_send_time(cohort.opens_on, cohort.tz, settings.nudge_window())
        outbox.send_dm(
            session,
            to=cohort.channel_id or admin.slack_user_id,
            kind=Kind.COHORT_ANNOUNCEMENT,
            subject=cohort,
            key=outbox_keys.cohort_announcement(cohort.id),
            message=views.announcement(tag, cohort.starts_on, cohort.ends_on, cohort.length_months),
            due_at=max(now, opens_at),
            now=now,
        )
        return tag


def _signing_up(session: Session, team_id: str, cohort_id: int, now: datetime) -> Cohort | None:
    return session.scalar(
        select(Cohort).where(
            Cohort.team_id == team_id,
            Cohort.id == cohort_id,
            Cohort.state == CohortState.SIGNING_UP,
            Cohort.closes_at > now,
        )
    )


def cohort_taking_sign_ups(runtime: Runtime, team_id: str, cohort_id: int) -> views.CohortTag | None:
    """The cohort a sign-up button or form names, while it takes sign-ups; None once closed or unknown."""
    with runtime.db.transaction() as session:
        cohort = _signing_up(session, team_id, cohort_id, runtime.clock.now())
        return views.CohortTag(cohort.id, cohort.name, cohort.closes_on) if cohort else None


def sign_up_problem(runtime: Runtime, team_id: str, cohort_id: int | None, field: str) -> dict[str, str]:
    """An error on `field` when a submitted form names a cohort that no longer takes sign-ups."""
    if cohort_id is None or cohort_taking_sign_ups(runtime, team_id, cohort_id) is not None:
        return {}
    return {field: views.sign_up_closed_text()}

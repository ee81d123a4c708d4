"""Volunteering to be a copilot: always opt-in, editable, and paused with one click.

The form and the summary App Home shows are bot.messages.volunteering's shapes; this module checks a
submitted form, stores the CopilotProfile and reads it back.
"""

from __future__ import annotations

from datetime import date

from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.i18n import _
from bot.messages.volunteering import (
    INTRO_MAX,
    MAX_BUDDIES,
    MAX_CAPACITY,
    MIN_CAPACITY,
    VolunteerForm,
    VolunteerSummary,
)
from bot.people.directory import ensure_person, find_person
from bot.people.topics import workspace_topics
from bot.rules.cadence import local_date
from bot.rules.lifecycle import OPEN_STATES
from bot.rules.topics import MAX_TOPIC_CHARS, normalise_tag, tidy
from bot.runtime import Runtime
from storage.models import CopilotProfile, Pairing

MAX_TAGS = 20


def split_tags(text: str) -> tuple[str, ...]:
    """Their own topics from the comma-separated field, tidied, empty ones dropped."""
    return tuple(t for t in (tidy(part) for part in text.split(",")) if t)


def check_volunteer_form(form: VolunteerForm, today: date) -> dict[str, str]:
    """Problems keyed by field: topics, tags, capacity, available_until, paused_until, intro."""
    errors: dict[str, str] = {}
    tags = split_tags(form.tags_text)
    if not form.topics and not tags:
        errors["topics"] = _("Pick at least one topic, or add your own below.")
    long_tags = [t for t in tags if len(t) > MAX_TOPIC_CHARS]
    if long_tags:
        errors["tags"] = _(
            "Keep each topic to {count} characters (“{start}…” is longer).",
            count=MAX_TOPIC_CHARS,
            start=long_tags[0][:20],
        )
    elif len(tags) > MAX_TAGS:
        errors["tags"] = _("Please add at most {count} topics of your own.", count=MAX_TAGS)
    if form.capacity is None or not MIN_CAPACITY <= form.capacity <= MAX_CAPACITY:
        errors["capacity"] = _(
            "Choose a whole number from {low} to {high}.", low=MIN_CAPACITY, high=MAX_CAPACITY
        )
    if form.available_until is not None and form.available_until < today:
        errors["available_until"] = _("Pick a date from today on, or leave it empty.")
    if form.paused_until is not None and form.paused_until < today:
        errors["paused_until"] = _("Pick a date from today on, or leave it empty.")
    if form.buddy_capacity is None or not MIN_CAPACITY <= form.buddy_capacity <= MAX_BUDDIES:
        errors["buddy_capacity"] = _(
            "Choose a whole number from {low} to {high}.", low=MIN_CAPACITY, high=MAX_BUDDIES
        )
    if len(form.intro) > INTRO_MAX:
        errors["intro"] = _(
            "Please keep it to {count} characters (you have {typed}).", count=INTRO_MAX, typed=len(form.intro)
        )
    return errors


def validate_volunteer(runtime: Runtime, team_id: str, user_id: str, form: VolunteerForm) -> dict[str, str]:
    """check_volunteer_form against the person's own today (UTC for someone we don't know yet)."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        today = local_date(runtime.clock.now(), person.tz if person else "UTC")
    return check_volunteer_form(form, today)


def _all_topics(form: VolunteerForm) -> list[str]:
    kept: dict[str, str] = {}
    for name in (*form.topics, *split_tags(form.tags_text)):
        kept.setdefault(normalise_tag(name), tidy(name))
    return list(kept.values())


def _mentees_now(session: Session, team_id: str, person_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Pairing)
            .where(
                Pairing.team_id == team_id, Pairing.copilot_id == person_id, Pairing.state.in_(OPEN_STATES)
            )
        )
        or 0
    )


def _profile(session: Session, team_id: str, user_id: str) -> CopilotProfile | None:
    person = find_person(session, team_id, user_id)
    if person is None:
        return None
    profile = session.get(CopilotProfile, person.id)
    return profile if profile is not None and profile.team_id == team_id else None


def volunteer_form_of(runtime: Runtime, team_id: str, user_id: str) -> tuple[list[str], VolunteerForm | None]:
    """The workspace topics and this person's current answers (None if they never volunteered)."""
    with runtime.db.transaction() as session:
        topics = workspace_topics(session, team_id)
        profile = _profile(session, team_id, user_id)
        if profile is None:
            return topics, None
        known = {normalise_tag(t): t for t in topics}
        picked = tuple(known[normalise_tag(t)] for t in profile.topics if normalise_tag(t) in known)
        tags = [t for t in profile.topics if normalise_tag(t) not in known]
        return topics, VolunteerForm(
            topics=picked,
            tags_text=", ".join(tags),
            capacity=profile.capacity,
            available_until=profile.available_until,
            paused_until=profile.paused_until,
            open_to_other_teams=profile.open_to_other_teams,
            intro=profile.intro,
            welcomes_new_colleagues=profile.welcomes_new_colleagues,
            buddy_capacity=profile.buddy_capacity,
        )


def save_volunteer(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    form: VolunteerForm,
    cohort_id: int | None = None,
) -> VolunteerSummary:
    """Create or update the profile and switch volunteering on (for a cohort, when it came from one)."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        person = ensure_person(runtime, session, client, team_id, user_id)
        session.flush()
        profile = session.get(CopilotProfile, person.id)
        if profile is None:
            profile = CopilotProfile(person_id=person.id, team_id=team_id, created_at=now)
            session.add(profile)
        profile.topics = _all_topics(form)
        profile.capacity = form.capacity or MIN_CAPACITY
        profile.available_until = form.available_until
        profile.paused_until = form.paused_until
        profile.open_to_other_teams = form.open_to_other_teams
        profile.intro = form.intro
        profile.welcomes_new_colleagues = form.welcomes_new_colleagues
        profile.buddy_capacity = form.buddy_capacity or MIN_CAPACITY
        profile.active = True
        if cohort_id is not None:
            profile.cohort_id = cohort_id
        profile.updated_at = now
        session.flush()
        return _summary(session, team_id, profile)


def stop_volunteering(runtime: Runtime, team_id: str, user_id: str) -> bool:
    """Switch volunteering off (current pairings carry on). False if they weren't volunteering."""
    with runtime.db.transaction() as session:
        profile = _profile(session, team_id, user_id)
        if profile is None or not profile.active:
            return False
        profile.active = False
        profile.updated_at = runtime.clock.now()
        return True


def _summary(session: Session, team_id: str, profile: CopilotProfile) -> VolunteerSummary:
    return VolunteerSummary(
        active=profile.active,
        topics=tuple(profile.topics),
        capacity=profile.capacity,
        mentees_now=_mentees_now(session, team_id, profile.person_id),
        paused_until=profile.paused_until,
        available_until=profile.available_until,
    )


def volunteer_summary(runtime: Runtime, team_id: str, user_id: str) -> VolunteerSummary | None:
    with runtime.db.transaction() as session:
        profile = _profile(session, team_id, user_id)
        return _summary(session, team_id, profile) if profile is not None else None

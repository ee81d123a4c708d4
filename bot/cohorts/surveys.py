"""The cohort surveys: at the mid-point and at the planned end, each person of each of the cohort's
pairings is asked, privately, how useful it has been and whether they would recommend it (1–5), with an
optional comment that no report shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.cohorts import members
from bot.messages import cohort_surveys as views
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import NotInPairing
from bot.people import program_settings as program
from bot.people.directory import find_person
from bot.rules.cadence import local_send_time
from bot.rules.cohorts import COMMENT_MAX, SCORES, CohortState, Stage, midpoint
from bot.runtime import Runtime
from storage.models import Cohort, CohortSurvey, Pairing, Person


def _due_stage(cohort: Cohort, settings: program.ProgramSettings, now: datetime) -> Stage | None:
    window = settings.nudge_window()
    if cohort.end_asked_at is None and local_send_time(cohort.ends_on, cohort.tz, window) <= now:
        return Stage.END
    middle = midpoint(cohort.starts_on, cohort.ends_on)
    if cohort.midpoint_asked_at is None and local_send_time(middle, cohort.tz, window) <= now:
        return Stage.MIDPOINT
    return None


def plan_cohort_surveys(runtime: Runtime, session: Session, now: datetime) -> int:
    """At a cohort's mid-point, then at its planned end, one survey per person of each of its pairings.
    A cohort found past its end before the mid-point survey went out gets the end survey only."""
    added = 0
    for cohort in list(
        session.scalars(
            select(Cohort).where(Cohort.state == CohortState.PAIRED, Cohort.end_asked_at.is_(None))
        )
    ):
        stage = _due_stage(cohort, program.load(session, cohort.team_id), now)
        if stage is None:
            continue
        added += _ask(session, cohort, stage, now)
        cohort.midpoint_asked_at = cohort.midpoint_asked_at or now
        if stage is Stage.END:
            cohort.end_asked_at = now
    return added


def _ask(session: Session, cohort: Cohort, stage: Stage, now: datetime) -> int:
    pairings = session.scalars(select(Pairing).where(Pairing.id.in_(members.pairing_ids(cohort.id))))
    asking: list[tuple[CohortSurvey, Person]] = []
    for pairing in pairings:
        for person_id in (pairing.mentee_id, pairing.copilot_id):
            person = session.get(Person, person_id)
            if person is None or person.is_deleted:
                continue
            survey = CohortSurvey(
                team_id=cohort.team_id,
                cohort_id=cohort.id,
                pairing_id=pairing.id,
                person_id=person.id,
                stage=stage,
                asked_at=now,
            )
            session.add(survey)
            asking.append((survey, person))
    session.flush()
    rows = [
        outbox.dm(
            to=person.slack_user_id,
            kind=Kind.COHORT_SURVEY,
            subject=survey,
            key=outbox_keys.cohort_survey(survey.id),
            message=views.survey_message(survey.id, cohort.name, stage),
            due_at=now,
            now=now,
        )
        for survey, person in asking
    ]
    return outbox.enqueue_many(session, rows)


@dataclass(frozen=True)
class SurveyAsked:
    survey_id: int
    cohort_name: str


def _own_survey(session: Session, team_id: str, user_id: str, survey_id: int) -> CohortSurvey:
    survey = session.scalar(
        select(CohortSurvey).where(CohortSurvey.team_id == team_id, CohortSurvey.id == survey_id)
    )
    person = find_person(session, team_id, user_id)
    if survey is None or person is None or survey.person_id != person.id:
        raise NotInPairing("this survey was sent to someone else")
    return survey


def survey_asked_of(runtime: Runtime, team_id: str, user_id: str, survey_id: int) -> SurveyAsked:
    """The survey, when it was sent to this person (NotInPairing otherwise), before its form opens."""
    with runtime.db.transaction() as session:
        survey = _own_survey(session, team_id, user_id, survey_id)
        cohort = session.get(Cohort, survey.cohort_id)
        return SurveyAsked(survey.id, cohort.name if cohort else "")


def answer_survey(
    runtime: Runtime, team_id: str, user_id: str, survey_id: int, useful: int, recommend: int, comment: str
) -> None:
    """Store (or replace) the person's own answer. NotInPairing for anyone the survey wasn't sent to."""
    if useful not in SCORES or recommend not in SCORES:
        raise ValueError("a survey score is 1 to 5")
    with runtime.db.transaction() as session:
        survey = _own_survey(session, team_id, user_id, survey_id)
        survey.useful = useful
        survey.recommend = recommend
        survey.comment = comment[:COMMENT_MAX] or None
        survey.answered_at = runtime.clock.now()

"""What `/mentor forget-me` deletes among cohort surveys: a `person_forgotten` hook (bot/app.py).

Their answers go entirely (scores and comment): a cohort's averages are then counted without them.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from storage.models import CohortSurvey, Person


def delete_survey_answers(runtime: Runtime, session: Session, person: Person) -> None:
    session.execute(
        delete(CohortSurvey).where(
            CohortSurvey.team_id == person.team_id, CohortSurvey.person_id == person.id
        )
    )

"""A cohort's program-level report, for program admins in App Home and as CSV: sign-ups, pairs formed,
meetings held, and per survey how many answered with averages only from 3 answers or more.

Every query names its columns: no goal, answer or comment is ever read here (tests/flows/test_cohorts.py
watches the statements).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.cohorts import members
from bot.messages.cohort_surveys import CohortReport, StageFigures
from bot.oversight.export import _cell as csv_cell
from bot.rules.cohorts import Stage, average
from bot.runtime import Runtime
from storage.models import CheckIn, Cohort, CohortSurvey, CopilotProfile, MentoringRequest

COLUMNS = (
    "cohort",
    "state",
    "sign_ups_open",
    "sign_ups_close",
    "starts",
    "planned_end",
    "mentees_signed_up",
    "copilots_signed_up",
    "pairs_formed",
    "meetings_held",
    *(f"{stage}_{part}" for stage in Stage for part in ("asked", "answered", "useful_avg", "recommend_avg")),
)


def _count(session: Session, query: Select[tuple[int]]) -> int:
    return session.scalar(query) or 0


def _stages(session: Session, cohort: Cohort) -> tuple[StageFigures, ...]:
    answers = session.execute(
        select(CohortSurvey.stage, CohortSurvey.useful, CohortSurvey.recommend).where(
            CohortSurvey.cohort_id == cohort.id
        )
    ).all()
    figures = []
    for stage in Stage:
        asked = [a for a in answers if a.stage == stage]
        if not asked:
            continue
        useful = [a.useful for a in asked if a.useful is not None]
        recommend = [a.recommend for a in asked if a.recommend is not None]
        answered = sum(1 for a in asked if a.useful is not None or a.recommend is not None)
        figures.append(StageFigures(stage, len(asked), answered, average(useful), average(recommend)))
    return tuple(figures)


def _report(session: Session, cohort: Cohort) -> CohortReport:
    pairings = members.pairing_ids(cohort.id)
    return CohortReport(
        cohort_id=cohort.id,
        name=cohort.name,
        state=cohort.state,
        opens_on=cohort.opens_on,
        closes_on=cohort.closes_on,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        mentees=_count(
            session, select(func.count(MentoringRequest.id)).where(MentoringRequest.cohort_id == cohort.id)
        ),
        copilots=_count(
            session, select(func.count(CopilotProfile.person_id)).where(CopilotProfile.cohort_id == cohort.id)
        ),
        pairs=_count(session, select(func.count()).select_from(pairings.subquery())),
        meetings=_count(
            session,
            select(func.count(CheckIn.id)).where(CheckIn.pairing_id.in_(pairings), CheckIn.status == "met"),
        ),
        stages=_stages(session, cohort),
    )


def cohort_reports(runtime: Runtime, team_id: str) -> list[CohortReport]:
    """Every cohort of the workspace, newest first."""
    with runtime.db.transaction() as session:
        cohorts = session.scalars(select(Cohort).where(Cohort.team_id == team_id).order_by(Cohort.id.desc()))
        return [_report(session, cohort) for cohort in cohorts]


@dataclass(frozen=True)
class CohortExport:
    name: str
    filename: str
    csv_text: str


def _figures(report: CohortReport, stage: Stage) -> list[object]:
    """asked, answered and the two averages (blank below MIN_ANSWERS answers) of one survey."""
    found = next((f for f in report.stages if f.stage == stage), None)
    if found is None:
        return [0, 0, "", ""]
    averages = ["" if value is None else value for value in (found.useful, found.recommend)]
    return [found.asked, found.answered, *averages]


def export_cohort(runtime: Runtime, team_id: str, cohort_id: int) -> CohortExport | None:
    """The cohort's report as one CSV row (program-level figures; cells a spreadsheet could run are
    defused as in bot.oversight.export)."""
    with runtime.db.transaction() as session:
        cohort = session.scalar(select(Cohort).where(Cohort.team_id == team_id, Cohort.id == cohort_id))
        if cohort is None:
            return None
        report = _report(session, cohort)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(COLUMNS)  # our own fixed names
    values: list[object] = [
        report.name,
        report.state,
        report.opens_on.isoformat(),
        report.closes_on.isoformat(),
        report.starts_on.isoformat(),
        report.ends_on.isoformat(),
        report.mentees,
        report.copilots,
        report.pairs,
        report.meetings,
    ]
    for stage in Stage:
        values.extend(_figures(report, stage))
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(csv_cell(v) for v in values)
    return CohortExport(report.name, f"mentoring-cohort-{report.cohort_id}.csv", out.getvalue())

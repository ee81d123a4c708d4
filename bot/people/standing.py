"""Whether the program's rules still allow a pairing between two people, read from the people table.

The rules are ``bot.rules.matching.facts`` (``standing_reason``: the ``LIFETIME_RULES`` of
``blocking_reason``); this module only reads what they need: the workspace's org chart (with forgotten
accounts as managers nobody knows any more), the program settings, and the two people. Renewal, revisit
and the org-chart sweep (``bot.copilots.standing``) ask it; matching reads the same chart
(``bot.copilots.match_data``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.people import program_settings as program
from bot.people.forgetting import FORGOTTEN_PREFIX
from bot.rules.matching.facts import (
    BlockReason,
    CopilotFacts,
    MatchRules,
    MenteeFacts,
    OrgChart,
    standing_reason,
)
from storage.models import Person


def match_rules(settings: program.ProgramSettings, seed: int = 0) -> MatchRules:
    return MatchRules(
        reporting_line_depth=settings.reporting_line_depth,
        max_tz_gap_hours=settings.max_tz_gap_hours,
        allow_guests=settings.allow_guests,
        prefer_senior=settings.prefer_senior,
        seed=seed,
    )


def workspace_org_chart(session: Session, team_id: str) -> OrgChart:
    """Everyone's manager in one read; forgotten accounts are managers nobody knows any more."""
    managers: dict[int, int | None] = {}
    unknown: set[int] = set()
    for person_id, manager_id, slack_user_id in session.execute(
        select(Person.id, Person.manager_id, Person.slack_user_id).where(Person.team_id == team_id)
    ):
        managers[person_id] = manager_id
        if slack_user_id.startswith(FORGOTTEN_PREFIX):
            unknown.add(person_id)
    return OrgChart(managers, unknown=frozenset(unknown))


def tombstones_among(session: Session, team_id: str, person_ids: Iterable[int | None]) -> frozenset[int]:
    """Which of these people are forgotten accounts: a manager nobody knows any more."""
    ids = [p for p in person_ids if p is not None]
    if not ids:
        return frozenset()
    return frozenset(
        session.scalars(
            select(Person.id).where(
                Person.team_id == team_id,
                Person.id.in_(ids),
                Person.slack_user_id.startswith(FORGOTTEN_PREFIX),
            )
        )
    )


def as_mentee_facts(person: Person) -> MenteeFacts:
    """A person as the hard rules see a mentee, from their people row alone (no request, no topics)."""
    return MenteeFacts(
        request_id=0,
        person_id=person.id,
        topics=frozenset(),
        team=person.org_team,
        level=person.level,
        utc_offset_minutes=person.tz_offset // 60,
        is_guest=person.is_guest,
    )


def _as_copilot(person: Person) -> CopilotFacts:
    # Capacity and load are about making a new match: an existing pairing already holds its seat.
    return CopilotFacts(
        person_id=person.id,
        topics=frozenset(),
        team=person.org_team,
        level=person.level,
        utc_offset_minutes=person.tz_offset // 60,
        capacity=1,
        current_load=0,
        deactivated=person.is_deleted,
        is_bot=person.is_bot,
        is_guest=person.is_guest,
    )


def standing_block(
    session: Session,
    mentee: Person,
    copilot: Person,
    *,
    org: OrgChart | None = None,
    rules: MatchRules | None = None,
) -> BlockReason | None:
    """The lifetime rule a pairing (or pending offer) of these two now breaks, or None when it may go on."""
    org = org if org is not None else workspace_org_chart(session, mentee.team_id)
    rules = rules if rules is not None else match_rules(program.load(session, mentee.team_id))
    return standing_reason(as_mentee_facts(mentee), _as_copilot(copilot), org, rules)

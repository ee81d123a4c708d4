"""The pairs a planner plans, read in bulk: plain values from a few joined queries, no ORM objects.

``read_pairs`` reads one id-ordered chunk of pairings with both people and the timing terms of their
confirmed agreement in one query (plus the program settings of their workspaces), so planning 100,000
pairings costs a few statements per chunk. A ``PlannedPair`` answers the timing questions a ``Pair`` does (``cadence``,
``anchor``, ``window``, ``organiser``), from the same rules in `bot.checkins.pair`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from bot.checkins.pair import CHUNK, cadence_of, organiser_is_mentee
from bot.pairings import COPILOT, MEMBER_WIDTH, MENTEE, Member, member_at, member_columns, with_both_people
from bot.people import program_settings as program
from bot.people.languages import member_language
from bot.people.program_settings import ProgramSettings
from bot.rules.cadence import NudgeWindow
from storage.models import Agreement, CheckIn, Pairing


class PlannedPair(NamedTuple):
    """One pairing as a planner reads it (a named tuple: cheap to make 100,000 of)."""

    id: int
    team_id: str
    state: str
    cadence_column: str | None
    organiser_column: str | None
    channel_id: str | None
    created_at: datetime
    activated_at: datetime | None
    last_met_at: datetime | None
    next_checkin_at: datetime | None
    mentee: Member
    copilot: Member
    terms: dict[str, Any]  # the agreed timing terms only (TIMING_TERMS): what the planners read
    agreed_at: datetime | None
    program: ProgramSettings
    window: NudgeWindow  # the program's, built once per workspace (not once per pair)

    @property
    def cadence(self) -> str:
        return cadence_of(self.cadence_column, self.terms)

    @property
    def anchor(self) -> datetime:
        return self.last_met_at or self.agreed_at or self.activated_at or self.created_at

    def language_of(self, person: Member) -> str:
        """What one of the pair reads (their choice, their Slack locale, the workspace's language)."""
        return member_language(person, self.program.language)

    def languages(self) -> dict[str, str]:
        return {p.slack_user_id: self.language_of(p) for p in (self.mentee, self.copilot)}

    def organiser(self, cycle: int) -> Member:
        return self.mentee if organiser_is_mentee(self.organiser_column, self.terms, cycle) else self.copilot

    def partner_of(self, person: Member) -> Member:
        return self.copilot if person.id == self.mentee.id else self.mentee

    def members(self) -> list[str]:
        return [self.mentee.slack_user_id, self.copilot.slack_user_id]

    def in_group(self) -> bool:
        return self.program.checkin_delivery == "group"


class LatestCheckin(NamedTuple):
    cycle: int
    status: str
    scheduled_for: date | None


_PAIRING_COLUMNS = (
    Pairing.id,
    Pairing.team_id,
    Pairing.state,
    Pairing.cadence,
    Pairing.organiser,
    Pairing.channel_id,
    Pairing.created_at,
    Pairing.activated_at,
    Pairing.last_met_at,
    Pairing.next_checkin_at,
)
TIMING_TERMS = ("cadence", "organiser")


AGREED = aliased(Agreement, name="agreed")


def _latest_agreement() -> Any:
    """The id of the pairing's latest confirmed agreement (an index look-up per pairing, in SQL)."""
    return (
        select(Agreement.id)
        .where(Agreement.pairing_id == Pairing.id, Agreement.status == "confirmed")
        .order_by(Agreement.version.desc())
        .limit(1)
        .correlate(Pairing)
        .scalar_subquery()
    )


@functools.cache
def _pairs_query() -> Select[Any]:
    """Pairings with both people and their agreed timing terms, id-ordered: the agreement joined once
    (one look-up per pairing, where a subquery per column made three)."""
    people = member_columns(MENTEE) + member_columns(COPILOT)
    agreed = [AGREED.terms[name].as_string() for name in TIMING_TERMS]
    return (
        with_both_people(select(*_PAIRING_COLUMNS, *people, AGREED.confirmed_at, *agreed))
        .outerjoin(AGREED, AGREED.id == _latest_agreement())
        .order_by(Pairing.id)
    )


# Each caller's statement, built once: a new statement object per pass costs milliseconds even when its
# SQL is cached (building the joins and subqueries, then matching the cached result columns to the new
# object's), more than a small pass's whole SQL. Keyed by the criteria objects (kept alive here).
_STATEMENTS: dict[tuple[Any, ...], tuple[Select[Any], tuple[ColumnElement[bool], ...]]] = {}
_MAX_STATEMENTS = 64


def _statement(criteria: tuple[ColumnElement[bool], ...], limit: int, lock: bool) -> Select[Any]:
    key = (tuple(map(id, criteria)), limit, lock)
    found = _STATEMENTS.get(key)
    if found is None:
        query = _pairs_query().where(*criteria, Pairing.id > bindparam("after_id")).limit(limit)
        if lock:
            query = query.with_for_update(of=Pairing, skip_locked=True)
        if len(_STATEMENTS) >= _MAX_STATEMENTS:  # a caller building new criteria each time
            _STATEMENTS.clear()
        found = _STATEMENTS[key] = (query, criteria)
    return found[0]


def read_pairs(
    session: Session,
    *criteria: ColumnElement[bool],
    params: Mapping[str, Any] | None = None,
    after_id: int = 0,
    limit: int = CHUNK,
    lock: bool = False,
) -> list[PlannedPair]:
    """The next chunk (ids above `after_id`) of pairings matching `criteria`, with both people and the
    timing terms of their confirmed agreement, in one query.

    Give the same `criteria` objects every pass (module constants, their changing values as
    ``bindparam``s filled from `params`): the statement is then built once and reused as it is.
    With `lock`, PostgreSQL locks the pairings it returns and skips those another planner holds, so two
    schedulers plan disjoint pairings. A pairing missing one of its people is left out.
    """
    query = _statement(criteria, limit, lock and session.get_bind().dialect.name != "sqlite")
    session.flush()  # as the ORM's autoflush would: the rows read see this transaction's changes
    rows = session.connection().execute(query, {"after_id": after_id, **(params or {})}).all()
    programs = {team: program.load(session, team) for team in {row[1] for row in rows}}
    windows = {team: settings.nudge_window() for team, settings in programs.items()}
    found = []
    width, n = len(_PAIRING_COLUMNS), MEMBER_WIDTH
    after_people = width + 2 * n
    for row in rows:
        terms = {}
        cadence, organiser = row[after_people + 1], row[after_people + 2]  # TIMING_TERMS' order
        if cadence:
            terms["cadence"] = cadence
        if organiser:
            terms["organiser"] = organiser
        found.append(
            PlannedPair(
                *row[:width],
                mentee=member_at(row, width),
                copilot=member_at(row, width + n),
                terms=terms,
                agreed_at=row[after_people],
                program=programs[row[1]],
                window=windows[row[1]],
            )
        )
    return found


@functools.cache
def _latest_query() -> Select[Any]:
    """SQLite's: each pairing's highest cycle, joined back to its row (both sides read by the unique
    (pairing_id, cycle) index, so a chunk costs its own check-ins, never the whole table)."""
    ids = bindparam("pairing_ids", expanding=True)
    newest = (
        select(CheckIn.pairing_id, func.max(CheckIn.cycle).label("cycle"))
        .where(CheckIn.pairing_id.in_(ids))
        .group_by(CheckIn.pairing_id)
        .subquery()
    )
    return select(CheckIn.pairing_id, CheckIn.cycle, CheckIn.status, CheckIn.scheduled_for).join(
        newest, (CheckIn.pairing_id == newest.c.pairing_id) & (CheckIn.cycle == newest.c.cycle)
    )


# PostgreSQL's: one array parameter (a 1,000-id IN list is a 20 kB statement the driver parses on every
# chunk) and DISTINCT ON, an index scan of the chunk's check-ins (the join above hashed the whole table).
_LATEST_SQL = (
    "SELECT DISTINCT ON (pairing_id) pairing_id, cycle, status, scheduled_for FROM checkins"
    " WHERE pairing_id = ANY(%b::integer[]) ORDER BY pairing_id, cycle DESC"
)


def latest_checkins(session: Session, pairing_ids: Sequence[int]) -> dict[int, LatestCheckin]:
    """Each pairing's check-in with the highest cycle (one statement, built once)."""
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql(_LATEST_SQL, (list(pairing_ids),)).all()
    else:
        rows = connection.execute(_latest_query(), {"pairing_ids": list(pairing_ids)}).all()
    return {pairing_id: LatestCheckin(cycle, status, until) for pairing_id, cycle, status, until in rows}

"""The org chart: who reports to whom, which team people are on, their title and level.

Matching uses it for a hard rule (nobody is paired inside their own reporting line) and for scoring
(team, level). It comes from a CSV import (``mentor-bot import-org``) or from an admin's
``/mentor admin person`` form.

CSV columns: ``email`` or ``slack_id``; ``manager_email`` or ``manager_slack_id``; ``team``; ``title``;
``level`` (a whole number). A column left out of the file is left alone in the database; a blank
cell in a column that is there clears the value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.matching import find_manager_cycles
from bot.people import (
    UnknownSlackUser,
    call_patiently,
    display_name,
    ensure_person,
    find_person,
    reporting_chain,
    upsert_person,
)
from bot.runtime import Runtime
from storage.models import Person

ID_COLUMNS = ("slack_id", "email")
MANAGER_COLUMNS = ("manager_slack_id", "manager_email")
DETAIL_COLUMNS = ("team", "title", "level")
KNOWN_COLUMNS = frozenset(ID_COLUMNS + MANAGER_COLUMNS + DETAIL_COLUMNS)
MAX_TEXT = 200  # people.org_team and people.title
MAX_LEVEL = 99
# A stored person whose Slack details are this fresh is trusted for an email, saving a Slack call.
EMAIL_TRUST = timedelta(hours=24)


class OrgFileError(ValueError):
    """The file cannot be imported at all (not CSV, or no column saying who each row is)."""


@dataclass(frozen=True)
class OrgRow:
    line: int
    slack_id: str
    email: str
    manager_slack_id: str
    manager_email: str
    team: str
    title: str
    level: int | None


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class OrgFile:
    rows: list[OrgRow]
    problems: list[RowProblem]
    columns: frozenset[str]
    ignored_columns: list[str]

    @property
    def sets_manager(self) -> bool:
        return any(c in self.columns for c in MANAGER_COLUMNS)


@dataclass
class ImportReport:
    source: str
    team_id: str
    rows_read: int = 0
    changes: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    cycles: list[list[str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.cycles

    def lines(self) -> list[str]:
        out = [
            f"Imported {self.source} into workspace {self.team_id}: {self.rows_read} row(s) read, "
            f"{len(self.changes)} changed, {self.unchanged} unchanged, {len(self.problems)} bad."
        ]
        if self.ignored_columns:
            out.append(f"Ignored column(s) I don't know: {', '.join(self.ignored_columns)}.")
        if self.changes:
            out.append("Changes:")
            out.extend(f"  {change}" for change in self.changes)
        if self.problems:
            kept = " The good rows were saved." if self.changes or self.unchanged else ""
            out.append(f"Bad rows (skipped; fix them and import the file again).{kept}")
            out.extend(f"  {problem}" for problem in self.problems)
        if self.cycles:
            out.append("Manager loops (saved as given; fix them in the file and import again):")
            out.extend("  " + " → ".join([*cycle, cycle[0]]) for cycle in self.cycles)
        return out


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def parse_org_csv(text: str) -> OrgFile:
    """Read the CSV into rows; rows that can't be read are problems, by line number."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise OrgFileError("The file is empty.") from None
    except csv.Error as exc:
        raise OrgFileError(f"This is not a CSV file I can read ({exc}).") from None
    keys = [_header_key(h) for h in header]
    columns = frozenset(k for k in keys if k in KNOWN_COLUMNS)
    if not columns & set(ID_COLUMNS):
        raise OrgFileError(
            "The file needs an `email` or a `slack_id` column to say who each row is. "
            f"Its columns are: {', '.join(h.strip() for h in header) or '(none)'}."
        )
    ignored = [h.strip() for h, k in zip(header, keys, strict=True) if k not in KNOWN_COLUMNS and h.strip()]
    rows: list[OrgRow] = []
    problems: list[RowProblem] = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(start, f"can't be read as CSV ({exc})"))
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        values = {
            k: cells[i].strip() if i < len(cells) else "" for i, k in enumerate(keys) if k in KNOWN_COLUMNS
        }
        row, reason = _row(start, values)
        if reason:
            problems.append(RowProblem(start, reason))
        elif row is not None:
            rows.append(row)
    return OrgFile(rows=rows, problems=problems, columns=columns, ignored_columns=ignored)


def _row(line: int, v: Mapping[str, str]) -> tuple[OrgRow | None, str | None]:
    slack_id, email = v.get("slack_id", ""), v.get("email", "").lower()
    if not slack_id and not email:
        return None, "no email or slack_id, so I can't tell who this is"
    level: int | None = None
    level_text = v.get("level", "")
    if level_text:
        try:
            level = int(level_text)
        except ValueError:
            return None, f"level must be a whole number, not “{level_text}”"
        if not 0 <= level <= MAX_LEVEL:
            return None, f"level must be between 0 and {MAX_LEVEL}, not {level}"
    for column in ("team", "title"):
        if len(v.get(column, "")) > MAX_TEXT:
            return None, f"{column} is longer than {MAX_TEXT} characters"
    return (
        OrgRow(
            line=line,
            slack_id=slack_id,
            email=email,
            manager_slack_id=v.get("manager_slack_id", ""),
            manager_email=v.get("manager_email", "").lower(),
            team=v.get("team", ""),
            title=v.get("title", ""),
            level=level,
        ),
        None,
    )


@dataclass
class _Resolver:
    """Finds (and creates or refreshes) people rows for Slack ids and emails, once per import."""

    runtime: Runtime
    session: Session
    client: WebClient
    team_id: str
    by_email: dict[str, Person | str] = field(default_factory=dict)  # email -> person, or why not
    by_id: dict[str, Person | str] = field(default_factory=dict)

    def find(self, slack_id: str, email: str) -> Person | str:
        return self.by_slack_id(slack_id) if slack_id else self.by_email_address(email)

    def by_slack_id(self, slack_id: str) -> Person | str:
        if slack_id not in self.by_id:
            try:
                self.by_id[slack_id] = ensure_person(
                    self.runtime, self.session, self.client, self.team_id, slack_id
                )
            except UnknownSlackUser as exc:
                self.by_id[slack_id] = f"no Slack user {slack_id} in this workspace ({exc.error})"
        return self.by_id[slack_id]

    def by_email_address(self, email: str) -> Person | str:
        if email not in self.by_email:
            self.by_email[email] = self._lookup(email)
        return self.by_email[email]

    def _lookup(self, email: str) -> Person | str:
        now = self.runtime.clock.now()
        stored = self.session.scalar(
            select(Person).where(
                Person.team_id == self.team_id,
                func.lower(Person.email) == email,
                Person.synced_at >= now - EMAIL_TRUST,
            )
        )
        if stored is not None:
            return stored
        try:
            user = call_patiently(self.client.users_lookupByEmail, email=email)["user"]
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown_error")
            if error == "users_not_found":
                return f"unknown email {email}: no one in this Slack workspace has it"
            return f"could not look up {email} in Slack ({error})"
        except SlackClientError as exc:
            return f"could not look up {email} in Slack ({type(exc).__name__})"
        person, _, _ = upsert_person(self.session, self.team_id, user, now)
        self.by_id[person.slack_user_id] = person
        return person


def _shown(value: object) -> str:
    return "(none)" if value in (None, "") else str(value)


def import_org(
    runtime: Runtime, team_id: str, client: WebClient, text: str, *, source: str = "the file"
) -> ImportReport:
    """Load an org chart CSV in one transaction. Good rows are saved even when others are bad."""
    org_file = parse_org_csv(text)
    report = ImportReport(source=source, team_id=team_id, ignored_columns=org_file.ignored_columns)
    report.problems.extend(org_file.problems)
    report.rows_read = len(org_file.rows) + len(org_file.problems)
    with runtime.db.transaction() as session:
        resolver = _Resolver(runtime, session, client, team_id)
        seen_on: dict[int, int] = {}  # person id -> line
        for row in org_file.rows:
            problem, change = _apply_row(session, resolver, org_file, row, seen_on)
            if problem:
                report.problems.append(RowProblem(row.line, problem))
            elif change:
                report.changes.append(f"line {row.line}: {change}")
            else:
                report.unchanged += 1
        session.flush()
        report.cycles = manager_cycles(session, team_id)
    report.problems.sort(key=lambda p: p.line)
    return report


def _apply_row(
    session: Session, resolver: _Resolver, org_file: OrgFile, row: OrgRow, seen_on: dict[int, int]
) -> tuple[str | None, str | None]:
    """Apply one row: (problem, None) if it is bad, else (None, description of what changed or None)."""
    found = resolver.find(row.slack_id, row.email)
    if isinstance(found, str):
        return found, None
    person = found
    name = display_name(person)
    if person.is_bot:
        return f"{row.slack_id or row.email} is a bot, not a person", None
    if person.id in seen_on:
        return f"{name} is already on line {seen_on[person.id]}", None

    changes: list[str] = []
    if org_file.sets_manager:
        manager: Person | None = None
        if row.manager_slack_id or row.manager_email:
            manager_found = resolver.find(row.manager_slack_id, row.manager_email)
            if isinstance(manager_found, str):
                return f"manager not found: {manager_found}", None
            manager = manager_found
            if manager.is_bot:
                return f"manager {row.manager_slack_id or row.manager_email} is a bot, not a person", None
            if manager.id == person.id:
                return f"{name} is listed as their own manager", None
        if person.manager_id != (manager.id if manager else None):
            old = session.get(Person, person.manager_id) if person.manager_id else None
            changes.append(
                f"manager {_shown(old and display_name(old))} → {_shown(manager and display_name(manager))}"
            )
            person.manager_id = manager.id if manager else None
    for column, attribute, value in (
        ("team", "org_team", row.team or None),
        ("title", "title", row.title or None),
        ("level", "level", row.level),
    ):
        if column in org_file.columns and getattr(person, attribute) != value:
            changes.append(f"{column} {_shown(getattr(person, attribute))} → {_shown(value)}")
            setattr(person, attribute, value)
    seen_on[person.id] = row.line
    return None, (f"{name}: " + "; ".join(changes)) if changes else None


def manager_cycles(session: Session, team_id: str) -> list[list[str]]:
    """Each loop in the workspace's manager links, by name."""
    rows = session.execute(
        select(Person.id, Person.manager_id).where(Person.team_id == team_id, Person.manager_id.is_not(None))
    ).all()
    cycles = find_manager_cycles({row.id: row.manager_id for row in rows})
    names = {
        p.id: display_name(p)
        for p in session.scalars(
            select(Person).where(Person.team_id == team_id, Person.id.in_({i for c in cycles for i in c}))
        )
    }
    return [[names.get(i, str(i)) for i in cycle] for cycle in cycles]


# --- One person's org details, as an admin edits them -----------------------------------------------


@dataclass(frozen=True)
class OrgDetails:
    manager_user_id: str | None
    org_team: str | None
    title: str | None
    level: int | None


def org_details_of(session: Session, team_id: str, user_id: str) -> OrgDetails | None:
    person = find_person(session, team_id, user_id)
    if person is None:
        return None
    manager = session.get(Person, person.manager_id) if person.manager_id else None
    return OrgDetails(
        manager_user_id=manager.slack_user_id if manager else None,
        org_team=person.org_team,
        title=person.title,
        level=person.level,
    )


def check_org_details(session: Session, team_id: str, user_id: str, details: OrgDetails) -> dict[str, str]:
    """Problems with the proposed details, keyed by field: manager, team, title, level."""
    errors: dict[str, str] = {}
    if details.manager_user_id == user_id:
        errors["manager"] = "Someone can't be their own manager."
    elif details.manager_user_id:
        person = find_person(session, team_id, user_id)
        manager = find_person(session, team_id, details.manager_user_id)
        if person is not None and manager is not None and person.id in reporting_chain(session, manager.id):
            errors["manager"] = (
                f"{display_name(manager)} already reports to {display_name(person)} (directly or further "
                "down), so this would make a loop."
            )
    if details.level is not None and not 0 <= details.level <= MAX_LEVEL:
        errors["level"] = f"Use a whole number from 0 to {MAX_LEVEL}."
    for key, value in (("team", details.org_team), ("title", details.title)):
        if value and len(value) > MAX_TEXT:
            errors[key] = f"Keep it to {MAX_TEXT} characters."
    return errors


class OrgDetailsRefused(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def save_org_details(
    runtime: Runtime, session: Session, client: WebClient, team_id: str, user_id: str, details: OrgDetails
) -> list[str]:
    """Store an admin's edit of one person's org details; returns what changed, in words."""
    errors = check_org_details(session, team_id, user_id, details)
    if errors:
        raise OrgDetailsRefused(errors)
    person = ensure_person(runtime, session, client, team_id, user_id)
    manager = (
        ensure_person(runtime, session, client, team_id, details.manager_user_id)
        if details.manager_user_id
        else None
    )
    changes: list[str] = []
    if person.manager_id != (manager.id if manager else None):
        old = session.get(Person, person.manager_id) if person.manager_id else None
        changes.append(
            f"manager {_shown(old and display_name(old))} → {_shown(manager and display_name(manager))}"
        )
        person.manager_id = manager.id if manager else None
    for label, attribute, value in (
        ("team", "org_team", details.org_team or None),
        ("title", "title", details.title or None),
        ("level", "level", details.level),
    ):
        if getattr(person, attribute) != value:
            changes.append(f"{label} {_shown(getattr(person, attribute))} → {_shown(value)}")
            setattr(person, attribute, value)
    return changes

"""Loading the org chart from a CSV file (``mentor-bot import-org``) into the people table, in one transaction.

Each good row is applied with ``bot.people.org_chart.apply_org_change``, the change-set the admin's person
form applies too; the file's format and its offline check are ``bot.people.org_csv``.

An import never saves a loop in the manager links: when the file would close one, the link from the
latest line in the loop is left as it was, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.people.directory import (
    UnknownSlackUser,
    call_patiently,
    display_name,
    ensure_person,
    run_org_hooks,
    upsert_person,
)
from bot.people.org_chart import UNCHANGED, OrgChange, apply_org_change, shown
from bot.people.org_csv import OrgFile, OrgRow, RowProblem, parse_org_csv
from bot.people.tombstones import recognise_returning
from bot.rules.matching.facts import find_manager_cycles
from bot.runtime import Runtime
from storage.models import Person

# A stored person whose Slack details are this fresh is trusted for an email, saving a Slack call.
EMAIL_TRUST = timedelta(hours=24)


@dataclass
class ImportReport:
    source: str
    team_id: str
    rows_read: int = 0
    changes: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    cycles: list[list[str]] = field(default_factory=list)
    cuts: list[str | None] = field(default_factory=list)  # per loop: the link left unsaved, or None
    ignored_columns: list[str] = field(default_factory=list)
    # what the new chart put inside a reporting line, undone: offers withdrawn, pairings ended
    not_allowed: list[str] = field(default_factory=list)

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
            out.append("Manager loops (not saved: fix them in the file and import again):")
            for cycle, cut in zip(self.cycles, self.cuts, strict=True):
                out.append("  " + " → ".join([*cycle, cycle[0]]))
                out.append(
                    f"    {cut}"
                    if cut
                    else "    already in the database before this import: fix it with /mentor admin person"
                )
        if self.not_allowed:
            out.append("The program's rules no longer allow these (each person was told only that):")
            out.extend(f"  {line}" for line in self.not_allowed)
        return out


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
        person, created, _ = upsert_person(self.session, self.team_id, user, now)
        if created:
            recognise_returning(self.runtime.settings, self.session, person)
        self.by_id[person.slack_user_id] = person
        return person


def import_org(
    runtime: Runtime, team_id: str, client: WebClient, text: str, *, source: str = "the file"
) -> ImportReport:
    """Load an org chart CSV in one transaction. Good rows are saved even when others are bad."""
    org_file = parse_org_csv(text)
    report = ImportReport(source=source, team_id=team_id, ignored_columns=org_file.ignored_columns)
    report.problems.extend(org_file.problems)
    report.rows_read = org_file.rows_read
    with runtime.db.transaction() as session:
        resolver = _Resolver(runtime, session, client, team_id)
        seen_on: dict[int, int] = {}  # person id -> line
        applied: dict[int, _Applied] = {}  # line -> what the row changed
        for row in org_file.rows:
            result = _apply_row(session, resolver, org_file, row, seen_on)
            if isinstance(result, str):
                report.problems.append(RowProblem(row.line, result))
            else:
                applied[row.line] = result
        session.flush()
        report.cycles, report.cuts = _cut_loops(session, team_id, applied)
        for line, done in sorted(applied.items()):
            if done.changes:
                report.changes.append(f"line {line}: {done.name}: " + "; ".join(done.changes))
            else:
                report.unchanged += 1
        if report.changes:
            report.not_allowed = run_org_hooks(runtime, session, team_id)
    report.problems.sort(key=lambda p: p.line)
    return report


@dataclass
class _Applied:
    """One row as applied: the person, their manager before, and what changed in words."""

    person: Person
    name: str
    old_manager_id: int | None
    manager_changed: bool
    changes: list[str]


def _apply_row(
    session: Session, resolver: _Resolver, org_file: OrgFile, row: OrgRow, seen_on: dict[int, int]
) -> _Applied | str:
    """Apply one row: the problem if it is bad, else what it changed."""
    found = resolver.find(row.slack_id, row.email)
    if isinstance(found, str):
        return found
    person = found
    name = display_name(person)
    if person.is_bot:
        return f"{row.slack_id or row.email} is a bot, not a person"
    if person.id in seen_on:
        return f"{name} is already on line {seen_on[person.id]}"

    manager: Person | None = None
    if org_file.sets_manager and (row.manager_slack_id or row.manager_email):
        manager_found = resolver.find(row.manager_slack_id, row.manager_email)
        if isinstance(manager_found, str):
            return f"manager not found: {manager_found}"
        manager = manager_found
        if manager.is_bot:
            return f"manager {row.manager_slack_id or row.manager_email} is a bot, not a person"
        if manager.id == person.id:
            return f"{name} is listed as their own manager"
    change = OrgChange(
        manager=manager if org_file.sets_manager else UNCHANGED,
        org_team=(row.team or None) if "team" in org_file.columns else UNCHANGED,
        title=(row.title or None) if "title" in org_file.columns else UNCHANGED,
        level=row.level if "level" in org_file.columns else UNCHANGED,
    )
    old_manager_id = person.manager_id
    changes = apply_org_change(session, person, change)
    if "start_date" in org_file.columns and person.start_date != row.start_date:
        person.start_date = row.start_date
        changes.append(f"start date {row.start_date.isoformat() if row.start_date else '(none)'}")
    done = _Applied(person, name, old_manager_id, person.manager_id != old_manager_id, changes)
    seen_on[person.id] = row.line
    return done


def _cut_loops(
    session: Session, team_id: str, applied: dict[int, _Applied]
) -> tuple[list[list[str]], list[str | None]]:
    """Undo, in each manager loop, the link this import set on its latest line; repeat until no loop has
    a link from this import. Each undo restores one person's previous manager, so this ends.

    Returns every loop found (by name) and, for each, what was left unsaved (None: an older loop)."""
    set_by_import = {done.person.id: line for line, done in applied.items() if done.manager_changed}
    cycles: list[list[str]] = []
    cuts: list[str | None] = []
    seen: set[tuple[int, ...]] = set()
    while True:
        fresh = [c for c in _cycles_by_id(session, team_id) if tuple(c) not in seen]
        if not fresh:
            break
        cut_any = False
        for cycle in fresh:
            seen.add(tuple(cycle))
            ours = [p for p in cycle if p in set_by_import]
            cycles.append(_names(session, cycle))
            if not ours:
                cuts.append(None)
                continue
            line = max(set_by_import[p] for p in ours)
            done = applied[line]
            person = done.person
            wanted = session.get(Person, person.manager_id)
            person.manager_id = done.old_manager_id
            del set_by_import[person.id]
            kept = session.get(Person, done.old_manager_id) if done.old_manager_id else None
            done.changes = [c for c in done.changes if not c.startswith("manager ")]
            cuts.append(
                f"line {line}: {done.name} → {shown(wanted and display_name(wanted))} was not saved; "
                f"{done.name}'s manager stays {shown(kept and display_name(kept))}"
            )
            cut_any = True
        session.flush()
        if not cut_any:
            break
    return cycles, cuts


def _cycles_by_id(session: Session, team_id: str) -> list[list[int]]:
    rows = session.execute(
        select(Person.id, Person.manager_id).where(Person.team_id == team_id, Person.manager_id.is_not(None))
    ).all()
    return find_manager_cycles({row.id: row.manager_id for row in rows})


def _names(session: Session, cycle: list[int]) -> list[str]:
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(cycle)))}
    return [display_name(people[i]) if i in people else str(i) for i in cycle]

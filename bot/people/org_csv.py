"""The org chart CSV as a file: reading it, row by row, and checking it offline.

CSV columns: ``email`` or ``slack_id``; ``manager_email`` or ``manager_slack_id``; ``team``; ``title``;
``level`` (a whole number); ``start_date`` (YYYY-MM-DD, a new hire's first day: an onboarding buddy can
start on it). A column left out of the file is left alone in the database; a blank
cell in a column that is there clears the value.

``check_org_file`` is ``mentor-bot import-org --check``: everything that can be known without Slack or
the database (CSV errors, bad cells, a person on two lines, their own manager, loops among the file's
own rows), reported by line. ``bot.people.org_import`` imports the rows into the database.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.rules.matching.facts import find_manager_cycles
from bot.rules.org_details import MAX_LEVEL, MAX_TEXT

ID_COLUMNS = ("slack_id", "email")
MANAGER_COLUMNS = ("manager_slack_id", "manager_email")
DETAIL_COLUMNS = ("team", "title", "level", "start_date")
KNOWN_COLUMNS = frozenset(ID_COLUMNS + MANAGER_COLUMNS + DETAIL_COLUMNS)
SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]+")


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
    start_date: date | None = None

    @property
    def who(self) -> str:
        return self.slack_id or self.email

    @property
    def manager(self) -> str:
        return self.manager_slack_id or self.manager_email


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

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.problems)


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _csv_problem(exc: csv.Error) -> str:
    if "unexpected end of data" in str(exc):
        return (
            "can't be read as CSV: a quoted value starts on this line and its closing quote (\") is "
            "missing, so nothing from here on could be read"
        )
    return f"can't be read as CSV ({exc}); nothing from here on was read"


def parse_org_csv(text: str) -> OrgFile:
    """Read the CSV into rows; rows that can't be read are problems, by line number."""
    # strict: an unclosed quote is an error on its line, not a cell that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
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
            problems.append(RowProblem(start, _csv_problem(exc)))
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
    for column in ("slack_id", "manager_slack_id"):
        value = v.get(column, "")
        if value and not SLACK_USER_ID.fullmatch(value):
            return None, f"{column} “{value}” is not a Slack user id (U… or W…, capital letters and digits)"
    for column in ("email", "manager_email"):
        value = v.get(column, "")
        if value and "@" not in value.strip("@"):
            return None, f"{column} “{value}” is not an email address"
    level: int | None = None
    level_text = v.get("level", "")
    if level_text:
        try:
            level = int(level_text)
        except ValueError:
            return None, f"level must be a whole number, not “{level_text}”"
        if not 0 <= level <= MAX_LEVEL:
            return None, f"level must be between 0 and {MAX_LEVEL}, not {level}"
    start_date: date | None = None
    start_text = v.get("start_date", "")
    if start_text:
        try:
            start_date = date.fromisoformat(start_text)
        except ValueError:
            return None, f"start_date must be a date like 2026-03-02, not “{start_text}”"
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
            start_date=start_date,
        ),
        None,
    )


# --- The offline check ---------------------------------------------------------------------------


@dataclass
class CheckReport:
    source: str
    rows_read: int = 0
    good: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    loops: list[list[OrgRow]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.loops

    def lines(self) -> list[str]:
        out = [
            f"Checked {self.source}: {self.rows_read} row(s) read, {self.good} ready to import, "
            f"{len(self.problems)} bad. Nothing was saved and Slack was not asked."
        ]
        if self.ignored_columns:
            out.append(f"Ignored column(s) I don't know: {', '.join(self.ignored_columns)}.")
        if self.problems:
            out.append("Bad rows (an import would skip them):")
            out.extend(f"  {problem}" for problem in self.problems)
        if self.loops:
            out.append("Manager loops in the file (an import would not save the link that closes each):")
            for loop in self.loops:
                names = " → ".join([*(row.who for row in loop), loop[0].who])
                out.append(f"  {names} (lines {', '.join(str(row.line) for row in loop)})")
        if self.good:
            out.append("Slack ids and emails are looked up in Slack when you import the file.")
        return out


def check_org_file(text: str, *, source: str = "the file") -> CheckReport:
    """Everything about the file that needs neither Slack nor the database. Raises OrgFileError."""
    org_file = parse_org_csv(text)
    report = CheckReport(
        source=source, rows_read=org_file.rows_read, ignored_columns=org_file.ignored_columns
    )
    report.problems.extend(org_file.problems)
    node_of: dict[str, int] = {}  # a slack id or an email -> the row's index, so either names the person
    kept: list[OrgRow] = []
    for row in org_file.rows:
        seen = _node(node_of, row.slack_id, row.email)
        if seen is not None:
            report.problems.append(RowProblem(row.line, f"{row.who} is already on line {kept[seen].line}"))
        elif row.manager and row.manager in (row.slack_id, row.email):
            report.problems.append(RowProblem(row.line, f"{row.who} is listed as their own manager"))
        else:
            for key in (row.slack_id, row.email):
                if key:
                    node_of[key] = len(kept)
            kept.append(row)
    report.good = len(kept)
    if org_file.sets_manager:
        managers = {i: _node(node_of, row.manager_slack_id, row.manager_email) for i, row in enumerate(kept)}
        report.loops = [[kept[i] for i in cycle] for cycle in find_manager_cycles(managers)]
    report.problems.sort(key=lambda p: p.line)
    return report


def _node(node_of: Mapping[str, int], *keys: str) -> int | None:
    return next((node_of[key] for key in keys if key and key in node_of), None)

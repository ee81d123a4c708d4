"""A CSV of every pairing in a workspace: program-level fields only (no goals, answers or notes)."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.oversight.program_facts import meeting_counts, program_facts
from bot.rules.summary_figures import health_of, last_met, meetings_by_pairing
from bot.runtime import Runtime

log = logging.getLogger(__name__)

# The header row and the coded values (state, health, cadence, yes/no) stay English in every language: the
# file is for spreadsheets and scripts, and one set of column names lets an admin's formulas and imports
# work whoever exported it. What a person reads about the export (the upload's title) is translated.
COLUMNS = (
    "pairing_id",
    "mentee",
    "mentee_slack_id",
    "copilot",
    "copilot_slack_id",
    "mentee_team",
    "copilot_team",
    "state",
    "health",
    "created",
    "activated",
    "ended",
    "end_reason",
    "cadence",
    "last_met",
    "meetings",
    "cross_team",
)


@dataclass(frozen=True)
class Export:
    team_id: str
    rows: int
    csv_text: str

    @property
    def filename(self) -> str:
        return f"mentoring-pairings-{self.team_id}.csv"


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


# OWASP's CSV injection guidance: a cell a spreadsheet could read as a formula starts with one of these
# (tab and carriage return included, and the full-width forms some spreadsheets also accept). Such a cell
# gets a leading apostrophe, and every cell is quoted, with inner double quotes doubled (csv.QUOTE_ALL).
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def _cell(value: object) -> str:
    """A value as a CSV cell no spreadsheet runs: names and teams are people's own text. Leading spaces
    (and other blanks) are looked past, since some spreadsheets trim them before reading a formula."""
    text = "" if value is None else str(value)
    risky = text[:1] in FORMULA_STARTS or text.lstrip().lstrip("\ufeff")[:1] in FORMULA_STARTS
    return "'" + text if risky else text


def export_pairings(runtime: Runtime, team_id: str) -> Export:
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        facts = program_facts(session, team_id, now)
        counts = meeting_counts(session, team_id)
    met_by = meetings_by_pairing(facts.meetings)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(COLUMNS)  # our own fixed names
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for p in facts.pairings:
        mentee, copilot = facts.people.get(p.mentee_id), facts.people.get(p.copilot_id)
        met = last_met(p, met_by.get(p.id, ()))
        writer.writerow(
            _cell(value)
            for value in [
                p.id,
                mentee.name if mentee else "",
                mentee.slack_user_id if mentee else "",
                copilot.name if copilot else "",
                copilot.slack_user_id if copilot else "",
                (mentee.org_team or "") if mentee else "",
                (copilot.org_team or "") if copilot else "",
                p.state,
                health_of(p, met, now) or p.state,
                _when(p.created_at),
                _when(p.activated_at),
                _when(p.ended_at),
                p.end_reason or "",
                p.cadence or "",
                _when(met),
                counts.get(p.id, 0),
                "yes" if p.cross_team else "no",
            ]
        )
    return Export(team_id=team_id, rows=len(facts.pairings), csv_text=out.getvalue())


class UploadFailed(Exception):
    pass


def upload_to_dm(client: WebClient, user_id: str, *, content: bytes | str, filename: str, title: str) -> str:
    """Upload a file into the bot's DM with someone (files upload v2). Returns the DM channel id."""
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(channel=channel, content=content, filename=filename, title=title)
    except (SlackApiError, SlackClientError) as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("file upload failed (%s)", error)
        raise UploadFailed(str(error)) from None
    return channel

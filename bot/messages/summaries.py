"""Summaries, the weekly digest and the App Home sections for mentees, copilots, leads and admins.

Pure functions from data to Block Kit. Names are the only people-typed text shown here, and are escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.messages.buddies import summary_line as buddy_summary_line
from bot.messages.text import (
    actions,
    button,
    context,
    divider,
    escape,
    format_date,
    format_moment,
    header,
    mention,
    section,
)
from bot.rules.cadence import cadence_name, safe_zone
from bot.rules.lifecycle import PairingState
from bot.rules.pulse_privacy import PULSE_MIN_ANSWERS
from bot.rules.summary_figures import (
    HEALTH_LABELS,
    HEALTHS,
    PairingRow,
    Summary,
    WeekChanges,
)

MESSAGE_BLOCK_LIMIT = 50
ROWS_PER_SECTION = 10
ROWS_PER_PAGE = 40  # 4 sections: a page stays far under 50 blocks
HOME_ROWS = 20

SUMMARY_PAGE_ACTION = "summary_page"
DIGEST_OFF_ACTION = "digest_off"
DIGEST_ON_ACTION = "digest_on"
EXPORT_ACTION = "summary_export_csv"
SETTINGS_OPEN_ACTION = "program_settings_open"


@dataclass(frozen=True)
class MyPairing:
    """One of the person's open pairings, as their own status shows it."""

    pairing_id: int
    role: str  # "mentee" or "copilot"
    partner_user_id: str
    partner_name: str
    state: str
    next_checkin_at: datetime | None
    agreement_confirmed_at: datetime | None


@dataclass(frozen=True)
class MyStatus:
    """What one person may always see about themselves."""

    user_id: str
    tz: str
    request_status: str | None  # their newest request still waiting: "open" / "offered"
    request_since: datetime | None
    pairings: list[MyPairing]
    offers_awaiting: int  # offers to be someone's copilot, waiting for their answer
    digest_enabled: bool


def _day(value: date | None) -> str:
    return format_date(value, year=True) if value else "never"


def _local(moment: datetime, tz: str) -> str:
    return format_moment(moment, safe_zone(tz))


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def figures_text(summary: Summary) -> str:
    waits = ""
    if summary.open_requests:
        waits = (
            f" (longest waiting {_plural(summary.longest_wait_days or 0, 'day')}, "
            f"median {summary.median_wait_days:g} days)"
        )
    counts = " · ".join(f"{HEALTH_LABELS[h]}: {summary.health_counts.get(h, 0)}" for h in HEALTHS)
    to_active = (
        f"{summary.median_days_to_active:g} days (median)"
        if summary.median_days_to_active is not None
        else "no pairings from requests yet"
    )
    cross = f"{summary.cross_team_share:.0%}" if summary.cross_team_share is not None else "–"
    if summary.pulse is not None:
        pulse = (
            f"{summary.pulse.low} to {summary.pulse.high} out of 5, from {summary.pulse.people_at_least} or "
            f"more people (as of {_day(summary.pulse.as_of)}; it moves weekly, once 3 more have answered)"
        )
    else:
        pulse = f"not shown until at least {PULSE_MIN_ANSWERS} people have answered"
    lines = [
        f"*Participants:* {_plural(summary.mentees, 'mentee')} · {_plural(summary.copilots, 'copilot')} · "
        f"{_plural(summary.volunteers_with_room, 'volunteer')} with room for another mentee",
        f"*Requests:* {summary.open_requests} open{waits} · {summary.pending_offers} offers awaiting an answer",
        f"*Pairings:* {counts}",
        f"*Meetings logged:* {summary.meetings_30} in the last 30 days · {summary.meetings_90} in the last 90",
        f"*From request to active pairing:* {to_active}",
        f"*Across teams:* {cross} of open pairings",
        f"*Introductions:* {summary.introductions_made} made · {summary.introductions_completed} completed",
        f"*Pulse:* {pulse}",
    ]
    if summary.buddies is not None:
        lines.append(
            buddy_summary_line(summary.buddies.active, summary.buddies.finding, summary.buddies.ended)
        )
    return "\n".join(lines)


def row_line(row: PairingRow) -> str:
    return (
        f"• {escape(row.mentee)} ↔ {escape(row.copilot)} · since {_day(row.started)} · "
        f"{cadence_name(row.cadence)} · last met {_day(row.last_met)} · "
        f"*{HEALTH_LABELS[row.health]}*"
    )


def row_sections(rows: list[PairingRow]) -> list[dict[str, Any]]:
    return [
        section("\n".join(row_line(r) for r in rows[i : i + ROWS_PER_SECTION]))
        for i in range(0, len(rows), ROWS_PER_SECTION)
    ]


def page_count(summary: Summary) -> int:
    return max(1, -(-len(summary.rows) // ROWS_PER_PAGE))


def summary_text(summary: Summary) -> str:
    return f"Mentoring summary for {summary.scope.label}"


def summary_blocks(summary: Summary, page: int = 1) -> list[dict[str, Any]]:
    """One page of the summary for a message (well under 50 blocks whatever the number of pairings)."""
    pages = page_count(summary)
    page = min(max(1, page), pages)
    blocks: list[dict[str, Any]] = []
    if page == 1:
        blocks += [
            header(f"Mentoring: {summary.scope.label}"),
            section(figures_text(summary)),
            context("Program-level facts only: what pairs discuss, their goals and notes are never shown."),
        ]
    rows = summary.rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
    if rows:
        blocks.append(section(f"*Open pairings* (page {page} of {pages}, most in need of attention first)"))
        blocks += row_sections(rows)
    else:
        blocks.append(section("*Open pairings:* none yet."))
    nav = []
    if page > 1:
        nav.append(button("Previous", SUMMARY_PAGE_ACTION + "_prev", str(page - 1)))
    if page < pages:
        nav.append(button("Show more", SUMMARY_PAGE_ACTION, str(page + 1)))
    if nav:
        blocks.append(actions(*nav, block_id="summary_pages"))
    return blocks


def my_status_lines(status: MyStatus) -> list[str]:
    lines: list[str] = []
    if status.request_status == "open":
        lines.append(f"You asked for a copilot on {_local(status.request_since, status.tz)}: still looking.")  # type: ignore[arg-type]
    elif status.request_status == "offered":
        lines.append("Your request for a copilot has been offered to a volunteer: waiting for their answer.")
    for p in status.pairings:
        who = mention(p.partner_user_id) if p.partner_user_id else escape(p.partner_name)
        line = f"Your copilot: {who}" if p.role == "mentee" else f"You are copilot to {who}"
        if p.state == PairingState.SETTING_EXPECTATIONS:
            line += " · setting expectations"
        elif p.state == PairingState.PAUSED:
            line += " · paused"
        elif p.next_checkin_at is not None:
            line += f" · next check-in {_local(p.next_checkin_at, status.tz)}"
        if p.agreement_confirmed_at is not None:
            line += f" · agreement confirmed {_local(p.agreement_confirmed_at, status.tz)}"
        lines.append(line)
    if status.offers_awaiting:
        lines.append(
            f"{_plural(status.offers_awaiting, 'offer')} to be someone's copilot awaiting your answer."
        )
    return lines


def participant_text() -> str:
    return "Your mentoring status"


def participant_blocks(status: MyStatus) -> list[dict[str, Any]]:
    lines = my_status_lines(status) or [
        "You have no copilot and no open request. `/mentor request` asks for one; "
        "`/mentor volunteer` offers to be one."
    ]
    return [
        section("*Your mentoring status*\n" + "\n".join(lines)),
        context(
            "Summaries of pairings are for team leads and program admins, and even they see dates and "
            "counts only, never what was said."
        ),
    ]


# --- App Home sections ---------------------------------------------------------------------------


def digest_toggle(enabled: bool) -> dict[str, Any]:
    if enabled:
        return button("Turn off weekly digest", DIGEST_OFF_ACTION)
    return button("Turn on weekly digest", DIGEST_ON_ACTION)


def team_home_blocks(summary: Summary, digest_enabled: bool) -> list[dict[str, Any]]:
    """The Team section of a lead's home (at most 8 blocks + rows)."""
    rows = summary.rows[:HOME_ROWS]
    blocks: list[dict[str, Any]] = [
        divider(),
        header("Team"),
        section(figures_text(summary)),
        *row_sections(rows),
    ]
    if len(summary.rows) > HOME_ROWS:
        blocks.append(
            context(f"{len(summary.rows) - HOME_ROWS} more pairings: `/mentor summary` lists them all.")
        )
    blocks.append(actions(digest_toggle(digest_enabled), block_id="team_digest"))
    blocks.append(
        context("Weekly digest: Monday 09:00 your time. " + ("It's on." if digest_enabled else "It's off."))
    )
    return blocks


def admin_home_blocks(summary: Summary) -> list[dict[str, Any]]:
    return [
        divider(),
        header("Program"),
        section(figures_text(summary)),
        actions(
            button("Program settings", SETTINGS_OPEN_ACTION),
            button("Export pairings (CSV)", EXPORT_ACTION),
            block_id="program_admin",
        ),
        context("`/mentor summary` lists every open pairing, most in need of attention first."),
    ]


# --- the weekly digest ---------------------------------------------------------------------------


def digest_text(summary: Summary) -> str:
    counts = summary.health_counts
    return (
        f"Your weekly mentoring digest for {summary.scope.label}: "
        f"{counts.get('on_track', 0)} on track, {counts.get('overdue', 0)} check-in overdue, "
        f"{counts.get('stalled', 0)} stalled."
    )


def digest_blocks(summary: Summary, changes: WeekChanges) -> list[dict[str, Any]]:
    if changes.first_digest:
        change = f"*This week:* {_plural(changes.new_pairings, 'new pairing')} (your first digest: no comparison yet)"
    else:
        change = (
            f"*Since last week:* {_plural(changes.new_pairings, 'new pairing')} · "
            f"{changes.newly_stalled} newly stalled"
        )
    needing = [r for r in summary.rows if r.health in ("stalled", "overdue")][:20]
    blocks: list[dict[str, Any]] = [
        header("Your weekly mentoring digest"),
        section(f"*{escape(summary.scope.label)}*\n{change}"),
        section(figures_text(summary)),
    ]
    if needing:
        blocks.append(section("*Might need a nudge from you*"))
        blocks += row_sections(needing)
    blocks.append(actions(digest_toggle(True), block_id="digest_settings"))
    blocks.append(
        context(
            "Program-level facts only: what pairs discuss is never shown. A chart of the last 12 weeks follows."
        )
    )
    return blocks


def chart_title(summary: Summary) -> str:
    return f"Pairings by health, last 12 weeks: {summary.scope.label}"


# --- short replies -------------------------------------------------------------------------------


def digest_changed_text(enabled: bool) -> str:
    if enabled:
        return "Your weekly mentoring digest is on: Monday 09:00 your time."
    return "Your weekly mentoring digest is off. Turn it back on from the mentor-bot Home tab."


def not_lead_text() -> str:
    return "Summaries are for team leads and program admins. Here is your own status instead."


def export_done_text(rows: int) -> str:
    return f"Here are {_plural(rows, 'pairing')}, program-level fields only."


def export_failed_text() -> str:
    return "Slack didn't accept the CSV upload. Please try again in a moment."


def admins_only_text(what: str) -> str:
    return f"Only program admins can {what}."

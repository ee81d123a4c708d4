"""Summaries, the weekly digest and the App Home sections for mentees, copilots, leads and admins.

Pure functions from data to Block Kit. Names are the only people-typed text shown here, and are escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.numbers import format_percent

from bot.i18n import _, current_locale, format_number, n_
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
    Scope,
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
    return format_date(value, year=True) if value else _("never")


def _local(moment: datetime, tz: str) -> str:
    return format_moment(moment, safe_zone(tz))


def scope_label(scope: Scope) -> str:
    """Whose pairings a summary covers, in the reader's words: "Lea Berg's people", "the whole workspace"."""
    if scope.is_workspace:
        return _("the whole workspace")
    return _("{name}'s people", name=scope.lead_name)


def health_label(health: str) -> str:
    return _(HEALTH_LABELS[health])


def _days(days: float) -> str:
    """A number of days that may be a median: "3 days", "1 day", "1.5 days"."""
    if days == int(days):
        return n_("{count} day", "{count} days", int(days))
    return _("{days} days", days=format_number(days, digits=1))


def _requests_line(summary: Summary) -> str:
    if summary.open_requests:
        open_requests = n_(
            "{count} open (longest waiting {longest}, median {median})",
            "{count} open (longest waiting {longest}, median {median})",
            summary.open_requests,
            longest=_days(summary.longest_wait_days or 0),
            median=_days(summary.median_wait_days or 0),
        )
    else:
        open_requests = n_("{count} open", "{count} open", summary.open_requests)
    offers = n_(
        "{count} offer awaiting an answer", "{count} offers awaiting an answer", summary.pending_offers
    )
    return _("*Requests:* {open_requests} · {offers}", open_requests=open_requests, offers=offers)


def _pulse_line(summary: Summary) -> str:
    if summary.pulse is not None:
        pulse = _(
            "{low} to {high} out of 5, from {people} or more people "
            "(as of {day}; it moves weekly, once 3 more have answered)",
            low=summary.pulse.low,
            high=summary.pulse.high,
            people=summary.pulse.people_at_least,
            day=_day(summary.pulse.as_of),
        )
    else:
        pulse = n_(
            "not shown until at least {count} person has answered",
            "not shown until at least {count} people have answered",
            PULSE_MIN_ANSWERS,
        )
    return _("*Pulse:* {pulse}", pulse=pulse)


def figures_text(summary: Summary) -> str:
    participants = _(
        "*Participants:* {mentees} · {copilots} · {volunteers}",
        mentees=n_("{count} mentee", "{count} mentees", summary.mentees),
        copilots=n_("{count} copilot", "{count} copilots", summary.copilots),
        volunteers=n_(
            "{count} volunteer with room for another mentee",
            "{count} volunteers with room for another mentee",
            summary.volunteers_with_room,
        ),
    )
    counts = " · ".join(
        _("{health}: {count}", health=health_label(h), count=summary.health_counts.get(h, 0)) for h in HEALTHS
    )
    if summary.median_days_to_active is not None:
        to_active = _("{days} (median)", days=_days(summary.median_days_to_active))
    else:
        to_active = _("no pairings from requests yet")
    cross = (
        format_percent(summary.cross_team_share, locale=current_locale())
        if summary.cross_team_share is not None
        else "–"
    )
    lines = [
        participants,
        _requests_line(summary),
        _("*Pairings:* {counts}", counts=counts),
        _(
            "*Meetings logged:* {last_30} in the last 30 days · {last_90} in the last 90",
            last_30=summary.meetings_30,
            last_90=summary.meetings_90,
        ),
        _("*From request to active pairing:* {to_active}", to_active=to_active),
        _("*Across teams:* {share} of open pairings", share=cross),
        _(
            "*Introductions:* {made} · {completed}",
            made=n_("{count} made", "{count} made", summary.introductions_made),
            completed=n_("{count} completed", "{count} completed", summary.introductions_completed),
        ),
        _pulse_line(summary),
    ]
    if summary.buddies is not None:
        lines.append(
            buddy_summary_line(summary.buddies.active, summary.buddies.finding, summary.buddies.ended)
        )
    return "\n".join(lines)


def row_line(row: PairingRow) -> str:
    return _(
        "• {mentee} ↔ {copilot} · since {started} · {cadence} · last met {last_met} · *{health}*",
        mentee=_person(row.mentee),
        copilot=_person(row.copilot),
        started=_day(row.started),
        cadence=cadence_name(row.cadence),
        last_met=_day(row.last_met),
        health=health_label(row.health),
    )


def _person(name: str | None) -> str:
    return escape(name) if name is not None else _("someone who left")


def row_sections(rows: list[PairingRow]) -> list[dict[str, Any]]:
    return [
        section("\n".join(row_line(r) for r in rows[i : i + ROWS_PER_SECTION]))
        for i in range(0, len(rows), ROWS_PER_SECTION)
    ]


def page_count(summary: Summary) -> int:
    return max(1, -(-len(summary.rows) // ROWS_PER_PAGE))


def summary_text(summary: Summary) -> str:
    return _("Mentoring summary for {scope}", scope=scope_label(summary.scope))


def summary_blocks(summary: Summary, page: int = 1) -> list[dict[str, Any]]:
    """One page of the summary for a message (well under 50 blocks whatever the number of pairings)."""
    pages = page_count(summary)
    page = min(max(1, page), pages)
    blocks: list[dict[str, Any]] = []
    if page == 1:
        blocks += [
            header(_("Mentoring: {scope}", scope=scope_label(summary.scope))),
            section(figures_text(summary)),
            context(
                _("Program-level facts only: what pairs discuss, their goals and notes are never shown.")
            ),
        ]
    rows = summary.rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
    if rows:
        blocks.append(
            section(
                _(
                    "*Open pairings* (page {page} of {pages}, most in need of attention first)",
                    page=page,
                    pages=pages,
                )
            )
        )
        blocks += row_sections(rows)
    else:
        blocks.append(section(_("*Open pairings:* none yet.")))
    nav = []
    if page > 1:
        nav.append(button(_("Previous"), SUMMARY_PAGE_ACTION + "_prev", str(page - 1)))
    if page < pages:
        nav.append(button(_("Show more"), SUMMARY_PAGE_ACTION, str(page + 1)))
    if nav:
        blocks.append(actions(*nav, block_id="summary_pages"))
    return blocks


def _pairing_line(p: MyPairing, tz: str) -> str:
    who = mention(p.partner_user_id) if p.partner_user_id else escape(p.partner_name)
    parts = [
        _("Your copilot: {person}", person=who)
        if p.role == "mentee"
        else _("You are copilot to {person}", person=who)
    ]
    if p.state == PairingState.SETTING_EXPECTATIONS:
        parts.append(_("setting expectations"))
    elif p.state == PairingState.PAUSED:
        parts.append(_("paused"))
    elif p.next_checkin_at is not None:
        parts.append(_("next check-in {when}", when=_local(p.next_checkin_at, tz)))
    if p.agreement_confirmed_at is not None:
        parts.append(_("agreement confirmed {when}", when=_local(p.agreement_confirmed_at, tz)))
    return " · ".join(parts)


def my_status_lines(status: MyStatus) -> list[str]:
    lines: list[str] = []
    if status.request_status == "open":
        since = _local(status.request_since, status.tz)  # type: ignore[arg-type]
        lines.append(_("You asked for a copilot on {day}: still looking.", day=since))
    elif status.request_status == "offered":
        lines.append(
            _("Your request for a copilot has been offered to a volunteer: waiting for their answer.")
        )
    lines += [_pairing_line(p, status.tz) for p in status.pairings]
    if status.offers_awaiting:
        lines.append(
            n_(
                "{count} offer to be someone's copilot awaiting your answer.",
                "{count} offers to be someone's copilot awaiting your answer.",
                status.offers_awaiting,
            )
        )
    return lines


def participant_text() -> str:
    return _("Your mentoring status")


def participant_blocks(status: MyStatus) -> list[dict[str, Any]]:
    lines = my_status_lines(status) or [
        _(
            "You have no copilot and no open request. `/mentor request` asks for one; "
            "`/mentor volunteer` offers to be one."
        )
    ]
    return [
        section(_("*Your mentoring status*") + "\n" + "\n".join(lines)),
        context(
            _(
                "Summaries of pairings are for team leads and program admins, and even they see dates and "
                "counts only, never what was said."
            )
        ),
    ]


# --- App Home sections ---------------------------------------------------------------------------


def digest_toggle(enabled: bool) -> dict[str, Any]:
    if enabled:
        return button(_("Turn off weekly digest"), DIGEST_OFF_ACTION)
    return button(_("Turn on weekly digest"), DIGEST_ON_ACTION)


def team_home_blocks(summary: Summary, digest_enabled: bool) -> list[dict[str, Any]]:
    """The Team section of a lead's home (at most 8 blocks + rows)."""
    rows = summary.rows[:HOME_ROWS]
    blocks: list[dict[str, Any]] = [
        divider(),
        header(_("Team")),
        section(figures_text(summary)),
        *row_sections(rows),
    ]
    if len(summary.rows) > HOME_ROWS:
        blocks.append(
            context(
                n_(
                    "{count} more pairing: `/mentor summary` lists them all.",
                    "{count} more pairings: `/mentor summary` lists them all.",
                    len(summary.rows) - HOME_ROWS,
                )
            )
        )
    blocks.append(actions(digest_toggle(digest_enabled), block_id="team_digest"))
    if digest_enabled:
        blocks.append(context(_("Weekly digest: Monday 09:00 your time. It's on.")))
    else:
        blocks.append(context(_("Weekly digest: Monday 09:00 your time. It's off.")))
    return blocks


def admin_home_blocks(summary: Summary) -> list[dict[str, Any]]:
    return [
        divider(),
        header(_("Program")),
        section(figures_text(summary)),
        actions(
            button(_("Program settings"), SETTINGS_OPEN_ACTION),
            button(_("Export pairings (CSV)"), EXPORT_ACTION),
            block_id="program_admin",
        ),
        context(_("`/mentor summary` lists every open pairing, most in need of attention first.")),
    ]


# --- the weekly digest ---------------------------------------------------------------------------


def digest_text(summary: Summary) -> str:
    counts = summary.health_counts
    return _(
        "Your weekly mentoring digest for {scope}: "
        "{on_track} on track, {overdue} check-in overdue, {stalled} stalled.",
        scope=scope_label(summary.scope),
        on_track=counts.get("on_track", 0),
        overdue=counts.get("overdue", 0),
        stalled=counts.get("stalled", 0),
    )


def digest_blocks(summary: Summary, changes: WeekChanges) -> list[dict[str, Any]]:
    new_pairings = n_("{count} new pairing", "{count} new pairings", changes.new_pairings)
    if changes.first_digest:
        change = _(
            "*This week:* {new_pairings} (your first digest: no comparison yet)", new_pairings=new_pairings
        )
    else:
        change = _(
            "*Since last week:* {new_pairings} · {newly_stalled}",
            new_pairings=new_pairings,
            newly_stalled=n_("{count} newly stalled", "{count} newly stalled", changes.newly_stalled),
        )
    needing = [r for r in summary.rows if r.health in ("stalled", "overdue")][:20]
    blocks: list[dict[str, Any]] = [
        header(_("Your weekly mentoring digest")),
        section(f"*{escape(scope_label(summary.scope))}*\n{change}"),
        section(figures_text(summary)),
    ]
    if needing:
        blocks.append(section(_("*Might need a nudge from you*")))
        blocks += row_sections(needing)
    blocks.append(actions(digest_toggle(True), block_id="digest_settings"))
    blocks.append(
        context(
            _(
                "Program-level facts only: what pairs discuss is never shown. "
                "A chart of the last 12 weeks follows."
            )
        )
    )
    return blocks


def chart_title(summary: Summary) -> str:
    return _("Pairings by health, last 12 weeks: {scope}", scope=scope_label(summary.scope))


# --- short replies -------------------------------------------------------------------------------


def digest_changed_text(enabled: bool) -> str:
    if enabled:
        return _("Your weekly mentoring digest is on: Monday 09:00 your time.")
    return _("Your weekly mentoring digest is off. Turn it back on from the mentor-bot Home tab.")


def not_lead_text() -> str:
    return _("Summaries are for team leads and program admins. Here is your own status instead.")


def export_done_text(rows: int) -> str:
    return n_(
        "Here is {count} pairing, program-level fields only.",
        "Here are {count} pairings, program-level fields only.",
        rows,
    )


def export_failed_text() -> str:
    return _("Slack didn't accept the CSV upload. Please try again in a moment.")


def admins_only_export_text() -> str:
    return _("Only program admins can export the pairings.")

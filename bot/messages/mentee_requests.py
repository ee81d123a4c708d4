"""What a mentee sees: the request form, their status, and each step of the search for a copilot.

The form's shape (RequestForm, its limits) and what `/mentor status` shows (RequestSummary, PairingSummary)
are defined here; bot.copilots.mentee_requests fills and checks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from bot.messages.cohorts import CohortTag
from bot.messages.form_fields import choice, field_value, form_input, modal, topic_select, view_metadata
from bot.messages.text import actions, button, context, escape, format_date, header, mention, plain, section
from bot.rules.cadence import CADENCES, cadence_name
from bot.rules.lifecycle import RequestState

GOALS_MIN = 20
GOALS_MAX = 2000
LENGTH_MAX = 100


@dataclass(frozen=True)
class RequestForm:
    goals: str
    topics: tuple[str, ...]
    cadence: str
    length_text: str = ""
    team_preference: str = "either"
    copilot_user_id: str | None = None
    cohort_id: int | None = None  # a sign-up through a cohort's announcement


@dataclass(frozen=True)
class RequestSummary:
    """The mentee's open request, as `/mentor status` shows it."""

    request_id: int
    status: str
    topics: tuple[str, ...]
    cadence: str
    length_text: str
    created_on: date


@dataclass(frozen=True)
class PairingSummary:
    """One of the person's open pairings, as `/mentor status` shows it."""

    pairing_id: int
    partner_user_id: str
    role: str  # the person's own role: mentee or copilot
    state: str
    cadence: str | None


REQUEST_CALLBACK = "request_form"
CANCEL_ACTION = "request_cancel"
# block_id = action_id = field name, so service errors land on the right field
GOALS, TOPICS, CADENCE, LENGTH, TEAM, COPILOT = "goals", "topics", "cadence", "length", "team", "copilot"
COPILOT_NOTE_BLOCK = "copilot_note"

CADENCE_OPTIONS = tuple((key, cadence_name(key).capitalize()) for key in CADENCES)
TEAM_OPTIONS = (
    ("either", "Either is fine"),
    ("same", "Someone from my team"),
    ("other", "Someone from another team"),
)
STATUS_WORDS = {
    RequestState.OPEN: "Waiting: nobody is available right now, and I'm still looking.",
    RequestState.OFFERED: "I've asked a copilot and I'm waiting for their answer.",
}
CANT_FIND_TEXT = "I can't find that person in Slack, so please pick someone else."


def request_modal(
    topics: Sequence[str],
    *,
    channel_id: str = "",
    copilot_user_id: str | None = None,
    copilot_note: str | None = None,
    cohort: CohortTag | None = None,
) -> dict[str, Any]:
    copilot: dict[str, Any] = {"type": "users_select", "action_id": COPILOT}
    if copilot_user_id:
        copilot["initial_user"] = copilot_user_id
    blocks: list[dict[str, Any]] = [
        context("Your goals will be shown to the proposed copilot."),
        form_input(
            GOALS,
            "What would you like to work on?",
            {
                "type": "plain_text_input",
                "action_id": GOALS,
                "multiline": True,
                "min_length": 1,
                "max_length": GOALS_MAX,
                "placeholder": plain("e.g. I'd like to get better at giving feedback to senior colleagues"),
            },
            hint=plain(f"A few sentences, at least {GOALS_MIN} characters."),
        ),
        form_input(TOPICS, "Topics", topic_select(TOPICS, topics, [])),
        form_input(
            CADENCE,
            "How often would you like to meet?",
            choice("static_select", CADENCE, CADENCE_OPTIONS, initial="biweekly"),
        ),
        form_input(
            LENGTH,
            "For how long?",
            {
                "type": "plain_text_input",
                "action_id": LENGTH,
                "max_length": LENGTH_MAX,
                "placeholder": plain("e.g. 3 months, or 6 meetings"),
            },
            optional=True,
        ),
        form_input(TEAM, "Copilot from", choice("radio_buttons", TEAM, TEAM_OPTIONS, initial="either")),
        form_input(
            COPILOT,
            "Someone in mind? (optional)",
            copilot,
            optional=True,
            hint=plain("They'll be asked first and can say no. Leave empty and I'll find someone.", 150),
        ),
    ]
    if cohort is not None:
        blocks.insert(0, cohort.note_block())
    if copilot_note:
        blocks.append(
            context(f":information_source: {escape(copilot_note)}") | {"block_id": COPILOT_NOTE_BLOCK}
        )
    return modal(
        REQUEST_CALLBACK,
        "Ask for a copilot",
        submit="Send request",
        close="Cancel",
        blocks=blocks,
        metadata={"channel": channel_id, **(cohort.metadata() if cohort else {})},
    )


def request_form_from(values: dict[str, dict[str, dict[str, Any]]]) -> RequestForm:
    field = partial(field_value, values)
    return RequestForm(
        goals=(field(GOALS).get("value") or "").strip(),
        topics=tuple(o["value"] for o in field(TOPICS).get("selected_options") or []),
        cadence=(field(CADENCE).get("selected_option") or {}).get("value", ""),
        length_text=(field(LENGTH).get("value") or "").strip(),
        team_preference=(field(TEAM).get("selected_option") or {}).get("value", "either"),
        copilot_user_id=field(COPILOT).get("selected_user") or None,
    )


def channel_of(view: dict[str, Any]) -> str | None:
    return view_metadata(view).get("channel") or None


def request_status_blocks(
    request: RequestSummary | None, pairings: Sequence[PairingSummary], *, already_open: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    blocks: list[dict[str, Any]] = []
    if already_open:
        blocks.append(section("You already have an open request, so I haven't started a new one."))
    if request is not None:
        topics = f"\n*Topics:* {escape(', '.join(request.topics))}" if request.topics else ""
        blocks += [
            header("Your copilot request"),
            section(
                f"*Status:* {STATUS_WORDS.get(request.status, request.status)}{topics}\n"
                f"*Rhythm:* {cadence_name(request.cadence)}"
                + (f", for {escape(request.length_text)}" if request.length_text else "")
                + f"\n*Asked on:* {format_date(request.created_on)}"
            ),
            actions(
                button("Cancel request", CANCEL_ACTION, str(request.request_id), style="danger"),
                block_id="request_actions",
            ),
        ]
    for pairing in pairings:
        role = "your copilot" if pairing.role == "mentee" else "your mentee"
        blocks.append(
            section(
                f"*Pairing:* {mention(pairing.partner_user_id)} is {role} "
                f"({pairing.state.replace('_', ' ')}, {cadence_name(pairing.cadence or '')})."
            )
        )
    if not blocks:
        text = "You have no open request and no pairing. Use `/mentor request` to ask for a copilot."
        return text, [section(text)]
    text = "You already have an open request." if already_open else "Your copilot status"
    return text, blocks


def cancel_result_text(outcome: str) -> str:
    return {
        RequestState.CANCELLED: "Your request is cancelled. Anyone I'd asked has been told there's no need "
        "to answer.",
        "already_closed": "That request is already closed. Nothing was changed.",
        "not_yours": "That request belongs to someone else, so only they can cancel it.",
        "not_found": "I can't find that request any more. Nothing was changed.",
    }.get(outcome, "Nothing was changed.")


def already_open_text() -> str:
    return "You already have an open request, so I haven't started a new one. Use `/mentor status` to see it."


def copilot_refused_text(note: str, goals: str) -> str:
    """After the form closed, Slack's answer ruled out the colleague named in it: nothing was sent."""
    quoted = "\n".join(f"> {escape(line)}" for line in goals.splitlines() or [""])
    return (
        f"{escape(note)} I haven't sent your request: ask again with `/mentor request`, naming someone "
        f"else or leaving it to me. Here is what you wrote, to paste in:\n{quoted}"
    )


def unknown_colleague_text(typed: str) -> str:
    return (
        f"I couldn't find {escape(typed)}, so the form opened without them. "
        "Pick them in the *Someone in mind?* field, or leave it empty and I'll find someone."
    )


ROUND_ACTION = "matching_round"


def matching_home_blocks(waiting: int, pending: int) -> list[dict[str, Any]]:
    return [
        header("Matching (program admin)"),
        section(
            f"*{waiting}* request{'s' if waiting != 1 else ''} waiting for a copilot · "
            f"*{pending}* offer{'s' if pending != 1 else ''} waiting for an answer"
        ),
        actions(button("Run a matching round", ROUND_ACTION, "round"), block_id="matching_home"),
        context("A round pairs every waiting request at once. Each proposed copilot is asked first."),
    ]


def not_admin_round_text() -> str:
    return "Only program admins can run a matching round. Nothing was changed."


def round_done_text(offered: int, waiting: int) -> str:
    if offered == 0 and waiting == 0:
        return "Matching round: no requests were waiting, so there was nothing to do."
    return (
        f"Matching round done: {offered} copilot{'s' if offered != 1 else ''} asked, "
        f"{waiting} request{'s' if waiting != 1 else ''} still waiting."
    )

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

from bot.i18n import N_, _, n_
from bot.messages.cohorts import CohortTag
from bot.messages.form_fields import choice, field_value, form_input, modal, topic_select, view_metadata
from bot.messages.text import actions, button, context, escape, format_date, header, mention, plain, section
from bot.rules.cadence import CADENCES, cadence_name
from bot.rules.lifecycle import RequestState
from bot.rules.topics import topic_label

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
    ("either", N_("Either is fine")),
    ("same", N_("Someone from my team")),
    ("other", N_("Someone from another team")),
)
STATUS_WORDS = {
    RequestState.OPEN: N_("Waiting: nobody is available right now, and I'm still looking."),
    RequestState.OFFERED: N_("I've asked a copilot and I'm waiting for their answer."),
}
CANT_FIND_TEXT = N_("I can't find that person in Slack, so please pick someone else.")


def cadence_options() -> tuple[tuple[str, str], ...]:
    """CADENCE_OPTIONS in the reader's words (built per form, never at import)."""
    return tuple((key, cadence_name(key).capitalize()) for key in CADENCES)


def team_options() -> tuple[tuple[str, str], ...]:
    return tuple((value, _(text)) for value, text in TEAM_OPTIONS)


def _topics(names: Sequence[str]) -> str:
    return escape(", ".join(topic_label(name) for name in names))


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
        context(_("Your goals will be shown to the proposed copilot.")),
        form_input(
            GOALS,
            _("What would you like to work on?"),
            {
                "type": "plain_text_input",
                "action_id": GOALS,
                "multiline": True,
                "min_length": 1,
                "max_length": GOALS_MAX,
                "placeholder": plain(
                    _("e.g. I'd like to get better at giving feedback to senior colleagues"), 150
                ),
            },
            hint=plain(_("A few sentences, at least {count} characters.", count=GOALS_MIN)),
        ),
        form_input(TOPICS, _("Topics"), topic_select(TOPICS, topics, [])),
        form_input(
            CADENCE,
            _("How often would you like to meet?"),
            choice("static_select", CADENCE, cadence_options(), initial="biweekly"),
        ),
        form_input(
            LENGTH,
            _("For how long?"),
            {
                "type": "plain_text_input",
                "action_id": LENGTH,
                "max_length": LENGTH_MAX,
                "placeholder": plain(_("e.g. 3 months, or 6 meetings"), 150),
            },
            optional=True,
        ),
        form_input(TEAM, _("Copilot from"), choice("radio_buttons", TEAM, team_options(), initial="either")),
        form_input(
            COPILOT,
            _("Someone in mind? (optional)"),
            copilot,
            optional=True,
            hint=plain(_("They'll be asked first and can say no. Leave empty and I'll find someone."), 150),
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
        _("Ask for a copilot"),
        submit=_("Send request"),
        close=_("Cancel"),
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
        blocks.append(section(_("You already have an open request, so I haven't started a new one.")))
    if request is not None:
        blocks += [
            header(_("Your copilot request")),
            section(_request_lines(request)),
            actions(
                button(_("Cancel request"), CANCEL_ACTION, str(request.request_id), style="danger"),
                block_id="request_actions",
            ),
        ]
    for pairing in pairings:
        blocks.append(section(_pairing_line(pairing)))
    if not blocks:
        text = _("You have no open request and no pairing. Use `/mentor request` to ask for a copilot.")
        return text, [section(text)]
    text = _("You already have an open request.") if already_open else _("Your copilot status")
    return text, blocks


def _request_lines(request: RequestSummary) -> str:
    status = STATUS_WORDS.get(request.status)
    lines = [_("*Status:* {status}", status=_(status) if status else request.status)]
    if request.topics:
        lines.append(_("*Topics:* {topics}", topics=_topics(request.topics)))
    rhythm = cadence_name(request.cadence)
    if request.length_text:
        lines.append(_("*Rhythm:* {rhythm}, for {length}", rhythm=rhythm, length=escape(request.length_text)))
    else:
        lines.append(_("*Rhythm:* {rhythm}", rhythm=rhythm))
    lines.append(_("*Asked on:* {day}", day=format_date(request.created_on)))
    return "\n".join(lines)


_PAIRING_STATES = {
    "setting_expectations": N_("setting expectations"),
    "active": N_("active"),
    "paused": N_("paused"),
    "stalled": N_("stalled"),
}


def _pairing_line(pairing: PairingSummary) -> str:
    state = pairing.state.replace("_", " ")
    state = _(_PAIRING_STATES[pairing.state]) if pairing.state in _PAIRING_STATES else state
    values = {
        "partner": mention(pairing.partner_user_id),
        "state": state,
        "rhythm": cadence_name(pairing.cadence or ""),
    }
    if pairing.role == "mentee":
        return _("*Pairing:* {partner} is your copilot ({state}, {rhythm}).", **values)
    return _("*Pairing:* {partner} is your mentee ({state}, {rhythm}).", **values)


def cancel_result_text(outcome: str) -> str:
    return _(_CANCELLED.get(outcome, N_("Nothing was changed.")))


_CANCELLED = {
    RequestState.CANCELLED: N_(
        "Your request is cancelled. Anyone I'd asked has been told there's no need to answer."
    ),
    "already_closed": N_("That request is already closed. Nothing was changed."),
    "not_yours": N_("That request belongs to someone else, so only they can cancel it."),
    "not_found": N_("I can't find that request any more. Nothing was changed."),
}


def already_open_text() -> str:
    return _(
        "You already have an open request, so I haven't started a new one. Use `/mentor status` to see it."
    )


def copilot_refused_text(note: str, goals: str) -> str:
    """After the form closed, Slack's answer ruled out the colleague named in it: nothing was sent."""
    quoted = "\n".join(f"> {escape(line)}" for line in goals.splitlines() or [""])
    return _(
        "{note} I haven't sent your request: ask again with `/mentor request`, naming someone else or "
        "leaving it to me. Here is what you wrote, to paste in:\n{goals}",
        note=escape(note),
        goals=quoted,
    )


def unknown_colleague_text(typed: str) -> str:
    return _(
        "I couldn't find {typed}, so the form opened without them. "
        "Pick them in the *Someone in mind?* field, or leave it empty and I'll find someone.",
        typed=escape(typed),
    )


ROUND_ACTION = "matching_round"


def matching_home_blocks(waiting: int, pending: int) -> list[dict[str, Any]]:
    return [
        header(_("Matching (program admin)")),
        section(
            n_("*{count}* request waiting for a copilot", "*{count}* requests waiting for a copilot", waiting)
            + " · "
            + n_("*{count}* offer waiting for an answer", "*{count}* offers waiting for an answer", pending)
        ),
        actions(button(_("Run a matching round"), ROUND_ACTION, "round"), block_id="matching_home"),
        context(_("A round pairs every waiting request at once. Each proposed copilot is asked first.")),
    ]


def not_admin_round_text() -> str:
    return _("Only program admins can run a matching round. Nothing was changed.")


def round_done_text(offered: int, waiting: int) -> str:
    if offered == 0 and waiting == 0:
        return _("Matching round: no requests were waiting, so there was nothing to do.")
    return _(
        "Matching round done: {asked}, {waiting}.",
        asked=n_("{count} copilot asked", "{count} copilots asked", offered),
        waiting=n_("{count} request still waiting", "{count} requests still waiting", waiting),
    )

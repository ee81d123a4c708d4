"""The volunteer form, and the volunteer's part of App Home.

The form's shape (VolunteerForm, its limits) and what App Home shows (VolunteerSummary) are defined here;
bot.copilots.volunteering fills and checks them.
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
from bot.messages.text import actions, button, context, escape, format_date, header, plain, section
from bot.rules.topics import topic_label

MIN_CAPACITY = 1
MAX_CAPACITY = 5
MAX_BUDDIES = 3
INTRO_MAX = 500


@dataclass(frozen=True)
class VolunteerForm:
    topics: tuple[str, ...]  # picked from the workspace list
    tags_text: str  # their own topics, comma-separated, as typed
    capacity: int | None  # None: not a whole number
    available_until: date | None = None
    paused_until: date | None = None
    open_to_other_teams: bool = True
    intro: str = ""
    welcomes_new_colleagues: bool = False  # may be an onboarding buddy (bot.buddies)
    buddy_capacity: int | None = 1


@dataclass(frozen=True)
class VolunteerSummary:
    active: bool
    topics: tuple[str, ...]
    capacity: int
    mentees_now: int
    paused_until: date | None
    available_until: date | None


VOLUNTEER_CALLBACK = "volunteer_form"
EDIT_ACTION = "volunteer_edit"
PAUSE_ACTION = "volunteer_pause"
# block_id = action_id = field name, so service errors land on the right field
TOPICS, TAGS, CAPACITY, AVAILABLE_UNTIL, PAUSED_UNTIL, OTHER_TEAMS, INTRO = (
    "topics",
    "tags",
    "capacity",
    "available_until",
    "paused_until",
    "other_teams",
    "intro",
)
WELCOMES, BUDDY_CAPACITY = "welcomes_new_colleagues", "buddy_capacity"
YES_NO = (("yes", N_("Yes")), ("no", N_("No")))


def _topics(names: Sequence[str]) -> str:
    return escape(", ".join(topic_label(name) for name in names))


def _date_element(action_id: str, value: date | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker", "action_id": action_id}
    if value is not None:
        element["initial_date"] = value.isoformat()
    return element


def _text_element(action_id: str, value: str, max_length: int, **extra: Any) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "max_length": max_length,
        **extra,
    }
    if value:
        element["initial_value"] = value
    return element


def volunteer_modal(
    topics: Sequence[str],
    current: VolunteerForm | None,
    *,
    channel_id: str = "",
    from_home: bool = False,
    cohort: CohortTag | None = None,
) -> dict[str, Any]:
    form = current or VolunteerForm(topics=(), tags_text="", capacity=MIN_CAPACITY)
    blocks: list[dict[str, Any]] = [
        section(
            _(
                "Thanks for offering to be a *copilot*! Tell me what you can help with. "
                "Nobody is paired with you without your yes: each request comes to you first."
            )
        ),
        form_input(
            TOPICS, _("Topics I can help with"), topic_select(TOPICS, topics, form.topics), optional=True
        ),
        form_input(
            TAGS,
            _("Other topics (comma-separated)"),
            _text_element(
                TAGS, form.tags_text, 1000, placeholder=plain(_("e.g. Rust, conference talks"), 150)
            ),
            optional=True,
        ),
        form_input(
            CAPACITY,
            _("How many mentees at once?"),
            {
                "type": "number_input",
                "action_id": CAPACITY,
                "is_decimal_allowed": False,
                "min_value": str(MIN_CAPACITY),
                "max_value": str(MAX_CAPACITY),
                "initial_value": str(form.capacity or MIN_CAPACITY),
            },
            hint=plain(_("From {low} to {high}.", low=MIN_CAPACITY, high=MAX_CAPACITY)),
        ),
        form_input(
            AVAILABLE_UNTIL,
            _("Available until (optional)"),
            _date_element(AVAILABLE_UNTIL, form.available_until),
            optional=True,
        ),
        form_input(
            PAUSED_UNTIL,
            _("Pause new requests until (optional)"),
            _date_element(PAUSED_UNTIL, form.paused_until),
            optional=True,
        ),
        form_input(
            OTHER_TEAMS,
            _("Open to colleagues from other teams?"),
            choice(
                "radio_buttons",
                OTHER_TEAMS,
                [(value, _(text)) for value, text in YES_NO],
                initial="yes" if form.open_to_other_teams else "no",
            ),
        ),
        *_buddy_fields(form),
        form_input(
            INTRO,
            _("A short intro for your mentees"),
            _text_element(INTRO, form.intro, INTRO_MAX, multiline=True),
            optional=True,
            hint=plain(_("Shown to the person you accept, after you say yes."), 150),
        ),
    ]
    if cohort is not None:
        blocks.insert(1, cohort.note_block())
    return modal(
        VOLUNTEER_CALLBACK,
        _("Volunteer as copilot"),
        submit=_("Save"),
        close=_("Cancel"),
        blocks=blocks,
        metadata={"channel": channel_id, "home": from_home, **(cohort.metadata() if cohort else {})},
    )


def _buddy_fields(form: VolunteerForm) -> list[dict[str, Any]]:
    welcome = {"text": plain(_("I'd welcome new colleagues")), "value": "yes"}
    element: dict[str, Any] = {"type": "checkboxes", "action_id": WELCOMES, "options": [welcome]}
    if form.welcomes_new_colleagues:
        element["initial_options"] = [welcome]
    hint = _("Be an onboarding buddy: a friendly first contact for a new hire's first months.")
    capacity = {
        "type": "number_input",
        "action_id": BUDDY_CAPACITY,
        "is_decimal_allowed": False,
        "min_value": str(MIN_CAPACITY),
        "max_value": str(MAX_BUDDIES),
        "initial_value": str(form.buddy_capacity or MIN_CAPACITY),
    }
    return [
        form_input(WELCOMES, _("New colleagues"), element, optional=True, hint=plain(hint, 150)),
        form_input(BUDDY_CAPACITY, _("How many new colleagues at once?"), capacity, optional=True),
    ]


def volunteer_form_from(values: dict[str, dict[str, dict[str, Any]]]) -> VolunteerForm:
    field = partial(field_value, values)

    def day(name: str) -> date | None:
        text = field(name).get("selected_date")
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None

    capacity_text = str(field(CAPACITY).get("value") or "").strip()
    try:
        capacity: int | None = int(capacity_text)
    except ValueError:
        capacity = None
    return VolunteerForm(
        topics=tuple(o["value"] for o in field(TOPICS).get("selected_options") or []),
        tags_text=field(TAGS).get("value") or "",
        capacity=capacity,
        available_until=day(AVAILABLE_UNTIL),
        paused_until=day(PAUSED_UNTIL),
        open_to_other_teams=(field(OTHER_TEAMS).get("selected_option") or {}).get("value", "yes") == "yes",
        intro=(field(INTRO).get("value") or "").strip(),
        welcomes_new_colleagues=bool(field(WELCOMES).get("selected_options")),
        buddy_capacity=_whole(str(field(BUDDY_CAPACITY).get("value") or "1")),
    )


def _whole(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def metadata_of(view: dict[str, Any]) -> tuple[str | None, bool]:
    data = view_metadata(view)
    return data.get("channel") or None, bool(data.get("home"))


def saved_text(summary: VolunteerSummary) -> str:
    values = {"topics": _topics(summary.topics), "capacity": summary.capacity}
    if summary.paused_until:
        return _(
            "You're volunteering as a copilot for {topics}, up to {capacity} at a time. New requests are "
            "paused until {day}. I'll ask you before pairing you with anyone.",
            day=format_date(summary.paused_until),
            **values,
        )
    return _(
        "You're volunteering as a copilot for {topics}, up to {capacity} at a time. "
        "I'll ask you before pairing you with anyone.",
        **values,
    )


def paused_text(was_volunteering: bool) -> str:
    if not was_volunteering:
        return _(
            "You aren't volunteering right now, so there was nothing to pause. `/mentor volunteer` signs you up."
        )
    return _(
        "Volunteering is paused: I won't send you new requests. Your current mentees carry on as before. "
        "To resume, use `/mentor volunteer` (or *Edit* in my Home tab) and save."
    )


def home_blocks(summary: VolunteerSummary | None) -> list[dict[str, Any]]:
    if summary is None:
        return [
            header(_("Volunteer as a copilot")),
            section(_("Share what you know with a colleague. You choose the topics and how many mentees.")),
            actions(button(_("Volunteer"), EDIT_ACTION, "edit", style="primary"), block_id="volunteer_home"),
        ]
    mentees = n_("{count} mentee now", "{count} mentees now", summary.mentees_now)
    if summary.active:
        topics = _topics(summary.topics) if summary.topics else escape(_("no topics yet"))
        state = _("*You're volunteering:* {topics}", topics=topics)
        details = [_("Up to {capacity} at a time", capacity=summary.capacity), mentees]
        if summary.paused_until:
            details.append(_("new requests paused until {day}", day=format_date(summary.paused_until)))
        details_text = " · ".join(details)
        buttons = [button(_("Edit"), EDIT_ACTION, "edit"), button(_("Pause"), PAUSE_ACTION, "pause")]
    else:
        state = _("*Volunteering is paused.* I won't send you new requests.")
        details_text = mentees
        buttons = [button(_("Resume"), EDIT_ACTION, "edit", style="primary")]
    return [
        header(_("Copilot volunteering")),
        section(state),
        context(details_text),
        actions(*buttons, block_id="volunteer_home"),
    ]

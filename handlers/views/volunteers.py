"""The volunteer form, and the volunteer's part of App Home."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.topics import MAX_OPTIONS_PER_SELECT
from bot.volunteers import INTRO_MAX, MAX_CAPACITY, MIN_CAPACITY, VolunteerForm, VolunteerSummary, split_tags
from handlers.views.text import actions, button, context, escape, header, plain, section

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
MAX_OPTION_GROUPS = 100


def _option(value: str) -> dict[str, Any]:
    return {"text": plain(value), "value": value}


def topic_select(action_id: str, topics: Sequence[str], selected: Sequence[str]) -> dict[str, Any]:
    """A multi-select of the workspace topics. Slack allows 100 options per list, so longer lists are
    split into option groups of 100 (bot.topics caps a workspace at 300 topics)."""
    element: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": action_id,
        "placeholder": plain("Pick topics"),
    }
    if len(topics) <= MAX_OPTIONS_PER_SELECT:
        element["options"] = [_option(t) for t in topics]
    else:
        groups = []
        for start in range(0, len(topics), MAX_OPTIONS_PER_SELECT):
            chunk = topics[start : start + MAX_OPTIONS_PER_SELECT]
            label = f"{chunk[0][:1].upper()}–{chunk[-1][:1].upper()}"
            groups.append({"label": plain(f"Topics {label}"), "options": [_option(t) for t in chunk]})
        element["option_groups"] = groups[:MAX_OPTION_GROUPS]
    chosen = [t for t in selected if t in set(topics)]
    if chosen:
        element["initial_options"] = [_option(t) for t in chosen]
    return element


def _input(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element, **extra}


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
    topics: Sequence[str], current: VolunteerForm | None, *, channel_id: str = "", from_home: bool = False
) -> dict[str, Any]:
    form = current or VolunteerForm(topics=(), tags=(), capacity=MIN_CAPACITY)
    yes, no = _option("Yes"), _option("No")
    yes["value"], no["value"] = "yes", "no"
    blocks: list[dict[str, Any]] = [
        section(
            "Thanks for offering to be a *copilot*! Tell me what you can help with. "
            "Nobody is paired with you without your yes: each request comes to you first."
        ),
        _input(TOPICS, "Topics I can help with", topic_select(TOPICS, topics, form.topics), optional=True),
        _input(
            TAGS,
            "Other topics (comma-separated)",
            _text_element(TAGS, ", ".join(form.tags), 1000, placeholder=plain("e.g. Rust, conference talks")),
            optional=True,
        ),
        _input(
            CAPACITY,
            "How many mentees at once?",
            {
                "type": "number_input",
                "action_id": CAPACITY,
                "is_decimal_allowed": False,
                "min_value": str(MIN_CAPACITY),
                "max_value": str(MAX_CAPACITY),
                "initial_value": str(form.capacity or MIN_CAPACITY),
            },
            hint=plain(f"From {MIN_CAPACITY} to {MAX_CAPACITY}."),
        ),
        _input(
            AVAILABLE_UNTIL,
            "Available until (optional)",
            _date_element(AVAILABLE_UNTIL, form.available_until),
            optional=True,
        ),
        _input(
            PAUSED_UNTIL,
            "Pause new requests until (optional)",
            _date_element(PAUSED_UNTIL, form.paused_until),
            optional=True,
        ),
        _input(
            OTHER_TEAMS,
            "Open to colleagues from other teams?",
            {
                "type": "radio_buttons",
                "action_id": OTHER_TEAMS,
                "options": [yes, no],
                "initial_option": yes if form.open_to_other_teams else no,
            },
        ),
        _input(
            INTRO,
            "A short intro for your mentees",
            _text_element(INTRO, form.intro, INTRO_MAX, multiline=True),
            optional=True,
            hint=plain("Shown to the person you accept, after you say yes.", 150),
        ),
    ]
    return {
        "type": "modal",
        "callback_id": VOLUNTEER_CALLBACK,
        "private_metadata": json.dumps({"channel": channel_id, "home": from_home}),
        "title": plain("Volunteer as copilot", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
    }


def volunteer_form_from(values: dict[str, dict[str, dict[str, Any]]]) -> VolunteerForm:
    def field(name: str) -> dict[str, Any]:
        return values.get(name, {}).get(name, {})

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
        tags=split_tags(field(TAGS).get("value") or ""),
        capacity=capacity,
        available_until=day(AVAILABLE_UNTIL),
        paused_until=day(PAUSED_UNTIL),
        open_to_other_teams=(field(OTHER_TEAMS).get("selected_option") or {}).get("value", "yes") == "yes",
        intro=(field(INTRO).get("value") or "").strip(),
    )


def metadata_of(view: dict[str, Any]) -> tuple[str | None, bool]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None, False
    return data.get("channel") or None, bool(data.get("home"))


def saved_text(summary: VolunteerSummary) -> str:
    paused = f" New requests are paused until {summary.paused_until:%-d %B}." if summary.paused_until else ""
    return (
        f"You're volunteering as a copilot for {escape(', '.join(summary.topics))}, "
        f"up to {summary.capacity} at a time.{paused} I'll ask you before pairing you with anyone."
    )


def paused_text(was_volunteering: bool) -> str:
    if not was_volunteering:
        return "You aren't volunteering right now, so there was nothing to pause. `/mentor volunteer` signs you up."
    return (
        "Volunteering is paused: I won't send you new requests. Your current mentees carry on as before. "
        "To resume, use `/mentor volunteer` (or *Edit* in my Home tab) and save."
    )


def home_blocks(summary: VolunteerSummary | None) -> list[dict[str, Any]]:
    if summary is None:
        return [
            header("Volunteer as a copilot"),
            section("Share what you know with a colleague. You choose the topics and how many mentees."),
            actions(button("Volunteer", EDIT_ACTION, "edit", style="primary"), block_id="volunteer_home"),
        ]
    mentees = f"{summary.mentees_now} mentee{'s' if summary.mentees_now != 1 else ''} now"
    if summary.active:
        state = f"*You're volunteering:* {escape(', '.join(summary.topics) or 'no topics yet')}"
        details = f"Up to {summary.capacity} at a time · {mentees}"
        if summary.paused_until:
            details += f" · new requests paused until {summary.paused_until:%-d %B}"
        buttons = [button("Edit", EDIT_ACTION, "edit"), button("Pause", PAUSE_ACTION, "pause")]
    else:
        state = "*Volunteering is paused.* I won't send you new requests."
        details = mentees
        buttons = [button("Resume", EDIT_ACTION, "edit", style="primary")]
    return [
        header("Copilot volunteering"),
        section(state),
        context(details),
        actions(*buttons, block_id="volunteer_home"),
    ]

"""Introductions: the modal, the group DM, the follow-up, the report back, the App Home section, and
the volume guard's gentle note (shared with the promise forms and My network)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.messages.message import Message
from bot.messages.text import actions, button, context, escape, format_date, header, mention, plain, section
from bot.rules.network_states import IntroStatus

REASON_LIMIT = 1000
REPORT_LIMIT = 300

INTRO_CALLBACK = "intro_modal"
REPORT_CALLBACK = "intro_report_back"
SHORTCUT_CALLBACK = "intro_from_message"
OPEN_ACTION = "intro_open"
MET_ACTION = "intro_met"
NOT_YET_ACTION = "intro_not_yet"
NOT_HAPPENING_ACTION = "intro_not_happening"
LEAVE_ME_OUT = "leave_me_out"

STATUS_WORDS = {
    IntroStatus.MADE: "waiting to hear",
    IntroStatus.MET: "met",
    IntroStatus.NOT_YET: "not yet",
    IntroStatus.NOT_HAPPENING: "not going to happen",
}


@dataclass(frozen=True)
class Volume:
    """The volume guard: how many introductions and promises someone keeps open, against the setting."""

    open_items: int
    limit: int

    @property
    def over(self) -> bool:
        return self.open_items > self.limit


@dataclass(frozen=True)
class IntroDraft:
    """What the introduction modal opens with."""

    introduced_user_id: str | None
    contact_user_id: str | None
    volume: Volume


@dataclass(frozen=True)
class IntroMessage:
    """What the group DM says: everything needed to render it."""

    introducer_user_id: str
    introduced_user_id: str
    contact_user_id: str
    reason: str
    introducer_included: bool


@dataclass(frozen=True)
class FollowUp:
    """The question to the introduced person: did you meet?"""

    introduction_id: int
    introduced_user_id: str
    contact_user_id: str
    introducer_user_id: str
    made_on: date
    round: int


@dataclass(frozen=True)
class IntroReport:
    """The introduced person's one line for the introducer, after they met."""

    introduced_user_id: str
    contact_user_id: str
    introducer_user_id: str
    text: str


@dataclass(frozen=True)
class IntroLine:
    introduction_id: int
    introducer_user_id: str
    introduced_user_id: str
    contact_user_id: str
    status: str
    made_on: date


@dataclass(frozen=True)
class IntroOverview:
    """The App Home section: the latest introductions someone made, and those made for them."""

    made_by_me: list[IntroLine]
    made_for_me: list[IntroLine]
    made_total: int
    for_me_total: int


def volume_text(volume: Volume) -> str:
    return (
        f"You're keeping track of {volume.open_items} open introductions and promises. Watch the volume "
        "of contacts you manage at one time: closing a few before adding more keeps each one worth it."
    )


def intro_modal(draft: IntroDraft, channel_id: str = "") -> dict[str, Any]:
    introduced: dict[str, Any] = {
        "type": "users_select",
        "action_id": "user",
        "placeholder": plain("Pick a person"),
    }
    if draft.introduced_user_id:
        introduced["initial_user"] = draft.introduced_user_id
    contact: dict[str, Any] = {
        "type": "users_select",
        "action_id": "user",
        "placeholder": plain("Pick a person"),
    }
    if draft.contact_user_id:
        contact["initial_user"] = draft.contact_user_id
    reason: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "text",
        "multiline": True,
        "max_length": REASON_LIMIT,
    }
    # Never prefilled: a mentee's goals are private to the pair, and this text goes to a third person.
    hint = "Everyone in the group DM reads this. Write it in your own words: what you and your partner discuss stays private."
    blocks: list[dict[str, Any]] = []
    if draft.volume.over:
        blocks.append(context(volume_text(draft.volume)))
    blocks += [
        {
            "type": "input",
            "block_id": "introduced",
            "label": plain("Whom are you introducing?"),
            "element": introduced,
            "hint": plain("Your copilot partner by default. Anyone in the workspace is fine.", 150),
        },
        {"type": "input", "block_id": "contact", "label": plain("To whom?"), "element": contact},
        {
            "type": "input",
            "block_id": "reason",
            "label": plain("Why should they talk?"),
            "element": reason,
            "hint": plain(hint, 150),
        },
        {
            "type": "input",
            "block_id": "options",
            "optional": True,
            "label": plain("Group DM"),
            "element": {
                "type": "checkboxes",
                "action_id": "choices",
                "options": [{"text": plain("Leave me out of the group DM"), "value": LEAVE_ME_OUT}],
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": INTRO_CALLBACK,
        "title": plain("Make an introduction", 24),
        "submit": plain("Introduce", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"channel": channel_id}),
        "blocks": blocks,
    }


def intro_values(values: dict[str, dict[str, Any]]) -> tuple[str | None, str | None, str, bool]:
    """(introduced user, contact user, why, include the introducer) from the submitted modal."""
    introduced = (values.get("introduced", {}).get("user") or {}).get("selected_user")
    contact = (values.get("contact", {}).get("user") or {}).get("selected_user")
    reason = (values.get("reason", {}).get("text") or {}).get("value") or ""
    chosen = (values.get("options", {}).get("choices") or {}).get("selected_options") or []
    leave_out = any(option.get("value") == LEAVE_ME_OUT for option in chosen)
    return introduced, contact, reason, not leave_out


def intro_sent_modal(introduced: str, contact: str, included: bool, volume: Volume) -> dict[str, Any]:
    where = "a group DM with the three of you" if included else "a group DM with the two of them"
    blocks = [
        section(
            f"Done: {mention(introduced)} and {mention(contact)} get {where} in a moment. "
            "mentor-bot steps back after that; it will ask how it went in a week."
        )
    ]
    if volume.over:
        blocks.append(context(volume_text(volume)))
    return {
        "type": "modal",
        "callback_id": "intro_sent",
        "title": plain("Introduction sent", 24),
        "close": plain("Close", 24),
        "blocks": blocks,
    }


def intro_message(intro: IntroMessage) -> Message:
    a, b = mention(intro.introduced_user_id), mention(intro.contact_user_id)
    text = f"{a}, meet {b}: {escape(intro.reason)}"
    blocks = [
        section(f"{a}, meet {b}!"),
        section(f"{mention(intro.introducer_user_id)} thinks you two should talk:\n>{escape(intro.reason)}"),
        context("mentor-bot steps back now: the conversation is yours. Say hi and find a time."),
    ]
    return Message(text=text, blocks=blocks)


def follow_up_message(follow_up: FollowUp) -> Message:
    value = str(follow_up.introduction_id)
    again = " (asking once more)" if follow_up.round > 1 else ""
    text = f"Did you connect with {mention(follow_up.contact_user_id)}?{again}"
    blocks = [
        section(
            f"{text}\n{mention(follow_up.introducer_user_id)} introduced you on "
            f"{format_date(follow_up.made_on)}."
        ),
        actions(
            button("Yes, we met", MET_ACTION, value, style="primary"),
            button("Not yet", NOT_YET_ACTION, value),
            button("Not going to happen", NOT_HAPPENING_ACTION, value),
            block_id=f"intro_followup_{value}",
        ),
    ]
    return Message(text=text, blocks=blocks)


def answered_blocks(status: str, contact_user_id: str) -> tuple[str, list[dict[str, Any]]]:
    who = mention(contact_user_id)
    text = {
        IntroStatus.MET: f"You met {who}: great! A line on how it went goes to whoever introduced you.",
        IntroStatus.NOT_YET: f"Not yet with {who}: I'll ask once more in a week.",
        IntroStatus.NOT_HAPPENING: f"Noted: you and {who} won't meet. No more questions about it.",
    }.get(status, f"Your introduction to {who} is {STATUS_WORDS.get(status, status)}.")
    return text, [section(text)]


def report_modal(intro_id: int, contact_user_id: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": REPORT_CALLBACK,
        "title": plain("Report back", 24),
        "submit": plain("Send", 24),
        "close": plain("Skip", 24),
        "private_metadata": json.dumps({"intro": intro_id}),
        "blocks": [
            section(f"How did it go with {mention(contact_user_id)}? One line for whoever introduced you."),
            {
                "type": "input",
                "block_id": "report",
                "label": plain("How it went"),
                "element": {"type": "plain_text_input", "action_id": "text", "max_length": REPORT_LIMIT},
            },
        ],
    }


def report_value(values: dict[str, dict[str, Any]]) -> str:
    return (values.get("report", {}).get("text") or {}).get("value") or ""


def report_message(report: IntroReport) -> Message:
    text = (
        f"{mention(report.introduced_user_id)} met {mention(report.contact_user_id)}, whom you introduced, "
        "and wrote back:"
    )
    return Message(text=text, blocks=[section(text), section(f">{escape(report.text)}")])


def not_yours_text(what: str) -> str:
    return f"Only the person it was sent to can {what}. Nothing was changed."


def usage_text() -> str:
    return "Use `/mentor intro @someone` to introduce your copilot partner (or anyone) to them."


def home_blocks(overview: IntroOverview) -> list[dict[str, Any]]:
    def line(who_made: str, a: str, b: str, status: str, on: str) -> str:
        return f"• {a} ↔ {b}{who_made} · {on} · _{STATUS_WORDS.get(status, status)}_"

    blocks: list[dict[str, Any]] = [header("Introductions")]
    if overview.made_by_me:
        made = [
            line(
                "",
                mention(i.introduced_user_id),
                mention(i.contact_user_id),
                i.status,
                format_date(i.made_on),
            )
            for i in overview.made_by_me
        ]
        more = overview.made_total - len(made)
        blocks.append(
            section("*Made by me*\n" + "\n".join(made) + (f"\n…and {more} more" if more > 0 else ""))
        )
    if overview.made_for_me:
        for_me = [
            line(
                f" (by {mention(i.introducer_user_id)})",
                mention(i.introduced_user_id),
                mention(i.contact_user_id),
                i.status,
                format_date(i.made_on),
            )
            for i in overview.made_for_me
        ]
        more = overview.for_me_total - len(for_me)
        blocks.append(
            section("*Made for me*\n" + "\n".join(for_me) + (f"\n…and {more} more" if more > 0 else ""))
        )
    if not overview.made_by_me and not overview.made_for_me:
        blocks.append(
            context("Know two people who should talk? Introduce them: it's the fastest way to grow.")
        )
    blocks.append(actions(button("Make an introduction", OPEN_ACTION), block_id="intro_home"))
    return blocks

"""Introductions: the modal, the group DM, the follow-up, the report back, the App Home section, and
the volume guard's gentle note (shared with the promise forms and My network)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.i18n import N_, _, n_
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
    IntroStatus.MADE: N_("waiting to hear"),
    IntroStatus.MET: N_("met"),
    IntroStatus.NOT_YET: N_("not yet"),
    IntroStatus.NOT_HAPPENING: N_("not going to happen"),
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


def status_words(status: str) -> str:
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def volume_text(volume: Volume) -> str:
    return n_(
        "You're keeping track of {count} open introduction and promise. Watch the volume "
        "of contacts you manage at one time: closing a few before adding more keeps each one worth it.",
        "You're keeping track of {count} open introductions and promises. Watch the volume "
        "of contacts you manage at one time: closing a few before adding more keeps each one worth it.",
        volume.open_items,
    )


def intro_modal(draft: IntroDraft, channel_id: str = "") -> dict[str, Any]:
    introduced: dict[str, Any] = {
        "type": "users_select",
        "action_id": "user",
        "placeholder": plain(_("Pick a person")),
    }
    if draft.introduced_user_id:
        introduced["initial_user"] = draft.introduced_user_id
    contact: dict[str, Any] = {
        "type": "users_select",
        "action_id": "user",
        "placeholder": plain(_("Pick a person")),
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
    hint = _(
        "Everyone in the group DM reads this. Write it in your own words: "
        "what you and your partner discuss stays private."
    )
    blocks: list[dict[str, Any]] = []
    if draft.volume.over:
        blocks.append(context(volume_text(draft.volume)))
    blocks += [
        {
            "type": "input",
            "block_id": "introduced",
            "label": plain(_("Whom are you introducing?")),
            "element": introduced,
            "hint": plain(_("Your copilot partner by default. Anyone in the workspace is fine."), 150),
        },
        {"type": "input", "block_id": "contact", "label": plain(_("To whom?")), "element": contact},
        {
            "type": "input",
            "block_id": "reason",
            "label": plain(_("Why should they talk?")),
            "element": reason,
            "hint": plain(hint, 150),
        },
        {
            "type": "input",
            "block_id": "options",
            "optional": True,
            "label": plain(_("Group DM")),
            "element": {
                "type": "checkboxes",
                "action_id": "choices",
                "options": [{"text": plain(_("Leave me out of the group DM")), "value": LEAVE_ME_OUT}],
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": INTRO_CALLBACK,
        "title": plain(_("Make an introduction"), 24),
        "submit": plain(_("Introduce"), 24),
        "close": plain(_("Cancel"), 24),
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
    if included:
        done = _(
            "Done: {introduced} and {contact} get a group DM with the three of you in a moment. "
            "mentor-bot steps back after that; it will ask how it went in a week.",
            introduced=mention(introduced),
            contact=mention(contact),
        )
    else:
        done = _(
            "Done: {introduced} and {contact} get a group DM with the two of them in a moment. "
            "mentor-bot steps back after that; it will ask how it went in a week.",
            introduced=mention(introduced),
            contact=mention(contact),
        )
    blocks = [section(done)]
    if volume.over:
        blocks.append(context(volume_text(volume)))
    return {
        "type": "modal",
        "callback_id": "intro_sent",
        "title": plain(_("Introduction sent"), 24),
        "close": plain(_("Close"), 24),
        "blocks": blocks,
    }


def intro_message(intro: IntroMessage) -> Message:
    a, b = mention(intro.introduced_user_id), mention(intro.contact_user_id)
    reason = escape(intro.reason)
    text = _("{introduced}, meet {contact}: {reason}", introduced=a, contact=b, reason=reason)
    blocks = [
        section(_("{introduced}, meet {contact}!", introduced=a, contact=b)),
        section(
            _(
                "{introducer} thinks you two should talk:\n>{reason}",
                introducer=mention(intro.introducer_user_id),
                reason=reason,
            )
        ),
        context(_("mentor-bot steps back now: the conversation is yours. Say hi and find a time.")),
    ]
    return Message(text=text, blocks=blocks)


def follow_up_message(follow_up: FollowUp) -> Message:
    value = str(follow_up.introduction_id)
    contact = mention(follow_up.contact_user_id)
    if follow_up.round > 1:
        text = _("Did you connect with {contact}? (asking once more)", contact=contact)
    else:
        text = _("Did you connect with {contact}?", contact=contact)
    introduced_on = _(
        "{introducer} introduced you on {day}.",
        introducer=mention(follow_up.introducer_user_id),
        day=format_date(follow_up.made_on),
    )
    blocks = [
        section(f"{text}\n{introduced_on}"),
        actions(
            button(_("Yes, we met"), MET_ACTION, value, style="primary"),
            button(_("Not yet"), NOT_YET_ACTION, value),
            button(_("Not going to happen"), NOT_HAPPENING_ACTION, value),
            block_id=f"intro_followup_{value}",
        ),
    ]
    return Message(text=text, blocks=blocks)


def answered_blocks(status: str, contact_user_id: str) -> tuple[str, list[dict[str, Any]]]:
    who = mention(contact_user_id)
    if status == IntroStatus.MET:
        text = _(
            "You met {contact}: great! A line on how it went goes to whoever introduced you.", contact=who
        )
    elif status == IntroStatus.NOT_YET:
        text = _("Not yet with {contact}: I'll ask once more in a week.", contact=who)
    elif status == IntroStatus.NOT_HAPPENING:
        text = _("Noted: you and {contact} won't meet. No more questions about it.", contact=who)
    else:
        text = _("Your introduction to {contact} is {status}.", contact=who, status=status_words(status))
    return text, [section(text)]


def report_modal(intro_id: int, contact_user_id: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": REPORT_CALLBACK,
        "title": plain(_("Report back"), 24),
        "submit": plain(_("Send"), 24),
        "close": plain(_("Skip"), 24),
        "private_metadata": json.dumps({"intro": intro_id}),
        "blocks": [
            section(
                _(
                    "How did it go with {contact}? One line for whoever introduced you.",
                    contact=mention(contact_user_id),
                )
            ),
            {
                "type": "input",
                "block_id": "report",
                "label": plain(_("How it went")),
                "element": {"type": "plain_text_input", "action_id": "text", "max_length": REPORT_LIMIT},
            },
        ],
    }


def report_value(values: dict[str, dict[str, Any]]) -> str:
    return (values.get("report", {}).get("text") or {}).get("value") or ""


def report_message(report: IntroReport) -> Message:
    text = _(
        "{introduced} met {contact}, whom you introduced, and wrote back:",
        introduced=mention(report.introduced_user_id),
        contact=mention(report.contact_user_id),
    )
    return Message(text=text, blocks=[section(text), section(f">{escape(report.text)}")])


def not_yours_to_answer_text() -> str:
    return _("Only the person it was sent to can answer this. Nothing was changed.")


def not_yours_to_report_text() -> str:
    return _("Only the person it was sent to can report back on this. Nothing was changed.")


def unknown_person_text() -> str:
    return _(
        "I couldn't tell who that is. Use `/mentor intro @someone` to introduce your copilot partner "
        "(or anyone) to them."
    )


def _more(more: int) -> str:
    return "\n" + n_("…and {count} more", "…and {count} more", more) if more > 0 else ""


def home_blocks(overview: IntroOverview) -> list[dict[str, Any]]:
    def made_line(i: IntroLine) -> str:
        return _(
            "• {introduced} ↔ {contact} · {day} · _{status}_",
            introduced=mention(i.introduced_user_id),
            contact=mention(i.contact_user_id),
            day=format_date(i.made_on),
            status=status_words(i.status),
        )

    def for_me_line(i: IntroLine) -> str:
        return _(
            "• {introduced} ↔ {contact} (by {introducer}) · {day} · _{status}_",
            introduced=mention(i.introduced_user_id),
            contact=mention(i.contact_user_id),
            introducer=mention(i.introducer_user_id),
            day=format_date(i.made_on),
            status=status_words(i.status),
        )

    blocks: list[dict[str, Any]] = [header(_("Introductions"))]
    if overview.made_by_me:
        made = [made_line(i) for i in overview.made_by_me]
        more = overview.made_total - len(made)
        blocks.append(section(_("*Made by me*") + "\n" + "\n".join(made) + _more(more)))
    if overview.made_for_me:
        for_me = [for_me_line(i) for i in overview.made_for_me]
        more = overview.for_me_total - len(for_me)
        blocks.append(section(_("*Made for me*") + "\n" + "\n".join(for_me) + _more(more)))
    if not overview.made_by_me and not overview.made_for_me:
        blocks.append(
            context(_("Know two people who should talk? Introduce them: it's the fastest way to grow."))
        )
    blocks.append(actions(button(_("Make an introduction"), OPEN_ACTION), block_id="intro_home"))
    return blocks

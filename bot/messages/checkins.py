"""What check-ins look like: the nudge, the report-back form and message, the stall nudge, the pulse.

Pure functions from data to Block Kit. User text is always escaped; dates are written by
bot.messages.text.format_date, the one date style, from days computed in the recipient's zone.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.i18n import N_, _, format_number
from bot.messages.message import Message
from bot.messages.readers import plain_block_id
from bot.messages.text import actions, button, clip, context, escape, format_date, mention, plain, section
from bot.rules.cadence import cadence_name

MET_ACTION = "checkin_met"
SCHEDULED_ACTION = "checkin_scheduled"
SKIP_ACTION = "checkin_skip"
PAUSE_ACTION = "checkin_pause"
REPORT_CALLBACK = "checkin_report"
PAUSE_CALLBACK = "checkin_pause_until"
PULSE_ACTIONS = tuple(f"pulse_{score}" for score in range(1, 6))
PULSE_COMMENT_ACTION = "pulse_comment"
PULSE_COMMENT_CALLBACK = "pulse_comment_form"

CHECKIN_BLOCK_PREFIX = "checkin_"  # block_id "checkin_<id>": the datepicker carries no value of its own
REPORT_BLOCK = "report"
REPORT_INPUT = "report_text"
SHARE_BLOCK = "share"
SHARE_INPUT = "share_choice"
SHARE_VALUE = "share"
PAUSE_BLOCK = "until"
PAUSE_INPUT = "until_date"
COMMENT_BLOCK = "comment"
COMMENT_INPUT = "comment_text"
REPORT_MAX = 3000
COMMENT_MAX = 1000

# English (N_), translated where shown
REPORT_QUESTION = N_("What did you talk about? Did you act on the advice from last time? What happened?")
PULSE_QUESTION = N_("How useful is this relationship for you?")
PULSE_LABELS = {1: N_("1 Not at all"), 2: "2", 3: "3", 4: "4", 5: N_("5 Very")}


def checkin_block_id(checkin_id: int | str) -> str:
    return f"{CHECKIN_BLOCK_PREFIX}{checkin_id}"


def checkin_id_from_block(block_id: str) -> int | None:
    block_id = plain_block_id(block_id)  # the French half of a two-language message says checkin_12.fr
    raw = block_id.removeprefix(CHECKIN_BLOCK_PREFIX)
    return int(raw) if block_id.startswith(CHECKIN_BLOCK_PREFIX) and raw.isdigit() else None


def checkin_message(
    *,
    checkin_id: int | str,
    organiser_user_id: str,
    partner_user_id: str,
    since: date,
    scheduled_for: date | None,
    in_group: bool,
) -> Message:
    """The nudge: "Have you met with @Sam since 3 March?", or after a scheduled meeting, how it went."""
    people = {"you": mention(organiser_user_id), "partner": mention(partner_user_id)}
    if scheduled_for is not None:
        day = format_date(scheduled_for)
        if in_group:
            question = _("{you}, you planned to meet {partner} on {day}. Did it happen?", day=day, **people)
        else:
            question = _("You planned to meet {partner} on {day}. Did it happen?", day=day, **people)
        fallback = _("You planned to meet on {day}. Did it happen?", day=day)
    else:
        day = format_date(since)
        if in_group:
            question = _("{you}, have you met with {partner} since {day}?", day=day, **people)
        else:
            question = _("Have you met with {partner} since {day}?", day=day, **people)
        fallback = _("Have you met with {partner} since {day}?", day=day, **people)
    return Message(
        fallback,
        [
            section(question),
            actions(
                button(_("We met"), MET_ACTION, str(checkin_id), style="primary"),
                {
                    "type": "datepicker",
                    "action_id": SCHEDULED_ACTION,
                    "placeholder": plain(_("Scheduled for…")),
                },
                button(_("Skip this time"), SKIP_ACTION, str(checkin_id)),
                button(_("Pause"), PAUSE_ACTION, str(checkin_id)),
                block_id=checkin_block_id(checkin_id),
            ),
            context(_("We met: tell each other how it went. Only the two of you see what you write.")),
        ],
    )


def answered_message(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The nudge after it was answered: the buttons give way to what was recorded."""
    return text, [section(text)]


def met_text(user_id: str, on: date) -> str:
    return _(
        ":white_check_mark: {person} recorded a meeting on {day}. Nice work!",
        person=mention(user_id),
        day=format_date(on),
    )


def scheduled_text(user_id: str, on: date, ask_on: date) -> str:
    return _(
        ":calendar: {person} scheduled the next meeting for {day}. I'll ask how it went on {ask_day}.",
        person=mention(user_id),
        day=format_date(on),
        ask_day=format_date(ask_on),
    )


def skipped_text(user_id: str, next_on: date | None) -> str:
    text = _(":fast_forward: {person} skipped this check-in.", person=mention(user_id))
    if next_on:
        text += " " + _("I'll check in again around {day}.", day=format_date(next_on))
    return text


def checkins_paused_text(user_id: str, until: date) -> str:
    return _(
        ":double_vertical_bar: {person} paused check-ins until {day}.",
        person=mention(user_id),
        day=format_date(until),
    )


def report_back_modal(*, checkin_id: int, partner_name: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": REPORT_CALLBACK,
        "title": plain(_("How did it go?"), 24),
        "submit": plain(_("Save"), 24),
        "close": plain(_("Not now"), 24),
        "private_metadata": json.dumps({"checkin": checkin_id}),
        "blocks": [
            context(_("Your meeting is recorded. A few lines here help you both remember what you agreed.")),
            {
                "type": "input",
                "block_id": REPORT_BLOCK,
                "optional": True,
                "label": plain(_(REPORT_QUESTION), 2000),
                "element": {
                    "type": "plain_text_input",
                    "action_id": REPORT_INPUT,
                    "multiline": True,
                    "max_length": REPORT_MAX,
                },
            },
            {
                "type": "input",
                "block_id": SHARE_BLOCK,
                "optional": True,
                "label": plain(_("Sharing")),
                "element": {
                    "type": "checkboxes",
                    "action_id": SHARE_INPUT,
                    "options": [_share_option(partner_name)],
                    "initial_options": [_share_option(partner_name)],
                },
            },
        ],
    }


def _share_option(partner_name: str) -> dict[str, Any]:
    return {"text": plain(clip(_("Share this with {name}", name=partner_name), 75)), "value": SHARE_VALUE}


def report_back_from(values: dict[str, dict[str, dict[str, Any]]]) -> tuple[str, bool]:
    """(report text, share with partner) from a submitted report-back modal."""
    text = ((values.get(REPORT_BLOCK) or {}).get(REPORT_INPUT) or {}).get("value") or ""
    chosen = ((values.get(SHARE_BLOCK) or {}).get(SHARE_INPUT) or {}).get("selected_options") or []
    return text.strip(), any(option.get("value") == SHARE_VALUE for option in chosen)


def report_back_message(*, author_user_id: str, partner_user_id: str, met_on: date, text: str) -> Message:
    """The report-back, shared with the partner in the pair's group DM."""
    author = mention(author_user_id)
    intro = _("{person} shared how your meeting on {day} went:", person=author, day=format_date(met_on))
    quoted = "\n".join(f"> {line}" for line in escape(text).splitlines() or [""])
    return Message(
        _("{person} shared how your meeting went", person=author),
        [
            section(intro),
            section(quoted),
            context(
                _(
                    "{partner}, a reply in a thread or a reaction lets them know you read it.",
                    partner=mention(partner_user_id),
                )
            ),
        ],
    )


def report_saved_text(shared_with: str | None) -> str:
    if shared_with:
        return _("Thanks! Your report-back is saved and shared with {partner}.", partner=mention(shared_with))
    return _("Thanks! Your report-back is saved. It's kept between you and me for now.")


def report_saved_modal(text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain(_("How did it go?"), 24),
        "close": plain(_("Done"), 24),
        "blocks": [section(text)],
    }


def pause_modal(
    *, checkin_id: int, earliest: date, suggested: date, response_url: str | None = None
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": PAUSE_CALLBACK,
        "title": plain(_("Pause check-ins"), 24),
        "submit": plain(_("Pause"), 24),
        "close": plain(_("Cancel"), 24),
        "private_metadata": json.dumps({"checkin": checkin_id, "response_url": response_url}),
        "blocks": [
            section(_("No check-in nudges until the date you pick. Your pairing stays as it is.")),
            {
                "type": "input",
                "block_id": PAUSE_BLOCK,
                "label": plain(_("Resume check-ins on")),
                "element": {
                    "type": "datepicker",
                    "action_id": PAUSE_INPUT,
                    "initial_date": suggested.isoformat(),
                },
                "hint": plain(
                    _("Any day from {day}, up to six months ahead.", day=format_date(earliest)), 150
                ),
            },
        ],
    }


def pause_until_from(values: dict[str, dict[str, dict[str, Any]]]) -> str:
    return ((values.get(PAUSE_BLOCK) or {}).get(PAUSE_INPUT) or {}).get("selected_date") or ""


def stall_message(*, partner_user_id: str, cadence: str) -> Message:
    partner = mention(partner_user_id)
    text = _(
        "It's been a while since you and {partner} last met (you planned {cadence}). "
        "Life gets busy: a short message to find a time is often all it takes. "
        "If now isn't a good moment, you can pause check-ins from your next check-in message.",
        partner=partner,
        cadence=cadence_name(cadence),
    )
    return Message(_("It's been a while since you and {partner} last met", partner=partner), [section(text)])


def pulse_message(*, pulse_id: int | str, partner_user_id: str) -> Message:
    return Message(
        _(PULSE_QUESTION),
        [
            section(
                _(
                    "*{question}* (your copilot relationship with {partner})",
                    question=_(PULSE_QUESTION),
                    partner=mention(partner_user_id),
                )
            ),
            actions(
                *(
                    button(_(PULSE_LABELS[score]), PULSE_ACTIONS[score - 1], str(pulse_id))
                    for score in range(1, 6)
                ),
                block_id=f"pulse_{pulse_id}",
            ),
            context(
                _(
                    "Only a program total of at least three answers is ever shown to anyone, never yours alone."
                )
            ),
        ],
    )


def pulse_answered_message(*, pulse_id: int, score: int) -> tuple[str, list[dict[str, Any]]]:
    text = _("Thanks: you answered {score} out of 5.", score=score)
    return text, [
        section(f":white_check_mark: {text}"),
        actions(
            button(_("Add a private comment"), PULSE_COMMENT_ACTION, str(pulse_id)), block_id="pulse_comment"
        ),
    ]


def pulse_comment_modal(*, pulse_id: int) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": PULSE_COMMENT_CALLBACK,
        "title": plain(_("A private comment"), 24),
        "submit": plain(_("Save"), 24),
        "close": plain(_("Cancel"), 24),
        "private_metadata": json.dumps({"pulse": pulse_id}),
        "blocks": [
            {
                "type": "input",
                "block_id": COMMENT_BLOCK,
                "label": plain(_("Anything you'd like to add?")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": COMMENT_INPUT,
                    "multiline": True,
                    "max_length": COMMENT_MAX,
                },
                "hint": plain(_("Kept private: never shown to your lead or in program summaries."), 150),
            }
        ],
    }


def pulse_comment_from(values: dict[str, dict[str, dict[str, Any]]]) -> str:
    return (((values.get(COMMENT_BLOCK) or {}).get(COMMENT_INPUT) or {}).get("value") or "").strip()


def unreachable_message(*, gone_user_id: str | None, until: date) -> Message:
    day = format_date(until)
    if gone_user_id:
        text = _(
            "I couldn't reach {person} on Slack (their account may be inactive), so I've paused your "
            "check-ins until {day}. Nothing else changed, and you haven't done anything wrong.",
            person=mention(gone_user_id),
            day=day,
        )
    else:
        text = _(
            "I couldn't reach your partner on Slack (their account may be inactive), so I've paused your "
            "check-ins until {day}. Nothing else changed, and you haven't done anything wrong.",
            day=day,
        )
    return Message(_("I've paused your check-ins for now"), [section(text)])


def already_reported_text() -> str:
    return _("You already told me how this meeting went. Thank you!")


def pick_scheduled_day_text() -> str:
    return _("Pick the day you've scheduled your next meeting for.")


def pick_resume_day_text() -> str:
    return _("Pick the day check-ins should resume.")


def too_long_text(limit: int) -> str:
    return _("Please keep this under {limit} characters. Nothing was saved yet.", limit=format_number(limit))


def checkin_not_yours_text() -> str:
    return _("Only the two people in this pairing can answer its check-ins.")


def pulse_not_yours_text() -> str:
    return _("This question was for someone else, so I left it as it was.")

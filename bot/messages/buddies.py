"""What onboarding buddies read: the offer to be a buddy, the welcome in the pair's group DM (what a buddy
is and is not, and the new hire's checklist), the check-ins, the end, and the admin's buddy settings form.

Every string goes through bot.i18n; the checklist keys and the agenda are bot.rules.buddies'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.i18n import N_, _, n_
from bot.messages.form_fields import choice, field_value, form_input, modal
from bot.messages.message import Message
from bot.messages.text import actions, button, context, format_date, header, mention, plain, section
from bot.rules.buddies import CHECKLIST

OFFER_ACCEPT_ACTION = "buddy_offer_accept"
OFFER_DECLINE_ACTION = "buddy_offer_decline"
TICK_ACTION = "buddy_checklist_tick"
END_ACTION = "buddy_end_early"
SETTINGS_CALLBACK = "buddy_settings"
PROGRAM, TERM, START = "buddy_program", "buddy_term_days", "buddy_start"

CHECKLIST_LABELS: Mapping[str, str] = {
    "tools": N_("My tools and accounts are set up"),
    "people": N_("I've met the people I should know first"),
    "ritual": N_("I've joined my first team ritual (a stand-up, a demo, a retro)"),
}


# --- The offer --------------------------------------------------------------------------------------


def buddy_offer_message(
    *, offer_id: int, new_hire_user_id: str, started_on: date, answer_by: date
) -> Message:
    first = _(
        "*{new_hire} is new here* (first day {day}). Would you be their onboarding buddy?",
        new_hire=mention(new_hire_user_id),
        day=format_date(started_on),
    )
    blocks = [
        section(first),
        section(
            _(
                "A buddy is a friendly first contact for the first few months: how things work here, who "
                "to ask, where things are. Not a mentor, not a manager, not a reviewer. I'll suggest a "
                "short check-in each week for the first month, then every two weeks."
            )
        ),
        actions(
            button(_("Accept"), OFFER_ACCEPT_ACTION, str(offer_id), style="primary"),
            button(_("Decline"), OFFER_DECLINE_ACTION, str(offer_id)),
            block_id=f"buddy_offer_{offer_id}",
        ),
        context(
            _(
                "Please answer by {day}. Saying no is fine: I'll simply ask someone else.",
                day=format_date(answer_by),
            )
        ),
    ]
    return Message(first, blocks)


def offer_accepted_blocks(new_hire_user_id: str) -> tuple[str, list[dict[str, Any]]]:
    text = _(
        "You accepted: you're {new_hire}'s onboarding buddy. I've opened a group DM for the two of you.",
        new_hire=mention(new_hire_user_id),
    )
    return text, [section(text)]


def offer_declined_blocks() -> tuple[str, list[dict[str, Any]]]:
    text = _("You declined. Thanks for letting me know: I'll ask someone else.")
    return text, [section(text)]


def offer_closed_message(why: str) -> Message:
    texts = {
        "expired": _("This buddy request has expired, so I've asked someone else. No need to answer it."),
        "withdrawn": _("This buddy request was withdrawn: no need to answer it. Thanks all the same."),
    }
    text = texts.get(why, texts["withdrawn"])
    return Message(text, [section(text)])


def offer_stale_text(outcome: str) -> str:
    texts = {
        "not_found": _("I can't find that buddy request any more."),
        "not_yours": _("This buddy request was sent to someone else, so only they can answer it."),
        "accepted": _("You already accepted this one."),
        "declined": _("You already declined this one."),
        "expired": _("This buddy request has expired."),
        "withdrawn": _("This buddy request was withdrawn."),
        "not_allowed": _(
            "The program's rules no longer allow this pairing (the org chart changed), so I've asked "
            "someone else. Thanks all the same."
        ),
    }
    return texts.get(outcome, texts["not_found"])


def nobody_yet_message(waiting: int) -> Message:
    """To program admins: counts only, never who is waiting."""
    text = n_(
        "{count} new colleague is waiting for an onboarding buddy: nobody who welcomes new colleagues can "
        "take them right now.",
        "{count} new colleagues are waiting for an onboarding buddy: nobody who welcomes new colleagues "
        "can take them right now.",
        waiting,
    )
    return Message(text, [section(text), context(_("More volunteers can tick it in `/mentor volunteer`."))])


# --- The relationship -----------------------------------------------------------------------------


def _checklist_blocks(pairing_id: int, ticked: Sequence[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for item in CHECKLIST:
        done = item in ticked
        mark = ":white_check_mark:" if done else ":white_large_square:"
        blocks.append(
            section(
                f"{mark} {_(CHECKLIST_LABELS[item])}",
                block_id=f"buddy_item_{item}",
                accessory=button(
                    _("Undo") if done else _("Done"),
                    TICK_ACTION,
                    f"{pairing_id}:{item}:{'0' if done else '1'}",
                ),
            )
        )
    return blocks


def welcome_message(
    *, pairing_id: int, new_hire_user_id: str, buddy_user_id: str, ends_on: date, ticked: Sequence[str] = ()
) -> Message:
    first = _(
        ":wave: {new_hire}, meet {buddy}: your onboarding buddy until {day}.",
        new_hire=mention(new_hire_user_id),
        buddy=mention(buddy_user_id),
        day=format_date(ends_on),
    )
    blocks: list[dict[str, Any]] = [
        section(first),
        section(
            _(
                "*What a buddy is:* a friendly first contact for how things work here: who to ask, where "
                "things are, the unwritten habits. Ask anything, however small."
            )
        ),
        section(
            _(
                "*What a buddy is not:* not a mentor (for that, there's `/mentor request` later), not a "
                "manager, and not a reviewer: nothing said here is reported to anyone."
            )
        ),
        section(
            _(
                "I'll check in here each week for the first month, then every two weeks. {new_hire}, "
                "here is a short checklist for you to tick; only the two of you see it.",
                new_hire=mention(new_hire_user_id),
            )
        ),
        *_checklist_blocks(pairing_id, ticked),
        actions(
            {
                **button(_("End our buddy time"), END_ACTION, str(pairing_id)),
                "confirm": {
                    "title": plain(_("End it early?"), 100),
                    "text": plain(
                        _("That's fine: people settle in at their own pace. I'll thank you both."), 300
                    ),
                    "confirm": plain(_("End it"), 30),
                    "deny": plain(_("Keep going"), 30),
                },
            },
            block_id="buddy_end",
        ),
    ]
    return Message(first, blocks)


def checklist_not_yours_text() -> str:
    return _("Only the new colleague ticks their checklist.")


def not_in_buddy_pairing_text() -> str:
    return _("This is for the two people in this buddy pairing only.")


def checkin_message(*, new_hire_user_id: str, buddy_user_id: str, number: int) -> Message:
    first = _(
        ":coffee: Buddy check-in for {new_hire} and {buddy}.",
        new_hire=mention(new_hire_user_id),
        buddy=mention(buddy_user_id),
    )
    prompts = _(
        "A few minutes this week, if you can:\n• Who have you met so far?\n• What's still unclear?\n"
        "• Who would be good to meet next?"
    )
    blocks = [
        section(first),
        section(prompts),
        context(_("Check-in {number}. Your answers stay between the two of you.", number=number)),
    ]
    return Message(first, blocks)


def ended_early_message(ended_by_user_id: str) -> Message:
    text = _(
        "{who} ended the buddy time. Thank you both for the weeks you had: I hope the start went well. "
        "Nothing more will come from me about it.",
        who=mention(ended_by_user_id),
    )
    return Message(text, [section(text)])


def ended_early_reply() -> str:
    return _("Done: the buddy time is over, kindly. Thank you.")


def already_ended_text() -> str:
    return _("This buddy time has already ended.")


def partner_left_message() -> Message:
    text = _(
        "Your buddy pairing has ended: the other person is no longer here. Thank you for the time you gave it."
    )
    return Message(text, [section(text)])


def not_allowed_message() -> Message:
    text = _(
        "Your buddy pairing has ended: after a change in the org chart, the program's rules no longer allow "
        "it. Thank you for the time you gave it."
    )
    return Message(text, [section(text)])


def term_end_message(*, new_hire_user_id: str, buddy_user_id: str) -> Message:
    first = _(
        ":tada: {new_hire} and {buddy}, your buddy time is over. Thank you both!",
        new_hire=mention(new_hire_user_id),
        buddy=mention(buddy_user_id),
    )
    blocks = [
        section(first),
        section(
            _(
                "{buddy}, thank you for making someone's first months easier: you're free for another new "
                "colleague whenever you like.",
                buddy=mention(buddy_user_id),
            )
        ),
    ]
    return Message(first, blocks)


def copilot_invitation_message() -> Message:
    first = _("Now that you've settled in: would you like a copilot?")
    blocks = [
        section(first),
        section(
            _(
                "A copilot is a colleague who helps you grow in something you choose, over a few months, "
                "at your own pace. Ask with `/mentor request` whenever you're ready."
            )
        ),
    ]
    return Message(first, blocks)


# --- App Home and the summary line ------------------------------------------------------------------


def home_blocks(lines: Sequence[str]) -> list[dict[str, Any]]:
    if not lines:
        return []
    return [header(_("Onboarding buddy")), section("\n".join(lines))]


def home_line(*, role: str, partner_user_id: str, ends_on: date) -> str:
    if role == "buddy":
        return _(
            "You're {partner}'s onboarding buddy until {day}.",
            partner=mention(partner_user_id),
            day=format_date(ends_on),
        )
    return _(
        "{partner} is your onboarding buddy until {day}.",
        partner=mention(partner_user_id),
        day=format_date(ends_on),
    )


def summary_line(active: int, finding: int, ended: int) -> str:
    """The summary's line of buddy facts (program-level counts only)."""
    return _(
        "*Onboarding buddies:* {active} active · {finding} being found · {ended} completed or ended",
        active=active,
        finding=finding,
        ended=ended,
    )


# --- The admin's settings -----------------------------------------------------------------------------


def settings_modal(*, on: bool, term_days: int, start: str, low: int, high: int) -> dict[str, Any]:
    yes_no = (("yes", _("On")), ("no", _("Off")))
    starts = (
        ("team_join", _("When they join Slack")),
        ("start_date", _("On their start date from the org chart (`start_date` in import-org)")),
    )
    blocks = [
        section(
            _(
                "Onboarding buddies: each new colleague is offered a buddy from the volunteers who ticked "
                '"I\'d welcome new colleagues", never from their own reporting line.'
            )
        ),
        form_input(
            PROGRAM, _("Buddy program"), choice("radio_buttons", PROGRAM, yes_no, "yes" if on else "no")
        ),
        form_input(
            TERM,
            _("Buddy term (days)"),
            {
                "type": "number_input",
                "action_id": TERM,
                "is_decimal_allowed": False,
                "min_value": str(low),
                "max_value": str(high),
                "initial_value": str(term_days),
            },
        ),
        form_input(START, _("A new colleague's buddy starts"), choice("radio_buttons", START, starts, start)),
    ]
    return modal(
        SETTINGS_CALLBACK,
        _("Onboarding buddies"),
        submit=_("Save"),
        close=_("Cancel"),
        blocks=blocks,
        metadata={},
    )


def settings_from(values: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The submitted form as raw program settings (bot.people.program_settings validates them)."""
    raw: dict[str, Any] = {}
    if PROGRAM in values:
        raw[PROGRAM] = (field_value(values, PROGRAM).get("selected_option") or {}).get("value")
    if TERM in values:
        raw[TERM] = str(field_value(values, TERM).get("value") or "").strip()
    if START in values:
        raw[START] = (field_value(values, START).get("selected_option") or {}).get("value")
    return raw


def settings_saved_text(on: bool, term_days: int) -> str:
    if not on:
        return _("Onboarding buddies are off. Buddy pairings already running carry on to their end.")
    return _(
        "Onboarding buddies are on, for {days} days each. New colleagues get a buddy from now on.",
        days=term_days,
    )


def not_admin_text() -> str:
    return _("Only program admins can change the onboarding buddy settings.")


BUDDY_ICS_FILENAME = "buddy-meetings.ics"


def buddy_event_title(new_hire: str, buddy: str) -> str:
    return _("Onboarding buddy: {new_hire} & {buddy}", new_hire=new_hire, buddy=buddy)


def buddy_event_description(link: str) -> str:
    return _(
        "Your onboarding buddy meetings: weekly for the first month, then every two weeks. "
        "The checklist and the check-ins are in Slack: {link}",
        link=link,
    )

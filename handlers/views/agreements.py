"""Block Kit for the expectation-setting conversation and the later life of an agreement.

Pure functions from data to blocks (and back from modal state to plain answers). Person names are
user text: always escaped. Messages are bot.outbox.Message values so services can enqueue them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from bot import agreements as rules
from bot.outbox import Message
from handlers.views.text import (
    actions,
    button,
    clip,
    context,
    divider,
    escape,
    header,
    mention,
    plain,
    section,
)

if TYPE_CHECKING:
    from bot.expectations import HomePairing, PairNames, ProposalForm, QuestionnaireForm

# action_ids
OPEN_QUESTIONNAIRE = "expectations_open"
RESOLVE = "expectations_resolve"
ACCEPT = "expectations_accept"
COUNTER = "expectations_counter"
CONFIRM = "expectations_confirm"
REVISIT = "expectations_revisit"
PAUSE = "pairing_pause"
RESUME = "pairing_resume"
END = "pairing_end"
TERM_END_PREFIX = "term_end_"  # + renew / networking / close

# callback_ids
QUESTIONNAIRE_CALLBACK = "expectations_form"
PROPOSAL_CALLBACK = "expectations_proposal"
END_CALLBACK = "pairing_end_form"

VALUE = "value"  # the action_id of every input element in these modals
OPTION_TEXT_MAX = 75
LENGTH_BLOCKS = ("length_meetings", "length_end_date")
WINDOW_BLOCKS = ("time_window_start", "time_window_end")
# where an error about a question is shown in the modal
ERROR_BLOCK = {"length": LENGTH_BLOCKS[0], "time_window": WINDOW_BLOCKS[0]}

QUESTION_LABELS = {q.key: q.label for q in rules.QUESTIONS}


def _who(user_id: str) -> str:
    return mention(user_id)


# --- modals -----------------------------------------------------------------------------------------


def loading_modal(title: str) -> dict[str, Any]:
    """Shown the instant a button is clicked, so the trigger never expires while we load."""
    return {
        "type": "modal",
        "title": plain(title, 24),
        "close": plain("Close", 24),
        "blocks": [section(":hourglass_flowing_sand: One moment…")],
    }


def notice_modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain(title, 24),
        "close": plain("Close", 24),
        "blocks": [section(escape(text))],
    }


def _option(value: Any, label: str, description: str = "") -> dict[str, Any]:
    option: dict[str, Any] = {"text": plain(label, OPTION_TEXT_MAX), "value": str(value)}
    if description:
        option["description"] = plain(description, OPTION_TEXT_MAX)
    return option


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = ""
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {**element, "action_id": VALUE},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _radio(question: rules.Question, current: Any) -> dict[str, Any]:
    options = [_option(value, label, help_text) for value, label, help_text in question.options]
    element: dict[str, Any] = {"type": "radio_buttons", "options": options}
    chosen = next((o for o in options if current is not None and o["value"] == str(current)), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def _checkbox_days(current: Any) -> dict[str, Any]:
    options = [_option(number, name) for number, name, _ in rules.DAY_OPTIONS]
    element: dict[str, Any] = {"type": "checkboxes", "options": options}
    picked = [o for o in options if isinstance(current, list) and int(o["value"]) in current]
    if picked:
        element["initial_options"] = picked
    return element


def _field_blocks(key: str, current: Any, *, label: str | None = None) -> list[dict[str, Any]]:
    """The input block(s) asking one question, prefilled with `current` (this person's own answer)."""
    question = rules.QUESTION_BY_KEY[key]
    text = label or question.label
    if question.kind == "choice":
        if key == "organiser" and current is None:
            current = "mentee"  # mentoring is mentee-driven
        blocks = [_input(key, text, _radio(question, current), optional=not question.required)]
        if key == "relationship_kind" and any(len(h) > OPTION_TEXT_MAX for _, _, h in question.options):
            blocks.append(context("\n".join(f"*{label}*: {h}" for _, label, h in question.options)))
        return blocks
    if question.kind == "number_or_date":
        current = current if isinstance(current, dict) else {}
        number: dict[str, Any] = {
            "type": "number_input",
            "is_decimal_allowed": False,
            "min_value": "1",
            "max_value": str(rules.MAX_MEETINGS),
        }
        if current.get("meetings"):
            number["initial_value"] = str(current["meetings"])
        picker: dict[str, Any] = {"type": "datepicker", "placeholder": plain("Pick an end date")}
        if current.get("end_date"):
            picker["initial_date"] = current["end_date"]
        return [
            _input(
                LENGTH_BLOCKS[0],
                f"{text} Either a number of meetings…",
                number,
                optional=True,
                hint=f"Between 1 and {rules.MAX_MEETINGS} meetings.",
            ),
            _input(LENGTH_BLOCKS[1], "…or until a date", picker, optional=True, hint="Up to two years away."),
        ]
    if question.kind == "text":
        element: dict[str, Any] = {"type": "plain_text_input", "multiline": True, "max_length": 3000}
        if current:
            element["initial_value"] = str(current)
        return [_input(key, text, element, optional=not question.required, hint=question.help)]
    if question.kind == "bool":
        option = _option("yes", "Yes")
        element = {"type": "checkboxes", "options": [option]}
        if current is True:
            element["initial_options"] = [option]
        return [_input(key, text, element, optional=True)]
    if question.kind == "days":
        return [_input(key, text, _checkbox_days(current), optional=True)]
    window = current if isinstance(current, dict) else {}
    start: dict[str, Any] = {"type": "timepicker"}
    end: dict[str, Any] = {"type": "timepicker"}
    if window.get("start"):
        start["initial_time"] = window["start"]
    if window.get("end"):
        end["initial_time"] = window["end"]
    return [
        _input(WINDOW_BLOCKS[0], f"{text}: from", start, optional=True),
        _input(WINDOW_BLOCKS[1], "to", end, optional=True),
    ]


def questionnaire_modal(form: QuestionnaireForm) -> dict[str, Any]:
    partner = escape(form.partner_name)
    intro = (
        f"Answer on your own: {partner} answers the same questions and neither of you sees the other's "
        "answers until you've both sent them. Then mentor-bot shows where you agree and where you differ."
    )
    if form.revisit:
        intro = "A fresh look at how your mentoring works. " + intro
    blocks: list[dict[str, Any]] = [section(intro)]
    for question in rules.QUESTIONS:
        if question.asked_of(form.role):
            blocks.extend(_field_blocks(question.key, form.prefill.get(question.key)))
    blocks.append(context("Your answers are private to the two of you. Program leads never see them."))
    return {
        "type": "modal",
        "callback_id": QUESTIONNAIRE_CALLBACK,
        "title": plain("Set expectations", 24),
        "submit": plain("Send my answers", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"p": form.pairing_id, "r": form.round}),
        "blocks": blocks,
    }


def _state_value(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    return (values.get(block_id) or {}).get(VALUE) or {}


def _read_field(key: str, values: dict[str, Any]) -> Any:
    question = rules.QUESTION_BY_KEY[key]
    if question.kind == "number_or_date":
        return {
            "meetings": _state_value(values, LENGTH_BLOCKS[0]).get("value"),
            "end_date": _state_value(values, LENGTH_BLOCKS[1]).get("selected_date"),
        }
    if question.kind == "time_window":
        return {
            "start": _state_value(values, WINDOW_BLOCKS[0]).get("selected_time"),
            "end": _state_value(values, WINDOW_BLOCKS[1]).get("selected_time"),
        }
    state = _state_value(values, key)
    if question.kind == "choice":
        return (state.get("selected_option") or {}).get("value")
    if question.kind == "text":
        return state.get("value") or ""
    selected = [o.get("value") for o in state.get("selected_options") or []]
    if question.kind == "bool":
        return "yes" in selected
    return selected


def answers_from(values: dict[str, Any]) -> dict[str, Any]:
    """Modal state -> raw answers for bot.agreements.validate_answers."""
    return {q.key: _read_field(q.key, values) for q in rules.QUESTIONS}


def errors_for_modal(errors: dict[str, str]) -> dict[str, str]:
    """Question-keyed errors -> block-keyed errors for ack(response_action="errors")."""
    return {ERROR_BLOCK.get(key, key): message for key, message in errors.items()}


def proposal_modal(form: ProposalForm) -> dict[str, Any]:
    names = form.names
    mine_name, theirs_name = (
        (names.mentee, names.mentor) if form.role == "mentee" else (names.mentor, names.mentee)
    )
    where = (
        f"*{escape(QUESTION_LABELS[form.key])}*\nYou said {rules.format_value(form.key, form.mine)}; "
        f"{escape(theirs_name)} {'suggests' if form.counter else 'said'} "
        f"{rules.format_value(form.key, form.theirs)}."
    )
    label = "What do you suggest?"
    if form.key == "time_window":
        label = f"What time do you suggest? (in {names.mentee}'s local time)"
    blocks = [section(where), *_field_blocks(form.key, form.mine, label=label)]
    blocks.append(context(f"{escape(theirs_name)} can accept your suggestion or suggest something else."))
    _ = mine_name
    return {
        "type": "modal",
        "callback_id": PROPOSAL_CALLBACK,
        "title": plain("Counter-propose" if form.counter else "Suggest a middle", 24),
        "submit": plain("Suggest this", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"p": form.pairing_id, "r": form.round, "k": form.key}),
        "blocks": blocks,
    }


def proposal_value_from(key: str, values: dict[str, Any]) -> Any:
    return _read_field(key, values)


def end_modal(pairing_id: int, partner_name: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": END_CALLBACK,
        "title": plain("End mentoring", 24),
        "submit": plain("End mentoring", 24),
        "close": plain("Keep going", 24),
        "private_metadata": json.dumps({"p": pairing_id}),
        "blocks": [
            section(
                f"This ends your mentoring with *{escape(partner_name)}*. We'll let them know kindly, "
                "and you'll both be free for a new pairing."
            ),
            _input(
                "reflection",
                "A private reflection (optional)",
                {"type": "plain_text_input", "multiline": True, "max_length": 3000},
                optional=True,
                hint="What worked, what you'd do differently. Only you can see this.",
            ),
        ],
    }


def reflection_from(values: dict[str, Any]) -> str:
    return str(_state_value(values, "reflection").get("value") or "")


# --- messages in the pair's group DM -------------------------------------------------------------


def kickoff_message(pairing_id: int, names: PairNames, reasons: Sequence[str]) -> Message:
    blocks = [
        header("Welcome, copilots!"),
        section(
            f"{_who(names.mentee_user)}, meet {_who(names.mentor_user)}: your copilot. "
            f"{_who(names.mentor_user)} has kindly volunteered to help {escape(names.mentee)} grow "
            "through regular conversations."
        ),
    ]
    if reasons:
        why = "\n".join(f"• {escape(clip(reason, 300))}" for reason in reasons[:6])
        blocks.append(section(f"*Why you were matched*\n{why}"))
    blocks += [
        section(
            "*First, set expectations.* Each of you answers a few questions on your own (how often, "
            "how long, what you hope for). Then mentor-bot shows where you agree and where you differ, "
            "and you confirm one agreement together."
        ),
        actions(button("Set expectations", OPEN_QUESTIONNAIRE, str(pairing_id), "primary")),
    ]
    return Message(f"Welcome, copilots! {names.mentee} and {names.mentor}: please set expectations.", blocks)


def _neutral_difference(difference: rules.Difference, names: PairNames) -> str:
    return (
        f"{escape(names.mentee)} said {rules.format_value(difference.key, difference.mentee_value)}, "
        f"{escape(names.mentor)} said {rules.format_value(difference.key, difference.mentor_value)}."
    )


def differences_message(
    pairing_id: int,
    round_: int,
    names: PairNames,
    differences: Sequence[rules.Difference],
    kind_warning: str,
) -> Message:
    blocks: list[dict[str, Any]] = [
        header("You've both answered"),
        section(
            "You agree on most things. Here's where you differ: for each, either of you can *Resolve* "
            "it by suggesting a value, and the other accepts or suggests something else."
        ),
    ]
    if kind_warning:
        blocks.append(section(f":warning: *Talk about this one first.* {escape(kind_warning)}"))
    for difference in differences:
        blocks.append(
            section(
                f"*{escape(QUESTION_LABELS[difference.key])}*\n{_neutral_difference(difference, names)}",
                accessory=button("Resolve", RESOLVE, f"{pairing_id}:{round_}:{difference.key}"),
            )
        )
    return Message(f"You've both answered. {len(differences)} thing(s) to settle.", blocks)


def proposal_message(
    pairing_id: int, round_: int, names: PairNames, proposal: rules.Proposal, token: str
) -> Message:
    by_user = names.mentee_user if proposal.proposed_by == "mentee" else names.mentor_user
    to_user = names.mentor_user if proposal.proposed_by == "mentee" else names.mentee_user
    value = f"{pairing_id}:{round_}:{proposal.key}:{token}"
    text = (
        f"*{escape(QUESTION_LABELS[proposal.key])}*\n{_who(by_user)} suggests "
        f"*{rules.format_value(proposal.key, proposal.value)}*. {_who(to_user)}, does that work for you?"
    )
    return Message(
        "A suggestion to settle a difference",
        [
            section(text),
            actions(
                button("Accept", ACCEPT, value, "primary"),
                button("Counter-propose", COUNTER, value),
            ),
        ],
    )


def settled_blocks(note: str) -> list[dict[str, Any]]:
    """Replaces a proposal message once it's answered."""
    return [section(f":white_check_mark: {escape(note)}")]


def _term_lines(lines: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"*{escape(label)}:* {escape(value)}" for label, value in lines)


def confirm_message(pairing_id: int, version: int, lines: Sequence[tuple[str, str]]) -> Message:
    return Message(
        "Everything is agreed: please both confirm.",
        [
            header("Everything is agreed"),
            section(_term_lines(lines)),
            section("If this is right, *both* of you confirm. Your mentoring starts once you have."),
            actions(button("Confirm agreement", CONFIRM, f"{pairing_id}:{version}", "primary")),
        ],
    )


def agreed_message(
    pairing_id: int, version: int, names: PairNames, lines: Sequence[tuple[str, str]]
) -> Message:
    title = "Your agreement" if version == 1 else f"Your agreement (version {version})"
    return Message(
        f"{title}: confirmed by {names.mentee} and {names.mentor}.",
        [
            header(title),
            section(_term_lines(lines)),
            context(
                f"Confirmed by {_who(names.mentee_user)} and {_who(names.mentor_user)}. "
                "This stays between the two of you."
            ),
            actions(button("Revisit expectations", REVISIT, str(pairing_id))),
        ],
    )


def first_meeting_message(
    to_mentee: bool, other_user: str, other_name: str, terms: dict[str, Any]
) -> Message:
    minutes = rules.format_value("meeting_minutes", terms.get("meeting_minutes"))
    how = rules.format_value("meeting_format", terms.get("meeting_format"))
    lead = "Mentoring is mentee-driven: send" if to_mentee else "You agreed to set up the meetings: send"
    text = f"{lead} {_who(other_user)} a calendar invite for your first meeting ({minutes}, {how})"
    if terms.get("preferred_days"):
        text += f", on {rules.format_value('preferred_days', terms['preferred_days'])}"
    if terms.get("time_window"):
        text += f", {rules.format_value('time_window', terms['time_window'])}"
    text += ". Bring one thing you'd like to talk about."
    return Message(f"Time to set up your first meeting with {other_name}.", [section(text)])


def revisit_message(pairing_id: int, by_user: str) -> Message:
    return Message(
        "Time for a fresh look at your expectations.",
        [
            section(
                f"{_who(by_user)} would like a fresh look at how your mentoring works. Each of you answers "
                "the questions again; your current agreement stays in place until you confirm a new one."
            ),
            actions(button("Set expectations", OPEN_QUESTIONNAIRE, str(pairing_id), "primary")),
        ],
    )


def renew_message(pairing_id: int) -> Message:
    return Message(
        "You both chose to renew: please set expectations for the next stretch.",
        [
            section(
                "You both chose to keep going. Answer the questions for the next stretch; "
                "your current agreement stays in place until you confirm a new one."
            ),
            actions(button("Set expectations", OPEN_QUESTIONNAIRE, str(pairing_id), "primary")),
        ],
    )


def revisit_withdrawn_message() -> Message:
    return Message(
        "The fresh look at your expectations wasn't finished, so your current agreement stays as it is.",
        [
            section(
                "The fresh look at your expectations wasn't finished within 10 days, so your current "
                "agreement stays as it is. You can start again any time with *Revisit expectations*."
            )
        ],
    )


def networking_message(days: int) -> Message:
    return Message(
        "You'll keep in touch as networking contacts.",
        [
            section(
                "Your copilot term is complete. You'll stay in each other's contacts, and mentor-bot will "
                f"suggest catching up about every {days} days. Thank you both!"
            )
        ],
    )


# --- messages to one person ---------------------------------------------------------------------


def reminder_message(pairing_id: int, partner_name: str, partner_answered: bool, last: bool) -> Message:
    partner = escape(partner_name)
    waiting = f"{partner} has answered and is waiting for you." if partner_answered else ""
    opening = "A last friendly reminder" if last else "A friendly reminder"
    text = (
        f"{opening}: please answer the expectation questions for your mentoring with {partner}. "
        f"It takes about five minutes. {waiting}"
    ).strip()
    return Message(
        f"{opening}: please set expectations with {partner_name}.",
        [section(text), actions(button("Set expectations", OPEN_QUESTIONNAIRE, str(pairing_id), "primary"))],
    )


def lapsed_message(partner_name: str, to_mentee: bool) -> Message:
    partner = escape(partner_name)
    if to_mentee:
        text = (
            f"Your mentoring with {partner} didn't get off the ground: you didn't settle expectations "
            "within 10 days, which happens when timing isn't right. Your request is open again, so "
            "mentor-bot can suggest someone else."
        )
    else:
        text = (
            f"Your mentoring with {partner} didn't get off the ground: you didn't settle expectations "
            "within 10 days. No harm done: you're free for another pairing whenever you like."
        )
    return Message(text, [section(text)])


def paused_message(by_user: str, until: date) -> Message:
    text = (
        f"{_who(by_user)} paused your mentoring until {until.day} {until:%B %Y}. "
        "No check-in reminders until then."
    )
    return Message(f"Your mentoring is paused until {until.isoformat()}.", [section(text)])


def ended_message(by_user: str) -> Message:
    text = (
        f"{_who(by_user)} has ended your mentoring. Thank you for the time and care you put in: "
        "it matters. You're free for a new pairing whenever you like."
    )
    return Message("Your mentoring has ended.", [section(text)])


def partner_left_message(name: str, to_mentee: bool) -> Message:
    extra = "You can ask for a new copilot with `/mentor request`." if to_mentee else ""
    text = (
        f"{escape(name)} has left the workspace, so your mentoring has ended. Thank you for the time "
        f"you gave each other. {extra}"
    ).strip()
    return Message("Your mentoring has ended.", [section(text)])


def term_end_message(pairing_id: int, version: int, partner_name: str) -> Message:
    value = f"{pairing_id}:{version}"
    return Message(
        f"Your agreed term with {partner_name} is complete. What next?",
        [
            section(
                f"Your agreed term with {escape(partner_name)} is complete. What would you like next? "
                "(We go with the lighter choice if you two pick differently.)"
            ),
            actions(
                button("Renew", TERM_END_PREFIX + "renew", value, "primary"),
                button("Keep in touch lightly", TERM_END_PREFIX + "networking", value),
                button("Close", TERM_END_PREFIX + "close", value),
            ),
        ],
    )


def term_closed_message(by_user: str) -> Message:
    text = (
        f"{_who(by_user)} closed your mentoring at the end of its term. Thank you both for the time you gave."
    )
    return Message("Your mentoring has closed.", [section(text)])


# --- App Home -----------------------------------------------------------------------------------


def home_blocks(pairings: Sequence[HomePairing]) -> list[dict[str, Any]]:
    if not pairings:
        return []
    blocks: list[dict[str, Any]] = [divider(), header("Your mentoring")]
    for p in pairings:
        who = "your copilot" if p.role == "mentee" else "your mentee"
        state = {
            "setting_expectations": "setting expectations",
            "active": "active",
            "paused": f"paused until {p.paused_until:%d %b %Y}" if p.paused_until else "paused",
            "stalled": "quiet for a while",
        }.get(p.state, p.state)
        note = " A fresh look at your expectations is open." if p.revisiting else ""
        elements = []
        if p.state in ("active", "stalled", "paused") and not p.revisiting:
            elements.append(button("Revisit expectations", REVISIT, str(p.pairing_id)))
        if p.state == "paused":
            elements.append(button("Resume", RESUME, str(p.pairing_id)))
        elif p.state in ("active", "stalled"):
            elements.append({"type": "datepicker", "action_id": PAUSE, "placeholder": plain("Pause until…")})
        elements.append(button("End", END, str(p.pairing_id)))
        details = []
        if p.agreed:
            details.append(f"Agreed: {escape(p.agreed)}")
        if p.next_checkin_on and p.state == "active":
            details.append(f"Next check-in: {p.next_checkin_on:%a %d %b}")
        more = ("\n" + " · ".join(details)) if details else ""
        blocks.append(section(f"{_who(p.partner_user)} is {who}: *{state}*.{note}{more}"))
        blocks.append(actions(*elements, block_id=f"pairing_{p.pairing_id}"))
    return blocks

"""The modal building blocks the expectation forms share: one question as input blocks (prefilled with the
person's own answer) and back from modal state, the error placement, and the loading and notice modals.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import _
from bot.messages.expectations.wording import weekday_name
from bot.messages.text import context, escape, plain, section
from bot.rules.agreements.questionnaire import DAY_OPTIONS, MAX_MEETINGS, QUESTION_BY_KEY, QUESTIONS, Question

VALUE = "value"  # the action_id of every input element in these modals
OPTION_TEXT_MAX = 75
LENGTH_BLOCKS = ("length_meetings", "length_end_date")
WINDOW_BLOCKS = ("time_window_start", "time_window_end")
# where an error about a question is shown in the modal
ERROR_BLOCK = {"length": LENGTH_BLOCKS[0], "time_window": WINDOW_BLOCKS[0]}

QUESTION_LABELS = {q.key: q.label for q in QUESTIONS}  # English (N_): translate with question_label()


def question_label(key: str) -> str:
    """A question as the reader reads it (its label, translated now)."""
    return _(QUESTION_LABELS[key])


def loading_modal(title: str) -> dict[str, Any]:
    """Shown the instant a button is clicked, so the trigger never expires while we load."""
    return {
        "type": "modal",
        "title": plain(title, 24),
        "close": plain(_("Close"), 24),
        "blocks": [section(_(":hourglass_flowing_sand: One moment…"))],
    }


def notice_modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain(title, 24),
        "close": plain(_("Close"), 24),
        "blocks": [section(escape(text))],
    }


def _option(value: Any, label: str, description: str = "") -> dict[str, Any]:
    option: dict[str, Any] = {"text": plain(label, OPTION_TEXT_MAX), "value": str(value)}
    if description:
        option["description"] = plain(description, OPTION_TEXT_MAX)
    return option


def input_block(
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


def _translated(text: str) -> str:
    return _(text) if text else ""  # gettext("") is the catalog's header


def _radio(question: Question, current: Any) -> dict[str, Any]:
    options = [
        _option(value, _(label), _translated(help_text)) for value, label, help_text in question.options
    ]
    element: dict[str, Any] = {"type": "radio_buttons", "options": options}
    chosen = next((o for o in options if current is not None and o["value"] == str(current)), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def _checkbox_days(current: Any) -> dict[str, Any]:
    options = [_option(number, weekday_name(number).capitalize()) for number, _name, _help in DAY_OPTIONS]
    element: dict[str, Any] = {"type": "checkboxes", "options": options}
    picked = [o for o in options if isinstance(current, list) and int(o["value"]) in current]
    if picked:
        element["initial_options"] = picked
    return element


def question_inputs(key: str, current: Any, *, label: str | None = None) -> list[dict[str, Any]]:
    """The input block(s) asking one question, prefilled with `current` (this person's own answer)."""
    question = QUESTION_BY_KEY[key]
    text = label or _(question.label)
    if question.kind == "choice":
        if key == "organiser" and current is None:
            current = "mentee"  # mentoring is mentee-driven
        blocks = [input_block(key, text, _radio(question, current), optional=not question.required)]
        helps = [(_(label), _translated(help_text)) for _value, label, help_text in question.options]
        if key == "relationship_kind" and any(
            len(help_text) > OPTION_TEXT_MAX for _label, help_text in helps
        ):
            blocks.append(context("\n".join(f"*{label}*: {help_text}" for label, help_text in helps)))
        return blocks
    if question.kind == "number_or_date":
        current = current if isinstance(current, dict) else {}
        number: dict[str, Any] = {
            "type": "number_input",
            "is_decimal_allowed": False,
            "min_value": "1",
            "max_value": str(MAX_MEETINGS),
        }
        if current.get("meetings"):
            number["initial_value"] = str(current["meetings"])
        picker: dict[str, Any] = {"type": "datepicker", "placeholder": plain(_("Pick an end date"))}
        if current.get("end_date"):
            picker["initial_date"] = current["end_date"]
        return [
            input_block(
                LENGTH_BLOCKS[0],
                _("{question} Either a number of meetings…", question=text),
                number,
                optional=True,
                hint=_("Between 1 and {most} meetings.", most=MAX_MEETINGS),
            ),
            input_block(
                LENGTH_BLOCKS[1],
                _("…or until a date"),
                picker,
                optional=True,
                hint=_("Up to two years away."),
            ),
        ]
    if question.kind == "text":
        element: dict[str, Any] = {"type": "plain_text_input", "multiline": True, "max_length": 3000}
        if current:
            element["initial_value"] = str(current)
        hint = _translated(question.help)
        return [input_block(key, text, element, optional=not question.required, hint=hint)]
    if question.kind == "bool":
        option = _option("yes", _("Yes"))
        element = {"type": "checkboxes", "options": [option]}
        if current is True:
            element["initial_options"] = [option]
        return [input_block(key, text, element, optional=True)]
    if question.kind == "days":
        return [input_block(key, text, _checkbox_days(current), optional=True)]
    window = current if isinstance(current, dict) else {}
    start: dict[str, Any] = {"type": "timepicker"}
    end: dict[str, Any] = {"type": "timepicker"}
    if window.get("start"):
        start["initial_time"] = window["start"]
    if window.get("end"):
        end["initial_time"] = window["end"]
    return [
        input_block(WINDOW_BLOCKS[0], _("{question}: from", question=text), start, optional=True),
        input_block(WINDOW_BLOCKS[1], _("to"), end, optional=True),
    ]


def state_value(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    """One input's state in a submitted modal (empty when the block is missing or left blank)."""
    return (values.get(block_id) or {}).get(VALUE) or {}


def read_question(key: str, values: dict[str, Any]) -> Any:
    """One question's raw answer from modal state, in the shape bot.rules.agreements.validation expects."""
    question = QUESTION_BY_KEY[key]
    if question.kind == "number_or_date":
        return {
            "meetings": state_value(values, LENGTH_BLOCKS[0]).get("value"),
            "end_date": state_value(values, LENGTH_BLOCKS[1]).get("selected_date"),
        }
    if question.kind == "time_window":
        return {
            "start": state_value(values, WINDOW_BLOCKS[0]).get("selected_time"),
            "end": state_value(values, WINDOW_BLOCKS[1]).get("selected_time"),
        }
    state = state_value(values, key)
    if question.kind == "choice":
        return (state.get("selected_option") or {}).get("value")
    if question.kind == "text":
        return state.get("value") or ""
    selected = [o.get("value") for o in state.get("selected_options") or []]
    if question.kind == "bool":
        return "yes" in selected
    return selected


def errors_for_modal(errors: dict[str, str]) -> dict[str, str]:
    """Question-keyed errors -> block-keyed errors for ack(response_action="errors")."""
    return {ERROR_BLOCK.get(key, key): message for key, message in errors.items()}

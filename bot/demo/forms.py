"""The demo's form filler and button finder: Block Kit read the way a person in Slack reads it.

`fill_form` answers a modal as Slack would send its view.state.values; the other helpers find the button
a person clicks and the texts they read on a message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from bot.demo.journal import DemoError
from bot.demo.people import Colleague
from bot.demo.slack_standin import block_texts
from bot.i18n import format_date


def _elements(block: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    yield from block.get("elements") or []
    if isinstance(block.get("accessory"), dict):
        yield block["accessory"]
    if isinstance(block.get("element"), dict):
        yield block["element"]


def find_element(
    blocks: list[dict[str, Any]], action_id: str, value: str | None = None
) -> tuple[dict[str, Any], str] | None:
    """The first element `action_id` (whose value ends with `value`, if given) and its block's id."""
    for block in blocks:
        for element in _elements(block):
            if element.get("action_id") == action_id and (
                value is None or str(element.get("value", "")).endswith(value)
            ):
                return element, str(block.get("block_id", ""))
    return None


def element_label(element: Mapping[str, Any]) -> str:
    text = element.get("text") or element.get("placeholder") or {}
    return str(text.get("text", "")) if isinstance(text, dict) else ""


def all_text(text: str, blocks: Any) -> str:
    """A message's text and every text in its blocks, one per line: what a person reads on it."""
    return "\n".join([text, *block_texts(blocks)])


def title(view: Mapping[str, Any]) -> str:
    return str((view.get("title") or {}).get("text") or "a form")


def _options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _option(element: Mapping[str, Any], value: str) -> dict[str, Any]:
    for option in _options(element):
        if option.get("value") == value:
            return {"text": option["text"], "value": value}
    raise DemoError(f"no option {value!r} in {element.get('action_id')!r}")


def fill_form(
    view: Mapping[str, Any],
    answers: Mapping[str, Any],
    people: Mapping[str, Colleague],
    channels: Mapping[str, str] | None = None,
) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """Slack's view.state.values for a form: `answers` by block id, the prefilled values elsewhere.

    Also returns what the person typed or chose, as (question, answer) pairs for the transcript.
    """
    state: dict[str, dict[str, Any]] = {}
    shown: list[tuple[str, str]] = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        block_id, element = str(block.get("block_id")), dict(block["element"])
        kind, action_id = element.get("type"), str(element.get("action_id"))
        given = block_id in answers
        answer = answers.get(block_id)
        value: dict[str, Any] = {"type": kind}
        display = ""
        if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
            text = str(answer) if given and answer is not None else element.get("initial_value")
            value["value"] = text
            display = f'"{text}"' if kind == "plain_text_input" and text else str(text or "")
        elif kind == "datepicker":
            value["selected_date"] = answer if given else element.get("initial_date")
            picked = value["selected_date"]
            display = format_date(date.fromisoformat(picked), year=True) if picked else ""
        elif kind == "timepicker":
            value["selected_time"] = answer if given else element.get("initial_time")
            display = str(value["selected_time"] or "")
        elif kind in ("radio_buttons", "static_select"):
            chosen = _option(element, str(answer)) if given and answer else element.get("initial_option")
            value["selected_option"] = chosen
            display = _plain(chosen["text"]) if chosen else ""
        elif kind in ("checkboxes", "multi_static_select"):
            chosen_list = (
                [_option(element, str(v)) for v in answer]
                if given
                else list(element.get("initial_options") or [])
            )
            value["selected_options"] = chosen_list
            display = ", ".join(_plain(o["text"]) for o in chosen_list) or "(none)"
        elif kind == "users_select":
            value["selected_user"] = answer if given else element.get("initial_user")
            person = people.get(value["selected_user"] or "")
            display = f"@{person.name}" if person else ""
        elif kind == "multi_users_select":
            value["selected_users"] = list(answer) if given else list(element.get("initial_users") or [])
            display = ", ".join(f"@{people[u].name}" for u in value["selected_users"] if u in people)
        elif kind == "conversations_select":
            value["selected_conversation"] = answer if given else element.get("initial_conversation")
            picked = str(value["selected_conversation"] or "")
            display = f"#{(channels or {}).get(picked, picked)}" if picked else ""
        else:
            raise DemoError(f"the demo cannot fill a {kind!r} field ({block_id})")
        state[block_id] = {action_id: value}
        if given:
            shown.append((_plain(block.get("label") or {}), display))
    return state, shown


def _plain(text: Any) -> str:
    return str(text.get("text", "")) if isinstance(text, dict) else str(text or "")

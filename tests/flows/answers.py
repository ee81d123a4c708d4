"""What the expectations flows send back: the buttons of a posted message and a questionnaire field's value
in the shape Slack's view state carries."""

from __future__ import annotations

from typing import Any

from bot.demo.slack_standin import Call


def buttons(call: Call) -> list[dict[str, Any]]:
    """Every button of a posted message, in actions blocks and as section accessories."""
    found = []
    for block in call.args.get("blocks") or []:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def field(kind: str, value: Any) -> dict[str, Any]:
    """A questionnaire answer as view state: radio, number, date, time, checks, or plain text."""
    if kind == "radio":
        return {"type": "radio_buttons", "selected_option": {"value": str(value)} if value else None}
    if kind == "number":
        return {"type": "number_input", "value": value}
    if kind == "date":
        return {"type": "datepicker", "selected_date": value}
    if kind == "time":
        return {"type": "timepicker", "selected_time": value}
    if kind == "checks":
        return {"type": "checkboxes", "selected_options": [{"value": str(v)} for v in value]}
    return {"type": "plain_text_input", "value": value}

"""Block Kit as Slack sees it: every reason Slack would refuse a message's blocks or a view, and the texts
a person reads in them.

The checks are slack_sdk's own models plus the limits Slack enforces and slack_sdk does not (text lengths,
block counts, duplicate block ids, fields a model silently drops). Pure functions; no I/O.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
_SECTION_TEXT_MAX = 3000
_HEADER_TEXT_MAX = 150
_INPUT_LABEL_MAX = 2000
_VIEW_TEXT_MAX = 24
_PRIVATE_METADATA_MAX = 3000
_ID_FIELD_MAX = 255
# Nested objects slack_sdk builds without validating: option objects and confirmation dialogs.
_OPTION_MAX = {"text": 75, "description": 75}
_OPTION_VALUE_MAX = 150
_CONFIRM_MAX = {"title": 100, "text": 300, "confirm": 30, "deny": 30}


def decode_json_field(value: Any) -> Any:
    """A form-encoded request carries `blocks`, `view`, … as JSON strings; JSON requests carry them parsed."""
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def block_texts(value: Any, *, kind: str | None = None) -> list[str]:
    """Every `text` string inside a Block Kit value, depth first in document order.

    `value` may be a list of blocks, one block, a view or a whole message payload: every object with a
    string `text` counts (text objects, rich-text elements, a message's own text). With `kind`, only
    objects of that type count, e.g. kind="mrkdwn" for what Slack parses as mrkdwn.
    """
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            text = node.get("text")
            if isinstance(text, str) and (kind is None or node.get("type") == kind):
                found.append(text)
            for inner in node.values():
                walk(inner)
        elif isinstance(node, list):
            for inner in node:
                walk(inner)

    walk(value)
    return found


def _lost_parts(raw: Any, out: Any, path: str) -> list[str]:
    """Nested objects that vanished in slack_sdk's round trip: unknown element types or unknown fields."""
    problems: list[str] = []
    if isinstance(raw, dict) and isinstance(out, dict):
        for key, value in raw.items():
            if not isinstance(value, dict | list) or not value:
                continue
            if out.get(key) is None:
                problems.append(f"{path}/{key}: unsupported or unknown object")
            else:
                problems.extend(_lost_parts(value, out[key], f"{path}/{key}"))
    elif isinstance(raw, list) and isinstance(out, list):
        for i, value in enumerate(raw):
            if i >= len(out) or out[i] is None:
                problems.append(f"{path}/{i}: unsupported or unknown element")
            else:
                problems.extend(_lost_parts(value, out[i], f"{path}/{i}"))
    return problems


def _text_object_problems(text: Any, path: str, *, plain_only: bool, max_len: int | None) -> list[str]:
    if not isinstance(text, dict):
        return [f"{path}: must be a text object, got {type(text).__name__}"]
    if plain_only and text.get("type") != "plain_text":
        return [f"{path}: must be a plain_text object"]
    value = text.get("text")
    if not isinstance(value, str) or not value:
        return [f"{path}/text: must be a non-empty string"]
    if max_len is not None and len(value) > max_len:
        return [f"{path}/text: {len(value)} characters exceeds the maximum of {max_len}"]
    return []


def _explicit_block_problems(raw: dict[str, Any], path: str) -> list[str]:
    """Slack limits checked by hand, because slack_sdk's models are more lenient than Slack."""
    kind = raw.get("type")
    problems: list[str] = []
    if kind == "section" and "text" in raw:
        problems += _text_object_problems(
            raw["text"], f"{path}/text", plain_only=False, max_len=_SECTION_TEXT_MAX
        )
    if kind == "header":
        problems += _text_object_problems(
            raw.get("text"), f"{path}/text", plain_only=True, max_len=_HEADER_TEXT_MAX
        )
    if kind == "input" and "label" in raw:
        problems += _text_object_problems(
            raw["label"], f"{path}/label", plain_only=True, max_len=_INPUT_LABEL_MAX
        )
    block_id = raw.get("block_id")
    if block_id is not None and (not isinstance(block_id, str) or len(block_id) > _ID_FIELD_MAX):
        problems.append(f"{path}/block_id: must be a string of at most {_ID_FIELD_MAX} characters")
    return problems


def _length_problems(text: Any, path: str, max_len: int) -> list[str]:
    value = text.get("text") if isinstance(text, dict) else None
    if isinstance(value, str) and len(value) > max_len:
        return [f"{path}/text: {len(value)} characters exceeds the maximum of {max_len}"]
    return []


def _nested_problems(node: Any, path: str) -> list[str]:
    """Options (text and description 75, value 150) and confirmation dialogs (title 100, text 300, buttons
    30) anywhere inside a block: the limits a translation is most likely to break."""
    problems: list[str] = []
    if isinstance(node, dict):
        for key in ("options", "initial_options"):
            for i, option in enumerate(node.get(key) or []):
                if not isinstance(option, dict):
                    continue
                for part, max_len in _OPTION_MAX.items():
                    problems += _length_problems(option.get(part), f"{path}/{key}/{i}/{part}", max_len)
                value = option.get("value")
                if isinstance(value, str) and len(value) > _OPTION_VALUE_MAX:
                    problems.append(f"{path}/{key}/{i}/value: exceeds {_OPTION_VALUE_MAX} characters")
        for i, group in enumerate(node.get("option_groups") or []):
            if isinstance(group, dict):
                problems += _length_problems(group.get("label"), f"{path}/option_groups/{i}/label", 75)
        confirm = node.get("confirm")
        if isinstance(confirm, dict):
            for part, max_len in _CONFIRM_MAX.items():
                problems += _length_problems(confirm.get(part), f"{path}/confirm/{part}", max_len)
        for key, inner in node.items():
            if key not in ("options", "initial_options", "option_groups", "confirm"):
                problems += _nested_problems(inner, f"{path}/{key}")
    elif isinstance(node, list):
        for i, inner in enumerate(node):
            problems += _nested_problems(inner, f"{path}/{i}")
    return problems


def _block_problems(raw: Any, path: str) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{path}: a block must be an object"]
    try:
        parsed = Block.parse(raw)
        if parsed is None:
            return [f"{path}: unknown block type {raw.get('type')!r}"]
        parsed.validate_json()
        out = parsed.to_dict()  # to_dict() validates nested elements too
    except Exception as exc:  # slack_sdk raises several types for malformed input
        return [f"{path}: {type(exc).__name__}: {exc}"]
    return _explicit_block_problems(raw, path) + _nested_problems(raw, path) + _lost_parts(raw, out, path)


def blocks_problems(blocks: Any, *, path: str = "blocks", max_blocks: int = MESSAGE_MAX_BLOCKS) -> list[str]:
    """Describe every reason Slack would reject this `blocks` value (empty list = valid)."""
    blocks = decode_json_field(blocks)
    if not isinstance(blocks, list):
        return [f"{path}: must be an array of blocks"]
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"{path}: {len(blocks)} blocks exceeds the maximum of {max_blocks}")
    for i, raw in enumerate(blocks):
        problems += _block_problems(raw, f"{path}/{i}")
    block_ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    problems += [f"{path}: duplicate block_id {bid!r}" for bid, n in Counter(block_ids).items() if n > 1]
    return problems


def _modal_problems(view: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if "title" not in view:
        problems.append("view/title: required for a modal")
    for key in ("title", "submit", "close"):
        if key in view:
            problems += _text_object_problems(
                view[key], f"view/{key}", plain_only=True, max_len=_VIEW_TEXT_MAX
            )
    blocks = view.get("blocks")
    has_input = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if has_input and "submit" not in view:
        problems.append("view/submit: required when the modal contains an input block")
    return problems


def view_problems(view: Any, *, expected_type: str | None = None) -> list[str]:
    """Describe every reason Slack would reject this `view` value (empty list = valid)."""
    view = decode_json_field(view)
    if not isinstance(view, dict):
        return ["view: must be an object"]
    problems: list[str] = []
    kind = view.get("type")
    if expected_type is not None and kind != expected_type:
        problems.append(f"view/type: must be {expected_type!r}, got {kind!r}")
    if kind == "modal":
        problems += _modal_problems(view)
    elif kind == "home" and ("submit" in view or "close" in view):
        problems.append("view: a home view cannot have submit or close")
    if "blocks" not in view:
        problems.append("view/blocks: required")
    else:
        problems += blocks_problems(view["blocks"], path="view/blocks", max_blocks=VIEW_MAX_BLOCKS)
    metadata = view.get("private_metadata")
    if metadata is not None and len(str(metadata)) > _PRIVATE_METADATA_MAX:
        problems.append(f"view/private_metadata: exceeds {_PRIVATE_METADATA_MAX} characters")
    for key in ("callback_id", "external_id"):
        if view.get(key) is not None and len(str(view[key])) > _ID_FIELD_MAX:
            problems.append(f"view/{key}: exceeds {_ID_FIELD_MAX} characters")
    if not problems:
        try:
            model = View(**view)
            model.validate_json()
            model.to_dict()
        except Exception as exc:  # slack_sdk raises several types for malformed input
            problems.append(f"view: {type(exc).__name__}: {exc}")
    return problems

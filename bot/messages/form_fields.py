"""Pieces of the modal forms a mentee and a volunteer fill in: the modal itself, input blocks, a single
choice, the topics multi-select, and reading a submitted field or the view's private metadata back.

Block ids equal action ids equal field names in these forms, so a service's errors keyed by field land on
the right input (Slack's `response_action: errors` is keyed by block id).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import _
from bot.messages.text import plain
from bot.rules.topics import MAX_OPTIONS_PER_SELECT, normalise_tag, topic_label

# Slack allows 100 option groups; bot.rules.topics caps a workspace at 300 topics, so they always fit.
MAX_OPTION_GROUPS = 100


def modal(
    callback_id: str,
    title: str,
    *,
    submit: str,
    close: str,
    blocks: list[dict[str, Any]],
    metadata: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps(metadata),
        "title": plain(title, 24),
        "submit": plain(submit, 24),
        "close": plain(close, 24),
        "blocks": blocks,
    }


def view_metadata(view: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object a modal carries in private_metadata; empty when it is missing or not an object."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": plain(value if text is None else text), "value": value}


def form_input(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element, **extra}


def choice(kind: str, action_id: str, options: Sequence[tuple[str, str]], initial: str) -> dict[str, Any]:
    """A static_select or radio_buttons element of (value, text) options, `initial` chosen."""
    return {
        "type": kind,
        "action_id": action_id,
        "options": [option(value, text) for value, text in options],
        "initial_option": option(initial, dict(options)[initial]),
    }


def field_value(values: Mapping[str, Mapping[str, Any]], name: str) -> dict[str, Any]:
    """A submitted field's state (block id = action id = `name`); empty when it was not sent."""
    return values.get(name, {}).get(name, {})


def _alphabetical(label: str) -> tuple[str, str]:
    """Sort key: accents folded first ("Écriture" among the E's), then the exact spelling."""
    key = normalise_tag(label)
    bare = "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))
    return bare, key


def topic_option(name: str) -> dict[str, Any]:
    """A topic as an option: the stored name as its value, shown in the reader's words (topic_label)."""
    return option(name, topic_label(name))


def topic_select(action_id: str, topics: Sequence[str], selected: Sequence[str]) -> dict[str, Any]:
    """A multi-select of the workspace topics, in the reader's alphabetical order. Slack allows 100
    options per list, so longer lists are split into option groups of 100."""
    element: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": action_id,
        "placeholder": plain(_("Pick topics")),
    }
    topics = sorted(topics, key=lambda name: _alphabetical(topic_label(name)))
    if len(topics) <= MAX_OPTIONS_PER_SELECT:
        element["options"] = [topic_option(t) for t in topics]
    else:
        groups = []
        for start in range(0, len(topics), MAX_OPTIONS_PER_SELECT):
            chunk = topics[start : start + MAX_OPTIONS_PER_SELECT]
            first, last = topic_label(chunk[0])[:1].upper(), topic_label(chunk[-1])[:1].upper()
            label = _("Topics {first}–{last}", first=first, last=last)
            groups.append({"label": plain(label), "options": [topic_option(t) for t in chunk]})
        element["option_groups"] = groups[:MAX_OPTION_GROUPS]
    chosen = [t for t in selected if t in set(topics)]
    if chosen:
        element["initial_options"] = [topic_option(t) for t in chosen]
    return element

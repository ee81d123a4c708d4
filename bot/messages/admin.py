"""Program admin views: the admin menu, the topics form and one person's org details form."""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import N_, _, n_
from bot.messages.text import button, context, escape, mention, plain, section
from bot.rules.org_details import MAX_LEVEL, MAX_TEXT, OrgDetails
from bot.rules.topics import MAX_TOPIC_CHARS, MAX_TOPICS

TOPICS_CALLBACK = "admin_topics"
PERSON_CALLBACK = "admin_person"
TOPIC_LINES_ACTION = "lines"
TOPICS_BLOCK_PREFIX = "topics_"
# A plain_text_input holds at most 3000 characters, so a long list is spread over several fields;
# each is filled to 2500 so there is room to add topics at the end of any of them.
TOPIC_FIELD_LIMIT = 3000
TOPIC_FIELD_FILL = 2500
PERSON_FIELDS = ("manager", "team", "title", "level")  # block_id = action_id = field name


ADMIN_TOOLS = N_("use the admin tools")  # what a non-admin is told they can't do, for `/mentor admin` alone


def admin_menu_text() -> str:
    return _("Program admin tools")


def admin_menu_blocks(unknown: str | None = None, suggestion: str | None = None) -> list[dict[str, Any]]:
    """The admin menu; after a mistyped `/mentor admin <unknown>`, it says so first (and the closest tool)."""
    hint: list[dict[str, Any]] = []
    if unknown is not None:
        typed = escape(unknown)
        if suggestion:
            said = _(
                ":thinking_face: I don't know `/mentor admin {typed}`. Did you mean `/mentor admin {suggestion}`?",
                typed=typed,
                suggestion=suggestion,
            )
        else:
            said = _(":thinking_face: I don't know `/mentor admin {typed}`.", typed=typed)
        hint = [section(said)]
    tools = "\n".join(_(line) for line in ADMIN_MENU)
    return [
        *hint,
        section(_("*Program admin tools*")),
        section(tools),
        {
            "type": "actions",
            "block_id": "admin_menu",
            "elements": [button(_("Program settings"), "program_settings_open")],
        },
        context(_("Managers matter: nobody is paired with someone in their own reporting line.")),
    ]


ADMIN_MENU = (
    N_("`/mentor admin topics`: edit the topics people can ask for help with and offer help on"),
    N_("`/mentor admin person @someone`: set someone's manager, team, title and level"),
    N_("`mentor-bot import-org FILE.csv` (command line): load the whole org chart from a CSV file"),
    N_("`/mentor admin settings`: program settings (matching limits, nudge hours, digest, guests)"),
    N_("`/mentor admin leads @lead @group`: let a lead see a Slack user group's pairings"),
    N_("`/mentor admin cohort open`: open a mentoring cohort (sign-ups, one round, a shared start)"),
    N_("`/mentor admin buddies`: onboarding buddies for new colleagues (on or off, term, start)"),
)


def not_admin_text(what: str) -> str:
    return _(
        "Only program admins can {what}. If you think you should be one, ask a workspace admin "
        "to add you to ADMIN_USER_IDS.",
        what=_(what),
    )


def topic_fields(topics: list[str]) -> list[str]:
    """The topics, one per line, split into field-sized chunks (always at least one, possibly empty)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for name in topics:
        if current and size + len(name) + 1 > TOPIC_FIELD_FILL:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(name)
        size += len(name) + 1
    chunks.append("\n".join(current))
    return chunks


def topics_block_id(index: int) -> str:
    return f"{TOPICS_BLOCK_PREFIX}{index + 1}"


def topics_modal(topics: list[str], channel_id: str) -> dict[str, Any]:
    fields = topic_fields(topics)
    blocks: list[dict[str, Any]] = [
        section(
            _(
                "One topic per line. People pick from these when they ask for a copilot or volunteer to be one. "
                "Each topic can be up to {chars} characters; up to {count} topics.",
                chars=MAX_TOPIC_CHARS,
                count=MAX_TOPICS,
            )
        )
    ]
    for i, text in enumerate(fields):
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": TOPIC_LINES_ACTION,
            "multiline": True,
            "max_length": TOPIC_FIELD_LIMIT,
        }
        if text:
            element["initial_value"] = text
        blocks.append(
            {
                "type": "input",
                "block_id": topics_block_id(i),
                "label": plain(_("Topics") if i == 0 else _("Topics (continued, part {part})", part=i + 1)),
                "element": element,
                "optional": i > 0,
            }
        )
    blocks.append(
        context(_("Removing a topic doesn't change existing requests or volunteer profiles that mention it."))
    )
    return {
        "type": "modal",
        "callback_id": TOPICS_CALLBACK,
        "title": plain(_("Mentoring topics"), 24),
        "submit": plain(_("Save"), 24),
        "close": plain(_("Cancel"), 24),
        "private_metadata": json.dumps({"channel": channel_id}),
        "blocks": blocks,
    }


def topic_lines(values: dict[str, dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """(block_id, lines) for each topics field in a submitted view, in order."""
    found = []
    for block_id, actions in values.items():
        if block_id.startswith(TOPICS_BLOCK_PREFIX):
            text = (actions.get(TOPIC_LINES_ACTION) or {}).get("value") or ""
            found.append((block_id, text.splitlines()))
    return sorted(found, key=lambda item: int(item[0].removeprefix(TOPICS_BLOCK_PREFIX)))


def topics_saved_text(topics: list[str]) -> str:
    return n_("Saved {count} mentoring topic.", "Saved {count} mentoring topics.", len(topics))


def person_modal(user_id: str, details: OrgDetails | None, channel_id: str) -> dict[str, Any]:
    details = details or OrgDetails(None, None, None, None)
    manager: dict[str, Any] = {
        "type": "users_select",
        "action_id": "manager",
        "placeholder": plain(_("Choose a manager"), 150),
    }
    if details.manager_user_id:
        manager["initial_user"] = details.manager_user_id
    level: dict[str, Any] = {
        "type": "number_input",
        "action_id": "level",
        "is_decimal_allowed": False,
        "min_value": "0",
        "max_value": str(MAX_LEVEL),
    }
    if details.level is not None:
        level["initial_value"] = str(details.level)

    def text_input(name: str, value: str | None) -> dict[str, Any]:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": name, "max_length": MAX_TEXT}
        if value:
            element["initial_value"] = value
        return element

    def field(name: str, label: str, element: dict[str, Any], hint: str | None = None) -> dict[str, Any]:
        block: dict[str, Any] = {
            "type": "input",
            "block_id": name,
            "label": plain(label),
            "element": element,
            "optional": True,
        }
        if hint:
            block["hint"] = plain(hint, 150)
        return block

    return {
        "type": "modal",
        "callback_id": PERSON_CALLBACK,
        "title": plain(_("Org details"), 24),
        "submit": plain(_("Save"), 24),
        "close": plain(_("Cancel"), 24),
        "private_metadata": json.dumps({"user": user_id, "channel": channel_id}),
        "blocks": [
            section(_("Where {person} sits in the org chart.", person=mention(user_id))),
            field(
                "manager",
                _("Manager"),
                manager,
                _("Nobody is paired with someone in their own reporting line."),
            ),
            field("team", _("Team"), text_input("team", details.org_team)),
            field("title", _("Title"), text_input("title", details.title)),
            field("level", _("Level"), level, _("A whole number; higher is more senior.")),
        ],
    }


def person_details_from(values: dict[str, dict[str, Any]]) -> tuple[OrgDetails, dict[str, str]]:
    """Read the submitted person form: (details, errors by block_id for values that aren't usable)."""

    def value(name: str, key: str = "value") -> str | None:
        raw = (values.get(name, {}).get(name) or {}).get(key)
        return raw.strip() if isinstance(raw, str) and raw.strip() else None

    errors: dict[str, str] = {}
    level_text = value("level")
    level: int | None = None
    if level_text is not None:
        try:
            level = int(level_text)
        except ValueError:
            errors["level"] = _("Use a whole number from 0 to {high}.", high=MAX_LEVEL)
    details = OrgDetails(
        manager_user_id=value("manager", "selected_user"),
        org_team=value("team"),
        title=value("title"),
        level=level,
    )
    return details, errors


def person_saved_text(user_id: str, changes: list[str]) -> str:
    if not changes:
        return _("Nothing changed for {person}.", person=mention(user_id))
    return _(
        "Saved {person}'s org details: {changes}.",
        person=mention(user_id),
        changes="; ".join(escape(c) for c in changes),
    )


def person_not_saved_text(problems: list[str]) -> str:
    return _("Not saved: {problems}", problems=" ".join(escape(p) for p in problems))


def person_usage_text() -> str:
    return _("Say who: `/mentor admin person @someone`.")

"""The language a person reads: `/mentor language` answers and App Home's choice."""

from __future__ import annotations

from typing import Any

from bot.i18n import LANGUAGES, _
from bot.messages.text import clip, escape, plain, section

LANGUAGE_ACTION = "language_choice"
FOLLOW_SLACK = "auto"
# Each language named in itself, as a language menu does: a reader finds theirs whatever they read now.
NAMES = {"en": "English", "fr": "Français"}


def name_of(language: str) -> str:
    return NAMES.get(language, language)


def choices_text(wrong: str = "") -> str:
    """What `/mentor language` accepts (after a word it doesn't)."""
    listed = ", ".join(f"`{code}` ({name_of(code)})" for code in LANGUAGES)
    if wrong:
        return _(
            "I can't write in `{wrong}`. Choose {languages}, or `auto` to follow your Slack language: "
            "`/mentor language fr`.",
            wrong=escape(clip(wrong.replace("`", ""), 30)),
            languages=listed,
        )
    return _(
        "Choose the language I write to you in: {languages}, or `auto` to follow your Slack language. "
        "For example `/mentor language fr`.",
        languages=listed,
    )


def chosen_text(language: str, follows_slack: bool) -> str:
    """Said in the language just chosen."""
    if follows_slack:
        return _(
            "Done: I follow your Slack language again ({language}).",
            language=name_of(language),
        )
    return _("Done: from now on I write to you in {language}.", language=name_of(language))


def language_home_blocks(choice: str | None) -> list[dict[str, Any]]:
    """App Home's language menu: each language, or following Slack (``choice`` None)."""
    options = [{"text": plain(name_of(code)), "value": code} for code in LANGUAGES]
    options.append({"text": plain(_("Follow my Slack language")), "value": FOLLOW_SLACK})
    current = next((o for o in options if o["value"] == (choice or FOLLOW_SLACK)), options[-1])
    menu = {
        "type": "static_select",
        "action_id": LANGUAGE_ACTION,
        "placeholder": plain(_("Choose a language")),
        "options": options,
        "initial_option": current,
    }
    return [section(_("*Language*: the language mentor-bot writes to you in."), accessory=menu)]

"""`/mentor language fr|en|auto` and App Home's language menu: the language a person reads."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.i18n import LANGUAGES, N_, reading_in
from bot.messages.language import (
    FOLLOW_SLACK,
    LANGUAGE_ACTION,
    choices_text,
    chosen_text,
    language_home_blocks,
)
from bot.people.languages import choice_of, choose_language
from bot.runtime import Runtime
from handlers.home import Home
from handlers.registry import MentorApp
from handlers.router import CommandCall


def register(app: MentorApp) -> None:
    app.router.add(
        "language",
        "language fr|en|auto",
        N_("choose the language I write to you in"),
        language_command,
        aliases=("langue",),
    )
    app.action(LANGUAGE_ACTION)(chosen_from_home)


def home_section(runtime: Runtime, team_id: str, user_id: str) -> list[dict[str, Any]]:
    return language_home_blocks(choice_of(runtime, team_id, user_id))


def _wanted(word: str) -> tuple[bool, str | None]:
    """(understood, the language chosen or None to follow Slack)."""
    word = word.strip().lower()
    if word == FOLLOW_SLACK:
        return True, None
    return word in LANGUAGES, word


def language_command(call: CommandCall) -> None:
    """`/mentor language fr`: answered in the language just chosen."""
    word = call.args.split()[0] if call.args.split() else ""
    understood, choice = _wanted(word)
    if not understood:
        call.ack(text=choices_text(word))
        return
    call.ack()  # someone we never met is looked up in Slack first
    language = choose_language(call.runtime, call.client, call.team_id, call.user_id, choice)
    with reading_in(language):
        call.respond(text=chosen_text(language, choice is None), response_type="ephemeral")


def chosen_from_home(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime, home: Home) -> None:
    ack()
    picked = ((body.get("actions") or [{}])[0].get("selected_option") or {}).get("value") or ""
    understood, choice = _wanted(picked)
    if not understood:
        return
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    language = choose_language(runtime, client, team_id, user_id, choice)
    with reading_in(language):  # the page is drawn again in the language just chosen
        home.refresh(runtime, client, team_id, user_id)

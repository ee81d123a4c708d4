"""Introductions have limits that are enforced, not hinted: so many a day per introducer, no second copy of
an open introduction, and no guest account among the three when the program does not allow guests."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.network.volume import INTRODUCTIONS_PER_DAY
from bot.people import program_settings as program
from storage.models import Introduction, Person
from tests.flows.copilots import introduction_values as values
from tests.flows.copilots import opened_view
from tests.harness import TEAM_ID, RunningBot
from tests.worlds import make

COLLEAGUES = [f"UP{n:02d}" for n in range(INTRODUCTIONS_PER_DAY + 3)]


def _seed(bot: RunningBot) -> None:
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        for user in ["UMO", "UBO", *COLLEAGUES]:
            make.person(session, user, now, slack=bot.slack)
        make.person(session, "UGUEST", now, slack=bot.slack, is_guest=True)


def _form(bot: RunningBot, user: str = "UMO") -> dict[str, Any]:
    before = len(bot.slack.calls_to("views.open"))
    bot.command("intro", user=user)
    return {**opened_view(bot, before + 1), "id": f"VINTRO{before}"}  # each opened form is its own view


def _introduce(bot: RunningBot, introduced: str, contact: str, user: str = "UMO") -> dict[str, Any]:
    reply = bot.submit(_form(bot, user), values(introduced, contact, "They should talk"), user=user)
    assert reply.status == 200
    return reply.json() or {}


def _made(bot: RunningBot) -> int:
    with bot.runtime.db.transaction() as session:
        return len(list(session.scalars(select(Introduction.id))))


def test_the_same_two_people_are_not_introduced_again_while_the_first_is_open(bot: RunningBot):
    _seed(bot)
    assert "errors" not in _introduce(bot, "UBO", "UP00")
    for introduced, contact in (("UBO", "UP00"), ("UP00", "UBO")):
        answer = _introduce(bot, introduced, contact)
        assert "still open" in answer["errors"]["contact"]
    assert _made(bot) == 1
    # Someone else may introduce them (the first introduction is not theirs to know about).
    assert "errors" not in _introduce(bot, "UBO", "UP00", user="UP01")


def test_an_introducer_makes_at_most_so_many_a_day(bot: RunningBot):
    _seed(bot)
    for contact in COLLEAGUES[:INTRODUCTIONS_PER_DAY]:
        assert "errors" not in _introduce(bot, "UBO", contact)
    answer = _introduce(bot, "UBO", COLLEAGUES[INTRODUCTIONS_PER_DAY])
    assert "in the last day" in answer.get("errors", {}).get("introduced", ""), answer
    assert _made(bot) == INTRODUCTIONS_PER_DAY
    bot.clock.set(bot.clock.now() + timedelta(days=1, minutes=1))
    assert "errors" not in _introduce(bot, "UBO", COLLEAGUES[INTRODUCTIONS_PER_DAY])


def test_forms_submitted_at_once_cannot_pass_the_limit_together(bot: RunningBot):
    _seed(bot)
    for contact in COLLEAGUES[: INTRODUCTIONS_PER_DAY - 1]:
        assert "errors" not in _introduce(bot, "UBO", contact)
    forms = [_form(bot) for _ in range(4)]
    answers: list[dict[str, Any]] = []

    def submit(view: dict[str, Any], contact: str) -> None:
        answers.append(bot.submit(view, values("UP12", contact, "They should talk"), user="UMO").json() or {})

    threads = [
        threading.Thread(target=submit, args=(view, COLLEAGUES[-1 - n])) for n, view in enumerate(forms[:3])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for a in answers if "errors" not in a) == 1
    assert _made(bot) == INTRODUCTIONS_PER_DAY


def test_guests_neither_introduce_nor_are_introduced_unless_the_program_allows_guests(bot: RunningBot):
    _seed(bot)
    assert "guest" in _introduce(bot, "UGUEST", "UBO")["errors"]["introduced"]
    assert "guest" in _introduce(bot, "UBO", "UGUEST")["errors"]["contact"]
    assert "full members" in _introduce(bot, "UBO", "UP00", user="UGUEST")["errors"]["introduced"]
    assert _made(bot) == 0
    with bot.runtime.db.transaction() as session:
        settings = program.load(session, TEAM_ID)
        program.save(session, TEAM_ID, _with(settings, allow_guests=True), bot.clock.now())
    assert "errors" not in _introduce(bot, "UGUEST", "UBO")
    with bot.runtime.db.transaction() as session:
        assert session.scalar(select(Person.is_guest).where(Person.slack_user_id == "UGUEST"))
    assert _made(bot) == 1


def _with(settings: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(settings, **changes)

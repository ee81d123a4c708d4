"""Listeners are plain functions: called here directly, with a fake ack and respond, no Bolt in between.

Bolt hands a listener what its signature names, the runtime included (bot/app.py puts it in the
context); a test can hand over the same things itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import build_runtime
from bot.config import Settings
from bot.copilots import mentee_requests as requests_service
from bot.demo.slack_standin import SlackStandIn
from bot.runtime import Runtime
from handlers import admin, commands, mentee_requests
from handlers.router import CommandRouter
from storage.models import MentoringRequest, Offer
from tests.flows.copilots import GOALS, request_values
from tests.harness import TEAM_ID, test_settings
from tests.worlds import make


@dataclass
class FakeAck:
    """Records what was acked and, at that moment, what had already happened (see `at_ack`)."""

    observe: Any = None
    calls: list[dict[str, Any]] = field(default_factory=list)
    at_ack: Any = None

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)
        if self.observe is not None and self.at_ack is None:
            self.at_ack = self.observe()


@dataclass
class FakeRespond:
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def _router() -> CommandRouter:
    router = CommandRouter()
    router.add("help", "help", "show this list", commands.show_help, aliases=("?",))
    router.add("request", "request [@colleague]", "ask for a copilot", mentee_requests.request)
    router.add("topics", "admin topics", admin.EDIT_TOPICS, admin.open_topics, admin=True)
    router.add("person", "admin person @someone", admin.EDIT_ORG_CHART, admin.open_person, admin=True)
    return router


def _command(text: str, user: str = "U1") -> dict[str, Any]:
    return {"team_id": TEAM_ID, "user_id": user, "text": text, "channel_id": "C1", "trigger_id": "t.1"}


def test_a_typo_is_answered_in_the_ack_without_bolt_or_a_database():
    ack, respond = FakeAck(), FakeRespond()
    commands.mentor_command(
        ack=ack, body=_command("reqest"), respond=respond, client=None, runtime=None, router=_router()
    )
    [answer] = ack.calls
    assert answer["text"] == "I don't know /mentor reqest. Did you mean /mentor request?"
    assert "`/mentor request [@colleague]`" in json.dumps(answer["blocks"])
    assert "admin" not in json.dumps(answer["blocks"])
    assert respond.calls == []


def test_a_participant_typo_never_suggests_the_admin_tools():
    ack = FakeAck()
    commands.mentor_command(
        ack=ack, body=_command("admn"), respond=FakeRespond(), client=None, runtime=None, router=_router()
    )
    assert "Did you mean" not in ack.calls[0]["text"]
    assert "admin" not in json.dumps(ack.calls[0]["blocks"])


def test_an_admin_typo_in_the_admin_tools_gets_the_menu_and_the_closest_tool():
    runtime = SimpleNamespace(settings=Settings(admin_user_ids=("UADMIN",)))  # an admin needs no lookup
    ack, respond = FakeAck(), FakeRespond()
    commands.mentor_command(
        ack=ack,
        body=_command("admin topcs", "UADMIN"),
        respond=respond,
        client=None,
        runtime=runtime,
        router=_router(),
    )
    assert ack.calls == [{}]  # acked at once, before the admin check
    [menu] = respond.calls
    blocks = json.dumps(menu["blocks"])
    assert "I don't know `/mentor admin topcs`. Did you mean `/mentor admin topics`?" in blocks
    assert "/mentor admin person @someone" in blocks and menu["response_type"] == "ephemeral"


# --- the request form, with the real services and database ----------------------------------------------


@pytest.fixture
def runtime(db, slack: SlackStandIn, clock, database_url: str) -> Runtime:
    return build_runtime(test_settings(slack, database_url), clock=clock, db=db)


def test_a_participant_asking_for_the_admin_tools_is_refused_without_a_hint(runtime: Runtime, slack, clock):
    slack.add_user("UANA", name="ana")
    respond = FakeRespond()
    commands.mentor_command(
        ack=FakeAck(),
        body=_command("admin topcs", "UANA"),
        respond=respond,
        client=runtime.slack.for_team(TEAM_ID),
        runtime=runtime,
        router=_router(),
    )
    [refusal] = respond.calls
    assert refusal["text"].startswith("Only program admins can use the admin tools.")
    assert "topics" not in json.dumps(refusal)


def _form_body(copilot: str | None) -> dict[str, Any]:
    return {
        "team": {"id": TEAM_ID},
        "user": {"id": "UMIA"},
        "view": {
            "id": "V1",
            "private_metadata": json.dumps({"channel": "C1"}),
            "state": {"values": request_values(copilot=copilot)},
        },
    }


@pytest.fixture
def counted(monkeypatch) -> dict[str, int]:
    """How often the request service reads the whole workspace's match data, or one pair's."""
    counts = {"workspace": 0, "pair": 0}

    def counting(name: str, real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        requests_service, "load_match_data", counting("workspace", requests_service.load_match_data)
    )
    monkeypatch.setattr(requests_service, "load_pair_data", counting("pair", requests_service.load_pair_data))
    return counts


def _seed(runtime: Runtime, slack: SlackStandIn) -> None:
    now = runtime.clock.now()
    with runtime.db.transaction() as session:
        boss = make.person(session, "UBOSS", now, name="bea", slack=slack)
        make.person(session, "UMIA", now, name="mia", slack=slack, manager_id=boss.id)
        make.volunteer(session, boss, now, topics=["Giving feedback"])


def _requests(runtime: Runtime) -> int:
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(MentoringRequest)) or 0


def test_a_named_colleague_we_never_met_is_asked_about_only_after_the_ack(runtime, slack, counted):
    _seed(runtime, slack)
    slack.add_user("UNEW", name="nia", real_name="Nia New")  # Slack knows her; the database doesn't yet
    ack = FakeAck(observe=lambda: (len(slack.calls), dict(counted)))

    mentee_requests.submitted(
        ack=ack, body=_form_body("UNEW"), client=runtime.slack.for_team(TEAM_ID), runtime=runtime
    )

    assert ack.calls == [{}]
    assert ack.at_ack == (0, {"workspace": 0, "pair": 0})  # no Slack call, no match data before the ack
    assert [c.method for c in slack.calls if c.method == "users.info"] == ["users.info"]
    assert counted == {"workspace": 1, "pair": 0}  # one read, shared by the last check and the offer
    with runtime.db.transaction() as session:
        request = session.scalar(select(MentoringRequest))
        offer = session.scalar(select(Offer))
        assert request is not None and request.named_copilot_id == offer.copilot_id


def test_a_known_colleague_in_the_reporting_line_is_refused_in_the_ack_from_one_pair_read(
    runtime, slack, counted
):
    _seed(runtime, slack)
    ack = FakeAck(observe=lambda: len(slack.calls))

    mentee_requests.submitted(
        ack=ack, body=_form_body("UBOSS"), client=runtime.slack.for_team(TEAM_ID), runtime=runtime
    )

    [refusal] = ack.calls
    assert (
        refusal["response_action"] == "errors"
        and "Bea is in your reporting line" in refusal["errors"]["copilot"]
    )
    assert ack.at_ack == 0 and slack.calls == []
    assert counted == {"workspace": 0, "pair": 1}
    assert _requests(runtime) == 0


def test_a_colleague_slack_describes_only_after_the_ack_can_still_be_refused_and_nothing_is_lost(
    runtime, slack, counted
):
    _seed(runtime, slack)
    slack.add_user("UHELPER", name="helper", real_name="Helper Bot", is_bot=True)
    ack = FakeAck()

    mentee_requests.submitted(
        ack=ack, body=_form_body("UHELPER"), client=runtime.slack.for_team(TEAM_ID), runtime=runtime
    )

    assert ack.calls == [{}]
    [note] = slack.calls_to("chat.postEphemeral")
    assert note.args["user"] == "UMIA" and note.args["channel"] == "C1"
    assert "Helper Bot is an app rather than a person" in note.args["text"]
    assert "I haven't sent your request" in note.args["text"]
    assert f"> {GOALS}" in note.args["text"]  # what they typed comes back to them
    assert _requests(runtime) == 0
    assert counted == {"workspace": 1, "pair": 0}

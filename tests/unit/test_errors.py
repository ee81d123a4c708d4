from __future__ import annotations

import json

from slack_bolt import BoltResponse
from slack_sdk.models.views import View
from sqlalchemy.exc import OperationalError

from handlers.errors import DB_DOWN_TEXT, friendly_error

DB_DOWN = OperationalError("SELECT 1", {}, Exception("connection refused"))


class Recorder:
    def __init__(self) -> None:
        self.said: list[dict] = []

    def __call__(self, **kwargs) -> None:
        self.said.append(kwargs)


def test_a_command_that_fails_before_its_ack_is_answered_in_the_reply():
    answer = friendly_error(
        DB_DOWN, {"command": "/mentor", "response_url": "x"}, BoltResponse(status=500), Recorder()
    )
    assert answer is not None and answer.status == 200
    assert json.loads(answer.body) == {"response_type": "ephemeral", "text": DB_DOWN_TEXT}


def test_a_form_that_fails_before_its_ack_gets_a_note_pushed_over_it():
    answer = friendly_error(DB_DOWN, {"type": "view_submission"}, BoltResponse(status=500))
    payload = json.loads(answer.body)
    assert payload["response_action"] == "push"
    View(**payload["view"]).validate_json()
    assert DB_DOWN_TEXT in payload["view"]["blocks"][0]["text"]["text"]


def test_a_click_that_fails_before_its_ack_is_acked_and_told_on_the_response_url():
    respond = Recorder()
    answer = friendly_error(
        DB_DOWN, {"type": "block_actions", "response_url": "x"}, BoltResponse(status=500), respond
    )
    assert (answer.status, answer.body) == (200, "")
    assert respond.said == [{"text": DB_DOWN_TEXT, "response_type": "ephemeral", "replace_original": False}]


def test_after_the_ack_other_failures_get_a_reference_by_dm_and_no_stack_trace():
    sent: list[dict] = []

    class Client:
        def chat_postMessage(self, **kwargs) -> None:
            sent.append(kwargs)

    answer = friendly_error(ValueError("secret goal text"), {"user": {"id": "U1"}}, None, None, Client())
    assert answer is None
    assert sent[0]["channel"] == "U1"
    assert sent[0]["text"].startswith("Something went wrong on our side (ref ")
    assert "secret goal text" not in sent[0]["text"]

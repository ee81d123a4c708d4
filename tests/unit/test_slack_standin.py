import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond, Say
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.demo.slack_standin import SlackStandIn, block_texts

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}


@pytest.fixture(scope="module")
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as s:
        yield s


@pytest.fixture
def s(standin: SlackStandIn) -> SlackStandIn:
    standin.reset()
    return standin


@pytest.fixture
def client(s: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=s.api_url)


def modal(title: str = "Find a copilot", **extra: object) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": [SECTION], **extra}


def test_post_is_recorded_with_token_and_decoded_blocks(s: SlackStandIn, client: WebClient) -> None:
    response = client.chat_postMessage(channel="C123", text="hi", blocks=[SECTION])

    call = s.last("chat.postMessage")
    assert call.token == "xoxb-test"
    assert call.args["channel"] == "C123"
    assert call.args["blocks"] == [SECTION]
    assert response["channel"] == "C123"
    assert response["message"]["blocks"] == [SECTION]
    assert response["message"]["user"] == "UBOT"
    assert s.invalid_payloads == []


def test_form_encoded_blocks_are_decoded(s: SlackStandIn, client: WebClient) -> None:
    client.api_call("chat.postMessage", params={"channel": "C1", "blocks": '[{"type": "divider"}]'})

    assert s.last("chat.postMessage").args["blocks"] == [{"type": "divider"}]


def test_message_ts_values_increase(client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="a")["ts"]
    second = client.chat_postMessage(channel="C1", text="b")["ts"]

    assert float(second) > float(first)


def test_section_without_text_is_invalid(s: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "section"}])

    assert raised.value.response["error"] == "invalid_blocks"
    assert len(s.invalid_payloads) == 1
    assert "blocks/0" in s.invalid_payloads[0]
    assert s.calls_to("chat.postMessage"), "invalid requests are still recorded"


def radio(text: str = "One", description: str = "Why") -> dict:
    option = {
        "text": {"type": "plain_text", "text": text},
        "description": {"type": "plain_text", "text": description},
        "value": "1",
    }
    return {"type": "radio_buttons", "action_id": "r", "options": [option]}


def confirmation(title: str = "Sure?", confirm: str = "Yes") -> dict:
    return {
        "title": {"type": "plain_text", "text": title},
        "text": {"type": "plain_text", "text": "Really?"},
        "confirm": {"type": "plain_text", "text": confirm},
        "deny": {"type": "plain_text", "text": "No"},
    }


BUTTON = {"type": "button", "action_id": "b", "text": {"type": "plain_text", "text": "Go"}}


def test_options_and_confirmations_within_slacks_limits_are_valid(client: WebClient) -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "accessory": radio("o" * 75)}
    actions = {"type": "actions", "elements": [{**BUTTON, "confirm": confirmation("t" * 100, "c" * 30)}]}
    client.chat_postMessage(channel="C1", text="x", blocks=[section, actions])


@pytest.mark.parametrize(
    "blocks",
    [
        [{"type": "bogus"}],
        [{"type": "actions", "elements": [{"type": "not_an_element"}]}],
        [{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}],
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
        [{"type": "divider"}] * 51,
        [{"type": "divider", "block_id": "a"}, {"type": "divider", "block_id": "a"}],
        # nested objects slack_sdk does not validate: option texts and confirmation dialogs
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "accessory": radio(text="o" * 76)}],
        [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "x"},
                "accessory": radio(description="d" * 76),
            }
        ],
        [{"type": "actions", "elements": [{**BUTTON, "confirm": confirmation(confirm="c" * 31)}]}],
        [{"type": "actions", "elements": [{**BUTTON, "confirm": confirmation(title="t" * 101)}]}],
    ],
)
def test_invalid_message_blocks(s: SlackStandIn, client: WebClient, blocks: list) -> None:
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="x", blocks=blocks)

    assert s.invalid_payloads


def test_post_without_content_is_no_text(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("chat.postMessage", json={"channel": "C1"})

    assert raised.value.response["error"] == "no_text"


def test_modal_title_too_long_is_invalid(s: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id="t1", view=modal("x" * 30))

    assert raised.value.response["error"] == "invalid_arguments"
    assert raised.value.response["response_metadata"]["messages"]
    assert any("title" in problem for problem in s.invalid_payloads)


def test_views_open_needs_trigger_id(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("views.open", json={"view": modal()})

    assert raised.value.response["error"] == "invalid_arguments"


def test_views_open_then_update_by_external_id(s: SlackStandIn, client: WebClient) -> None:
    opened = client.views_open(trigger_id="t1", view=modal(external_id="ext-1"))["view"]
    updated = client.views_update(external_id="ext-1", view=modal("Updated"))["view"]

    assert opened["id"].startswith("V")
    assert opened["team_id"] == "T0001"
    assert updated["id"] == opened["id"]
    assert updated["hash"] != opened["hash"]


def test_views_publish_home(s: SlackStandIn, client: WebClient) -> None:
    s.add_user("U1")

    view = client.views_publish(user_id="U1", view={"type": "home", "blocks": [SECTION]})["view"]

    assert view["type"] == "home"
    assert s.last("views.publish").args["view"]["blocks"] == [SECTION]


def test_rate_limit_then_success(s: SlackStandIn, client: WebClient) -> None:
    s.fail("chat.postMessage", status=429, retry_after=2)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "2"
    assert raised.value.response["error"] == "ratelimited"

    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert len(s.calls_to("chat.postMessage")) == 2


def test_error_fault(s: SlackStandIn, client: WebClient) -> None:
    s.fail("chat.postMessage", error="channel_not_found", times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel="C1", text="x")
        assert raised.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_server_error_until_cleared(s: SlackStandIn, client: WebClient) -> None:
    s.fail("auth.test", status=503, times=-1)

    for _ in range(3):
        with pytest.raises(SlackApiError) as raised:
            client.auth_test()
        assert raised.value.response.status_code == 503

    s.clear_faults()
    assert client.auth_test()["ok"]


def test_delay_makes_client_time_out(s: SlackStandIn) -> None:
    s.fail("auth.test", delay=1.0)
    impatient = WebClient(token="xoxb-test", base_url=s.api_url, timeout=0.2, retry_handlers=[])

    with pytest.raises(TimeoutError):
        impatient.auth_test()


def test_auth_test(client: WebClient) -> None:
    response = client.auth_test()

    assert response["team_id"] == "T0001"
    assert response["user_id"] == "UBOT"
    assert response["bot_id"] == "B0001"
    assert response["is_enterprise_install"] is False


def test_missing_and_invalid_token(s: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=s.api_url).auth_test()
    assert raised.value.response["error"] == "not_authed"

    with pytest.raises(SlackApiError) as raised:
        WebClient(token="nope", base_url=s.api_url).auth_test()
    assert raised.value.response["error"] == "invalid_auth"


def test_unknown_method(s: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("nope.nothing")

    assert raised.value.response["error"] == "unknown_method"
    assert s.calls_to("nope.nothing")


def test_users_info_and_list_pagination(s: SlackStandIn, client: WebClient) -> None:
    for i in range(5):
        s.add_user(f"U{i}", real_name=f"Person {i}")

    ids = [member["id"] for page in client.users_list(limit=2) for member in page["members"]]

    assert ids == ["U0", "U1", "U2", "U3", "U4"]
    assert len(s.calls_to("users.list")) == 3
    assert client.users_info(user="U3")["user"]["real_name"] == "Person 3"
    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="U404")
    assert raised.value.response["error"] == "user_not_found"


def test_add_user_shape(s: SlackStandIn) -> None:
    user = s.add_user("U9", name="ada", email="ada@example.com", tz="Europe/Berlin", tz_offset=3600)

    assert user["profile"]["email"] == "ada@example.com"
    assert user["tz"] == "Europe/Berlin"
    assert user["tz_offset"] == 3600
    assert user["deleted"] is False
    assert isinstance(s.add_user("U10")["tz_offset"], int)


def test_lookup_by_email(s: SlackStandIn, client: WebClient) -> None:
    s.add_user("U1", email="ada@example.com")

    assert client.users_lookupByEmail(email="ADA@example.com")["user"]["id"] == "U1"
    with pytest.raises(SlackApiError) as raised:
        client.users_lookupByEmail(email="nobody@example.com")
    assert raised.value.response["error"] == "users_not_found"


def test_conversations_open_ids_are_stable(s: SlackStandIn, client: WebClient) -> None:
    for user_id in ("U1", "U2", "U3"):
        s.add_user(user_id)
    s.add_user("UGONE", deleted=True)

    dm = client.conversations_open(users="U1")["channel"]["id"]
    mpim = client.conversations_open(users="U1,U2")["channel"]["id"]

    assert dm.startswith("D")
    assert mpim.startswith("G")
    assert client.conversations_open(users="U1")["channel"]["id"] == dm
    assert client.conversations_open(users=["U2", "U1"])["channel"]["id"] == mpim
    assert client.conversations_open(users="U1,U3")["channel"]["id"] != mpim
    for users, error in (("U404", "user_not_found"), ("UGONE", "user_disabled")):
        with pytest.raises(SlackApiError) as raised:
            client.conversations_open(users=users)
        assert raised.value.response["error"] == error


def test_post_to_user_id_goes_to_dm(s: SlackStandIn, client: WebClient) -> None:
    s.add_user("U1")
    dm = client.conversations_open(users="U1")["channel"]["id"]

    assert client.chat_postMessage(channel="U1", text="hi")["channel"] == dm


def test_usergroup_members(s: SlackStandIn, client: WebClient) -> None:
    s.set_usergroup("S1", ["U1", "U2"])

    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1", "U2"]
    with pytest.raises(SlackApiError) as raised:
        client.usergroups_users_list(usergroup="S404")
    assert raised.value.response["error"] == "no_such_subteam"


def test_files_upload_v2_stores_bytes(s: SlackStandIn, client: WebClient) -> None:
    response = client.files_upload_v2(channel="C1", content=b"\x89PNG data", filename="x.png", title="Chart")

    file_id = response["file"]["id"]
    assert s.uploads[file_id] == b"\x89PNG data"
    assert response["file"]["title"] == "Chart"
    complete = s.last("files.completeUploadExternal")
    assert complete.args["channel_id"] == "C1"
    assert complete.args["files"] == [{"id": file_id, "title": "Chart"}]


def test_oauth_v2_access(s: SlackStandIn) -> None:
    s.set_oauth_team("code-1", "T0002", "Globex")
    anonymous = WebClient(base_url=s.api_url)

    response = anonymous.oauth_v2_access(client_id="cid", client_secret="secret", code="code-1")

    assert response["team"] == {"id": "T0002", "name": "Globex"}
    assert response["access_token"].startswith("xoxb-")
    assert response["bot_user_id"] == "UBOT"
    assert response["enterprise"] is None
    assert s.last("oauth.v2.access").args["client_id"] == "cid"
    installed = WebClient(token=response["access_token"], base_url=s.api_url)
    assert installed.auth_test()["team_id"] == "T0002"
    with pytest.raises(SlackApiError) as raised:  # codes are single use, like Slack's
        anonymous.oauth_v2_access(client_id="cid", client_secret="secret", code="code-1")
    assert raised.value.response["error"] == "invalid_code"


def test_response_url(s: SlackStandIn) -> None:
    webhook = WebhookClient(s.response_url("abc"))

    ok = webhook.send(text="done", blocks=[SECTION], replace_original=True)
    bad = webhook.send(text="x", blocks=[{"type": "section"}])

    assert (ok.status_code, ok.body) == (200, "ok")
    assert bad.status_code == 400
    calls = s.calls_to("response_url")
    assert [c.path for c in calls] == ["/respond/abc", "/respond/abc"]
    assert calls[0].args["blocks"] == [SECTION]
    assert len(s.invalid_payloads) == 1


def test_wait_for(s: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="x")

    assert len(s.wait_for("chat.postMessage", timeout=0.5)) == 1
    with pytest.raises(AssertionError, match=r"chat\.postMessage x1"):
        s.wait_for("chat.postMessage", count=2, timeout=0.2)
    with pytest.raises(AssertionError):
        s.last("views.open")


def test_clear_forgets_calls_and_faults(s: SlackStandIn, client: WebClient) -> None:
    s.fail("auth.test", error="fatal_error")
    client.chat_postMessage(channel="C1", text="x")

    s.clear()

    assert s.calls == []
    assert client.auth_test()["ok"]


def test_bolt_app_runs_against_the_standin(s: SlackStandIn) -> None:
    s.add_user("U1")
    app = App(
        client=WebClient(token="xoxb-test", base_url=s.api_url),
        signing_secret="secret",
        request_verification_enabled=False,
    )

    @app.command("/mentor")
    def handle(ack: Ack, respond: Respond, say: Say) -> None:
        ack()
        respond(text="on it", blocks=[SECTION])
        say("hello")

    body = urlencode(
        {"command": "/mentor", "user_id": "U1", "channel_id": "C1", "team_id": "T0001", "trigger_id": "t1"}
        | {"response_url": s.response_url()}
    )
    response = app.dispatch(
        BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})
    )

    assert response.status == 200
    # Bolt acks first and runs the listener on a worker thread, hence wait_for.
    assert s.wait_for("response_url")[0].args["text"] == "on it"
    assert s.wait_for("chat.postMessage")[0].args["channel"] == "C1"
    assert s.calls_to("auth.test")
    assert s.invalid_payloads == []


@pytest.fixture
def eager_thread_switches() -> Iterator[None]:
    """Switch threads as often as possible, so a gap in the stand-in's locking shows as disorder."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("eager_thread_switches")
def test_concurrent_calls_are_recorded_in_the_order_they_were_answered(s: SlackStandIn) -> None:
    def post_many(worker: int) -> dict[str, str]:
        client = WebClient(token="xoxb-test", base_url=s.api_url)
        return {
            text: client.chat_postMessage(channel="C1", text=text)["ts"]
            for text in (f"{worker}-{n}" for n in range(25))
        }

    with ThreadPoolExecutor(max_workers=8) as pool:
        answered = {text: ts for replies in pool.map(post_many, range(8)) for text, ts in replies.items()}

    recorded = [call.args["text"] for call in s.calls_to("chat.postMessage")]
    assert sorted(recorded) == sorted(answered) and len(recorded) == 200
    timestamps = [float(answered[text]) for text in recorded]
    assert timestamps == sorted(timestamps) and len(set(timestamps)) == 200


def test_a_slow_answer_does_not_hold_up_other_callers(s: SlackStandIn, client: WebClient) -> None:
    s.fail("auth.test", delay=2.0)
    slow_done = threading.Event()

    def slow() -> None:
        WebClient(token="xoxb-test", base_url=s.api_url).auth_test()
        slow_done.set()

    caller = threading.Thread(target=slow)
    caller.start()
    s.wait_for("auth.test")

    assert client.chat_postMessage(channel="C1", text="meanwhile")["ok"]
    assert not slow_done.is_set()
    caller.join(timeout=5)
    assert slow_done.is_set()


def test_block_texts_reads_every_text_in_document_order() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Title"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Body*"},
            "fields": [{"type": "mrkdwn", "text": "f1"}, {"type": "plain_text", "text": "f2"}],
            "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "value": "v"},
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "small print"}]},
        {
            "type": "rich_text",
            "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "rt"}]}],
        },
    ]

    assert block_texts(blocks) == ["Title", "*Body*", "f1", "f2", "Go", "small print", "rt"]
    assert block_texts(blocks, kind="mrkdwn") == ["*Body*", "f1", "small print"]
    assert block_texts({"text": "top", "blocks": blocks[:1]}) == ["top", "Title"]
    assert block_texts([{"type": "divider"}, "text", 3]) == []

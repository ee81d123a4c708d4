"""`mentor-bot demo`: a short simulated mentoring program, told as a chat transcript.

The real app (built like `mentor-bot run` in HTTP mode) serves real HTTP on a loopback port. The
simulation sends it signed requests as Slack would (slash commands, button clicks, form submissions,
events), moves a FixedClock through the weeks and runs the real scheduler pass (planners, then the
outbox dispatcher). Everything the bot sends lands in the local Slack stand-in, which records it; the
transcript is rendered from those recorded calls. The database is SQLite in a temporary directory that
is removed at the end.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.config import Mode, Settings
from bot.slack_standin import RESPONSE_URL_METHOD, Call, SlackStandIn
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

BOT_USER_ID = "UBOT"
TEAM_ID = "T0DEMO"
BOT_NAME = "mentor-bot"


class DemoError(RuntimeError):
    """The story could not go on: a message or form the script expected never came."""


# ---------------------------------------------------------------------------------------------------------
# The journal: what people did and what the bot sent, in order, at simulated times
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """Something a person did in Slack (typed a command, clicked, submitted a form)."""

    at: datetime
    user_id: str
    kind: str  # command | click | submit | home
    label: str  # the command text, the button's label, or the form's title
    details: tuple[tuple[str, str], ...] = ()  # form answers shown as (question, answer)


@dataclass(frozen=True)
class BotCall:
    """One Web API call (or response_url post) the bot made, with the stand-in's answer."""

    at: datetime
    call: Call
    reply: Mapping[str, Any]
    audience: str | None  # the user a modal, ephemeral or response_url answer was for


@dataclass(frozen=True)
class ViewAnswer:
    """A modal the app sent back in its HTTP answer to a submission (response_action=update)."""

    at: datetime
    user_id: str
    view: Mapping[str, Any]


@dataclass(frozen=True)
class Chapter:
    at: datetime
    title: str


@dataclass(frozen=True)
class Narration:
    at: datetime
    text: str


Entry = Action | BotCall | ViewAnswer | Chapter | Narration


class Journal:
    """Thread-safe, append-only list of entries; the stand-in writes from its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Entry] = []

    def add(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries)


# ---------------------------------------------------------------------------------------------------------
# Slack, as the people in the story see it
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Posted:
    """A message in a conversation, as it looks now (chat.update and replace_original change it)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    audience: frozenset[str]


class RecordingStandIn(SlackStandIn):
    """The local Slack stand-in, also keeping what each person can see and journalling every call."""

    def __init__(self, clock: FixedClock, journal: Journal, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.journal = journal
        self.members: dict[str, frozenset[str]] = {}  # conversation id -> people in it
        self.messages: list[Posted] = []
        self.ephemerals: list[Posted] = []
        self.views: dict[str, dict[str, Any]] = {}  # view id -> the view as last sent
        self.view_owner: dict[str, str] = {}
        self.open_modal: dict[str, str] = {}  # user -> view id of the modal they have open
        self.trigger_owner: dict[str, str] = {}
        self.respond_to: dict[str, tuple[str, Posted | None]] = {}  # response_url key -> (user, message)

    def _dispatch(self, call: Call) -> Any:  # the stand-in's reply; also journalled here
        reply = super()._dispatch(call)
        body = reply.body if isinstance(reply.body, dict) else {"ok": reply.status == 200}
        audience = self._remember(call, body)
        self.journal.add(BotCall(self.clock.now(), call, body, audience))
        return reply

    # Called with the stand-in's lock held.
    def _remember(self, call: Call, body: Mapping[str, Any]) -> str | None:
        args, method = call.args, call.method
        if method == RESPONSE_URL_METHOD:
            user, message = self.respond_to.get(call.path.removeprefix("/respond/"), ("", None))
            if _truthy(args.get("delete_original")) and message is not None:
                self.messages = [m for m in self.messages if m is not message]
                self.ephemerals = [m for m in self.ephemerals if m is not message]
            elif _truthy(args.get("replace_original")) and message is not None:
                message.text, message.blocks = args.get("text") or "", list(args.get("blocks") or [])
            else:
                self.ephemerals.append(
                    Posted("", "", args.get("text") or "", list(args.get("blocks") or []), frozenset({user}))
                )
            return user or None
        if not body.get("ok"):
            return None
        if method == "conversations.open":
            users = [u for u in str(args.get("users") or "").split(",") if u]
            self.members[body["channel"]["id"]] = frozenset(users)
        elif method == "chat.postMessage":
            channel = str(args.get("channel"))
            if channel[:1] in "UW":
                self.members[body["channel"]] = frozenset({channel})
            audience = self.members.get(body["channel"], frozenset())
            self.messages.append(
                Posted(
                    body["channel"],
                    body["ts"],
                    args.get("text") or "",
                    list(args.get("blocks") or []),
                    audience,
                )
            )
        elif method == "chat.update":
            for message in self.messages:
                if message.ts == args.get("ts"):
                    message.text, message.blocks = args.get("text") or "", list(args.get("blocks") or [])
        elif method == "chat.postEphemeral":
            user = str(args.get("user"))
            self.ephemerals.append(
                Posted("", "", args.get("text") or "", list(args.get("blocks") or []), frozenset({user}))
            )
            return user
        elif method in ("views.open", "views.push", "views.update"):
            view = body["view"]
            owner = (
                self.trigger_owner.get(str(args.get("trigger_id")), "")
                if method != "views.update"
                else self.view_owner.get(view["id"], "")
            )
            self.views[view["id"]] = view
            self.view_owner[view["id"]] = owner
            if owner:
                self.open_modal[owner] = view["id"]
            return owner or None
        elif method == "views.publish":
            self.views[body["view"]["id"]] = body["view"]
            return str(args.get("user_id"))
        return None

    @property
    def lock(self) -> Any:
        """Held while the stand-in answers a call; hold it to read or change what people see."""
        return self._lock

    def visible_to(self, user_id: str) -> list[Posted]:
        with self._lock:
            dm = {m.channel for m in self.messages if m.audience == {user_id}}
            return [m for m in self.messages if user_id in m.audience or m.channel in dm] + [
                m for m in self.ephemerals if user_id in m.audience
            ]


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


class TrackedExecutor(Executor):
    """Wraps Bolt's listener executor to know when every listener has finished (the app is quiet)."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._busy += 1
        try:
            future = self._inner.submit(fn, *args, **kwargs)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any] | None) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout):
                raise DemoError(f"the app was still busy after {timeout:.0f} s")

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


# ---------------------------------------------------------------------------------------------------------
# The simulation
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Colleague:
    user_id: str
    name: str  # what colleagues call them, e.g. "Ana"
    real_name: str
    tz: str
    team: str
    title: str
    level: int
    manager: str | None = None  # the manager's user id
    email: str = ""


@dataclass
class Simulation:
    """The app on a loopback port, the stand-in, the clock, and people who use Slack."""

    people: dict[str, Colleague]
    start: datetime
    admins: tuple[str, ...] = ()
    journal: Journal = field(default_factory=Journal)
    requests_sent: dict[str, int] = field(default_factory=dict)
    ticks: int = 0
    _clicked: set[tuple[int, str]] = field(default_factory=set)
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _seq: int = 0

    # ----- lifecycle -------------------------------------------------------------------------------------

    def __enter__(self) -> Simulation:
        try:
            self._open()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def _open(self) -> None:
        from bot.app import build_app, build_dispatcher, build_runtime
        from bot.web import create_server, make_wsgi
        from storage.db import connect, migrate

        directory = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="mentor-bot-demo-")))
        self.clock = FixedClock(self.start)
        self.slack = RecordingStandIn(
            self.clock, self.journal, team_id=TEAM_ID, team_name="Acme", bot_user_id=BOT_USER_ID
        )
        self.slack.start()
        self._stack.callback(self.slack.stop)
        for person in self.people.values():
            self.slack.add_user(
                person.user_id,
                name=person.name.lower(),
                real_name=person.real_name,
                email=person.email or f"{person.name.lower()}@acme.example",
                tz=person.tz,
                is_admin=person.user_id in self.admins,
            )
        self.signing_secret = secrets.token_hex(16)
        self.settings = Settings(
            slack_bot_token="xoxb-demo-" + secrets.token_hex(8),
            slack_signing_secret=self.signing_secret,
            slack_api_url=self.slack.api_url,
            database_url=f"sqlite:///{directory / 'demo.db'}",
            port=0,
            admin_user_ids=self.admins,
        )
        db = connect(self.settings.database_url)
        self._stack.callback(db.dispose)
        migrate(db)
        self.runtime = build_runtime(self.settings, clock=self.clock, db=db)
        app = build_app(self.runtime, Mode.HTTP)
        self.listeners = TrackedExecutor(app.listener_runner.listener_executor)
        app.listener_runner.listener_executor = self.listeners
        self._stack.callback(self.listeners.shutdown, wait=True)
        server = create_server(make_wsgi(app, db), host="127.0.0.1", port=0, threads=4)
        thread = threading.Thread(target=_serve, args=(server,), name="mentor-bot-demo", daemon=True)
        thread.start()
        self._stack.callback(thread.join, 5)
        self._stack.callback(server.close)
        self.url = f"http://127.0.0.1:{server.effective_port}/slack/events"
        self.dispatcher = build_dispatcher(self.runtime)

    # ----- narration --------------------------------------------------------------------------------------

    def chapter(self, title: str) -> None:
        self.journal.add(Chapter(self.clock.now(), title))

    def narrate(self, text: str) -> None:
        self.journal.add(Narration(self.clock.now(), text))

    # ----- time -------------------------------------------------------------------------------------------

    def tick(self) -> None:
        from bot.app import planners
        from bot.scheduler import run_tick

        run_tick(self.runtime, planners(), self.dispatcher, self.clock.now())
        self.ticks += 1

    def advance_to(self, until: datetime, *, stop: Callable[[], bool] | None = None) -> bool:
        """Run the scheduler at each moment that matters until `until` (or until `stop()` is true).

        In production the scheduler runs every minute. The rules only act at midnight UTC, at 09:00
        (digests) and at the program's nudge hour in each person's time zone, and when an outbox
        message falls due, so the simulation jumps from one of those moments to the next.
        """
        now = self.clock.now()
        while True:
            self.tick()
            self.listeners.wait_idle()
            if stop is not None and stop():
                return True
            if now >= until:
                return False
            due = self._next_due()
            now = min(until, self._next_moment(now), due if due is not None and due > now else until)
            self.clock.set(now)

    def _next_moment(self, now: datetime) -> datetime:
        from bot import program
        from bot.digests import DIGEST_HOUR

        with self.runtime.db.transaction() as session:
            hours = {DIGEST_HOUR, program.load(session, TEAM_ID).nudge_hour}
        moments = [datetime.combine(now.date() + timedelta(days=1), dt_time(0), tzinfo=UTC)]
        for tz in {person.tz for person in self.people.values()}:
            local = now.astimezone(ZoneInfo(tz))
            for day in (local.date(), local.date() + timedelta(days=1)):
                for hour in hours:
                    moment = datetime.combine(day, dt_time(hour), tzinfo=ZoneInfo(tz)).astimezone(UTC)
                    if moment > now:
                        moments.append(moment)
        return min(moments)

    def wait_for_message(
        self, user_id: str, action_id: str, *, within: timedelta = timedelta(days=14), text: str = ""
    ) -> datetime:
        """Let time pass until `user_id` has a message with a button `action_id` (and `text` in it)."""
        if self._message_count(user_id, action_id, text):
            return self.clock.now()
        found = self.advance_to(
            self.clock.now() + within, stop=lambda: self._message_count(user_id, action_id, text) > 0
        )
        if not found:
            who = self.people[user_id].name
            raise DemoError(f"{who} never got a message with {action_id!r} within {within.days} days")
        return self.clock.now()

    def later(self, **delta: float) -> None:
        """The person reads and answers a little later; the scheduler keeps running meanwhile."""
        self.advance_to(self.clock.now() + timedelta(**delta))

    def _message_count(self, user_id: str, action_id: str, text: str) -> int:
        """Messages `user_id` can see with an `action_id` button they haven't clicked yet."""
        return sum(
            1
            for m in self.slack.visible_to(user_id)
            if (id(m), action_id) not in self._clicked
            and _find_element(m.blocks, action_id) is not None
            and text in _all_text(m.text, m.blocks)
        )

    def _next_due(self) -> datetime | None:
        with self.runtime.db.transaction() as session:
            due = session.scalar(
                select(func.min(OutboxMessage.due_at)).where(OutboxMessage.status == "pending")
            )
        if due is not None and due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        return due

    # ----- what Slack sends the app -----------------------------------------------------------------------

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _post(self, body: bytes, content_type: str) -> tuple[int, bytes]:
        timestamp = str(int(time.time()))
        signature = SignatureVerifier(self.signing_secret).generate_signature(timestamp=timestamp, body=body)
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        self.listeners.wait_idle()
        if status != 200:
            raise DemoError(f"the app answered HTTP {status}: {payload[:200]!r}")
        return status, payload

    def _count(self, kind: str) -> None:
        self.requests_sent[kind] = self.requests_sent.get(kind, 0) + 1

    def _trigger(self, user_id: str) -> str:
        trigger = f"{self._next()}.{secrets.token_hex(6)}"
        with self.slack.lock:
            self.slack.trigger_owner[trigger] = user_id
        return trigger

    def _response_url(self, user_id: str, message: Posted | None = None) -> str:
        key = f"demo{self._next()}"
        with self.slack.lock:
            self.slack.respond_to[key] = (user_id, message)
        return self.slack.response_url(key)

    def _user(self, user_id: str) -> dict[str, str]:
        return {"id": user_id, "username": self.people[user_id].name.lower(), "team_id": TEAM_ID}

    def command(self, user_id: str, text: str, *, shown: str | None = None) -> None:
        """`user_id` types `/mentor text`. Mentions are written <@U…> as Slack escapes them."""
        self.journal.add(Action(self.clock.now(), user_id, "command", f"/mentor {shown or text}"))
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "acme",
            "channel_id": "CGENERAL",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": self.people[user_id].name.lower(),
            "command": "/mentor",
            "text": text,
            "api_app_id": self.slack.app_id,
            "response_url": self._response_url(user_id),
            "trigger_id": self._trigger(user_id),
        }
        self._count("slash commands")
        self._post(urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded")

    def open_home(self, user_id: str) -> None:
        self.journal.add(Action(self.clock.now(), user_id, "home", "App Home"))
        body = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": self.slack.app_id,
            "type": "event_callback",
            "event_id": f"Ev{self._next():08d}",
            "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": user_id, "tab": "home", "channel": "DHOME"},
        }
        self._count("events")
        self._post(json.dumps(body).encode(), "application/json")

    def click(
        self,
        user_id: str,
        action_id: str,
        *,
        text: str = "",
        value: str | None = None,
        date: str | None = None,
    ) -> None:
        """`user_id` clicks the button `action_id` on the newest message (or their open form) showing it."""
        message, element, block_id = self._find_button(user_id, action_id, text, value)
        self._clicked.add((id(message), action_id))
        label = _element_label(element) or action_id
        if date is not None:
            label = f"{label} → {date}"
        self.journal.add(Action(self.clock.now(), user_id, "click", label))
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": element.get("type", "button"),
            "value": element.get("value", ""),
            "action_ts": f"{time.time():.6f}",
        }
        if date is not None:
            action["selected_date"] = date
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": self._user(user_id),
            "api_app_id": self.slack.app_id,
            "token": "legacy",
            "trigger_id": self._trigger(user_id),
            "actions": [action],
        }
        if isinstance(message, dict):  # a form or App Home
            payload["view"] = message
            payload["container"] = {"type": "view", "view_id": message["id"]}
        else:
            payload["response_url"] = self._response_url(user_id, message)
            channel = message.channel or f"D{user_id}"
            payload["message"] = {"ts": message.ts or "0.0", "text": message.text, "blocks": message.blocks}
            payload["channel"] = {"id": channel}
            payload["container"] = {
                "type": "message",
                "message_ts": message.ts or "0.0",
                "channel_id": channel,
            }
        self._count("clicks")
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        self._post(body, "application/x-www-form-urlencoded")

    def _find_button(
        self, user_id: str, action_id: str, text: str, value: str | None
    ) -> tuple[Posted | dict[str, Any], dict[str, Any], str]:
        with self.slack.lock:
            modal_id = self.slack.open_modal.get(user_id)
            modal = self.slack.views.get(modal_id or "")
        if modal is not None:
            found = _find_element(modal.get("blocks") or [], action_id, value)
            if found is not None:
                return modal, found[0], found[1]
        for message in reversed(self.slack.visible_to(user_id)):
            found = _find_element(message.blocks, action_id, value)
            if found is not None and text in _all_text(message.text, message.blocks):
                return message, found[0], found[1]
        raise DemoError(f"{self.people[user_id].name} has no message with a {action_id!r} button")

    def current_form(self, user_id: str) -> dict[str, Any]:
        with self.slack.lock:
            view = self.slack.views.get(self.slack.open_modal.get(user_id, ""))
        if view is None:
            raise DemoError(f"{self.people[user_id].name} has no form open")
        return view

    def submit(self, user_id: str, answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """`user_id` fills in their open form (`answers` by block id; the rest as prefilled) and submits."""
        view = self.current_form(user_id)
        state, shown = fill_form(view, answers or {}, self.people)
        self.journal.add(Action(self.clock.now(), user_id, "submit", _title(view), tuple(shown)))
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": self._user(user_id),
            "api_app_id": self.slack.app_id,
            "token": "legacy",
            "trigger_id": self._trigger(user_id),
            "view": {**view, "state": {"values": state}},
            "response_urls": [],
        }
        self._count("form submissions")
        _, raw = self._post(
            urllib.parse.urlencode({"payload": json.dumps(payload)}).encode(),
            "application/x-www-form-urlencoded",
        )
        answer: dict[str, Any] = json.loads(raw) if raw.strip() else {}
        action = answer.get("response_action")
        if action == "errors":
            raise DemoError(f"the {_title(view)!r} form refused the answers: {answer.get('errors')}")
        with self.slack.lock:
            if action in ("update", "push"):
                new_view = {**answer["view"], "id": view["id"]}
                self.slack.views[view["id"]] = new_view
                self.slack.open_modal[user_id] = view["id"]
                self.journal.add(ViewAnswer(self.clock.now(), user_id, new_view))
            elif self.slack.open_modal.get(user_id) == view["id"]:
                del self.slack.open_modal[user_id]
        return answer

    def close_form(self, user_id: str) -> None:
        with self.slack.lock:
            self.slack.open_modal.pop(user_id, None)


def _serve(server: Any) -> None:
    # Closing the listening socket from another thread makes waitress's select() fail with EBADF.
    with contextlib.suppress(OSError, ValueError):
        server.run()


# ---------------------------------------------------------------------------------------------------------
# Block Kit helpers the simulation needs to act like a person
# ---------------------------------------------------------------------------------------------------------


def _elements(block: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    yield from block.get("elements") or []
    if isinstance(block.get("accessory"), dict):
        yield block["accessory"]
    if isinstance(block.get("element"), dict):
        yield block["element"]


def _find_element(
    blocks: list[dict[str, Any]], action_id: str, value: str | None = None
) -> tuple[dict[str, Any], str] | None:
    for block in blocks:
        for element in _elements(block):
            if element.get("action_id") == action_id and (
                value is None or str(element.get("value", "")).endswith(value)
            ):
                return element, str(block.get("block_id", ""))
    return None


def _element_label(element: Mapping[str, Any]) -> str:
    text = element.get("text") or element.get("placeholder") or {}
    return str(text.get("text", "")) if isinstance(text, dict) else ""


def _all_text(text: str, blocks: Any) -> str:
    parts = [text]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(parts)


def _title(view: Mapping[str, Any]) -> str:
    return str((view.get("title") or {}).get("text") or "a form")


def _options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _option(element: Mapping[str, Any], value: str) -> dict[str, Any]:
    for option in _options(element):
        if option.get("value") == value:
            return {"text": option["text"], "value": value}
    raise DemoError(f"no option {value!r} in {element.get('action_id')!r}")


def fill_form(
    view: Mapping[str, Any], answers: Mapping[str, Any], people: Mapping[str, Colleague]
) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """Slack's view.state.values for a form: `answers` by block id, the prefilled values elsewhere.

    Also returns what the person typed or chose, as (question, answer) pairs for the transcript.
    """
    state: dict[str, dict[str, Any]] = {}
    shown: list[tuple[str, str]] = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        block_id, element = str(block.get("block_id")), dict(block["element"])
        kind, action_id = element.get("type"), str(element.get("action_id"))
        given = block_id in answers
        answer = answers.get(block_id)
        value: dict[str, Any] = {"type": kind}
        display = ""
        if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
            text = str(answer) if given and answer is not None else element.get("initial_value")
            value["value"] = text
            display = f'"{text}"' if kind == "plain_text_input" and text else str(text or "")
        elif kind == "datepicker":
            value["selected_date"] = answer if given else element.get("initial_date")
            display = str(value["selected_date"] or "")
        elif kind == "timepicker":
            value["selected_time"] = answer if given else element.get("initial_time")
            display = str(value["selected_time"] or "")
        elif kind in ("radio_buttons", "static_select"):
            chosen = _option(element, str(answer)) if given and answer else element.get("initial_option")
            value["selected_option"] = chosen
            display = _plain(chosen["text"]) if chosen else ""
        elif kind in ("checkboxes", "multi_static_select"):
            chosen_list = (
                [_option(element, str(v)) for v in answer]
                if given
                else list(element.get("initial_options") or [])
            )
            value["selected_options"] = chosen_list
            display = ", ".join(_plain(o["text"]) for o in chosen_list) or "(none)"
        elif kind == "users_select":
            value["selected_user"] = answer if given else element.get("initial_user")
            person = people.get(value["selected_user"] or "")
            display = f"@{person.name}" if person else ""
        elif kind == "multi_users_select":
            value["selected_users"] = list(answer) if given else list(element.get("initial_users") or [])
            display = ", ".join(f"@{people[u].name}" for u in value["selected_users"] if u in people)
        else:
            raise DemoError(f"the demo cannot fill a {kind!r} field ({block_id})")
        state[block_id] = {action_id: value}
        if given:
            shown.append((_plain(block.get("label") or {}), display))
    return state, shown


def _plain(text: Any) -> str:
    return str(text.get("text", "")) if isinstance(text, dict) else str(text or "")


# ---------------------------------------------------------------------------------------------------------
# Running the demo
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoResult:
    chapters: list[tuple[str, str]]  # (title, text)
    summary: str
    seconds: float
    problems: list[str]  # payloads Slack would have refused (empty when all is well)

    @property
    def transcript(self) -> str:
        return "\n\n".join(f"=== {title} ===\n{text.strip(chr(10))}" for title, text in self.chapters) + "\n"

    def chapter(self, starts_with: str) -> str:
        return next(text for title, text in self.chapters if title.startswith(starts_with))


def run_demo(seed: int = 0) -> DemoResult:
    """Play the story against the real app and the stand-in; nothing is left behind."""
    from bot import demo_script
    from bot.demo_render import Renderer

    started = time.perf_counter()
    people, admin = demo_script.cast(seed)
    with Simulation(people=people, start=demo_script.START, admins=(admin,)) as sim:
        demo_script.play(sim)
        entries = sim.journal.entries
        renderer = Renderer(people=people, members=dict(sim.slack.members), order=list(people))
        chapters = [(c.title, c.text) for c in renderer.render(entries)]
        facts = _facts(sim, entries)
        end = sim.clock.now()
        problems = sim.slack.invalid_payloads
    seconds = time.perf_counter() - started
    summary = _summary(facts, demo_script.START, end, seconds, len(people))
    if problems:
        summary += "\n  Slack would have refused: " + "; ".join(problems)
    return DemoResult(chapters, summary, seconds, problems)


def _facts(sim: Simulation, entries: list[Entry]) -> dict[str, int]:
    from storage.models import CheckIn, Introduction, Pairing

    with sim.runtime.db.transaction() as session:
        facts = {
            "active pairings": session.scalar(select(func.count()).where(Pairing.state == "active")) or 0,
            "meetings recorded": session.scalar(select(func.count()).where(CheckIn.status == "met")) or 0,
            "introductions": session.scalar(select(func.count()).select_from(Introduction)) or 0,
        }
    bot_calls = [e for e in entries if isinstance(e, BotCall)]
    facts["messages posted"] = sum(1 for e in bot_calls if e.call.method == "chat.postMessage")
    facts["forms opened"] = sum(1 for e in bot_calls if e.call.method == "views.open")
    facts["Web API calls"] = sum(1 for e in bot_calls if e.call.method != RESPONSE_URL_METHOD)
    facts.update(sim.requests_sent)
    facts["scheduler passes"] = sim.ticks
    return facts


def _summary(facts: Mapping[str, int], start: datetime, end: datetime, seconds: float, people: int) -> str:
    weeks = (end - start) / timedelta(weeks=1)
    lines = [
        f"mentor-bot demo: {people} colleagues, {weeks:.1f} simulated weeks "
        f"({start:%a %-d %b} – {end:%a %-d %b %Y}) in {seconds:.1f} s of real time.",
        "  " + ", ".join(f"{name} {value}" for name, value in facts.items()),
    ]
    return "\n".join(lines)

"""The simulated workspace of `mentor-bot demo`: the real app on a loopback port, the Slack stand-in, a
FixedClock, and colleagues who use Slack.

The app (built like `mentor-bot run` in HTTP mode) serves real HTTP. The simulation sends it signed
requests as Slack would (slash commands, button clicks, form submissions, events), moves the clock through
the weeks and runs the real scheduler pass (planners, then the outbox dispatcher). Everything the bot
sends lands in the stand-in, which records it for the transcript. The database is SQLite in a temporary
directory that is removed at the end.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import date as dt_date
from datetime import time as dt_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.config import Mode, Settings
from bot.demo.forms import all_text, element_label, fill_form, find_element, title
from bot.demo.journal import Action, Chapter, DemoError, Journal, Narration, ViewAnswer
from bot.demo.people import BOT_USER_ID, TEAM_ID, Colleague
from bot.demo.recording import Posted, RecordingStandIn
from bot.i18n import supported
from bot.messages.text import format_date
from storage.models import OutboxMessage


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


@dataclass
class Simulation:
    """The app on a loopback port, the stand-in, the clock, and people who use Slack."""

    people: dict[str, Colleague]
    start: datetime
    admins: tuple[str, ...] = ()
    locale: str = "en-US"  # every colleague's Slack locale (`mentor-bot demo --locale fr`)
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
                locale=self.locale,
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
        from bot.oversight.digests import DIGEST_HOUR
        from bot.people import program_settings as program

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
            and find_element(m.blocks, action_id) is not None
            and self._says(text, m.text, m.blocks)
        )

    def _says(self, text: str, fallback: str, blocks: Any) -> bool:
        """Does a message say `text`? The story's words are English: a demo in another language finds its
        messages by their buttons alone."""
        return supported(self.locale) not in (None, "en") or text in all_text(fallback, blocks)

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

    def joins(self, person: Colleague) -> None:
        """A new colleague joins the workspace: Slack knows them, and sends the app `team_join`."""
        self.people[person.user_id] = person
        user = self.slack.add_user(
            person.user_id,
            name=person.name.lower(),
            real_name=person.real_name,
            email=person.email or f"{person.name.lower()}@acme.example",
            tz=person.tz,
        )
        body = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": self.slack.app_id,
            "type": "event_callback",
            "event_id": f"Ev{self._next():08d}",
            "event_time": int(time.time()),
            "event": {"type": "team_join", "user": user},
        }
        self._count("events")
        self._post(json.dumps(body).encode(), "application/json")

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
        label = element_label(element) or action_id
        if date is not None:
            label = f"{label} → {format_date(dt_date.fromisoformat(date))}"
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
            found = find_element(modal.get("blocks") or [], action_id, value)
            if found is not None:
                return modal, found[0], found[1]
        for message in reversed(self.slack.visible_to(user_id)):
            found = find_element(message.blocks, action_id, value)
            if found is not None and self._says(text, message.text, message.blocks):
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
        state, shown = fill_form(view, answers or {}, self.people, self.slack.channel_names())
        self.journal.add(Action(self.clock.now(), user_id, "submit", title(view), tuple(shown)))
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
            raise DemoError(f"the {title(view)!r} form refused the answers: {answer.get('errors')}")
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

"""`SlackStandIn`: the local Slack, started and stopped, set up by a test, inspected afterwards.

Threads: requests are answered on several server threads, and tests read from their own. One lock guards
everything: each call is recorded in arrival order, takes its fault and is answered in one critical section
(a call with an injected delay is recorded first and answered after the delay), so the recorded calls are
in the order their effects happened and `wait_for` wakes only once the call's effects are visible.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from bot.demo.slack_standin import files, messages, users, views
from bot.demo.slack_standin.calls import RESPONSE_URL_METHOD, UPLOAD_METHOD, Call, Reply, err
from bot.demo.slack_standin.faults import FOREVER, Fault, take_fault
from bot.demo.slack_standin.server import StandInServer
from bot.demo.slack_standin.state import DEFAULT_SCOPE, SlackState, user_record

_NO_AUTH_METHODS = frozenset({"oauth.v2.access", "oauth.v2.exchange"})
_TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-")
METHODS: dict[str, Callable[[SlackState, Call], Reply]] = {
    **users.METHODS,
    **messages.METHODS,
    **views.METHODS,
    **files.METHODS,
}


def _identity(name: str) -> Any:
    """A workspace identity field (team_id, bot_user_id, granted_scopes, …), kept across reset()."""
    return property(
        lambda self: getattr(self._state, name),
        lambda self, value: setattr(self._state, name, value),
    )


class SlackStandIn:
    """A thread-safe, in-process fake of Slack's Web API. Use as a context manager or start()/stop()."""

    team_id = _identity("team_id")
    team_name = _identity("team_name")
    bot_user_id = _identity("bot_user_id")
    bot_id = _identity("bot_id")
    app_id = _identity("app_id")
    granted_scopes = _identity("granted_scopes")  # what auth.test reports in X-OAuth-Scopes

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        team_name: str = "Acme",
        bot_user_id: str = "UBOT",
        bot_id: str = "B0001",
        app_id: str = "A0001",
    ) -> None:
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: StandInServer | None = None
        self._thread: threading.Thread | None = None
        self._state = SlackState(team_id, team_name, bot_user_id, bot_id, app_id)
        self._calls: list[Call] = []
        self._faults: dict[str, list[Fault]] = {}

    # ----- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        if self._server is not None:
            raise RuntimeError("SlackStandIn is already running")
        server = StandInServer(("127.0.0.1", 0), self._serve)
        self._server = server
        with self._lock:
            self._state.base_url = self.base_url
        self._thread = threading.Thread(target=server.serve_forever, name="slack-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.base_url}/respond/{key}"

    # ----- state setup ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything: recorded calls, faults, users, usergroups, conversations, views, files."""
        with self._lock:
            self._calls = []
            self._faults = {}
            self._state = self._state.emptied()

    def clear(self) -> None:
        """Forget recorded calls, invalid payloads, queued faults and uploads; keep users and other setup."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._state.invalid.clear()
            self._state.uploads.clear()

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = "America/New_York",
        tz_offset: int | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
        team_id: str | None = None,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """Register a user, stored in the shape users.info returns. Re-adding an id replaces it.

        ``locale`` is the user's Slack language; users.info and users.list include it only when asked
        with ``include_locale=true``, as Slack does."""
        user = user_record(
            user_id,
            team_id=team_id or self.team_id,
            name=name,
            real_name=real_name,
            email=email,
            tz=tz,
            tz_offset=tz_offset,
            is_bot=is_bot,
            deleted=deleted,
            is_restricted=is_restricted,
            is_ultra_restricted=is_ultra_restricted,
            is_admin=is_admin,
            is_owner=is_owner,
            locale=locale,
        )
        with self._lock:
            self._state.users[user_id] = user
        return json.loads(json.dumps(user))

    def set_usergroup(self, usergroup_id: str, user_ids: Iterable[str]) -> None:
        with self._lock:
            self._state.usergroups[usergroup_id] = list(user_ids)

    def set_channel_members(self, channel_id: str, user_ids: Iterable[str]) -> None:
        """Make conversations.members know a channel."""
        with self._lock:
            self._state.conversations[channel_id] = list(user_ids)

    def add_channel(self, channel_id: str, name: str, *, bot_is_member: bool = True) -> None:
        """Make conversations.info know a channel of the workspace (and whether the bot is in it)."""
        with self._lock:
            self._state.channels[channel_id] = {"name": name, "is_member": bot_is_member}

    def channel_names(self) -> dict[str, str]:
        """channel id -> name, for the channels add_channel made known."""
        with self._lock:
            return {channel_id: str(info["name"]) for channel_id, info in self._state.channels.items()}

    def set_oauth_team(
        self,
        code: str,
        team_id: str,
        team_name: str,
        *,
        authed_user_id: str = "U0INSTALLER",
        scope: str = DEFAULT_SCOPE,
    ) -> None:
        """Make `code` a valid (single-use, like Slack's) oauth.v2.access code installing into that team."""
        with self._lock:
            self._state.oauth_codes[code] = {
                "team_id": team_id,
                "team_name": team_name,
                "authed_user_id": authed_user_id,
                "scope": scope,
            }

    def fail(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Queue `times` faults (-1 = until clear_faults()) for `method` ("response_url"/"file_upload" too)."""
        if times == 0 or times < FOREVER:
            raise ValueError("times must be a positive count or -1")
        fault = Fault(error, status, retry_after, times, delay, dict(headers or {}))
        with self._lock:
            self._faults.setdefault(method, []).append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # ----- inspection ----------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    @property
    def invalid_payloads(self) -> list[str]:
        with self._lock:
            return list(self._state.invalid)

    @property
    def uploads(self) -> dict[str, bytes]:
        with self._lock:
            return dict(self._state.uploads)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def last(self, method: str) -> Call:
        calls = self.calls_to(method)
        if not calls:
            raise AssertionError(f"no {method} call was made; calls made: {self._summary()}")
        return calls[-1]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until at least `count` calls to `method` were recorded, or raise AssertionError."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                calls = [call for call in self._calls if call.method == method]
                remaining = deadline - time.monotonic()
                if len(calls) >= count:
                    return calls
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} {method} call(s) within {timeout}s, got {len(calls)}; "
                        f"calls made: {self._summary()}"
                    )
                self._changed.wait(remaining)

    def _summary(self) -> str:
        with self._lock:
            counts = Counter(call.method for call in self._calls)
        return ", ".join(f"{method} x{n}" for method, n in counts.items()) or "none"

    # ----- answering -----------------------------------------------------------------------------------

    def _serve(self, call: Call) -> Reply:
        """Record the call, then answer it: with its fault if one is queued, else as Slack would."""
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
            fault = take_fault(self._faults, call.method)
            if fault is None or fault.delay <= 0:
                return self._answer(call, fault)
        time.sleep(fault.delay)
        with self._lock:
            return self._answer(call, fault)

    def _answer(self, call: Call, fault: Fault | None) -> Reply:
        reply = fault.reply() if fault is not None else None
        return reply if reply is not None else self._dispatch(call)

    def _dispatch(self, call: Call) -> Reply:
        """Slack's answer to a call that no fault answered (called with the lock held)."""
        state = self._state
        if call.method == UPLOAD_METHOD:
            return files.upload(state, call)
        if call.method == RESPONSE_URL_METHOD:
            return messages.respond(state, call)
        if not call.path.startswith("/api/"):
            return Reply(404, "not found")
        handler = METHODS.get(call.method)
        if handler is None:
            return err("unknown_method")
        if "_invalid_json" in call.args:
            return err("invalid_json")
        if call.method not in _NO_AUTH_METHODS:
            if not call.token:
                return err("not_authed")
            if not call.token.startswith(_TOKEN_PREFIXES):
                return err("invalid_auth")
        return handler(state, call)

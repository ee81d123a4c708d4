"""A local stand-in for Slack's Web API, served over real HTTP on a loopback port.

``slack_sdk.WebClient(base_url=standin.api_url)`` (and Bolt apps built on such a client) talk to it
unchanged. It records every request, validates every Block Kit payload the way Slack would reject it,
answers with Slack's response shapes, and can inject faults (errors, rate limits, 5xx, slowness).

Used by the test suite and by the offline demo; nothing here talks to slack.com.
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import hashlib
import json
import mimetypes
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

__all__ = ["Call", "SlackStandIn"]

RESPONSE_URL_METHOD = "response_url"
UPLOAD_METHOD = "file_upload"

_NO_AUTH_METHODS = frozenset({"oauth.v2.access", "oauth.v2.exchange"})
_TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-")
_JSON_STRING_FIELDS = ("blocks", "view", "attachments", "metadata")
_MESSAGE_MAX_BLOCKS = 50
_VIEW_MAX_BLOCKS = 100
_SECTION_TEXT_MAX = 3000
_HEADER_TEXT_MAX = 150
_VIEW_TEXT_MAX = 24
_PRIVATE_METADATA_MAX = 3000
_ID_FIELD_MAX = 255
_BASE_EPOCH = 1_700_000_000
_DEFAULT_SCOPE = (
    "chat:write,commands,im:write,mpim:write,users:read,users:read.email,usergroups:read,files:write,"
    "reactions:write,team:read"
)


@dataclass(frozen=True)
class Call:
    """One request the stand-in received."""

    method: str
    token: str | None
    args: dict[str, Any]
    path: str


@dataclass
class _Reply:
    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Fault:
    error: str | None
    status: int
    retry_after: int | None
    remaining: int  # -1 = forever
    delay: float
    headers: dict[str, str]

    def reply(self) -> _Reply | None:
        """The answer this fault forces, or None for a delay-only fault."""
        headers = dict(self.headers)
        if self.status == 429:
            headers.setdefault("Retry-After", str(self.retry_after if self.retry_after is not None else 1))
            return _Reply(429, {"ok": False, "error": self.error or "ratelimited"}, headers)
        if self.status != 200:
            return _Reply(self.status, self.error or f"stand-in fault: HTTP {self.status}", headers)
        if self.error is not None:
            return _Reply(200, {"ok": False, "error": self.error}, headers)
        return None


def _ok(**data: Any) -> _Reply:
    return _Reply(200, {"ok": True, **data})


def _err(error: str, **data: Any) -> _Reply:
    return _Reply(200, {"ok": False, "error": error, **data})


# ---------------------------------------------------------------------------------------------------------
# Block Kit validation
# ---------------------------------------------------------------------------------------------------------


def _decode_json_field(value: Any) -> Any:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _lost_parts(raw: Any, out: Any, path: str) -> list[str]:
    """Nested objects that vanished in slack_sdk's round trip: unknown element types or unknown fields."""
    problems: list[str] = []
    if isinstance(raw, dict) and isinstance(out, dict):
        for key, value in raw.items():
            if not isinstance(value, dict | list) or not value:
                continue
            if out.get(key) is None:
                problems.append(f"{path}/{key}: unsupported or unknown object")
            else:
                problems.extend(_lost_parts(value, out[key], f"{path}/{key}"))
    elif isinstance(raw, list) and isinstance(out, list):
        for i, value in enumerate(raw):
            if i >= len(out) or out[i] is None:
                problems.append(f"{path}/{i}: unsupported or unknown element")
            else:
                problems.extend(_lost_parts(value, out[i], f"{path}/{i}"))
    return problems


def _text_object_problems(text: Any, path: str, *, plain_only: bool, max_len: int | None) -> list[str]:
    if not isinstance(text, dict):
        return [f"{path}: must be a text object, got {type(text).__name__}"]
    if plain_only and text.get("type") != "plain_text":
        return [f"{path}: must be a plain_text object"]
    value = text.get("text")
    if not isinstance(value, str) or not value:
        return [f"{path}/text: must be a non-empty string"]
    if max_len is not None and len(value) > max_len:
        return [f"{path}/text: {len(value)} characters exceeds the maximum of {max_len}"]
    return []


def _explicit_block_problems(raw: dict[str, Any], path: str) -> list[str]:
    """Slack limits checked by hand, because slack_sdk's models are more lenient than Slack."""
    kind = raw.get("type")
    problems: list[str] = []
    if kind == "section" and "text" in raw:
        problems += _text_object_problems(
            raw["text"], f"{path}/text", plain_only=False, max_len=_SECTION_TEXT_MAX
        )
    if kind == "header":
        problems += _text_object_problems(
            raw.get("text"), f"{path}/text", plain_only=True, max_len=_HEADER_TEXT_MAX
        )
    if kind == "input" and "label" in raw:
        problems += _text_object_problems(raw["label"], f"{path}/label", plain_only=True, max_len=2000)
    block_id = raw.get("block_id")
    if block_id is not None and (not isinstance(block_id, str) or len(block_id) > _ID_FIELD_MAX):
        problems.append(f"{path}/block_id: must be a string of at most {_ID_FIELD_MAX} characters")
    return problems


def _block_problems(raw: Any, path: str) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{path}: a block must be an object"]
    try:
        parsed = Block.parse(raw)
        if parsed is None:
            return [f"{path}: unknown block type {raw.get('type')!r}"]
        parsed.validate_json()
        out = parsed.to_dict()  # to_dict() validates nested elements too
    except Exception as exc:  # slack_sdk raises several types for malformed input
        return [f"{path}: {type(exc).__name__}: {exc}"]
    return _explicit_block_problems(raw, path) + _lost_parts(raw, out, path)


def blocks_problems(blocks: Any, *, path: str = "blocks", max_blocks: int = _MESSAGE_MAX_BLOCKS) -> list[str]:
    """Describe every reason Slack would reject this `blocks` value (empty list = valid)."""
    blocks = _decode_json_field(blocks)
    if not isinstance(blocks, list):
        return [f"{path}: must be an array of blocks"]
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"{path}: {len(blocks)} blocks exceeds the maximum of {max_blocks}")
    for i, raw in enumerate(blocks):
        problems += _block_problems(raw, f"{path}/{i}")
    block_ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    problems += [f"{path}: duplicate block_id {bid!r}" for bid, n in Counter(block_ids).items() if n > 1]
    return problems


def _modal_problems(view: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if "title" not in view:
        problems.append("view/title: required for a modal")
    for key in ("title", "submit", "close"):
        if key in view:
            problems += _text_object_problems(
                view[key], f"view/{key}", plain_only=True, max_len=_VIEW_TEXT_MAX
            )
    blocks = view.get("blocks")
    has_input = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if has_input and "submit" not in view:
        problems.append("view/submit: required when the modal contains an input block")
    return problems


def view_problems(view: Any, *, expected_type: str | None = None) -> list[str]:
    """Describe every reason Slack would reject this `view` value (empty list = valid)."""
    view = _decode_json_field(view)
    if not isinstance(view, dict):
        return ["view: must be an object"]
    problems: list[str] = []
    kind = view.get("type")
    if expected_type is not None and kind != expected_type:
        problems.append(f"view/type: must be {expected_type!r}, got {kind!r}")
    if kind == "modal":
        problems += _modal_problems(view)
    elif kind == "home" and ("submit" in view or "close" in view):
        problems.append("view: a home view cannot have submit or close")
    if "blocks" not in view:
        problems.append("view/blocks: required")
    else:
        problems += blocks_problems(view["blocks"], path="view/blocks", max_blocks=_VIEW_MAX_BLOCKS)
    metadata = view.get("private_metadata")
    if metadata is not None and len(str(metadata)) > _PRIVATE_METADATA_MAX:
        problems.append(f"view/private_metadata: exceeds {_PRIVATE_METADATA_MAX} characters")
    for key in ("callback_id", "external_id"):
        if view.get(key) is not None and len(str(view[key])) > _ID_FIELD_MAX:
            problems.append(f"view/{key}: exceeds {_ID_FIELD_MAX} characters")
    if not problems:
        try:
            model = View(**view)
            model.validate_json()
            model.to_dict()
        except Exception as exc:  # slack_sdk raises several types for malformed input
            problems.append(f"view: {type(exc).__name__}: {exc}")
    return problems


# ---------------------------------------------------------------------------------------------------------
# Request parsing
# ---------------------------------------------------------------------------------------------------------


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    out: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        out[str(name)] = payload if part.get_filename() else payload.decode("utf-8", "replace")
    return out


def _parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if mime == "application/json":
        try:
            parsed = json.loads(body)
        except ValueError:
            return {"_invalid_json": body.decode("utf-8", "replace")}
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    if mime == "multipart/form-data":
        return _parse_multipart(body, content_type)
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _basic_auth(header: str) -> dict[str, str]:
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1]).decode()
    except (IndexError, binascii.Error, UnicodeDecodeError):
        return {}
    client_id, _, client_secret = decoded.partition(":")
    return {"client_id": client_id, "client_secret": client_secret}


def _stable_suffix(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:10].upper()


def _tz_details(tz: str) -> tuple[str, int]:
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        now = datetime.now(UTC)
    offset = now.utcoffset()
    return now.tzname() or tz, int(offset.total_seconds()) if offset else 0


def _as_int(value: Any, default: int) -> int | None:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _has_content(args: dict[str, Any]) -> bool:
    return any(args.get(key) for key in ("text", "blocks", "attachments"))


# ---------------------------------------------------------------------------------------------------------
# The stand-in
# ---------------------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    standin: SlackStandIn


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self.server.standin._serve(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


class SlackStandIn:
    """A thread-safe, in-process fake of Slack's Web API. Use as a context manager or start()/stop()."""

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        team_name: str = "Acme",
        bot_user_id: str = "UBOT",
        bot_id: str = "B0001",
        app_id: str = "A0001",
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.granted_scopes = _DEFAULT_SCOPE  # what auth.test reports in X-OAuth-Scopes
        self.bot_id = bot_id
        self.app_id = app_id
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[Call], _Reply]] = {
            "api.test": lambda call: _ok(args=call.args),
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._users_lookup_by_email,
            "usergroups.users.list": self._usergroups_users_list,
            "conversations.open": self._conversations_open,
            "conversations.members": self._conversations_members,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.scheduleMessage": self._chat_schedule_message,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
            "oauth.v2.access": self._oauth_v2_access,
        }
        self.reset()

    # ----- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        if self._server is not None:
            raise RuntimeError("SlackStandIn is already running")
        server = _Server(("127.0.0.1", 0), _RequestHandler)
        server.standin = self
        self._server = server
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
            self._calls: list[Call] = []
            self._invalid: list[str] = []
            self._faults: dict[str, list[_Fault]] = {}
            self._users: dict[str, dict[str, Any]] = {}
            self._usergroups: dict[str, list[str]] = {}
            self._conversations: dict[str, list[str]] = {}  # channel id -> member ids (bot excluded)
            self._views: dict[str, dict[str, Any]] = {}
            self._external_views: dict[str, str] = {}
            self._files: dict[str, dict[str, Any]] = {}
            self._uploads: dict[str, bytes] = {}
            self._oauth_codes: dict[str, dict[str, str]] = {}
            self._token_teams: dict[str, dict[str, str]] = {}
            self._counter = 0

    def clear(self) -> None:
        """Forget recorded calls, invalid payloads, queued faults and uploads; keep users and other setup."""
        with self._lock:
            self._calls.clear()
            self._invalid.clear()
            self._faults.clear()
            self._uploads.clear()

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
    ) -> dict[str, Any]:
        """Register a user, stored in the shape users.info returns. Re-adding an id replaces it."""
        tz_label, computed_offset = _tz_details(tz)
        name = name or user_id.lower()
        real_name = real_name or name
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": name,
            "display_name_normalized": name,
            "first_name": real_name.split(" ")[0],
            "last_name": " ".join(real_name.split(" ")[1:]),
            "title": "",
            "status_text": "",
            "status_emoji": "",
            "image_72": f"https://avatars.example.invalid/{user_id}_72.png",
            "image_192": f"https://avatars.example.invalid/{user_id}_192.png",
            "team": team_id or self.team_id,
        }
        if email is not None:
            profile["email"] = email
        user = {
            "id": user_id,
            "team_id": team_id or self.team_id,
            "name": name,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz_label,
            "tz_offset": computed_offset if tz_offset is None else tz_offset,
            "profile": profile,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": is_restricted,
            "is_ultra_restricted": is_ultra_restricted,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": _BASE_EPOCH,
            "is_email_confirmed": email is not None,
        }
        with self._lock:
            self._users[user_id] = user
        return json.loads(json.dumps(user))

    def set_usergroup(self, usergroup_id: str, user_ids: Iterable[str]) -> None:
        with self._lock:
            self._usergroups[usergroup_id] = list(user_ids)

    def set_channel_members(self, channel_id: str, user_ids: Iterable[str]) -> None:
        """Make conversations.members know a channel."""
        with self._lock:
            self._conversations[channel_id] = list(user_ids)

    def set_oauth_team(
        self,
        code: str,
        team_id: str,
        team_name: str,
        *,
        authed_user_id: str = "U0INSTALLER",
        scope: str = _DEFAULT_SCOPE,
    ) -> None:
        """Make `code` a valid (single-use, like Slack's) oauth.v2.access code installing into that team."""
        with self._lock:
            self._oauth_codes[code] = {
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
        if times == 0 or times < -1:
            raise ValueError("times must be a positive count or -1")
        fault = _Fault(error, status, retry_after, times, delay, dict(headers or {}))
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
            return list(self._invalid)

    @property
    def uploads(self) -> dict[str, bytes]:
        with self._lock:
            return dict(self._uploads)

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

    # ----- HTTP plumbing -------------------------------------------------------------------------------

    def _serve(self, request: _RequestHandler) -> None:
        call = self._read_call(request)
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
            fault = self._take_fault(call.method)
        if fault is not None and fault.delay > 0:
            time.sleep(fault.delay)
        reply = fault.reply() if fault is not None else None
        if reply is None:
            with self._lock:
                reply = self._dispatch(call)
        self._write(request, reply)

    def _read_call(self, request: _RequestHandler) -> Call:
        url = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length > 0 else b""
        if url.path.startswith("/upload/"):
            file_id = url.path.removeprefix("/upload/")
            return Call(
                UPLOAD_METHOD, None, {"file_id": file_id, "length": len(body), "content": body}, url.path
            )
        args: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
        args.update(_parse_body(body, request.headers.get("Content-Type", "")))
        for key in _JSON_STRING_FIELDS:
            if key in args:
                args[key] = _decode_json_field(args[key])
        if url.path.startswith("/respond/"):
            return Call(RESPONSE_URL_METHOD, None, args, url.path)
        method = url.path.removeprefix("/api/") if url.path.startswith("/api/") else url.path
        if method == "files.completeUploadExternal" and "files" in args:
            args["files"] = _decode_json_field(args["files"])
        authorization = request.headers.get("Authorization", "")
        token = args.pop("token", None)
        if authorization.startswith("Bearer "):
            token = authorization.removeprefix("Bearer ").strip() or token
        elif authorization.startswith("Basic "):
            # oauth.v2.access: slack_sdk sends client_id/client_secret as HTTP Basic auth
            for key, value in _basic_auth(authorization).items():
                args.setdefault(key, value)
        return Call(method, token, args, url.path)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        if fault.remaining > 0:
            fault.remaining -= 1
            if fault.remaining == 0:
                queue.pop(0)
        return fault

    @staticmethod
    def _write(request: _RequestHandler, reply: _Reply) -> None:
        if isinstance(reply.body, dict):
            payload, content_type = json.dumps(reply.body).encode(), "application/json; charset=utf-8"
        else:
            payload, content_type = reply.body.encode(), "text/plain; charset=utf-8"
        try:
            request.send_response(reply.status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during an injected delay)

    def _dispatch(self, call: Call) -> _Reply:
        if call.method == UPLOAD_METHOD:
            return self._upload(call)
        if call.method == RESPONSE_URL_METHOD:
            return self._respond(call)
        if not call.path.startswith("/api/"):
            return _Reply(404, "not found")
        handler = self._methods.get(call.method)
        if handler is None:
            return _err("unknown_method")
        if "_invalid_json" in call.args:
            return _err("invalid_json")
        if call.method not in _NO_AUTH_METHODS:
            if not call.token:
                return _err("not_authed")
            if not call.token.startswith(_TOKEN_PREFIXES):
                return _err("invalid_auth")
        return handler(call)

    # ----- helpers used by handlers (called with the lock held) ------------------------------------------

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _next_ts(self) -> str:
        micros = self._next() * 100
        return f"{_BASE_EPOCH + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _rejected_blocks(self, call: Call, problems: list[str]) -> _Reply:
        self._invalid.extend(f"{call.method}: {problem}" for problem in problems)
        return _err(
            "invalid_blocks",
            errors=problems,
            response_metadata={"messages": [f"[ERROR] {problem}" for problem in problems]},
        )

    def _rejected_view(self, call: Call, problems: list[str]) -> _Reply:
        self._invalid.extend(f"{call.method}: {problem}" for problem in problems)
        return _err("invalid_arguments", response_metadata={"messages": [f"[ERROR] {p}" for p in problems]})

    def _message_problems(self, args: dict[str, Any]) -> list[str]:
        return blocks_problems(args["blocks"]) if "blocks" in args else []

    def _team_for(self, token: str | None) -> dict[str, str]:
        return self._token_teams.get(token or "", {"id": self.team_id, "name": self.team_name})

    def _domain(self, team_name: str) -> str:
        return "".join(ch for ch in team_name.lower() if ch.isalnum()) or "workspace"

    def _dm_for(self, user_id: str) -> str:
        channel_id = "D" + _stable_suffix(self.bot_user_id, user_id)
        self._conversations.setdefault(channel_id, [user_id])
        return channel_id

    def _resolve_channel(self, channel: Any) -> tuple[str | None, str | None]:
        """Slack accepts a user id as a channel and posts into the bot's DM with that user."""
        if not channel or not isinstance(channel, str):
            return None, "channel_not_found"
        if channel[0] in "UW":
            if channel not in self._users:
                return None, "channel_not_found"
            return self._dm_for(channel), None
        return channel, None

    def _message(self, args: dict[str, Any], ts: str, team_id: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": team_id,
            "text": args.get("text") or "",
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(key):
                message[key] = args[key]
        return message

    # ----- Web API methods -----------------------------------------------------------------------------

    def _auth_test(self, call: Call) -> _Reply:
        team = self._team_for(call.token)
        reply = _ok(
            url=f"https://{self._domain(team['name'])}.slack.com/",
            team=team["name"],
            user="bot",
            team_id=team["id"],
            user_id=self.bot_user_id,
            bot_id=self.bot_id,
            is_enterprise_install=False,
        )
        # Slack tells every caller which scopes its token was granted.
        reply.headers["X-OAuth-Scopes"] = self.granted_scopes
        return reply

    def _team_info(self, call: Call) -> _Reply:
        team = self._team_for(call.token)
        domain = self._domain(team["name"])
        return _ok(team={"id": team["id"], "name": team["name"], "domain": domain, "email_domain": ""})

    def _users_info(self, call: Call) -> _Reply:
        user = self._users.get(call.args.get("user") or "")
        return _ok(user=user) if user else _err("user_not_found")

    def _users_list(self, call: Call) -> _Reply:
        limit = _as_int(call.args.get("limit"), 200)
        if limit is None or limit < 0:
            return _err("invalid_limit")
        limit = limit or 200
        cursor = call.args.get("cursor") or ""
        start = 0
        if cursor:
            try:
                start = int(base64.b64decode(cursor).decode().removeprefix("user:"))
            except (ValueError, binascii.Error, UnicodeDecodeError):
                return _err("invalid_cursor")
        users = list(self._users.values())
        page = users[start : start + limit]
        end = start + len(page)
        next_cursor = base64.b64encode(f"user:{end}".encode()).decode() if end < len(users) else ""
        return _ok(members=page, cache_ts=_BASE_EPOCH, response_metadata={"next_cursor": next_cursor})

    def _users_lookup_by_email(self, call: Call) -> _Reply:
        wanted = str(call.args.get("email") or "").lower()
        for user in self._users.values():
            if wanted and str(user["profile"].get("email", "")).lower() == wanted:
                return _ok(user=user)
        return _err("users_not_found")

    def _usergroups_users_list(self, call: Call) -> _Reply:
        members = self._usergroups.get(call.args.get("usergroup") or "")
        return _ok(users=list(members)) if members is not None else _err("no_such_subteam")

    def _conversations_open(self, call: Call) -> _Reply:
        if call.args.get("channel"):
            channel = call.args["channel"]
            if channel not in self._conversations:
                return _err("channel_not_found")
            return _ok(channel={"id": channel}, no_op=True, already_open=True)
        user_ids = [u.strip() for u in str(call.args.get("users") or "").split(",") if u.strip()]
        user_ids = sorted(set(user_ids) - {self.bot_user_id})
        if not user_ids:
            return _err("users_list_not_supplied")
        if len(user_ids) > 8:
            return _err("too_many_users")
        for user_id in user_ids:
            user = self._users.get(user_id)
            if user is None:
                return _err("user_not_found")
            if user["deleted"]:
                return _err("user_disabled")
        if len(user_ids) == 1:
            channel_id = "D" + _stable_suffix(self.bot_user_id, user_ids[0])
        else:
            channel_id = "G" + _stable_suffix(self.bot_user_id, *user_ids)
        already_open = channel_id in self._conversations
        self._conversations[channel_id] = user_ids
        extra = {"no_op": True, "already_open": True} if already_open else {}
        return _ok(channel={"id": channel_id}, **extra)

    def _conversations_members(self, call: Call) -> _Reply:
        members = self._conversations.get(call.args.get("channel") or "")
        if members is None:
            return _err("channel_not_found")
        return _ok(members=[*members, self.bot_user_id], response_metadata={"next_cursor": ""})

    def _chat_post_message(self, call: Call) -> _Reply:
        problems = self._message_problems(call.args)
        if problems:
            return self._rejected_blocks(call, problems)
        channel, error = self._resolve_channel(call.args.get("channel"))
        if error:
            return _err(error)
        if not _has_content(call.args):
            return _err("no_text")
        ts = self._next_ts()
        message = self._message(call.args, ts, self._team_for(call.token)["id"])
        return _ok(channel=channel, ts=ts, message=message)

    def _chat_post_ephemeral(self, call: Call) -> _Reply:
        problems = self._message_problems(call.args)
        if problems:
            return self._rejected_blocks(call, problems)
        _, error = self._resolve_channel(call.args.get("channel"))
        if error:
            return _err(error)
        if call.args.get("user") not in self._users:
            return _err("user_not_found")
        if not _has_content(call.args):
            return _err("no_text")
        return _ok(message_ts=self._next_ts())

    def _chat_update(self, call: Call) -> _Reply:
        problems = self._message_problems(call.args)
        if problems:
            return self._rejected_blocks(call, problems)
        channel, error = self._resolve_channel(call.args.get("channel"))
        if error:
            return _err(error)
        ts = call.args.get("ts")
        if not ts:
            return _err("message_not_found")
        if not _has_content(call.args):
            return _err("no_text")
        message = self._message(call.args, ts, self._team_for(call.token)["id"])
        return _ok(channel=channel, ts=ts, text=call.args.get("text") or "", message=message)

    def _chat_delete(self, call: Call) -> _Reply:
        channel, error = self._resolve_channel(call.args.get("channel"))
        if error:
            return _err(error)
        if not call.args.get("ts"):
            return _err("message_not_found")
        return _ok(channel=channel, ts=call.args["ts"])

    def _chat_schedule_message(self, call: Call) -> _Reply:
        problems = self._message_problems(call.args)
        if problems:
            return self._rejected_blocks(call, problems)
        channel, error = self._resolve_channel(call.args.get("channel"))
        if error:
            return _err(error)
        post_at = _as_int(call.args.get("post_at"), 0)
        if not post_at:
            return _err("invalid_time")
        if not _has_content(call.args):
            return _err("no_text")
        scheduled_id = f"Q{self._next():010d}"
        message = self._message(call.args, self._next_ts(), self._team_for(call.token)["id"])
        return _ok(channel=channel, scheduled_message_id=scheduled_id, post_at=post_at, message=message)

    def _chat_get_permalink(self, call: Call) -> _Reply:
        channel, ts = call.args.get("channel"), call.args.get("message_ts")
        if not channel or not ts:
            return _err("message_not_found")
        domain = self._domain(self._team_for(call.token)["name"])
        permalink = f"https://{domain}.slack.com/archives/{channel}/p{str(ts).replace('.', '')}"
        return _ok(channel=channel, permalink=permalink)

    def _reactions_add(self, call: Call) -> _Reply:
        if not call.args.get("channel") or not call.args.get("timestamp"):
            return _err("no_item_specified")
        if not call.args.get("name"):
            return _err("invalid_name")
        return _ok()

    # ----- views ---------------------------------------------------------------------------------------

    def _store_view(
        self, call: Call, view: dict[str, Any], view_id: str, *, root_view_id: str | None = None
    ) -> _Reply:
        team_id = self._team_for(call.token)["id"]
        stored = {
            "callback_id": "",
            "external_id": "",
            "private_metadata": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "submit": None,
            "close": None,
            "previous_view_id": None,
            **view,
            "id": view_id,
            "team_id": team_id,
            "app_id": self.app_id,
            "app_installed_team_id": team_id,
            "bot_id": self.bot_id,
            "root_view_id": root_view_id or view_id,
            "state": {"values": {}},
            "hash": f"{_BASE_EPOCH}.{_stable_suffix(view_id, str(self._next())).lower()[:8]}",
        }
        self._views[view_id] = stored
        if view.get("external_id"):
            self._external_views[view["external_id"]] = view_id
        return _ok(view=stored)

    def _checked_view(
        self, call: Call, expected_type: str | None
    ) -> tuple[dict[str, Any] | None, _Reply | None]:
        if "view" not in call.args:
            return None, self._rejected_view(call, ["missing required field: view"])
        problems = view_problems(call.args["view"], expected_type=expected_type)
        if problems:
            return None, self._rejected_view(call, problems)
        return call.args["view"], None

    def _new_view_id(self) -> str:
        return f"V{self._next():010d}"

    def _views_open(self, call: Call) -> _Reply:
        if not call.args.get("trigger_id"):
            return self._rejected_view(call, ["missing required field: trigger_id"])
        view, rejection = self._checked_view(call, "modal")
        if rejection:
            return rejection
        return self._store_view(call, view or {}, self._new_view_id())

    def _views_push(self, call: Call) -> _Reply:
        return self._views_open(call)

    def _views_update(self, call: Call) -> _Reply:
        view_id = call.args.get("view_id")
        external_id = call.args.get("external_id")
        if not view_id and not external_id:
            return self._rejected_view(call, ["one of view_id or external_id is required"])
        if not view_id:
            view_id = self._external_views.get(external_id or "")
            if view_id is None:
                return _err("not_found")
        view, rejection = self._checked_view(call, None)
        if rejection:
            return rejection
        existing = self._views.get(view_id)
        # Unknown view ids are accepted: tests often fabricate view payloads the stand-in never opened.
        if existing and call.args.get("hash") and call.args["hash"] != existing["hash"]:
            return _err("hash_conflict")
        root = existing["root_view_id"] if existing else None
        return self._store_view(call, view or {}, view_id, root_view_id=root)

    def _views_publish(self, call: Call) -> _Reply:
        user_id = call.args.get("user_id")
        if not user_id:
            return self._rejected_view(call, ["missing required field: user_id"])
        view, rejection = self._checked_view(call, "home")
        if rejection:
            return rejection
        if user_id not in self._users:
            return _err("user_not_found")
        return self._store_view(call, view or {}, "V" + _stable_suffix("home", user_id))

    # ----- response_url --------------------------------------------------------------------------------

    def _respond(self, call: Call) -> _Reply:
        problems = self._message_problems(call.args)
        if problems:
            self._invalid.extend(f"{call.method}: {problem}" for problem in problems)
            return _Reply(400, "invalid_blocks")
        if not _has_content(call.args) and not call.args.get("delete_original"):
            return _Reply(400, "no_text")
        return _Reply(200, "ok")

    # ----- files ---------------------------------------------------------------------------------------

    def _files_get_upload_url(self, call: Call) -> _Reply:
        filename = call.args.get("filename")
        length = _as_int(call.args.get("length"), 0)
        if not filename:
            return _err("invalid_arguments", response_metadata={"messages": ["[ERROR] missing filename"]})
        if not length:
            return _err("invalid_arguments", response_metadata={"messages": ["[ERROR] missing length"]})
        file_id = f"F{self._next():010d}"
        self._files[file_id] = {"name": filename, "length": length, "uploaded": False}
        return _ok(upload_url=f"{self.base_url}/upload/{file_id}", file_id=file_id)

    def _upload(self, call: Call) -> _Reply:
        file_id = call.args["file_id"]
        if file_id not in self._files:
            return _Reply(404, "file not found")
        self._uploads[file_id] = call.args["content"]
        self._files[file_id]["uploaded"] = True
        return _Reply(200, f"OK - {call.args['length']}")

    def _file_object(self, file_id: str, call: Call) -> dict[str, Any]:
        record = self._files[file_id]
        name = record["name"]
        domain = self._domain(self._team_for(call.token)["name"])
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return {
            "id": file_id,
            "created": _BASE_EPOCH,
            "timestamp": _BASE_EPOCH,
            "name": name,
            "title": record.get("title") or name,
            "mimetype": mimetype,
            "filetype": name.rsplit(".", 1)[-1].lower() if "." in name else "binary",
            "user": self.bot_user_id,
            "size": len(self._uploads.get(file_id, b"")),
            "url_private": f"https://files.slack.com/files-pri/{self.team_id}-{file_id}/{name}",
            "permalink": f"https://{domain}.slack.com/files/{self.bot_user_id}/{file_id}/{name}",
            "channels": list(record.get("channels", [])),
            "initial_comment": record.get("initial_comment"),
        }

    def _files_complete_upload(self, call: Call) -> _Reply:
        items = call.args.get("files")
        if not isinstance(items, list) or not items:
            return _err("invalid_arguments", response_metadata={"messages": ["[ERROR] missing files"]})
        channels = [c for c in str(call.args.get("channels") or "").split(",") if c]
        if call.args.get("channel_id"):
            channels.append(call.args["channel_id"])
        file_ids: list[str] = []
        for item in items:
            file_id = item.get("id") if isinstance(item, dict) else None
            if file_id not in self._files or not self._files[file_id]["uploaded"]:
                return _err("file_not_found")
            file_ids.append(file_id)
        for item, file_id in zip(items, file_ids, strict=True):
            self._files[file_id].update(
                title=item.get("title"), channels=channels, initial_comment=call.args.get("initial_comment")
            )
        return _ok(files=[self._file_object(file_id, call) for file_id in file_ids])

    def _files_info(self, call: Call) -> _Reply:
        file_id = call.args.get("file") or ""
        if file_id not in self._files:
            return _err("file_not_found")
        return _ok(file=self._file_object(file_id, call))

    # ----- OAuth ---------------------------------------------------------------------------------------

    def _oauth_v2_access(self, call: Call) -> _Reply:
        if not call.args.get("client_id"):
            return _err("invalid_client_id")
        if not call.args.get("client_secret"):
            return _err("bad_client_secret")
        install = self._oauth_codes.pop(call.args.get("code") or "", None)
        if install is None:
            return _err("invalid_code")
        access_token = f"xoxb-{install['team_id']}-{self.bot_user_id}-standin"
        self._token_teams[access_token] = {"id": install["team_id"], "name": install["team_name"]}
        return _ok(
            access_token=access_token,
            token_type="bot",
            scope=install["scope"],
            bot_user_id=self.bot_user_id,
            app_id=self.app_id,
            team={"id": install["team_id"], "name": install["team_name"]},
            enterprise=None,
            authed_user={"id": install["authed_user_id"]},
            is_enterprise_install=False,
        )

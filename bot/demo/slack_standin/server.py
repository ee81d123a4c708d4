"""The stand-in's HTTP side: a loopback server answering on a pool of worker threads, and the translation of
an HTTP request into a `Call` and of a `Reply` into an HTTP answer.

slack_sdk opens a new connection for every call, so a thread per connection (ThreadingHTTPServer) would
start a thread per Web API call; that start-up cost, not the answer, dominated a call's time. Workers are
reused instead, and one more is started only when every worker is busy (a caller waiting on an injected
slow answer never holds up the others).
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import json
import queue
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.demo.slack_standin.blockkit import decode_json_field
from bot.demo.slack_standin.calls import RESPONSE_URL_METHOD, UPLOAD_METHOD, Call, Reply

_JSON_STRING_FIELDS = ("blocks", "view", "attachments", "metadata")

Answer = Callable[[Call], Reply]


class StandInServer(HTTPServer):
    """Serves `answer(call)` for every request, on reused worker threads."""

    def __init__(self, address: tuple[str, int], answer: Answer) -> None:
        super().__init__(address, _RequestHandler)
        self.answer = answer
        self._requests: queue.SimpleQueue[tuple[socket.socket, Any] | None] = queue.SimpleQueue()
        self._pool_lock = threading.Lock()
        self._idle = 0
        self._workers: list[threading.Thread] = []

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._pool_lock:
            if self._idle:
                self._idle -= 1  # an idle worker takes it
            else:
                worker = threading.Thread(
                    target=self._work, name=f"slack-standin-{len(self._workers) + 1}", daemon=True
                )
                self._workers.append(worker)
                worker.start()
        self._requests.put((request, client_address))

    def _work(self) -> None:
        while (item := self._requests.get()) is not None:
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)
            with self._pool_lock:
                self._idle += 1

    def server_close(self) -> None:
        super().server_close()
        with self._pool_lock:
            workers = list(self._workers)
        for _ in workers:
            self._requests.put(None)


class _RequestHandler(BaseHTTPRequestHandler):
    server: StandInServer
    wbufsize = -1  # buffered: the status line, headers and body leave in one send, not one per write

    def do_POST(self) -> None:
        call = read_call(self)
        write_reply(self, self.server.answer(call))

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


def read_call(request: BaseHTTPRequestHandler) -> Call:
    """The request as a Call: the Web API method (or response_url / upload), its token and arguments."""
    url = urlsplit(request.path)
    length = int(request.headers.get("Content-Length") or 0)
    body = request.rfile.read(length) if length > 0 else b""
    if url.path.startswith("/upload/"):
        file_id = url.path.removeprefix("/upload/")
        return Call(UPLOAD_METHOD, None, {"file_id": file_id, "length": len(body), "content": body}, url.path)
    args: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
    args.update(_parse_body(body, request.headers.get("Content-Type", "")))
    for key in _JSON_STRING_FIELDS:
        if key in args:
            args[key] = decode_json_field(args[key])
    if url.path.startswith("/respond/"):
        return Call(RESPONSE_URL_METHOD, None, args, url.path)
    method = url.path.removeprefix("/api/") if url.path.startswith("/api/") else url.path
    if method == "files.completeUploadExternal" and "files" in args:
        args["files"] = decode_json_field(args["files"])
    authorization = request.headers.get("Authorization", "")
    token = args.pop("token", None)
    if authorization.startswith("Bearer "):
        token = authorization.removeprefix("Bearer ").strip() or token
    elif authorization.startswith("Basic "):
        # oauth.v2.access: slack_sdk sends client_id/client_secret as HTTP Basic auth
        for key, value in _basic_auth(authorization).items():
            args.setdefault(key, value)
    return Call(method, token, args, url.path)


def write_reply(request: BaseHTTPRequestHandler, reply: Reply) -> None:
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
        request.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (e.g. its timeout fired during an injected delay)


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

"""What the stand-in receives (a `Call`) and what it answers (a `Reply`), shared by every Web API method."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Requests that are not Web API methods get these method names, so they are recorded and faulted alike.
RESPONSE_URL_METHOD = "response_url"
UPLOAD_METHOD = "file_upload"


@dataclass(frozen=True)
class Call:
    """One request the stand-in received."""

    method: str
    token: str | None
    args: dict[str, Any]
    path: str


@dataclass
class Reply:
    """An HTTP answer: a dict body is sent as JSON, a string body as plain text."""

    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def ok(**data: Any) -> Reply:
    return Reply(200, {"ok": True, **data})


def err(error: str, **data: Any) -> Reply:
    return Reply(200, {"ok": False, "error": error, **data})


def as_int(value: Any, default: int) -> int | None:
    """An integer argument: `default` when absent, None when present but not a number."""
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

"""What one outbox row carries: a message (text and blocks) or a file (such as a chart)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    text: str
    blocks: Sequence[Mapping[str, Any]] = ()

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": list(self.blocks)}


@dataclass(frozen=True)
class FileUpload:
    """A file to share into a conversation (files_upload_v2). Stored base64-encoded in its outbox row."""

    content: bytes
    filename: str
    title: str

    def payload(self) -> dict[str, Any]:
        encoded = base64.b64encode(self.content).decode("ascii")
        return {"file": {"content": encoded, "filename": self.filename, "title": self.title}}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> FileUpload:
        stored = payload["file"]
        return cls(base64.b64decode(stored["content"]), stored["filename"], stored["title"])

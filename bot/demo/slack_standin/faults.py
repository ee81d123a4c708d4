"""Faults a test queues for a method: Slack's ok:false errors, 429 with Retry-After, 5xx, slow answers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.demo.slack_standin.calls import Reply

FOREVER = -1


@dataclass
class Fault:
    error: str | None
    status: int
    retry_after: int | None
    remaining: int  # FOREVER, or how many more calls it answers
    delay: float  # seconds to wait before answering
    headers: dict[str, str]

    def reply(self) -> Reply | None:
        """The answer this fault forces, or None for a delay-only fault."""
        headers = dict(self.headers)
        if self.status == 429:
            headers.setdefault("Retry-After", str(self.retry_after if self.retry_after is not None else 1))
            return Reply(429, {"ok": False, "error": self.error or "ratelimited"}, headers)
        if self.status != 200:
            return Reply(self.status, self.error or f"stand-in fault: HTTP {self.status}", headers)
        if self.error is not None:
            return Reply(200, {"ok": False, "error": self.error}, headers)
        return None


def take_fault(queued: dict[str, list[Fault]], method: str) -> Fault | None:
    """The fault that answers this call to `method`, used up by it (called with the stand-in's lock held)."""
    queue = queued.get(method)
    if not queue:
        return None
    fault = queue[0]
    if fault.remaining > 0:
        fault.remaining -= 1
        if fault.remaining == 0:
            queue.pop(0)
    return fault

"""Bolt's App, remembering every interactive action_id, callback_id and shortcut it listens for.

The authorization tests walk this registry, so a new button or modal is covered automatically.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App

Constraint = str | re.Pattern[str]


# Bolt runs every listener on this pool and waits for its ack. Its default (cores + 4 threads) fills up
# with work done after the ack (publishing App Home, answering on response_url), and then new requests
# cannot even be acked: at 200 requests/s p99 went past Slack's 3 s limit.
LISTENER_THREADS = 64


class MentorApp(App):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "listener_executor",
            ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener"),
        )
        super().__init__(*args, **kwargs)
        self.action_ids: list[Constraint] = []
        self.callback_ids: list[Constraint] = []
        self.shortcut_ids: list[Constraint] = []

    def action(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
        self.action_ids.append(_name(constraints, "action_id"))
        return super().action(constraints, *args, **kwargs)

    def view(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
        self.callback_ids.append(_name(constraints, "callback_id"))
        return super().view(constraints, *args, **kwargs)

    def shortcut(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
        self.shortcut_ids.append(_name(constraints, "callback_id"))
        return super().shortcut(constraints, *args, **kwargs)


def _name(constraints: Any, key: str) -> Constraint:
    if isinstance(constraints, dict):
        return constraints.get(key) or constraints.get("block_id") or ""
    return constraints

"""Bolt's App, remembering every interactive action_id, callback_id and shortcut it listens for.

The authorization tests walk this registry, so a new button or modal is covered automatically. It also
guards every acking listener against failing after its ack (see _answer_failures_after_ack). Both are
done by wrapping the decorators Bolt's public `action`/`view`/`command`/`shortcut`/`options` return, so
no private Bolt method is overridden and a Bolt upgrade cannot switch either off silently.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.logs import ContextExecutor
from handlers.errors import friendly_error
from handlers.router import CommandRouter

Constraint = str | re.Pattern[str]
Listener = Callable[..., Any]

# Bolt runs every listener on this pool and waits for its ack. Its default (cores + 4 threads) fills up
# with work done after the ack (publishing App Home, answering on response_url), and then new requests
# cannot even be acked: at 200 requests/s p99 went past Slack's 3 s limit.
LISTENER_THREADS = 64


class MentorApp(App):
    """Bolt's App plus the registry of interactive ids and the `/mentor` router every surface adds to."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "listener_executor",
            ContextExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener"),
        )
        super().__init__(*args, **kwargs)
        # bot.web verifies every HTTP request with it before Bolt parses the body.
        self.signing_secret: str | None = kwargs.get("signing_secret")
        self.action_ids: list[Constraint] = []
        self.callback_ids: list[Constraint] = []
        self.shortcut_ids: list[Constraint] = []
        self.router = CommandRouter()

    def action(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
        self.action_ids.append(_name(constraints, "action_id"))
        return _guarded(super().action(constraints, *args, **kwargs))

    def view(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
        self.callback_ids.append(_name(constraints, "callback_id"))
        return _guarded(super().view(constraints, *args, **kwargs))

    def shortcut(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
        self.shortcut_ids.append(_name(constraints, "callback_id"))
        return _guarded(super().shortcut(constraints, *args, **kwargs))

    def command(self, *args: Any, **kwargs: Any) -> Any:
        return _guarded(super().command(*args, **kwargs))

    def options(self, *args: Any, **kwargs: Any) -> Any:
        return _guarded(super().options(*args, **kwargs))


def _name(constraints: Any, key: str) -> Constraint:
    if isinstance(constraints, dict):
        return constraints.get(key) or constraints.get("block_id") or ""
    return constraints


def _guarded(register: Callable[..., Any]) -> Callable[..., Any]:
    """Bolt's registering decorator, with the acking listener guarded; still returns what it was given,
    so decorators stack (`@app.action(a)` over `@app.action(b)`) without guarding twice."""

    def decorator(*functions: Listener, **kwargs: Any) -> Any:
        if kwargs:  # app.action(x)(ack=..., lazy=[...])
            register(**{**kwargs, "ack": _answer_failures_after_ack(kwargs["ack"])})
            return None
        first, *lazy = functions
        register(_answer_failures_after_ack(first), *lazy)
        return first

    return decorator


_GUARD_ARGS = ("ack", "body", "respond", "client")


def _answer_failures_after_ack(listener: Listener) -> Listener:
    """Answer a failure that happens after the listener acked, instead of letting it reach Bolt.

    When a listener acks and then raises within a few milliseconds, Bolt's thread runner replaces the ack it
    already holds with None, and Slack gets a 404 three seconds later instead of the ack. So a failure after
    the ack is told to the person here; one before the ack still goes to Bolt's error handler, which answers
    in the HTTP response.
    """
    wanted = inspect.getfullargspec(inspect.unwrap(listener)).args

    def guarded(**kwargs: Any) -> Any:
        try:
            return listener(**{name: kwargs[name] for name in wanted if name in kwargs})
        except Exception as error:
            ack = kwargs["ack"]
            if ack.response is None:
                raise
            friendly_error(error, kwargs["body"], None, kwargs["respond"], kwargs["client"])
            return None

    names = list(dict.fromkeys([*wanted, *_GUARD_ARGS]))
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    # Bolt passes a listener the arguments its signature names: ask for ours beside the listener's own.
    guarded.__signature__ = inspect.Signature([inspect.Parameter(n, kind) for n in names])  # type: ignore[attr-defined]
    guarded.__name__ = getattr(listener, "__name__", "listener")
    guarded.__qualname__ = getattr(listener, "__qualname__", guarded.__name__)
    return guarded

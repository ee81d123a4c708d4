"""The Slack stand-in as the people in the demo see it: every conversation's messages as they look now,
the forms each person has open, and every call journalled at the simulated time it happened."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.clock import FixedClock
from bot.demo.journal import BotCall, Journal
from bot.demo.slack_standin import RESPONSE_URL_METHOD, Call, SlackStandIn


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

    def add_channel(
        self, channel_id: str, name: str, *, bot_is_member: bool = True, members: Iterable[str] = ()
    ) -> None:
        """A channel of the workspace and the people in it (who see what is posted there)."""
        super().add_channel(channel_id, name, bot_is_member=bot_is_member)
        with self._lock:
            self.members[channel_id] = frozenset(members)

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

"""The demo's transcript: Block Kit and Slack's mrkdwn rendered as readable lines of a chat log."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.journal import Action, BotCall, Chapter, Entry, Narration, ViewAnswer
from bot.demo.people import BOT_NAME, Colleague
from bot.demo.slack_standin import RESPONSE_URL_METHOD
from bot.i18n import format_date

INDENT = "    "
_TOKEN = re.compile(r"<([^<>]+)>")
_DATE_TOKENS = {
    "{date_num}": "%Y-%m-%d",
    "{date}": "%B %-d, %Y",
    "{date_short}": "%b %-d, %Y",
    "{date_long}": "%A, %B %-d, %Y",
    "{date_pretty}": "%B %-d, %Y",
    "{date_short_pretty}": "%b %-d",
    "{date_long_pretty}": "%A, %B %-d",
    "{time}": "%H:%M",
    "{time_secs}": "%H:%M:%S",
}


@dataclass
class TranscriptChapter:
    title: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Renderer:
    """Turns journal entries into chapters of text. `members` maps a conversation id to its people."""

    people: Mapping[str, Colleague]
    members: Mapping[str, frozenset[str]]
    order: Sequence[str] = ()
    channels: Mapping[str, str] = field(default_factory=dict)  # channel id -> name

    def name(self, user_id: str) -> str:
        if user_id == "UBOT":
            return BOT_NAME
        person = self.people.get(user_id)
        return person.name if person else user_id

    def tz_of(self, user_id: str | None) -> str:
        person = self.people.get(user_id or "")
        return person.tz if person else "UTC"

    def stamp(self, at: datetime, user_id: str | None) -> str:
        tz = self.tz_of(user_id)
        local = at.astimezone(ZoneInfo(tz))
        return f"[{local:%a} {local.day} {local:%b %H:%M} {tz}]"

    # ----- mrkdwn -------------------------------------------------------------------------------------

    def mrkdwn(self, text: str, reader: str | None = None) -> str:
        """Mentions as @Name, links as their label, dates in the reader's zone, entities unescaped."""

        def token(match: re.Match[str]) -> str:
            inner = match.group(1)
            head, _, label = inner.partition("|")
            if head.startswith("@"):
                return "@" + self.name(head[1:])
            if head.startswith("#"):
                return "#" + (label or self.channels.get(head[1:], head[1:]))
            if head.startswith("!subteam^"):
                return label or "@group"
            if head.startswith("!date^"):
                return self._date(head, label, reader)
            if head.startswith("!"):
                return "@" + head[1:]
            return f"{label} ({head})" if label else head

        return html.unescape(_TOKEN.sub(token, text))

    def _date(self, head: str, fallback: str, reader: str | None) -> str:
        parts = head.split("^")
        try:
            moment = datetime.fromtimestamp(int(parts[1]), UTC).astimezone(ZoneInfo(self.tz_of(reader)))
        except (IndexError, ValueError):
            return fallback
        text = parts[2] if len(parts) > 2 else "{date_short}"
        for token, fmt in _DATE_TOKENS.items():
            text = text.replace(token, moment.strftime(fmt))
        return fallback if "{" in text else text

    # ----- Block Kit ----------------------------------------------------------------------------------

    def text_of(self, obj: Any, reader: str | None) -> str:
        if not isinstance(obj, dict):
            return ""
        raw = str(obj.get("text", ""))
        return self.mrkdwn(raw, reader) if obj.get("type") == "mrkdwn" else html.unescape(raw)

    def element(self, element: Mapping[str, Any], reader: str | None) -> str:
        kind = element.get("type")
        if kind == "button":
            return f"[ {self.text_of(element.get('text'), reader)} ]"
        if kind == "image":
            return ""
        if kind in ("mrkdwn", "plain_text"):
            return self.text_of(element, reader)
        if kind == "datepicker":
            shown = element.get("initial_date") or self.text_of(element.get("placeholder"), reader)
            return f"[ {shown or 'pick a date'} ▾ ]"
        if kind == "overflow":
            return "[ … ]"
        placeholder = self.text_of(element.get("placeholder"), reader)
        return f"[ {placeholder or 'choose'} ▾ ]"

    def blocks(self, blocks: Sequence[Mapping[str, Any]], reader: str | None) -> list[str]:
        lines: list[str] = []
        for block in blocks:
            kind = block.get("type")
            if kind == "header":
                lines.append(f"** {self.text_of(block.get('text'), reader)} **")
            elif kind == "section":
                text = self.text_of(block.get("text"), reader)
                accessory = block.get("accessory")
                if isinstance(accessory, dict) and accessory.get("type") != "image":
                    text = f"{text}  {self.element(accessory, reader)}".strip()
                if text:
                    lines += text.splitlines()
                for item in block.get("fields") or []:
                    lines.append("  • " + " ".join(self.text_of(item, reader).splitlines()))
            elif kind == "context":
                parts = [self.element(e, reader) for e in block.get("elements") or []]
                lines += ("  (" + " · ".join(p for p in parts if p) + ")").splitlines()
            elif kind == "actions":
                lines.append(" ".join(self.element(e, reader) for e in block.get("elements") or []))
            elif kind == "divider":
                lines.append("  ---")
            elif kind == "image":
                lines.append(f"  [image: {block.get('alt_text', '')}]")
            elif kind == "input":
                label = self.text_of(block.get("label"), reader)
                lines.append(f"  ▸ {label}: {self._initial(block.get('element') or {})}")
            elif kind == "rich_text":
                lines.append(self._rich_text(block))
        return [line.rstrip() for line in lines]

    def _initial(self, element: Mapping[str, Any]) -> str:
        if element.get("initial_date"):  # a datepicker shows the day as people read dates
            return format_date(date.fromisoformat(element["initial_date"]), year=True)
        for key in ("initial_value", "initial_time"):
            if element.get(key):
                return str(element[key])
        if element.get("initial_option"):
            return self.text_of(element["initial_option"].get("text"), None)
        if element.get("initial_options"):
            return ", ".join(self.text_of(o.get("text"), None) for o in element["initial_options"])
        if element.get("initial_user"):
            return "@" + self.name(element["initial_user"])
        return "____"

    def _rich_text(self, node: Any) -> str:
        if isinstance(node, dict):
            if node.get("type") == "user":
                return "@" + self.name(str(node.get("user_id")))
            if isinstance(node.get("text"), str):
                return node["text"]
            return "".join(self._rich_text(child) for child in node.get("elements") or [])
        return ""

    def message(self, text: str, blocks: Sequence[Mapping[str, Any]] | None, reader: str | None) -> list[str]:
        lines = self.blocks(blocks, reader) if blocks else self.mrkdwn(text, reader).splitlines()
        return [INDENT + line if line else "" for line in lines]

    def modal(self, view: Mapping[str, Any], reader: str | None) -> list[str]:
        return self.message("", view.get("blocks") or [], reader)

    # ----- conversations ------------------------------------------------------------------------------

    def audience(self, channel: str) -> list[str]:
        if channel[:1] in "UW":
            return [channel]
        members = self.members.get(channel, frozenset())
        return sorted(members, key=lambda u: (self.order.index(u) if u in self.order else 99, u))

    def where(self, channel: str) -> tuple[str, str | None]:
        """How a conversation is named in the log, and whose clock its times are shown on."""
        people = self.audience(channel)
        if channel in self.channels:
            return f"#{self.channels[channel]}", people[0] if people else None
        if len(people) == 1:
            return f"DM to {self.name(people[0])}", people[0]
        if people:
            return "Group DM " + ", ".join(self.name(u) for u in people), people[0]
        return f"#{channel}", None

    # ----- the transcript -----------------------------------------------------------------------------

    def render(self, entries: Sequence[Entry]) -> list[TranscriptChapter]:
        chapters = [TranscriptChapter("Before the story")]
        skip = _placeholder_views(entries)
        last_action: Action | None = None
        for index, entry in enumerate(entries):
            out = chapters[-1].lines
            if isinstance(entry, Chapter):
                chapters.append(TranscriptChapter(entry.title))
                continue
            if isinstance(entry, Narration):
                out += [f"-- {entry.text}"] if out and out[-1].startswith("--") else ["", f"-- {entry.text}"]
            elif isinstance(entry, Action):
                last_action = entry
                out += self._action(entry)
            elif isinstance(entry, ViewAnswer):
                out.append(
                    f"{self.stamp(entry.at, entry.user_id)} {self.name(entry.user_id)}'s form now shows:"
                )
                out += self.modal(entry.view, entry.user_id)
            elif isinstance(entry, BotCall) and index not in skip:
                out += self._bot_call(entry, last_action)
        return [c for c in chapters if c.lines]

    def _action(self, action: Action) -> list[str]:
        who, stamp = self.name(action.user_id), self.stamp(action.at, action.user_id)
        if action.kind == "command":
            return ["", f"{stamp} {who} types {action.label}"]
        if action.kind == "click":
            return ["", f'{stamp} {who} clicks "{action.label}"']
        if action.kind == "home":
            return ["", f"{stamp} {who} opens mentor-bot's App Home"]
        lines = ["", f'{stamp} {who} fills in "{action.label}" and submits']
        return lines + [f"{INDENT}{question}: {answer}" for question, answer in action.details]

    def _bot_call(self, entry: BotCall, last_action: Action | None) -> list[str]:
        call, args = entry.call, entry.call.args
        method = call.method
        if method == "chat.postMessage" and entry.reply.get("ok"):
            where, reader = self.where(str(entry.reply.get("channel") or args.get("channel")))
            head = f"{self.stamp(entry.at, reader)} {where} (from {BOT_NAME}):"
            return [head, *self.message(args.get("text") or "", args.get("blocks"), reader)]
        if method == "chat.update" and entry.reply.get("ok"):
            where, reader = self.where(str(entry.reply.get("channel") or args.get("channel")))
            head = f"{self.stamp(entry.at, reader)} {BOT_NAME} updates its message ({where}):"
            return [head, *self.message(args.get("text") or "", args.get("blocks"), reader)]
        if method == "chat.postEphemeral" and entry.reply.get("ok"):
            user = str(args.get("user"))
            head = f"{self.stamp(entry.at, user)} Only {self.name(user)} sees (from {BOT_NAME}):"
            return [head, *self.message(args.get("text") or "", args.get("blocks"), user)]
        if method == RESPONSE_URL_METHOD and entry.audience and not args.get("delete_original"):
            user = entry.audience
            replaced = str(args.get("replace_original")).lower() == "true"
            what = "the message is replaced with" if replaced else "only they see"
            head = f"{self.stamp(entry.at, user)} {BOT_NAME} answers {self.name(user)} ({what}):"
            return [head, *self.message(args.get("text") or "", args.get("blocks"), user)]
        if (
            method in ("views.open", "views.push", "views.update")
            and entry.reply.get("ok")
            and entry.audience
        ):
            user, view = entry.audience, entry.reply["view"]
            title = (view.get("title") or {}).get("text", "")
            verb = "now shows" if method == "views.update" else "opens"
            head = f'{self.stamp(entry.at, user)} {self.name(user)}\'s form "{title}" {verb}:'
            return [head, *self.modal(view, user)]
        if method == "views.publish" and entry.reply.get("ok") and entry.audience:
            user = entry.audience
            if last_action is None or last_action.kind != "home" or last_action.user_id != user:
                return []  # the App Home refreshes quietly after many clicks; shown when someone opens it
            return [
                f"{self.stamp(entry.at, user)} {self.name(user)}'s App Home:",
                *self.modal(entry.reply["view"], user),
            ]
        if method == "files.completeUploadExternal" and entry.reply.get("ok"):
            channel = str(args.get("channel_id") or args.get("channels") or "")
            where, reader = self.where(channel)
            titles = ", ".join(str(f.get("title") or f.get("name")) for f in entry.reply.get("files") or [])
            return [f"{self.stamp(entry.at, reader)} {where} (from {BOT_NAME}): [file: {titles}]"]
        return []


def _placeholder_views(entries: Sequence[Entry]) -> set[int]:
    """A form opened with a placeholder and filled a moment later is shown once, filled."""
    skip: set[int] = set()
    pending: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if isinstance(entry, Action):
            pending.clear()
        elif isinstance(entry, BotCall) and entry.reply.get("ok") and "view" in entry.reply:
            view_id = entry.reply["view"].get("id")
            if entry.call.method == "views.update" and view_id in pending:
                skip.add(pending.pop(view_id))
            if entry.call.method in ("views.open", "views.update"):
                pending[view_id] = index
    return skip

"""The stand-in's workspace: who it is (team, bot, app), what it knows (users, conversations, views, files,
installs) and what it noticed (payloads Slack would have refused).

Not thread-safe on its own: the stand-in holds its lock around every use, so the Web API methods, which
all take a `SlackState`, read and change it one request at a time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.demo.slack_standin.blockkit import blocks_problems
from bot.demo.slack_standin.calls import Call, Reply, err

BASE_EPOCH = 1_700_000_000
DEFAULT_SCOPE = (
    "chat:write,commands,im:write,mpim:write,users:read,users:read.email,usergroups:read,files:write,"
    "im:history,channels:read,groups:read"
)


def stable_suffix(*parts: str) -> str:
    """A short id that is the same for the same parts, as Slack's DM and group DM ids are."""
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:10].upper()


@dataclass
class SlackState:
    team_id: str
    team_name: str
    bot_user_id: str
    bot_id: str
    app_id: str
    granted_scopes: str = DEFAULT_SCOPE  # what auth.test reports in X-OAuth-Scopes
    base_url: str = ""  # where the stand-in is served, for the upload URLs it hands out
    invalid: list[str] = field(default_factory=list)  # "method: problem" for every refused payload
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    conversations: dict[str, list[str]] = field(default_factory=dict)  # channel id -> members (no bot)
    # the workspace's channels conversations.info knows; #general is C1, where tests type commands
    channels: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {"C1": {"name": "general", "is_member": True}}
    )
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    external_views: dict[str, str] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    oauth_codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_teams: dict[str, dict[str, str]] = field(default_factory=dict)
    counter: int = 0

    def emptied(self) -> SlackState:
        """The same workspace identity, knowing and remembering nothing."""
        return SlackState(
            self.team_id,
            self.team_name,
            self.bot_user_id,
            self.bot_id,
            self.app_id,
            self.granted_scopes,
            self.base_url,
        )

    # ----- ids ----------------------------------------------------------------------------------------

    def next(self) -> int:
        self.counter += 1
        return self.counter

    def next_ts(self) -> str:
        micros = self.next() * 100
        return f"{BASE_EPOCH + micros // 1_000_000}.{micros % 1_000_000:06d}"

    # ----- refusals -----------------------------------------------------------------------------------

    def message_problems(self, args: dict[str, Any]) -> list[str]:
        return blocks_problems(args["blocks"]) if "blocks" in args else []

    def rejected_blocks(self, call: Call, problems: list[str]) -> Reply:
        self.invalid.extend(f"{call.method}: {problem}" for problem in problems)
        return err(
            "invalid_blocks",
            errors=problems,
            response_metadata={"messages": [f"[ERROR] {problem}" for problem in problems]},
        )

    def rejected_view(self, call: Call, problems: list[str]) -> Reply:
        self.invalid.extend(f"{call.method}: {problem}" for problem in problems)
        return err("invalid_arguments", response_metadata={"messages": [f"[ERROR] {p}" for p in problems]})

    # ----- the workspace a token belongs to -----------------------------------------------------------

    def team_for(self, token: str | None) -> dict[str, str]:
        return self.token_teams.get(token or "", {"id": self.team_id, "name": self.team_name})

    def domain(self, team_name: str) -> str:
        return "".join(ch for ch in team_name.lower() if ch.isalnum()) or "workspace"

    # ----- conversations ------------------------------------------------------------------------------

    def dm_for(self, user_id: str) -> str:
        channel_id = "D" + stable_suffix(self.bot_user_id, user_id)
        self.conversations.setdefault(channel_id, [user_id])
        return channel_id

    def resolve_channel(self, channel: Any) -> tuple[str | None, str | None]:
        """Slack accepts a user id as a channel and posts into the bot's DM with that user."""
        if not channel or not isinstance(channel, str):
            return None, "channel_not_found"
        if channel[0] in "UW":
            if channel not in self.users:
                return None, "channel_not_found"
            return self.dm_for(channel), None
        return channel, None

    def message(self, args: dict[str, Any], ts: str, team_id: str) -> dict[str, Any]:
        """The message object Slack returns for a post or an update."""
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


def _tz_details(tz: str) -> tuple[str, int]:
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        now = datetime.now(UTC)
    offset = now.utcoffset()
    return now.tzname() or tz, int(offset.total_seconds()) if offset else 0


def user_record(
    user_id: str,
    *,
    team_id: str,
    name: str | None,
    real_name: str | None,
    email: str | None,
    tz: str,
    tz_offset: int | None,
    is_bot: bool,
    deleted: bool,
    is_restricted: bool,
    is_ultra_restricted: bool,
    is_admin: bool,
    is_owner: bool,
    locale: str = "en-US",
) -> dict[str, Any]:
    """A user in the shape users.info returns (``locale`` is dropped unless the call asks for it)."""
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
        "team": team_id,
    }
    if email is not None:
        profile["email"] = email
    return {
        "id": user_id,
        "team_id": team_id,
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
        "updated": BASE_EPOCH,
        "is_email_confirmed": email is not None,
        "locale": locale,
    }

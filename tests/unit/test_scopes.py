"""The manifest asks for exactly the scopes the code needs: each Web API method the code calls and each
event it subscribes to, by Slack's documented scope, plus `commands`. A new call without its scope in the
manifest, or a scope nothing uses, fails here."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.config import DEFAULT_SCOPES

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())

# Slack's documented bot scope for each method (empty: the method needs none).
METHOD_SCOPES: dict[str, set[str]] = {
    "auth.test": set(),
    "chat.postMessage": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "chat.update": {"chat:write"},
    "conversations.open": {"im:write", "mpim:write"},  # one person, and group DMs of a pair
    "conversations.info": {"channels:read", "groups:read"},  # the channel a cohort is announced in
    "users.info": {"users:read"},
    "users.list": {"users:read"},
    "users.lookupByEmail": {"users:read.email"},
    "usergroups.users.list": {"usergroups:read"},
    "files.uploadV2": {"files:write"},  # files.getUploadURLExternal + files.completeUploadExternal
    "views.open": set(),
    "views.publish": set(),
    "views.update": set(),
    "views.push": set(),
}
EVENT_SCOPES: dict[str, set[str]] = {
    "app_home_opened": set(),
    "message.im": {"im:history"},
    "user_change": {"users:read"},
    "team_join": {"users:read"},
    "tokens_revoked": set(),
    "app_uninstalled": set(),
}
# Method families; `team` methods are named one by one, since `team_` would match `.team_id`.
FAMILIES = "auth|chat|conversations|users|usergroups|views|files|reactions|pins|reminders|bookmarks|dnd"
TEAM_METHODS = "team_info|team_profile_get|team_accessLogs|team_billableInfo"
# A call, or a method handed to a caller that retries it (`call_patiently(client.users_lookupByEmail, ...)`).
CALL = re.compile(rf"\.((?:{FAMILIES})_[A-Za-z0-9_]+|{TEAM_METHODS})\s*[(,]")


def _sources() -> list[Path]:
    paths = [*(ROOT / "handlers").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]
    return [p for p in paths if "bot/demo" not in p.as_posix()]  # the demo drives the stand-in, not Slack


def methods_called() -> set[str]:
    found: set[str] = set()
    for path in _sources():
        for name in CALL.findall(path.read_text()):
            found.add("files.uploadV2" if name == "files_upload_v2" else name.replace("_", "."))
    return found


def events_handled() -> set[str]:
    found: set[str] = set()
    for path in _sources():
        found |= set(re.findall(r"""\.event\(\s*["']([a-z_]+)["']""", path.read_text()))
    return found


def test_every_method_the_code_calls_has_a_known_scope():
    called = methods_called()
    assert {"chat.postMessage", "users.lookupByEmail", "files.uploadV2"} <= called  # the scan sees calls
    unknown = sorted(called - set(METHOD_SCOPES))
    assert unknown == [], f"add these methods and their scopes to METHOD_SCOPES: {unknown}"


def test_the_manifest_asks_for_exactly_what_the_code_needs():
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    needed = {"commands"}
    for method in methods_called():
        needed |= METHOD_SCOPES[method]
    for event in events:
        needed |= EVENT_SCOPES[event]
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(needed)
    assert sorted(DEFAULT_SCOPES) == sorted(needed)
    assert not {"team:read", "reactions:write"} & needed


def test_every_subscribed_event_is_handled():
    handled = events_handled()
    for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        assert event.split(".")[0] in handled, f"{event} is subscribed but no listener handles it"

"""Validate manifest.yml against Slack's published app-manifest JSON schema.

The schema is vendored in tests/data/slack/ (MIT, see LICENSE.manifest-schema there) so
this test needs no network. The schema file is picked by the manifest's own
``_metadata.major_version`` (1 = classic app manifest, which is what mentor-bot uses).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST_PATH = REPO_ROOT / "manifest.yml"
SCHEMA_DIR = REPO_ROOT / "tests" / "data" / "slack"

# Scopes the bot's code actually relies on (chat.postMessage, conversations.open for IMs
# and group DMs, users.info / users.lookupByEmail, usergroups.list, files.uploadV2, and the
# /mentor command itself).
REQUIRED_BOT_SCOPES = {
    "commands",
    "chat:write",
    "im:write",
    "mpim:write",
    "users:read",
    "users:read.email",
    "usergroups:read",
    "files:write",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    with MANIFEST_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), "manifest.yml must be a YAML mapping"
    return data


@pytest.fixture(scope="module")
def schema(manifest: dict[str, Any]) -> dict[str, Any]:
    major = manifest.get("_metadata", {}).get("major_version", 1)
    path = SCHEMA_DIR / f"manifest.schema.{major}.0.0.json"
    assert path.is_file(), f"no vendored schema for manifest major_version {major}: {path}"
    assert (SCHEMA_DIR / "LICENSE.manifest-schema").is_file(), "schema licence must ship beside it"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]):
    # Draft chosen from the schema's own "$schema" (draft-07 for Slack's schema). The
    # schema's "$ref"s are local ("#/definitions/..."), which the validator resolves
    # against the root schema itself.
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _errors(validator, instance: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path)))
    ]


def test_schema_draft_is_the_declared_one(schema, validator):
    assert schema["$schema"].startswith("http://json-schema.org/draft-07/")
    assert isinstance(validator, jsonschema.Draft7Validator)


def test_manifest_is_valid_against_slack_schema(manifest, validator):
    assert _errors(validator, manifest) == []


def test_manifest_fields_the_schema_does_not_enforce(manifest):
    info = manifest["display_information"]
    # Slack's schema uses a non-standard "regex" keyword here, which JSON Schema ignores.
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])
    # Slack rejects a long_description under 175 characters (schema minLength: 175).
    assert 175 <= len(info["long_description"]) <= 4000


def test_mentor_slash_command_declared(manifest):
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert "/mentor" in commands
    copilot = commands["/mentor"]
    # Escaped mentions (<@U123|name>) name people unambiguously in `/mentor request @sam`.
    assert copilot["should_escape"] is True
    for sub in ("request", "volunteer", "status", "intro", "end", "help"):
        assert sub in copilot["usage_hint"]


def test_intro_message_shortcut_declared(manifest):
    shortcuts = {s["callback_id"]: s for s in manifest["features"]["shortcuts"]}
    assert shortcuts["intro_from_message"]["type"] == "message"


def test_app_home_enabled(manifest):
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False


def test_required_events_subscribed(manifest):
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_home_opened", "user_change"} <= events


def test_interactivity_enabled(manifest):
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_bot_scopes_cover_what_the_bot_calls(manifest):
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    missing = REQUIRED_BOT_SCOPES - scopes
    assert not missing, f"bot scopes missing: {sorted(missing)}"


def _without_name(m: dict[str, Any]) -> None:
    del m["display_information"]["name"]


def _bad_command_url(m: dict[str, Any]) -> None:
    m["features"]["slash_commands"][0]["url"] = "mentor-bot.example.com/slack/events"


def _unknown_top_level_key(m: dict[str, Any]) -> None:
    m["not_a_manifest_section"] = True


def _short_long_description(m: dict[str, Any]) -> None:
    m["display_information"]["long_description"] = "too short"


@pytest.mark.parametrize(
    ("mutate", "expected_path"),
    [
        (_without_name, "display_information"),
        (_bad_command_url, "features/slash_commands/0/url"),
        (_unknown_top_level_key, "<root>"),
        (_short_long_description, "display_information/long_description"),
    ],
    ids=["missing-name", "bad-command-url", "unknown-key", "short-long-description"],
)
def test_validator_rejects_broken_manifest(manifest, validator, mutate, expected_path):
    broken = copy.deepcopy(manifest)
    mutate(broken)
    errors = _errors(validator, broken)
    assert errors, "validator accepted a broken manifest"
    assert any(e.startswith(f"{expected_path}: ") for e in errors), errors

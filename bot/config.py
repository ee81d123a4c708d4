"""One Settings object, read from the environment and an optional .env file.

Errors name the variable, the mode that needs it, and the fix. Tokens are never printed.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from dotenv import dotenv_values

from bot.sealed_tokens import KeyProblem, parse_keys
from storage.urls import DEFAULT_DATABASE_URL, UnsupportedDatabaseURL, database_url

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "mpim:write",
    "users:read",
    "users:read.email",
    "usergroups:read",
    "channels:read",
    "groups:read",
    "files:write",
    "im:history",
)

MODES_HELP = (
    "mentor-bot runs in one of three modes:\n"
    "  1. Socket Mode (no public URL): SLACK_APP_TOKEN (xapp-...) and SLACK_BOT_TOKEN (xoxb-...)\n"
    "  2. HTTP, one workspace: SLACK_BOT_TOKEN (xoxb-...) and SLACK_SIGNING_SECRET\n"
    "  3. HTTP, many workspaces (OAuth): SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET\n"
    "Set them in the environment or in a .env file (copy .env.example)."
)


class ConfigError(Exception):
    """A setting is missing or contradictory. The message is meant for the person starting the bot."""


class Mode(StrEnum):
    SOCKET = "socket"
    HTTP = "http"
    OAUTH = "oauth"

    @property
    def title(self) -> str:
        return {
            Mode.SOCKET: "Socket Mode",
            Mode.HTTP: "HTTP, one workspace",
            Mode.OAUTH: "HTTP, many workspaces (OAuth)",
        }[self]


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)
    slack_scopes: tuple[str, ...] = DEFAULT_SCOPES
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    log_level: str = "INFO"
    log_format: str = "text"
    admin_user_ids: tuple[str, ...] = ()
    # Fernet keys for OAuth tokens at rest, newest first (bot/sealed_tokens.py). Never printed.
    token_encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    # keys the hash a forgotten person's tombstone keeps (bot.people.tombstones); else the signing secret
    tombstone_key: str | None = field(default=None, repr=False)

    @property
    def mode(self) -> Mode:
        return resolve_mode(self)

    def lists_admin(self, team_id: str, user_id: str) -> bool:
        """Is this person a program admin by ADMIN_USER_IDS (`U…` anywhere, `T…:U…` in that workspace)?"""
        return user_id in self.admin_user_ids or f"{team_id}:{user_id}" in self.admin_user_ids

    def admins_of(self, team_id: str) -> list[str]:
        """The user ids ADMIN_USER_IDS names for this workspace."""
        found = []
        for entry in self.admin_user_ids:
            team, _, user = entry.rpartition(":")
            if team in ("", team_id):
                found.append(user)
        return found


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def load_settings(environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env") -> Settings:
    """Read settings; the real environment wins over .env. Raises ConfigError on malformed values."""
    values: dict[str, str | None] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update(dotenv_values(env_file))
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        return _clean(values.get(name))

    port_text = get("PORT") or "3000"
    try:
        port = int(port_text)
    except ValueError:
        raise ConfigError(f"PORT must be a number between 1 and 65535, not {port_text!r}.") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"PORT must be a number between 1 and 65535, not {port}.")

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in logging.getLevelNamesMapping():
        raise ConfigError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, not {log_level!r}.")
    log_format = (get("LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        raise ConfigError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}.")

    try:
        db_url = database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL).render_as_string(
            hide_password=False
        )
    except UnsupportedDatabaseURL as exc:
        raise ConfigError(str(exc)) from None

    api_url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"SLACK_API_URL must start with http:// or https://, not {api_url!r}.")
    if not api_url.endswith("/"):
        api_url += "/"

    scopes_text = get("SLACK_SCOPES")
    scopes = tuple(s.strip() for s in scopes_text.split(",") if s.strip()) if scopes_text else DEFAULT_SCOPES
    admins_text = get("ADMIN_USER_IDS") or ""
    admins = tuple(a.strip() for a in admins_text.split(",") if a.strip())
    for entry in admins:
        if not re.fullmatch(r"(?:[TE][A-Z0-9]+:)?[UW][A-Z0-9]+", entry):
            raise ConfigError(
                f"ADMIN_USER_IDS entries are Slack user ids (U…), or workspace:user (T…:U…) to make someone a "
                f"program admin in one workspace only; {entry!r} is neither."
            )

    try:
        token_keys = parse_keys(get("TOKEN_ENCRYPTION_KEYS"))
    except KeyProblem as exc:
        raise ConfigError(str(exc)) from None

    return Settings(
        slack_bot_token=get("SLACK_BOT_TOKEN"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        tombstone_key=get("TOMBSTONE_KEY"),
        slack_app_token=get("SLACK_APP_TOKEN"),
        slack_client_id=get("SLACK_CLIENT_ID"),
        slack_client_secret=get("SLACK_CLIENT_SECRET"),
        slack_scopes=scopes,
        slack_api_url=api_url,
        database_url=db_url,
        port=port,
        log_level=log_level,
        log_format=log_format,
        admin_user_ids=admins,
        token_encryption_keys=token_keys,
    )


def _fail(problem: str) -> ConfigError:
    return ConfigError(f"mentor-bot cannot start: {problem}\n\n{MODES_HELP}")


def resolve_mode(s: Settings) -> Mode:
    """Decide which of the three modes the settings ask for, or say exactly what is missing."""
    oauth_vars = [
        n
        for n, v in (("SLACK_CLIENT_ID", s.slack_client_id), ("SLACK_CLIENT_SECRET", s.slack_client_secret))
        if v
    ]
    if s.slack_app_token:
        if oauth_vars:
            raise _fail(
                f"SLACK_APP_TOKEN (Socket Mode) and {' and '.join(oauth_vars)} (OAuth, many workspaces) are both "
                "set. Socket Mode serves one workspace: remove the OAuth variables, or remove SLACK_APP_TOKEN."
            )
        if not s.slack_app_token.startswith("xapp-"):
            raise _fail("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Socket Mode).")
        if not s.slack_bot_token:
            raise _fail("SLACK_BOT_TOKEN is missing. Socket Mode needs it beside SLACK_APP_TOKEN.")
        _check_bot_token(s.slack_bot_token, "Socket Mode")
        return Mode.SOCKET
    if oauth_vars:
        if s.slack_bot_token:
            raise _fail(
                "SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are both set. One workspace uses "
                "SLACK_BOT_TOKEN; many workspaces (OAuth) get their tokens by installation. Remove one of them."
            )
        missing = [n for n in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET") if n not in oauth_vars]
        if not s.slack_signing_secret:
            missing.append("SLACK_SIGNING_SECRET")
        if missing:
            raise _fail(f"{' and '.join(missing)} missing. HTTP mode with OAuth (many workspaces) needs it.")
        if not s.token_encryption_keys:
            raise _fail(
                "TOKEN_ENCRYPTION_KEYS is missing. HTTP mode with OAuth (many workspaces) stores each "
                "workspace's tokens in the database, sealed with this key: set it to the output of "
                "`mentor-bot new-token-key` and keep it as safe as SLACK_CLIENT_SECRET."
            )
        return Mode.OAUTH
    if s.slack_bot_token or s.slack_signing_secret:
        if not s.slack_bot_token:
            raise _fail(
                "SLACK_BOT_TOKEN is missing. HTTP mode (one workspace) needs it beside SLACK_SIGNING_SECRET."
            )
        _check_bot_token(s.slack_bot_token, "HTTP mode")
        if not s.slack_signing_secret:
            raise _fail(
                "SLACK_SIGNING_SECRET is missing. HTTP mode (one workspace) needs it to verify that requests "
                "come from Slack (Basic Information > App Credentials). For Socket Mode, set SLACK_APP_TOKEN instead."
            )
        return Mode.HTTP
    raise _fail("no Slack credentials are set.")


def _check_bot_token(token: str, mode: str) -> None:
    if not token.startswith("xoxb-"):
        raise _fail(f"SLACK_BOT_TOKEN must be a bot token starting with xoxb- ({mode}).")

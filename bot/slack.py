"""Slack Web API clients: every one points at SLACK_API_URL, and each workspace gets its own bot token."""

from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from slack_sdk.oauth.installation_store import InstallationStore

from bot.config import Settings


class NotInstalledError(Exception):
    """No bot token is known for this workspace (OAuth mode, app not installed or uninstalled)."""


@dataclass
class SlackClients:
    settings: Settings
    installation_store: InstallationStore | None = None
    timeout: int = 10
    _cache: dict[str, WebClient] = field(default_factory=dict, repr=False)
    _lock: Lock = field(default_factory=Lock, repr=False)

    def new_client(self, token: str | None = None) -> WebClient:
        # Only connection errors are retried here: 429s are paced by the outbox dispatcher, which
        # must keep other rows flowing instead of sleeping inside one call.
        return WebClient(
            token=token,
            base_url=self.settings.slack_api_url,
            timeout=self.timeout,
            retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
        )

    def for_team(self, team_id: str) -> WebClient:
        token = self.bot_token(team_id)
        with self._lock:
            client = self._cache.get(team_id)
            if client is None or client.token != token:
                client = self.new_client(token)
                self._cache[team_id] = client
            return client

    def bot_token(self, team_id: str) -> str:
        if self.installation_store is None:
            if not self.settings.slack_bot_token:
                raise NotInstalledError("SLACK_BOT_TOKEN is not set")
            return self.settings.slack_bot_token
        bot = self.installation_store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalledError(f"mentor-bot is not installed in workspace {team_id}")
        return bot.bot_token

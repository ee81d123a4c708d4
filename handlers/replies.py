"""Private notes to one person, for every surface: where they typed the command, else a DM."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


def tell(client: WebClient, channel_id: str | None, user_id: str, text: str) -> None:
    """An ephemeral note in the channel the person typed the command in, or a DM when the bot can't
    post there (or there is no channel: a form opened from App Home)."""
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
            return
        except SlackApiError as exc:
            log.info("postEphemeral refused (%s); sending a DM instead", exc.response.get("error"))
    client.chat_postMessage(channel=user_id, text=text)

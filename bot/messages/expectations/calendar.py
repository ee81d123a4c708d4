"""The agreed meetings for the pair's calendars: the one line posted with the .ics file, and what the event
itself says. The event names the pairing and links back to Slack, nothing more: goals, notes and answers
stay in Slack, between the two of them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from bot.i18n import _
from bot.messages.message import Message
from bot.messages.text import section

ICS_FILENAME = "copilot-meetings.ics"


def calendar_message() -> Message:
    """Posted in the group DM just before the file (which the dispatcher attaches to it)."""
    line = _("Add this to your calendar")
    return Message(line, [section(f":calendar: {line}")])


def event_title(mentee: str, copilot: str) -> str:
    return _("Copilot pairing: {mentee} & {copilot}", mentee=mentee, copilot=copilot)


def slack_link(team_id: str, channel_id: str | None) -> str:
    """Back to the pair's conversation in Slack (https, so calendar apps make it clickable), or to the
    workspace while the group DM's id is not known yet."""
    if channel_id:
        return "https://slack.com/app_redirect?" + urlencode({"channel": channel_id, "team": team_id})
    return "slack://open?" + urlencode({"team": team_id})


def event_description(link: str) -> str:
    return _(
        "Your copilot meetings, as you agreed them in mentor-bot. Your agreement and check-ins are in Slack: "
        "{link}",
        link=link,
    )

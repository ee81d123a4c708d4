"""A local stand-in for Slack's Web API, served over real HTTP on a loopback port.

``slack_sdk.WebClient(base_url=standin.api_url)`` (and Bolt apps built on such a client) talk to it
unchanged. It records every request, validates every Block Kit payload the way Slack would reject it,
answers with Slack's response shapes, and can inject faults (errors, rate limits, 5xx, slowness).
Used by the test suite, the benchmarks and the offline demo; nothing here talks to slack.com.

Import from here, not from the modules inside:
- `SlackStandIn` (standin.py): start/stop, set up users and faults, inspect the recorded `Call`s;
- `blocks_problems`, `view_problems`, `block_texts` (blockkit.py): Block Kit checked against Slack's
  limits, and the texts a person reads in it;
- the Web API methods by concern (users.py, messages.py, views.py, files.py) over the workspace's state
  (state.py), faults (faults.py) and the HTTP server (server.py).

May import slack_sdk and the standard library, nothing else of mentor-bot.
"""

from bot.demo.slack_standin.blockkit import block_texts, blocks_problems, view_problems
from bot.demo.slack_standin.calls import RESPONSE_URL_METHOD, UPLOAD_METHOD, Call
from bot.demo.slack_standin.standin import SlackStandIn

__all__ = [
    "RESPONSE_URL_METHOD",
    "UPLOAD_METHOD",
    "Call",
    "SlackStandIn",
    "block_texts",
    "blocks_problems",
    "view_problems",
]

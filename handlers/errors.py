"""What a person sees when a listener fails: a kind sentence, never a stack trace, and nothing lost.

Registered as Bolt's global error handler. If the listener failed before it acked, the answer goes in
the HTTP response itself (an ephemeral line for a command, a small modal pushed over a form so the
person's typing stays underneath); otherwise through response_url, or a DM.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt import BoltResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.i18n import N_, _
from bot.messages.text import plain, section

log = logging.getLogger(__name__)

DB_DOWN_TEXT = N_(
    "mentor-bot can't reach its database right now. Nothing was lost: please try again in a moment."
)


def _is_database_down(error: Exception) -> bool:
    return isinstance(error, OperationalError | PoolTimeout) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def friendly_error(
    error: Exception,
    body: dict[str, Any],
    response: BoltResponse | None = None,
    respond: Any = None,
    client: Any = None,
) -> BoltResponse | None:
    reference = uuid.uuid4().hex[:8]
    # The type and the reference only: the payload may hold private mentoring text or tokens.
    log.error("handler failed (ref %s): %s", reference, type(error).__name__, exc_info=error)
    text = (
        _(DB_DOWN_TEXT)
        if _is_database_down(error)
        else _("Something went wrong on our side (ref {reference}). Please try again.", reference=reference)
    )
    not_acked = response is not None
    if not_acked and (body.get("type") == "view_submission" or body.get("command")):
        return _ack_answer(body, text)  # answered in the HTTP response itself
    try:
        if respond is not None and body.get("response_url"):
            respond(text=text, response_type="ephemeral", replace_original=False)
        elif client is not None and (user := (body.get("user") or {}).get("id")):
            client.chat_postMessage(channel=user, text=text)
    except Exception:
        log.warning("could not tell the user about error %s", reference)
    # A click that failed before its ack still gets one, so Slack shows no error of its own.
    return BoltResponse(status=200, body="") if not_acked else None


def _ack_answer(body: dict[str, Any], text: str) -> BoltResponse:
    if body.get("type") == "view_submission":
        # Push a note over the form: closing it returns to the form with everything still typed in.
        view = {
            "type": "modal",
            "title": plain(_("Not saved yet"), 24),
            "close": plain(_("Back to the form"), 24),
            "blocks": [section(text)],
        }
        payload: dict[str, Any] = {"response_action": "push", "view": view}
    else:
        payload = {"response_type": "ephemeral", "text": text}
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})

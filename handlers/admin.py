"""`/mentor admin topics` and `/mentor admin person @someone`: the topics and org chart forms.

The router lets only program admins (ADMIN_USER_IDS, or workspace admins when the program allows it)
run the commands; the forms check again when they are saved, since a submission can be forged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.i18n import N_, _
from bot.messages.admin import (
    PERSON_CALLBACK,
    TOPICS_CALLBACK,
    not_admin_text,
    person_details_from,
    person_modal,
    person_not_saved_text,
    person_saved_text,
    person_usage_text,
    topic_lines,
    topics_modal,
    topics_saved_text,
)
from bot.oversight.roles import is_admin
from bot.people.directory import UnknownSlackUser, resolve_user
from bot.people.org_chart import OrgDetailsRefused, check_org_details_for, org_details_for, update_org_details
from bot.people.topics import replace_topics, topics_of
from bot.rules.topics import check_topic_fields
from bot.runtime import Runtime
from handlers.registry import MentorApp
from handlers.replies import tell
from handlers.router import CommandCall

log = logging.getLogger(__name__)

EDIT_TOPICS = N_("edit the mentoring topics")
EDIT_ORG_CHART = N_("edit the org chart")


def register(app: MentorApp) -> None:
    app.router.add("topics", "admin topics", EDIT_TOPICS, open_topics, admin=True)
    app.router.add("person", "admin person @someone", EDIT_ORG_CHART, open_person, admin=True)
    app.view(TOPICS_CALLBACK)(save_topics)
    app.view(PERSON_CALLBACK)(save_person)


def open_topics(call: CommandCall) -> None:
    topics = topics_of(call.runtime, call.team_id)
    call.client.views_open(trigger_id=call.trigger_id, view=topics_modal(topics, call.channel_id))


def open_person(call: CommandCall) -> None:
    user_id = resolve_user(call.runtime, call.team_id, call.args) if call.args.strip() else None
    if user_id is None:
        call.respond(text=person_usage_text(), response_type="ephemeral")
        return
    details = org_details_for(call.runtime, call.team_id, user_id)
    call.client.views_open(trigger_id=call.trigger_id, view=person_modal(user_id, details, call.channel_id))


def save_topics(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    fields = topic_lines(body["view"]["state"]["values"])
    if not fields:
        ack()
        return
    if not is_admin(runtime, client, team_id, user_id):
        ack(response_action="errors", errors={fields[0][0]: not_admin_text(EDIT_TOPICS)})
        return
    kept, problems = check_topic_fields([lines for _, lines in fields])
    if problems:
        ack(response_action="errors", errors={fields[i][0]: message for i, message in problems.items()})
        return
    ack()
    errors = replace_topics(runtime, team_id, kept)
    if errors:  # only if the rules changed between the check and the save
        log.error("topics refused after validation: %d problem(s)", len(errors))
        return
    channel_id = json.loads(body["view"].get("private_metadata") or "{}").get("channel")
    tell(client, channel_id, user_id, topics_saved_text(kept))


def save_person(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    team_id, admin_id = body["team"]["id"], body["user"]["id"]
    metadata = json.loads(body["view"].get("private_metadata") or "{}")
    user_id = metadata.get("user")
    if not user_id:
        ack()
        return
    if not is_admin(runtime, client, team_id, admin_id):
        ack(response_action="errors", errors={"manager": not_admin_text(EDIT_ORG_CHART)})
        return
    details, errors = person_details_from(body["view"]["state"]["values"])
    if not errors:
        errors = check_org_details_for(runtime, team_id, user_id, details)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    channel_id = metadata.get("channel")
    try:
        changes = update_org_details(runtime, client, team_id, user_id, details)
    except OrgDetailsRefused as exc:  # someone else changed the chart in between
        tell(client, channel_id, admin_id, person_not_saved_text(list(exc.errors.values())))
        return
    except UnknownSlackUser:
        tell(client, channel_id, admin_id, person_not_saved_text([_("Slack doesn't know that person.")]))
        return
    tell(client, channel_id, admin_id, person_saved_text(user_id, changes))

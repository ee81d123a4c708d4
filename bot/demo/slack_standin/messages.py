"""Web API methods about conversations and messages: conversations.open/members, chat.*, reactions.add,
and posts to a response_url.

Each takes the stand-in's state (its lock held) and the call, and returns Slack's answer. Block Kit is
checked first, as Slack does: a refused payload is answered invalid_blocks and remembered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.demo.slack_standin.calls import Call, Reply, as_int, err, ok
from bot.demo.slack_standin.state import SlackState, stable_suffix

_MAX_GROUP_DM_USERS = 8


def _has_content(args: dict[str, Any]) -> bool:
    return any(args.get(key) for key in ("text", "blocks", "attachments"))


def _checked(state: SlackState, call: Call) -> tuple[str | None, Reply | None]:
    """Slack's first checks on a message, blocks then channel: (the channel to post in, None) or a refusal."""
    problems = state.message_problems(call.args)
    if problems:
        return None, state.rejected_blocks(call, problems)
    channel, error = state.resolve_channel(call.args.get("channel"))
    if error:
        return None, err(error)
    return channel, None


def conversations_open(state: SlackState, call: Call) -> Reply:
    if call.args.get("channel"):
        channel = call.args["channel"]
        if channel not in state.conversations:
            return err("channel_not_found")
        return ok(channel={"id": channel}, no_op=True, already_open=True)
    user_ids = [u.strip() for u in str(call.args.get("users") or "").split(",") if u.strip()]
    user_ids = sorted(set(user_ids) - {state.bot_user_id})
    if not user_ids:
        return err("users_list_not_supplied")
    if len(user_ids) > _MAX_GROUP_DM_USERS:
        return err("too_many_users")
    for user_id in user_ids:
        user = state.users.get(user_id)
        if user is None:
            return err("user_not_found")
        if user["deleted"]:
            return err("user_disabled")
    if len(user_ids) == 1:
        channel_id = "D" + stable_suffix(state.bot_user_id, user_ids[0])
    else:
        channel_id = "G" + stable_suffix(state.bot_user_id, *user_ids)
    already_open = channel_id in state.conversations
    state.conversations[channel_id] = user_ids
    extra = {"no_op": True, "already_open": True} if already_open else {}
    return ok(channel={"id": channel_id}, **extra)


def conversations_members(state: SlackState, call: Call) -> Reply:
    members = state.conversations.get(call.args.get("channel") or "")
    if members is None:
        return err("channel_not_found")
    return ok(members=[*members, state.bot_user_id], response_metadata={"next_cursor": ""})


def conversations_info(state: SlackState, call: Call) -> Reply:
    """A channel the workspace has (add_channel), or a DM / group DM the bot is in; else channel_not_found."""
    channel = call.args.get("channel") or ""
    if channel in state.channels:
        return ok(channel={"id": channel, **state.channels[channel], "is_channel": True, "is_im": False})
    members = state.conversations.get(channel)
    if members is None:
        return err("channel_not_found")
    is_im = channel.startswith("D")
    return ok(channel={"id": channel, "is_channel": False, "is_im": is_im, "is_mpim": not is_im})


def chat_post_message(state: SlackState, call: Call) -> Reply:
    channel, refusal = _checked(state, call)
    if refusal:
        return refusal
    if not _has_content(call.args):
        return err("no_text")
    ts = state.next_ts()
    message = state.message(call.args, ts, state.team_for(call.token)["id"])
    return ok(channel=channel, ts=ts, message=message)


def chat_post_ephemeral(state: SlackState, call: Call) -> Reply:
    _, refusal = _checked(state, call)
    if refusal:
        return refusal
    if call.args.get("user") not in state.users:
        return err("user_not_found")
    if not _has_content(call.args):
        return err("no_text")
    return ok(message_ts=state.next_ts())


def chat_update(state: SlackState, call: Call) -> Reply:
    channel, refusal = _checked(state, call)
    if refusal:
        return refusal
    ts = call.args.get("ts")
    if not ts:
        return err("message_not_found")
    if not _has_content(call.args):
        return err("no_text")
    message = state.message(call.args, ts, state.team_for(call.token)["id"])
    return ok(channel=channel, ts=ts, text=call.args.get("text") or "", message=message)


def chat_delete(state: SlackState, call: Call) -> Reply:
    channel, error = state.resolve_channel(call.args.get("channel"))
    if error:
        return err(error)
    if not call.args.get("ts"):
        return err("message_not_found")
    return ok(channel=channel, ts=call.args["ts"])


def chat_schedule_message(state: SlackState, call: Call) -> Reply:
    channel, refusal = _checked(state, call)
    if refusal:
        return refusal
    post_at = as_int(call.args.get("post_at"), 0)
    if not post_at:
        return err("invalid_time")
    if not _has_content(call.args):
        return err("no_text")
    scheduled_id = f"Q{state.next():010d}"
    message = state.message(call.args, state.next_ts(), state.team_for(call.token)["id"])
    return ok(channel=channel, scheduled_message_id=scheduled_id, post_at=post_at, message=message)


def chat_get_permalink(state: SlackState, call: Call) -> Reply:
    channel, ts = call.args.get("channel"), call.args.get("message_ts")
    if not channel or not ts:
        return err("message_not_found")
    domain = state.domain(state.team_for(call.token)["name"])
    permalink = f"https://{domain}.slack.com/archives/{channel}/p{str(ts).replace('.', '')}"
    return ok(channel=channel, permalink=permalink)


def reactions_add(_state: SlackState, call: Call) -> Reply:
    if not call.args.get("channel") or not call.args.get("timestamp"):
        return err("no_item_specified")
    if not call.args.get("name"):
        return err("invalid_name")
    return ok()


def respond(state: SlackState, call: Call) -> Reply:
    """A post to a response_url: Slack answers in plain text, 400 for a refused payload."""
    problems = state.message_problems(call.args)
    if problems:
        state.invalid.extend(f"{call.method}: {problem}" for problem in problems)
        return Reply(400, "invalid_blocks")
    if not _has_content(call.args) and not call.args.get("delete_original"):
        return Reply(400, "no_text")
    return Reply(200, "ok")


METHODS: dict[str, Callable[[SlackState, Call], Reply]] = {
    "conversations.open": conversations_open,
    "conversations.members": conversations_members,
    "conversations.info": conversations_info,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.scheduleMessage": chat_schedule_message,
    "chat.getPermalink": chat_get_permalink,
    "reactions.add": reactions_add,
}

"""Web API methods about who is who: auth.test, team.info, users.*, usergroups.users.list, oauth.v2.access.

Each takes the stand-in's state (its lock held) and the call, and returns Slack's answer.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from bot.demo.slack_standin.calls import Call, Reply, as_int, err, ok
from bot.demo.slack_standin.state import BASE_EPOCH, SlackState


def auth_test(state: SlackState, call: Call) -> Reply:
    team = state.team_for(call.token)
    reply = ok(
        url=f"https://{state.domain(team['name'])}.slack.com/",
        team=team["name"],
        user="bot",
        team_id=team["id"],
        user_id=state.bot_user_id,
        bot_id=state.bot_id,
        is_enterprise_install=False,
    )
    # Slack tells every caller which scopes its token was granted.
    reply.headers["X-OAuth-Scopes"] = state.granted_scopes
    return reply


def team_info(state: SlackState, call: Call) -> Reply:
    team = state.team_for(call.token)
    domain = state.domain(team["name"])
    return ok(team={"id": team["id"], "name": team["name"], "domain": domain, "email_domain": ""})


def _as_asked(user: dict[str, Any], call: Call) -> dict[str, Any]:
    """Slack sends a user's locale only to a call with include_locale=true."""
    if str(call.args.get("include_locale", "")).lower() in ("true", "1"):
        return user
    return {key: value for key, value in user.items() if key != "locale"}


def users_info(state: SlackState, call: Call) -> Reply:
    user = state.users.get(call.args.get("user") or "")
    return ok(user=_as_asked(user, call)) if user else err("user_not_found")


def users_list(state: SlackState, call: Call) -> Reply:
    limit = as_int(call.args.get("limit"), 200)
    if limit is None or limit < 0:
        return err("invalid_limit")
    limit = limit or 200
    cursor = call.args.get("cursor") or ""
    start = 0
    if cursor:
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("user:"))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return err("invalid_cursor")
    users = list(state.users.values())
    page = [_as_asked(user, call) for user in users[start : start + limit]]
    end = start + len(page)
    next_cursor = base64.b64encode(f"user:{end}".encode()).decode() if end < len(users) else ""
    return ok(members=page, cache_ts=BASE_EPOCH, response_metadata={"next_cursor": next_cursor})


def users_lookup_by_email(state: SlackState, call: Call) -> Reply:
    wanted = str(call.args.get("email") or "").lower()
    for user in state.users.values():
        if wanted and str(user["profile"].get("email", "")).lower() == wanted:
            return ok(user=user)
    return err("users_not_found")


def usergroups_users_list(state: SlackState, call: Call) -> Reply:
    members = state.usergroups.get(call.args.get("usergroup") or "")
    return ok(users=list(members)) if members is not None else err("no_such_subteam")


def oauth_v2_access(state: SlackState, call: Call) -> Reply:
    if not call.args.get("client_id"):
        return err("invalid_client_id")
    if not call.args.get("client_secret"):
        return err("bad_client_secret")
    install = state.oauth_codes.pop(call.args.get("code") or "", None)
    if install is None:
        return err("invalid_code")
    access_token = f"xoxb-{install['team_id']}-{state.bot_user_id}-standin"
    state.token_teams[access_token] = {"id": install["team_id"], "name": install["team_name"]}
    return ok(
        access_token=access_token,
        token_type="bot",
        scope=install["scope"],
        bot_user_id=state.bot_user_id,
        app_id=state.app_id,
        team={"id": install["team_id"], "name": install["team_name"]},
        enterprise=None,
        authed_user={"id": install["authed_user_id"]},
        is_enterprise_install=False,
    )


METHODS: dict[str, Callable[[SlackState, Call], Reply]] = {
    "api.test": lambda _state, call: ok(args=call.args),
    "auth.test": auth_test,
    "team.info": team_info,
    "users.info": users_info,
    "users.list": users_list,
    "users.lookupByEmail": users_lookup_by_email,
    "usergroups.users.list": usergroups_users_list,
    "oauth.v2.access": oauth_v2_access,
}

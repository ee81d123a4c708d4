"""Web API methods for modals and App Home: views.open, views.push, views.update, views.publish.

Each takes the stand-in's state (its lock held) and the call, and returns Slack's answer. A view is
checked as Slack checks it; a stored view carries the fields Slack adds (id, hash, team, app, state).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.demo.slack_standin.blockkit import view_problems
from bot.demo.slack_standin.calls import Call, Reply, err, ok
from bot.demo.slack_standin.state import BASE_EPOCH, SlackState, stable_suffix


def _store_view(
    state: SlackState, call: Call, view: dict[str, Any], view_id: str, *, root_view_id: str | None = None
) -> Reply:
    team_id = state.team_for(call.token)["id"]
    stored = {
        "callback_id": "",
        "external_id": "",
        "private_metadata": "",
        "clear_on_close": False,
        "notify_on_close": False,
        "submit": None,
        "close": None,
        "previous_view_id": None,
        **view,
        "id": view_id,
        "team_id": team_id,
        "app_id": state.app_id,
        "app_installed_team_id": team_id,
        "bot_id": state.bot_id,
        "root_view_id": root_view_id or view_id,
        "state": {"values": {}},
        "hash": f"{BASE_EPOCH}.{stable_suffix(view_id, str(state.next())).lower()[:8]}",
    }
    state.views[view_id] = stored
    if view.get("external_id"):
        state.external_views[view["external_id"]] = view_id
    return ok(view=stored)


def _checked_view(
    state: SlackState, call: Call, expected_type: str | None
) -> tuple[dict[str, Any] | None, Reply | None]:
    if "view" not in call.args:
        return None, state.rejected_view(call, ["missing required field: view"])
    problems = view_problems(call.args["view"], expected_type=expected_type)
    if problems:
        return None, state.rejected_view(call, problems)
    return call.args["view"], None


def views_open(state: SlackState, call: Call) -> Reply:
    if not call.args.get("trigger_id"):
        return state.rejected_view(call, ["missing required field: trigger_id"])
    view, rejection = _checked_view(state, call, "modal")
    if rejection:
        return rejection
    return _store_view(state, call, view or {}, f"V{state.next():010d}")


def views_update(state: SlackState, call: Call) -> Reply:
    view_id = call.args.get("view_id")
    external_id = call.args.get("external_id")
    if not view_id and not external_id:
        return state.rejected_view(call, ["one of view_id or external_id is required"])
    if not view_id:
        view_id = state.external_views.get(external_id or "")
        if view_id is None:
            return err("not_found")
    view, rejection = _checked_view(state, call, None)
    if rejection:
        return rejection
    existing = state.views.get(view_id)
    # Unknown view ids are accepted: tests often fabricate view payloads the stand-in never opened.
    if existing and call.args.get("hash") and call.args["hash"] != existing["hash"]:
        return err("hash_conflict")
    root = existing["root_view_id"] if existing else None
    return _store_view(state, call, view or {}, view_id, root_view_id=root)


def views_publish(state: SlackState, call: Call) -> Reply:
    user_id = call.args.get("user_id")
    if not user_id:
        return state.rejected_view(call, ["missing required field: user_id"])
    view, rejection = _checked_view(state, call, "home")
    if rejection:
        return rejection
    if user_id not in state.users:
        return err("user_not_found")
    return _store_view(state, call, view or {}, "V" + stable_suffix("home", user_id))


METHODS: dict[str, Callable[[SlackState, Call], Reply]] = {
    "views.open": views_open,
    "views.push": views_open,  # the same checks and answer as views.open
    "views.update": views_update,
    "views.publish": views_publish,
}

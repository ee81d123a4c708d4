"""The handlers' contract (handlers/__init__.py), held by the code: one register(app) per surface, all
of them assembled by bot/app.py, no SQL in a handler, and a registry built on Bolt's public methods only."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import time
import urllib.parse
from pathlib import Path

from slack_bolt import App, BoltRequest

import handlers
from bot.app import SURFACES, build_app, build_runtime
from bot.demo.slack_standin import SlackStandIn
from bot.messages.admin import admin_menu_blocks
from handlers.registry import MentorApp
from tests.harness import test_settings

MODULES = {
    name: importlib.import_module(f"handlers.{name}")
    for _, name, _ in pkgutil.iter_modules(handlers.__path__)
}
NOT_SURFACES = {"errors", "registry", "router", "replies"}  # the machinery every surface shares


def test_every_surface_has_one_register_taking_only_the_app_and_bot_app_assembles_them_all():
    surfaces = {name for name, module in MODULES.items() if hasattr(module, "register")}
    assert surfaces == set(MODULES) - NOT_SURFACES
    assert {m.__name__.removeprefix("handlers.") for m in SURFACES} == surfaces
    for name in surfaces:
        assert list(inspect.signature(MODULES[name].register).parameters) == ["app"], name


def test_every_handlers_module_names_its_surface_in_a_one_line_docstring():
    for name, module in MODULES.items():
        first = (module.__doc__ or "").splitlines()[0] if module.__doc__ else ""
        assert first.strip() and len(first) <= 107, name  # 110 columns with its quotes


def _forbidden(module: str) -> bool:
    # sqlalchemy.exc only names the errors handlers/errors.py recognises as "the database is down".
    top = module.split(".")[0]
    return top == "storage" or (top == "sqlalchemy" and module != "sqlalchemy.exc")


def test_no_handler_opens_a_session_or_runs_sql():
    for path in Path(handlers.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not _forbidden(node.module or ""), path.name
            if isinstance(node, ast.Import):
                assert not any(_forbidden(alias.name) for alias in node.names), path.name
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("transaction", "execute", "scalar", "scalars"), (
                    path.name,
                    node.attr,
                )


def test_the_registry_overrides_no_private_bolt_method():
    overridden = {name for name in vars(MentorApp) if name.startswith("_") and not name.startswith("__")}
    assert overridden == set()
    assert {"action", "view", "command", "shortcut", "options"} <= set(vars(MentorApp))
    assert all(callable(getattr(App, name)) for name in ("action", "view", "command", "shortcut", "options"))


class _NoSlack:
    api_url = "http://127.0.0.1:9/api/"


def test_the_admin_menu_shows_every_admin_subcommand_the_router_has():
    settings = test_settings(_NoSlack(), "sqlite://")  # type: ignore[arg-type]
    runtime = build_runtime(settings)
    app = build_app(runtime, settings.mode, token_verification=False)
    runtime.db.dispose()
    menu = json.dumps(admin_menu_blocks())
    admin_subcommands = app.router.admin_subcommands()
    assert [s.name for s in admin_subcommands] == [
        "topics",
        "person",
        "settings",
        "leads",
        "cohort",
        "buddies",
    ]
    for sub in admin_subcommands:
        assert f"/mentor {sub.usage.split(' @')[0]}" in menu, sub.usage


def _app(slack: SlackStandIn) -> MentorApp:
    from slack_sdk import WebClient

    return MentorApp(
        signing_secret="unused",
        client=WebClient(token="xoxb-test", base_url=slack.api_url),
        token_verification_enabled=False,
        request_verification_enabled=False,
    )


def _click(slack: SlackStandIn, action_id: str) -> BoltRequest:
    payload = {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": {"id": "U1", "team_id": "T0001"},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "t.1",
        "response_url": slack.response_url("guard"),
        "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": "1"}],
    }
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
    return BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})


def test_a_listener_failing_just_after_its_ack_still_acks_and_the_person_is_told(slack: SlackStandIn):
    app = _app(slack)

    def acks_then_fails(ack) -> None:  # type: ignore[no-untyped-def]
        ack()
        raise RuntimeError("boom")

    returned = app.action("guarded")(acks_then_fails)
    assert returned is acks_then_fails  # decorators still stack
    assert app.action_ids == ["guarded"]

    started = time.monotonic()
    response = app.dispatch(_click(slack, "guarded"))
    assert response.status == 200 and time.monotonic() - started < 2.5
    [told] = slack.wait_for("response_url")
    assert "Something went wrong on our side" in told.args["text"] and "boom" not in json.dumps(told.args)
    app.listener_runner.listener_executor.shutdown(wait=True)


def test_stacked_decorators_register_both_ids_and_guard_each_once(slack: SlackStandIn):
    app = _app(slack)
    seen: list[str] = []

    @app.action("one")
    @app.action("two")
    def listener(ack, body) -> None:  # type: ignore[no-untyped-def]
        ack()
        seen.append(body["actions"][0]["action_id"])

    assert sorted(app.action_ids) == ["one", "two"]
    assert list(inspect.signature(listener).parameters) == ["ack", "body"]  # the original, not a guard
    assert app.dispatch(_click(slack, "one")).status == 200
    assert app.dispatch(_click(slack, "two")).status == 200
    app.listener_runner.listener_executor.shutdown(wait=True)
    assert sorted(seen) == ["one", "two"]

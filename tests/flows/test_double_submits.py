"""A modal submitted twice (same view, same values: a double press on Submit, or Slack retrying) changes
state once. Buttons' double clicks are covered per flow in their own tests."""

from __future__ import annotations

import pytest

from tests.flows.hardening import CALLBACK_IDS, RIGHTFUL, answer_all, changes, fill, modals, snapshot
from tests.harness import TrackedBot
from tests.worlds.private import seed_world


def _params() -> list[object]:
    found: list[object] = []
    for callback_id in CALLBACK_IDS:
        if RIGHTFUL.get(callback_id) is None:
            continue
        found.append(pytest.param(callback_id))
    return found


@pytest.mark.parametrize("callback_id", _params())
def test_a_modal_submitted_twice_changes_state_once(tracked: TrackedBot, callback_id):
    user, table = RIGHTFUL[callback_id]  # type: ignore[misc]
    world = seed_world(tracked.running)
    views = modals(world)[callback_id]
    before = snapshot(tracked.running)

    def answers(view: dict) -> dict:
        if callback_id == "admin_topics":
            return fill(view, "\n".join(world.extra["topics"][:-1]))
        return answer_all(world, view)

    for view in views:
        assert tracked.running.submit(view, answers(view), user=user).status == 200
    tracked.settle()
    once = snapshot(tracked.running)
    assert table in changes(before, once)
    for view in views:
        assert tracked.running.submit(view, answers(view), user=user).status == 200
    tracked.settle()
    assert changes(once, snapshot(tracked.running)) == {}

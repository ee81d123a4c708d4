"""People: users.info refreshes, users.list sync, user_change events and reporting lines."""

from __future__ import annotations

from datetime import timedelta

import grimp
import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.app import build_runtime
from bot.people import directory as people
from bot.people.directory import (
    UnknownSlackUser,
    apply_user_change,
    ensure_person,
    find_person,
    reporting_chain,
    reports_of,
    sync_workspace,
)
from bot.runtime import Runtime
from storage.models import Person
from tests.harness import TEAM_ID, test_settings

T = TEAM_ID


def ensure(runtime: Runtime, client: WebClient, user_id: str, **kwargs) -> Person:
    with runtime.db.transaction() as session:
        return ensure_person(runtime, session, client, T, user_id, **kwargs)


def test_ensure_person_creates_the_row_from_users_info(runtime, client, slack):
    slack.add_user(
        "U1",
        name="ana",
        real_name="Ana Ruiz",
        email="ana@example.com",
        tz="Europe/Madrid",
        is_restricted=True,
        is_admin=True,
    )
    person = ensure(runtime, client, "U1")
    assert (person.team_id, person.slack_user_id, person.name, person.real_name) == (
        T,
        "U1",
        "ana",
        "Ana Ruiz",
    )
    assert person.email == "ana@example.com"
    assert person.tz == "Europe/Madrid" and person.tz_offset in (3600, 7200)
    assert person.is_guest and person.is_workspace_admin and not person.is_bot and not person.is_deleted
    assert person.synced_at == runtime.clock.now() == person.created_at


def test_a_fresh_row_is_not_fetched_again_but_a_stale_one_is(runtime, client, slack, clock):
    slack.add_user("U1", name="ana")
    ensure(runtime, client, "U1")
    slack.add_user("U1", name="ana.r")
    clock.advance(hours=23)
    assert ensure(runtime, client, "U1").name == "ana"
    assert len(slack.calls_to("users.info")) == 1
    clock.advance(hours=2)
    assert ensure(runtime, client, "U1").name == "ana.r"
    assert len(slack.calls_to("users.info")) == 2
    assert ensure(runtime, client, "U1", max_age=timedelta(0)).name == "ana.r"
    assert len(slack.calls_to("users.info")) == 3


def test_a_slack_error_keeps_the_stored_row_and_a_missing_row_raises(runtime, client, slack, clock):
    slack.add_user("U1", name="ana")
    ensure(runtime, client, "U1")
    clock.advance(days=2)
    slack.fail("users.info", error="user_not_found")
    assert ensure(runtime, client, "U1").name == "ana"
    with pytest.raises(UnknownSlackUser) as raised:
        ensure(runtime, client, "UNOBODY")
    assert raised.value.error == "user_not_found"
    with runtime.db.transaction() as session:
        assert find_person(session, T, "UNOBODY") is None


def test_display_name_falls_back_to_the_username(runtime, client, slack):
    user = slack.add_user("U1", name="sam")
    user["profile"]["display_name"] = ""
    with runtime.db.transaction() as session:
        person, created, _ = people.upsert_person(session, T, user, runtime.clock.now())
        assert created and person.name == "sam"


def test_sync_pages_through_everyone_and_flags_bots(runtime, client, slack):
    for i in range(450):
        slack.add_user(f"U{i:04d}", tz="Asia/Tokyo" if i % 2 else "Europe/London")
    slack.add_user("UHELPER", is_bot=True)
    slack.add_user("USLACKBOT", name="slackbot")
    slack.fail("users.list", status=429, retry_after=0)  # one rate limit on the way: sat out, not fatal

    report = sync_workspace(runtime, T, client)

    assert (report.seen, report.added, report.updated, report.deactivated) == (452, 452, 0, 0)
    pages = [c for c in slack.calls_to("users.list")]
    assert len(pages) == 4  # 3 pages of at most 200, one of them asked twice after the 429
    assert all(c.args["limit"] == "200" for c in pages)
    with runtime.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Person).where(Person.team_id == T)) == 452
        bots = set(session.scalars(select(Person.slack_user_id).where(Person.is_bot.is_(True))))
    assert bots == {"UHELPER", "USLACKBOT"}


def test_a_second_sync_counts_updates_and_leavers_and_runs_the_hooks(runtime, client, slack, monkeypatch):
    for i in range(5):
        slack.add_user(f"U{i}")
    sync_workspace(runtime, T, client)
    left: list[str] = []
    moved: list[str] = []
    monkeypatch.setattr(runtime.hooks, "person_left", [lambda rt, s, p: left.append(p.slack_user_id)])
    monkeypatch.setattr(runtime.hooks, "tz_changed", [lambda rt, s, p: moved.append(p.slack_user_id)])
    slack.add_user("U1", deleted=True)
    slack.add_user("U2", name="renamed")
    slack.add_user("U3", tz="Asia/Tokyo")
    slack.add_user("U9")

    report = sync_workspace(runtime, T, client)

    assert (report.added, report.updated, report.deactivated) == (1, 3, 1)
    assert left == ["U1"] and moved == ["U3"]
    assert sync_workspace(runtime, T, client).updated == 0


def test_user_change_deactivation_runs_the_left_hooks_inside_the_transaction(
    runtime, client, slack, monkeypatch
):
    slack.add_user("U1", name="ana")
    ensure(runtime, client, "U1")
    seen: list[tuple[str, bool, bool]] = []

    def ended(rt: Runtime, session, person: Person) -> None:
        seen.append((person.slack_user_id, person.is_deleted, session.in_transaction()))

    monkeypatch.setattr(runtime.hooks, "person_left", [ended])
    user = slack.add_user("U1", name="ana", deleted=True)

    change = apply_user_change(runtime, T, user)

    assert change.deactivated and not change.tz_changed and not change.created
    assert seen == [("U1", True, True)]
    assert not apply_user_change(runtime, T, user).deactivated  # already gone: hooks don't run twice
    assert len(seen) == 1
    back = apply_user_change(runtime, T, slack.add_user("U1", name="ana"))
    assert back.reactivated and not back.deactivated


def test_a_failing_left_hook_rolls_the_change_back(runtime, client, slack, monkeypatch):
    slack.add_user("U1")
    ensure(runtime, client, "U1")

    def broken(rt, session, person) -> None:
        raise RuntimeError("pairings could not be ended")

    monkeypatch.setattr(runtime.hooks, "person_left", [broken])
    with pytest.raises(RuntimeError):
        apply_user_change(runtime, T, slack.add_user("U1", deleted=True))
    with runtime.db.transaction() as session:
        assert find_person(session, T, "U1").is_deleted is False


def test_user_change_reports_a_new_time_zone_and_runs_the_tz_hooks(runtime, client, slack, monkeypatch):
    slack.add_user("U1", tz="Europe/London")
    ensure(runtime, client, "U1")
    moved: list[str] = []
    monkeypatch.setattr(runtime.hooks, "tz_changed", [lambda rt, s, p: moved.append(p.tz)])

    change = apply_user_change(runtime, T, slack.add_user("U1", tz="America/Chicago"))

    assert change.tz_changed and not change.deactivated
    assert moved == ["America/Chicago"]
    assert not apply_user_change(runtime, T, slack.add_user("U1", tz="America/Chicago")).tz_changed


def test_user_change_for_someone_new_creates_them(runtime, slack):
    change = apply_user_change(runtime, T, slack.add_user("U7", real_name="New Person"))
    assert change.created and not change.tz_changed


def _chart(runtime: Runtime, managers: dict[str, str | None]) -> dict[str, int]:
    """Create people named by their ids with the given manager links; returns name -> person id."""
    now = runtime.clock.now()
    with runtime.db.transaction() as session:
        rows = {name: Person(team_id=T, slack_user_id=name, created_at=now) for name in managers}
        session.add_all(rows.values())
        session.flush()
        for name, manager in managers.items():
            rows[name].manager_id = rows[manager].id if manager else None
        return {name: row.id for name, row in rows.items()}


def test_reporting_chain_goes_up_and_reports_of_goes_down(runtime):
    ids = _chart(
        runtime,
        {"CEO": None, "VP": "CEO", "DIR": "VP", "MGR": "DIR", "IC1": "MGR", "IC2": "MGR", "OTHER": "CEO"},
    )
    by_id = {v: k for k, v in ids.items()}
    with runtime.db.transaction() as session:
        assert [by_id[i] for i in reporting_chain(session, ids["IC1"])] == ["MGR", "DIR", "VP", "CEO"]
        assert [by_id[i] for i in reporting_chain(session, ids["IC1"], depth=2)] == ["MGR", "DIR"]
        assert reporting_chain(session, ids["CEO"]) == []
        assert {by_id[i] for i in reports_of(session, ids["VP"])} == {"DIR", "MGR", "IC1", "IC2"}
        assert {by_id[i] for i in reports_of(session, ids["VP"], depth=1)} == {"DIR"}
        assert {by_id[i] for i in reports_of(session, ids["CEO"], depth=2)} == {"VP", "OTHER", "DIR"}
        assert reporting_chain(session, 999_999) == [] and reports_of(session, 999_999) == []


def test_reporting_lines_stop_at_a_cycle(runtime):
    ids = _chart(runtime, {"A": None, "B": "A", "C": "B"})
    with runtime.db.transaction() as session:
        session.get(Person, ids["A"]).manager_id = ids["C"]
    with runtime.db.transaction() as session:
        assert reporting_chain(session, ids["A"]) == [ids["C"], ids["B"]]
        assert sorted(reports_of(session, ids["A"])) == sorted([ids["B"], ids["C"]])


def test_the_daily_sync_refreshes_every_known_workspace(db, slack, clock, database_url):
    from bot.people.directory import sync_known_workspaces
    from storage.models import Person
    from tests.worlds.make import person

    with db.transaction() as session:
        person(session, "U1", clock.now(), slack=slack)
    slack.add_user("U2", name="newcomer")
    runtime = build_runtime(test_settings(slack, database_url), clock=clock, db=db)
    reports = sync_known_workspaces(runtime)
    assert reports["T0001"].added == 1
    with db.transaction() as session:
        assert {p.slack_user_id for p in session.query(Person)} >= {"U1", "U2"}


def test_people_imports_no_other_capability_package():
    """bot/people/__init__.py: the other capabilities import people, never the other way round (their
    part in forgetting, leaving and time-zone changes runs in the hooks bot/app.py lists)."""
    graph = grimp.build_graph("bot", cache_dir=None)
    others = ("bot.copilots", "bot.expectations", "bot.checkins", "bot.network", "bot.oversight", "bot.demo")
    found = [
        other
        for other in others
        if graph.chain_exists(importer="bot.people", imported=other, as_packages=True)
    ]
    assert found == []

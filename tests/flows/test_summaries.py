"""Leads and admins: summaries, App Home, the weekly digest, the CSV export; never anything private."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import event, select

from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from bot.outbox import Kind
from bot.oversight.digests import plan_digests
from bot.oversight.export import COLUMNS, export_pairings
from bot.oversight.summaries import visible_summary
from storage.db import Database
from storage.models import OutboxMessage, Person, private_columns
from tests.harness import TEAM_ID, RunningBot, start_bot, stop_server, test_settings
from tests.worlds.org import ADMIN, LEADS, MARKER, USERGROUP, Org, seed_org


@pytest.fixture
def org_bot(db: Database, slack: SlackStandIn, clock: FixedClock, database_url: str) -> Iterator[RunningBot]:
    settings = test_settings(slack, database_url, admin_user_ids=(ADMIN,))
    running, server = start_bot(settings, db, slack, clock)
    try:
        yield running
    finally:
        stop_server(server)


@pytest.fixture
def org(org_bot: RunningBot) -> Org:
    with org_bot.runtime.db.transaction() as session:
        return seed_org(session, org_bot.clock.now(), org_bot.slack)


def name_of(user_id: str) -> str:
    return f"Person {user_id[1:]}"


def rows_in(blocks: list[dict[str, Any]]) -> set[str]:
    """The mentee names of the pairing rows shown."""
    text = "\n".join(b.get("text", {}).get("text", "") for b in blocks if b["type"] == "section")
    return set(re.findall(r"^• (Person \w+) ↔", text, flags=re.M))


def summary_of(bot: RunningBot, user: str) -> dict[str, Any]:
    before = len(bot.slack.calls_to("response_url"))
    assert bot.command("summary", user=user).status == 200
    return bot.slack.wait_for("response_url", before + 1)[-1].args


def assert_no_secret(*things: Any) -> None:
    dumped = json.dumps(things, default=lambda b: b.decode("latin-1") if isinstance(b, bytes) else str(b))
    assert MARKER not in dumped


def expected_mentees(org: Org, people: set[str]) -> set[str]:
    return {name_of(org.pairings[pid][0]) for pid in org.open_pairings_of(people)}


def test_each_lead_sees_exactly_their_people_and_the_admin_sees_everyone(org_bot: RunningBot, org: Org):
    for lead in LEADS:
        scope = set(org.trees[lead]) | ({"UP19", "UP20"} if lead == "UL3" else set())
        if lead == "UL3":
            before = len(org_bot.slack.calls_to("response_url"))
            org_bot.command(f"admin leads <@{lead}> <!subteam^{USERGROUP}|@group3>", user=ADMIN)
            note = org_bot.slack.wait_for("response_url", before + 1)[-1].args["text"]
            assert "2 members" in note
        answer = summary_of(org_bot, lead)
        assert answer["response_type"] == "ephemeral"
        assert len(answer["blocks"]) <= 50
        shown = rows_in(answer["blocks"])
        assert shown == expected_mentees(org, scope), lead
        assert_no_secret(answer)
        figures = answer["blocks"][1]["text"]["text"]
        assert "Stalled: 1" in figures and "Check-in overdue: 1" in figures and "Paused: 1" in figures
        assert "1 open" in figures and "1 offer awaiting an answer" in figures
        if lead == "UL1":
            assert "*Pulse:* 3 to 4 out of 5, from 3 or more people" in figures
            assert "1 made · 1 completed" in figures
        else:
            assert "not shown until at least 3 people have answered" in figures

    admin = summary_of(org_bot, ADMIN)
    assert rows_in(admin["blocks"]) == {name_of(m) for m, _, h in org.pairings.values() if h != "ended"}
    figures = admin["blocks"][1]["text"]["text"]
    assert "3 open" in figures and "*Pulse:* 3 to 4 out of 5, from 5 or more people" in figures
    assert "Meetings logged:* 13 in the last 30 days · 16 in the last 90" in figures
    assert_no_secret(admin)


def test_a_participant_gets_their_own_status_instead(org_bot: RunningBot, org: Org):
    answer = summary_of(org_bot, "UP20")
    assert "Summaries are for team leads" in answer["text"]
    assert "no copilot and no open request" in json.dumps(answer["blocks"])
    copilot = summary_of(org_bot, "UP01")
    assert "You are copilot to <@UL1M1R1>" in json.dumps(copilot["blocks"])
    mentee = summary_of(org_bot, "UL1M1R1")
    text = json.dumps(mentee["blocks"])
    assert "Your copilot: <@UP01>" in text and "next check-in" in text and "agreement confirmed" in text
    assert rows_in(mentee["blocks"]) == set()
    assert_no_secret(answer, copilot, mentee)


def test_home_shows_the_team_to_leads_and_the_program_to_admins(org_bot: RunningBot, org: Org):
    for user in ("UL2", ADMIN):
        org_bot.event({"type": "app_home_opened", "user": user, "tab": "home"})
    publishes = org_bot.slack.wait_for("views.publish", 2)
    views = {call.args["user_id"]: call.args["view"] for call in publishes}
    lead_home = json.dumps(views["UL2"])
    assert '"Team"' in lead_home and "digest_off" in lead_home
    assert rows_in(views["UL2"]["blocks"]) == expected_mentees(org, org.trees["UL2"])
    admin_home = json.dumps(views[ADMIN])
    assert "program_settings_open" in admin_home and "summary_export_csv" in admin_home
    assert len(views[ADMIN]["blocks"]) <= 100
    assert_no_secret(views)

    # The lead turns the digest off from Home: stored, told, and the Home redrawn with "Turn on".
    org_bot.click("digest_off", user="UL2", view={"id": "VHOME", "type": "home"})
    redraw = org_bot.slack.wait_for("views.publish", 3)[-1]
    assert "digest_on" in json.dumps(redraw.args["view"])
    org_bot.click("digest_off", user="UL2", view={"id": "VHOME", "type": "home"})  # a double click
    with org_bot.runtime.db.transaction() as session:
        assert session.query(Person).filter_by(slack_user_id="UL2").one().digest_enabled is False


def test_long_pairing_lists_are_paged_under_slacks_limits(org_bot: RunningBot, org: Org):
    from tests.worlds import make

    with org_bot.runtime.db.transaction() as session:
        now = org_bot.clock.now()
        pool = [make.person(session, f"UX{n:03d}", now, slack=org_bot.slack) for n in range(120)]
        for a, b in zip(pool[::2], pool[1::2], strict=True):
            make.pairing(session, a, b, now, next_checkin_at=now + timedelta(days=2))
    first = summary_of(org_bot, ADMIN)
    assert len(first["blocks"]) <= 50
    more = next(b for b in first["blocks"] if b.get("block_id") == "summary_pages")
    assert more["elements"][0]["value"] == "2"
    seen = rows_in(first["blocks"])
    org_bot.click("summary_page", user=ADMIN, value="2")
    page2 = org_bot.slack.wait_for("response_url", 2)[-1].args
    assert page2["replace_original"] is True and len(page2["blocks"]) <= 50
    assert not (rows_in(page2["blocks"]) & seen)
    # A participant clicking a forwarded button sees their own status, not the summary.
    org_bot.click("summary_page", user="UP16", value="2")
    refused = org_bot.slack.wait_for("response_url", 3)[-1].args
    assert rows_in(refused["blocks"]) == set() and refused["replace_original"] is False


def test_weekly_digest_goes_out_monday_9_local_with_a_chart(org_bot: RunningBot, org: Org):
    monday = datetime(2026, 3, 9, tzinfo=UTC)
    org_bot.tick(monday + timedelta(hours=3))  # 08:30 in Kolkata: nobody yet
    org_bot.tick(monday + timedelta(hours=3, minutes=30))  # 09:00 in Kolkata: UL3

    def digests_to(user: str) -> list[Any]:
        return [
            c
            for c in org_bot.slack.calls_to("chat.postMessage")
            if "weekly mentoring digest" in c.args.get("text", "") and c.args["channel"] == user
        ]

    assert len(digests_to("UL3")) == 1 and not digests_to("UL1")
    org_bot.tick(monday + timedelta(hours=7, minutes=59))
    assert not digests_to("UL1")
    org_bot.tick(monday + timedelta(hours=8))  # 09:00 in Berlin
    assert len(digests_to("UL1")) == 1 and not digests_to("UL2")
    org_bot.tick(monday + timedelta(hours=14))  # 09:00 in New York
    org_bot.tick(monday + timedelta(hours=15))  # a later pass sends nothing twice
    assert [len(digests_to(u)) for u in ("UL1", "UL2", "UL3")] == [1, 1, 1]

    ul1 = digests_to("UL1")[0].args
    assert "digest_off" in json.dumps(ul1["blocks"]) and "first digest" in json.dumps(ul1["blocks"])
    # Managers lead their reports too: 3 leads + 6 managers, one chart each.
    managers = [f"{lead}M{m}" for lead in LEADS for m in (1, 2)]
    completes = org_bot.slack.wait_for("files.completeUploadExternal", 9)
    assert {c.args["files"][0]["title"].split(": ")[-1] for c in completes} == {
        f"Person {who[1:]}'s people" for who in (*LEADS, *managers)
    }
    uploads = org_bot.slack.uploads
    assert len(uploads) == 9
    for png in uploads.values():
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        image = Image.open(io.BytesIO(png))
        image.load()
        assert image.size == (720, 360)
    digests = [
        c.args for c in org_bot.slack.calls_to("chat.postMessage") if "digest" in c.args.get("text", "")
    ]
    assert_no_secret(digests, uploads)

    # Next Monday compares with this one; a lead who turned it off gets nothing.
    org_bot.click("digest_off", user="UL2", message={"ts": "1.1", "channel": "D1", "text": ""})
    org_bot.slack.wait_for("response_url")
    org_bot.tick(monday + timedelta(days=7, hours=14))
    assert [len(digests_to(u)) for u in ("UL1", "UL2", "UL3")] == [2, 1, 2]
    assert "Since last week" in json.dumps(digests_to("UL1")[-1].args["blocks"])


def test_a_failed_chart_upload_does_not_lose_the_digest(org_bot: RunningBot, org: Org):
    org_bot.slack.fail("files.getUploadURLExternal", error="internal_error", times=-1)
    org_bot.tick(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    texts = [c.args["text"] for c in org_bot.slack.calls_to("chat.postMessage") if c.args["channel"] == "UL1"]
    assert any("weekly mentoring digest" in t for t in texts)
    assert org_bot.slack.uploads == {}


def test_a_chart_upload_that_fails_once_is_retried_and_arrives_after_its_digest(
    org_bot: RunningBot, org: Org
):
    org_bot.slack.fail("files.getUploadURLExternal", error="internal_error", times=1)
    org_bot.tick(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))  # 09:00 in Berlin

    def digests() -> list[Any]:
        return [
            c
            for c in org_bot.slack.calls_to("chat.postMessage")
            if "weekly mentoring digest" in c.args["text"]
        ]

    sent = digests()
    assert sent, "Berlin's leads get their digest at 09:00"
    assert len(org_bot.slack.uploads) == len(sent) - 1  # one upload failed
    org_bot.tick(datetime(2026, 3, 9, 8, 1, tzinfo=UTC))  # the retry's backoff (15–30 s) has passed
    channels = [c.args["channel"] for c in digests()]
    assert len(channels) == len(set(channels)) >= len(sent)  # nobody gets a digest's text twice
    assert len(org_bot.slack.uploads) == len(channels)
    completes = org_bot.slack.calls_to("files.completeUploadExternal")
    with org_bot.runtime.db.transaction() as session:
        digest_dms = set(
            session.scalars(select(OutboxMessage.slack_channel).where(OutboxMessage.kind == Kind.DIGEST))
        )
    # one chart in each DM a digest went to
    assert sorted(c.args["channel_id"] for c in completes) == sorted(digest_dms)


def test_workspace_digest_switch_turns_every_digest_off(org_bot: RunningBot, org: Org):
    from bot.people import program_settings as program

    with org_bot.runtime.db.transaction() as session:
        settings, _ = program.validate({"digest_enabled": False})
        program.save(session, TEAM_ID, settings, org_bot.clock.now())
    org_bot.tick(datetime(2026, 3, 9, 14, 0, tzinfo=UTC))
    assert not [c for c in org_bot.slack.calls_to("chat.postMessage") if "digest" in c.args.get("text", "")]


def test_admin_exports_a_csv_of_program_level_fields(org_bot: RunningBot, org: Org):
    org_bot.click("summary_export_csv", user="UL1", view={"id": "VHOME", "type": "home"})
    refusal = org_bot.slack.wait_for("chat.postMessage")[0]
    assert "Only program admins" in refusal.args["text"] and not org_bot.slack.uploads

    org_bot.click("summary_export_csv", user=ADMIN, view={"id": "VHOME", "type": "home"})
    complete = org_bot.slack.wait_for("files.completeUploadExternal")[0]
    assert complete.args["channel_id"].startswith("D")
    (content,) = org_bot.slack.uploads.values()
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert tuple(rows[0]) == COLUMNS
    assert {int(r["pairing_id"]) for r in rows} == set(org.pairings)
    by_id = {int(r["pairing_id"]): r for r in rows}
    for pid, (mentee, copilot, health) in org.pairings.items():
        row = by_id[pid]
        assert (row["mentee_slack_id"], row["copilot_slack_id"]) == (mentee, copilot)
        assert row["health"] == health
        assert row["cross_team"] == "yes"
    ended = next(r for r in rows if r["health"] == "ended")
    assert ended["end_reason"] == "by_mentee" and ended["ended"] and ended["meetings"] == "1"
    private = {c for cols in private_columns().values() for c in cols}
    assert not (set(COLUMNS) & private)
    assert_no_secret(content)


def test_summary_queries_never_select_a_private_column(org_bot: RunningBot, org: Org):
    private = [f"{table}.{column}" for table, cols in private_columns().items() for column in cols]
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement.lower())

    engine = org_bot.runtime.db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for user in (*LEADS, ADMIN, "UP16", "UL1M1R1"):
            visible_summary(org_bot.runtime, TEAM_ID, user)
        export_pairings(org_bot.runtime, TEAM_ID)
        with org_bot.runtime.db.transaction() as session:
            assert plan_digests(org_bot.runtime, session, datetime(2026, 3, 9, 14, 0, tzinfo=UTC)) == 9
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert any("pairings.state" in s for s in statements)
    leaks = [(column, s) for s in statements for column in private if column in s]
    assert leaks == []


def test_the_digests_figures_count_each_role_among_the_leads_own_people(org_bot: RunningBot, org: Org):
    """Every lead's people are mentored by copilots from the pool, outside their tree: the digest counts
    their mentees, and no copilots among their people (before, it counted the partners from the pool)."""
    org_bot.tick(
        datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    )  # Monday, past 09:00 in Kolkata, Berlin and New York

    def words(n: int, noun: str) -> str:
        return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

    for lead in LEADS:
        [digest] = [
            c.args
            for c in org_bot.slack.calls_to("chat.postMessage")
            if c.args["channel"] == lead and "weekly mentoring digest" in c.args.get("text", "")
        ]
        text = "\n".join(b["text"]["text"] for b in digest["blocks"] if b["type"] == "section")
        people = org.trees[lead]
        pairs = [org.pairings[pid] for pid in org.open_pairings_of(people)]
        mentees = len(
            {mentee for mentee, _copilot, health in pairs if mentee in people and health != "ended"}
        )
        copilots = len({copilot for _mentee, copilot, health in pairs if copilot in people})
        assert (mentees, copilots) == (5, 0), lead  # five reports paired, none of them a copilot
        assert f"*Participants:* {words(mentees, 'mentee')} · {words(copilots, 'copilot')} · " in text, lead
        assert "biweekly" not in json.dumps(digest) and "weekly:" not in text  # no internal cadence keys


def test_one_more_pulse_answer_does_not_move_the_figure_a_lead_sees(org_bot: RunningBot, org: Org):
    """4·avg₄ − 3·avg₃ over what the summary shows gives nobody's score: one more answer changes nothing."""
    from storage.models import Pairing, Pulse

    def pulse_line() -> str:
        figures = summary_of(org_bot, ADMIN)["blocks"][1]["text"]["text"]
        return next(line for line in figures.splitlines() if line.startswith("*Pulse:*"))

    before = pulse_line()
    assert "out of 5" in before and "/ 5 from" not in before
    with org_bot.runtime.db.transaction() as session:
        answered = set(session.scalars(select(Pulse.person_id)))
        pairing = next(
            p for p in session.scalars(select(Pairing)) if p.mentee_id not in answered and p.state == "active"
        )
        now = org_bot.clock.now()
        session.add(
            Pulse(
                team_id=TEAM_ID,
                pairing_id=pairing.id,
                person_id=pairing.mentee_id,
                round=1,
                score=1,
                asked_at=now - timedelta(days=2),
                answered_at=now - timedelta(days=1),
            )
        )
    assert pulse_line() == before
    org_bot.clock.set(org_bot.clock.now() + timedelta(days=7))  # next Monday: still one new answer only
    assert pulse_line() == before

"""Data rights: /mentor forget-me (confirm, then delete, once) and mentor-bot export-person."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.people.forgetting import FORGOTTEN_PREFIX
from storage.models import Agreement, MentoringRequest, Offer, OutboxMessage, Pairing, Person
from tests.harness import RunningBot, clean_env, mentor_bot
from tests.worlds.tenants import A, B, Workspace, all_stored_text, sent_to, team_rows

U1_PRIVATE = [
    "goalsU1",
    "reportU1",
    "pulseU1",
    "reflectU1",
    "contactname",
    "common",
    "notesU1",
    "referrals",
    "promiseto",
    "promiseU1",
    "introreasonU1",
    "introreportU1",
    "termsgoals",
    "termsexpmentee",
    "pendingtoU1",
    "nameU1",
    "Real U1",
    "titleU1",
]
PARTNERS_OWN = [
    "reportU2",
    "pulseU2",
    "reflectU4",
    "termsoffer",
    "termsexpmentor",
    "contactofU2",
    "contactnotesU2",
    "introreasonU2",
    "declineU2",
    "introU2",
    "answerU3",
    "answerU4",
    "goalsU7",
]


def _answer(bot: RunningBot, before: int) -> dict:
    return bot.slack.wait_for("response_url", before + 1)[-1].args


def _forget(bot: RunningBot, user: str) -> dict:
    before = len(bot.slack.calls_to("response_url"))
    assert bot.click("forget_me_confirm", user=user, team=A, value="delete").status == 200
    return _answer(bot, before)


def test_forget_me_asks_first_then_deletes_once(two: RunningBot, spaces: tuple[Workspace, Workspace]):
    a, _ = spaces
    bot = two
    before_b = team_rows(bot.runtime.db, B)
    before_a = team_rows(bot.runtime.db, A)

    reply = bot.command("forget-me", user="U1", team=A)
    confirm = reply.json()
    assert confirm.get("response_type", "ephemeral") == "ephemeral"
    buttons = [e for blk in confirm["blocks"] if blk["type"] == "actions" for e in blk["elements"]]
    assert [(x["action_id"], x["text"]["text"]) for x in buttons] == [("forget_me_confirm", "Delete my data")]
    assert team_rows(bot.runtime.db, A) == before_a, "asking changes nothing"

    done = _forget(bot, "U1")
    assert done["text"].startswith("Done: your mentoring data is deleted")
    assert done["replace_original"] in (True, "true")

    stored = all_stored_text(bot.runtime.db)
    left = [m for m in U1_PRIVATE if a.text(m) in stored]
    assert not left, f"U1's private text still stored: {left}"
    assert "u1@zqalpha.example" not in stored
    kept = [m for m in PARTNERS_OWN if a.text(m) not in stored]
    assert not kept, f"other people's own data was deleted: {kept}"
    assert team_rows(bot.runtime.db, B) == before_b, "B's U1 (same Slack id) is untouched"

    with bot.runtime.db.transaction() as session:
        me = session.get(Person, a.people["U1"])
        assert me is not None
        assert (me.name, me.real_name, me.email) == ("", "", None)
        assert me.slack_user_id == f"{FORGOTTEN_PREFIX}{me.id}" and me.is_deleted
        active = session.get(Pairing, a.ids["pairing"])
        ended = session.get(Pairing, a.ids["ended_pairing"])
        assert active is not None and ended is not None
        assert (active.state, active.end_reason) == ("ended", "forgotten")
        assert (ended.state, ended.end_reason) == ("ended", "by_mentee"), "history keeps its facts"
        assert active.mentee_id == me.id, "the program still counts the pairing"
        terms = session.scalar(select(Agreement.terms).where(Agreement.pairing_id == active.id))
        assert terms["offer"] == a.text("termsoffer") and terms["cadence"] == "weekly"
        shared = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "ZQALPHA:sent:U2"))
        assert shared is not None and shared.status == "sent" and a.tag not in json.dumps(shared.payload)
        # Its dedupe key named U1 too: it now names the tombstone, so it still can't be queued twice.
        later = session.scalar(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == f"ZQALPHA:later:{me.slack_user_id}")
        )
        assert later is not None and later.status == "cancelled"

    # The partner hears kindly, through the outbox; U1's Home is redrawn without their data.
    mark = len(bot.slack.calls)
    bot.tick()
    posts = [
        c for c in bot.slack.calls[mark:] if c.method == "chat.postMessage" and c.args["channel"] == "U2"
    ]
    assert len(posts) == 1 and "your partner has left the mentoring program" in json.dumps(posts[0].args)
    assert a.text("nameU1") not in sent_to(bot, A, mark)
    home = [c for c in bot.slack.calls_to("views.publish") if c.args.get("user_id") == "U1"]
    assert home and a.tag not in json.dumps(home[-1].args)

    # A second click (or a double click) finds nothing left and changes nothing.
    after = team_rows(bot.runtime.db, A)
    again = _forget(bot, "U1")
    assert "nothing of yours left" in again["text"]
    assert team_rows(bot.runtime.db, A) == after


def test_forgetting_a_copilot_in_expectations_keeps_the_mentee_answers(
    two: RunningBot,
    spaces: tuple[Workspace, Workspace],
):
    a, _ = spaces
    _forget(two, "U4")
    stored = all_stored_text(two.runtime.db)
    assert a.text("answerU4") not in stored and a.text("introU4") not in stored
    assert a.text("reflectU4") not in stored
    assert a.text("answerU3") in stored and a.text("expectU3") in stored
    with two.runtime.db.transaction() as session:
        setting = session.get(Pairing, a.ids["setting_pairing"])
        assert setting is not None and setting.end_reason == "forgotten"


def test_forgetting_a_copilot_withdraws_the_offer_waiting_for_them(
    two: RunningBot,
    spaces: tuple[Workspace, Workspace],
):
    a, _ = spaces
    _forget(two, "U8")
    with two.runtime.db.transaction() as session:
        offer = session.get(Offer, a.ids["offer"])
        assert offer is not None and offer.status == "withdrawn"


def test_forgetting_ends_the_unfinished_expectation_round_of_the_pairing_it_ends(
    two: RunningBot,
    spaces: tuple[Workspace, Workspace],
):
    a, _ = spaces
    _forget(two, "U4")
    with two.runtime.db.transaction() as session:
        statuses = session.scalars(
            select(Agreement.status).where(Agreement.pairing_id == a.ids["setting_pairing"])
        ).all()
        assert statuses == ["withdrawn"]
        kept = session.scalars(select(Agreement.status).where(Agreement.pairing_id == a.ids["pairing"])).all()
        assert kept == ["confirmed"], "a pairing forgetting did not touch keeps its agreement"


def test_forgetting_a_mentee_cancels_their_open_request_and_tells_the_copilot_it_was_offered_to(
    two: RunningBot,
    spaces: tuple[Workspace, Workspace],
):
    a, _ = spaces
    _forget(two, "U7")
    with two.runtime.db.transaction() as session:
        request = session.get(MentoringRequest, a.ids["request"])
        assert request is not None and request.status == "cancelled" and request.closed_at is not None
        offer = session.get(Offer, a.ids["offer"])
        assert offer is not None and offer.status == "withdrawn" and offer.answered_at is not None
        told = session.scalars(
            select(OutboxMessage.channel).where(
                OutboxMessage.team_id == A,
                OutboxMessage.kind == "offer_closed",
                OutboxMessage.status == "pending",
            )
        ).all()
        assert told == ["U8"]


def test_export_person_gives_their_own_data_not_the_partners_notes(
    two: RunningBot,
    spaces: tuple[Workspace, Workspace],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    a, b = spaces
    env = clean_env(DATABASE_URL=database_url)
    out = tmp_path / "u1.json"
    result = mentor_bot(
        "export-person", "--team", A, "--user", "U1", "--output", str(out), env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote the mentoring data of U1" in result.stderr
    data = json.loads(out.read_text())
    text = json.dumps(data)
    mine = [
        "goalsU1",
        "reportU1",
        "pulseU1",
        "reflectU1",
        "contactname",
        "notesU1",
        "promiseU1",
        "introreasonU1",
        "introreportU1",
        "nameU1",
        "termsgoals",
        "termsoffer",  # the agreed terms of their own pairing are shared: theirs too
    ]
    assert [m for m in mine if a.text(m) not in text] == []
    partners = ["reportU2", "pulseU2", "reflectU4", "contactofU2", "introreasonU2", "declineU2", "goalsU7"]
    assert [m for m in partners if a.text(m) in text] == []
    assert b.tag not in text
    assert data["person"]["slack_user_id"] == "U1" and data["team_id"] == A
    [active] = [p for p in data["pairings"] if p["id"] == a.ids["pairing"]]
    assert active["role"] == "mentee" and active["partner"] == "U2"

    # In-process too (no second interpreter start-up): to standard output, and a clear refusal for
    # someone the bot never met.
    for key in [k for k in os.environ if k.startswith(("SLACK_", "ADMIN_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    assert main(["export-person", "--team", B, "--user", "U2"]) == 0
    assert json.loads(capsys.readouterr().out)["person"]["name"] == b.text("nameU2")
    assert main(["export-person", "--team", A, "--user", "UNOBODY"]) == 1
    assert "no mentoring data" in capsys.readouterr().err

"""A process killed mid-transition leaves the old state or the new one, never half of each."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.copilots import rounds
from bot.copilots.rounds import run_round
from bot.expectations import confirmation
from storage.db import Database
from storage.models import Agreement, MentoringRequest, Offer, OutboxMessage, Pairing
from tests.harness import BOT_TOKEN, SIGNING_SECRET, TEAM_ID, RunningBot
from tests.worlds import make
from tests.worlds.make import standard_terms

TOPIC = "Giving feedback"
GOALS = "Get better at giving feedback to senior colleagues in reviews"


def seed_round(db: Database, clock: FixedClock, requests: int, volunteers: int) -> None:
    now = clock.now()
    rng = random.Random(7)
    with db.transaction() as session:
        for n in range(volunteers):
            copilot = make.person(
                session, f"UV{n:04d}", now, org_team=f"team{n % 7}", level=rng.randint(2, 6)
            )
            make.volunteer(session, copilot, now, topics=[TOPIC], capacity=rng.randint(1, 3))
        for n in range(requests):
            mentee = make.person(session, f"UM{n:04d}", now, org_team=f"team{n % 5}", level=rng.randint(1, 5))
            session.add(
                MentoringRequest(
                    team_id=TEAM_ID,
                    mentee_id=mentee.id,
                    goals=GOALS,
                    topics=[TOPIC],
                    cadence="biweekly",
                    created_at=now,
                )
            )


def assert_consistent(db: Database) -> int:
    """Every offered request has exactly one pending offer with its DM queued, and nothing else is pending."""
    with db.transaction() as session:
        pending = list(session.scalars(select(Offer).where(Offer.status == "pending")))
        statuses = {
            rid: status
            for rid, status in session.execute(select(MentoringRequest.id, MentoringRequest.status))
        }
        offer_keys = set(
            session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("offer:%")))
        )
    by_request: dict[int, int] = {}
    for offer in pending:
        by_request[offer.request_id] = by_request.get(offer.request_id, 0) + 1
        assert statuses[offer.request_id] == "offered"
        assert f"offer:{offer.id}" in offer_keys, "an offer without its DM in the outbox"
    assert all(count == 1 for count in by_request.values()), "a request offered twice"
    offered = {rid for rid, status in statuses.items() if status == "offered"}
    assert offered == set(by_request), "a request marked offered without a pending offer"
    return len(pending)


def test_a_round_that_fails_midway_leaves_nothing_behind(bot: RunningBot, monkeypatch: pytest.MonkeyPatch):
    seed_round(bot.runtime.db, bot.clock, requests=12, volunteers=8)
    real_make_offer = rounds.make_offer
    calls = {"n": 0}

    def dies_on_the_fifth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("process killed")
        return real_make_offer(*args, **kwargs)

    monkeypatch.setattr(rounds, "make_offer", dies_on_the_fifth)
    with pytest.raises(RuntimeError):
        run_round(bot.runtime, TEAM_ID)
    assert assert_consistent(bot.runtime.db) == 0
    monkeypatch.setattr(rounds, "make_offer", real_make_offer)
    report = run_round(bot.runtime, TEAM_ID)
    assert assert_consistent(bot.runtime.db) == len(report.offers) > 0


def test_a_round_killed_with_sigkill_is_consistent_and_the_next_round_completes(
    db: Database, clock: FixedClock, database_url: str, tmp_path: Path
):
    seed_round(db, clock, requests=300, volunteers=120)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # the round itself makes no Slack calls
        "DATABASE_URL": database_url,
    }
    command = [sys.executable, "-m", "bot", "match", "--round", "--team", TEAM_ID]
    proc = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(random.uniform(1.2, 2.2))  # start-up takes about 1 s, the round about 2 s more
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = assert_consistent(db)
    again = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    total = assert_consistent(db)
    assert total >= first
    with db.transaction() as session:
        still_open = session.scalar(select(func.count()).where(MentoringRequest.status == "open"))
    assert total + still_open == 300


def test_a_confirmation_that_fails_midway_leaves_the_pairing_as_it_was(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
):
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        alex = make.person(session, "UALEX", now, slack=bot.slack)
        sam = make.person(session, "USAM", now, slack=bot.slack)
        pair = make.pairing(session, alex, sam, now, state="setting_expectations")
        agreement = make.agreement(session, pair, now, terms=standard_terms(), confirmed=False)
        agreement.status = "proposed"
        agreement.mentee_confirmed_at = now - timedelta(hours=1)
        pairing_id, version = pair.id, agreement.version

    def crash(*_args, **_kwargs):
        raise RuntimeError("process killed")

    monkeypatch.setattr(confirmation, "_schedule_first_checkin", crash)
    with pytest.raises(RuntimeError):
        confirmation.confirm_agreement(bot.runtime, TEAM_ID, "USAM", pairing_id, version)
    with bot.runtime.db.transaction() as session:
        pairing = session.get(Pairing, pairing_id)
        row = session.scalars(select(Agreement).where(Agreement.pairing_id == pairing_id)).one()
        assert (pairing.state, pairing.activated_at, pairing.next_checkin_at) == (
            "setting_expectations",
            None,
            None,
        )
        assert (row.status, row.copilot_confirmed_at) == ("proposed", None)
        assert session.scalar(select(func.count()).where(OutboxMessage.pairing_id == pairing_id)) == 0
    monkeypatch.undo()
    confirmation.confirm_agreement(bot.runtime, TEAM_ID, "USAM", pairing_id, version)
    with bot.runtime.db.transaction() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing.state == "active" and pairing.next_checkin_at is not None

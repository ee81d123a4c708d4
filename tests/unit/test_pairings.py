"""The pairing lifecycle (bot/pairings.py): who is in a pairing, and every transition with its double click."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot import outbox, pairings
from bot.clock import FixedClock
from bot.outbox import Kind, Message
from bot.rules.lifecycle import CLOSED_STATES, MEETING_STATES, OPEN_STATES, PairingState
from storage.db import Database
from storage.models import OutboxMessage
from tests.harness import TEAM_ID
from tests.worlds import make


def test_the_states_are_stored_under_these_names():
    # Stored in pairings.state and compared in SQL: renaming one would strand every row in it.
    assert [s.value for s in PairingState] == [
        "setting_expectations",
        "active",
        "paused",
        "stalled",
        "ended",
        "lapsed",
    ]
    assert set(OPEN_STATES) | set(CLOSED_STATES) == set(PairingState)
    assert not set(OPEN_STATES) & set(CLOSED_STATES)
    assert MEETING_STATES == (PairingState.ACTIVE, PairingState.STALLED)


def test_a_new_pairing_starts_by_setting_expectations_and_knows_if_it_crosses_teams(
    db: Database, clock: FixedClock
):
    now = clock.now()
    with db.transaction() as s:
        ana = make.person(s, "UANA", now, org_team="Sales")
        sam = make.person(s, "USAM", now, org_team="Eng")
        ben = make.person(s, "UBEN", now, org_team="Sales")
        nia = make.person(s, "UNIA", now)
        across = pairings.create_pairing(
            s, team_id=TEAM_ID, mentee=ana, copilot=sam, now=now, cadence="weekly"
        )
        asked = make.request(s, ana, now, goals="Feedback", status="matched")
        same = pairings.create_pairing(
            s, team_id=TEAM_ID, mentee=ana, copilot=ben, now=now, request_id=asked.id
        )
        unknown = pairings.create_pairing(s, team_id=TEAM_ID, mentee=nia, copilot=sam, now=now)
        assert across.id is not None
        assert (across.state, across.cadence, across.created_at) == ("setting_expectations", "weekly", now)
        assert (across.mentee_id, across.copilot_id, across.team_id) == (ana.id, sam.id, TEAM_ID)
        assert (across.cross_team, same.cross_team, unknown.cross_team) == (True, False, False)
        assert (same.cadence, same.request_id, across.request_id) == (None, asked.id, None)


def test_only_the_two_people_are_members_and_each_has_a_role_and_a_partner(db: Database, clock: FixedClock):
    now = clock.now()
    with db.transaction() as s:
        ana, sam, eve = (make.person(s, uid, now) for uid in ("UANA", "USAM", "UEVE"))
        pair = make.pairing(s, ana, sam, now)
        assert pairings.role_of(pair, ana.id) == "mentee"
        assert pairings.role_of(pair, sam.id) == "copilot"
        assert pairings.role_of(pair, eve.id) is None
        assert pairings.require_member(pair, sam.id) == (pair, "copilot")
        assert pairings.require_member(pair, ana.id) == (pair, "mentee")
        with pytest.raises(pairings.NotInPairing):
            pairings.require_member(pair, eve.id)
        with pytest.raises(pairings.NotInPairing):
            pairings.require_member(None, ana.id)
        assert (pairings.partner_id(pair, ana.id), pairings.partner_id(pair, sam.id)) == (sam.id, ana.id)


def test_a_pairing_is_found_only_in_its_own_workspace_and_open_ones_in_order(db: Database, clock: FixedClock):
    now = clock.now()
    with db.transaction() as s:
        ana, sam, ben = (make.person(s, uid, now) for uid in ("UANA", "USAM", "UBEN"))
        first = make.pairing(s, ana, sam, now)
        ended = make.pairing(s, ana, ben, now, state="ended")
        third = make.pairing(s, ben, ana, now, state="paused")
        other = make.pairing(
            s, make.person(s, "UX", now, team_id="T2"), make.person(s, "UY", now, team_id="T2"), now
        )
        assert pairings.get_pairing(s, TEAM_ID, first.id) is first
        assert pairings.get_pairing(s, TEAM_ID, first.id, for_update=True) is first
        assert pairings.get_pairing(s, TEAM_ID, other.id) is None
        assert pairings.get_pairing(s, "T2", other.id) is other
        assert [p.id for p in pairings.open_pairings_of(s, TEAM_ID, ana.id)] == [first.id, third.id]
        assert [p.id for p in pairings.open_pairings_of(s, TEAM_ID, ben.id)] == [third.id]
        assert pairings.open_pairings_of(s, "T2", ana.id) == []
        assert ended.id not in {p.id for p in pairings.open_pairings_of(s, TEAM_ID, ben.id)}


def _pending(s, pair, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    outbox.send_dm(
        s,
        to="UANA",
        kind=Kind.PAIRING_MATCHED,
        subject=pair,
        key=f"hello:{pair.id}",
        message=Message("hello"),
        due_at=clock.now() + timedelta(hours=1),
        now=clock.now(),
    )


@pytest.mark.parametrize(
    ("reason", "state"), [("by_mentee", "ended"), ("lapsed", "lapsed"), ("admin", "ended")]
)
def test_ending_closes_the_pairing_once_and_withdraws_what_it_had_queued(
    db: Database, clock: FixedClock, reason: str, state: str
):
    now = clock.now()
    with db.transaction() as s:
        ana, sam = make.person(s, "UANA", now), make.person(s, "USAM", now)
        pair = make.pairing(s, ana, sam, now, next_checkin_at=now + timedelta(days=2), version=4)
        kept = make.pairing(s, sam, ana, now)
        _pending(s, pair, clock)
        _pending(s, kept, clock)
        version = pair.version  # 4: changed a few times before it ends
        assert pairings.end_pairing(s, pair, reason=reason, now=now) is True
        assert (pair.state, pair.ended_at, pair.end_reason, pair.next_checkin_at) == (
            state,
            now,
            reason,
            None,
        )
        assert pair.version == version + 1
        rows = {r.pairing_id: r.status for r in s.scalars(select(OutboxMessage))}
        assert rows == {pair.id: "cancelled", kept.id: "pending"}
        # a double click: nothing changes, not even the version
        assert pairings.end_pairing(s, pair, reason="by_copilot", now=now + timedelta(hours=1)) is False
        assert (pair.end_reason, pair.ended_at, pair.version) == (reason, now, version + 1)


def test_ending_with_an_unknown_reason_is_refused(db: Database, clock: FixedClock):
    now = clock.now()
    with db.transaction() as s:
        pair = make.pairing(s, make.person(s, "UANA", now), make.person(s, "USAM", now), now)
        with pytest.raises(ValueError, match="unknown end reason"):
            pairings.end_pairing(s, pair, reason="bored", now=now)
        assert pair.state == "active"


@pytest.mark.parametrize("state", ["active", "stalled", "paused"])
def test_a_meeting_pairing_pauses_until_a_day_and_resumes(db: Database, clock: FixedClock, state: str):
    now = clock.now()
    until = date(2026, 4, 6)
    with db.transaction() as s:
        pair = make.pairing(s, make.person(s, "UANA", now), make.person(s, "USAM", now), now, state=state)
        version = pair.version
        assert pairings.pause_pairing(pair, until) is True
        assert (pair.state, pair.paused_until, pair.version) == ("paused", until, version + 1)
        assert pairings.pause_pairing(pair, until) is False  # the same day again: no change
        assert pair.version == version + 1
        assert pairings.pause_pairing(pair, until + timedelta(days=7)) is True  # a new day: moved
        assert (pair.paused_until, pair.version) == (until + timedelta(days=7), version + 2)
        assert pairings.resume_pairing(pair) is True
        assert (pair.state, pair.paused_until, pair.version) == ("active", None, version + 3)
        assert pairings.resume_pairing(pair) is False
        assert pair.version == version + 3


@pytest.mark.parametrize("state", ["setting_expectations", "ended", "lapsed"])
def test_a_pairing_that_does_not_meet_cannot_be_paused(db: Database, clock: FixedClock, state: str):
    now = clock.now()
    with db.transaction() as s:
        pair = make.pairing(s, make.person(s, "UANA", now), make.person(s, "USAM", now), now, state=state)
        version = pair.version
        assert pairings.pause_pairing(pair, date(2026, 4, 6)) is False
        assert (pair.state, pair.paused_until, pair.version) == (state, None, version)
        assert pairings.resume_pairing(pair) is False
        assert pair.state == state

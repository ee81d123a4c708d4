"""A named colleague is judged before the request form is acked on a pair-only read (load_pair_data).

It must give the same verdict as the whole-workspace read matching uses (load_match_data), which is the
independent reference here: random workspaces, every ordered pair of people, every team preference.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.copilots.match_data import load_match_data, load_pair_data
from bot.copilots.mentee_requests import copilot_problem
from bot.people import program_settings as program
from bot.rules.lifecycle import OfferState
from storage.db import Database
from storage.models import MentoringRequest, Offer, Person
from tests.worlds import make

TEAM_PREFERENCES = ("either", "same", "other")
ZONES = {"Europe/Berlin": 3600, "America/Los_Angeles": -8 * 3600, "Asia/Tokyo": 9 * 3600, "Europe/London": 0}


def _world(db: Database, clock: FixedClock, seed: int) -> list[int]:
    rng = random.Random(seed)
    now = clock.now()
    with db.transaction() as session:
        depth = rng.choice([None, 1, 2])
        settings, errors = program.validate(
            {"allow_guests": rng.random() < 0.5, "max_tz_gap_hours": rng.choice([4, 8, 12])}
        )
        assert not errors
        if depth is not None:
            settings, errors = program.validate({"reporting_line_depth": depth}, settings)
            assert not errors
        program.save(session, make.TEAM_ID, settings, now)
        people: list[Person] = []
        for i in range(12):
            zone = rng.choice(sorted(ZONES))
            people.append(
                make.person(
                    session,
                    f"U{seed}X{i}",
                    now,
                    tz=zone,
                    tz_offset=ZONES[zone],
                    org_team=rng.choice(["Support", "Platform", None]),
                    is_guest=rng.random() < 0.15,
                    is_bot=rng.random() < 0.08,
                    is_deleted=rng.random() < 0.08,
                )
            )
        session.flush()
        for p in people:  # a random org chart, cycles allowed (bad data must be tolerated the same way)
            if rng.random() < 0.7:
                p.manager_id = rng.choice(people).id
        for p in rng.sample(people, 7):
            make.volunteer(
                session,
                p,
                now,
                topics=["Giving feedback"],
                capacity=rng.choice([1, 2]),
                active=rng.random() < 0.85,
                open_to_other_teams=rng.random() < 0.7,
                paused_until=(now + timedelta(days=3)).date() if rng.random() < 0.15 else None,
            )
        for _ in range(8):
            mentee, copilot = rng.sample(people, 2)
            make.pairing(session, mentee, copilot, now, state=rng.choice(["active", "ended", "paused"]))
        for _ in range(8):
            mentee, copilot = rng.sample(people, 2)
            request = MentoringRequest(
                team_id=make.TEAM_ID, mentee_id=mentee.id, goals="g", cadence="weekly", created_at=now
            )
            session.add(request)
            session.flush()
            answered = now - timedelta(days=rng.choice([5, 200]))
            status = rng.choice([OfferState.DECLINED, OfferState.PENDING])
            session.add(
                Offer(
                    team_id=make.TEAM_ID,
                    request_id=request.id,
                    copilot_id=copilot.id,
                    status=status,
                    created_at=answered,
                    expires_at=answered + timedelta(days=3),
                    answered_at=answered if status == OfferState.DECLINED else None,
                )
            )
        return [p.id for p in people]


@pytest.mark.parametrize("seed", range(6))
def test_the_pair_read_judges_a_named_colleague_as_the_whole_workspace_read_does(db, clock, seed):
    ids = _world(db, clock, seed)
    verdicts = 0
    with db.transaction() as session:
        full = load_match_data(session, make.TEAM_ID, clock.now())
        people = {i: session.get(Person, i) for i in ids}
        for mentee_id in ids:
            for copilot_id in ids:
                mentee, copilot = people[mentee_id], people[copilot_id]
                pair = load_pair_data(session, make.TEAM_ID, mentee, copilot, clock.now())
                for preference in TEAM_PREFERENCES:
                    expected = copilot_problem(full, mentee, copilot, preference)
                    assert copilot_problem(pair, mentee, copilot, preference) == expected, (
                        mentee_id,
                        copilot_id,
                        preference,
                    )
                    verdicts += expected is not None
    assert verdicts > 0  # the worlds do rule people out, so agreement is not vacuous

"""A lead's cut of the program facts (bot/oversight/lead_facts.py) gives exactly the figures the whole facts
give: the digest, its chart and its week-on-week changes, on random workspaces and random scopes.

The reference is the summary rules run on the whole facts, which filter to the scope themselves.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.oversight.lead_facts import LeadFacts
from bot.rules.summary_figures import (
    BuddyFacts,
    IntroFacts,
    MeetingFacts,
    OfferFacts,
    PairingFacts,
    PersonFacts,
    ProgramFacts,
    PulseFacts,
    RequestFacts,
    Scope,
    VolunteerFacts,
    changes_since,
    digest_figures,
    summarize,
    weekly_health,
)

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
STATES = ["setting_expectations", "active", "paused", "stalled", "ended"]


def _when(rng: random.Random, days: int = 120) -> datetime:
    return NOW - timedelta(days=rng.uniform(0, days))


def _world(seed: int) -> ProgramFacts:
    rng = random.Random(seed)
    people_ids = list(range(1, 121))
    person = lambda: rng.choice(people_ids)  # noqa: E731
    people = {i: PersonFacts(i, f"U{i}", f"P{i}", None, "UTC", rng.random() < 0.05) for i in people_ids}
    requests = [
        RequestFacts(r, person(), rng.choice(["open", "matched", "withdrawn"]), _when(rng))
        for r in range(1, 80)
    ]
    pairings = []
    for n in range(1, 150):
        state = rng.choice(STATES)
        created = _when(rng)
        activated = created + timedelta(days=rng.uniform(0, 10)) if state != "setting_expectations" else None
        pairings.append(
            PairingFacts(
                n,
                person(),
                person(),
                rng.choice([None, *range(1, 90)]),  # some requests are unknown here
                state,
                rng.choice(["weekly", "biweekly", "monthly", None]),
                rng.random() < 0.3,
                created,
                activated,
                _when(rng, 40) if rng.random() < 0.6 else None,
                NOW + timedelta(days=rng.uniform(-20, 10)) if rng.random() < 0.8 else None,
                _when(rng, 30) if state == "ended" else None,
                "done" if state == "ended" else None,
            )
        )
    return ProgramFacts(
        people=people,
        volunteers=[
            VolunteerFacts(
                p, rng.randint(1, 3), rng.random() < 0.8, date(2026, 3, 20) if rng.random() < 0.1 else None
            )
            for p in rng.sample(people_ids, 40)
        ],
        requests=requests,
        offers=[
            OfferFacts(o, rng.choice([*range(1, 90)]), person(), rng.choice(["pending", "declined"]))
            for o in range(1, 60)
        ],
        pairings=pairings,
        meetings=[MeetingFacts(rng.randint(1, 160), _when(rng, 100)) for _ in range(300)],
        introductions=[IntroFacts(person(), person(), c, rng.choice(["asked", "met"])) for c in range(1, 40)],
        pulses=[
            PulseFacts(rng.randint(1, 150), person(), rng.randint(1, 5), _when(rng, 30)) for _ in range(200)
        ],
        buddies=[
            BuddyFacts(b, person(), rng.choice([None, person()]), rng.choice(["active", "finding", "ended"]))
            for b in range(1, 30)
        ],
    )


@pytest.mark.parametrize("seed", range(12))
def test_a_leads_cut_gives_the_figures_of_the_whole_facts(seed: int):
    facts = _world(seed)
    cut = LeadFacts.of(facts)
    rng = random.Random(1000 + seed)
    scopes = [Scope("everyone")] + [
        Scope(f"lead {n}", frozenset(rng.sample(range(1, 121), rng.choice([1, 3, 10, 40, 119]))))
        for n in range(8)
    ]
    for scope in scopes:
        mine = cut.for_scope(scope)
        whole, part = summarize(facts, scope, NOW), summarize(mine, scope, NOW)
        assert part == whole
        assert weekly_health(mine, scope, NOW) == weekly_health(facts, scope, NOW)
        previous = digest_figures(whole) if seed % 2 else None
        assert changes_since(mine, scope, part, previous, NOW) == changes_since(
            facts, scope, whole, previous, NOW
        )
        if scope.person_ids is not None:
            # and it is a cut: a lead of a few people gets a few pairings, not the workspace's
            assert len(mine.pairings) <= sum(
                1 for p in facts.pairings if {p.mentee_id, p.copilot_id} & scope.person_ids
            )

"""A lead's share of a workspace's program facts, cut once per digest pass instead of scanned per lead.

`summarize`, `weekly_health` and `changes_since` filter the facts they are given to a scope, so a digest
pass over a workspace's leads scanned every pairing, meeting, pulse and request once per lead: quadratic
(4.7 s for 134 leads at 10,000 pairings, 15 s for 267 at 20,000). `LeadFacts.of(facts)` indexes the
facts by person and by pairing once; `for_scope` then gives each lead the facts that can touch their
scope, in their original order, so the figures are the ones the whole facts give
(`tests/unit/test_lead_facts.py` compares them on random workspaces).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.rules.summary_figures import ProgramFacts, Scope

T = TypeVar("T")
_Positions = dict[int, list[int]]  # an id -> positions in one of the facts' lists


@dataclass(frozen=True)
class LeadFacts:
    facts: ProgramFacts
    pairings_of_person: _Positions
    meetings_of_pairing: _Positions
    pulses_of_pairing: _Positions
    volunteers_of_person: _Positions
    requests_of_mentee: _Positions
    request_at: dict[int, int]  # request id -> its position
    offers_of_person: _Positions  # the offer's copilot, and its request's mentee
    introductions_of_person: _Positions
    buddies_of_person: _Positions

    @classmethod
    def of(cls, facts: ProgramFacts) -> LeadFacts:
        """Index the facts (which must not change afterwards)."""
        requests = {r.id: n for n, r in enumerate(facts.requests)}
        return cls(
            facts,
            _index((n, (p.mentee_id, p.copilot_id)) for n, p in enumerate(facts.pairings)),
            _index((n, (m.pairing_id,)) for n, m in enumerate(facts.meetings)),
            _index((n, (p.pairing_id,)) for n, p in enumerate(facts.pulses)),
            _index((n, (v.person_id,)) for n, v in enumerate(facts.volunteers)),
            _index((n, (r.mentee_id,)) for n, r in enumerate(facts.requests)),
            requests,
            _index(
                (n, (o.copilot_id, *_mentee_of(facts, requests, o.request_id)))
                for n, o in enumerate(facts.offers)
            ),
            _index((n, (i.introducer_id, i.introduced_id)) for n, i in enumerate(facts.introductions)),
            _index(
                (n, (b.new_hire_id,) if b.buddy_id is None else (b.new_hire_id, b.buddy_id))
                for n, b in enumerate(facts.buddies)
            ),
        )

    def for_scope(self, scope: Scope) -> ProgramFacts:
        """The facts a summary of `scope` reads: everything about its people and their pairings (the whole
        facts for a workspace scope). Everyone's names stay: a pairing's partner may be outside."""
        facts = self.facts
        if scope.person_ids is None:
            return facts
        people = scope.person_ids
        pairings = _union(self.pairings_of_person, people)
        pairing_ids = [facts.pairings[n].id for n in pairings]
        # a pairing's request (its days to active), though its mentee may be outside the scope
        requests = set(_union(self.requests_of_mentee, people))
        requests.update(
            self.request_at[p.request_id]
            for p in (facts.pairings[n] for n in pairings)
            if p.request_id in self.request_at
        )
        # an offer's request (whether its mentee is in scope)
        offers = _union(self.offers_of_person, people)
        requests.update(
            self.request_at[facts.offers[n].request_id]
            for n in offers
            if facts.offers[n].request_id in self.request_at
        )
        return ProgramFacts(
            people=facts.people,
            volunteers=_at(facts.volunteers, _union(self.volunteers_of_person, people)),
            requests=_at(facts.requests, sorted(requests)),
            offers=_at(facts.offers, offers),
            pairings=_at(facts.pairings, pairings),
            meetings=_at(facts.meetings, _union(self.meetings_of_pairing, pairing_ids)),
            introductions=_at(facts.introductions, _union(self.introductions_of_person, people)),
            pulses=_at(facts.pulses, _union(self.pulses_of_pairing, pairing_ids)),
            buddies=_at(facts.buddies, _union(self.buddies_of_person, people)),
        )


def _index(entries: Iterable[tuple[int, tuple[int, ...]]]) -> _Positions:
    found: _Positions = defaultdict(list)
    for position, keys in entries:
        for key in set(keys):
            found[key].append(position)
    return dict(found)


def _mentee_of(facts: ProgramFacts, requests: dict[int, int], request_id: int) -> tuple[int, ...]:
    at = requests.get(request_id)
    return () if at is None else (facts.requests[at].mentee_id,)


def _union(index: _Positions, keys: Iterable[int]) -> list[int]:
    """The positions of every key's entries, each once, in the facts' own order."""
    return sorted({position for key in keys for position in index.get(key, ())})


def _at(items: Sequence[T], positions: list[int]) -> list[T]:
    return [items[n] for n in positions]

"""The hard rules hold for the whole life of an offer and a pairing: an ``org_changed`` hook (bot/app.py).

After the org chart changes (the admin's person form, ``import-org``, the Slack people sync), every pending
offer and open pairing of the workspace is checked against the lifetime rules
(``bot.rules.matching.facts.standing_reason``, read by ``bot.people.standing``). An offer they no longer
allow is withdrawn (the copilot is told only that the program's rules no longer allow the pairing) and
the next candidate is asked; a pairing is ended kindly (``bot.expectations.later_life.end_not_allowed``:
both are told only that). What was undone is returned, in words, for the admin's report.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.copilots.offers import offer_next, withdraw_offer
from bot.expectations.later_life import end_not_allowed
from bot.i18n import _
from bot.messages.offers import NOT_ALLOWED
from bot.people import program_settings as program
from bot.people.directory import display_name
from bot.people.standing import match_rules, standing_block, workspace_org_chart
from bot.rules.lifecycle import OPEN_REQUEST_STATES, OPEN_STATES, OfferState
from bot.runtime import Runtime
from storage.models import MentoringRequest, Offer, Pairing, Person


def enforce_rules(runtime: Runtime, session: Session, team_id: str) -> list[str]:
    """Withdraw the pending offers and end the open pairings the rules no longer allow; say which."""
    now = runtime.clock.now()
    org = workspace_org_chart(session, team_id)
    rules = match_rules(program.load(session, team_id))
    done: list[str] = []
    reoffer: dict[int, MentoringRequest] = {}
    offers = session.execute(
        select(Offer, MentoringRequest)
        .join(MentoringRequest, MentoringRequest.id == Offer.request_id)
        .where(Offer.team_id == team_id, Offer.status == OfferState.PENDING)
        .order_by(Offer.id)
    ).all()
    pairings = session.scalars(
        select(Pairing).where(Pairing.team_id == team_id, Pairing.state.in_(OPEN_STATES)).order_by(Pairing.id)
    ).all()
    people = _people(
        session,
        team_id,
        {r.mentee_id for _, r in offers}
        | {o.copilot_id for o, _ in offers}
        | {p.mentee_id for p in pairings}
        | {p.copilot_id for p in pairings},
    )
    for offer, request in offers:
        mentee, copilot = people.get(request.mentee_id), people.get(offer.copilot_id)
        if mentee is None or copilot is None:
            continue
        if standing_block(session, mentee, copilot, org=org, rules=rules) is None:
            continue
        withdraw_offer(session, offer, now, why=NOT_ALLOWED)
        reoffer[request.id] = request
        done.append(
            _(
                "the offer to {copilot} for {mentee}'s request was withdrawn",
                copilot=display_name(copilot),
                mentee=display_name(mentee),
            )
        )
    pairings = session.scalars(
        select(Pairing).where(Pairing.team_id == team_id, Pairing.state.in_(OPEN_STATES)).order_by(Pairing.id)
    ).all()
    for pairing in pairings:
        mentee, copilot = people.get(pairing.mentee_id), people.get(pairing.copilot_id)
        if mentee is None or copilot is None:
            continue
        if standing_block(session, mentee, copilot, org=org, rules=rules) is None:
            continue
        if end_not_allowed(session, pairing, now):
            done.append(
                _(
                    "the pairing of {mentee} and {copilot} was ended",
                    mentee=display_name(mentee),
                    copilot=display_name(copilot),
                )
            )
    session.flush()
    for request in reoffer.values():
        if request.status in OPEN_REQUEST_STATES and not _pending_offer(session, request):
            offer_next(runtime, session, request)
    return done


def _people(session: Session, team_id: str, ids: set[int]) -> dict[int, Person]:
    """The people in open offers and pairings, read in a few IN (...) queries rather than one by one."""
    found: dict[int, Person] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        found.update(
            (p.id, p)
            for p in session.scalars(select(Person).where(Person.team_id == team_id, Person.id.in_(chunk)))
        )
    return found


def _pending_offer(session: Session, request: MentoringRequest) -> bool:
    return (
        session.scalar(
            select(Offer.id)
            .where(Offer.request_id == request.id, Offer.status == OfferState.PENDING)
            .limit(1)
        )
        is not None
    )

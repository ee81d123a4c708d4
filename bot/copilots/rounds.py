"""Matching rounds: every open request nobody has been asked for yet, paired at once
(bot.rules.matching.rounds.assign_round), from `/mentor admin`'s button or `mentor-bot match --round`;
and the program-level counts an admin sees beside the button.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.copilots.match_data import already_asked, history_without, load_match_data, mentee_facts
from bot.copilots.offers import make_offer, nobody_available, waiting_count
from bot.people.directory import display_name
from bot.rules.cohorts import CohortState
from bot.rules.lifecycle import OfferState, RequestState
from bot.rules.matching.rounds import assign_round
from bot.runtime import Runtime
from storage.models import Cohort, MentoringRequest, Offer


@dataclass(frozen=True)
class RoundPair:
    request_id: int
    mentee: str
    copilot: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RoundReport:
    team_id: str
    seed: int
    dry_run: bool
    pairs: tuple[RoundPair, ...] = ()
    waiting: tuple[int, ...] = ()  # request ids nobody fits this round
    offers: tuple[int, ...] = field(default_factory=tuple)

    def lines(self) -> list[str]:
        head = f"Matching round for {self.team_id} (seed {self.seed})"
        lines = [head + (": DRY RUN, nothing changed and nothing sent" if self.dry_run else "")]
        for pair in self.pairs:
            lines.append(
                f"  request {pair.request_id}: {pair.mentee} -> {pair.copilot} (score {pair.score:g})"
            )
            lines.extend(f"      {reason}" for reason in pair.reasons)
        verb = "would be offered" if self.dry_run else "offered"
        lines.append(f"{len(self.pairs)} {verb}, {len(self.waiting)} still waiting")
        return lines


def teams_with_open_requests(runtime: Runtime) -> list[str]:
    with runtime.db.transaction() as session:
        return list(
            session.scalars(
                select(MentoringRequest.team_id)
                .where(MentoringRequest.status == RequestState.OPEN)
                .distinct()
                .order_by(MentoringRequest.team_id)
            )
        )


def run_round(runtime: Runtime, team_id: str, *, seed: int = 0, dry_run: bool = False) -> RoundReport:
    """Pair every open request nobody has been asked for yet, all at once (bot.rules.matching.rounds.assign_round).

    A dry run reports the proposed pairs and changes nothing. The same data and seed give the same round.
    Sign-ups to a cohort still taking them wait for the cohort's own round (bot.cohorts.rounds).
    """
    with runtime.db.transaction() as session:
        query = (
            select(MentoringRequest)
            .where(
                MentoringRequest.team_id == team_id,
                MentoringRequest.status == RequestState.OPEN,
                or_(
                    MentoringRequest.cohort_id.is_(None),
                    MentoringRequest.cohort_id.not_in(
                        select(Cohort.id).where(Cohort.state == CohortState.SIGNING_UP)
                    ),
                ),
            )
            .order_by(MentoringRequest.id)
        )
        if not dry_run and session.get_bind().dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        report = pair_requests(
            runtime, session, team_id, list(session.scalars(query)), seed=seed, dry_run=dry_run
        )
        if dry_run:
            session.rollback()
        return report


def pair_requests(
    runtime: Runtime,
    session: Session,
    team_id: str,
    requests: Sequence[MentoringRequest],
    *,
    seed: int = 0,
    dry_run: bool = False,
    volunteer_ids: Collection[int] | None = None,
) -> RoundReport:
    """One optimal round over `requests`, among every volunteer or only `volunteer_ids` (person ids).

    A dry run writes nothing and sends nothing; otherwise each pair's copilot is offered the request (the
    usual offer and consent) and the rest stay open."""
    if not requests:
        return RoundReport(team_id, seed, dry_run)
    now = runtime.clock.now()
    data = load_match_data(session, team_id, now, seed=seed)
    asked = already_asked(session, [r.id for r in requests])
    history = data.history
    mentees = []
    for request in requests:
        mentee = data.people[request.mentee_id]
        mentees.append(mentee_facts(request, mentee, data.workspace_topics))
        history = history_without(history, mentee.id, asked[request.id])
    volunteers = data.volunteers
    if volunteer_ids is not None:
        allowed = set(volunteer_ids)
        volunteers = [v for v in volunteers if v.person_id in allowed]
    result = assign_round(mentees, volunteers, data.org, history, data.rules)
    by_id = {r.id: r for r in requests}
    pairs = tuple(
        RoundPair(
            request_id=p.request_id,
            mentee=display_name(data.people[p.mentee_id]),
            copilot=display_name(data.people[p.volunteer_id]),
            score=p.score.total,
            reasons=tuple(part.reason for part in p.score.parts),
        )
        for p in result.pairs
    )
    if dry_run:
        return RoundReport(team_id, seed, True, pairs, result.unmatched)
    offers = []
    for p in result.pairs:
        request = by_id[p.request_id]
        offer = make_offer(
            runtime,
            session,
            data,
            request,
            data.people[p.volunteer_id],
            p.score,
            first=not asked[request.id],
        )
        offers.append(offer.id)
    for request_id in result.unmatched:
        request = by_id[request_id]
        nobody_available(runtime, session, data, request, len(asked[request_id]), tell_admins=False)
    return RoundReport(team_id, seed, False, pairs, result.unmatched, tuple(offers))


def matching_counts(runtime: Runtime, team_id: str) -> tuple[int, int]:
    """(requests waiting for a copilot, offers waiting for an answer): program-level counts."""
    with runtime.db.transaction() as session:
        pending = session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.team_id == team_id, Offer.status == OfferState.PENDING)
        )
        return waiting_count(session, team_id), pending or 0

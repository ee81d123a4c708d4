"""The hardening world: two pairs with agreements, check-ins and pulses; a pair still setting
expectations; introductions, a contact and a promise; an open request with a pending and a declined
offer; volunteers; an outsider and a program admin. Every private text field holds a marker from
MARKERS, so a test can tell whether any of it reached someone it does not concern.

Used by the authorization, hostile input and double-submit tests (tests/flows/hardening.py drives it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.people.topics import workspace_topics
from tests.harness import TEAM_ID, RunningBot
from tests.worlds import make

OUTSIDER = "UOUTSIDER"
ADMIN = "UADMIN"

# Private text seeded into every place the privacy classes name. None of it may reach an outsider.
MARKERS = {
    "goals": "SECRET-GOALS-7q1",
    "request_goals": "SECRET-REQUEST-GOALS-3k9",
    "answers": "SECRET-ANSWERS-5x2",
    "proposal": "SECRET-PROPOSAL-8m4",
    "report_back": "SECRET-REPORT-BACK-2v6",
    "reflection": "SECRET-REFLECTION-9d3",
    "intro_reason": "SECRET-INTRO-REASON-4h8",
    "intro_report": "SECRET-INTRO-REPORT-6j5",
    "contact_notes": "SECRET-CONTACT-NOTES-1w7",
    "contact_name": "SECRET-CONTACT-NAME-0z2",
    "promise": "SECRET-PROMISE-3n1",
    "decline_reason": "SECRET-DECLINE-REASON-5p8",
    "pulse_comment": "SECRET-PULSE-COMMENT-7t4",
    "offer_intro": "SECRET-VOLUNTEER-INTRO-2c6",
}


@dataclass
class World:
    people: dict[str, int]  # slack user id -> person id
    pairings: list[int]  # active pair 1, active pair 2, pair 3 setting expectations
    agreements: list[tuple[int, int]]  # (pairing id, version)
    checkins: list[int]
    pulses: list[int]
    report_backs: list[int]
    requests: list[int]
    offers: list[int]  # the pending offer first
    introductions: list[int]
    contacts: list[int]
    promises: list[int]
    today: date
    extra: dict[str, Any] = field(default_factory=dict)

    def object_ids(self) -> list[int]:
        """Every id an action could point at, whatever its kind."""
        ids = {
            *self.pairings,
            *self.checkins,
            *self.pulses,
            *self.report_backs,
            *self.requests,
            *self.offers,
            *self.introductions,
            *self.contacts,
            *self.promises,
        }
        return sorted(ids)


def seed_world(bot: RunningBot) -> World:
    """Two pairs with agreements, check-ins and pulses; a pair still setting expectations; an
    introduction; contacts and promises; an open request with a pending offer; a volunteer; an outsider."""
    slack, now = bot.slack, bot.clock.now()
    with bot.runtime.db.transaction() as s:
        names = {
            "UANA": "ana",
            "USAM": "sam",
            "UCARA": "cara",
            "UDEV": "dev",
            "UEVE": "eve",
            "UFRED": "fred",
            "UGIL": "gil",
            "UHAL": "hal",
            OUTSIDER: "oscar",
            ADMIN: "adele",
        }
        everyone = [make.person(s, uid, now, slack=slack, name=name) for uid, name in names.items()]
        ana, sam, cara, dev, eve, fred, gil, hal = everyone[:8]
        topics = workspace_topics(s, TEAM_ID)  # the default topics a workspace gets on first use
        for copilot in (sam, dev, fred, hal):
            make.volunteer(s, copilot, now, topics=topics[:2], capacity=3, intro=MARKERS["offer_intro"])

        terms = make.standard_terms(goals=MARKERS["goals"])
        one = make.pairing(s, ana, sam, now, channel_id="GPAIR1")
        two = make.pairing(s, cara, dev, now, channel_id="GPAIR2")
        three = make.pairing(s, gil, hal, now, state="setting_expectations", channel_id="GPAIR3")
        make.agreement(s, one, now, terms=terms)
        make.agreement(s, two, now, terms=terms)
        make.agreement(
            s,
            three,
            now,
            terms={"goals": MARKERS["goals"]},
            confirmed=False,
            proposals={"cadence": {"by": "mentee", "value": "fortnightly", "note": MARKERS["proposal"]}},
        )
        make.answers(s, three, gil, {"goals": MARKERS["answers"], "cadence": "weekly"}, now, round=1)
        checkins = [
            make.checkin(s, one, now - timedelta(hours=1)),
            make.checkin(
                s,
                two,
                now - timedelta(hours=1),
                status="met",
                met_at=now,
                answered_by_id=cara.id,
                answered_at=now,
            ),
        ]
        reports = [make.report_back(s, one, ana, MARKERS["report_back"], now, checkin_id=checkins[0].id)]
        pulses = [
            make.pulse(
                s,
                p,
                who,
                now,
                score=4 if who is ana else None,
                comment=MARKERS["pulse_comment"] if who is ana else None,
                answered_at=now if who is ana else None,
            )
            for p, who in ((one, ana), (one, sam), (two, cara))
        ]
        make.reflection(s, one, sam, MARKERS["reflection"], now)
        intros = [
            make.introduction(
                s,
                sam,
                ana,
                dev,
                now - timedelta(days=8),
                reason=MARKERS["intro_reason"],
                pairing_id=one.id,
                channel_id="GINTRO",
                status="met",
            ),
            make.introduction(
                s,
                dev,
                cara,
                sam,
                now - timedelta(days=8),
                reason=MARKERS["intro_reason"],
                pairing_id=two.id,
                channel_id="GINTRO2",
                status="met",
                report_back=MARKERS["intro_report"],
            ),
        ]
        contacts = [
            make.contact(
                s,
                ana,
                now,
                slack_user_id=dev.slack_user_id,
                name=MARKERS["contact_name"],
                notes=MARKERS["contact_notes"],
                common_ground=MARKERS["contact_notes"],
                keep_in_touch_days=30,
            )
        ]
        promises = [
            make.promise(
                s,
                ana,
                now,
                text=MARKERS["promise"],
                due_on=now.date() + timedelta(days=2),
                to_slack_user_id=sam.slack_user_id,
                to_name="sam",
            )
        ]
        request = make.request(
            s, eve, now, goals=MARKERS["request_goals"], topics=topics[:1], status="offered"
        )
        offers = [
            make.offer(s, request, fred, now),
            make.offer(
                s,
                request,
                hal,
                now,
                status="declined",
                decline_reason=MARKERS["decline_reason"],
                answered_at=now,
            ),
        ]
        return World(
            people={p.slack_user_id: p.id for p in everyone},
            pairings=[one.id, two.id, three.id],
            agreements=[(one.id, 1), (two.id, 1), (three.id, 1)],
            checkins=[c.id for c in checkins],
            pulses=[p.id for p in pulses],
            report_backs=[r.id for r in reports],
            requests=[request.id],
            offers=[o.id for o in offers],
            introductions=[i.id for i in intros],
            contacts=[c.id for c in contacts],
            promises=[p.id for p in promises],
            today=now.date(),
            extra={"topics": topics},
        )

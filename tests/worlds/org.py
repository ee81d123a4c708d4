"""A ~50-person org for summary tests: 3 leads with chains, 1 admin, a pool of volunteers, pairings in
every health state, and a unique "SECRET-..." marker in every private text field (and a few others)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.demo.slack_standin import SlackStandIn
from storage.models import (
    Pairing,
)
from tests.worlds import make

ADMIN = "UADMIN"
LEADS = {"UL1": "Europe/Berlin", "UL2": "America/New_York", "UL3": "Asia/Kolkata"}
USERGROUP = "S0L3GROUP"  # assigned to UL3: its members UP19, UP20
MARKER = "SECRET-"
HEALTH_OF_REPORT = {
    1: "on_track",
    2: "overdue",
    3: "stalled",
    4: "paused",
    5: "setting_expectations",
    6: "ended",
}


@dataclass
class Org:
    # lead user id -> the Slack ids of everyone below them
    trees: dict[str, set[str]] = field(default_factory=dict)
    # pairing id -> (mentee user id, copilot user id, expected health or "ended")
    pairings: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)

    def secret(self, what: str) -> str:
        marker = f"{MARKER}{what}-{len(self.markers) + 1}"
        self.markers.append(marker)
        return marker

    def open_pairings_of(self, user_ids: set[str]) -> set[int]:
        return {
            pid
            for pid, (mentee, copilot, health) in self.pairings.items()
            if health != "ended" and (mentee in user_ids or copilot in user_ids)
        }


def seed_org(session: Session, now: datetime, slack: SlackStandIn) -> Org:
    org = Org()
    people = {}

    def add(uid: str, *, tz: str = "Europe/London", manager: str | None = None, team: str = "Product"):
        people[uid] = make.person(
            session,
            uid,
            now - timedelta(days=200),
            slack=slack,
            name=uid.lower(),
            real_name=f"Person {uid[1:]}",
            tz=tz,
            org_team=team,
            manager_id=people[manager].id if manager else None,
        )
        return people[uid]

    add(ADMIN, team="People")
    for n in range(1, 21):
        add(f"UP{n:02d}", team="Pool")
    for n in range(1, 16):
        make.volunteer(
            session, people[f"UP{n:02d}"], now, topics=["Feedback"], capacity=3, intro=org.secret("PROFILE")
        )
    slack.set_usergroup(USERGROUP, ["UP19", "UP20"])

    for k, (lead, tz) in enumerate(LEADS.items(), start=1):
        team = f"Team{k}"
        add(lead, tz=tz, team=team)
        tree: set[str] = set()
        for m in (1, 2):
            manager = f"UL{k}M{m}"
            add(manager, tz=tz, manager=lead, team=team)
            tree.add(manager)
            for r in (1, 2, 3):
                tree.add(add(f"UL{k}M{m}R{r}", tz=tz, manager=manager, team=team).slack_user_id)
        org.trees[lead] = tree
        reports = sorted(u for u in tree if "R" in u[2:])
        for i, mentee_id in enumerate(reports, start=1):
            copilot_id = f"UP{((k - 1) * 6 + i - 1) % 15 + 1:02d}"
            _pairing(session, org, people[mentee_id], people[copilot_id], HEALTH_OF_REPORT[i], now)
        manager = people[f"UL{k}M1"]
        request = make.request(session, manager, now - timedelta(days=3 + k), goals=org.secret("GOAL"))
        for status, copilot in (("pending", "UP16"), ("declined", "UP17")):
            make.offer(
                session,
                request,
                people[copilot],
                now - timedelta(days=2),
                status=status,
                decline_reason=org.secret("DECLINE") if status == "declined" else None,
                expires_at=now + timedelta(days=1),
            )
        first, second = people[reports[0]], people[reports[1]]
        make.introduction(
            session,
            first,
            second,
            people["UP18"],
            now - timedelta(days=9),
            reason=org.secret("INTRO"),
            report_back=org.secret("INTROREPORT"),
            status="met" if k == 1 else "made",
        )
        make.contact(
            session,
            first,
            now,
            slack_user_id="UP18",
            name=org.secret("CONTACTNAME"),
            common_ground=org.secret("COMMON"),
            notes=org.secret("CONTACTNOTE"),
            referrals=org.secret("REFERRAL"),
        )
        make.promise(
            session,
            first,
            now,
            to_name=org.secret("PROMISETO"),
            text=org.secret("PROMISE"),
            due_on=(now + timedelta(days=3)).date(),
        )
    # UL3 also leads a Slack user group: UP19 is mentored by UP17.
    _pairing(session, org, people["UP19"], people["UP17"], "on_track", now)
    session.flush()
    _pulses(session, org, people, now)
    return org


def _pairing(session: Session, org: Org, mentee, copilot, health: str, now: datetime) -> Pairing:  # type: ignore[no-untyped-def]
    state = {"on_track": "active", "overdue": "active"}.get(health, health)
    pair = make.pairing(
        session,
        mentee,
        copilot,
        now - timedelta(days=40),
        state=state,
        cadence="weekly",
        cross_team=True,
        paused_until=(now + timedelta(days=14)).date() if state == "paused" else None,
        next_checkin_at={
            "on_track": now + timedelta(days=3),
            "overdue": now - timedelta(days=2),
            "stalled": now - timedelta(days=20),
        }.get(health),
        ended_at=now - timedelta(days=5) if state == "ended" else None,
        end_reason="by_mentee" if state == "ended" else None,
    )
    pair.activated_at = None if state == "setting_expectations" else now - timedelta(days=35)
    org.pairings[pair.id] = (mentee.slack_user_id, copilot.slack_user_id, health)
    met_days_ago = {"on_track": 4, "overdue": 10, "stalled": 40, "paused": 20, "ended": 12}.get(health)
    if met_days_ago is not None:
        met = now - timedelta(days=met_days_ago)
        checkin = make.checkin(
            session, pair, met, status="met", met_at=met, answered_by_id=mentee.id, answered_at=met
        )
        make.report_back(session, pair, mentee, org.secret("REPORT"), now, checkin_id=checkin.id)
    for person in (mentee, copilot):
        given = {"goals": org.secret("ANSWER"), "expectations": org.secret("EXPECT")}
        make.answers(session, pair, person, given, now)
    if state != "setting_expectations":
        make.agreement(
            session,
            pair,
            now - timedelta(days=35),
            terms=make.standard_terms(goals=org.secret("TERMS"), offer=org.secret("OFFER")),
        )
    if state == "ended":
        make.reflection(session, pair, mentee, org.secret("REFLECT"), now)
    return pair


def _pulses(session: Session, org: Org, people, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Lead 1's people: 4 answered (an average is shown); lead 2's: 1 (too few); lead 3's: none."""
    by_mentee = {mentee: pid for pid, (mentee, _, _) in org.pairings.items()}
    answers = [
        ("UL1M1R1", "mentee", 4),
        ("UL1M1R1", "copilot", 5),
        ("UL1M1R2", "mentee", 3),
        ("UL1M1R2", "copilot", 2),
    ]
    answers.append(("UL2M1R1", "mentee", 5))
    for mentee, who, score in answers:
        pid = by_mentee[mentee]
        person = people[mentee] if who == "mentee" else people[org.pairings[pid][1]]
        make.pulse(
            session,
            session.get(Pairing, pid),
            person,
            now - timedelta(days=3),
            score=score,
            comment=org.secret("PULSE"),
            answered_at=now - timedelta(days=2),
        )
    session.flush()

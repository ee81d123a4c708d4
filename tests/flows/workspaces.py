"""Two workspaces installed through OAuth, seeded with the same Slack user ids and a marker in every text.

Workspace people (the same ids in both): U1 mentee of U2 (active, a pending check-in, a pulse, a
report-back), U3 mentee of U4 (setting expectations: answers on both sides), U5 program admin,
U6 lead of U1 and U3, U7 with an open request and a pending offer to U8, U9 a contact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.demo.slack_standin import UPLOAD_METHOD, SlackStandIn
from storage.db import Database
from storage.models import (
    Base,
    CheckIn,
    Contact,
    ExpectationAnswer,
    Introduction,
    MentoringRequest,
    Offer,
    OutboxMessage,
    Promise,
    Pulse,
    Reflection,
    ReportBack,
    Topic,
)
from tests import factories as f
from tests.harness import RunningBot

USERS = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")


def token_of(team_id: str) -> str:
    """The bot token the fake Slack's oauth.v2.access hands a workspace."""
    return f"xoxb-{team_id}-UBOT-standin"


@dataclass
class Workspace:
    team_id: str
    tag: str  # in every text this workspace stores, and in nothing else
    people: dict[str, int] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def text(self, what: str) -> str:
        return f"{self.tag}-{what}"


def add_slack_users(slack: SlackStandIn) -> None:
    """The fake Slack keeps one user per id: plain names, so only the database carries markers."""
    for uid in USERS:
        slack.add_user(uid, name=uid.lower(), real_name=f"Person {uid}", tz="Europe/Berlin")


def seed(session: Session, ws: Workspace, now: datetime) -> Workspace:
    t = ws.text
    people = {}
    for uid in USERS:
        people[uid] = f.person(
            session,
            uid,
            now - timedelta(days=100),
            team_id=ws.team_id,
            name=t(f"name{uid}"),
            real_name=t(f"Real {uid}"),
            email=f"{uid.lower()}@{ws.tag.lower()}.example",
            title=t(f"title{uid}"),
            org_team=t("team" + ("Eng" if uid in ("U1", "U3", "U6") else "Ops")),
            is_workspace_admin=uid == "U5",
        )
    people["U1"].manager_id = people["U6"].id
    people["U3"].manager_id = people["U6"].id
    ws.people = {uid: p.id for uid, p in people.items()}
    topic = t("topic")
    session.add(Topic(team_id=ws.team_id, name=topic))
    for uid in ("U2", "U4", "U8"):
        f.volunteer(session, people[uid], now, topics=[topic], capacity=2, intro=t(f"intro{uid}"))

    active = f.pairing(session, people["U1"], people["U2"], now - timedelta(days=30), channel_id=None)
    active.next_checkin_at = now + timedelta(days=2)
    f.agreement(
        session,
        active,
        now - timedelta(days=29),
        terms=f.standard_terms(
            goals=t("termsgoals"),
            offer=t("termsoffer"),
            expectations={"mentee": t("termsexpmentee"), "copilot": t("termsexpmentor")},
        ),
    )
    checkin = CheckIn(team_id=ws.team_id, pairing_id=active.id, cycle=1, due_at=now - timedelta(hours=1))
    session.add(checkin)
    session.flush()
    session.add(
        ReportBack(
            team_id=ws.team_id,
            pairing_id=active.id,
            author_id=people["U1"].id,
            text=t("reportU1"),
            created_at=now - timedelta(days=7),
        )
    )
    session.add(
        ReportBack(
            team_id=ws.team_id,
            pairing_id=active.id,
            author_id=people["U2"].id,
            text=t("reportU2"),
            created_at=now - timedelta(days=7),
        )
    )
    pulse = Pulse(
        team_id=ws.team_id,
        pairing_id=active.id,
        person_id=people["U1"].id,
        round=1,
        score=None,
        comment=t("pulseU1"),
        asked_at=now - timedelta(days=1),
    )
    session.add(pulse)
    session.add(
        Pulse(
            team_id=ws.team_id,
            pairing_id=active.id,
            person_id=people["U2"].id,
            round=1,
            score=4,
            comment=t("pulseU2"),
            asked_at=now - timedelta(days=1),
            answered_at=now - timedelta(hours=20),
        )
    )

    setting = f.pairing(
        session, people["U3"], people["U4"], now - timedelta(days=2), state="setting_expectations"
    )
    drafting = f.agreement(session, setting, now - timedelta(days=2), terms={}, confirmed=False)
    for uid, answer in (("U3", "goals"), ("U4", "offer")):
        session.add(
            ExpectationAnswer(
                team_id=ws.team_id,
                pairing_id=setting.id,
                person_id=people[uid].id,
                answers={answer: t(f"answer{uid}"), "expectations": t(f"expect{uid}"), "cadence": "weekly"},
                submitted_at=now - timedelta(days=1),
            )
        )

    ended = f.pairing(
        session,
        people["U1"],
        people["U4"],
        now - timedelta(days=90),
        state="ended",
        ended_at=now - timedelta(days=10),
        end_reason="by_mentee",
    )
    for uid in ("U1", "U4"):
        session.add(
            Reflection(
                team_id=ws.team_id,
                pairing_id=ended.id,
                author_id=people[uid].id,
                text=t(f"reflect{uid}"),
                created_at=now - timedelta(days=10),
            )
        )

    request = MentoringRequest(
        team_id=ws.team_id,
        mentee_id=people["U7"].id,
        goals=t("goalsU7"),
        topics=[topic],
        cadence="weekly",
        length_text=t("length"),
        status="offered",
        created_at=now - timedelta(days=1),
    )
    old_request = MentoringRequest(
        team_id=ws.team_id,
        mentee_id=people["U1"].id,
        goals=t("goalsU1"),
        topics=[topic],
        cadence="weekly",
        status="matched",
        created_at=now - timedelta(days=31),
        closed_at=now - timedelta(days=30),
    )
    session.add_all([request, old_request])
    session.flush()
    active.request_id = old_request.id
    offer = Offer(
        team_id=ws.team_id,
        request_id=request.id,
        copilot_id=people["U8"].id,
        status="pending",
        created_at=now - timedelta(hours=20),
        expires_at=now + timedelta(days=2),
    )
    declined = Offer(
        team_id=ws.team_id,
        request_id=request.id,
        copilot_id=people["U2"].id,
        status="declined",
        decline_reason=t("declineU2"),
        created_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=1),
        answered_at=now - timedelta(hours=21),
    )
    session.add_all([offer, declined])

    intro = Introduction(
        team_id=ws.team_id,
        introducer_id=people["U2"].id,
        introduced_id=people["U1"].id,
        contact_id=people["U9"].id,
        pairing_id=active.id,
        reason=t("introreasonU2"),
        status="met",
        report_back=t("introreportU1"),
        created_at=now - timedelta(days=12),
        resolved_at=now - timedelta(days=5),
    )
    made = Introduction(
        team_id=ws.team_id,
        introducer_id=people["U1"].id,
        introduced_id=people["U3"].id,
        contact_id=people["U9"].id,
        reason=t("introreasonU1"),
        created_at=now - timedelta(days=2),
    )
    contact = Contact(
        team_id=ws.team_id,
        owner_id=people["U1"].id,
        slack_user_id="U9",
        name=t("contactname"),
        common_ground=t("common"),
        notes=t("notesU1"),
        referrals=t("referrals"),
        keep_in_touch_days=14,
        created_at=now - timedelta(days=20),
        updated_at=now - timedelta(days=20),
    )
    partner_contact = Contact(
        team_id=ws.team_id,
        owner_id=people["U2"].id,
        slack_user_id="U1",
        name=t("contactofU2"),
        notes=t("contactnotesU2"),
        created_at=now - timedelta(days=20),
        updated_at=now - timedelta(days=20),
    )
    promise = Promise(
        team_id=ws.team_id,
        owner_id=people["U1"].id,
        to_slack_user_id="U9",
        to_name=t("promiseto"),
        text=t("promiseU1"),
        due_on=(now + timedelta(days=1)).date(),
        created_at=now - timedelta(days=3),
    )
    session.add_all([intro, made, contact, partner_contact, promise])
    session.flush()
    session.add(
        OutboxMessage(
            team_id=ws.team_id,
            dedupe_key=f"{ws.tag}:later:U1",
            kind="nudge_keep_in_touch",
            channel="U1",
            payload={"text": t("pendingtoU1"), "blocks": []},
            due_at=now + timedelta(days=3),
            status="pending",
            created_at=now,
        )
    )
    session.add(
        OutboxMessage(
            team_id=ws.team_id,
            dedupe_key=f"{ws.tag}:sent:U2",
            kind="report_back",
            channel="U2",
            payload={"text": f"U1 wrote: {t('reportU1')}", "blocks": []},
            due_at=now - timedelta(days=7),
            status="sent",
            sent_at=now - timedelta(days=7),
            created_at=now - timedelta(days=7),
        )
    )
    session.flush()
    ws.ids = {
        "pairing": active.id,
        "setting_pairing": setting.id,
        "ended_pairing": ended.id,
        "agreement_version": 1,
        "drafting_version": drafting.version,
        "checkin": checkin.id,
        "pulse": pulse.id,
        "request": request.id,
        "offer": offer.id,
        "intro": intro.id,
        "made_intro": made.id,
        "contact": contact.id,
        "promise": promise.id,
    }
    return ws


# --- looking at everything --------------------------------------------------------------------------


def team_rows(db: Database, team_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of one workspace in every table, as plain tuples (for before/after comparisons)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if "team_id" not in table.c:
                continue
            rows = conn.execute(select(table).where(table.c.team_id == team_id)).all()
            found[table.name] = sorted(tuple(json.dumps(v, default=str) for v in row) for row in rows)
    return found


def all_stored_text(db: Database) -> str:
    """Every text and JSON value in every table, joined (to look for markers)."""
    parts: list[str] = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)).all():
                parts.extend(json.dumps(v, default=str) for v in row if isinstance(v, str | dict | list))
    return "\n".join(parts)


def sent_to(bot: RunningBot, team_id: str, since: int = 0) -> str:
    """Everything the bot sent for one workspace: its token's calls, response_url answers, its uploads."""
    calls = bot.slack.calls[since:]
    uploaded_by_team: set[str] = set()
    for call in calls:
        if call.method == "files.completeUploadExternal" and call.token == token_of(team_id):
            uploaded_by_team.update(str(file.get("id")) for file in call.args.get("files") or [])
    picked = []
    for call in calls:
        if call.method == UPLOAD_METHOD:
            if str(call.args.get("file_id")) in uploaded_by_team:
                content = call.args.get("content", b"")
                picked.append(
                    content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
                )
        elif call.token in (None, token_of(team_id)):
            picked.append(json.dumps(call.args, default=str))
    return "\n".join(picked)

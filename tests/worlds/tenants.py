"""The tenant world: two workspaces installed through OAuth, seeded with the same Slack user ids and a marker in every text.

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
    OutboxMessage,
    Topic,
)
from tests.harness import RunningBot
from tests.worlds import make

A, B = "TA", "TB"  # the two workspaces
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
        people[uid] = make.person(
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
        make.volunteer(session, people[uid], now, topics=[topic], capacity=2, intro=t(f"intro{uid}"))

    active = make.pairing(session, people["U1"], people["U2"], now - timedelta(days=30), channel_id=None)
    active.next_checkin_at = now + timedelta(days=2)
    make.agreement(
        session,
        active,
        now - timedelta(days=29),
        terms=make.standard_terms(
            goals=t("termsgoals"),
            offer=t("termsoffer"),
            expectations={"mentee": t("termsexpmentee"), "copilot": t("termsexpmentor")},
        ),
    )
    checkin = make.checkin(session, active, now - timedelta(hours=1))
    for uid in ("U1", "U2"):
        make.report_back(session, active, people[uid], t(f"report{uid}"), now - timedelta(days=7))
    pulse = make.pulse(
        session, active, people["U1"], now - timedelta(days=1), score=None, comment=t("pulseU1")
    )
    make.pulse(
        session,
        active,
        people["U2"],
        now - timedelta(days=1),
        score=4,
        comment=t("pulseU2"),
        answered_at=now - timedelta(hours=20),
    )

    setting = make.pairing(
        session, people["U3"], people["U4"], now - timedelta(days=2), state="setting_expectations"
    )
    drafting = make.agreement(session, setting, now - timedelta(days=2), terms={}, confirmed=False)
    for uid, answer in (("U3", "goals"), ("U4", "offer")):
        given = {answer: t(f"answer{uid}"), "expectations": t(f"expect{uid}"), "cadence": "weekly"}
        make.answers(session, setting, people[uid], given, now - timedelta(days=1))

    ended = make.pairing(
        session,
        people["U1"],
        people["U4"],
        now - timedelta(days=90),
        state="ended",
        ended_at=now - timedelta(days=10),
        end_reason="by_mentee",
    )
    for uid in ("U1", "U4"):
        make.reflection(session, ended, people[uid], t(f"reflect{uid}"), now - timedelta(days=10))

    request = make.request(
        session,
        people["U7"],
        now - timedelta(days=1),
        goals=t("goalsU7"),
        topics=[topic],
        length_text=t("length"),
        status="offered",
    )
    old_request = make.request(
        session,
        people["U1"],
        now - timedelta(days=31),
        goals=t("goalsU1"),
        topics=[topic],
        status="matched",
        closed_at=now - timedelta(days=30),
    )
    active.request_id = old_request.id
    offer = make.offer(
        session, request, people["U8"], now - timedelta(hours=20), expires_at=now + timedelta(days=2)
    )
    make.offer(
        session,
        request,
        people["U2"],
        now - timedelta(days=1),
        status="declined",
        decline_reason=t("declineU2"),
        expires_at=now + timedelta(days=1),
        answered_at=now - timedelta(hours=21),
    )

    intro = make.introduction(
        session,
        people["U2"],
        people["U1"],
        people["U9"],
        now - timedelta(days=12),
        reason=t("introreasonU2"),
        pairing_id=active.id,
        status="met",
        report_back=t("introreportU1"),
        resolved_at=now - timedelta(days=5),
    )
    made = make.introduction(
        session, people["U1"], people["U3"], people["U9"], now - timedelta(days=2), reason=t("introreasonU1")
    )
    contact = make.contact(
        session,
        people["U1"],
        now - timedelta(days=20),
        slack_user_id="U9",
        name=t("contactname"),
        common_ground=t("common"),
        notes=t("notesU1"),
        referrals=t("referrals"),
        keep_in_touch_days=14,
    )
    make.contact(
        session,
        people["U2"],
        now - timedelta(days=20),
        slack_user_id="U1",
        name=t("contactofU2"),
        notes=t("contactnotesU2"),
    )
    promise = make.promise(
        session,
        people["U1"],
        now - timedelta(days=3),
        to_slack_user_id="U9",
        to_name=t("promiseto"),
        text=t("promiseU1"),
        due_on=(now + timedelta(days=1)).date(),
    )
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
    buddies = make.buddy_pairing(
        session, people["U1"], people["U2"], now - timedelta(days=3), checklist=["tools"]
    )
    finding = make.buddy_pairing(session, people["U3"], None, now - timedelta(hours=2), state="offered")
    buddy_offer = make.buddy_offer(session, finding, people["U8"], now - timedelta(hours=2))
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
        "buddy_pairing": buddies.id,
        "buddy_offer": buddy_offer.id,
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

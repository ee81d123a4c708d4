"""Forget-me forgets everywhere, and does not break others (issue 16), over signed HTTP.

One person holds every role (mentee, copilot, volunteer, manager, lead, lead-group member, introduced,
contact, promise recipient, digest reader) with a marker in everything they wrote. After forget-me, every
table of ``storage.models`` and every Slack call made afterwards is scanned for their Slack id, names,
email and markers. Delivered messages that quoted them are overwritten in Slack. Their reports' chain
stays safe: they are matched with nobody while the manager is unknown, and when the same Slack id comes
back the keyed hash on the tombstone recognises it and the rule "a manager never mentors a report" holds.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot import outbox
from bot.demo.slack_standin import SlackStandIn
from bot.messages.data_rights import REMOVED_TEXT
from bot.outbox import Kind, Message
from bot.people.directory import find_person, sync_workspace
from bot.people.forgetting import FORGOTTEN_PREFIX
from bot.people.tombstones import tombstone_hash
from storage.models import (
    Base,
    CheckIn,
    Contact,
    ExpectationAnswer,
    Introduction,
    LeadDigest,
    LeadUsergroup,
    MentoringRequest,
    Offer,
    Person,
    Promise,
    Pulse,
    Reflection,
    ReportBack,
)
from tests.flows.copilots import offers_for, request_via_form, tick, volunteer_via_form
from tests.harness import TEAM_ID, RunningBot
from tests.worlds import make as f

ADMIN = "UADMIN"
X, PARTNER, QUINN, MAE, RAY, LEE, VAL = "UXAV", "UPAT", "UQUIN", "UMAE", "URAY", "ULEE", "UVAL"
NAME, REAL_NAME, EMAIL = "xavquill", "Xavier Quillfeather", "xav@quill.example"
TAG = "QXZ"  # in every text the forgotten person wrote or kept, and nowhere else
TRACES = (X, NAME, REAL_NAME, "Quillfeather", EMAIL, TAG)


def _dispatch(bot: RunningBot, rounds: int = 4) -> None:
    """Send everything due (one message per channel per pace, so a few rounds)."""
    for i in range(rounds):
        bot.tick(bot.clock.now() + timedelta(minutes=5 * i))


def seed_every_role(bot: RunningBot, slack: SlackStandIn) -> dict[str, int]:
    now = bot.clock.now()
    ids: dict[str, int] = {}
    slack.add_user(ADMIN, name="pat", real_name="Pat Admin")
    with bot.runtime.db.transaction() as s:
        x = f.person(s, X, now, name=NAME, real_name=REAL_NAME, email=EMAIL, slack=slack, title=f"{TAG}title")
        x.org_team, x.level = f"{TAG}team", 7
        others = {u: f.person(s, u, now, slack=slack) for u in (PARTNER, QUINN, MAE, RAY, LEE, VAL)}
        others[RAY].manager_id = x.id  # X manages Ray
        x.manager_id = others[LEE].id  # and reports to Lee
        f.volunteer(s, x, now, topics=["Giving feedback"], intro=f"{TAG}intro")
        f.volunteer(s, others[QUINN], now, topics=["Giving feedback"])
        # Mentee, in an active pairing with Pat: goals, topics, answers, a report-back, a pulse comment.
        request = MentoringRequest(
            team_id=TEAM_ID, mentee_id=x.id, goals=f"{TAG}goals I want to grow", topics=[f"{TAG}topic"],
            cadence="weekly", length_text=f"{TAG}length", team_preference="other", status="matched",
            created_at=now - timedelta(days=40),
        )  # fmt: skip
        open_request = MentoringRequest(
            team_id=TEAM_ID, mentee_id=x.id, goals=f"{TAG}second goals to share", topics=["Giving feedback"],
            cadence="weekly", status="offered", created_at=now - timedelta(days=1),
        )  # fmt: skip
        s.add_all([request, open_request])
        s.flush()
        active = f.pairing(s, x, others[PARTNER], now - timedelta(days=30), request_id=request.id)
        f.agreement(s, active, now - timedelta(days=29), terms=f.standard_terms(goals=f"{TAG}termsgoals"))
        s.add(
            ExpectationAnswer(
                team_id=TEAM_ID, pairing_id=active.id, person_id=x.id, answers={"goals": f"{TAG}answer"},
                submitted_at=now - timedelta(days=29),
            )
        )  # fmt: skip
        checkin = CheckIn(team_id=TEAM_ID, pairing_id=active.id, cycle=1, due_at=now + timedelta(days=1))
        report = ReportBack(
            team_id=TEAM_ID, pairing_id=active.id, author_id=x.id, text=f"{TAG}report we talked about",
            created_at=now - timedelta(days=3),
        )  # fmt: skip
        pulse = Pulse(
            team_id=TEAM_ID, pairing_id=active.id, person_id=x.id, round=1, score=4, comment=f"{TAG}pulse",
            asked_at=now - timedelta(days=2), answered_at=now - timedelta(days=2),
        )  # fmt: skip
        s.add_all([checkin, report, pulse])
        # Copilot of Mae (setting expectations), and an ended pairing with a reflection.
        f.pairing(s, others[MAE], x, now - timedelta(days=2), state="setting_expectations")
        ended = f.pairing(
            s, others[MAE], x, now - timedelta(days=90), state="ended", ended_at=now - timedelta(days=60),
            end_reason="by_mentee",
        )  # fmt: skip
        s.add(
            Reflection(
                team_id=TEAM_ID, pairing_id=ended.id, author_id=x.id, text=f"{TAG}reflection",
                created_at=now - timedelta(days=60),
            )
        )  # fmt: skip
        # An offer of X's open request to Quinn, quoting X's goals in Quinn's DM.
        offer = Offer(
            team_id=TEAM_ID, request_id=open_request.id, copilot_id=others[QUINN].id, status="pending",
            created_at=now, expires_at=now + timedelta(days=3),
        )  # fmt: skip
        # The network: Pat's automatic contact for X, Pat's promise to X, X's own contact and promise,
        # an introduction of X to Mae by Pat with X's report-back.
        s.add_all(
            [
                offer,
                Contact(
                    team_id=TEAM_ID, owner_id=others[PARTNER].id, slack_user_id=X, name=REAL_NAME,
                    common_ground="Copilots in the mentoring program", created_at=now, updated_at=now,
                ),
                Promise(
                    team_id=TEAM_ID, owner_id=others[PARTNER].id, to_slack_user_id=X, to_name=REAL_NAME,
                    text="send the slides", due_on=now.date() + timedelta(days=3), created_at=now,
                ),
                Contact(
                    team_id=TEAM_ID, owner_id=x.id, slack_user_id=MAE, name="Mae", notes=f"{TAG}notes",
                    created_at=now, updated_at=now,
                ),
                Promise(
                    team_id=TEAM_ID, owner_id=x.id, to_slack_user_id=MAE, to_name="Mae", text=f"{TAG}promise",
                    due_on=now.date() + timedelta(days=3), created_at=now,
                ),
                Introduction(
                    team_id=TEAM_ID, introducer_id=others[PARTNER].id, introduced_id=x.id,
                    contact_id=others[MAE].id, reason="you two should talk", report_back=f"{TAG}intro report",
                    created_at=now,
                ),
                # A lead: their own groups and digests, and a member of Lee's group.
                LeadUsergroup(
                    team_id=TEAM_ID, lead_person_id=x.id, usergroup_id="SXAV", member_user_ids=[RAY],
                    created_at=now,
                ),
                LeadUsergroup(
                    team_id=TEAM_ID, lead_person_id=others[LEE].id, usergroup_id="SLEE",
                    member_user_ids=[X, RAY], created_at=now,
                ),
            ]
        )  # fmt: skip
        digest = LeadDigest(
            team_id=TEAM_ID, lead_person_id=x.id, week="2026-W09", figures={"people": 1}, created_at=now
        )
        s.add(digest)
        s.flush()
        common: dict[str, Any] = {"due_at": now, "now": now}
        outbox.send_dm(
            s, to=X, kind=Kind.DIGEST, subject=digest, key=f"digest:{digest.id}:2026-W09",
            message=Message(f"Your weekly mentoring digest for {REAL_NAME}'s people"), **common,
        )  # fmt: skip
        outbox.send_dm(
            s, to=X, kind=Kind.CHECKIN_NUDGE, subject=checkin, key=f"checkin:{active.id}:1",
            message=Message("Have you met?"), **common,
        )  # fmt: skip
        outbox.cancel(s, kind=Kind.CHECKIN_NUDGE, subject=checkin)
        outbox.send_dm(
            s, to=QUINN, kind=Kind.OFFER, subject=offer, key=f"offer:{offer.id}",
            message=Message(f"<@{X}> is looking for a copilot: {TAG}second goals to share"), **common,
        )  # fmt: skip
        outbox.send_group(
            s, members=[X, PARTNER], kind=Kind.REPORT_BACK, subject=report, key=f"report_back:{report.id}",
            message=Message(f"<@{X}> wrote: {TAG}report we talked about"), **common,
        )  # fmt: skip
        ids.update(x=x.id, ray=others[RAY].id, offer=offer.id)
    _dispatch(bot)
    return ids


def _every_table(bot: RunningBot) -> dict[str, str]:
    found: dict[str, str] = {}
    with bot.runtime.db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table)).mappings().all()
            found[table.name] = json.dumps([dict(r) for r in rows], default=str, ensure_ascii=False)
    return found


def _traces_in(text: str) -> list[str]:
    return [t for t in TRACES if t in text]


def test_forget_me_leaves_no_trace_in_any_table_or_slack_call(admin_bot: RunningBot, slack: SlackStandIn):
    ids = seed_every_role(admin_bot, slack)
    sent = {c.args.get("ts") or "": c for c in slack.calls_to("chat.postMessage")}
    assert sent, "the seeded messages went out"
    before = _every_table(admin_bot)
    assert all(_traces_in(before[t]) for t in ("people", "outbox", "contacts", "lead_usergroups"))

    mark = len(slack.calls)
    reply = admin_bot.click("forget_me_confirm", user=X, value="delete")
    assert reply.status == 200
    slack.wait_for("response_url")
    _dispatch(admin_bot)

    after = _every_table(admin_bot)
    left = {table: _traces_in(text) for table, text in after.items() if _traces_in(text)}
    assert left == {}, f"traces of the forgotten person remain: {left}"

    # Every Slack call since: none carries them (but the calls addressed to them: their answer, their Home).
    for call in slack.calls[mark:]:
        if call.method in ("views.publish", "response_url") or call.args.get("channel") == X:
            continue
        assert not _traces_in(json.dumps(call.args, ensure_ascii=False)), (call.method, call.args)

    # Delivered messages that quoted their words were overwritten with a neutral line.
    updates = [c.args for c in slack.calls[mark:] if c.method == "chat.update"]
    assert len(updates) == 2, updates  # Quinn's offer DM (their goals) and the pair's report-back
    assert all(REMOVED_TEXT in u["text"] for u in updates)

    with admin_bot.runtime.db.transaction() as session:
        tombstone = session.get(Person, ids["x"])
        assert tombstone is not None and tombstone.slack_user_id == f"{FORGOTTEN_PREFIX}{ids['x']}"
        assert (tombstone.manager_id, tombstone.org_team, tombstone.level) == (None, None, None)
        assert tombstone.forgotten_hash == tombstone_hash(admin_bot.runtime.settings, TEAM_ID, X)
        ray = session.get(Person, ids["ray"])
        assert ray is not None and ray.manager_id == ids["x"], "the report still points at the tombstone"
        request = session.scalars(
            select(MentoringRequest).where(MentoringRequest.mentee_id == ids["x"])
        ).all()
        assert all(r.topics == [] for r in request)
    # The program admin is asked to fix the chain, naming the report (never the forgotten person).
    to_admin = [json.dumps(c.args) for c in slack.calls[mark:] if c.args.get("channel") == ADMIN]
    assert any(f"<@{RAY}>" in t and "manager" in t for t in to_admin), to_admin


def test_a_forgotten_manager_breaks_no_reporting_line(admin_bot: RunningBot, slack: SlackStandIn):
    ids = seed_every_role(admin_bot, slack)
    assert admin_bot.click("forget_me_confirm", user=X, value="delete").status == 200
    slack.wait_for("response_url")

    # While the manager is unknown, Ray is matched with nobody ("ask the admin", never "no manager").
    volunteer_via_form(admin_bot, VAL, topics=("Giving feedback",))
    waiting = request_via_form(admin_bot, RAY, topics=("Giving feedback",))
    tick(admin_bot)
    assert offers_for(admin_bot, waiting) == []

    # The same Slack id comes back (the daily sync): the keyed hash recognises it and the line is whole.
    sync_workspace(admin_bot.runtime, TEAM_ID, admin_bot.runtime.slack.for_team(TEAM_ID))
    with admin_bot.runtime.db.transaction() as session:
        returned = find_person(session, TEAM_ID, X)
        ray = session.get(Person, ids["ray"])
        assert returned is not None and returned.id != ids["x"], "they start again as a new row"
        assert ray is not None and ray.manager_id == returned.id
        tombstone = session.get(Person, ids["x"])
        assert tombstone is not None and tombstone.forgotten_hash is None

    # They volunteer again; Ray's next request goes to someone else, never to their manager.
    volunteer_via_form(admin_bot, X, topics=("Giving feedback",))
    with admin_bot.runtime.db.transaction() as session:
        for request in session.scalars(select(MentoringRequest).where(MentoringRequest.id == waiting)):
            request.status = "cancelled"
    again = request_via_form(admin_bot, RAY, topics=("Giving feedback",), newer_than=waiting)
    tick(admin_bot)
    offers = offers_for(admin_bot, again)
    assert offers and all(o.copilot_id != returned.id for o in offers)

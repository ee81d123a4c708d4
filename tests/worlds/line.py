"""A small reporting line: Mia reports to Max, who reports to Bea (the boss). Pete is a peer in another team;
Olu never volunteered. Bea and Pete volunteer. Used by the request flow tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.demo.slack_standin import SlackStandIn
from tests.harness import ADMIN
from tests.worlds import make

MENTEE, MANAGER, BOSS, PEER, OTHER = "UMIA", "UMGR", "UBOSS", "UPEER", "UOTHER"

__all__ = ["ADMIN", "BOSS", "MANAGER", "MENTEE", "OTHER", "PEER", "seed"]


def seed(session: Session, slack: SlackStandIn, now: datetime) -> None:
    slack.add_user(ADMIN, name="pat", real_name="Pat Admin")
    boss = make.person(session, BOSS, now, name="bea", slack=slack, org_team="Support")
    manager = make.person(
        session, MANAGER, now, name="max", slack=slack, org_team="Support", manager_id=boss.id
    )
    make.person(session, MENTEE, now, name="mia", slack=slack, org_team="Support", manager_id=manager.id)
    peer = make.person(session, PEER, now, name="pete", slack=slack, org_team="Platform")
    make.person(session, OTHER, now, name="olu", slack=slack, org_team="Design")
    make.volunteer(session, boss, now, topics=["Giving feedback"])
    make.volunteer(session, peer, now, topics=["Public speaking"], capacity=2)

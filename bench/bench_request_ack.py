"""How fast the request form is acked when it names a colleague. Run on demand; prints a markdown table.

    python bench/bench_request_ack.py [--people 5000] [--volunteers 1000] [--requests 40]
                                      [--database-url postgresql+psycopg://...]

The real app over signed HTTP (tests.harness), a local Slack stand-in, and a synthetic workspace of
`--people` people (managers in teams of eight, `--volunteers` volunteers, open pairings). Each mentee
submits the form once, naming a volunteer outside their reporting line, so the form is accepted. "ack" is
the HTTP round trip Slack waits for (3 s limit); "stored" is until the request row exists (the after-ack
work: Slack lookups, the one read of the match data, the offer). Medians and p90 over `--requests`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from bench.databases import fresh_database
from bot.clock import FixedClock
from bot.demo.slack_standin import SlackStandIn
from storage.db import Database
from storage.models import CopilotProfile, MentoringRequest, Pairing, Person
from tests.flows.copilots import request_values
from tests.harness import TEAM_ID, start_bot, stop_server, test_settings

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def seed(db: Database, people: int, volunteers: int) -> list[int]:
    """Returns the ids of the volunteers; people 0..people-1 have user ids U0000000..."""
    with db.transaction() as session:
        rows = [
            dict(
                team_id=TEAM_ID,
                slack_user_id=f"U{n:07d}",
                name=f"p{n}",
                real_name=f"P {n}",
                tz="Europe/Berlin",
                tz_offset=3600,
                org_team=f"team{n // 8}",
                created_at=NOW,
                synced_at=NOW,
            )
            for n in range(people)
        ]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Person), rows[start : start + 5000])
        ids = list(session.scalars(select(Person.id).order_by(Person.id)))
        for n, person_id in enumerate(ids):  # teams of eight under the first of each
            if n % 8:
                session.execute(
                    Person.__table__.update().where(Person.id == person_id).values(manager_id=ids[n - n % 8])
                )
        chosen = ids[people - volunteers :]
        session.execute(
            insert(CopilotProfile),
            [
                dict(
                    person_id=pid,
                    team_id=TEAM_ID,
                    topics=["Giving feedback"],
                    capacity=3,
                    created_at=NOW,
                    updated_at=NOW,
                )
                for pid in chosen
            ],
        )
        session.execute(
            insert(Pairing),
            [
                dict(
                    team_id=TEAM_ID,
                    mentee_id=ids[i],
                    copilot_id=chosen[i % len(chosen)],
                    state="active",
                    cadence="weekly",
                    created_at=NOW - timedelta(days=30),
                )
                for i in range(1000, 1000 + volunteers)
            ],
        )
        return chosen


def stored(db: Database, count: int) -> bool:
    with db.transaction() as session:
        return (session.scalar(select(func.count()).select_from(MentoringRequest)) or 0) >= count


def run(people: int, volunteers: int, requests: int, url: str | None) -> tuple[list[float], list[float]]:
    db, url = fresh_database(url)
    chosen = seed(db, people, volunteers)
    with db.transaction() as session:
        volunteer_users = dict(session.execute(select(Person.id, Person.slack_user_id)).all())
    acks: list[float] = []
    ends: list[float] = []
    with SlackStandIn() as slack:
        bot, server = start_bot(test_settings(slack, url), db, slack, FixedClock(NOW))
        try:
            view = {"type": "modal", "callback_id": "request_form", "private_metadata": "{}", "blocks": []}
            for n in range(requests):
                mentee = f"U{8 * n + 3:07d}"  # someone in team n, never a volunteer
                named = volunteer_users[chosen[(n * 7) % len(chosen)]]
                started = time.perf_counter()
                reply = bot.submit(view, request_values(copilot=named), user=mentee)
                acks.append(time.perf_counter() - started)
                assert reply.status == 200 and not reply.body.strip(b"null"), reply.text
                while not stored(db, n + 1):
                    time.sleep(0.002)
                ends.append(time.perf_counter() - started)
        finally:
            stop_server(server)
            db.dispose()
    return acks, ends


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--volunteers", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    acks, ends = run(args.people, args.volunteers, args.requests, args.database_url)
    print("| people | volunteers | requests | ack median | ack p90 | stored median | stored p90 |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {args.people} | {args.volunteers} | {args.requests} | {statistics.median(acks) * 1000:.1f} ms "
        f"| {p90(acks) * 1000:.1f} ms | {statistics.median(ends) * 1000:.1f} ms | {p90(ends) * 1000:.1f} ms |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the admin summary for 10,000 pairings, aggregated and rendered as Block Kit.

    python bench/bench_summaries.py [--pairings 10000] [--runs 7]

Measures summarize() + the first page of the slash-command answer + the App Home section (the work a
`/mentor summary` or a Home refresh does after the database read), and checks Slack's block limits.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.messages.summaries import admin_home_blocks, page_count, summary_blocks, team_home_blocks
from bot.rules.summary_figures import (
    MeetingFacts,
    PairingFacts,
    PersonFacts,
    ProgramFacts,
    PulseFacts,
    RequestFacts,
    Scope,
    summarize,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STATES = ["active"] * 6 + ["paused", "stalled", "setting_expectations", "ended"]


def synthetic(pairings: int, seed: int = 7) -> ProgramFacts:
    rng = random.Random(seed)
    people = pairings * 2
    facts = ProgramFacts(
        people={
            i: PersonFacts(i, f"U{i:06d}", f"Person number {i}", f"Team{i % 40}", "UTC", False)
            for i in range(people)
        }
    )
    for pid in range(pairings):
        created = NOW - timedelta(days=rng.randint(1, 400))
        state = rng.choice(STATES)
        request = RequestFacts(pid, 2 * pid, "matched", created - timedelta(days=rng.randint(0, 20)))
        facts.requests.append(request)
        facts.pairings.append(
            PairingFacts(
                id=pid,
                mentee_id=2 * pid,
                copilot_id=2 * pid + 1,
                request_id=pid,
                state=state,
                cadence=rng.choice(["weekly", "fortnightly", "monthly"]),
                cross_team=rng.random() < 0.4,
                created_at=created,
                activated_at=None if state == "setting_expectations" else created + timedelta(days=2),
                last_met_at=None,
                next_checkin_at=NOW + timedelta(days=rng.randint(-10, 10)),
                ended_at=NOW - timedelta(days=1) if state == "ended" else None,
                end_reason="term_complete" if state == "ended" else None,
            )
        )
        for k in range(rng.randint(0, 6)):
            facts.meetings.append(MeetingFacts(pid, NOW - timedelta(days=rng.randint(1, 110), hours=k)))
        if rng.random() < 0.3:
            facts.pulses.append(PulseFacts(pid, 2 * pid, rng.randint(1, 5), NOW - timedelta(days=5)))
    return facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    facts = synthetic(args.pairings)
    lead = Scope("a lead's 500 people", frozenset(range(0, 1000, 2)))
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        summary = summarize(facts, Scope("the whole workspace"), NOW)
        blocks = summary_blocks(summary, 1)
        last = summary_blocks(summary, page_count(summary))
        home = admin_home_blocks(summary) + team_home_blocks(summarize(facts, lead, NOW), True)
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    print(
        f"{args.pairings} pairings, {len(summary.rows)} open: median {median * 1000:.0f} ms over {args.runs} runs"
    )
    print(
        f"blocks: first page {len(blocks)}, last page {len(last)} (of {page_count(summary)} pages), home {len(home)}"
    )
    ok = median < 1.0 and len(blocks) <= 50 and len(last) <= 50 and len(home) <= 97  # + 3 welcome blocks
    print("OK" if ok else "TOO SLOW OR TOO MANY BLOCKS")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

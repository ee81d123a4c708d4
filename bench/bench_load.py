"""Load: signed slash commands, clicks, submissions and events against `mentor-bot run` (waitress).

Starts the real bot as a separate process against a local Slack stand-in, sends an open-loop load at
fixed rates from a pool of keep-alive connections, and reports acks per second, p50/p99/max latency and
the bot's resident memory. Run on demand:

    python bench/bench_load.py [--rates 50,100,200] [--seconds 20] [--database-url URL] [--memory-requests 10000]
                               [--workers N] [--repeat 3]

`--workers N` (PostgreSQL only) runs the Procfile's web: gunicorn with N worker processes; memory is then the
sum over the master and its workers. `--repeat` plays the rate list again, to show a run is stable.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.demo.slack_standin import SlackStandIn
from tests.harness import BOT_TOKEN, SIGNING_SECRET, sign

USERS = [f"U{n:04d}" for n in range(200)]
# Event ids are unique per run: the bot drops an event_id it has handled before (Slack's retries), so ids
# reused from an earlier run against the same database would skip every App Home build and flatter it.
RUN = f"{os.getpid():x}{int(time.time()):x}"


@dataclass(frozen=True)
class Sent:
    kind: str
    status: int
    seconds: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_for(n: int, slack: SlackStandIn) -> tuple[str, bytes, str]:
    """A realistic mix: commands, App Home opens (events), button clicks and modal submissions."""
    user = USERS[n % len(USERS)]
    kind = ("help", "status", "home", "click", "submit")[n % 5]
    if kind in ("help", "status"):
        form = {
            "command": "/mentor",
            "text": kind,
            "team_id": "T0001",
            "user_id": user,
            "trigger_id": f"t.{n}",
            "response_url": slack.response_url(f"r{n}"),
        }
        return kind, urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    if kind == "home":
        body = {
            "type": "event_callback",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "event_id": f"EvLoad{RUN}x{n}",
            "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": user, "tab": "home"},
        }
        return kind, json.dumps(body).encode(), "application/json"
    if kind == "click":
        payload = {
            "type": "block_actions",
            "team": {"id": "T0001"},
            "user": {"id": user, "team_id": "T0001"},
            "api_app_id": "A0001",
            "trigger_id": f"t.{n}",
            "response_url": slack.response_url(f"a{n}"),
            "container": {"type": "message", "message_ts": "1.0", "channel_id": "D1"},
            "channel": {"id": "D1"},
            "message": {"ts": "1.0", "text": ""},
            "actions": [
                {
                    "action_id": "request_cancel",
                    "block_id": "b",
                    "type": "button",
                    "value": "999999",
                    "action_ts": f"{n}.0",
                }
            ],
        }
    else:
        payload = {
            "type": "view_submission",
            "team": {"id": "T0001"},
            "user": {"id": user, "team_id": "T0001"},
            "api_app_id": "A0001",
            "trigger_id": f"t.{n}",
            "view": {
                "id": f"V{n}",
                "type": "modal",
                "callback_id": "volunteer_form",
                "private_metadata": "",
                "state": {"values": {}},
                "hash": "h",
            },
        }
    return (
        kind,
        urllib.parse.urlencode({"payload": json.dumps(payload)}).encode(),
        "application/x-www-form-urlencoded",
    )


def worker(port: int, jobs: queue.Queue, results: list[Sent], slack: SlackStandIn) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while True:
        job = jobs.get()
        if job is None:
            return
        n, due = job
        kind, body, content_type = request_for(n, slack)
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        start = time.perf_counter()
        try:
            conn.request("POST", "/slack/events", body, {"Content-Type": content_type, **sign(body)})
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            status = 0
        # Latency is measured from when the request was due, so a backlog shows up (open loop).
        results.append(Sent(kind, status, time.perf_counter() - min(start, due)))


def run_load(port: int, rate: int, seconds: float, slack: SlackStandIn, first: int) -> list[Sent]:
    jobs: queue.Queue = queue.Queue()
    results: list[Sent] = []
    threads = [
        threading.Thread(target=worker, args=(port, jobs, results, slack), daemon=True)
        for _ in range(min(64, rate))
    ]
    for t in threads:
        t.start()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)
    for i in range(total):
        jobs.put((first + i, start + i / rate))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    return results


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its children (gunicorn's workers), in MB."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(c) for c in children.read_text().split()] if children.exists() else []
    return _rss_one(pid) + sum(_rss_one(kid) for kid in kids)


def _rss_one(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rates", default="50,100,200")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument(
        "--workers", type=int, default=1, help="web worker processes (more than 1: PostgreSQL)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="play the rates this many times")
    parser.add_argument(
        "--known",
        action="store_true",
        help="first let every user be met once at 50 req/s (as after the daily people sync), then measure",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, SlackStandIn() as slack:
        for user in USERS:
            slack.add_user(user)
        db_url = args.database_url or f"sqlite:///{tmp}/load.db"
        port = free_port()
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": db_url,
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
        }
        if args.database_url:
            subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, capture_output=True)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--no-scheduler", "--workers", str(args.workers)],
            env=env,
            cwd=tmp,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                    c.request("GET", "/healthz")
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            time.sleep(1)
            idle = rss_mb(proc.pid)
            backend = "PostgreSQL" if db_url.startswith("postgresql") else "SQLite"
            print(
                f"\n### Load on {backend}, {args.workers} web worker(s) (open loop, {args.seconds:g} s per rate, "
                "mix: help/status/home/click/submit)\n"
            )
            print("| target req/s | sent | acked 2xx | acks/s | p50 ms | p99 ms | max ms | errors |")
            print("|---:|---:|---:|---:|---:|---:|---:|---:|")
            sent_total = 0
            if args.known:
                sent_total += len(run_load(port, 50, len(USERS) / 50, slack, sent_total))
            rates = [int(r) for r in args.rates.split(",")] * args.repeat
            for rate in rates:
                t0 = time.perf_counter()
                results = run_load(port, rate, args.seconds, slack, sent_total)
                elapsed = time.perf_counter() - t0
                sent_total += len(results)
                ok = [r for r in results if 200 <= r.status < 300]
                lat = [r.seconds * 1000 for r in results]
                print(
                    f"| {rate} | {len(results)} | {len(ok)} | {len(ok) / elapsed:.0f} | {statistics.median(lat):.1f} | {percentile(lat, 0.99):.1f} | {max(lat):.1f} | {len(results) - len(ok)} |"
                )
            after_rates = rss_mb(proc.pid)
            extra = max(0, args.memory_requests - sent_total)
            if extra:
                run_load(port, 200, extra / 200, slack, sent_total)
                sent_total += extra
            time.sleep(1)
            after = rss_mb(proc.pid)
            print(
                f"\nResident memory: {idle:.0f} MB idle, {after_rates:.0f} MB after the rate runs, {after:.0f} MB after {sent_total:,} requests."
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: one planner from two source trees, interleaved on one seeded database (old/new ratios).

    python bench/compare_planner.py OLD_TREE [--pairings 100000] [--runs 3] [--planner plan_checkins]
                                    [--database-url postgresql+psycopg://...]

OLD_TREE is a checkout of the code to compare with (e.g. `git worktree add /tmp/old <commit>`). The world
of bench/bench_planner.py is seeded once (with this tree's code; a PostgreSQL URL's public schema is
wiped!), then each run passes the planner once from the old tree and once from this one, each in a fresh
process and a transaction rolled back, so both see the same rows and the same machine load. Prints each
pass's wall and CPU seconds (this process's own, `time.process_time()`), the medians and the ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def child(root: str, url: str, name: str) -> None:
    sys.path.insert(0, root)
    import bench.bench_planner as bp
    from bot.clock import FixedClock
    from bot.config import Settings
    from bot.runtime import Runtime
    from storage.db import connect

    db = connect(url)
    runtime = Runtime(settings=Settings(database_url=url), db=db, clock=FixedClock(bp.NOW), slack=None)  # type: ignore[arg-type]
    due, idle, added, cpu = bp.one_pass(db, runtime, bp.chosen([name])[0])
    print(json.dumps({"due": due, "cpu": cpu, "idle": idle, "added": added}))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("old_tree")
    parser.add_argument("--pairings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--planner", default="plan_checkins")
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is wiped!); default SQLite")
    parser.add_argument("--child", nargs=2, metavar=("ROOT", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.planner)
        return 0
    sys.path.insert(0, str(HERE))
    import bench.bench_planner as bp
    from bench.databases import fresh_database

    db, url = fresh_database(args.database_url)
    started = time.perf_counter()
    bp.seed(db, args.pairings)
    db.dispose()
    print(f"seeded {args.pairings:,} pairings in {time.perf_counter() - started:.1f} s")
    trees = {"old": str(Path(args.old_tree).resolve()), "new": str(HERE)}
    passes: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for run in range(args.runs):
        for name, root in trees.items():
            command = [sys.executable, __file__, root, "--planner", args.planner, "--child", root, url]
            out = subprocess.run(command, capture_output=True, text=True, check=True)
            found = json.loads(out.stdout.strip().splitlines()[-1])
            passes[name].append(found)
            print(f"run {run + 1} {name}: {found['due']:.2f} s wall, {found['cpu']:.2f} s CPU", flush=True)
    medians = {
        name: {field: statistics.median(p[field] for p in found) for field in ("due", "cpu", "idle")}
        for name, found in passes.items()
    }
    for name, median in medians.items():
        print(
            f"{name}: median {median['due']:.2f} s wall, {median['cpu']:.2f} s CPU, idle {median['idle']:.2f} s"
        )
    for field, label in (("due", "wall"), ("cpu", "CPU")):
        print(f"old/new {label}: {medians['old'][field] / medians['new'][field]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

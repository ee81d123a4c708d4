"""Benchmark copilot matching on a synthetic org. Run on demand, not part of pytest:

    python bench/bench_matching.py [--size small|large|all]

Prints a markdown table. Each size runs in a fresh child process so its peak RSS
(resource.getrusage ru_maxrss, which includes building the synthetic input) is its own.
assign_round is timed end to end, from the profiles to explained pairs; its split is
candidates (profiles to arrays, request groups, each copilot's list), solve (every min-cost flow
and dual check: the regions' first solves, the whole graph's, every re-pricing that proved the same
answer on a grown graph and every repair near new pairs instead of a solve), pricing (the optimality
certificate, every pass) and explanations (the words of each pair). Greedy uses the same first
candidate graph. The CPU seconds of this process are printed next to the wall time. A large round
also has a second process (regions.second_core) solve its largest region for about half a second;
its peak (84 MB at 100,000 requests, /proc VmHWM) is not in this process's peak RSS, and getrusage's
RUSAGE_CHILDREN cannot show it (it counts the parent's pages the child had before exec). On a shared
machine the wall time mostly measures the other processes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.rules.matching.columns import CopilotPool
from bot.rules.matching.facts import MatchRules
from bot.rules.matching.ranking import rank_candidates
from bot.rules.matching.rounds import RoundResult, assign_round, greedy_round
from bot.rules.matching.solver import best_assignment
from tests.matching_worlds import build_world

SIZES = {"small": (10_000, 2_000), "large": (100_000, 20_000)}
RANKING_REQUESTS = 200
PHASES = ("candidates", "solve", "pricing", "explanations")


def _timed(fn, *args, **kwargs) -> tuple[float, RoundResult]:
    elapsed, _, result = _timed_cpu(fn, *args, **kwargs)
    return elapsed, result


def _timed_cpu(fn, *args, **kwargs) -> tuple[float, float, RoundResult]:
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, time.process_time() - cpu, result


def run_size(size: str, runs: int, queue: multiprocessing.Queue) -> None:
    n_mentees, n_volunteers = SIZES[size]
    world = build_world(n_mentees, n_volunteers)
    rules = MatchRules()
    args = (world.mentees, world.volunteers, world.org, world.history, rules)
    times, cpus, splits, result = [], [], [], None
    for _ in range(runs):
        timings: dict[str, float] = {}
        elapsed, cpu, result = _timed_cpu(assign_round, *args, timings=timings)
        times.append(elapsed)
        cpus.append(cpu)
        splits.append(timings)
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    greedy_time, greedy = _timed(greedy_round, *args)
    yardstick = _yardstick()
    assert result is not None
    median = statistics.median(times)
    split = splits[times.index(median)] if runs % 2 else splits[0]
    queue.put(
        {
            "size": f"{size} ({n_mentees:,} requests / {n_volunteers:,} volunteers)",
            "runs": runs,
            "seconds": median,
            "cpu_seconds": statistics.median(cpus),
            "split": {phase: split.get(phase, 0.0) for phase in PHASES},
            "passes": int(split.get("passes", 0)),
            "repriced": int(split.get("repriced", 0)),
            "repaired": int(split.get("repaired", 0)),
            "regions": int(split.get("regions", 0)),
            "graph_edges": int(split.get("graph_edges", 0)),
            "final_graph_edges": int(split.get("final_graph_edges", 0)),
            "scored_by_pricing": int(split.get("scored_by_pricing", 0)),
            "greedy_seconds": greedy_time,
            "yardstick": yardstick,
            "maxrss_mb": maxrss_mb,
            "matched": len(result.pairs),
            "greedy_matched": len(greedy.pairs),
            "objective": result.objective,
            "greedy_objective": greedy.objective,
            "objective_ratio": result.objective / max(greedy.objective, 1e-9),
            "mean_score": result.total_score / max(1, len(result.pairs)),
            "greedy_mean_score": greedy.total_score / max(1, len(greedy.pairs)),
        }
    )


def _yardstick() -> float:
    """One fixed min-cost flow (seeded, 100,000 x 20,000, 400,000 edges, ties everywhere) solved alone,
    median of 3: this machine's speed at this moment, whatever the code under test does.

    The machine is shared and its speed drifts by a third from hour to hour; a round's time in these
    units is what compares across runs."""
    rng = np.random.default_rng(12345)
    requests, copilots, degree = 100_000, 20_000, 4
    keys = np.unique(
        rng.integers(0, copilots, size=requests * degree) + np.repeat(np.arange(requests), degree) * copilots
    )
    mentee_rows, copilot_rows = keys // copilots, keys % copilots
    values = 10_000 + 125 * rng.integers(0, 80, size=keys.size)
    remaining = rng.integers(1, 5, size=copilots)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        best_assignment(mentee_rows, copilot_rows, values, remaining)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_ranking(queue: multiprocessing.Queue) -> None:
    world = build_world(RANKING_REQUESTS, SIZES["large"][1])
    rules = MatchRules()
    pool = CopilotPool.build(world.volunteers)
    warm, cold = [], []
    for mentee in world.mentees:
        start = time.perf_counter()
        rank_candidates(mentee, pool, world.org, world.history, rules)
        warm.append(time.perf_counter() - start)
    for mentee in world.mentees[:20]:
        start = time.perf_counter()
        rank_candidates(mentee, world.volunteers, world.org, world.history, rules)
        cold.append(time.perf_counter() - start)
    warm_ms = np.array(warm) * 1000
    queue.put(
        {
            "p50": float(np.percentile(warm_ms, 50)),
            "p99": float(np.percentile(warm_ms, 99)),
            "cold_p50": float(np.percentile(np.array(cold) * 1000, 50)),
        }
    )


def _in_child(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    row = queue.get()
    process.join()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=["small", "large", "all"], default="small")
    parser.add_argument("--runs", type=int, default=0, help="runs per size (default: 3 small, 1 large)")
    options = parser.parse_args()
    sizes = ["small", "large"] if options.size == "all" else [options.size]

    print(
        "| size | assign_round s | CPU s | candidates s | solve s (solves + re-pricings + repairs) | pricing s |"
        " explanations s | greedy s | peak RSS MB | matched (greedy) | mean score (greedy) |"
        " objective vs greedy |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for name in sizes:
        runs = options.runs or (3 if name == "small" else 1)
        r = _in_child(run_size, name, runs)
        rows.append(r)
        label = f"median of {runs}" if runs > 1 else "1 run"
        split = r["split"]
        print(
            f"| {r['size']} | {r['seconds']:.2f} ({label}) | {r['cpu_seconds']:.2f} | {split['candidates']:.2f} |"
            f" {split['solve']:.2f} ({r['passes']} + {r['repriced']} + {r['repaired']}) | {split['pricing']:.2f} |"
            f" {split['explanations']:.2f} | {r['greedy_seconds']:.2f} | {r['maxrss_mb']:.0f} |"
            f" {r['matched']:,} ({r['greedy_matched']:,}) |"
            f" {r['mean_score']:.1f} ({r['greedy_mean_score']:.1f}) | {r['objective_ratio']:.4f} |"
        )
    print()
    for r in rows:
        print(
            f"{r['size']}: objective {r['objective']:,.2f} vs greedy {r['greedy_objective']:,.2f};"
            f" first graph {r['graph_edges']:,} edges, final {r['final_graph_edges']:,};"
            f" pricing scored {r['scored_by_pricing']:,} pairs outside the graph;"
            f" first prices from {r['regions'] or 'no'} time-zone regions;"
            f" yardstick (a fixed min-cost flow solved alone) {r['yardstick']:.2f} s,"
            f" so the round took {r['seconds'] / r['yardstick']:.2f} yardsticks"
        )
    ranking = _in_child(run_ranking)
    print()
    print(f"| rank_candidates, 1 request vs {SIZES['large'][1]:,} volunteers | p50 ms | p99 ms |")
    print("|---|---|---|")
    print(
        f"| prebuilt CopilotPool ({RANKING_REQUESTS} requests) | {ranking['p50']:.1f} | {ranking['p99']:.1f} |"
    )
    print(f"| plain list (pool rebuilt per call, 20 requests) | {ranking['cold_p50']:.1f} | - |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs per second of the default scenario, and the share of run time the two-level game takes.

    python benchmarks/bench_coalitions.py                 # 3,000 runs, after 300 warm-up runs
    python benchmarks/bench_coalitions.py --runs 1000     # a quick check

One process, one core: each run is ``NegotiationModel(spec, seed).run()``, ``summary(model)`` and
``model.release()``, as in a serial sweep. Runs per second are measured twice: on CPU time (the
process's own time, the fairer figure on a machine that is busy with other work) and on wall time.

The share of run time spent on coalitions is measured by timing the two-level parts from inside
(a pair of CPU-time readings, ``time.thread_time``, around each call: the share does not
depend on what else the machine runs; a timed call inside another counts for the outer one): the
coalition graph (gains and stances as a round is recorded, edge weights, coalitions and
snapshots when they are computed: ``CoalitionTracker.record`` and ``._materialise``, wherever they
are called from, the summary included), lobbying through it
(``Lobbying.step_graph``, which also did the engine's plain lobbying before), the domestic side
(win-set checks, votes, elections: ``Domestic``) and the summary keys (``coalition_summary``).
A second pass without the timers gives the runs/s figures.

Figures depend on the machine and on what else it is doing; the script prints them and asserts
nothing. The target for the default scenario is ≥ 500 runs/s per core.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARTS = {
    "coalition graph": [
        ("bargaining_chips.model.coalitions", "CoalitionTracker", "record"),
        ("bargaining_chips.model.coalitions", "CoalitionTracker", "_materialise"),
    ],
    "lobbying through the graph": [("bargaining_chips.model.lobbying", "Lobbying", "step_graph")],
    "domestic ratification": [
        ("bargaining_chips.model.ratification", "Domestic", name)
        for name in ("begin_round", "keep_to_win_set", "vetoes_at_table", "ratify")
    ],
    "coalition summary keys": [("bargaining_chips.model.metrics", None, "coalition_summary")],
}


def play(spec, seeds) -> None:
    from bargaining_chips.model.metrics import summary
    from bargaining_chips.model.negotiation import NegotiationModel

    for seed in seeds:
        model = NegotiationModel(spec, seed, collect=False)
        model.run()
        summary(model)
        model.release()


def instrument(spent: dict[str, float]) -> list:
    """Wrap the two-level functions with timers; returns what to restore."""
    import importlib

    undo = []
    depth = [0]  # timed calls in progress: only the outermost one is timed
    for part, targets in PARTS.items():
        for module_name, cls_name, name in targets:
            module = importlib.import_module(module_name)
            owner = getattr(module, cls_name) if cls_name else module
            original = getattr(owner, name)

            def timed(*args, _f=original, _part=part, **kwargs):
                if depth[0]:
                    return _f(*args, **kwargs)
                depth[0] += 1
                t = time.thread_time()
                try:
                    return _f(*args, **kwargs)
                finally:
                    spent[_part] += time.thread_time() - t
                    depth[0] -= 1

            setattr(owner, name, timed)
            undo.append((owner, name, original))
    return undo


def two_level_share(spec, runs: int) -> tuple[dict[str, float], float]:
    """CPU seconds spent in each two-level part over ``runs`` timed runs, and in the runs."""
    spent = dict.fromkeys(PARTS, 0.0)
    undo = instrument(spent)
    try:
        cpu = time.thread_time()
        play(spec, range(runs))
        cpu = time.thread_time() - cpu
    finally:
        for owner, name, original in undo:
            setattr(owner, name, original)
    return spent, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--scenario", default="us_japan_2025")
    args = parser.parse_args(argv)

    from bargaining_chips.model import load_scenario

    spec = load_scenario(args.scenario)
    play(spec, range(args.warmup))

    cpu, wall = time.process_time(), time.perf_counter()
    play(spec, range(args.runs))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{args.scenario}: {args.runs} runs (run + summary + release), one process")
    print(f"  {args.runs / cpu:8.0f} runs/s on CPU time   ({cpu / args.runs * 1e3:.3f} ms per run)")
    print(f"  {args.runs / wall:8.0f} runs/s on wall time  ({wall / args.runs * 1e3:.3f} ms per run)")

    spent, cpu = two_level_share(spec, args.runs)
    print("share of run time (timed pass, CPU time):")
    for part, seconds in spent.items():
        print(f"  {part:28s} {seconds / cpu:6.1%}   ({seconds / args.runs * 1e6:7.1f} µs per run)")
    total = sum(spent.values())
    print(f"  {'all of the two-level game':28s} {total / cpu:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

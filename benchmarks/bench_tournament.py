"""Tournament benchmark: 8 strategies, every ordered pairing (so each pair in both roles, self-play
included), 2 scenarios (the default under private information, the synthetic 5-issue domain),
100 seeds, on 2 worker processes; prints the wall time and matches per second (issue #15's target:
under a minute on 2 cores).

Usage: python benchmarks/bench_tournament.py [--seeds N] [--workers N] [--strategies N]
The machine is shared and noisy: read the figure next to bench_engine's runs/s of the same moment.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bargaining_chips.experiments.tournament import run_tournament  # noqa: E402
from bargaining_chips.experiments.tournament.config import parse_tournament  # noqa: E402

STRATEGIES = {
    "boulware": {"name": "boulware"}, "linear": {"name": "linear"},
    "conceder": {"name": "conceder"}, "tit_for_tat": {"name": "tit_for_tat"},
    "hardliner": {"name": "hardliner", "level": 0.9},
    "trade_off_bayes": {"bidding": "trade_off", "model": "bayesian"},
    "boulware_freq_combi": {"bidding": "boulware", "model": "frequency", "accept": "ac_combi"},
    "linear_const": {"bidding": "linear", "accept": "ac_const", "accept_params": {"c": 0.6}},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--strategies", type=int, default=8)
    args = parser.parse_args()
    chosen = dict(list(STRATEGIES.items())[: args.strategies])
    config = parse_tournament({
        "name": "bench", "root_seed": 1, "seeds": args.seeds, "strategies": chosen,
        "scenarios": [
            {"name": "us_japan_2025", "sides": ["US", "Japan"],
             "set": {"protocol.information": "private"}},
            {"name": "synthetic_5", "sides": ["Buyer", "Seller"]},
        ],
    })
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        report = run_tournament(config, out, backend="process", workers=args.workers, quiet=True)
        elapsed = time.perf_counter() - start
    print(f"tournament of {len(chosen)} strategies x {len(chosen)} (both roles, self-play) x 2 "
          f"scenarios x {args.seeds} seeds = {config.design_size:,} matches on {args.workers} "
          f"workers: {elapsed:.1f} s wall ({config.design_size / elapsed:,.0f} matches/s; "
          f"{report.sweep.errors} errors)")


if __name__ == "__main__":
    main()

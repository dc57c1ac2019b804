#!/usr/bin/env python3
"""Rejection ABC throughput and memory: the worked example's calibration at N prior draws.

    python benchmarks/bench_calibrate.py                 # 20,000 draws on 2 workers
    python benchmarks/bench_calibrate.py --draws 2000    # a quick check

Runs, each in a fresh child process on the process backend with ``--workers`` workers:

1. the plain sweep of the same N prior draws (the same Latin hypercube over the same priors, the
   negotiation model's ``run_once``, every run played to its end): the baseline;
2. ``run.py calibrate`` on experiments/configs/calibrate/us_japan_may2025.toml with ``draws = N``:
   each draw checked against the facts round by round, a run that breaks one stopped there, and
   its prior predictive (a fixed ``--prior`` draws run to the end);
3. the calibration again at N/2 draws, for memory: flat memory shows as equal peaks at N/2 and N.

It prints draws per second of each, the wall time extrapolated to 10^5 draws (the draws at the
measured rate, plus the prior predictive as measured), the acceptance rate, the effective sample
size and the peak resident memory of the driver and of its largest worker. Figures depend on
the machine and on what else it is doing; the script asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "experiments" / "configs" / "calibrate" / "us_japan_may2025.toml"


def _peaks() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def stage(kind: str, draws: int, prior: int, workers: int, backend: str = "process") -> dict:
    """One measurement, in this (fresh) process."""
    from bargaining_chips.experiments.calibrate.config import load_calibration, sweep_configs
    from bargaining_chips.experiments.calibrate.run import prepare, run_calibration
    from bargaining_chips.experiments.sweep.config import SweepConfig
    from bargaining_chips.experiments.sweep.runner import run_sweep

    config = load_calibration(CONFIG).model_copy(update={"draws": draws,
                                                         "prior_predictive": prior})
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        if kind == "sweep":
            config, facts = prepare(config)
            calibration, _ = sweep_configs(config, facts.to_json())
            data = calibration.model_dump()
            data["constants"] = dict(config.constants)  # the plain model: no facts
            report = run_sweep(SweepConfig.model_validate(data), Path(tmp) / "sweep",
                               backend=backend, workers=workers, quiet=True)
            wall = time.perf_counter() - start
            return {"wall": wall, "draws_wall": report.elapsed, "peaks": _peaks()}
        report = run_calibration(config, Path(tmp) / "calibration", backend=backend,
                                 workers=workers, quiet=True)
        wall = time.perf_counter() - start
        return {"wall": wall, "draws_wall": report.draws.elapsed,
                "prior_wall": report.prior.elapsed, "accepted": report.accepted,
                "rate": report.acceptance_rate, "ess": report.ess, "peaks": _peaks()}


def measure(kind: str, draws: int, prior: int, workers: int, backend: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--stage", kind, "--draws", str(draws),
                           "--prior", str(prior), "--workers", str(workers),
                           "--backend", backend],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=20_000)
    parser.add_argument("--prior", type=int, default=1000, help="prior-predictive draws")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", default="process", choices=("serial", "process", "dask"),
                        help="where runs execute (default: process)")
    parser.add_argument("--stage", choices=("sweep", "calibrate"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage(args.stage, args.draws, args.prior, args.workers, args.backend)))
        return
    n = args.draws
    plain = measure("sweep", n, args.prior, args.workers, args.backend)
    cal = measure("calibrate", n, args.prior, args.workers, args.backend)
    half = measure("calibrate", max(1, n // 2), args.prior, args.workers, args.backend)
    print(f"rejection ABC on the default scenario ({CONFIG.name}): {n:,} prior draws, "
          f"{args.backend} backend x{args.workers}")
    print(f"{'':<34} {'wall s':>8} {'draws/s':>9} {'10^5 draws, min':>16}")
    plain_rate = n / plain["draws_wall"]
    print(f"{'plain sweep of the same draws':<34} {plain['draws_wall']:>8.1f} {plain_rate:>9.0f} "
          f"{1e5 / plain_rate / 60:>16.1f}")
    rate = n / cal["draws_wall"]
    print(f"{'calibrate: the draws':<34} {cal['draws_wall']:>8.1f} {rate:>9.0f} "
          f"{1e5 / rate / 60:>16.1f}")
    total = 1e5 / rate + cal["prior_wall"]
    print(f"{'calibrate: prior predictive':<34} {cal['prior_wall']:>8.1f} "
          f"{args.prior / cal['prior_wall']:>9.0f}")
    print(f"{'calibrate: everything':<34} {cal['wall']:>8.1f} {'':>9} {total / 60:>16.1f}")
    print(f"calibrate vs plain sweep: {rate / plain_rate:.2f}x the draws per second")
    print(f"acceptance rate {cal['rate']:.4f}, effective sample size {cal['ess']:.0f} "
          f"({cal['accepted']:,} accepted draws of {n:,})")
    print(f"peak memory, MB (driver, largest worker): {n // 2:,} draws "
          f"{half['peaks'][0]:.0f}, {half['peaks'][1]:.0f}; {n:,} draws "
          f"{cal['peaks'][0]:.0f}, {cal['peaks'][1]:.0f}")


if __name__ == "__main__":
    main()

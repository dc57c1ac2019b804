"""Simulation-based calibration of rejection ABC, the full version (Talts et al. 2018).

    python benchmarks/sbc_coverage.py [--repetitions 200] [--draws 200] [--seed 2018]

Draws true parameters from the priors of the bilateral scenario's two concession exponents,
simulates facts from a run with them (three offers, in bands of a quarter of each issue's range,
their centres moved by uniform noise so rejection ABC is exact: experiments/calibrate/sbc.py),
calibrates on them as run.py calibrate does, and prints how often the 50% and 90% credible
intervals cover the truth (with the 99.9% bounds of a Binomial(repetitions, level)), and how the
posterior's spread shrinks as the facts are added. tests/experiments/calibrate/test_sbc.py runs a
small version (100 repetitions of 20 draws).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bargaining_chips.experiments.calibrate.sbc import (
    ObservedOffer,
    concentration_table,
    coverage_table,
    run_sbc,
)
from bargaining_chips.experiments.sweep.config import ParameterSpec

BILATERAL = str(Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "bilateral.toml")
PRIORS = {"actors.A.strategy.beta": ParameterSpec(range=(0.2, 3.0), distribution="loguniform"),
          "actors.B.strategy.beta": ParameterSpec(range=(0.2, 3.0), distribution="loguniform")}
TEMPLATES = [ObservedOffer("B", "x", 2, 2.5), ObservedOffer("A", "z", 3, 0.25),
             ObservedOffer("B", "x", 4, 2.5)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()
    start = time.perf_counter()
    reps = run_sbc(BILATERAL, PRIORS, TEMPLATES, args.repetitions, args.draws, args.seed)
    seconds = time.perf_counter() - start
    print(f"simulation-based calibration: {args.repetitions} repetitions x {args.draws} prior "
          f"draws on the bilateral scenario, {seconds:.1f} s")
    print()
    print(coverage_table(reps).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print()
    print(concentration_table(reps, PRIORS).to_string(index=False,
                                                      float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()

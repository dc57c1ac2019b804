"""Engine benchmark: how fast one run is, how it scales, and whether memory stays flat.

Prints, in one process:
1. the default scenario: median time of one complete run (model construction to summary) and runs/s,
   and the time of the summary of a finished run (and of the Pareto distance in it);
2. a bilateral 3-issue, 20-round Boulware (β = 0.2) vs Conceder (β = 5) negotiation, the same figures,
   and the share of a default run spent on coalitions, lobbying and ratification;
3. run time against the number of actors (6, 12, 24, 48) and issues (7, 14, 28), 20 rounds each,
   with the time per actor × issue × round, which should not grow;
4. the resident memory before and after 20,000 consecutive default runs;
5. the efficient-offer solver: microseconds per ``offer_at`` call for 2, 7, 14 and 28 opposed
   issues, linear (the knapsack rule) and concave (mixed power and quadratic values: the KKT
   solver of model/offers.py), at successive levels as a conceding proposer asks for them, and
   the default scenario (concave values: power for the US, quadratic for Japan) against the
   same scenario with its values made linear, in runs/s;
6. private information with the Bayesian opponent model against complete information (the default
   scenario and the synthetic 5-issue domain, the two kinds of run interleaved batch by batch), per
   run and per round played (target: at most 3x).

Usage: python benchmarks/bench_engine.py [--runs N] [--memory-runs N]
Figures are medians of repeated batches measured in this one run; the machine is shared and noisy,
so compare ratios within one run rather than numbers across runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bargaining_chips.model import NegotiationModel, load_scenario  # noqa: E402
from bargaining_chips.model.loader import scenario_from_dict  # noqa: E402
from bargaining_chips.model.metrics import summary  # noqa: E402
from bargaining_chips.model.utility import Preferences, UtilitySpace  # noqa: E402

#: The concave variant of the default scenario measured beside it (``--set`` paths).
#: The default scenario with every value made linear (its concave values taken out): the engine
#: before the scenario's values were made concave, for a side-by-side figure.
LINEAR_DEFAULT = {"actors.US.curvature": {}, "actors.Japan.shape": {}}


def one_run(spec, seed: int, collect: bool = False) -> None:
    """One run as a sweep's ``run_once`` plays it (no DataCollector), or, with ``collect``, as
    ``mesa.batch_run`` does (collected every round)."""
    model = NegotiationModel(spec, seed=seed, collect=collect)
    model.run()
    summary(model)
    model.release()


def rounds_played(spec, runs: int) -> float:
    """The mean number of rounds played over the seeds ``time_runs`` uses (at most 200 of them)."""
    played = []
    for seed in range(min(runs, 200)):
        model = NegotiationModel(spec, seed=seed, collect=False)
        played.append(model.run().round_index + 1)
        model.release()
    return statistics.mean(played)


def time_runs(spec, runs: int, batches: int = 5, collect: bool = False) -> tuple[float, float]:
    """Median seconds per run over ``batches`` batches, and runs per second at that median."""
    per_batch = max(1, runs // batches)
    one_run(spec, 0, collect)  # warm caches (compiled scenario, imports)
    times = []
    seed = 0
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(per_batch):
            one_run(spec, seed, collect)
            seed += 1
        times.append((time.perf_counter() - start) / per_batch)
    median = statistics.median(times)
    return median, 1.0 / median


def summary_ms(spec, runs: int, batches: int = 5) -> tuple[float, float]:
    """Median milliseconds of ``summary`` of a finished run, and of the Pareto distance in it (as
    ``summary`` finds it: :func:`~model.metrics.summary_distance`), over ``runs`` finished runs."""
    from bargaining_chips.model.metrics import _raw_utilities, summary_distance  # noqa: PLC0415

    models = []
    for seed in range(runs):
        model = NegotiationModel(spec, seed=seed, collect=False)
        model.run()
        models.append(model)
    per_batch = max(1, runs // batches)
    whole, distance = [], []
    for b in range(batches):
        batch = models[b * per_batch:(b + 1) * per_batch]
        start = time.perf_counter()
        for model in batch:
            summary(model)
        whole.append((time.perf_counter() - start) / len(batch) * 1e3)
        start = time.perf_counter()
        for model in batch:
            ga, gb = model.setup.governments
            raw = _raw_utilities(model) if model.outcome.agreement else model.reservation
            summary_distance(model, float(raw[ga]), float(raw[gb]))
        distance.append((time.perf_counter() - start) / len(batch) * 1e3)
    for model in models:
        model.release()
    return statistics.median(whole), statistics.median(distance)


def synthetic(n_actors: int, n_issues: int, rounds: int = 20, beta_a: float = 0.2,
              beta_b: float = 5.0, firms_lobby: bool = True) -> dict:
    """A generated scenario: two governments with opposed interests, the rest firms.

    Firms come in pairs, one behind each government, on the same issue (firm k lobbies issue
    k // 2), so lobbying raises both governments' stakes in that issue and the conflict stays: the
    talks run to near the deadline however many actors and issues there are.
    """
    issues = {
        f"i{k}": {"label": f"issue {k}", "min": 0.0, "max": 1.0, "no_deal": 0.5}
        for k in range(n_issues)
    }
    names = list(issues)

    def prefs(direction: str, offset: int) -> tuple[dict, dict]:
        weights = {n: 1.0 + ((k + offset) % 3) for k, n in enumerate(names)}
        total = sum(weights.values())
        return {n: w / total for n, w in weights.items()}, {n: direction for n in names}

    wa, pa = prefs("high", 0)
    wb, pb = prefs("low", 1)
    actors = {
        "A": {"kind": "government", "weights": wa, "prefers": pa, "reservation": 0.2,
              "strategy": {"name": "time_dependent", "beta": beta_a}},
        "B": {"kind": "government", "weights": wb, "prefers": pb, "reservation": 0.2,
              "strategy": {"name": "time_dependent", "beta": beta_b}},
    }
    for k in range(n_actors - 2):
        home = "A" if k % 2 == 0 else "B"
        issue = names[(k // 2) % n_issues]
        actors[f"F{k}"] = {
            "kind": "firm", "home": home, "weights": {issue: 1.0},
            "prefers": {issue: "high" if home == "A" else "low"},
            "lobbying_power": 0.5 if firms_lobby else 0.0,
        }
    return {
        "meta": {"name": f"synthetic_{n_actors}x{n_issues}"},
        "sources": {"all": "generated for benchmarking"},
        "issues": issues,
        "actors": actors,
        "deadlines": {"end": {"kind": "hard", "round": rounds}},
        "protocol": {"max_rounds": rounds, "order": ["A", "B"]},
    }


def offer_space(n_issues: int, concave: bool, seed: int = 3) -> UtilitySpace:
    """Two actors opposed on every issue (unit ranges, continuous), random weights; concave:
    about 40% quadratic values, the rest powers 0.3–1, drawn from a seeded generator."""
    import numpy as np  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    w = rng.random((2, n_issues)) + 0.05
    w /= w.sum(axis=1, keepdims=True)
    quad = rng.random((2, n_issues)) < 0.4 if concave else np.zeros((2, n_issues), bool)
    curv = (np.where(quad, 1.0, rng.choice([0.3, 0.5, 0.7, 1.0], size=(2, n_issues)))
            if concave else np.ones((2, n_issues)))
    return UtilitySpace(
        issue_names=tuple(f"i{k}" for k in range(n_issues)), lo=np.zeros(n_issues),
        span=np.ones(n_issues), step=np.full(n_issues, np.nan), no_deal=np.full(n_issues, 0.5),
        weights=w, sign=np.vstack([np.ones(n_issues), -np.ones(n_issues)]), curvature=curv,
        linear=not concave, quadratic=quad,
    )


def offer_call_us(n_issues: int, concave: bool, calls: int = 5000, batches: int = 5) -> float:
    """Median microseconds per ``Preferences.offer_at`` call, cycling through 37 levels from
    0.95 down to 0.3 (a conceding proposer: each offer starts from the last multiplier)."""
    space = offer_space(n_issues, concave)
    prefs = Preferences(space, space.weights.copy())
    levels = [0.95 - 0.65 * k / 36 for k in range(37)]
    times = []
    for _ in range(batches):
        start = time.perf_counter()
        for k in range(calls):
            prefs.offer_at(0, levels[k % 37], (1,))
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times)


def paired_runs(first, second, runs: int, batches: int = 9) -> tuple[float, float, float]:
    """Median seconds per run of ``first`` and of ``second``, their batches interleaved (one of
    each in turn, the same seeds), and the median ratio second/first of the paired batches: on a
    shared machine whose load changes, a ratio of two timings taken minutes apart says little."""
    per_batch = max(1, runs // batches)
    one_run(first, 0)
    one_run(second, 0)  # warm caches (compiled scenarios, imports)
    a, b = [], []
    for k in range(batches):
        seeds = range(k * per_batch, (k + 1) * per_batch)
        for spec, times in ((first, a), (second, b)):
            start = time.perf_counter()
            for seed in seeds:
                one_run(spec, seed)
            times.append((time.perf_counter() - start) / per_batch)
    ratio = statistics.median(y / x for x, y in zip(a, b, strict=True))
    return statistics.median(a), statistics.median(b), ratio


def print_private_information(runs: int) -> None:
    """Private information with the Bayesian opponent model (the uninformed prior: every issue
    ranking, or 720 drawn, × 7 reservation levels) against complete information, per run and per
    round played (issue #15's target: at most 3x); on the default scenario and the synthetic
    5-issue domain, the two kinds of run interleaved batch by batch."""
    for name in ("us_japan_2025", "synthetic_5"):
        complete = load_scenario(name, {"protocol.information": "complete"})
        private = load_scenario(name, {"protocol.information": "private"})
        med_c, med_p, ratio = paired_runs(complete, private, runs)
        per_round = ratio * rounds_played(complete, 10) / rounds_played(private, 10)
        print(f"private information, Bayesian model ({name}): {1.0 / med_p:,.0f} runs/s, "
              f"{ratio:.2f}x the time per run of complete information ({med_c * 1e3:.3f} ms), "
              f"{per_round:.2f}x per round played")


def rss_mb() -> float:
    """Current resident set size in MB (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="runs per timing (default 2000)")
    parser.add_argument("--memory-runs", type=int, default=20000,
                        help="consecutive runs for the memory check (default 20000)")
    args = parser.parse_args()

    default = load_scenario()
    med, rate = time_runs(default, args.runs)
    print(f"default scenario (us_japan_2025): median {med * 1e3:.3f} ms/run, {rate:,.0f} runs/s "
          f"in one process (target >= 1,000)")
    whole, distance = summary_ms(default, max(20, args.runs // 4))
    print(f"of which the summary of a finished default run: median {whole:.3f} ms (its Pareto "
          f"distance, read off the frontier's multiplier where it is one smooth curve, {distance:.3f} ms)")
    med_c, rate_c = time_runs(default, args.runs, collect=True)
    print(f"default scenario with mesa.DataCollector collecting every round: median "
          f"{med_c * 1e3:.3f} ms/run, {rate_c:,.0f} runs/s ({med_c / med - 1:+.0%})")

    # The calendar as it unfolds: a hard-line US moves the end of the pause by 30 days, the
    # cadence adds its rounds, and the talks end there (13 rounds played against 7 by default).
    # The cost per round played should stay about the same: a run's cost is linear in its rounds.
    moved = load_scenario(overrides={"actors.US.strategy": {"name": "hardliner"}})
    med_m, rate_m = time_runs(moved, args.runs)
    per_round = [med / rounds_played(default, args.runs), med_m / rounds_played(moved, args.runs)]
    print(f"default scenario, the deadline moved by its owner (hard-line US): median "
          f"{med_m * 1e3:.3f} ms/run, {rate_m:,.0f} runs/s; per round played "
          f"{per_round[1] * 1e6:.0f} us against {per_round[0] * 1e6:.0f} us by default")

    bilateral = scenario_from_dict(synthetic(2, 3, 20), "bilateral")
    med_b, rate_b = time_runs(bilateral, args.runs)
    print(f"bilateral 3 issues, 20 rounds, Boulware 0.2 vs Conceder 5: median {med_b * 1e3:.3f} "
          f"ms/run, {rate_b:,.0f} runs/s (target >= 2,000; 20x the ~100/s reference)")

    from bench_coalitions import two_level_share  # this script's folder is on sys.path

    spent, cpu = two_level_share(default, max(300, args.runs // 2))
    shares = ", ".join(f"{part} {seconds / cpu:.0%}" for part, seconds in spent.items())
    print(f"share of a default run spent on the two-level game: {sum(spent.values()) / cpu:.0%} "
          f"({shares}; benchmarks/bench_coalitions.py has the detail)")

    print("\nscaling (20 rounds, runs until the hard deadline or agreement):")
    print(f"{'actors':>7}{'issues':>8}{'rounds':>8}{'ms/run':>10}{'us per actor*issue*round':>28}")
    base_runs = max(50, args.runs // 20)
    for n_actors, n_issues in [(6, 7), (12, 7), (24, 7), (48, 7), (6, 14), (6, 28), (48, 28)]:
        spec = scenario_from_dict(synthetic(n_actors, n_issues, 20, 0.2, 0.2), "scaling")
        med_s, _ = time_runs(spec, base_runs)
        model = NegotiationModel(spec, 0)
        model.run()
        played = model.outcome.round_index + 1
        model.release()
        unit = med_s / (n_actors * n_issues * played) * 1e6
        print(f"{n_actors:>7}{n_issues:>8}{played:>8}{med_s * 1e3:>10.3f}{unit:>28.3f}")

    print("\nefficient-offer solver (offer_at, one responder, continuous issues):")
    calls = max(500, args.runs * 2)
    for n_issues in (2, 7, 14, 28):
        lin, con = offer_call_us(n_issues, False, calls), offer_call_us(n_issues, True, calls)
        print(f"  offer_at with {n_issues} opposed issues: linear {lin:.1f} us/call, "
              f"concave {con:.1f} us/call")
    linear = load_scenario(overrides=LINEAR_DEFAULT)
    med_l, rate_l = time_runs(linear, args.runs)
    med_q, rate_q = time_runs(default, args.runs)
    print(f"default scenario with its values made linear: {rate_l:,.0f} runs/s; as it is, with "
          f"concave values (power for the US, quadratic for Japan): {rate_q:,.0f} runs/s "
          f"({med_q / med_l:.2f}x the time per run)")
    print_private_information(args.runs)

    print(f"\nmemory over {args.memory_runs:,} consecutive default runs:")
    before = rss_mb()
    checkpoints = {args.memory_runs // 10, args.memory_runs // 2, args.memory_runs}
    for seed in range(1, args.memory_runs + 1):
        one_run(default, seed)
        if seed in checkpoints:
            print(f"  after {seed:>7,} runs: RSS {rss_mb():.1f} MB (start {before:.1f} MB)")


if __name__ == "__main__":
    main()

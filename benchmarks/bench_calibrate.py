#!/usr/bin/env python3
"""Rejection ABC throughput and memory: the worked example's calibration at N prior draws.

    python benchmarks/bench_calibrate.py                 # 20,000 draws on 2 workers (and 10,000)
    python benchmarks/bench_calibrate.py --draws 2000    # a quick check
    python benchmarks/bench_calibrate.py --draws 100000 --no-sweep
                                                         # the target itself: 10^5 draws
    python benchmarks/bench_calibrate.py --against dd4ccf7 --pairs 3 --draws 10000
                                                         # this checkout against a revision

Runs, each in a fresh child process on the process backend with ``--workers`` workers:

1. the plain sweep of the same N prior draws (the same Latin hypercube over the same priors, the
   negotiation model's ``run_once``, every run played to its end): the baseline;
2. ``run.py calibrate`` on experiments/configs/calibrate/us_japan_may2025.toml with ``draws = N``:
   each draw checked against the facts round by round, a run that breaks one stopped there, and
   its prior predictive (a fixed ``--prior`` draws run to the end);
3. the calibration again at N/2 draws, for memory: flat memory shows as equal peaks at N/2 and N.

It prints draws per second of each, the wall time extrapolated to 10^5 draws (the draws at the
measured rate, plus the prior predictive as measured), the acceptance rate, the effective sample
size, the CPU seconds of the driver and of its workers, and the peak memory of the driver
(resident) and of its largest worker (its own, private pages: a forked worker also maps the
driver's), each sampled from ``/proc`` every 0.1 s while it runs (Linux; the peak ``getrusage``
reports for children is no use here: a worker forked from the driver starts with the driver's
peak as its own).

``--against REV`` instead runs step 2 (and step 1) for REV, exported from git into a scratch
folder, and for this checkout, alternately REV HEAD REV HEAD … (``--pairs`` pairs), so both see
the same machine load, and prints each side's median draws/s and the median ratio.

Figures depend on the machine and on what else it is doing (the load average is printed); the
script asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
CONFIG = Path("experiments") / "configs" / "calibrate" / "us_japan_may2025.toml"


def stage(kind: str, draws: int, prior: int, workers: int, backend: str, tree: Path) -> dict:
    """One measurement, in this (fresh) process."""
    from bargaining_chips.experiments.calibrate.config import load_calibration, sweep_configs
    from bargaining_chips.experiments.calibrate.run import prepare, run_calibration
    from bargaining_chips.experiments.sweep.config import SweepConfig
    from bargaining_chips.experiments.sweep.runner import run_sweep

    config = load_calibration(tree / CONFIG).model_copy(update={"draws": draws,
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
            out = {"draws_wall": report.elapsed}
        else:
            report = run_calibration(config, Path(tmp) / "calibration", backend=backend,
                                     workers=workers, quiet=True)
            out = {"draws_wall": report.draws.elapsed, "prior_wall": report.prior.elapsed,
                   "accepted": report.accepted, "rate": report.acceptance_rate,
                   "ess": report.ess}
        out["wall"] = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out.update(driver_cpu=own.ru_utime + own.ru_stime,
               workers_cpu=children.ru_utime + children.ru_stime,
               driver_maxrss=own.ru_maxrss / 1024)
    return out


def measure(kind: str, draws: int, args: argparse.Namespace,
            side: tuple[Path, Path] | None = None) -> dict:
    """Run one stage in a child process (of this checkout, or of an exported revision: its
    importable folder and its tree), sampling the resident memory of the child (the driver) and
    of each of its descendants (the workers) every 0.1 s."""
    from bench_sweep import _descendants, _rss_kib

    cmd = [sys.executable, __file__, "--stage", kind, "--draws", str(draws), "--prior",
           str(args.prior), "--workers", str(args.workers), "--backend", args.backend]
    env = dict(os.environ, MPLBACKEND="Agg")
    cwd = ROOT
    if side is not None:
        importable, tree = side
        cmd += ["--importable", str(importable), "--tree", str(tree)]
        env["PYTHONPATH"] = str(importable)
        cwd = tree
    with tempfile.TemporaryFile("w+") as stdout:
        child = subprocess.Popen(cmd, stdout=stdout, cwd=cwd, env=env)
        driver_peak, worker_peak = 0, 0
        while child.poll() is None:
            driver_peak = max(driver_peak, _rss_kib(child.pid))
            for pid in _descendants(child.pid):
                worker_peak = max(worker_peak, _own_kib(pid))
            time.sleep(0.1)
        if child.returncode != 0:
            raise SystemExit(f"the {kind} stage failed (exit {child.returncode})")
        stdout.seek(0)
        out = json.loads(stdout.read().strip().splitlines()[-1])
    out["driver_peak"] = max(driver_peak / 1024, out["driver_maxrss"])
    out["worker_peak"] = worker_peak / 1024
    return out


def _own_kib(pid: int) -> int:
    """A process's own resident memory (KiB): its private pages, as ``/proc/PID/smaps_rollup``
    counts them. A worker forked from the driver maps the driver's pages too, and its resident
    size counts them all: a pool forked for the prior predictive, after the draws, showed the
    driver's size as its own."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in text.splitlines()
               if line.startswith(("Private_Clean:", "Private_Dirty:")))


def _load() -> str:
    if not hasattr(os, "getloadavg"):
        return ""
    return ", load average " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def report(args: argparse.Namespace) -> None:
    n = args.draws
    plain = None if args.no_sweep else measure("sweep", n, args)
    half = measure("calibrate", max(1, n // 2), args)
    cal = measure("calibrate", n, args)
    print(f"rejection ABC on the default scenario ({CONFIG.name}): {n:,} prior draws, "
          f"{args.backend} backend x{args.workers}; {os.cpu_count()} cores{_load()}")
    print(f"{'':<34} {'wall s':>8} {'draws/s':>9} {'10^5 draws, min':>16}")
    if plain is not None:
        plain_rate = n / plain["draws_wall"]
        print(f"{'plain sweep of the same draws':<34} {plain['draws_wall']:>8.1f} "
              f"{plain_rate:>9.0f} {1e5 / plain_rate / 60:>16.1f}")
    rate = n / cal["draws_wall"]
    print(f"{'calibrate: the draws':<34} {cal['draws_wall']:>8.1f} {rate:>9.0f} "
          f"{1e5 / rate / 60:>16.1f}")
    total = 1e5 / rate + cal["prior_wall"]
    print(f"{'calibrate: prior predictive':<34} {cal['prior_wall']:>8.1f} "
          f"{args.prior / cal['prior_wall']:>9.0f}")
    print(f"{'calibrate: everything':<34} {cal['wall']:>8.1f} {'':>9} {total / 60:>16.1f}")
    if plain is not None:
        print(f"calibrate vs plain sweep: {rate / plain_rate:.2f}x the draws per second")
    print(f"acceptance rate {cal['rate']:.4f}, effective sample size {cal['ess']:.0f} "
          f"({cal['accepted']:,} accepted draws of {n:,})")
    sweep_cpu = "" if plain is None else (
        f"plain sweep {plain['driver_cpu']:.1f} / {plain['workers_cpu']:.1f}; ")
    print(f"CPU seconds, driver / workers: {sweep_cpu}calibrate {cal['driver_cpu']:.1f} / "
          f"{cal['workers_cpu']:.1f}")
    sweep_ms = "" if plain is None else f", plain sweep {_cpu_ms(plain, n, 0):.2f} ms"
    print(f"workers' CPU per draw (a figure the machine's load moves less than the wall "
          f"time): calibrate {_cpu_ms(cal, n, args.prior):.2f} ms{sweep_ms} (their start-up "
          f"and the prior predictive included)")
    print("peak resident memory, MB (driver; largest worker's own, private pages):")
    stages = [(f"calibrate, {max(1, n // 2):,} draws", half), (f"calibrate, {n:,} draws", cal)]
    if plain is not None:
        stages.append((f"plain sweep, {n:,} draws", plain))
    for label, got in stages:
        print(f"  {label:<28} {got['driver_peak']:>7.0f}; {got['worker_peak']:>7.0f}")


def _cpu_ms(got: dict, draws: int, prior: int) -> float:
    """The workers' CPU milliseconds per run (the draws and the prior predictive's); on the
    serial backend, with no workers, the driver's."""
    cpu = got["workers_cpu"] if got["workers_cpu"] > 0 else got["driver_cpu"]
    return cpu / (draws + prior) * 1000


def against(args: argparse.Namespace) -> None:
    from compare_revisions import export

    n = args.draws
    with tempfile.TemporaryDirectory() as scratch:
        other = export(args.against, Path(scratch) / "rev")
        sides = {args.against: (other, Path(scratch) / "rev" / "tree"), "HEAD": None}
        rates: dict[str, dict[str, list[float]]] = {s: {"calibrate": [], "sweep": []}
                                                    for s in sides}
        cpu: dict[str, list[float]] = {s: [] for s in sides}
        for _ in range(args.pairs):
            for name, side in sides.items():
                for kind in ("calibrate", "sweep"):
                    got = measure(kind, n, args, side)
                    rates[name][kind].append(n / got["draws_wall"])
                    if kind == "calibrate":
                        cpu[name].append(_cpu_ms(got, n, args.prior))
    print(f"{args.pairs} interleaved pairs, {n:,} draws each, {args.backend} backend "
          f"x{args.workers}; {os.cpu_count()} cores{_load()}")
    for kind, label in (("calibrate", "calibrate: the draws"),
                        ("sweep", "plain sweep of the same draws")):
        a, b = rates[args.against][kind], rates["HEAD"][kind]
        ratio = statistics.median(y / x for x, y in zip(a, b, strict=True))
        print(f"  {label:<30} {args.against}: {statistics.median(a):,.0f} draws/s   this "
              f"checkout: {statistics.median(b):,.0f} draws/s   median ratio {ratio:.2f} "
              f"(each: {', '.join(f'{x:.0f}' for x in a)} | {', '.join(f'{x:.0f}' for x in b)})")
    a, b = cpu[args.against], cpu["HEAD"]
    print(f"  {'calibrate: workers CPU per draw':<30} {args.against}: "
          f"{statistics.median(a):.2f} ms   this checkout: {statistics.median(b):.2f} ms   "
          f"median ratio {statistics.median(x / y for x, y in zip(a, b, strict=True)):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=20_000)
    parser.add_argument("--prior", type=int, default=1000, help="prior-predictive draws")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", default="process", choices=("serial", "process", "dask"),
                        help="where runs execute (default: process)")
    parser.add_argument("--against", metavar="REV",
                        help="compare with git revision REV, interleaved (see the docstring)")
    parser.add_argument("--pairs", type=int, default=3, help="pairs of runs with --against")
    parser.add_argument("--no-sweep", action="store_true",
                        help="leave out the plain sweep (for 10^5 draws measured, not "
                             "extrapolated, in half the time)")
    parser.add_argument("--stage", choices=("sweep", "calibrate"), help=argparse.SUPPRESS)
    parser.add_argument("--importable", help=argparse.SUPPRESS)
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        tree = ROOT
        if args.importable:  # an exported revision: its package, and nothing else, imported
            tree = Path(args.tree)
            sys.path[:] = [args.importable] + [p for p in sys.path
                                               if p not in ("", str(tree), args.importable)]
            import bargaining_chips.experiments.calibrate.run as code

            if not os.path.realpath(code.__file__).startswith(os.path.realpath(tree) + os.sep):
                sys.exit(f"the code was imported from {code.__file__}, not from {tree}")
        print(json.dumps(stage(args.stage, args.draws, args.prior, args.workers, args.backend,
                               tree)))
        return
    if args.against:
        against(args)
    else:
        report(args)


if __name__ == "__main__":
    main()

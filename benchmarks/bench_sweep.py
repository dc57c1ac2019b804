#!/usr/bin/env python3
"""Sweep throughput and memory: serial vs process vs dask on the default scenario.

    python benchmarks/bench_sweep.py                      # 5,000 runs per backend, 100,000 for memory
    python benchmarks/bench_sweep.py --runs 1000 --memory-runs 5000     # a quick check

Throughput: each backend runs the same sweep — the default scenario ``--runs`` times, each run with
its own seed — into a fresh folder, timed end to end (pool or cluster start-up included). The
per-run overhead is what the backend adds to the model's own time per run:
(wall time x workers - total model time) / runs.

Memory: a sweep of ``--memory-runs`` runs on the process backend in a child process, whose
resident memory (driver, and driver plus workers) is sampled as it goes; flat memory shows as
equal figures at a quarter, half, three quarters and the end of the sweep.

Figures depend on the machine and on what else it is doing: the script first measures the
parallelism available (independent plain loops of the model, no pool) so the speed-ups can be read
against it. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def default_config(runs: int, root_seed: int = 1) -> dict:
    """A sweep of ``runs`` seeded runs of the default scenario at its default parameters."""
    return {
        "name": "bench",
        "scenario": "us_japan_2025",
        "root_seed": root_seed,
        "replications": runs,
        "design": {"kind": "grid"},
        # One point: the scenario's own value, so every run is the default scenario.
        "uncertainties": {"deadlines.G7.extension_probability": {"values": [0.5]}},
    }


def throughput(runs: int, backends: list[str], workers: int | None, best: float) -> None:
    from bargaining_chips.experiments.sweep.config import parse_config
    from bargaining_chips.experiments.sweep.runner import run_sweep

    config = parse_config(default_config(runs))
    serial_rate = None
    print(f"throughput: {runs} runs of the default scenario, one seed each")
    print(f"{'backend':<9} {'workers':>7} {'wall s':>8} {'runs/s':>8} {'x serial':>9} "
          f"{'of ceiling':>10} {'model ms/run':>13} {'overhead ms/run':>16}")
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            report = run_sweep(
                config, Path(tmp) / "out", backend=backend, workers=workers, quiet=True
            )
            wall = time.perf_counter() - start
        rate = runs / wall
        if backend == "serial":
            serial_rate = rate
        speedup = f"{rate / serial_rate:.2f}" if serial_rate else "-"
        model_ms = 1000 * report.compute_seconds / runs
        overhead_ms = 1000 * (wall * report.workers - report.compute_seconds) / runs
        print(f"{backend:<9} {report.workers:>7} {wall:>8.2f} {rate:>8.0f} {speedup:>9} "
              f"{rate / best:>10.0%} {model_ms:>13.3f} {overhead_ms:>16.3f}", flush=True)


CEILING = """
import sys, time
sys.path.insert(0, {root!r})
from bargaining_chips.experiments import run_once
for seed in range(20):
    run_once({{}}, seed)
start = time.perf_counter()
for seed in range({n}):
    run_once({{}}, seed)
print(time.perf_counter() - start)
"""


def ceiling(runs: int, workers: int) -> float:
    """The best any backend could do here and now: ``workers`` independent processes running the
    model in a plain loop (no pool, no files), started together. On a busy machine this falls
    below ``workers`` x serial, and the backends' speed-ups should be read against it."""
    n = runs // workers
    code = CEILING.format(root=str(ROOT), n=n)
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
             for _ in range(workers)]
    seconds = [float(p.communicate()[0]) for p in procs]
    single = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    one = n / float(single.stdout)
    together = n * workers / max(seconds)
    print(f"ceiling: {workers} plain loops together {together:.0f} runs/s, one alone {one:.0f} "
          f"runs/s: {together / one:.2f}x is the most parallelism this machine offers right now")
    return together


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    out = []
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in map(int, children):
        out += [child, *_descendants(child)]
    return out


def memory(runs: int, workers: int | None) -> None:
    if not Path("/proc/self/status").exists():
        print("memory: needs /proc (Linux); skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bench.json"
        config.write_text(json.dumps(default_config(runs, root_seed=2)))
        cmd = [sys.executable, __file__, "--child", str(config), str(Path(tmp) / "out")]
        if workers:
            cmd += ["--workers", str(workers)]
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=ROOT)
        samples = []  # (seconds, driver KiB, driver + workers KiB)
        while child.poll() is None:
            driver = _rss_kib(child.pid)
            total = driver + sum(_rss_kib(p) for p in _descendants(child.pid))
            if driver:  # 0: the sweep ended between poll() and the reading
                samples.append((time.perf_counter() - start, driver, total))
            time.sleep(0.25)
        wall = time.perf_counter() - start
        if child.returncode != 0:
            print(f"memory: the sweep failed (exit {child.returncode})")
            return
    print(f"memory: {runs} runs on the process backend in {wall:.1f} s ({runs / wall:.0f} runs/s)")
    print(f"{'at':>6} {'driver MiB':>11} {'driver+workers MiB':>19}")
    for share in (0.25, 0.5, 0.75, 1.0):
        t, driver, total = next(s for s in samples if s[0] >= share * samples[-1][0])
        print(f"{share:>6.0%} {driver / 1024:>11.1f} {total / 1024:>19.1f}")
    print(f"{'peak':>6} {max(s[1] for s in samples) / 1024:>11.1f} "
          f"{max(s[2] for s in samples) / 1024:>19.1f}")


def child_sweep(config_path: str, out: str, workers: int | None) -> int:
    from bargaining_chips.experiments.sweep.config import parse_config
    from bargaining_chips.experiments.sweep.runner import run_sweep

    config = parse_config(json.loads(Path(config_path).read_text()))
    run_sweep(config, out, backend="process", workers=workers, quiet=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5000, help="runs per backend (throughput)")
    parser.add_argument("--memory-runs", type=int, default=100_000, help="runs of the memory sweep")
    parser.add_argument("--backends", default="serial,process,dask")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("CONFIG", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_sweep(*args.child, args.workers)
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average " + " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}{load}")
    backends = [b for b in args.backends.split(",") if b]
    if "dask" in backends:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("dask: not installed (pip install 'bargaining-chips[dask]'); skipped")
            backends.remove("dask")
    best = ceiling(args.runs, args.workers or os.cpu_count() or 1)
    throughput(args.runs, backends, args.workers, best)
    if not args.skip_memory:
        memory(args.memory_runs, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark scripts run and print their figures (tiny sizes: a smoke test, not a timing).

Speed and memory are read from the scripts' output by people, never asserted here; this only
catches a script that no longer runs or no longer prints what the README quotes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def bench(script: str, *args: str) -> str:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_engine_benchmark_prints_rates_shares_scaling_and_memory():
    out = bench("bench_engine.py", "--runs", "20", "--memory-runs", "30")
    assert re.search(r"default scenario \(us_japan_2025\): median [\d.]+ ms/run, [\d,]+ runs/s", out)
    assert re.search(r"summary of a finished default run: median [\d.]+ ms \(its Pareto distance,"
                     r" read off the frontier's multiplier where it is one smooth curve, [\d.]+ ms\)",
                     out)
    assert re.search(r"bilateral 3 issues, 20 rounds, .*: median [\d.]+ ms/run, [\d,]+ runs/s", out)
    assert re.search(r"two-level game: \d+% \(coalition graph \d+%", out)
    rows = re.findall(r"^\s+(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+\s+[\d.]+$", out, re.M)
    assert [(a, i) for a, i, _ in rows] == [
        ("6", "7"), ("12", "7"), ("24", "7"), ("48", "7"), ("6", "14"), ("6", "28"), ("48", "28")]
    assert len({r for _, _, r in rows}) == 1  # every size plays the same number of rounds
    assert "after      30 runs: RSS" in out
    sizes = re.findall(r"offer_at with (\d+) opposed issues: linear [\d.]+ us/call, "
                       r"concave [\d.]+ us/call", out)
    assert sizes == ["2", "7", "14", "28"]
    assert re.search(r"with concave values .*: [\d,]+ runs/s", out) and "made linear" in out
    for name in ("us_japan_2025", "synthetic_5"):
        assert re.search(rf"private information, Bayesian model \({name}\): [\d,]+ runs/s, "
                         r"[\d.]+x the time per run of complete information \([\d.]+ ms\), "
                         r"[\d.]+x per round played", out), name


def test_coalition_benchmark_prints_the_two_level_share():
    out = bench("bench_coalitions.py", "--runs", "30", "--warmup", "5")
    for part in ("coalition graph", "lobbying through the graph", "domestic ratification",
                 "coalition summary keys", "all of the two-level game"):
        assert re.search(rf"{part}\s+\d+\.\d%", out), part
    share = float(re.search(r"all of the two-level game\s+([\d.]+)%", out).group(1))
    assert 0 < share < 100


@pytest.mark.parametrize("backends", ["serial,process"])
def test_sweep_benchmark_prints_throughput_and_memory(backends):
    out = bench("bench_sweep.py", "--runs", "40", "--memory-runs", "60", "--backends", backends)
    assert "ceiling: 2 plain loops together" in out or "ceiling:" in out
    for backend in backends.split(","):
        assert re.search(rf"^{backend}\s+\d+\s+[\d.]+\s+\d+", out, re.M), backend
    assert re.search(r"memory: 60 runs on the process backend", out)
    assert re.search(r"^\s+peak\s+[\d.]+\s+[\d.]+$", out, re.M)


def test_the_revision_comparison_runs_both_layouts_side_by_side():
    """The commit before the single import name (top-level ``model``) against this one."""
    if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", "8c8e9d3^{commit}"],
                      capture_output=True).returncode != 0:
        pytest.skip("a shallow clone: the older revision is not here")
    out = bench("compare_revisions.py", "8c8e9d3", "HEAD", "--pairs", "1", "--runs", "20")
    for task in ("default", "bilateral"):
        assert re.search(rf"{task}\s+8c8e9d3: [\d,]+ runs/s\s+HEAD: [\d,]+ runs/s\s+median ratio "
                         r"B/A [\d.]+", out), out


def test_tournament_benchmark_prints_its_wall_time():
    out = bench("bench_tournament.py", "--seeds", "1", "--strategies", "2", "--workers", "1")
    assert re.search(r"= 8 matches on 1 workers: [\d.]+ s wall \([\d,]+ matches/s; 0 errors\)", out)


def test_calibrate_benchmark_prints_rates_extrapolation_acceptance_and_memory():
    out = bench("bench_calibrate.py", "--draws", "16", "--prior", "8", "--workers", "1",
                "--backend", "serial")
    assert re.search(r"plain sweep of the same draws\s+[\d.]+\s+\d+\s+[\d.]+", out)
    assert re.search(r"calibrate: everything\s+[\d.]+\s+[\d.]+", out)
    assert re.search(r"acceptance rate [\d.]+, effective sample size \d+", out)
    assert re.search(r"CPU seconds, driver / workers: plain sweep [\d.]+ / [\d.]+; calibrate", out)
    assert re.search(r"workers' CPU per draw .*: calibrate [\d.]+ ms, plain sweep [\d.]+ ms", out)
    assert "peak resident memory, MB (driver; largest worker's own, private pages):" in out
    for label in ("calibrate, 8 draws", "calibrate, 16 draws", "plain sweep, 16 draws"):
        assert re.search(rf"^  {label}\s+\d+;\s+\d+$", out, re.M), label


def test_calibrate_benchmark_without_the_plain_sweep_measures_the_calibration_alone():
    out = bench("bench_calibrate.py", "--draws", "8", "--prior", "4", "--workers", "1",
                "--backend", "serial", "--no-sweep")
    assert "plain sweep" not in out
    assert re.search(r"calibrate: the draws\s+[\d.]+\s+\d+\s+[\d.]+", out)
    assert re.search(r"CPU seconds, driver / workers: calibrate [\d.]+ / [\d.]+$", out, re.M)
    for label in ("calibrate, 4 draws", "calibrate, 8 draws"):
        assert re.search(rf"^  {label}\s+\d+;\s+\d+$", out, re.M), label


def test_calibrate_benchmark_compares_a_revision_interleaved():
    out = bench("bench_calibrate.py", "--against", "HEAD", "--pairs", "1", "--draws", "8",
                "--prior", "4", "--workers", "1", "--backend", "serial")
    assert re.search(r"calibrate: the draws\s+HEAD: [\d,]+ draws/s\s+this checkout: [\d,]+ "
                     r"draws/s\s+median ratio [\d.]+", out), out
    assert re.search(r"calibrate: workers CPU per draw\s+HEAD: [\d.]+ ms\s+this checkout: "
                     r"[\d.]+ ms\s+median ratio [\d.]+", out), out


def test_sbc_script_prints_the_coverage_and_concentration_tables():
    out = bench("sbc_coverage.py", "--repetitions", "4", "--draws", "6")
    assert "simulation-based calibration: 4 repetitions x 6 prior draws" in out
    assert re.search(r"actors\.A\.strategy\.beta\s+0\.500\s+\d+\s+4", out)
    assert "sd_share" in out

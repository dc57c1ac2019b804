"""The engine benchmark of two git revisions, side by side, interleaved in one run.

For a refactor that must not slow the engine: each revision is exported from git into a scratch
folder (nothing of the checkout changes), then ``benchmarks/bench_engine.py``'s own timing of the
default scenario and of the bilateral Boulware-vs-Conceder task runs in a fresh process per
revision, alternately A B A B …, so both see the same machine load. Prints each revision's median
runs/s and the median of the pairwise ratios B/A.

Usage: python benchmarks/compare_revisions.py REV_A REV_B [--pairs N] [--runs N]
(e.g. ``python benchmarks/compare_revisions.py 8c8e9d3 HEAD``). A revision whose pyproject maps
the ``bargaining_chips`` subpackages to top-level folders (``package-dir``) is made importable by a
folder of links in that layout; an older one by its root on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r"""
import importlib, json, os, sys
bench, runs, importable, tree = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
# The revision's own engine: its importable folder first, and neither the working directory (the
# exported tree, whose bargaining_chips/ folder holds no subpackage) nor an editable install of
# another checkout in this environment may stand in for a part of it.
sys.path[:] = [importable] + [p for p in sys.path if p not in ("", tree, importable)]
importlib.import_module("model" if importable == tree else "bargaining_chips.model")
sys.path.insert(0, bench)
import bench_engine as b
source = os.path.realpath(sys.modules[b.NegotiationModel.__module__].__file__)
if not source.startswith(os.path.realpath(tree) + os.sep):
    sys.exit(f"the engine was imported from {source}, not from the revision's tree {tree}")
default = b.load_scenario()
bilateral = b.scenario_from_dict(b.synthetic(2, 3, 20), "bilateral")
print(json.dumps({"default": b.time_runs(default, runs)[1],
                  "bilateral": b.time_runs(bilateral, runs)[1]}))
"""

def export(rev: str, into: Path) -> Path:
    """The files of ``rev`` under ``into``, and the folder to put on PYTHONPATH to import it."""
    tree = into / "tree"
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    mapping = (tomllib.loads((tree / "pyproject.toml").read_text())
               .get("tool", {}).get("setuptools", {}).get("package-dir", {}))
    if "bargaining_chips" not in mapping:
        return tree
    site = into / "site"
    package = site / "bargaining_chips"
    package.mkdir(parents=True)
    for entry in (tree / mapping["bargaining_chips"]).iterdir():
        os.symlink(entry, package / entry.name)
    for name, folder in mapping.items():
        if name.count(".") == 1:
            os.symlink(tree / folder, package / name.split(".")[1])
    return site


def measure(importable: Path, tree: Path, runs: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(importable), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", WORKER, str(tree / "benchmarks"), str(runs),
                           str(importable), str(tree)],
                          env=env, cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev_a")
    parser.add_argument("rev_b")
    parser.add_argument("--pairs", type=int, default=5, help="A-B pairs of processes (default 5)")
    parser.add_argument("--runs", type=int, default=2000, help="runs per timing (default 2000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        sides = {}
        for rev in (args.rev_a, args.rev_b):
            where = Path(scratch) / rev.replace("/", "_")
            sides[rev] = (export(rev, where), where / "tree")
        rates: dict[str, list[dict[str, float]]] = {args.rev_a: [], args.rev_b: []}
        for _ in range(args.pairs):
            for rev in (args.rev_a, args.rev_b):
                rates[rev].append(measure(*sides[rev], args.runs))
    print(f"engine benchmark, {args.pairs} interleaved pairs of processes, {args.runs} runs each:")
    for task in ("default", "bilateral"):
        a = [r[task] for r in rates[args.rev_a]]
        b = [r[task] for r in rates[args.rev_b]]
        ratio = statistics.median(y / x for x, y in zip(a, b, strict=True))
        print(f"  {task:<10} {args.rev_a}: {statistics.median(a):,.0f} runs/s   "
              f"{args.rev_b}: {statistics.median(b):,.0f} runs/s   median ratio B/A {ratio:.3f}")


if __name__ == "__main__":
    main()

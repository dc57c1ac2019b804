"""The same seed gives the same records on every supported Python and Mesa.

Each case below is a run whose complete records (per-offer rows, events, lobbying moves, votes,
coalition membership and edge rows, summary, and the transcript the report tells of them) are
fingerprinted, one fingerprint per kind of record; the fingerprints are kept in
``fixtures/golden_runs.json``. CI runs this file on Python 3.11 (Mesa 3.3) and 3.12 (Mesa 3.5)
against the same fingerprints, so a run that differs by one bit between them fails here (Python
3.12's ``sum`` of floats rounds differently from 3.11's, for one: see bargaining_chips/floats.py).

A change to the model that changes its records on purpose regenerates the file:

    BARGAINING_CHIPS_UPDATE_GOLDEN=1 python -m pytest tests/model/test_golden_runs.py
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.metrics import summary

GOLDEN = Path(__file__).parent / "fixtures" / "golden_runs.json"

CASES = {
    "default-seed-0": ("us_japan_2025", {}, 0),
    "default-seed-7": ("us_japan_2025", {}, 7),
    "default-hard-G7-seed-5": ("us_japan_2025", {"deadlines.G7.extension_probability": 0.0}, 5),
    "default-boulware-japan-seed-3": (
        "us_japan_2025", {"actors.Japan.strategy": {"name": "boulware"}}, 3),
    "baron-ferejohn-3-seed-2": ("model/scenarios/theory/baron_ferejohn_3.toml", {}, 2),
    "zeuthen-seed-0": ("model/scenarios/theory/zeuthen.toml", {}, 0),
    "default-seed-11": ("us_japan_2025", {}, 11),
    "stahl-seed-0": ("stahl", {}, 0),
    "rubinstein-seed-0": ("rubinstein", {}, 0),
    "faratin-seed-4": ("faratin", {}, 4),
    "deadline-effect-seed-9": ("deadline_effect", {}, 9),
    "two-level-fixture-seed-1": ("tests/fixtures/two_level.toml", {}, 1),
    "three-governments-seed-2": ("tests/fixtures/three_governments.toml", {}, 2),
}


def _plain(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if dataclasses.is_dataclass(x):
        return {f.name: _plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, enum.Enum):
        return x.value
    if isinstance(x, np.generic):
        return x.item()
    return x


def fingerprint(scenario: str, overrides: dict, seed: int) -> dict[str, str]:
    """One SHA-256 per kind of record of the run, so a change shows which records it moved (the
    transcript and summary lines are the report's words for those records)."""
    from bargaining_chips.experiments.report import transcript as report

    root = Path(__file__).resolve().parents[2]
    source = str(root / scenario) if scenario.endswith(".toml") else scenario
    model = NegotiationModel(load_scenario(source, overrides), seed=seed)
    model.run()
    tracker = model.coalition_tracker
    result = summary(model)
    records = {
        "rows": model.rows, "events": model.events, "moves": model.lobby_moves,
        "votes": model.domestic.votes, "members": tracker.membership_rows(),
        "edges": tracker.edge_rows(), "summary": result,
        "transcript": report.transcript(model) + report.summary_lines(model, result),
    }
    model.release()
    return {
        kind: hashlib.sha256(
            json.dumps(_plain(value), sort_keys=True, allow_nan=True).encode()).hexdigest()
        for kind, value in records.items()
    }


def test_golden_fingerprints_are_current():
    found = {name: fingerprint(*case) for name, case in CASES.items()}
    if os.environ.get("BARGAINING_CHIPS_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
    expected = json.loads(GOLDEN.read_text())
    changed = sorted(
        f"{name}: {kind}" for name in CASES for kind in found[name]
        if found[name][kind] != expected.get(name, {}).get(kind)
    )
    assert not changed, (
        f"records differ from {GOLDEN.name} for {changed}: on another Python or Mesa, a seed no "
        "longer gives the same run; if the model changed on purpose, regenerate the file "
        "(see this module's docstring)"
    )


@pytest.mark.parametrize("values", [[0.1, 0.2, 0.3], [1e16, 1.0, -1e16], [0.1] * 10])
def test_ordered_sum_adds_left_to_right(values):
    from bargaining_chips.floats import ordered_sum

    for start in (0.0, 1.5):
        total = start
        for v in values:
            total += v
        assert ordered_sum(values, start) == total
    assert ordered_sum([1e16, 1.0, -1e16]) == 0.0  # not compensated: 1.0 is lost, as in 3.11


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 BLAS kernels")
def test_same_records_whatever_blas_kernel_the_cpu_gets():
    """OpenBLAS picks its kernels by the CPU (AVX2 on one machine, AVX-512 on another), and each
    adds products in its own order: runs must not depend on which one a machine gets (products on
    a run's path avoid BLAS, see bargaining_chips/floats.py). The kernel is forced per process."""
    expected = json.loads(GOLDEN.read_text())
    script = (
        "import json, sys; sys.path[:0] = [sys.argv[1]];"
        "from test_golden_runs import CASES, fingerprint;"
        "print(json.dumps({n: fingerprint(*c) for n, c in CASES.items()}))"
    )
    for kernel in ("Haswell", "Prescott"):
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)],
                              env=env, capture_output=True, text=True, check=True)
        assert json.loads(done.stdout) == expected, f"records differ under the {kernel} kernel"


def _vector_code_in_use() -> list[str]:
    """numpy's CPU-dispatched targets (AVX2, AVX-512, …) that this CPU runs, beyond its baseline."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy 1.x
        from numpy.core import _multiarray_umath as umath
    return [t for t in umath.__cpu_dispatch__ if umath.__cpu_features__.get(t)]


@pytest.mark.skipif(not _vector_code_in_use(), reason="numpy runs only its baseline code here")
def test_same_records_whatever_vector_code_numpy_picks_for_the_cpu():
    """numpy picks vector code by the CPU (AVX2 here, AVX-512 there), and its powers, exponentials
    and logarithms round differently from one to the other in the last bit: the default
    scenario's seed 7 gave other records on a machine with AVX-512 while numpy took a run's
    powers (see bargaining_chips/floats.py). Runs must not depend on it: the cases are played
    with numpy's vector code above the baseline switched off, and must give the same records."""
    expected = json.loads(GOLDEN.read_text())
    script = (
        "import json, sys; sys.path[:0] = [sys.argv[1]];"
        "from test_golden_runs import CASES, fingerprint;"
        "print(json.dumps({n: fingerprint(*c) for n, c in CASES.items()}))"
    )
    off = " ".join(_vector_code_in_use())
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": off}
    done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)],
                          env=env, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == expected, f"records differ with numpy's {off} code off"


# Built-in ``sum`` calls allowed on a run's package paths: each adds integers or booleans, or
# only compares a validated input's total with zero (its last bit cannot decide anything).
_SUMS_ALLOWED = {
    ("model/coalitions.py", "sum(a != b for a, b in zip(labels, labels[1:], strict=False))"),
    ("model/protocols.py", "sum(v is Response.ACCEPT for v in responses.values())"),
    ("model/scenario_information.py", "sum(value.values())"),
    ("model/scenario_two_level.py", "sum(value.values())"),
}


#: numpy's functions whose results depend on the vector code it picks for the CPU (AVX-512's
#: differ from the C library's in the last bit): a run's path uses bargaining_chips.floats.
_CPU_DEPENDENT = {"exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "power",
                  "float_power", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2",
                  "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "cbrt", "logaddexp",
                  "logaddexp2", "hypot"}


def test_no_cpu_dependent_numpy_function_on_a_runs_path():
    """``np.exp``, ``np.log``, ``np.power`` and their kind on a run's path would let a seed give
    other records on a CPU with AVX-512 (see bargaining_chips/floats.py). (``**`` on arrays is
    ``np.power`` too: the values' tests check the powers a run takes bit for bit.)"""
    import ast

    root = Path(__file__).resolve().parents[2]
    found = []
    for folder in ("model", "agents"):
        for path in sorted((root / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Attribute) and node.attr in _CPU_DEPENDENT
                        and isinstance(node.value, ast.Name) and node.value.id in ("np", "numpy")):
                    found.append(f"{path.relative_to(root).as_posix()}:{node.lineno} np.{node.attr}")
    assert not found, f"use bargaining_chips.floats: {found}"


def test_no_builtin_float_sum_on_a_runs_path():
    """Python 3.12's ``sum`` of floats rounds differently from 3.11's (see floats.py): a new one
    in the model or the strategies would let a seed give different runs on the two Pythons."""
    import ast

    root = Path(__file__).resolve().parents[2]
    found = set()
    for folder in ("model", "agents"):
        for path in sorted((root / folder).rglob("*.py")):
            source = path.read_text()
            for node in ast.walk(ast.parse(source)):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id == "sum"):
                    found.add((path.relative_to(root).as_posix(),
                               ast.get_source_segment(source, node)))
    assert found <= _SUMS_ALLOWED, f"use floats.ordered_sum: {sorted(found - _SUMS_ALLOWED)}"

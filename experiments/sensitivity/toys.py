"""Toy models with known answers, called exactly like ``run_once(params, seed) -> dict``.

They go through the same designs, runner, store and analysis as the negotiation model, so the
pipeline can be checked against results known in closed form:

- :func:`ishigami` — the Ishigami function (Ishigami & Homma 1990), the standard test of Sobol'
  estimators: with a = 7, b = 0.1 and inputs uniform on [-π, π], the first-order indices are
  S1 ≈ 0.3139, S2 ≈ 0.4424, S3 = 0 and the total indices ST ≈ 0.5576, 0.4424, 0.2437.
- :func:`noisy_linear` — a linear response with seeded Gaussian noise and a Bernoulli "deal", so a
  summary over seeds has known means and proportions; its output is nested like the negotiation
  summary (a dict of terms, a list of coalitions) to exercise flattening.

Each toy declares ``parameters``, the paths it accepts, so a sweep can reject unknown paths before
running anything.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> dict[str, tuple[float, ...]]:
    """Analytic first-order and total Sobol' indices of the Ishigami function (Sobol' & Levitan 1999).

    V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2; V1 = (1 + bπ⁴/5)²/2; V2 = a²/8; V13 = b²π⁸(1/18 − 1/50).
    """
    pi4 = math.pi**4
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": (v1 / v, v2 / v, 0.0), "ST": ((v1 + v13) / v, v2 / v, v13 / v)}


def ishigami(params: dict[str, Any], seed: int) -> dict[str, Any]:
    """f(x) = sin x1 + a sin² x2 + b x3⁴ sin x1, inputs ``x1``, ``x2``, ``x3`` (deterministic)."""
    x1, x2, x3 = (float(params[k]) for k in ("x1", "x2", "x3"))
    a = float(params.get("a", ISHIGAMI_A))
    b = float(params.get("b", ISHIGAMI_B))
    y = math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)
    return {"seed": seed, "y": y}


ishigami.parameters = frozenset({"x1", "x2", "x3", "a", "b"})  # type: ignore[attr-defined]


def noisy_linear(params: dict[str, Any], seed: int) -> dict[str, Any]:
    """y = 2·x + 3·z + ε with ε ~ N(0, ``noise``²); ``deal`` ~ Bernoulli(clip(x, 0, 1)).

    Expected values: E[y] = 2x + 3z, P(deal) = clip(x, 0, 1). ``label`` (any string) is passed
    through; ``fail_above`` raises ValueError when x exceeds it (an erroring run); ``delay`` sleeps
    that many seconds (to make runs slow enough to interrupt).
    """
    x = float(params.get("x", 0.0))
    z = float(params.get("z", 0.0))
    noise = float(params.get("noise", 1.0))
    if "fail_above" in params and x > float(params["fail_above"]):
        raise ValueError(f"x={x} above fail_above={params['fail_above']}")
    if params.get("delay"):
        time.sleep(float(params["delay"]))
    rng = np.random.default_rng(seed)
    y = 2.0 * x + 3.0 * z + noise * float(rng.standard_normal())
    deal = bool(rng.random() < min(max(x, 0.0), 1.0))
    return {
        "seed": seed,
        "label": str(params.get("label", "")),
        "y": y,
        "deal": deal,
        "round": int(rng.integers(1, 10)) if deal else None,
        "terms": {"x": x, "z": z} if deal else None,
        "coalitions": [["a", "b"], ["c"]] if deal else [["a"], ["b"], ["c"]],
    }


noisy_linear.parameters = frozenset(  # type: ignore[attr-defined]
    {"x", "z", "noise", "label", "fail_above", "delay"}
)
# The outcomes that are null without a deal, typed for the sweep table before any run.
noisy_linear.outputs = {"round": "int64", "terms.x": "double", "terms.z": "double"}  # type: ignore[attr-defined]

"""The toy models: analytic answers the pipeline is validated against."""

from __future__ import annotations

import math

import pytest

from bargaining_chips.experiments.sensitivity.toys import ishigami, ishigami_indices, noisy_linear


def test_ishigami_indices_match_the_literature():
    # Ishigami & Homma (1990) with a = 7, b = 0.1; values as tabulated by Saltelli et al. (2008).
    s = ishigami_indices()
    assert s["S1"] == pytest.approx((0.3139, 0.4424, 0.0), abs=1e-4)
    assert s["ST"] == pytest.approx((0.5576, 0.4424, 0.2437), abs=1e-4)


def test_ishigami_values():
    assert ishigami({"x1": 0.0, "x2": 0.0, "x3": 0.0}, 1)["y"] == 0.0
    y = ishigami({"x1": math.pi / 2, "x2": math.pi / 2, "x3": 1.0}, 1)["y"]
    assert y == pytest.approx(1 + 7 + 0.1)


def test_noisy_linear_is_seeded():
    a = noisy_linear({"x": 0.5, "z": 1.0}, 42)
    assert a == noisy_linear({"x": 0.5, "z": 1.0}, 42)
    assert a["y"] != noisy_linear({"x": 0.5, "z": 1.0}, 43)["y"]
    assert noisy_linear({"x": 1.0, "z": 0.0, "noise": 0.0}, 5)["y"] == 2.0

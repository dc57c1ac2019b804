"""Anchored lobbying (model/lobbying.py): a government's weights are its own plus a bounded deviation
that fades, w = w⁰ + Δ, Δ ← s (1 − δ) [Δ + Σ_f η_f (T_f − w)] with ½‖Δ‖₁ ≤ B.

Random instances: a government G with random weights over 2–6 issues, an opponent H, and 1–4 firms
at home in G with random weights, directions and lobbying powers, generated as a scenario dict and
compiled as any file would be.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.loader import scenario_from_dict

SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def instances(draw):
    n = draw(st.integers(2, 6))
    issues = [f"i{k}" for k in range(n)]
    unit = st.floats(0.05, 1.0)
    gov_w = {i: draw(unit) for i in issues}
    firms = {}
    for f in range(draw(st.integers(1, 4))):
        w = {i: draw(unit) for i in issues if draw(st.booleans())} or {issues[0]: 1.0}
        firms[f"F{f}"] = {
            "kind": "firm", "home": "G", "weights": w,
            "prefers": {i: draw(st.sampled_from(["high", "low"])) for i in w},
            "lobbying_power": draw(st.floats(0.2, 1.0)),
        }
    raw = {
        "meta": {"name": "anchor"},
        "sources": {"actors": "invented for the tests"},
        "issues": {i: {"label": i, "min": 0.0, "max": 1.0, "no_deal": 0.0} for i in issues},
        "actors": {
            "G": {"kind": "government", "weights": gov_w, "prefers": dict.fromkeys(issues, "high"),
                  "strategy": {"name": "linear"}},
            "H": {"kind": "government", "weights": dict.fromkeys(issues, 1.0),
                  "prefers": dict.fromkeys(issues, "low"), "strategy": {"name": "linear"}},
            **firms,
        },
        "deadlines": {"end": {"kind": "hard", "round": 4}},
        "coalitions": {"weight_bound": draw(st.floats(0.0, 1.0)),
                       "weight_decay": draw(st.floats(0.05, 1.0))},
        "protocol": {"max_rounds": 4, "lobbying_rate": draw(st.floats(0.05, 0.5))},
    }
    return compile_scenario(scenario_from_dict(raw, "anchor.toml"))


def deviation(setup, w) -> float:
    g = setup.index("G")
    return 0.5 * float(np.abs(w[g] - setup.lobbying.initial_weights[g]).sum())


@SETTINGS
@given(setup=instances(), rounds=st.integers(1, 30))
def test_weights_stay_a_distribution_and_the_deviation_stays_bounded(setup, rounds):
    w = setup.lobbying.initial_weights.copy()
    g = setup.index("G")
    for _ in range(rounds):
        setup.lobbying.step(w)
        assert (w[g] >= 0).all()
        assert w[g].sum() == pytest.approx(1.0, abs=1e-12)
        assert deviation(setup, w) <= setup.spec.coalitions.weight_bound + 1e-12


@SETTINGS
@given(setup=instances(), k=st.integers(1, 10), off=st.integers(1, 10))
def test_with_lobbying_off_the_deviation_decays_geometrically(setup, k, off):
    lob, g = setup.lobbying, setup.index("G")
    delta = setup.spec.coalitions.weight_decay
    w = lob.initial_weights.copy()
    for _ in range(k):
        lob.step(w)
    start = w[g] - lob.initial_weights[g]
    row = w[g].copy()
    for n in range(1, off + 1):  # no pushes: η = 0 for every firm
        row = lob.anchored_weights(g, row, np.zeros_like(row), 0.0)
        expected = (1 - delta) ** n * start
        assert row - lob.initial_weights[g] == pytest.approx(expected, abs=1e-12)


@SETTINGS
@given(setup=instances())
def test_under_constant_pushes_the_weights_reach_the_closed_form_fixed_point(setup):
    lob, g = setup.lobbying, setup.index("G")
    bound, delta = setup.spec.coalitions.weight_bound, setup.spec.coalitions.weight_decay
    assume(len(lob.firms) > 0)  # a firm that agrees with G on nothing cannot lobby it
    w = lob.initial_weights.copy()
    _, _, eta = lob.step(w.copy())  # the (constant) intensities of one round
    eta = np.array(eta)
    total = eta.sum()
    t_bar = (eta[:, None] * lob.targets).sum(axis=0) / total
    w0 = lob.initial_weights[g]
    d = t_bar - w0
    half = 0.5 * np.abs(d).sum()
    a = (1 - delta) * total / (delta + total - delta * total)
    if half > 0:
        a = min(a, bound / half)
    for _ in range(800):
        lob.step(w)
    assert w[g] == pytest.approx(w0 + a * d, abs=1e-9)


def test_the_default_bound_and_decay_are_the_unanchored_rule_bit_for_bit(fixture_path):
    spec = load_scenario(fixture_path("lobbying"))
    assert (spec.coalitions.weight_bound, spec.coalitions.weight_decay) == (1.0, 0.0)
    lob = compile_scenario(spec).lobbying
    assert not lob.anchored
    w = lob.initial_weights.copy()
    g = 0
    for _ in range(5):
        before = w[g].copy()
        _, _, eta = lob.step(w)
        old = before * (1.0 - sum(eta))
        old += np.add.reduce(np.array(eta)[:, None] * lob.targets, axis=0)
        assert w[g].tolist() == old.tolist()


def test_a_bound_of_zero_keeps_the_governments_own_weights(fixture_path):
    model = NegotiationModel(load_scenario(fixture_path("two_level"),
                                           {"coalitions.weight_bound": 0.0}), seed=0)
    model.run()
    g = model.setup.index("G")
    assert model.weights[g].tolist() == model.setup.lobbying.initial_weights[g].tolist()
    assert {m.deviation for m in model.lobby_moves} == {0.0}


def test_the_deviation_is_recorded_per_move(fixture_path):
    model = NegotiationModel(load_scenario(fixture_path("two_level"),
                                           {"coalitions.weight_bound": 0.02}), seed=0)
    model.run()
    assert max(m.deviation for m in model.lobby_moves) == pytest.approx(0.02)

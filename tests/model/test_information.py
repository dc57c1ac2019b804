"""Private information (model.information): beliefs that learn from offers, truth for analysts.

The contract: with a prior that is a point at the truth, a run under private information is the
complete-information run bit for bit, for every named strategy (each on a scenario whose game it
plays); a belief that is not the truth changes what a government offers, never what the analyst
measures (the summary's utilities are true utilities).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bargaining_chips.agents.strategies import REGISTRY
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.metrics import summary

ROOT = Path(__file__).resolve().parents[2]
THEORY = ROOT / "model" / "scenarios" / "theory"

#: Every named strategy and a scenario whose game it plays (the heuristics on the default).
PLAYS = {name: ("us_japan_2025", {"actors.Japan.strategy": {"name": name}}) for name in REGISTRY}
PLAYS.update({
    "rubinstein": (str(THEORY / "rubinstein.toml"), {}),
    "stahl": (str(THEORY / "stahl.toml"), {}),
    "baron_ferejohn": (str(THEORY / "baron_ferejohn_3.toml"), {}),
    "zeuthen": (str(THEORY / "zeuthen.toml"), {}),
})
PRIVATE_KEYS = {"information", "beliefs", "belief_kendall_tau", "belief_weight_distance"}


def point_at_truth(source: str, overrides: dict, model: str) -> dict:
    """Overrides that make the scenario private, each government holding a point prior at the
    truth (its weights with pledges applied, its reservation) about every other."""
    spec = load_scenario(source, overrides)
    setup = compile_scenario(spec)
    out = dict(overrides)
    out["protocol.information"] = "private"
    names, issues = setup.actor_names, setup.space.issue_names
    for g in setup.governments:
        out[f"actors.{names[g]}.beliefs"] = {
            names[o]: {
                "model": model,
                "weights": dict(zip(issues, setup.start.weights[o].tolist(), strict=True)),
                "reservation": float(setup.reservation[o]),
            }
            for o in setup.governments if o != g
        }
    return out


def records(source: str, overrides: dict, seed: int) -> tuple:
    m = NegotiationModel(load_scenario(source, overrides), seed=seed)
    m.run()
    s = {k: v for k, v in summary(m).items() if k not in PRIVATE_KEYS}
    return m.rows, [repr(e) for e in m.events], [repr(x) for x in m.lobby_moves], s, m.beliefs


@pytest.mark.parametrize("name", sorted(PLAYS))
def test_a_point_prior_at_the_truth_is_complete_information(name):
    source, overrides = PLAYS[name]
    for seed, model in ((0, "bayesian"), (3, "frequency")):
        complete = records(source, overrides, seed)
        private = records(source, point_at_truth(source, overrides, model), seed)
        assert complete[0] == private[0]  # every offer, utility, answer and threshold
        assert complete[1:4] == private[1:4]
        assert complete[4] is None and private[4] is not None
        taus = {r.kendall_tau for r in private[4].records if r.kendall_tau == r.kendall_tau}
        assert taus <= {1.0} and all(r.weight_distance == 0.0 for r in private[4].records)


def test_a_wrong_belief_changes_the_offers_not_the_analysts_truth():
    m = NegotiationModel("us_japan_2025", seed=0, overrides={"protocol.information": "private"})
    m.run()
    c = NegotiationModel("us_japan_2025", seed=0)
    c.run()
    assert [r["u_US"] for r in m.rows] != [r["u_US"] for r in c.rows]
    s = summary(m)
    # every utility in the summary is the truth of the outcome
    if s["agreement"]:
        true = m.prefs.utilities(m.outcome.terms)
        assert s["utilities"]["US"] == pytest.approx(true[m.setup.index("US")])
    else:
        assert s["utilities"]["US"] == pytest.approx(float(m.reservation[m.setup.index("US")]))
    assert set(s["beliefs"]) == {"US->Japan", "Japan->US"}
    assert s["beliefs"]["US->Japan"]["offers_seen"] == sum(
        1 for o in m.offers if o.proposer == "Japan")


def test_records_measure_the_belief_of_their_round_as_the_truth_moves():
    """Each record keeps the belief and the truth of its round (lobbying moves the truth) and
    measures their distance; at the end the believer reads its estimate moved as the truth has
    moved since the start."""
    from bargaining_chips.agents.opponents import kendall_tau, weight_distance

    m = NegotiationModel("us_japan_2025", seed=0, overrides={"protocol.information": "private"})
    m.run()
    recs = m.beliefs.records
    assert len({r.true_weights for r in recs if r.about == "Japan"}) > 1  # the truth moved
    for r in recs:
        w, truth = np.array(r.weights), np.array(r.true_weights)
        assert r.weight_distance == float(np.sqrt(np.sum((w - truth) ** 2))) > 0.0
        assert r.weight_distance == weight_distance(w, truth)
        assert r.kendall_tau == kendall_tau(w, truth) or np.isnan(r.kendall_tau)
    us, japan = m.setup.index("US"), m.setup.index("Japan")
    est = m.beliefs.model_of(us, japan).weights
    moved = np.maximum(est + (m.prefs.weights[japan] - m.setup.start.weights[japan]), 0.0)
    assert m.beliefs.view_of(us)[0].weights[japan].tolist() == (moved / moved.sum()).tolist()


def test_the_view_reads_the_belief_for_others_and_the_truth_for_itself():
    m = NegotiationModel("us_japan_2025", seed=0, overrides={
        "protocol.information": "private",
        "actors.US.beliefs": {"Japan": {"weights": {"chip_purchases": 1.0}, "reservation": 0.25}},
    })
    us = m.setup.index("US")
    japan = m.setup.index("Japan")
    view = m.government(us).view
    terms = m.setup.space.no_deal
    assert view.reservation_of(japan) == 0.25
    assert view.reservation_of(us) == float(m.reservation[us])
    assert view.utility_of(us, terms) == m.prefs.utility(us, terms)
    chips = m.setup.space.issue_names.index("chip_purchases")
    believed = m.beliefs.view_of(us)[0].weights[japan]
    assert believed[chips] == 1.0 and believed.sum() == pytest.approx(1.0)
    offer = view.offer_at(0.9)
    assert view.utility(offer) >= 0.9 - 1e-9


def test_believed_directions_enter_the_believers_space_only():
    m = NegotiationModel("us_japan_2025", seed=0, overrides={
        "protocol.information": "private",
        "actors.US.beliefs": {"Japan": {"prefers": {"chip_purchases": "high"}}},
    })
    japan = m.setup.index("Japan")
    chips = m.setup.space.issue_names.index("chip_purchases")
    us_space = m.beliefs.view_of(m.setup.index("US"))[0].space
    assert us_space.sign[japan, chips] == 1.0
    assert m.setup.space.sign[japan, chips] == -1.0


@pytest.mark.parametrize(("path", "value", "field"), [
    ("actors.US.beliefs", {"Nowhere": {}}, "actors.US.beliefs.Nowhere"),
    ("actors.US.beliefs", {"US": {}}, "actors.US.beliefs.US"),
    ("actors.US.beliefs", {"Japan": {"model": "psychic"}}, "actors.US.beliefs.Japan.model"),
    ("actors.US.beliefs", {"Japan": {"params": {"sigma": -1.0}}},
     "actors.US.beliefs.Japan.params.sigma"),
    ("actors.US.beliefs", {"Japan": {"weights": {"bananas": 1.0}}},
     "actors.US.beliefs.Japan.weights.bananas"),
    ("actors.NVIDIA.beliefs", {"Japan": {}}, "actors.NVIDIA.beliefs"),
    ("actors.US.beliefs", {"Japan": {"reservation": [0.7, 0.2]}}, "reservation"),
    ("protocol.information", "psychic", "protocol.information"),
])
def test_bad_beliefs_are_scenario_errors_naming_the_field(path, value, field):
    with pytest.raises(ScenarioError) as err:
        load_scenario("us_japan_2025", {path: value})
    assert field in str(err.value)


def test_hypotheses_drawn_from_the_runs_generator_replay():
    over = {"protocol.information": "private",
            "actors.US.beliefs": {"Japan": {"params": {"max_hypotheses": 50}}}}
    a = NegotiationModel("us_japan_2025", seed=4, overrides=over)
    b = NegotiationModel("us_japan_2025", seed=4, overrides=over)
    np.random.seed(1)  # the global state plays no part
    a.run()
    np.random.seed(2)
    b.run()
    assert a.rows == b.rows
    assert a.beliefs.model_of(a.setup.index("US"), a.setup.index("Japan")).hypotheses == 50 * 7


def test_an_equilibrium_strategy_needs_point_beliefs_under_private_information():
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(THEORY / "rubinstein.toml"), {"protocol.information": "private"})
    assert ".beliefs." in str(err.value) and "point belief" in str(err.value)


@pytest.mark.parametrize("source", [
    "tests/fixtures/three_governments.toml", "tests/fixtures/two_level.toml",
    "model/scenarios/theory/zeuthen.toml", "model/scenarios/theory/faratin.toml",
])
def test_uninformed_priors_play_every_protocol(source):
    for seed in range(3):
        m = NegotiationModel(load_scenario(str(ROOT / source), {"protocol.information": "private"}),
                             seed=seed)
        m.run()
        s = summary(m)
        assert s["information"] == "private" and len(s["beliefs"]) == len(m.setup.governments) * (
            len(m.setup.governments) - 1)


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 BLAS kernels")
def test_private_runs_give_the_same_records_whatever_blas_kernel_the_cpu_gets():
    """The Bayesian model's products avoid BLAS (bargaining_chips/floats.py): a private run is
    the same on a machine whose OpenBLAS picks another kernel (forced in a process of its own:
    the SSE3 kernel, which no machine of today picks by itself). About 2 s."""
    cases = [["synthetic_5", {}, 3], ["us_japan_2025", {"protocol.information": "private"}, 0]]
    here = Path(__file__).parent
    sys.path.insert(0, str(here))
    try:
        from test_golden_runs import fingerprint
    finally:
        sys.path.remove(str(here))
    expected = [fingerprint(*case) for case in cases]
    script = ("import json, sys; sys.path[:0] = [sys.argv[1]];"
              "from test_golden_runs import fingerprint;"
              "print(json.dumps([fingerprint(*c) for c in json.loads(sys.argv[2])]))")
    done = subprocess.run([sys.executable, "-c", script, str(here), json.dumps(cases)],
                          env={**os.environ, "OPENBLAS_CORETYPE": "Prescott"},
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == expected, "records differ under the Prescott kernel"

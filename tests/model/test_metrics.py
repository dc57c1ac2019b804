"""The summary of a run (model/metrics.py): DESIGN.md's result schema, key by key and type by type,
for an agreement and for no deal."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from bargaining_chips.model.metrics import concessions, outcome_utilities, summary

# DESIGN.md: "The summary (JSON of --json, summary.json, one row of a sweep)".
DESIGN_KEYS = {
    "scenario", "seed", "outcome", "agreement", "agreement_round", "agreement_date",
    "rounds_played", "terms", "utilities", "nash_product", "pareto_distance", "coalitions",
    "version",
}
EXTRA_KEYS = {
    "end_reason", "deadline_in_force", "agreement_by_first_deadline", "first_deadline_round",
    "concessions",
    # the two-level game (model.coalitions.coalition_summary)
    "coalition_changes", "coalition_moves", "decisive_coalitions", "cross_border_decisive",
    "home_rejections", "ratification_thresholds",
}


def check_schema(result: dict, model) -> None:
    """Every DESIGN.md key with its documented type; the whole dict is plain JSON. (More keys may
    be added, DESIGN.md says; these keep their names and meaning.)"""
    assert DESIGN_KEYS | EXTRA_KEYS <= set(result)
    assert isinstance(result["scenario"], str)
    assert type(result["seed"]) is int
    assert result["outcome"] in ("agreement", "no_deal")
    assert type(result["agreement"]) is bool
    assert result["agreement"] == (result["outcome"] == "agreement")
    assert type(result["rounds_played"]) is int
    assert isinstance(result["nash_product"], float)
    assert isinstance(result["version"], str) and result["version"]
    assert set(result["utilities"]) == set(model.setup.actor_names)
    assert all(type(u) is float for u in result["utilities"].values())
    assert isinstance(result["coalitions"], list)
    assert all(isinstance(c, list) and all(isinstance(m, str) for m in c) for c in result["coalitions"])
    assert sorted(m for c in result["coalitions"] for m in c) == sorted(model.setup.actor_names)
    if result["agreement"]:
        assert type(result["agreement_round"]) is int
        assert dt.date.fromisoformat(result["agreement_date"])
        assert set(result["terms"]) == set(model.spec.issues)
        assert all(type(v) is float for v in result["terms"].values())
    else:
        assert result["agreement_round"] is None
        assert result["agreement_date"] is None
        assert result["terms"] is None
    assert json.loads(json.dumps(result)) == result


def test_an_agreement_in_the_default_scenario(play):
    model = play("us_japan_2025", seed=1)  # seed 1 ends in a deal
    result = summary(model)
    check_schema(result, model)
    assert result["outcome"] == "agreement"
    assert result["agreement_round"] == model.outcome.round_index + 1 == result["rounds_played"]
    assert result["agreement_date"] == model.setup.rounds[model.outcome.round_index].iso_date
    assert result["terms"] == pytest.approx(model.offers[-1].as_dict(model.setup.space.issue_names))
    assert result["scenario"] == "us_japan_2025"
    assert result["seed"] == 1
    assert result["end_reason"] == "accepted"


def test_utilities_of_an_agreement_are_those_of_the_terms(play):
    model = play("us_japan_2025", seed=1)  # seed 1 ends in a deal
    result = summary(model)
    expected = model.setup.space.utilities(model.outcome.terms, model.weights)
    assert list(result["utilities"].values()) == pytest.approx(list(expected))
    gov = model.setup.governments
    nash = np.prod([expected[g] - model.reservation[g] for g in gov])
    assert result["nash_product"] == pytest.approx(nash)
    assert result["pareto_distance"] >= 0.0


def test_no_deal_gives_reservation_utilities_and_null_terms(play):
    model = play("bilateral", {"actors.A.strategy": {"name": "hardliner"},
                               "actors.B.strategy": {"name": "hardliner"}})
    result = summary(model)
    check_schema(result, model)
    assert result["outcome"] == "no_deal"
    assert result["end_reason"] == "hard deadline"
    assert result["rounds_played"] == 10
    assert result["utilities"] == {n: float(model.reservation[i])
                                   for i, n in enumerate(model.setup.actor_names)}
    assert result["nash_product"] == 0.0
    assert result["agreement_by_first_deadline"] is False
    # The disagreement point (0.5, 0.5) lies 0.3/√2 inside the frontier u_a + u_b = 1.3.
    assert result["pareto_distance"] == pytest.approx(0.3 / np.sqrt(2))


def test_a_deal_on_the_frontier_has_distance_zero(play):
    model = play("bilateral")
    result = summary(model)
    assert result["agreement"]
    assert result["pareto_distance"] == pytest.approx(0.0, abs=1e-9)


def test_discounting_reduces_the_utility_of_a_late_deal(play):
    """u = δ^(round − 1) · u(terms) for an agreement in a later round. (δ = 0.9 would leave A
    below its reservation by the last round, and it walks away: see tests/agents/test_discounting.py.)"""
    model = play("bilateral", {"actors.A.discount": 0.95})
    assert model.outcome.agreement and model.outcome.round_index > 0
    raw = model.setup.space.utilities(model.outcome.terms, model.weights)
    u = outcome_utilities(model)
    assert u[0] == pytest.approx(raw[0] * 0.95 ** model.outcome.round_index)
    assert u[1] == pytest.approx(raw[1])


def test_concessions_are_first_minus_last_own_offer(play):
    model = play("bilateral")
    a = model.setup.index("A")
    own = [o for o in model.offers if o.proposer == "A"]
    u = [model.setup.space.utilities(o.terms, model.weights)[a] for o in own]
    assert concessions(model)["A"] == pytest.approx(u[0] - u[-1])
    assert concessions(model)["A"] > 0


def test_agreement_by_first_deadline_and_its_round(play):
    model = play("us_japan_2025", {"deadlines.G7.extension_probability": 1.0}, seed=1)
    result = summary(model)
    assert result["first_deadline_round"] == 7
    later = result["agreement"] and result["agreement_round"] > 7
    assert result["agreement_by_first_deadline"] == (result["agreement"] and not later)


def test_summary_of_unfinished_talks_is_refused(fixture_path):
    from bargaining_chips.model import NegotiationModel, load_scenario

    model = NegotiationModel(load_scenario(fixture_path("bilateral")), seed=0)
    model.step()
    with pytest.raises(RuntimeError, match="not ended"):
        summary(model)


def test_without_a_tracker_coalitions_split_those_who_gain_from_those_who_lose(play):
    model = play("us_japan_2025", seed=1)  # seed 1 ends in a deal
    model.coalition_tracker = None
    result = summary(model)
    gain = outcome_utilities(model) - model.reservation
    names = model.setup.actor_names
    pro = [n for n, g in zip(names, gain, strict=True) if g >= 0]
    anti = [n for n, g in zip(names, gain, strict=True) if g < 0]
    assert result["coalitions"] == [c for c in (pro, anti) if c]
    # Ratification made the deal keep rice within what the farm lobby tolerates (its reservation).
    assert "JA_Farm" in pro


def test_the_pareto_distance_with_concave_values_is_measured_on_the_curve():
    """The default scenario has concave values: a summary's Pareto distance (9 traced levels,
    refined on the exact curve) is never more than the distance to any of 2,001 exact frontier
    points, and within 1e-4 of the nearest of them."""
    import math

    from bargaining_chips.model import NegotiationModel
    from bargaining_chips.model.metrics import _raw_utilities, frontier

    for seed in range(6):
        model = NegotiationModel("us_japan_2025", seed=seed, collect=False)
        model.run()
        result = summary(model)
        a, b = model.setup.governments
        raw = _raw_utilities(model) if model.outcome.agreement else model.reservation
        dense = frontier(model, 2001)
        nearest = min(math.hypot(float(raw[a]) - x, float(raw[b]) - y) for x, y in dense.points.tolist())
        assert result["pareto_distance"] <= nearest + 1e-12
        assert result["pareto_distance"] >= nearest - 1e-4
        model.release()


def test_the_concave_pareto_distance_is_the_same_read_off_the_multiplier_as_searched_by_level():
    """Where the frontier is one smooth curve (the default scenario) the distance is found on the
    curve parametrised by the multiplier; searching a's level instead (the way for frontiers with
    linear pieces or steps) gives the same distance to 1e-9."""
    import math

    from bargaining_chips.model import NegotiationModel
    from bargaining_chips.model.metrics import SUMMARY_SAMPLES, _raw_utilities, frontier

    for seed in range(4):
        model = NegotiationModel("us_japan_2025", seed=seed, collect=False)
        model.run()
        a, b = model.setup.governments
        raw = _raw_utilities(model) if model.outcome.agreement else model.reservation
        front = frontier(model, SUMMARY_SAMPLES)
        assert front.knots is not None and all(map(math.isfinite, front.knots[1:-1]))
        on_curve = front.distance(float(raw[a]), float(raw[b]))
        front.knots = None  # the search on a's level
        by_level = front.distance(float(raw[a]), float(raw[b]))
        assert on_curve == pytest.approx(by_level, rel=1e-9, abs=1e-12)
        assert on_curve <= by_level + 1e-12
        model.release()

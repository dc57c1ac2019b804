"""The EMA-workbench adapter: flat keyword arguments in, flat numeric outcomes out."""

from __future__ import annotations

import math
import warnings

import pytest

from bargaining_chips.experiments import run_once
from bargaining_chips.experiments.ema import ema_model, flat_outcomes, outcome_names, run_flat

NO_DEAL = {"deadlines__G7__extension_probability": 0.0, "actors__US__strategy": {"name": "hardliner"}}


def test_run_flat_is_run_once_flattened():
    flat = run_flat("us_japan_2025", 3, actors__Japan__strategy__beta=0.5)
    nested = run_once({"actors.Japan.strategy.beta": 0.5}, 3)
    assert flat["agreement"] == float(nested["agreement"])
    assert flat["utilities__Japan"] == nested["utilities"]["Japan"]
    assert flat["terms__auto_tariff"] == nested["terms"]["auto_tariff"]
    assert flat["coalitions"] == len(nested["coalitions"])
    assert all(isinstance(v, float) for v in flat.values())
    assert all(k.isidentifier() for k in flat)


def test_the_outcome_keys_do_not_depend_on_the_run():
    deal, no_deal = run_flat(seed=1), run_flat(seed=1, **NO_DEAL)  # seed 1 ends in a deal
    assert deal["agreement"] == 1.0 and no_deal["agreement"] == 0.0
    assert list(deal) == list(no_deal) == outcome_names()
    assert math.isnan(no_deal["agreement_round"]) and math.isnan(no_deal["terms__auto_tariff"])


def test_a_categorical_term_is_its_option_position():
    flat = flat_outcomes(run_once({"scenario": "zeuthen"}, 0), "zeuthen")
    assert flat["terms__deal"] == 2.0  # option "C"


def test_perform_experiments_with_the_ema_workbench():
    ema = pytest.importorskip("ema_workbench")
    model = ema_model("talks", seed=None, outcomes=["agreement", "utilities__Japan"])
    model.levers = [ema.RealParameter("actors__Japan__strategy__beta", 0.1, 5.0)]
    model.uncertainties = [ema.RealParameter("deadlines__G7__extension_probability", 0.0, 1.0),
                           ema.IntegerParameter("seed", 0, 1000)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ema.SequentialEvaluator(model) as evaluator:
            experiments, outcomes = evaluator.perform_experiments(scenarios=3, policies=2)
    assert len(experiments) == 6 and outcomes["agreement"].shape == (6,)
    first = experiments.iloc[0]
    again = run_flat("us_japan_2025", int(first["seed"]), **{
        k: first[k] for k in ("actors__Japan__strategy__beta", "deadlines__G7__extension_probability")})
    assert outcomes["utilities__Japan"][0] == again["utilities__Japan"]

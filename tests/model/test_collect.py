"""NegotiationModel as Mesa's own tools take it: rng=/seed=, overrides as keywords, a
DataCollector, mesa.batch_run (model.collect, model.negotiation)."""

from __future__ import annotations

import math
import pickle
import warnings

import mesa
import pandas as pd
import pytest

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.metrics import summary
from bargaining_chips.model.negotiation import override_paths
from tests.model.test_golden_runs import CASES, fingerprint


def test_collecting_changes_no_record():
    """The collector draws nothing and changes nothing: every kind of record of the golden runs
    is the same collected every round or not collected at all."""
    import tests.model.test_golden_runs as golden

    original = golden.NegotiationModel
    for name in ("default-seed-0", "default-seed-7", "default-hard-G7-seed-5"):
        scenario, overrides, seed = CASES[name]
        try:
            golden.NegotiationModel = lambda spec, seed: original(spec, seed=seed, collect=False)
            plain = fingerprint(scenario, overrides, seed)
        finally:
            golden.NegotiationModel = original
        assert fingerprint(scenario, overrides, seed) == plain, name


def test_rng_and_seed_are_one_seed():
    a = NegotiationModel(rng=5, collect=False)
    b = NegotiationModel(seed=5, collect=False)
    a.run(), b.run()
    assert a.seed == b.seed == 5 and summary(a) == summary(b)
    with pytest.raises(ValueError, match="not both"):
        NegotiationModel(seed=1, rng=2)


def test_no_seed_draws_a_fresh_one_and_records_it():
    first, second = NegotiationModel(collect=False), NegotiationModel(collect=False)
    assert isinstance(first.seed, int) and first.seed != second.seed
    assert 0 <= first.seed < 2**63  # fits a Parquet int64 column
    replay = NegotiationModel(seed=first.seed, collect=False)
    first.run(), replay.run()
    assert summary(first) == summary(replay)


def test_overrides_as_keywords_dotted_or_mapping():
    expected = load_scenario("us_japan_2025", {"actors.Japan.strategy.beta": 0.5})
    assert NegotiationModel(actors__Japan__strategy__beta=0.5, rng=0).spec is expected
    assert NegotiationModel(overrides={"actors.Japan.strategy.beta": 0.5}, rng=0).spec is expected
    assert NegotiationModel(**{"actors.Japan.strategy.beta": 0.5}, rng=0).spec is expected
    # a loaded scenario takes overrides too, validated again as its file would be
    loaded = NegotiationModel(load_scenario("us_japan_2025"), rng=0, actors__Japan__strategy__beta=0.5)
    assert loaded.spec == expected
    assert NegotiationModel("zeuthen", rng=0, protocol__max_rounds=7).spec.protocol.max_rounds == 7


def test_an_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="actors__Japan__strategy__beta"):
        NegotiationModel(beta=0.5)
    assert override_paths({"a.b": 1}, {"c__d": 2}) == {"a.b": 1, "c.d": 2}


def test_datacollector_columns():
    model = NegotiationModel(rng=0)
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == ["deal", "round", "date", "coalitions", "u_US", "u_Japan"]
    assert len(frame) == model.steps + 1  # the start, then every round
    assert frame["round"].tolist() == list(range(model.steps + 1))
    assert frame["deal"].iloc[-1] == int(model.outcome.agreement)
    assert math.isnan(frame["u_US"].iloc[0])
    last = model.rows[-1]
    assert frame["u_US"].iloc[-1] == last["u_US"] and frame["u_Japan"].iloc[-1] == last["u_Japan"]
    agents = model.datacollector.get_agent_vars_dataframe().reset_index()
    assert set(agents.columns) >= {"actor", "kind", "utility", "stance", "coalition"}
    end = agents[agents["Step"].astype(int) == model.steps]
    assert sorted(end["actor"]) == sorted(model.setup.actor_names)
    assert set(end.loc[end["actor"].isin(["US", "Japan"]), "kind"]) == {"government"}
    assert model.datacollector is not None
    assert NegotiationModel(rng=0, collect=False).datacollector is None


def test_the_model_pickles_with_its_collector():
    model = NegotiationModel(rng=1)
    model.step()
    again = pickle.loads(pickle.dumps(model))
    assert again.datacollector.get_model_vars_dataframe().equals(
        model.datacollector.get_model_vars_dataframe())
    # the copy plays on, its coalition graph (and the lock it reads under) its own
    again.run()
    model.run()
    assert len(again.coalition_tracker.history()) == len(model.coalition_tracker.snapshots)
    assert again.coalition_tracker._deriving is not model.coalition_tracker._deriving


def test_batch_run_sweeps_strategy_parameters():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # iterations= on Mesa 3.5
        results = mesa.batch_run(
            NegotiationModel,
            parameters={"actors__Japan__strategy__beta": [0.2, 5.0],
                        "deadlines.G7.extension_probability": 0.0},
            iterations=2, max_steps=20, number_processes=1, display_progress=False,
        )
    frame = pd.DataFrame(results)
    assert set(frame["actors__Japan__strategy__beta"]) == {0.2, 5.0}
    assert {"deal", "round", "u_US", "u_Japan", "coalitions", "actor", "utility"} <= set(frame.columns)
    runs = frame.groupby("RunId").first()
    assert len(runs) == 4
    # the US never moves the end of the pause: no round after 7 July
    assert runs["round"].max() <= 10


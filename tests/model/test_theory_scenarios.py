"""The theory scenarios: they load, play to agreement, and every override path named for them
exists and is validated like any other."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bargaining_chips.experiments.single import run_once
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.loader import load_scenario, scenario_names

THEORY = ("rubinstein", "outside_option", "stahl", "nash_split", "zeuthen", "faratin", "baron_ferejohn",
          "baron_ferejohn_3", "deadline_effect")


def test_the_theory_scenarios_are_bundled():
    assert set(THEORY) <= set(scenario_names())


@pytest.mark.parametrize("name", THEORY)
def test_each_plays_to_an_agreement(name):
    result = run_once({"scenario": name}, 0)
    assert result["agreement"] and result["scenario"] == name


# (scenario, path, a valid value, how to read it back, an invalid value)
PATHS = [
    ("rubinstein", "actors.P1.discount", 0.95, lambda s: s.actors["P1"].discount, 1.5),
    ("rubinstein", "actors.P2.discount", 0.8, lambda s: s.actors["P2"].discount, 0.0),
    ("stahl", "protocol.max_rounds", 3, lambda s: len(compile_scenario(s).rounds), 0),
    ("nash_split", "actors.P2.curvature.share", 0.5, lambda s: s.actors["P2"].curvature["share"], -1.0),
    ("nash_split", "actors.P1.reservation", 0.2, lambda s: float(compile_scenario(s).reservation[0]), 1.2),
    ("nash_split", "actors.P2.reservation", 0.1, lambda s: float(compile_scenario(s).reservation[1]), -0.1),
    ("nash_split", "actors.P1.bargaining_power", 0.7, lambda s: s.actors["P1"].bargaining_power, 0.0),
    ("faratin", "actors.Seller.strategy.beta", 1.0, lambda s: s.actors["Seller"].strategy.params["beta"], -1.0),
    ("faratin", "actors.Buyer.strategy.beta", 1.0, lambda s: s.actors["Buyer"].strategy.params["beta"], 0.0),
    ("baron_ferejohn", "actors.L1.discount", 0.9, lambda s: s.actors["L1"].discount, 2.0),
    ("baron_ferejohn", "protocol.budget", 1.0, lambda s: s.protocol.budget, -1.0),
    ("deadline_effect", "actors.Seller.strategy.sigma", 0.1, lambda s: s.actors["Seller"].strategy.params["sigma"], 2.0),
]


@pytest.mark.parametrize("scenario, path, good, read, bad", PATHS)
def test_override_paths_exist_and_are_validated(scenario, path, good, read, bad):
    assert read(load_scenario(scenario, {path: good})) == good
    with pytest.raises(ScenarioError) as err:
        load_scenario(scenario, {path: bad})
    assert err.value.field.startswith(path.rsplit(".", 1)[0])
    assert f"(--set {path})" in err.value.source


def test_bad_theory_input_is_one_line_and_exit_status_2(capsys):
    import run

    status = run.main(["run", "--scenario", "rubinstein", "--set", "actors.P1.discount=1.5", "--json"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "actors.P1.discount" in err
    status = run.main(["solutions", "--scenario", "baron_ferejohn"])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("error: ") and "two governments" in err


@settings(max_examples=25, deadline=None)
@given(boulware=st.floats(0.1, 0.3), conceder=st.floats(3.0, 10.0), seller_tough=st.booleans())
@example(boulware=0.2, conceder=5.0, seller_tough=True)
def test_faratin_boulware_against_conceder_agrees_late_and_keeps_most(boulware, conceder, seller_tough):
    """Faratin, Sierra & Jennings (1998): the Boulware side holds out and keeps most of the zone of
    agreement [40, 60], whichever side it is; the deal comes in the last four rounds before T = 10."""
    tough, soft = ("Seller", "Buyer") if seller_tough else ("Buyer", "Seller")
    result = run_once({"scenario": "faratin", f"actors.{tough}.strategy.beta": boulware,
                       f"actors.{soft}.strategy.beta": conceder}, 0)
    price = result["terms"]["price"]
    kept = (price - 40) / 20 if seller_tough else (60 - price) / 20
    assert result["agreement_round"] >= 7
    assert kept >= 0.85

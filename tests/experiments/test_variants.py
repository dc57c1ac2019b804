"""A run's scenario built from the loaded one (experiments.variants) equals load_scenario's, and the
runs of a sweep and of a calibration's draw give the same rows as through load_scenario."""

from __future__ import annotations

import datetime as dt

import pytest

from bargaining_chips.experiments.calibrate.simulate import FACTS, STOP, row, simulate_draw
from bargaining_chips.experiments.single import run_once
from bargaining_chips.experiments.variants import variant
from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.loader import load_scenario
from bargaining_chips.model.metrics import summary
from bargaining_chips.model.negotiation import NegotiationModel
from bargaining_chips.model.overrides import scenario_tables

DRAW = {"actors.Japan.strategy.beta": 0.713, "actors.US.strategy.beta": 0.331,
        "actors.Japan.reservation": 0.552, "actors.US.reservation": 0.613,
        "deadlines.G7.extension_probability": 0.37}

CASES = [
    ("us_japan_2025", DRAW),
    ("us_japan_2025", {"protocol.lobbying_rate": 0.2, "coalitions.edge_threshold": 0.4}),
    ("us_japan_2025", {"calendar.rounds.3.date": dt.date(2025, 5, 31),
                       "calendar.cadence_days": 5}),
    ("us_japan_2025", {"calendar.rounds.7.date": dt.date(2025, 6, 20)}),  # appends a round
    ("us_japan_2025", {"threats.letter.issue": "reciprocal_tariff",  # adds a threat
                       "threats.letter.date": dt.date(2025, 6, 1),
                       "threats.letter.no_deal": 30.0, "threats.letter.owner": "US"}),
    ("us_japan_2025", {"meta.name": "renamed", "actors.Toyota.lobbying_power": 0.5}),
    ("us_japan_2025", {"actors.Japan.strategy": {"name": "hardliner"}}),
    ("rubinstein", {}),
    ("zeuthen", {"protocol.max_rounds": 12}),
    ("nash_split", {"actors": {}}),  # replaces a keyed table whole: refused, as by the loader
]


def _same_or_same_error(source, overrides):
    try:
        expected = load_scenario(source, overrides)
    except ScenarioError as err:
        with pytest.raises(ScenarioError) as caught:
            variant(source, overrides)
        assert str(caught.value) == str(err)
        return None
    got = variant(source, overrides)
    assert got == expected
    assert scenario_tables(got) == scenario_tables(expected)
    assert got.model_fields_set == expected.model_fields_set
    return got


@pytest.mark.parametrize(("source", "overrides"), CASES)
def test_variant_equals_load_scenario(source, overrides):
    _same_or_same_error(source, overrides)


@pytest.mark.parametrize("overrides", [
    {"actors.Japan.reservation": 1.5},                    # out of range
    {"actors.Nobody.reservation": 0.5},                   # no such actor
    {"actors.Japan.strategy.beta": float("inf")},         # not finite
    {"deadlines.G7.extension_probability": "often"},      # wrong type
    {"calendar.rounds.12.date": dt.date(2025, 6, 20)},    # past the list's end
    {"issues.auto_tariff.max": -5.0},                     # breaks a model validator
])
def test_bad_overrides_raise_the_loaders_error(overrides):
    with pytest.raises(ScenarioError):
        load_scenario("us_japan_2025", overrides)
    assert _same_or_same_error("us_japan_2025", overrides) is None


def test_untouched_branches_are_the_base_scenarios_objects():
    base = load_scenario("us_japan_2025")
    got = variant("us_japan_2025", DRAW)
    assert got.actors["Toyota"] is base.actors["Toyota"]
    assert got.issues is not base.issues or got.issues == base.issues
    assert got.actors["Japan"] != base.actors["Japan"]
    assert got.calendar is base.calendar


@pytest.mark.parametrize("seed", [0, 7, 12345])
def test_run_once_rows_match_the_loaders_path(seed):
    old = NegotiationModel(load_scenario("us_japan_2025", DRAW), seed=seed, collect=False)
    old.run()
    assert run_once(DRAW, seed) == summary(old)
    old.release()


@pytest.mark.parametrize("seed", [1, 99])
def test_a_draws_row_matches_the_loaders_path(seed, tmp_path):
    from bargaining_chips.experiments.calibrate import simulate as sim
    from bargaining_chips.experiments.calibrate.facts import load_facts

    path = tmp_path / "facts.toml"
    path.write_text('[meta]\nname = "t"\nas_of = 2025-05-28\n\n[[facts]]\nid = "no_deal"\n'
                    'kind = "no_deal"\ndate = 2025-05-23\nsource = "test"\n', encoding="utf-8")
    facts = load_facts(path, load_scenario("us_japan_2025"))
    got = simulate_draw({**DRAW, FACTS: facts.to_json(), STOP: False}, seed)
    model = NegotiationModel(load_scenario("us_japan_2025", DRAW), seed=seed, collect=False)
    checker = sim.FactChecker(facts, model)
    while model.outcome is None:
        model.run(max_steps=1)
        checker.update()
    checker.update()
    assert got == row(model, checker)
    model.release()


def test_the_same_overrides_again_give_the_same_scenario_object():
    first = variant("us_japan_2025", DRAW)
    assert variant("us_japan_2025", dict(reversed(DRAW.items()))) is first
    other = variant("us_japan_2025", {**DRAW, "actors.Japan.reservation": 0.5521})
    assert other is not first and other != first
    listed = {"actors.Japan.strategy": {"name": "hardliner"}}
    assert variant("us_japan_2025", listed) is variant("us_japan_2025", listed)
    assert variant("us_japan_2025", listed) == load_scenario("us_japan_2025", listed)

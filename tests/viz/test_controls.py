"""The dashboard's controls: built from the scenario, and turned back into the same overrides."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from bargaining_chips.model import load_scenario
from bargaining_chips.viz import controls


@pytest.fixture(scope="module")
def spec():
    return load_scenario("us_japan_2025")


@pytest.fixture(scope="module")
def params(spec):
    return controls.model_params(spec, "us_japan_2025")


def test_every_firm_has_a_lobbying_slider_at_the_scenarios_value(spec, params):
    for firm in spec.firms:
        control = params[f"actors.{firm}.lobbying_power"]
        assert control["type"] == "SliderFloat"
        assert control["value"] == spec.actors[firm].lobbying_power
        assert control["min"] <= control["value"] <= control["max"]


def test_every_date_has_the_slider_its_kind_reads_at_the_scenarios_value(spec, params):
    """A target: its chance of slipping; a soft deadline: its owner's rule's parameter (the
    margin of a strategic rule, else the extension probability); a hard one: none, since a
    slider there would do nothing."""
    assert params["deadlines.G7.extension_probability"]["value"] == 0.5  # the target
    assert params["deadlines.pause_end.margin"]["value"] == 0.1  # the US's strategic rule
    assert "deadlines.pause_end.extension_probability" not in params  # it does not draw
    hard = load_scenario("us_japan_2025", {"deadlines.pause_end.kind": "hard",
                                           "deadlines.pause_end.owner": None,
                                           "deadlines.pause_end.rule": "probability",
                                           "deadlines.pause_end.margin": 0.0,
                                           "deadlines.pause_end.extension_days": None})
    assert not any(k.startswith("deadlines.pause_end.")
                   for k in controls.model_params(hard, "us_japan_2025"))


def test_strategy_sliders_show_the_files_parameters_and_the_main_one(spec, params):
    for government in spec.governments:
        strategy = spec.actors[government].strategy
        shown = controls.strategy_parameters(spec, government)
        assert set(strategy.params) <= set(shown)
        assert "beta" in shown  # the time-dependent family's main parameter
        for name, value in shown.items():
            control = params[f"actors.{government}.strategy.{name}"]
            assert control["value"] == value
            assert control["min"] <= value <= control["max"]
            if name in strategy.params:
                assert value == strategy.params[name]


def test_a_strategy_default_comes_from_the_strategy_when_the_file_leaves_it_out():
    from bargaining_chips.agents.strategies import REGISTRY

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "bilateral.toml"
    spec = load_scenario(fixture)
    for government in spec.governments:
        strategy = spec.actors[government].strategy
        assert "beta" not in strategy.params  # the file names the strategy only
        default = inspect.signature(REGISTRY[strategy.name].__init__).parameters["beta"].default
        assert controls.strategy_parameters(spec, government) == {"beta": default}


def test_controls_have_distinct_labels_and_a_seed_box(params):
    labels = [p["label"] for p in params.values() if isinstance(p, dict)]
    assert len(labels) == len(set(labels))
    assert params["seed"]["type"] == "InputText" and params["seed"]["value"] == "0"
    assert params["scenario_name"] == "us_japan_2025"


def test_defaults_give_no_overrides(spec, params):
    values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}
    assert controls.overrides_from(values, spec) == {}


def test_moved_controls_become_overrides_with_clean_floats(spec):
    values = {
        "seed": "3",
        "actors.Japan.strategy.beta": 0.30000000000000004,
        "actors.NVIDIA.lobbying_power": spec.actors["NVIDIA"].lobbying_power,
        "deadlines.G7.extension_probability": 0.9,
    }
    assert controls.overrides_from(values, spec) == {
        "actors.Japan.strategy.beta": 0.3,
        "deadlines.G7.extension_probability": 0.9,
    }


def test_a_value_outside_the_screen_range_widens_it():
    spec = load_scenario("us_japan_2025", {"actors.Japan.strategy.beta": 9.0})
    control = controls.model_params(spec, "us_japan_2025")["actors.Japan.strategy.beta"]
    assert control["value"] == 9.0 and control["max"] >= 9.0

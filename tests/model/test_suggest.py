"""A misspelt key names the field it was meant to be (model.suggest)."""

from __future__ import annotations

import pytest

from bargaining_chips.experiments.sweep.config import SweepConfig
from bargaining_chips.model import ScenarioError, load_scenario
from bargaining_chips.model.scenario import Scenario
from bargaining_chips.model.suggest import allowed_fields, unknown_field


@pytest.mark.parametrize(("path", "meant"), [
    ("actors.Japan.reservaton", "reservation"),
    ("issues.auto_tariff.no_dael", "no_deal"),
    ("deadlines.G7.extension_probabilty", "extension_probability"),
    ("actors.Japan.strategy.bta", "beta"),
])
def test_a_misspelt_override_suggests_the_field(path, meant):
    with pytest.raises(ScenarioError, match=f"did you mean '{meant}'"):
        load_scenario("us_japan_2025", {path: 0.3})


def test_far_from_any_field_it_lists_them():
    assert "expected one of kind, label" in unknown_field(Scenario, ("actors", "Japan", "zzzz"))
    assert allowed_fields(Scenario, ("meta", "x", "y")) is None  # a free-form table
    assert unknown_field(SweepConfig, ("design", "kindd")) == "unknown field; did you mean 'kind'?"

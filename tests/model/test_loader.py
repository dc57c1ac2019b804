"""Loading scenarios (model/loader.py): by name or path, from files that may be missing or
malformed, with overrides, and the cache that makes sweeps pay for validation once."""

from __future__ import annotations

import pytest

from bargaining_chips.model import ScenarioError, load_scenario, scenario_names
from bargaining_chips.model.loader import DEFAULT_SCENARIO, SCENARIO_DIR, resolve_scenario


def test_the_default_scenario_loads_by_name_and_by_path():
    by_name = load_scenario(DEFAULT_SCENARIO)
    by_path = load_scenario(SCENARIO_DIR / "us_japan_2025.toml")
    assert by_name.name == by_path.name == "us_japan_2025"
    assert by_name.model_dump() == by_path.model_dump()
    assert "us_japan_2025" in scenario_names()


def test_every_bundled_scenario_loads():
    for name in scenario_names():
        assert load_scenario(name).name


def test_resolve_scenario_finds_bundled_names_and_keeps_paths(fixture_path):
    assert resolve_scenario("us_japan_2025") == SCENARIO_DIR / "us_japan_2025.toml"
    assert resolve_scenario(str(fixture_path("bilateral"))) == fixture_path("bilateral")


def test_an_unknown_name_lists_the_bundled_scenarios():
    with pytest.raises(ScenarioError) as err:
        load_scenario("no_such_scenario")
    assert err.value.source == "no_such_scenario"
    assert "us_japan_2025" in err.value.expected


def test_a_missing_file_is_a_user_error(tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(ScenarioError) as err:
        load_scenario(missing)
    assert err.value.source == str(missing)
    assert "no such file" in err.value.expected


def test_malformed_toml_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[meta]\nname = "x"\n[issues.x\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.source == str(path)
    assert "malformed TOML" in err.value.expected
    assert "line 3" in err.value.expected


def test_a_missing_required_field_is_named(tmp_path, fixture_path):
    path = tmp_path / "s.toml"
    path.write_text(fixture_path("bilateral").read_text().replace('label = "issue y"\n', ""))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.field == "issues.y.label"
    assert "required" in err.value.expected


def test_the_same_inputs_give_the_same_frozen_object(fixture_path):
    path = fixture_path("bilateral")
    assert load_scenario(path) is load_scenario(path)
    a = load_scenario(path, {"actors.A.strategy.beta": 0.5})
    assert a is load_scenario(path, {"actors.A.strategy.beta": 0.5})
    assert a is not load_scenario(path)


def test_overrides_differing_only_in_type_are_validated_separately(fixture_path):
    """1 == 1.0 == True in Python; a cached scenario loaded with one must not be served for another
    that fails validation."""
    path = fixture_path("lobbying")
    assert load_scenario(path, {"actors.G.strategy.k": 1}).actors["G"].strategy.params["k"] == 1
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, {"actors.G.strategy.k": True})
    assert err.value.field == "actors.G.strategy.k"


def test_overrides_change_the_loaded_values(fixture_path):
    spec = load_scenario(
        fixture_path("bilateral"), {"actors.A.reservation": 0.3, "issues.x.max": 20.0}
    )
    assert spec.actors["A"].reservation == 0.3
    assert spec.issues["x"].max == 20.0

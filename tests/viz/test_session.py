"""DashboardModel: the talks for a set of control values, or the reason they cannot run."""

from __future__ import annotations

import gc
import weakref

import pytest

from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.viz.session import DashboardModel, parse_seed, release


@pytest.mark.parametrize(("text", "seed"), [("0", 0), (" 42 ", 42), (7, 7)])
def test_seed_box_reads_whole_numbers(text, seed):
    assert parse_seed(text) == seed


@pytest.mark.parametrize("text", ["", "x", "1.5", "-3", True, -1])
def test_seed_box_refuses_anything_else(text):
    with pytest.raises(ValueError, match="whole number"):
        parse_seed(text)


def test_default_values_play_the_scenario_unchanged():
    dash = DashboardModel(scenario_name="us_japan_2025", seed="0")
    reference = NegotiationModel(load_scenario("us_japan_2025"), 0)
    try:
        assert dash.problem is None and dash.overrides == {} and dash.running
        for _ in range(4):
            dash.step()
            reference.step()
        assert dash.talks.rows == reference.rows
        assert dash.talks.spec is reference.spec
    finally:
        release(dash)
        reference.release()


def test_controls_reach_the_talks_as_overrides():
    dash = DashboardModel(
        seed="5",
        **{"actors.NVIDIA.lobbying_power": 0.9, "deadlines.G7.extension_probability": 0.1},
    )
    try:
        assert dash.talks.seed == 5
        assert dash.talks.spec.actors["NVIDIA"].lobbying_power == 0.9
        assert dash.talks.spec.deadlines["G7"].extension_probability == 0.1
        assert dash.spec.actors["NVIDIA"].lobbying_power != 0.9  # the base scenario is untouched
    finally:
        release(dash)


def test_a_bad_seed_is_explained_and_nothing_runs():
    dash = DashboardModel(seed="abc")
    assert dash.talks is None and not dash.running
    assert "whole number" in dash.problem
    dash.step()  # a no-op, not an error
    assert not dash.running
    release(dash)


def test_an_impossible_combination_is_explained_with_its_field():
    dash = DashboardModel(
        **{"actors.Japan.strategy.start": 0.2, "actors.Japan.strategy.floor": 0.5}
    )
    assert dash.talks is None and not dash.running
    assert dash.problem.startswith("actors.Japan.strategy.floor")
    assert "start" in dash.problem
    release(dash)


def test_mesa_35s_experiment_object_is_ignored():
    dash = DashboardModel(scenario=object(), seed="0")
    try:
        assert dash.problem is None and dash.overrides == {}
    finally:
        release(dash)


def test_stepping_ends_with_the_talks():
    dash = DashboardModel()
    try:
        for _ in range(len(dash.talks.setup.rounds) + 2):
            dash.step()
        assert not dash.running and dash.talks.outcome is not None
    finally:
        release(dash)


def test_released_models_are_garbage():
    """Mesa 3.3 keeps every model in ``Agent._ids`` until released; then nothing holds them."""
    refs = []
    for _ in range(5):
        dash = DashboardModel()
        dash.step()
        refs.append((weakref.ref(dash), weakref.ref(dash.talks)))
        release(dash)
        del dash
    gc.collect()
    assert all(a() is None and b() is None for a, b in refs)


def test_a_fault_inside_the_model_is_explained_and_logged(monkeypatch, caplog):
    dash = DashboardModel()
    dash.step()

    def broken() -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(dash.talks, "step", broken)
    with caplog.at_level("ERROR", logger="bargaining_chips.viz.session"):
        dash.step()
    assert dash.talks is None and not dash.running
    assert dash.problem == "the model failed in round 2 (ZeroDivisionError: division by zero)"
    assert "Traceback" in caplog.text or caplog.records[0].exc_info is not None
    dash.step()  # and stays stopped
    release(dash)

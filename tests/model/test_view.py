"""The model's view of the talks (model/view.py): time, preferences, history and the seeded
generator, all read from the model, never written; it implements what a strategy may see
(agents/view.py), no more and no less."""

from __future__ import annotations

import pytest

from bargaining_chips.agents.view import NegotiationView
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.view import TableView


def _members(cls: type) -> set[str]:
    return {n for n in (*vars(cls), *getattr(cls, "__annotations__", {})) if not n.startswith("_")}


def test_the_table_view_implements_every_member_of_the_protocol_and_nothing_else(fixture_path):
    declared = _members(NegotiationView)
    assert {"utility", "offer_at", "history", "keep_to_win_set", "vetoes_at_table"} <= declared
    view = NegotiationModel(load_scenario(fixture_path("bilateral")), seed=0).government(0).view
    assert isinstance(view, TableView)
    defined = _members(TableView) | {n for n in vars(view) if not n.startswith("_")}
    assert defined == declared


@pytest.fixture
def model(fixture_path):
    return NegotiationModel(load_scenario(fixture_path("bilateral")), seed=4)


def test_time_is_the_models_relative_time(model):
    view = model.government(0).view
    assert view.round_index == 0 and view.t == 0.0
    assert view.relative_time(9) == 1.0
    assert view.relative_time(3) == pytest.approx(3 / 9)
    model.step()
    assert view.round_index == 1 and view.t == pytest.approx(1 / 9)
    assert not view.is_last_round


def test_the_generator_is_the_models(model):
    assert model.government(0).view.rng is model.rng


def test_preferences_and_utilities(model):
    view = model.government(0).view
    assert view.reservation == pytest.approx(0.5)
    assert view.reservation_of(1) == pytest.approx(0.5)
    assert view.discount == 1.0
    best = view.offer_at(1.0)
    assert view.utility(best) == pytest.approx(1.0)
    assert view.utility_of(1, best) == pytest.approx(0.0)
    assert view.index_of("B") == 1


def test_history_and_last_offers(model):
    view = model.government(0).view
    assert view.history == [] and view.last_offer_by() is None
    for _ in range(4):
        model.step()
    assert [o.proposer for o in view.history] == ["A", "B", "A", "B"]
    assert view.last_offer_by() is view.history[2]
    assert view.last_offer_by(1) is view.history[3]
    assert view.last_offer_by(1, before=1) is view.history[1]
    assert view.last_offer_by(1, before=2) is None

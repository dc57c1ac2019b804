"""NegotiationModel (model/negotiation.py): Mesa agents, the round, the calendar, the records."""

from __future__ import annotations

import pandas as pd
import pytest

from bargaining_chips.agents.actors import FirmAgent, GovernmentAgent
from bargaining_chips.agents.messages import Response
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.errors import ScenarioWarning
from bargaining_chips.model.events import DeadlinePassed


def test_every_actor_is_a_mesa_agent_of_its_kind():
    model = NegotiationModel("us_japan_2025", seed=0)
    assert [g.actor_name for g in model.governments] == ["US", "Japan"]
    assert len(model.agents) == 11  # two governments, nine firms and constituencies
    assert len(model.agents_by_type[GovernmentAgent]) == 2
    assert len(model.agents_by_type[FirmAgent]) == 9
    assert {f.actor_name: model.setup.actor_names[f.home] for f in model.firms}["Toyota"] == "Japan"
    assert model.outcome is None
    assert model.running


def test_one_step_is_one_dated_round():
    model = NegotiationModel("us_japan_2025", seed=0)
    model.step()
    assert model.round_index == 1
    assert len(model.rows) == 1 and len(model.offers) == 1
    row = model.rows[0]
    assert (row["round"], row["date"], row["proposer"]) == (1, "2025-04-16", "Japan")
    assert set(model.spec.issues) <= set(row)
    assert {f"u_{n}" for n in model.setup.actor_names} <= set(row)
    assert row["responses"] == {"US": "reject"}
    assert len(model.lobby_moves) == 9  # every firm lobbies from the first round


def test_stepping_after_the_end_changes_nothing(fixture_path):
    model = NegotiationModel(load_scenario(fixture_path("bilateral")), seed=0)
    outcome = model.run()
    rows = len(model.rows)
    model.step()
    assert model.outcome is outcome
    assert len(model.rows) == rows


def test_a_hard_deadline_ends_the_talks_with_the_no_deal_terms(seat, scripted):
    model = seat("bilateral", A=scripted(levels=[1.0]), B=scripted(levels=[1.0]))
    outcome = model.run()
    assert (outcome.agreement, outcome.reason, outcome.round_index) == (False, "hard deadline", 9)
    assert outcome.deadline == "end"
    assert list(outcome.terms) == list(model.setup.space.no_deal)
    assert model.events[-1] == DeadlinePassed(9, "end", hard=True, extended=False)


def test_a_soft_deadline_never_extended_ends_the_talks_there(seat, scripted):
    overrides = {"deadlines.mid": {"kind": "soft", "round": 4, "extension_probability": 0.0}}
    model = seat("bilateral", overrides, A=scripted(levels=[1.0]), B=scripted(levels=[1.0]))
    outcome = model.run()
    assert (outcome.reason, outcome.round_index, outcome.deadline) == (
        "deadline not extended", 3, "mid")


def test_a_soft_deadline_always_extended_passes_to_the_next(seat, scripted):
    overrides = {"deadlines.mid": {"kind": "soft", "round": 4, "extension_probability": 1.0}}
    model = seat("bilateral", overrides, A=scripted(levels=[1.0]), B=scripted(levels=[1.0]))
    outcome = model.run()
    assert (outcome.reason, outcome.round_index, outcome.deadline) == ("hard deadline", 9, "end")
    assert [e.extended for e in model.events] == [True, False]


def test_extension_is_one_draw_of_the_models_generator(seat, scripted):
    """Over seeds, a soft deadline with p = 0.5 is extended about half the time, and exactly when
    the model's first uniform draw falls below p."""
    import numpy as np

    overrides = {"deadlines.mid": {"kind": "soft", "round": 2, "extension_probability": 0.5}}
    extended = []
    for seed in range(40):
        model = seat("bilateral", overrides, seed, A=scripted(levels=[1.0]), B=scripted(levels=[1.0]))
        model.run()
        extended.append(model.events[0].extended)
        assert extended[-1] == bool(np.random.default_rng(seed).random() < 0.5)
        model.release()
    assert 10 <= sum(extended) <= 30


def test_talks_end_at_the_end_of_the_calendar(seat, scripted):
    # An extension of the calendar's last deadline has nowhere to go: legitimate, inert, warned.
    with pytest.warns(ScenarioWarning, match="deadlines.end.extension_probability: the last deadline"):
        model = seat("bilateral", {"deadlines.end.kind": "soft",
                                   "deadlines.end.extension_probability": 1.0},
                     A=scripted(levels=[1.0]), B=scripted(levels=[1.0]))
    outcome = model.run()
    assert (outcome.reason, outcome.round_index) == ("calendar end", 9)


def test_is_last_round_at_a_hard_or_certain_deadline(seat, scripted):
    overrides = {"deadlines.mid": {"kind": "soft", "round": 3, "extension_probability": 0.0}}
    model = seat("bilateral", overrides, A=scripted(levels=[1.0]), B=scripted(levels=[1.0]))
    last = []
    while model.outcome is None:
        last.append(model.is_last_round())
        model.step()
    assert last == [False, False, True]
    uncertain = {"deadlines.mid": {"kind": "soft", "round": 3, "extension_probability": 0.3}}
    model = seat("bilateral", uncertain, A=scripted(levels=[1.0]), B=scripted(levels=[1.0]))
    model.round_index = 2
    assert not model.is_last_round()
    model.round_index = 9
    assert model.is_last_round()


def test_the_rounds_table_has_one_row_per_round_and_a_column_per_answer():
    model = NegotiationModel("us_japan_2025", seed=0)
    model.run()
    table = model.rounds_table()
    assert isinstance(table, pd.DataFrame)
    assert len(table) == len(model.rows) == model.outcome.round_index + 1
    assert list(table["round"]) == list(range(1, len(table) + 1))
    for name in ("US", "Japan"):
        assert f"response_{name}" in table and f"threshold_{name}" in table
    assert "response_NVIDIA" not in table
    assert set(table["response_US"].dropna()) <= {r.value for r in Response}
    assert table["ratified"].iloc[-1] == model.outcome.agreement


def test_the_compiled_scenario_is_not_changed_by_a_run():
    spec = load_scenario("us_japan_2025")
    before = compile_scenario(spec).space.weights.copy(), compile_scenario(spec).reservation.copy()
    model = NegotiationModel(spec, seed=0)
    model.run()
    assert (model.weights != before[0]).any()  # lobbying moved the model's own copy
    assert (compile_scenario(spec).space.weights == before[0]).all()
    assert (compile_scenario(spec).reservation == before[1]).all()


def test_release_drops_the_model_from_mesas_registry():
    import mesa

    model = NegotiationModel("us_japan_2025", seed=0)
    model.release()
    assert model not in getattr(mesa.Agent, "_ids", {})


def test_a_model_can_be_built_from_a_scenario_name():
    assert NegotiationModel("us_japan_2025", seed=1).spec is load_scenario("us_japan_2025")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_utilities_recorded_are_the_current_weights_utilities(seed):
    model = NegotiationModel("us_japan_2025", seed=seed)
    while model.outcome is None:
        model.step()
        row, offer = model.rows[-1], model.offers[-1]
        expected = model.setup.space.utilities(offer.terms, model.weights)
        got = [row[f"u_{n}"] for n in model.setup.actor_names]
        assert got == pytest.approx(list(expected), abs=1e-12)


@pytest.mark.parametrize("seed", [0, 4])
def test_rows_read_at_the_end_are_the_rows_read_as_the_run_goes(seed):
    """Rows are built when read: the weights lobbying moves later must not reach earlier rows."""
    live = NegotiationModel("us_japan_2025", seed=seed)
    seen = []
    while live.outcome is None:
        live.step()
        seen.append(dict(live.rows[-1]))
        number, accepted, ratified, responses = live.last_answers()
        last = live.rows[-1]
        assert (number, accepted, ratified, responses) == (
            last["round"], last["accepted"], last["ratified"], last["responses"])
    late = NegotiationModel("us_japan_2025", seed=seed)
    late.run()
    assert (late.weights != late.setup.lobbying.initial_weights).any()
    assert late.rows == seen


def test_last_answers_is_none_before_any_offer():
    assert NegotiationModel("us_japan_2025", seed=0).last_answers() is None


def test_run_counts_its_rounds_as_steps_and_plays_what_step_plays():
    stepped = NegotiationModel("us_japan_2025", seed=2)
    while stepped.outcome is None:
        stepped.step()
    ran = NegotiationModel("us_japan_2025", seed=2)
    ran.run()
    assert ran.steps == stepped.steps == ran.outcome.round_index + 1
    assert ran.rows == stepped.rows and ran.events == stepped.events


def test_run_goes_through_a_subclass_step():
    class Counting(NegotiationModel):
        calls = 0

        def step(self):
            Counting.calls += 1
            super().step()

    model = Counting("us_japan_2025", seed=2)
    model.run()
    assert Counting.calls == model.steps == model.outcome.round_index + 1


def test_what_all_runs_of_a_scenario_share_is_read_only():
    setup = compile_scenario(load_scenario("us_japan_2025"))
    for array in (setup.space.weights, setup.reservation, setup.lobbying.initial_weights,
                  setup.space.no_deal, setup.lobbying.targets):
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    model = NegotiationModel("us_japan_2025", seed=1)
    model.run()  # lobbying edits the model's own copies only
    assert model.weights.flags.writeable and model.reservation.flags.writeable

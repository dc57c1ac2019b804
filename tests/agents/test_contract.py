"""The contract every registered strategy keeps, checked for each entry of the registry.

A strategy shows its parameters in its repr, plays the same way from the same seed, never offers
terms worth less than its reservation utility, proposes terms inside the issue ranges (before the
protocol's clipping), answers with a Response, and refuses out-of-range parameters with a
ParameterError naming the parameter. A strategy added to the registry is checked here without
editing this file (with its default parameters unless PARAMS names others).
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from bargaining_chips.agents.messages import Offer, Response
from bargaining_chips.agents.strategies import REGISTRY, ParameterError, make_strategy

# Non-default parameters, so the repr and the play test exercise them.
PARAMS: dict[str, dict] = {
    "time_dependent": {"beta": 2.0, "start": 0.95},
    "boulware": {"beta": 0.3, "k": 0.05},
    "linear": {"floor": 0.55},
    "conceder": {"beta": 4.0},
    "tit_for_tat": {"window": 2},
    "zeuthen": {},
    "hardliner": {"level": 0.8, "walk_away": True},
    "noisy": {"sigma": 0.1, "beta": 0.5},
}
NAMES = sorted(REGISTRY)
OPPONENTS = ("linear", "noisy", "hardliner", "tit_for_tat", "conceder")


def build(name: str):
    return make_strategy(name, **PARAMS.get(name, {}))


def _spy_on_proposals(model, actor: str) -> list[np.ndarray]:
    """Record what ``actor``'s strategy proposes before the protocol clips it."""
    agent = model.government(model.setup.index(actor))
    raw: list[np.ndarray] = []
    propose = agent.propose

    def spy():
        terms = propose()
        raw.append(np.array(terms, dtype=float))
        return terms

    agent.propose = spy
    return raw


@pytest.mark.parametrize("name", NAMES)
def test_repr_shows_the_parameters(name):
    strategy = build(name)
    text = repr(strategy)
    assert text.startswith(f"{type(strategy).__name__}(")
    for key, value in PARAMS.get(name, {}).items():
        assert f"{key}={value!r}" in text
    accepted = [p for p in inspect.signature(type(strategy).__init__).parameters if p != "self"]
    assert list(strategy.params()) == accepted
    rebuilt = eval(text, {type(strategy).__name__: type(strategy)})  # noqa: S307
    assert rebuilt.params() == strategy.params()


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_play(seat, name):
    def rows(seed):
        model = seat("bilateral", seed=seed, A=build(name), B=make_strategy("noisy", sigma=0.1))
        model.run()
        model.release()
        return model.rows

    assert rows(7) == rows(7)


@pytest.mark.parametrize("name", NAMES)
def test_never_offers_below_its_reservation_and_stays_in_range(seat, name):
    for opponent in OPPONENTS:
        for seed in range(3):
            for me, other in (("A", "B"), ("B", "A")):
                model = seat("bilateral", seed=seed, **{me: build(name), other: make_strategy(opponent)})
                raw = _spy_on_proposals(model, me)
                model.run()
                model.release()
                space, index = model.setup.space, model.setup.index(me)
                own = [row for row in model.rows if row["proposer"] == me]
                assert len(own) == len(raw) > 0
                for row in own:
                    assert row[f"u_{me}"] >= model.reservation[index] - 1e-9, (opponent, seed, row)
                for terms in raw:
                    assert np.all(terms >= space.lo - 1e-9)
                    assert np.all(terms <= space.lo + space.span + 1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_in_the_default_scenario_with_lobbying(seat, name):
    """With firms moving the weights every round, offers still respect the reservation."""
    from bargaining_chips.model import NegotiationModel, load_scenario

    for seed in range(3):
        model = NegotiationModel(load_scenario("us_japan_2025"), seed=seed)
        model.government(model.setup.index("Japan")).strategy = build(name)
        japan = model.setup.index("Japan")
        while model.outcome is None:
            seen = len(model.rows)
            model.step()
            # lobbying moves the reservation before the round's offers, and nothing after them
            reservation = model.reservation[japan]
            for row in model.rows[seen:]:
                if row["proposer"] == "Japan":
                    assert row["u_Japan"] >= reservation - 1e-9, (seed, row["round"])
        model.release()


@pytest.mark.parametrize("name", NAMES)
def test_answers_are_responses_with_a_threshold_in_zero_one(seat, name):
    model = seat("bilateral", A=build(name), B=make_strategy("linear"))
    model.step()  # A proposes, B answers
    model.step()  # B proposes, A answers
    view = model.government(0).view
    strategy = model.government(0).strategy
    for level in (0.0, 0.6, 1.0):
        terms = model.setup.space.offer_at(1, level, model.weights, (0,))
        offer = Offer("B", 3, terms)
        assert isinstance(strategy.respond(view, offer), Response)
        threshold = strategy.acceptance_threshold(view, offer)
        assert threshold is None or 0.0 <= threshold <= 1.0


@pytest.mark.parametrize("name", NAMES)
def test_out_of_range_parameters_are_refused_by_name(name):
    cls = REGISTRY[name]
    for param in inspect.signature(cls.__init__).parameters.values():
        if param.name == "self":
            continue
        bad = "yes" if isinstance(param.default, bool) else -5.0
        with pytest.raises(ParameterError) as err:
            cls(**{param.name: bad})
        assert err.value.param == param.name

"""Shared fixtures: where the repository and the test scenarios are, ways to play a model, and a
scripted counterpart for strategy transcript tests.

Test scenarios live in ``tests/fixtures/`` as ordinary scenario files, so they are loaded exactly
like the bundled ones (``load_scenario(path, overrides)``).

:class:`Scripted` plays a fixed sequence, like Axelrod's ``MockPlayer``: it offers the terms (or the
utility levels, turned into efficient terms) it was given, one per turn, repeating the last, and
answers with the responses it was given, rejecting once they run out. It is a Strategy so a model can
seat it at the table, but it is deliberately not registered: it exists only in the tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pytest
from hypothesis import settings

from bargaining_chips.agents.messages import Offer, Response
from bargaining_chips.agents.strategies import Strategy
from bargaining_chips.model import NegotiationModel, load_scenario

ROOT = Path(__file__).resolve().parent.parent

# Where CI=true (as CI machines set it) hypothesis draws the same examples on every run, so a CI
# run is reproducible; elsewhere it explores afresh each time, which is how new failures are found.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _forget_models_made_by_the_test():
    """Drop the models a test built from Mesa 3.3's class-level ``Agent._ids`` registry.

    Mesa 3.3 keeps every model that ever had an agent alive in that registry (it is gone in 3.5),
    so models built by one test would otherwise outlive it and show up in later tests that count
    live models or measure memory. Models that existed before the test are left alone.
    """
    registry = getattr(mesa.Agent, "_ids", None)
    before = set(registry) if registry is not None else set()
    yield
    if registry is not None:
        for model in [m for m in list(registry) if m not in before]:
            registry.pop(model, None)


@pytest.fixture(scope="session")
def default_run() -> NegotiationModel:
    """The default scenario played to its end with seed 1, a run that ends in a deal after the
    G7 (shared: tests only read it)."""
    model = NegotiationModel("us_japan_2025", seed=1)
    model.run()
    model.release()
    return model


@pytest.fixture(scope="session")
def v1_run() -> NegotiationModel:
    """Seed 1 of the default scenario as it stood before its recalibration
    (``tests/fixtures/us_japan_2025_v1.toml``: JA's red line hidden, so home rejects the deal of the
    G7 and the talks go on): the story the two-level records are tested on (shared: read only)."""
    model = NegotiationModel(load_scenario(FIXTURES / "us_japan_2025_v1.toml"), seed=1)
    model.run()
    model.release()
    return model


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository's root folder (where ``run.py`` lives)."""
    return ROOT


@pytest.fixture(scope="session")
def fixture_path() -> Callable[[str], Path]:
    """``fixture_path("bilateral")`` → the path of ``tests/fixtures/bilateral.toml``."""
    return lambda name: FIXTURES / f"{name}.toml"


@pytest.fixture(scope="session")
def lobby_once(fixture_path) -> Callable[..., NegotiationModel]:
    """One round of lobbying on a fixture scenario, judged on an offer ``terms`` by H in round 1:
    ``lobby_once("two_level", {"coalitions.partner_boost": 0.0}, terms=(1.0, 1.0))``."""

    def _lobby(scenario: str, overrides: Mapping[str, Any] | None = None,
               terms: Sequence[float] = (1.0, 1.0)) -> NegotiationModel:
        model = NegotiationModel(load_scenario(fixture_path(scenario), overrides), seed=0)
        model.offers.append(Offer("H", 1, np.asarray(terms, dtype=float)))
        model.round_index = 1
        model.lobby()
        return model

    return _lobby


@pytest.fixture(scope="session")
def play() -> Callable[..., NegotiationModel]:
    """Load a scenario (a bundled name or a fixture name), build the model and run it to its end.

    ``play("bilateral", {"actors.A.strategy.beta": 0.5}, seed=3)``; the model is released from
    Mesa 3.3's agent registry after the run, so tests that play many runs stay small.
    """

    def _play(
        scenario: str = "us_japan_2025", overrides: Mapping[str, Any] | None = None, seed: int = 0
    ) -> NegotiationModel:
        source = FIXTURES / f"{scenario}.toml"
        spec = load_scenario(source if source.is_file() else scenario, overrides)
        model = NegotiationModel(spec, seed=seed)
        model.run()
        model.release()
        return model

    return _play


class Scripted(Strategy):
    """Offers ``terms`` (arrays in the issues' units) or ``levels`` (its own utility levels, by
    default always its best terms) in turn, and answers with ``responses`` in turn; the last offer
    repeats, missing answers are rejections."""

    def __init__(
        self,
        levels: Sequence[float] = (1.0,),
        terms: Sequence[np.ndarray] = (),
        responses: Sequence[Response] = (),
    ) -> None:
        self.levels = tuple(levels)
        self.terms = tuple(np.asarray(t, dtype=float) for t in terms)
        self.responses = tuple(responses)
        self._proposed = 0
        self._answered = 0

    def propose(self, view) -> np.ndarray:
        k = self._proposed
        self._proposed += 1
        if self.terms:
            return self.terms[min(k, len(self.terms) - 1)].copy()
        return view.offer_at(self.levels[min(k, len(self.levels) - 1)])

    def respond(self, view, offer) -> Response:
        k = self._answered
        self._answered += 1
        return self.responses[k] if k < len(self.responses) else Response.REJECT


@pytest.fixture(scope="session")
def seat(fixture_path) -> Callable[..., NegotiationModel]:
    """A model of a fixture scenario with given strategies seated in place of the file's.

    ``seat("bilateral", A=Boulware(), B=Scripted(levels=[1.0]), overrides={...}, seed=0)``.
    """

    def _seat(scenario: str, overrides=None, seed: int = 0, **strategies: Strategy):
        model = NegotiationModel(load_scenario(fixture_path(scenario), overrides), seed=seed)
        for name, strategy in strategies.items():
            model.government(model.setup.index(name)).strategy = strategy
        return model

    return _seat


@pytest.fixture(scope="session")
def scripted() -> type[Scripted]:
    return Scripted

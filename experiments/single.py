"""One run: the model as a function, and a run with its files.

``run_once(params, seed) -> dict`` is the model as a function of its parameters (EMA-workbench
style): ``params`` are ``--set`` paths, plus an optional ``"scenario"`` key naming the scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bargaining_chips.experiments.variants import variant
from bargaining_chips.model.loader import DEFAULT_SCENARIO
from bargaining_chips.model.metrics import summary
from bargaining_chips.model.negotiation import NegotiationModel


def play(params: Mapping[str, Any] | None = None, seed: int = 0) -> NegotiationModel:
    """Build and run a model to its end; returns the finished model (records included). The
    scenario is ``load_scenario(scenario, overrides)``, built as :func:`~.variants.variant` does
    (the file read once per process, only what the overrides touch validated again)."""
    overrides = dict(params or {})
    source = overrides.pop("scenario", DEFAULT_SCENARIO)
    spec = variant(str(source), overrides)
    model = NegotiationModel(spec, seed=seed, collect=False)  # a summary needs no collector
    model.run()
    return model


def run_once(params: Mapping[str, Any], seed: int) -> dict:
    """One complete run; returns the summary dict (DESIGN.md's result schema).

    >>> run_once({"actors.Japan.strategy.beta": 0.5}, seed=3)["outcome"]  # doctest: +SKIP
    'agreement'
    """
    model = play(params, seed)
    try:
        return summary(model)
    finally:
        model.release()

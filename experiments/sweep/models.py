"""The function a sweep studies: found by its dotted name, and its parameters checked before any run.

A sweep config names its model as ``"package.module:function"`` (default
``bargaining_chips.experiments.single:run_once``, the negotiation model as a function); the
function takes ``(params, seed)`` and returns a summary dict. Workers resolve the same name, so
the function must be importable wherever runs execute.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from bargaining_chips.experiments.sweep.config import DEFAULT_MODEL, SweepConfig
from bargaining_chips.experiments.sweep.design import Design, grid_values
from bargaining_chips.model.errors import UserError

ModelFunction = Callable[[dict[str, Any], int], dict[str, Any]]
_MODELS: dict[str, ModelFunction] = {}


def resolve_model(spec: str) -> ModelFunction:
    """Import ``"package.module:function"`` (cached per process)."""
    if spec in _MODELS:
        return _MODELS[spec]
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UserError(f"model {spec!r}: expected 'package.module:function'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise UserError(f"model {spec!r}: cannot import {module_name!r} ({err})") from None
    func = getattr(module, attr, None)
    if not callable(func):
        raise UserError(f"model {spec!r}: {module_name} has no function {attr!r}")
    _MODELS[spec] = func
    return func


def validate_parameters(config: SweepConfig, design: Design, source: str = "config") -> None:
    """Fail before any run if a parameter path or value is unknown to the model.

    A model that declares ``parameters`` (a set of accepted names, as the toys do) is checked
    against it. The negotiation model is checked by loading the scenario with overrides: once at
    the first point, then with each swept parameter moved to each of its grid values (or both ends
    of its range), so a bad path or an out-of-range value is reported with the scenario's own
    message, naming the field.
    """
    func = resolve_model(config.model)
    names = set(config.parameters) | set(config.constants)
    accepted = getattr(func, "parameters", None)
    if accepted is not None:
        unknown = sorted(names - set(accepted))
        if unknown:
            raise UserError(
                f"{source}: unknown parameter {unknown[0]!r} for model {config.model}; "
                f"known: {', '.join(sorted(accepted))}"
            )
        return
    if config.model != DEFAULT_MODEL:
        return
    from bargaining_chips.model import load_scenario

    base = dict(config.constants)
    base.update(design.point(0))
    trials = [dict(base)]
    for path, spec in config.parameters.items():
        values = grid_values(spec, 2) if not spec.discrete else spec.values or ()
        trials += [{**base, path: value} for value in values]
    scenario = config.scenario or "us_japan_2025"
    for overrides in trials:
        try:
            load_scenario(scenario, overrides=overrides)
        except UserError as err:
            raise UserError(f"{source}: {err}") from None

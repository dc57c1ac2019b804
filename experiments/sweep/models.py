"""The function a sweep studies, and its parameters checked before any run.

A sweep config describes a study — a scenario and parameters — never code: it has no ``model`` key.
The function under study is the negotiation model as a function
(:func:`~bargaining_chips.experiments.single.run_once`) unless the caller hands another one in:
``run_sweep(config, out, model=callable)`` from Python, or ``--model package.module:function``,
typed on the command line, which imports and runs that code (:func:`import_model`). The function
takes ``(params, seed)`` and returns a summary dict; it travels to the workers by reference, so it
must be importable where runs execute (a module-level function).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from bargaining_chips.experiments.sweep.config import DEFAULT_MODEL, SweepConfig
from bargaining_chips.experiments.sweep.design import Design, grid_values
from bargaining_chips.model.errors import UserError

ModelFunction = Callable[[dict[str, Any], int], dict[str, Any]]


def default_model() -> ModelFunction:
    """The negotiation model as a function, ``run_once(params, seed)``."""
    from bargaining_chips.experiments.single import run_once

    return run_once


def model_name(func: ModelFunction) -> str:
    """``"package.module:function"``: how the manifest and the fingerprint name a model."""
    module = getattr(func, "__module__", None) or type(func).__module__
    qualname = getattr(func, "__qualname__", None) or type(func).__qualname__
    return f"{module}:{qualname}"


def unrecorded(func: ModelFunction) -> frozenset[str]:
    """The parameters ``func`` takes that are settings of the whole sweep, not of a run: its
    ``unrecorded`` attribute (a calibration's facts, about 3 kB of JSON). They travel to every
    run, as every constant does, but are not columns of the table: the manifest's ``config``
    holds them once. As a column, the facts were 3 kB decoded in every row the driver read, and
    the driver's peak grew with the draws while it compacted the parts
    (``benchmarks/bench_calibrate.py``: 332 MB at 5,000 draws, 386 MB at 15,000)."""
    return frozenset(getattr(func, "unrecorded", None) or ())


def import_model(spec: str) -> ModelFunction:
    """Import ``"package.module:function"`` — the ``--model`` flag; this runs that module's code."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UserError(f"--model {spec!r}: expected 'package.module:function'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise UserError(f"--model {spec!r}: cannot import {module_name!r} ({err})") from None
    func = getattr(module, attr, None)
    if not callable(func):
        raise UserError(f"--model {spec!r}: {module_name} has no function {attr!r}")
    return func


def validate_parameters(
    config: SweepConfig, design: Design, func: ModelFunction, source: str = "config"
) -> None:
    """Fail before any run if a parameter path or value is unknown to the model.

    A model that declares ``parameters`` (a set of accepted names, as the toys do) is checked
    against it. The negotiation model is checked by loading the scenario with overrides: once at
    the first point, then with each swept parameter moved to each of its grid values (or both ends
    of its range), so a bad path or an out-of-range value is reported with the scenario's own
    message, naming the field.
    """
    names = set(config.parameters) | set(config.constants)
    accepted = getattr(func, "parameters", None)
    if accepted is not None:
        unknown = sorted(names - set(accepted))
        if unknown:
            raise UserError(
                f"{source}: unknown parameter {unknown[0]!r} for model {model_name(func)}; "
                f"known: {', '.join(sorted(accepted))}"
            )
        return
    if model_name(func) != DEFAULT_MODEL:
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


def declared_outcomes(func: ModelFunction, config: SweepConfig) -> dict[str, str]:
    """Outcome columns whose type is known before any run (a :class:`~.store.TableSchema` type
    name each): for the negotiation model, those that are null in a run without a deal (the round
    and date of agreement, the agreed terms of each of the scenario's issues); for another model,
    its ``outputs`` attribute if it declares one."""
    if model_name(func) != DEFAULT_MODEL:
        return dict(getattr(func, "outputs", None) or {})
    from bargaining_chips.model import load_scenario

    try:
        scenario = load_scenario(config.scenario or "us_japan_2025", overrides=dict(config.constants))
    except UserError:
        return {}  # reported with its field by validate_parameters
    declared = {"agreement_round": "int64", "agreement_date": "date32[day]"}
    declared.update({f"terms.{issue}": "double" for issue in scenario.issues})
    return declared

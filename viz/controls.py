"""The dashboard's controls, built from a scenario: which sliders, their defaults, their meaning.

Every control is named by the dotted path it overrides (``actors.Japan.strategy.beta``,
``deadlines.G7.extension_probability``, ``actors.NVIDIA.lobbying_power``), the same paths
``python run.py run --set`` and the sweeps use, and its default is the scenario's own value (or, for
a strategy parameter the file leaves out, the strategy's own default). Nothing here restates a
number of the scenario; only the slider ranges, which are about the screen, are set here.

The controls are returned in the form Mesa's ``SolaraViz(model_params=...)`` takes: a dict from
parameter name to ``{"type": ..., "value": ..., "min": ..., "max": ..., "step": ..., "label": ...}``,
or a plain value for a fixed parameter. On Reset, Mesa calls the model class with the current values
as keyword arguments; :class:`viz.session.DashboardModel` turns them back into overrides.
"""

from __future__ import annotations

import inspect
from typing import Any

from bargaining_chips.model.scenario import Scenario

#: Screen ranges (min, max, step) of strategy parameters by name; a scenario value outside a range
#: widens it so the scenario's own value can always be shown.
PARAMETER_RANGES: dict[str, tuple[float, float, float]] = {
    "beta": (0.1, 5.0, 0.1),
    "k": (0.0, 1.0, 0.05),
    "start": (0.0, 1.0, 0.05),
    "floor": (0.0, 1.0, 0.05),
    "sigma": (0.0, 0.3, 0.01),
    "level": (0.0, 1.0, 0.05),
    "window": (1, 10, 1),
}

#: How a strategy parameter reads on the screen.
PARAMETER_LABELS: dict[str, str] = {
    "beta": "concession β",
    "k": "opening concession",
    "start": "opening demand",
    "floor": "lowest demand",
    "sigma": "noise σ",
    "level": "demand",
    "window": "tit-for-tat window",
    "walk_away": "walks away",
}

SEED = "seed"
SCENARIO = "scenario_name"


def strategy_parameters(spec: Scenario, government: str) -> dict[str, Any]:
    """A government's strategy parameters shown as controls, with their current values.

    Shown: every parameter the scenario file sets, and the strategy's first parameter (its main
    one by the library's convention: β of the time-dependent family, the window of tit-for-tat),
    with the strategy's own default when the file leaves it out. Parameters whose default is None
    ("use the reservation utility") are shown only when the file sets them.
    """
    # imported here: importing ``agents`` before ``model`` is circular (agents.actors <-> model)
    from bargaining_chips.agents.strategies import REGISTRY

    strategy = spec.actors[government].strategy
    assert strategy is not None
    signature = inspect.signature(REGISTRY[strategy.name].__init__)
    defaults = {
        name: p.default
        for name, p in signature.parameters.items()
        if name != "self" and p.default is not inspect.Parameter.empty
    }
    shown: dict[str, Any] = {}
    first = next(iter(defaults), None)
    for name, default in defaults.items():
        if name in strategy.params:
            shown[name] = strategy.params[name]
        elif name == first and default is not None:
            shown[name] = default
    return shown


def _slider(label: str, value: float, lo: float, hi: float, step: float) -> dict[str, Any]:
    lo, hi = min(lo, value), max(hi, value)
    integer = all(isinstance(x, int) and not isinstance(x, bool) for x in (value, lo, hi, step))
    return {
        "type": "SliderInt" if integer else "SliderFloat",
        "value": value if integer else float(value),
        "min": lo,
        "max": hi,
        "step": step,
        "label": label,
    }


def _strategy_control(government: str, name: str, value: Any) -> dict[str, Any]:
    label = f"{government}: {PARAMETER_LABELS.get(name, name)}"
    if isinstance(value, bool):
        return {"type": "Checkbox", "value": value, "label": label}
    lo, hi, step = PARAMETER_RANGES.get(name, (0.0, max(1.0, 2.0 * float(value)), 0.01))
    return _slider(label, value, lo, hi, step)


def model_params(spec: Scenario, scenario_name: str) -> dict[str, Any]:
    """SolaraViz ``model_params`` for ``spec``: seed, strategies, deadlines, lobbying powers.

    ``scenario_name`` (a bundled name or a path) is passed to the model as a fixed parameter.
    """
    params: dict[str, Any] = {
        SCENARIO: scenario_name,
        SEED: {"type": "InputText", "value": "0", "label": "Seed (a whole number)"},
    }
    for government in spec.governments:
        for name, value in strategy_parameters(spec, government).items():
            params[f"actors.{government}.strategy.{name}"] = _strategy_control(
                government, name, value
            )
    for name, deadline in spec.deadlines.items():
        if deadline.kind == "target":
            params[f"deadlines.{name}.extension_probability"] = _slider(
                f"{name} target: chance it slips",
                deadline.extension_probability, 0.0, 1.0, 0.05,
            )  # fmt: skip
        elif deadline.kind == "soft" and deadline.rule == "strategic":
            params[f"deadlines.{name}.margin"] = _slider(
                f"{name} deadline: owner's margin", deadline.margin, -1.0, 1.0, 0.05,
            )  # fmt: skip
        elif deadline.kind == "soft":
            params[f"deadlines.{name}.extension_probability"] = _slider(
                f"{name} deadline: extension prob.",
                deadline.extension_probability, 0.0, 1.0, 0.05,
            )  # fmt: skip
    for firm in spec.firms:
        actor = spec.actors[firm]
        params[f"actors.{firm}.lobbying_power"] = _slider(
            f"{firm}: lobbying power", actor.lobbying_power, 0.0, 1.0, 0.05
        )
    return params


def overrides_from(values: dict[str, Any], spec: Scenario) -> dict[str, Any]:
    """The ``--set`` overrides that differ from ``spec``, from the controls' current values.

    Float sliders report values like 0.30000000000000004; they are rounded to 10 decimals. Values
    equal to the scenario's own are left out, so the default settings load the scenario unchanged.
    """
    defaults = {k: v["value"] for k, v in model_params(spec, "").items() if isinstance(v, dict)}
    out = {}
    for path, value in values.items():
        if path in (SEED, SCENARIO):
            continue
        if isinstance(value, float):
            value = round(value, 10)
        if path in defaults and value == defaults[path]:
            continue
        out[path] = value
    return out

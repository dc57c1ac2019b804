"""The model as the EMA workbench calls it: flat keyword arguments in, flat numeric outcomes out.

The EMA workbench (Kwakkel 2017) evaluates ``function(**experiment)`` and reads back a dict of
named outcomes. Its parameter names must be Python identifiers, so a ``--set`` path is written
with ``__`` for its dots (``actors__Japan__strategy__beta``); ``scenario`` and ``seed`` are
parameters too (declare them as constants, or the seed as an integer uncertainty)::

    from ema_workbench import Model, RealParameter, IntegerParameter, perform_experiments
    from bargaining_chips.experiments.ema import ema_model
    model = ema_model("talks", "us_japan_2025")            # outcomes declared for this scenario
    model.levers = [RealParameter("actors__Japan__strategy__beta", 0.1, 5.0)]
    model.uncertainties = [RealParameter("deadlines__G7__extension_probability", 0.0, 1.0),
                           IntegerParameter("seed", 0, 10_000)]
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)

:func:`run_flat` needs no EMA: it is a plain function, usable by any tool of that shape.

Outcomes (all numbers; the same keys for every run of one scenario, NaN where a run has none):
the summary's numeric and boolean keys (booleans as 0/1: ``agreement``, ``agreement_round``,
``rounds_played``, ``nash_product``, ``pareto_distance``, ``seed``, …), its per-actor and
per-issue tables flattened as ``<key>__<name>`` (``utilities__Japan``, ``terms__auto_tariff`` —
a categorical issue's term is its option's position — ``concessions__US``, …) and ``coalitions``
as the number of final coalitions. The summary's words (``outcome``, ``end_reason``, dates, the
version) are left out: :func:`~experiments.single.run_once` returns them.
"""

from __future__ import annotations

import math
from typing import Any

from bargaining_chips.experiments.single import run_once
from bargaining_chips.model.loader import DEFAULT_SCENARIO, load_scenario
from bargaining_chips.model.negotiation import override_paths

NAN = math.nan
# The summary's keys that hold words or member lists, not numbers.
WORDS = ("scenario", "outcome", "agreement_date", "version", "end_reason", "deadline_in_force")
COUNTED = ("coalitions", "decisive_coalitions")


def run_flat(scenario: str = DEFAULT_SCENARIO, seed: int = 0, **params: Any) -> dict[str, float]:
    """One run of ``scenario`` with ``seed`` and the overrides ``params`` (``__`` or dotted
    paths); returns its flat outcomes (module docstring)."""
    paths = override_paths(None, params)
    result = run_once({**paths, "scenario": scenario}, int(seed))
    return flat_outcomes(result, scenario, paths)


def flat_outcomes(result: dict, scenario: str = DEFAULT_SCENARIO,
                  overrides: dict[str, Any] | None = None) -> dict[str, float]:
    """A run's summary as one level of numbers, with a fixed set of keys for ``scenario``."""
    spec = load_scenario(scenario, overrides)
    out: dict[str, float] = {}
    for key, value in result.items():
        if key in WORDS:
            continue
        if key in COUNTED:
            out[key] = float(len(value)) if value is not None else NAN
        elif key == "terms":
            for issue, entry in spec.issues.items():
                term = (value or {}).get(issue)
                if isinstance(term, str):
                    term = entry.options.index(term)
                out[f"terms__{issue}"] = _number(term)
        elif isinstance(value, dict):
            for name, item in value.items():
                out[f"{key}__{name}"] = _number(item)
        else:
            out[key] = _number(value)
    return out


def outcome_names(scenario: str = DEFAULT_SCENARIO) -> list[str]:
    """The outcome keys :func:`run_flat` returns for ``scenario`` (to declare them in EMA)."""
    return list(run_flat(scenario, 0))


def ema_model(name: str = "bargaining_chips", scenario: str = DEFAULT_SCENARIO,
              seed: int | None = 0, outcomes: list[str] | None = None):
    """An ``ema_workbench.Model`` over :func:`run_flat`, with ``scenario`` and ``seed`` as
    constants (``seed=None``: none, declare ``seed`` as an uncertainty) and a ``ScalarOutcome``
    for each of ``outcomes`` (default: all of them). Set its ``uncertainties`` and ``levers``
    with ``__`` paths. Needs the ``ema`` extra."""
    try:
        from ema_workbench import Constant, Model, ScalarOutcome
    except ImportError as err:  # the optional extra
        raise ImportError("the EMA workbench is not installed: pip install -e '.[ema]'") from err
    model = Model(name, function=run_flat)
    model.constants = [Constant("scenario", scenario)]
    if seed is not None:
        model.constants.append(Constant("seed", seed))
    model.outcomes = [ScalarOutcome(o) for o in (outcomes or outcome_names(scenario))]
    return model


def _number(value: Any) -> float:
    if value is None:
        return NAN
    return float(value)

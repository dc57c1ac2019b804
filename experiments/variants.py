"""A scenario with a run's overrides: the same validated scenario ``load_scenario`` gives, cheaper.

A sweep or a calibration plays thousands of variants of one scenario, each its ``--set`` paths
applied (``actors.Japan.strategy.beta = 0.71``, …). ``load_scenario(source, overrides)`` reads
and parses the scenario's TOML again for every new set of overrides and validates the whole tree;
:func:`variant` reads the file once per process (``load_scenario(source)``, cached), keeps the
loaded scenario's tables (:func:`~model.overrides.scenario_tables`), and for each run applies the
overrides to those tables (copying only the tables on their paths) and validates again only the
branches they touched: every other top-level field, and every entry of a keyed table (``actors``,
``issues``, ``deadlines``, …) that no override names, goes into the validation as the frozen object
the base scenario already holds, which pydantic takes as it is. The scenario-level validators and
the cross-references (:func:`~model.references.check_references`) run on the whole result, as
they do for a file.

The result equals ``load_scenario(source, overrides)`` field for field (tested against it on the
bundled scenarios, ``tests/experiments/test_variants.py``). Bad overrides take the full path, so
their one-line error is the very one ``load_scenario`` raises (it is what runs for them).

Measured in one process (300 draws of the worked calibration, five overrides each, Python 3.11,
1 Dec 2026, a load of 5 on the two cores, so read the ratio): 0.38 ms a scenario here against
0.91 ms through ``scenario_from_dict`` on the loaded tables, the path a draw took before; a plain
sweep's run through ``load_scenario`` also parsed the TOML again, about 40% of its time under
cProfile.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from bargaining_chips.model import inputs
from bargaining_chips.model.errors import InputFileError, ScenarioError
from bargaining_chips.model.loader import DEFAULT_SCENARIO, load_scenario
from bargaining_chips.model.overrides import apply_overrides, scenario_tables
from bargaining_chips.model.references import check_references
from bargaining_chips.model.scenario import Scenario

#: Top-level fields of a scenario that are keyed tables of validated entries: an override names
#: one entry, and the others are handed to validation as they are.
_KEYED = frozenset(("issues", "actors", "deadlines", "events", "threats"))


@functools.lru_cache(maxsize=8)
def base(source: str = DEFAULT_SCENARIO) -> tuple[Scenario, dict[str, Any]]:
    """The scenario ``source`` names, loaded and validated, and its tables (read once per
    process; nothing writes to either)."""
    spec = load_scenario(source)
    return spec, _lists(scenario_tables(spec))


def _lists(tree: Any) -> Any:
    """The tables with their tuples as lists, as the file's TOML parsed them (an override's
    path walks into a list: ``calendar.rounds.3.date``)."""
    if isinstance(tree, dict):
        return {key: _lists(value) for key, value in tree.items()}
    if isinstance(tree, list | tuple):
        return [_lists(value) for value in tree]
    return tree


def variant(source: str, overrides: Mapping[str, Any]) -> Scenario:
    """``load_scenario(source, overrides)``, validating again only what ``overrides`` touch (see
    the module docstring); raises the same :class:`~model.errors.ScenarioError` for bad input.
    The same overrides again (a sweep's replications) return the same scenario object, as
    ``load_scenario``'s cache does, so its compiled form is shared too."""
    spec, _ = base(str(source))
    if not overrides:
        return spec
    try:
        key = tuple(sorted((path, _hashable(value)) for path, value in overrides.items()))
        hash(key)
    except TypeError:  # a value that cannot be a key: built, not kept
        return _build(str(source), dict(overrides))
    return _cached(str(source), key)


def _hashable(value: Any) -> Any:
    """A value as a key, tagged with its type (True, 1 and 1.0 are equal keys otherwise, and a
    value that fails validation could be served the scenario of one that passed)."""
    if isinstance(value, list | tuple):
        return ("list", tuple(_hashable(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _hashable(v)) for k, v in value.items())))
    return (type(value).__name__, value)


def _plain(value: Any) -> Any:
    kind, held = value
    if kind == "list":
        return [_plain(v) for v in held]
    if kind == "dict":
        return {k: _plain(v) for k, v in held}
    return held


@functools.lru_cache(maxsize=256)
def _cached(source: str, key: tuple) -> Scenario:
    return _build(source, {path: _plain(value) for path, value in key})


def _build(source: str, overrides: dict[str, Any]) -> Scenario:
    spec, tables = base(source)
    try:
        return _variant(spec, tables, overrides)
    except (ScenarioError, InputFileError, ValueError, TypeError, KeyError, IndexError):
        pass  # bad input: the loader raises its error, with its own message
    return load_scenario(source, overrides)


def _variant(spec: Scenario, tables: dict[str, Any], overrides: Mapping[str, Any]) -> Scenario:
    touched: dict[str, set[str] | None] = {}  # field → entries named (None: the whole field)
    for path, value in overrides.items():
        inputs.check_tree(value, spec.origin, path, len(path.split(".")))
        head, _, rest = path.partition(".")
        entry = rest.partition(".")[0]
        if head in _KEYED and rest and head in tables and entry in tables[head]:
            named = touched.setdefault(head, set())
            if named is not None:
                named.add(entry)
        else:
            touched[head] = None
    data = apply_overrides(tables, overrides, spec.origin)
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name not in touched:
            fields[name] = getattr(spec, name)
        elif touched[name] is None:
            fields[name] = value
        else:
            held = getattr(spec, name)
            named = touched[name]
            fields[name] = {key: value[key] if key in named else held[key] for key in value}
    result = Scenario.model_validate({**fields, "origin": spec.origin})
    check_references(result)
    return result


__all__ = ["base", "variant"]

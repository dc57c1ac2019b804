"""Overrides by dotted path: ``--set actors.Japan.strategy.beta=0.5``.

A path walks the scenario's raw TOML tables (and list positions, ``calendar.rounds.4.date``). Every
step but the last must exist; the last may name a key the file left out (a strategy parameter that
takes its default, say), since the scenario is validated again afterwards exactly as if the value had
been in the file. Two steps may be new: the position just past a list's end appends an entry
(``calendar.rounds.10.date=2025-07-14`` appends a dated round to a calendar of ten), and a new name
in a table of :data:`GROWING_TABLES` adds an entry (``threats.letter.no_deal=...``). Sweeps name
their parameters with the same paths.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

from bargaining_chips.model.errors import ScenarioError

# Tables whose keys the schema does not fix: an override may change an entry but not invent one.
FREE_FORM_TABLES = ("meta", "sources")
# Keyed tables an override may add an entry to (its fields one --set each; the entry is then
# validated as if it had been in the file): ``--set threats.letter.issue=auto_tariff ...``.
GROWING_TABLES = ("threats",)


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE`` and read VALUE as a TOML value (bare words are strings)."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ScenarioError("--set", text, "expected PATH=VALUE, e.g. actors.Japan.strategy.beta=0.5")
    return path, parse_value(raw.strip())


def parse_value(raw: str) -> Any:
    """``0.5`` → float, ``3`` → int, ``true`` → bool, ``2025-06-20`` → date, ``[1, 2]`` → list;
    anything else is taken as a string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw
    except RecursionError:  # a value nested thousands deep: the scenario's depth check refuses it
        return raw


def apply_overrides(raw: dict[str, Any], overrides: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Return ``raw`` with each override applied; the input is left untouched.

    Only the tables and lists on an override's path are copied (each before it is written to);
    the rest of the tree is shared with ``raw``, which nothing here or in the validation that
    follows writes to. A sweep's draw so costs a few dict copies rather than a deep copy of the
    whole scenario.
    """
    out = dict(raw)
    for path, value in overrides.items():
        _set_path(out, path, value, source)
    return out


def _set_path(tree: dict[str, Any], path: str, value: Any, source: str) -> None:
    keys = path.split(".")
    node: Any = tree
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        here = ".".join(keys[: depth + 1])
        if isinstance(node, list):
            if not key.isdigit() or int(key) > len(node):
                raise ScenarioError(
                    source, here, f"no such position; this list has {len(node)} entries "
                    f"(0-based; {len(node)} appends one)"
                )
            key = int(key)
            if key == len(node):  # appends an entry: a table, or the value itself
                node.append(value if last else {})
        elif isinstance(node, dict):
            free_form = depth == 1 and keys[0] in FREE_FORM_TABLES
            growing = depth <= 1 and keys[0] in GROWING_TABLES
            if key not in node and not last and growing:
                node[key] = {}
            if key not in node and (not last or free_form):
                known = ", ".join(map(str, node)) or "(empty)"
                raise ScenarioError(source, here, f"override path does not exist; known here: {known}")
        else:
            parent = ".".join(keys[:depth])
            raise ScenarioError(source, here, f"override path does not exist: {parent} is a value")
        if last:
            node[key] = value
        else:
            child = node[key]
            if isinstance(child, dict | list):  # copied before anything below it is written
                child = type(child)(child)
                node[key] = child
            node = child


def scenario_tables(spec: Any) -> dict[str, Any]:
    """A loaded scenario back as the tables its file would parse to (the fields it was given,
    categorical issues by their option names), so overrides can be applied to a scenario already
    loaded and validated again as if they had been in its file."""
    raw = spec.model_dump(mode="python", exclude_unset=True)
    for name, issue in spec.issues.items():
        if issue.options is None:
            continue
        table = raw["issues"][name]
        for key in ("min", "max", "step"):
            table.pop(key, None)
        if issue.no_deal == issue.no_deal:  # not NaN: no deal is one of the options
            table["no_deal"] = issue.options[int(issue.no_deal)]
        else:
            table.pop("no_deal", None)
    return raw

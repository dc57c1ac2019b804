"""Reading a file a user hands over — a scenario, a sweep config — without trusting it.

Scenario files and sweep configs are what researchers share, so everything read from one is checked
before any of it is used, and each problem is one :class:`~model.errors.InputFileError` naming the
file, the field and what is expected:

- the file must be UTF-8 text and valid TOML (a binary or UTF-16 file is refused, not decoded);
- tables and lists nest at most :data:`MAX_DEPTH` levels deep (TOML's grammar allows any depth;
  Python's parser and everything after it recurse, so a file of ten thousand ``[`` would crash them);
- every number is finite and at most :data:`MAX_MAGNITUDE` in size: TOML spells ``inf`` and ``nan``,
  and a value such as ``1e308`` overflows the first sum or difference it enters (the span of a range
  ``[-1e308, 1e308]`` is ``inf``), so the run would go on with NaN utilities and exit 0.

The same checks apply to ``--set`` values and sweep parameters: both reach the scenario as the
values of a file would (see :mod:`model.overrides`).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bargaining_chips.model.errors import InputFileError

# Tables and lists inside one another; the default scenario nests 4 deep (actors.X.strategy.beta).
MAX_DEPTH = 16
# The largest magnitude of any number in a scenario or a sweep config: 10^15 still holds ¥1 trillion
# in yen and leaves every sum and difference of two values far from overflowing.
MAX_MAGNITUDE = 1e15


def read_toml(path: Path, what: str = "file") -> dict[str, Any]:
    """Parse a TOML file whose nesting and numbers pass :func:`check_tree`.

    ``what`` names the kind of file in messages ("scenario", "sweep config").
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(str(path), "", f"no such {what} file") from None
    except OSError as err:
        raise InputFileError(str(path), "", f"cannot read the {what} ({err.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputFileError(
            str(path), "", f"not a UTF-8 text file (byte {err.start}); a {what} is TOML text in UTF-8"
        ) from None
    return parse_toml(text, str(path))


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text, then :func:`check_tree`; ``source`` names it in messages."""
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputFileError(source, "", f"malformed TOML: {err}") from None
    except RecursionError:
        raise InputFileError(source, "", f"nested too deeply; at most {MAX_DEPTH} levels") from None
    check_tree(tree, source)
    return tree


def check_tree(tree: Any, source: str, prefix: str = "", depth: int = 0) -> None:
    """Raise :class:`InputFileError` on nesting deeper than :data:`MAX_DEPTH` or a number that is
    not finite or larger than :data:`MAX_MAGNITUDE`. Iterative, so any depth is safe to check.
    ``tree`` may be a subtree: ``prefix`` is its dotted path and ``depth`` its depth."""
    for path, level, value in _walk(tree, prefix, depth):
        if level > MAX_DEPTH:
            raise InputFileError(source, path, f"nested too deeply; at most {MAX_DEPTH} levels")
        problem = number_problem(value)
        if problem:
            raise InputFileError(source, path, problem)


def number_problem(value: Any) -> str | None:
    """Why ``value`` is not a number a user may give, or None (also for any non-number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number; give a finite one"
    if abs(value) > MAX_MAGNITUDE:
        return f"{value:g} is too large; numbers must lie within ±{MAX_MAGNITUDE:g}"
    return None


def _walk(tree: Any, prefix: str, depth: int = 0) -> Iterator[tuple[str, int, Any]]:
    """(dotted path, depth, value) of every node below ``tree``, parents before children."""
    stack: list[tuple[str, int, Any]] = [(prefix, depth, tree)]
    while stack:
        path, depth, node = stack.pop()
        yield path, depth, node
        if isinstance(node, dict):
            items = node.items()
        elif isinstance(node, list | tuple):
            items = enumerate(node)
        else:
            continue
        for key, child in reversed(list(items)):
            name = f'"{key}"' if "." in str(key) else str(key)  # a dotted key, as TOML quotes it
            stack.append((f"{path}.{name}" if path else name, depth + 1, child))

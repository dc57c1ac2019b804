"""Loading a scenario: file or name → overrides → validated, frozen :class:`Scenario`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bargaining_chips.model import inputs
from bargaining_chips.model.errors import InputFileError, ScenarioError
from bargaining_chips.model.overrides import apply_overrides
from bargaining_chips.model.references import check_references
from bargaining_chips.model.scenario import Scenario
from bargaining_chips.model.suggest import unknown_field

SCENARIO_DIR = Path(__file__).parent / "scenarios"
DEFAULT_SCENARIO = "us_japan_2025"


def scenario_names() -> list[str]:
    """Names of the bundled scenarios (``us_japan_2025``, ``rubinstein``, ...)."""
    return sorted(p.stem for p in SCENARIO_DIR.rglob("*.toml"))


def resolve_scenario(source: str | Path) -> Path:
    """A bundled scenario's name or a path to a TOML file → the file's path."""
    text = str(source)
    if not text.endswith(".toml") and "/" not in text and "\\" not in text:
        for candidate in (SCENARIO_DIR / f"{text}.toml", SCENARIO_DIR / "theory" / f"{text}.toml"):
            if candidate.is_file():
                return candidate
        raise ScenarioError(
            text, "", f"no bundled scenario of that name; expected a .toml path or one of "
            f"{', '.join(scenario_names())}"
        )
    path = Path(text)
    if not path.is_file():
        raise ScenarioError(text, "", "no such file; give the path of a scenario .toml file")
    return path


def read_toml(path: Path) -> dict[str, Any]:
    """A scenario file's tables, read as untrusted input (see :mod:`model.inputs`)."""
    try:
        return inputs.read_toml(path, "scenario")
    except InputFileError as err:
        raise ScenarioError(err.source, err.field, err.expected) from None


def load_scenario(
    source: str | Path = DEFAULT_SCENARIO, overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Load, override and validate a scenario; the same inputs return the same frozen object.

    ``source`` is a bundled scenario's name or a path; ``overrides`` maps dotted paths to values
    (see :mod:`model.overrides`). Raises :class:`~model.errors.ScenarioError` on any bad input.
    """
    key = tuple(sorted((k, _hashable(v)) for k, v in (overrides or {}).items()))
    return _load(str(source), key)


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ("__list__", *(_hashable(v) for v in value))
    if isinstance(value, dict):
        return ("__dict__", *sorted((k, _hashable(v)) for k, v in value.items()))
    # Tag scalars with their type: True == 1 == 1.0 would otherwise share a cache entry, and a
    # value that fails validation (a bool where a number is expected) could be served from the
    # entry of one that passed.
    return ("__value__", type(value).__name__, value)


def _unhashable(value: Any) -> Any:
    if isinstance(value, tuple) and value and value[0] == "__list__":
        return [_unhashable(v) for v in value[1:]]
    if isinstance(value, tuple) and value and value[0] == "__dict__":
        return {k: _unhashable(v) for k, v in value[1:]}
    if isinstance(value, tuple) and value and value[0] == "__value__":
        return value[2]
    return value


@lru_cache(maxsize=256)
def _load(source: str, override_key: tuple) -> Scenario:
    path = resolve_scenario(source)
    raw = read_toml(path)
    overrides = {k: _unhashable(v) for k, v in override_key}
    return scenario_from_dict(raw, str(path), overrides)


def scenario_from_dict(
    raw: dict[str, Any], origin: str = "<memory>", overrides: Mapping[str, Any] | None = None,
    *, raw_checked: bool = False,
) -> Scenario:
    """Validate a scenario given as the dict a TOML file would parse to (for generated scenarios).

    ``raw_checked``: ``raw`` is known to be within the input limits (the tables of a scenario
    already validated), so only what the overrides put in is walked. Not cached: load files with
    :func:`load_scenario`.
    """
    overrides = dict(overrides or {})
    path = origin
    if not raw_checked:
        _check_tree(raw, path, {})  # its depth and numbers
    data = apply_overrides(raw, overrides, origin) if overrides else raw
    for key, value in overrides.items():  # and what the overrides put in
        _check_tree(value, path, overrides, prefix=key, depth=len(key.split(".")))
    try:
        spec = Scenario.model_validate({**data, "origin": origin})
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            msg = unknown_field(Scenario, first["loc"])
        elif first["type"] == "missing":
            msg = "missing: this field is required"
        raise ScenarioError(_blame(path, overrides, field), field, msg) from None
    try:
        check_references(spec)
    except ScenarioError as err:
        raise ScenarioError(_blame(path, overrides, err.field), err.field, err.expected) from None
    return spec


def _check_tree(data: Any, path: str, overrides: Mapping[str, Any], prefix: str = "",
                depth: int = 0) -> None:
    try:
        inputs.check_tree(data, path, prefix, depth)
    except InputFileError as err:
        raise ScenarioError(_blame(path, overrides, err.field), err.field, err.expected) from None


def _blame(path: str, overrides: Mapping[str, Any], field: str) -> str:
    """The file, and the --set override that introduced the bad value if one did."""
    for key in overrides:
        if field == key or field.startswith(key + ".") or key.startswith(field + "."):
            return f"{path} (--set {key})"
    return str(path)

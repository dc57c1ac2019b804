"""Sweep configuration: one validated, frozen description of an experiment, read from TOML.

A sweep config describes a study and never names code: the scenario it plays (a bundled name or a
path), the parameters that vary (by their ``--set`` path), how points are chosen from them (the
``design``), how many seeded replications run at each point, and the single ``root_seed`` from which
every run's seed is derived. Sweep configs are what researchers share, so a file can only describe
runs of the negotiation model; a different function under study is given by the person who runs the
sweep (``run_sweep(config, out, model=callable)``, or ``--model package.module:function``), never by
the file (a ``model`` key is refused).

A design may plan at most :data:`MAX_RUNS` runs; one of more than :data:`CONFIRM_RUNS` runs is
refused unless the config sets ``max_runs`` at or above its size (or the command line says
``--yes``), so a typo such as ``replications = 1000000000`` is caught before anything runs.

Parameters come in two roles, as in the EMA workbench (Kwakkel 2017): **levers** are choices a
negotiator controls (a strategy's concession exponent), **uncertainties** are facts of the world the
negotiators do not control (how credible the G7 target is, how strong a lobby is). Both are swept
the same way; the role is recorded so tables and plots can tell them apart.

Each parameter is exactly one of:

- ``values = [...]`` — a discrete list (numbers, booleans or names such as a strategy's name);
- ``range = [low, high]`` — a continuous interval; ``steps`` points (ends included) on a grid, or a
  ``distribution`` over the interval for sampled designs: ``uniform`` (default), ``triangular``
  (with ``mode``), ``loguniform``, or ``normal`` (``mean``, ``sd``, truncated to the range).

Example::

    name = "deadline-credibility"
    scenario = "us_japan_2025"
    root_seed = 20250617
    replications = 50
    outcomes = ["agreement_by_first_deadline", "agreement_round"]

    [design]
    kind = "grid"

    [uncertainties."deadlines.G7.extension_probability"]
    range = [0.0, 1.0]
    steps = 11

    [constants]
    "actors.Japan.strategy.beta" = 0.5

Bad input raises :class:`model.errors.UserError` with one line naming the file and the field.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bargaining_chips.model import inputs
from bargaining_chips.model.errors import UserError
from bargaining_chips.model.suggest import unknown_field

DEFAULT_MODEL = "bargaining_chips.experiments.single:run_once"
# Bumped whenever the mapping from a config to its runs (points, seeds, keys) changes, so a folder
# written by an older mapping is not resumed with runs it does not hold.
DESIGN_VERSION = 1
#: The most runs one sweep may plan (a design larger than this is refused whatever the config says).
MAX_RUNS = 100_000_000
#: Designs with more runs than this need ``max_runs`` in the config (or ``--yes``) to go ahead.
CONFIRM_RUNS = 1_000_000

Scalar = bool | int | float | str


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ParameterSpec(_Frozen):
    """How one parameter varies: a list of ``values``, or a ``range`` with a grid or a distribution."""

    values: tuple[Scalar, ...] | None = None
    range: tuple[float, float] | None = None
    steps: int | None = Field(default=None, ge=2)
    distribution: Literal["uniform", "triangular", "loguniform", "normal"] = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_kind(self) -> ParameterSpec:
        if (self.values is None) == (self.range is None):
            raise ValueError("give exactly one of 'values' (a list) or 'range' ([low, high])")
        if self.values is not None:
            if len(self.values) == 0:
                raise ValueError("'values' is empty; list at least one value")
            kinds = {_kind(v) for v in self.values}
            if len(kinds) > 1:
                raise ValueError(f"'values' mixes types {sorted(kinds)}; use one type per parameter")
            if len(set(self.values)) != len(self.values):
                raise ValueError("'values' repeats a value; list each value once")
            if self.steps is not None:
                raise ValueError("'steps' applies to a 'range', not to 'values'")
            return self
        low, high = self.range  # type: ignore[misc]
        if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
            raise ValueError(f"empty range [{low}, {high}]; need low < high")
        if self.distribution == "triangular":
            if self.mode is None or not low <= self.mode <= high:
                raise ValueError("a triangular distribution needs 'mode' inside the range")
        if self.distribution == "loguniform" and low <= 0:
            raise ValueError("a loguniform distribution needs a range above 0")
        if self.distribution == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal distribution needs 'mean' and 'sd'")
        return self

    @property
    def discrete(self) -> bool:
        """True for a list of values, False for a continuous range."""
        return self.values is not None


def _kind(value: Scalar) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "str"


class DesignSpec(_Frozen):
    """How points are chosen from the parameters.

    - ``grid``: the full factorial product of every parameter's values (or ``steps`` points);
    - ``lhs``: ``samples`` points by Latin hypercube sampling (McKay, Beckman & Conover 1979);
    - ``sobol``: Saltelli's scheme for Sobol' indices (Saltelli 2002; Saltelli et al. 2010),
      ``samples`` = N, a power of two, giving N·(D+2) points, or N·(2D+2) with ``second_order``;
    - ``morris``: ``samples`` elementary-effect trajectories on a ``levels``-level grid
      (Morris 1991), optionally the ``optimal_trajectories`` most spread of them (Campolongo,
      Cariboni & Saltelli 2007), giving r·(D+1) points;
    - ``oat``: one at a time around a baseline (each distribution's median, or the first listed
      value), ``steps`` points per parameter at evenly spaced quantiles: the data of a tornado
      chart.
    """

    kind: Literal["grid", "lhs", "sobol", "morris", "oat"] = "grid"
    samples: int | None = Field(default=None, ge=1)
    second_order: bool = False
    levels: int = Field(default=4, ge=2)
    optimal_trajectories: int | None = Field(default=None, ge=2)
    steps: int = Field(default=2, ge=2)

    @model_validator(mode="after")
    def _samples(self) -> DesignSpec:
        if self.kind in ("lhs", "sobol", "morris") and self.samples is None:
            raise ValueError(f"a '{self.kind}' design needs 'samples'")
        if self.kind == "sobol":
            n = self.samples or 0
            if n & (n - 1):
                lower = 1 << (n.bit_length() - 1)
                raise ValueError(
                    f"Sobol sample size N={n} is not a power of two; use {lower} or {lower * 2}"
                )
        if self.optimal_trajectories is not None and self.kind == "morris":
            if self.optimal_trajectories >= (self.samples or 0):
                raise ValueError("'optimal_trajectories' must be fewer than 'samples'")
        return self


class PlotSpec(_Frozen):
    """One analysis plot written by ``sweep`` when the sweep completes.

    ``kind``: ``heatmap`` (``outcome`` over parameters ``x`` and ``y``), ``distribution``
    (``outcome`` per combination of the parameters in ``by``), ``p_deal`` (P(``outcome``) against
    parameter ``x`` with a confidence band), ``deadline_effect`` (round of agreement relative to the
    first deadline); ``p_deal`` draws one curve per value of ``by[0]`` when ``by`` is given.
    ``title`` and ``label`` replace the words drawn from the scenario (:mod:`experiments.labels`),
    ``name`` the file's name (without its suffix).
    """

    kind: Literal["heatmap", "distribution", "p_deal", "deadline_effect"]
    x: str | None = None
    y: str | None = None
    by: tuple[str, ...] = ()
    outcome: str | None = None
    title: str | None = None  # the plot's title (default: from the outcome's label)
    label: str | None = None  # the outcome's axis or colour-bar label (default: from the scenario)
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,60}$")  # the file's name

    @model_validator(mode="after")
    def _needs(self) -> PlotSpec:
        needed = {
            "heatmap": ("x", "y", "outcome"),
            "distribution": ("by", "outcome"),
            "p_deal": ("x",),
            "deadline_effect": (),
        }[self.kind]
        missing = [name for name in needed if not getattr(self, name)]
        if missing:
            raise ValueError(f"a '{self.kind}' plot needs {', '.join(missing)}")
        return self


class SweepConfig(_Frozen):
    """A whole sweep. ``fingerprint`` identifies the set of runs it defines.

    ``fill`` gives, per outcome, the value a sensitivity analysis uses for a run that has none:
    the agreed terms of a run without a deal are null, and ``"terms.auto_tariff" = 27.5`` (the
    issue's no-deal value in the scenario) makes the outcome "the tariff after the talks".
    """

    name: str = "sweep"
    description: str = ""
    scenario: str | None = None
    root_seed: int = Field(default=0, ge=0, le=2**63 - 1)
    replications: int = Field(default=1, ge=1)
    common_random_numbers: bool = False
    outcomes: tuple[str, ...] = ()
    design: DesignSpec = DesignSpec()
    levers: dict[str, ParameterSpec] = Field(default_factory=dict)
    uncertainties: dict[str, ParameterSpec] = Field(default_factory=dict)
    constants: dict[str, Scalar] = Field(default_factory=dict)
    plots: tuple[PlotSpec, ...] = ()
    fill: dict[str, float] = Field(default_factory=dict)
    max_runs: int | None = Field(default=None, ge=1, le=MAX_RUNS)

    @model_validator(mode="after")
    def _parameters(self) -> SweepConfig:
        if not self.levers and not self.uncertainties:
            raise ValueError("no parameters: add a [levers.\"PATH\"] or [uncertainties.\"PATH\"] table")
        both = set(self.levers) & set(self.uncertainties)
        if both:
            raise ValueError(f"{sorted(both)[0]!r} is both a lever and an uncertainty")
        fixed = set(self.constants) & (set(self.levers) | set(self.uncertainties))
        if fixed:
            raise ValueError(f"{sorted(fixed)[0]!r} is both swept and a constant")
        if "scenario" in self.parameters or "scenario" in self.constants:
            raise ValueError("set the scenario with the top-level 'scenario' key")
        for plot in self.plots:
            for name in (plot.x, plot.y, *plot.by):
                if name is not None and name not in self.parameters:
                    raise ValueError(
                        f"plot '{plot.kind}' names {name!r}, which is not a swept parameter"
                    )
        kind = self.design.kind
        for path, spec in self.parameters.items():
            if kind == "grid" and not spec.discrete and spec.steps is None:
                raise ValueError(f"{path}: a grid over a range needs 'steps'")
        return self

    @property
    def parameters(self) -> dict[str, ParameterSpec]:
        """Levers then uncertainties, in file order: the design's dimensions."""
        return {**self.levers, **self.uncertainties}

    def role(self, path: str) -> str:
        """``"lever"`` or ``"uncertainty"``."""
        return "lever" if path in self.levers else "uncertainty"

    @property
    def fingerprint(self) -> str:
        """:meth:`fingerprint_for` the negotiation model (the default model)."""
        return self.fingerprint_for(DEFAULT_MODEL)

    def fingerprint_for(self, model: str) -> str:
        """A hash of everything that decides which runs the sweep makes and what they compute:
        this config's design, seeds and parameters, and ``model``, the name of the function under
        study (``package.module:function``).

        Names, descriptions, outcomes, plots and ``max_runs`` are left out: changing how results
        are read does not make them a different sweep.
        """
        data = self.model_dump(
            mode="json",
            include={
                "scenario", "root_seed", "replications", "common_random_numbers",
                "design", "levers", "uncertainties", "constants",
            },
        )
        data["model"] = model
        data["design_version"] = DESIGN_VERSION
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def parse_config(data: Mapping[str, Any], source: str = "<config>") -> SweepConfig:
    """Validate a mapping (as read from TOML) into a :class:`SweepConfig`, or raise ``UserError``.

    Every number in it must be finite and of a sane size, as in a scenario (:mod:`model.inputs`).
    A ``model`` key is refused: a config describes a study, never code to run (module docstring).
    """
    if "model" in data:
        raise UserError(
            f"{source}: model: a sweep config cannot name code to run; remove the 'model' key "
            "(to study another function, pass --model package.module:function, which runs it)"
        )
    inputs.check_tree(dict(data), source)
    try:
        return SweepConfig.model_validate(dict(data))
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = unknown_field(SweepConfig, first["loc"], "the sweep config (README)")
        raise UserError(f"{source}: {where}: {message}") from None


def load_config(path: str | Path) -> SweepConfig:
    """Read and validate a sweep config file (TOML)."""
    path = Path(path)
    return parse_config(inputs.read_toml(path, "sweep config"), source=str(path))

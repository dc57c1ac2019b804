"""Calibration configs: a scenario, its facts, the priors of its uncertain parameters, the method.

Example (``experiments/configs/calibrate/us_japan_may2025.toml``)::

    name = "us_japan_may2025"
    scenario = "us_japan_2025"
    facts = "us_japan_may2025_facts.toml"   # a path, relative to this file
    method = "rejection"
    draws = 20000                            # prior draws
    root_seed = 20250528
    prior_predictive = 2000                  # draws run to the end without the facts

    [priors."actors.Japan.strategy.beta"]    # a sweep config's parameter table, same paths
    range = [0.3, 3.0]
    distribution = "loguniform"

    [constants]
    "actors.Japan.strategy.sigma" = 0.05

With ``method = "abc-smc"`` (:mod:`.smc`, the ``abc`` extra) ``draws`` is the budget (no
generation starts once the particles judged reach it) and an optional ``[smc]`` table sets the
population and the epsilon schedule::

    method = "abc-smc"
    draws = 20000                            # the budget: particles judged in all generations

    [smc]
    population = 500                         # accepted particles per generation
    generations = 6                          # at most this many generations
    alpha = 0.5                              # each epsilon: this quantile of the last distances
    min_epsilon = 0.0                        # stop once epsilon is at most this

The priors are written exactly as a sweep config's parameters (:class:`~..sweep.config.
ParameterSpec`: a list of ``values``, or a ``range`` with a ``distribution``), and by the same
``--set`` paths. As a sweep (:func:`sweep_configs`) the priors are the uncertainties of a Latin
hypercube of ``draws`` points (McKay, Beckman & Conover 1979: every prior marginal sampled in
``draws`` equal-probability strata), each run seeded from ``root_seed`` as every sweep's run is,
and the facts ride in one constant (their JSON), so the sweep's fingerprint — and resume — tell
calibrations apart. The prior predictive is a second sweep of ``prior_predictive`` draws from the
same priors (a seed stream of its own), run to the end whatever the facts say.

Bad input raises :class:`~model.errors.UserError` with one line naming the file and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bargaining_chips.experiments.sweep.config import (
    MAX_RUNS,
    ParameterSpec,
    Scalar,
    SweepConfig,
)
from bargaining_chips.model import inputs
from bargaining_chips.model.errors import InputFileError, UserError
from bargaining_chips.model.suggest import unknown_field

METHODS = ("rejection", "abc-smc")
#: The child of the root seed's SeedSequence that seeds the prior-predictive sweep (the draws'
#: runs use children 0, 1, …; no calibration plans 2^40 draws).
PRIOR_STREAM = 1 << 40


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SmcSpec(_Frozen):
    """ABC-SMC's settings (the ``[smc]`` table): the population accepted in each generation,
    the most generations, the quantile ``alpha`` of the last generation's distances that sets
    the next epsilon (pyabc's ``QuantileEpsilon``; the first: that quantile over a sample from
    the prior), and the epsilon at which to stop. ``batch`` caps the runs proposed at once."""

    population: int = Field(default=200, ge=10, le=100_000)
    generations: int = Field(default=6, ge=1, le=100)
    alpha: float = Field(default=0.5, gt=0.0, lt=1.0)
    min_epsilon: float = Field(default=0.0, ge=0.0)
    batch: int = Field(default=1000, ge=10, le=10_000)


class CalibrationConfig(_Frozen):
    """A whole calibration (see the module docstring). ``facts`` is resolved against the config
    file's folder when read from a file."""

    name: str = "calibration"
    description: str = ""
    scenario: str | None = None
    facts: str
    method: Literal["rejection", "abc-smc"] = "rejection"
    draws: int = Field(ge=1, le=MAX_RUNS)
    root_seed: int = Field(default=0, ge=0, le=2**63 - 1)
    prior_predictive: int | None = Field(default=None, ge=1, le=MAX_RUNS)
    priors: dict[str, ParameterSpec]
    constants: dict[str, Scalar] = Field(default_factory=dict)
    max_runs: int | None = Field(default=None, ge=1, le=MAX_RUNS)
    smc: SmcSpec | None = None

    @model_validator(mode="after")
    def _check(self) -> CalibrationConfig:
        if not self.priors:
            raise ValueError("no priors: add a [priors.\"PATH\"] table")
        if self.smc is not None and self.method != "abc-smc":
            raise ValueError("an [smc] table applies to method = \"abc-smc\"; remove it or set "
                             "the method")
        if self.method == "abc-smc":
            listed = [p for p, s in self.priors.items() if s.discrete]
            if listed:
                raise ValueError(f"priors.{listed[0]}: ABC-SMC perturbs continuous parameters; "
                                 "give a 'range' (with a 'distribution'), not 'values'")
            if self.draws < self.smc_spec.population:
                raise ValueError(f"draws ({self.draws}) is ABC-SMC's budget of runs; give at "
                                 f"least the population ({self.smc_spec.population})")
        fixed = set(self.constants) & set(self.priors)
        if fixed:
            raise ValueError(f"{sorted(fixed)[0]!r} has a prior and is a constant")
        if any(k.startswith("calibrate.") for k in [*self.priors, *self.constants]):
            raise ValueError("paths starting 'calibrate.' are the calibration's own")
        if "scenario" in self.priors or "scenario" in self.constants:
            raise ValueError("set the scenario with the top-level 'scenario' key")
        return self

    @property
    def smc_spec(self) -> SmcSpec:
        """The ``[smc]`` table, or its defaults."""
        return self.smc if self.smc is not None else SmcSpec()

    @property
    def prior_draws(self) -> int:
        """Draws of the prior predictive (default: as many as the draws, at most 2,000)."""
        return self.prior_predictive if self.prior_predictive is not None else min(self.draws, 2000)

    @property
    def scenario_name(self) -> str:
        return self.scenario or "us_japan_2025"


def parse_calibration(data: dict, source: str = "<calibration>",
                      folder: Path | None = None) -> CalibrationConfig:
    """Validate a mapping (as read from TOML) into a :class:`CalibrationConfig`."""
    inputs.check_tree(data, source)
    if "model" in data:
        raise UserError(f"{source}: model: a calibration config cannot name code to run; "
                        "remove the 'model' key")
    try:
        config = CalibrationConfig.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = unknown_field(CalibrationConfig, first["loc"], "the calibration config "
                                    "(README, 'From facts to forecasts')")
        if first["type"] == "missing":
            message = "missing; a calibration config needs it"
        raise InputFileError(source, where, message) from None
    if folder is not None and not Path(config.facts).is_absolute():
        config = config.model_copy(update={"facts": str(folder / config.facts)})
    if config.scenario is not None and folder is not None and config.scenario.endswith(".toml") \
            and not Path(config.scenario).is_absolute() and (folder / config.scenario).is_file():
        config = config.model_copy(update={"scenario": str(folder / config.scenario)})
    return config


def load_calibration(path: str | Path) -> CalibrationConfig:
    """Read and validate a calibration config file (TOML)."""
    path = Path(path)
    return parse_calibration(inputs.read_toml(path, "calibration config"), str(path), path.parent)


def sweep_configs(config: CalibrationConfig, facts_json: str) -> tuple[SweepConfig, SweepConfig]:
    """The two sweeps of a calibration: the draws, checked against the facts (a run that breaks
    one stops), and the prior predictive (every run to its end)."""
    from bargaining_chips.experiments.calibrate.simulate import FACTS, STOP
    from bargaining_chips.experiments.sweep.design import run_seed

    priors = {p: s.model_dump(exclude_none=True) for p, s in config.priors.items()}

    def sweep(name: str, samples: int, root: int, stop: bool) -> SweepConfig:
        return SweepConfig.model_validate({
            "name": name, "description": config.description, "root_seed": root,
            "replications": 1, "design": {"kind": "lhs", "samples": samples},
            "uncertainties": priors,
            "constants": {**config.constants, FACTS: facts_json, STOP: stop},
            **({"scenario": config.scenario} if config.scenario is not None else {}),
            **({"max_runs": config.max_runs} if config.max_runs is not None else {}),
        })

    return (sweep(f"{config.name}: draws", config.draws, config.root_seed, True),
            sweep(f"{config.name}: prior predictive", config.prior_draws,
                  run_seed(config.root_seed, PRIOR_STREAM), False))

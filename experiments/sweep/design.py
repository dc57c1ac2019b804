"""Experimental designs: which parameter points a sweep visits, and the seed of every run.

A design has ``points`` parameter points and ``replications`` runs at each, so run ``j`` is
replication ``j % R`` of point ``j // R``. Runs are enumerated lazily — a grid of a million points is
never held in memory — and each is fully determined by the config:

- **Points.** ``grid`` and ``oat`` points are computed from their index (mixed radix, the last
  parameter varying fastest, as ``itertools.product``). Sampled designs draw in the unit hypercube with
  SALib — Latin hypercube (McKay, Beckman & Conover 1979), Saltelli's extension of the Sobol' sequence
  (Saltelli 2002; Saltelli et al. 2010), Morris trajectories (Morris 1991) with Campolongo's optimal
  selection (Campolongo, Cariboni & Saltelli 2007) — and each coordinate is mapped to its parameter by
  the inverse CDF of its distribution (a list of values is cut into equal slices). Sampling is seeded
  from the root seed through its own stream, so the design does not depend on anything else.
- **Seeds.** Run ``j``'s seed is child ``j`` of ``np.random.SeedSequence(root_seed)`` — exactly
  ``SeedSequence(root_seed).spawn(n)[j]`` — reduced to a 63-bit integer. With
  ``common_random_numbers`` the child index is the replication instead, so every point sees the same
  R seeds (common random numbers, a variance reduction for comparing points).
- **Keys.** A run's key is a hash of its full parameters (constants and scenario included) and its
  seed: stable across processes, machines and versions of this code, it is what resume matches on.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from bargaining_chips.experiments.sweep.config import ParameterSpec, Scalar, SweepConfig

# Entropy tag of the stream that seeds design sampling (distinct from the per-run seed stream).
_DESIGN_STREAM = 0x5EED_DE51


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: where it sits in the design, its seed, its key and its parameters."""

    index: int
    point: int
    replication: int
    seed: int
    key: str
    params: dict[str, Any]


def run_seed(root_seed: int, child: int) -> int:
    """The integer seed of child ``child`` of ``SeedSequence(root_seed)`` (63 bits, fits int64)."""
    state = np.random.SeedSequence(root_seed, spawn_key=(child,)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def run_key(params: dict[str, Any], seed: int) -> str:
    """A stable 16-hex-digit key for the parameters and the seed of one run."""
    text = json.dumps({"params": params, "seed": seed}, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def grid_values(spec: ParameterSpec, steps: int | None = None) -> tuple[Scalar, ...]:
    """The values a parameter takes on a grid: its list, or ``steps`` evenly spaced points."""
    if spec.values is not None:
        return spec.values
    low, high = spec.range  # type: ignore[misc]
    n = steps if steps is not None else spec.steps
    return tuple(float(np.round(v, 12)) for v in np.linspace(low, high, n or 2))


def baseline_value(spec: ParameterSpec) -> Scalar:
    """A parameter's value at the centre of an OAT design: its first listed value, or the median
    of its distribution (mid-range for a uniform range, the geometric mean for a loguniform one)."""
    if spec.values is not None:
        return spec.values[0]
    return float(np.round(from_unit(spec, np.array([0.5]))[0], 12))


def oat_values(spec: ParameterSpec, steps: int) -> tuple[Scalar, ...]:
    """The values an OAT design gives a parameter: its list, or ``steps`` points at evenly spaced
    quantiles of its distribution (ends of the range included; evenly spaced for a uniform one)."""
    if spec.values is not None:
        return spec.values
    return tuple(float(np.round(v, 12)) for v in from_unit(spec, np.linspace(0, 1, steps)))


def from_unit(spec: ParameterSpec, u: np.ndarray) -> list[Scalar]:
    """Map unit-interval coordinates to parameter values by the inverse CDF of its distribution."""
    u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
    if spec.values is not None:
        k = len(spec.values)
        idx = np.minimum((u * k).astype(int), k - 1)
        return [spec.values[i] for i in idx]
    low, high = spec.range  # type: ignore[misc]
    if spec.distribution == "uniform":
        x = low + u * (high - low)
    elif spec.distribution == "loguniform":
        # the C library's exp, so that a design has the same values on every CPU (numpy's
        # np.exp is its own AVX-512 code where the CPU has it: bargaining_chips/floats.py)
        span = math.log(high) - math.log(low)
        x = np.array([math.exp(math.log(low) + v * span) for v in u.tolist()])
    elif spec.distribution == "triangular":
        from scipy.stats import triang

        c = (spec.mode - low) / (high - low)  # type: ignore[operator]
        x = triang.ppf(u, c, loc=low, scale=high - low)
    else:  # truncated normal
        from scipy.stats import truncnorm

        a = (low - spec.mean) / spec.sd  # type: ignore[operator]
        b = (high - spec.mean) / spec.sd  # type: ignore[operator]
        x = truncnorm.ppf(u, a, b, loc=spec.mean, scale=spec.sd)
    return [float(v) for v in np.clip(x, low, high)]


class Design:
    """The runs of a sweep config, enumerated lazily; see the module docstring."""

    def __init__(self, config: SweepConfig) -> None:
        self.config = config
        self.specs = config.parameters
        self.paths: list[str] = list(self.specs)
        self.replications = config.replications
        self.kind = config.design.kind
        self.unit: np.ndarray | None = None  # sampled designs: points × D in [0, 1]
        self._values: list[list[Scalar]] | None = None
        self.varied: list[str | None] = []  # oat: the parameter each point moves (None: baseline)
        self._oat: list[tuple[str | None, Scalar | None]] = []
        if self.kind == "grid":
            self._grid = [grid_values(s) for s in self.specs.values()]
            self.points = math.prod(len(v) for v in self._grid)
        elif self.kind == "oat":
            self._oat = [(None, None)]
            for path, spec in self.specs.items():
                self._oat += [(path, v) for v in oat_values(spec, spec.steps or config.design.steps)]
            self.varied = [path for path, _ in self._oat]
            self.points = len(self._oat)
        else:
            self.unit = self._sample()
            self.points = len(self.unit)
            self._values = [from_unit(s, self.unit[:, d]) for d, s in enumerate(self.specs.values())]

    @property
    def runs_total(self) -> int:
        """Number of runs: points × replications."""
        return self.points * self.replications

    def salib_problem(self) -> dict[str, Any]:
        """The SALib problem over the unit hypercube in which sampled designs are drawn."""
        return {
            "num_vars": len(self.paths),
            "names": list(self.paths),
            "bounds": [[0.0, 1.0]] * len(self.paths),
        }

    def _sample(self) -> np.ndarray:
        import importlib.util

        from bargaining_chips.model.errors import UserError

        design = self.config.design
        if importlib.util.find_spec("SALib") is None:
            raise UserError(
                f"a '{design.kind}' design needs SALib: pip install 'bargaining-chips[sweep]'"
            )
        seed = int(np.random.SeedSequence([_DESIGN_STREAM, self.config.root_seed]).generate_state(1)[0])
        problem = self.salib_problem()
        if design.kind == "lhs":
            from SALib.sample import latin

            return latin.sample(problem, design.samples, seed=seed)
        if design.kind == "sobol":
            from SALib.sample import sobol

            return sobol.sample(
                problem, design.samples, calc_second_order=design.second_order, seed=seed
            )
        from SALib.sample import morris

        return morris.sample(
            problem,
            design.samples,
            num_levels=design.levels,
            optimal_trajectories=design.optimal_trajectories,
            seed=seed,
        )

    def point(self, i: int) -> dict[str, Scalar]:
        """The swept parameters' values at point ``i``."""
        if not 0 <= i < self.points:
            raise IndexError(f"point {i} outside 0..{self.points - 1}")
        if self.kind == "grid":
            values: list[Scalar] = []
            for grid in reversed(self._grid):
                i, r = divmod(i, len(grid))
                values.append(grid[r])
            return dict(zip(self.paths, reversed(values), strict=True))
        if self.kind == "oat":
            point = {p: baseline_value(s) for p, s in self.specs.items()}
            path, value = self._oat[i]
            if path is not None:
                point[path] = value
            return point
        assert self._values is not None
        return {p: self._values[d][i] for d, p in enumerate(self.paths)}

    def params(self, i: int) -> dict[str, Any]:
        """Everything passed to the model at point ``i``: constants, swept values, scenario."""
        params: dict[str, Any] = dict(self.config.constants)
        params.update(self.point(i))
        if self.config.scenario is not None:
            params["scenario"] = self.config.scenario
        return params

    def seed(self, index: int) -> int:
        """The seed of run ``index``."""
        child = index % self.replications if self.config.common_random_numbers else index
        return run_seed(self.config.root_seed, child)

    def run(self, index: int) -> RunSpec:
        """Run ``index`` (0 ≤ index < runs_total)."""
        point, rep = divmod(index, self.replications)
        params = self.params(point)
        seed = self.seed(index)
        return RunSpec(index, point, rep, seed, run_key(params, seed), params)

    def runs(self) -> Iterator[RunSpec]:
        """All runs in index order, one at a time; each point's parameters built once."""
        for point in range(self.points):
            params = self.params(point)
            for rep in range(self.replications):
                index = point * self.replications + rep
                seed = self.seed(index)
                yield RunSpec(index, point, rep, seed, run_key(params, seed), params)

    def keys(self) -> np.ndarray:
        """The run keys as a (points, replications) array, in design order."""
        return np.array([r.key for r in self.runs()], dtype=object).reshape(
            self.points, self.replications
        )

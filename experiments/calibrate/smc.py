"""ABC-SMC: calibration by sequential Monte Carlo (Toni et al. 2009; Beaumont et al. 2009),
through pyabc (the ``abc`` extra: ``pip install -e ".[abc]"``), for many parameters or soft facts.

Each generation proposes particles (parameter points) from the last generation's weighted
particles, perturbed by a normal kernel, and keeps those whose run comes within epsilon of the
facts; epsilon falls from one generation to the next (the ``alpha`` quantile of the last
generation's distances, pyabc's ``QuantileEpsilon``; the first: that quantile over a sample
from the prior). A run's **distance** to the facts is the sum over facts of :func:`~.facts.distance`:
0 for a fact kept, 1 for one broken, and for an offer in a band how far the offer lies outside
it as a share of the issue's range — so facts can be soft, and a band missed by a little counts
a little. With ``min_epsilon = 0`` and hard facts the last generation samples the same posterior
as rejection ABC, with fewer runs when the facts are unlikely under the prior.

pyabc runs the loop; every draw it would take from numpy's global random state comes instead
from a Generator seeded from the root seed, and every batch of particles runs through the sweep
runner (any backend, the resumable store) in a fixed order (:mod:`.seeded`). A run stops as
soon as its distance exceeds the generation's epsilon (it can only grow), so a rejected run
costs only the rounds that decided it. Output, in ``out``:

- ``smc/cNN-bMMM/`` — the sweep of batch MMM of pyabc's call NN (call 00 is the prior sample
  that sets the first epsilon, then one call per generation), each a resumable store: the same
  command continues an interrupted calibration, replaying the calls and reading what is done;
- ``prior/`` — the prior predictive, as for rejection ABC;
- ``posterior.csv`` — the last generation's particles: their batch and run index, seed,
  normalised weight, distance, each parameter and the command that replays the run;
- ``facts.csv`` — each fact and the weighted share of the last generation that kept it;
- ``history.db`` — pyabc's SQLite history (every generation's particles, weights, distances);
- ``manifest.json`` — facts, priors, method, seeds, pyabc's version, and per generation its
  epsilon, runs, acceptance rate and effective sample size (Kish 1965).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bargaining_chips.experiments.calibrate.facts import FactChecker, Facts
from bargaining_chips.experiments.calibrate.simulate import FACTS, row
from bargaining_chips.model.errors import UserError
from bargaining_chips.model.loader import DEFAULT_SCENARIO, load_scenario
from bargaining_chips.model.negotiation import NegotiationModel

if TYPE_CHECKING:
    import pandas as pd

    from bargaining_chips.experiments.calibrate.config import CalibrationConfig
    from bargaining_chips.experiments.sweep.options import RunOptions

#: The constants of an SMC batch's sweep: the batch's particles (JSON: paths and values), the
#: generation's epsilon (absent for the prior sample: every run plays to its end), and the
#: swept index of a particle in the batch.
PROPOSALS, EPSILON, PARTICLE = "calibrate.proposals", "calibrate.epsilon", "calibrate.particle"
SMC, HISTORY = "smc", "history.db"
#: The spawn key that sets the batches' sweep root seeds apart (seeded.PROPOSAL_STREAM: proposals).
BATCH_STREAM = 0x5EC_B47C
EXTRA = 'pip install -e ".[abc]"'
#: How a calibration keeps "one seed determines a run" with pyabc (the manifest says it too).
DETERMINISM = ("pyabc draws from numpy's global random state (its transitions, its priors' "
               "RV.rvs, its model prior) and reseeds it in its parallel samplers; here its "
               "ABCSMC loop runs with a seeded prior, transition and model prior and a batch "
               "sampler of this project: batch b of call c proposes from "
               "Generator(PCG64(SeedSequence(root_seed, spawn_key=(0xABC53C, c, b)))), its runs "
               "go through the sweep runner as a sweep whose root seed is SeedSequence(root_seed, "
               "spawn_key=(0x5ECB47C, c, b)) reduced to 63 bits (run j's seed: its child j), and "
               "particles are judged in proposal order, so the posterior is the same on every "
               "backend and number of workers; the global random state is not used; "
               "posterior.csv lists each particle's seed")


def require_pyabc() -> Any:
    """pyabc, or the project's one line naming the extra. Importing pyabc sets
    ``OMP_NUM_THREADS=1`` in the environment when it is unset (``pyabc/__init__.py``, for its
    own process pools, which are not used here); that is undone, so processes started later
    (a sweep's workers) see the environment they would have seen."""
    import os

    unset = "OMP_NUM_THREADS" not in os.environ
    try:
        import pyabc
    except ImportError:
        raise UserError(f"method = \"abc-smc\" needs pyabc, which is not installed: {EXTRA}") \
            from None
    finally:
        if unset:
            os.environ.pop("OMP_NUM_THREADS", None)
    return pyabc


# -- one particle's run (a sweep's model function; runs in the workers, needs no pyabc) -----------
@functools.lru_cache(maxsize=8)
def _facts(text: str) -> Facts:
    return Facts.from_json(text)


@functools.lru_cache(maxsize=4)
def _proposals(text: str) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...]]:
    data = json.loads(text)
    return tuple(data["paths"]), tuple(tuple(v) for v in data["values"])


@functools.lru_cache(maxsize=8)
def _base(source: str):  # noqa: ANN202 - a Scenario
    return load_scenario(source)


def play(params: Mapping[str, Any], seed: int, facts: Facts,
         epsilon: float | None) -> tuple[NegotiationModel, FactChecker]:
    """Play one particle's run (``params``: ``--set`` paths and an optional ``"scenario"``)
    round by round, as ``model.run()`` would, checking ``facts``; it stops once the distance of
    the facts decided so far exceeds ``epsilon`` (the run can no longer be accepted)."""
    overrides = dict(params)
    source = overrides.pop("scenario", DEFAULT_SCENARIO)
    model = NegotiationModel(_base(source), seed=seed, overrides=overrides, collect=False)
    checker = FactChecker(facts, model)
    for _ in range(model.setup.round_cap):
        if model.outcome is not None:
            break
        model.run(max_steps=1)
        checker.update()
        if epsilon is not None and sum(checker.distances.values()) > epsilon:
            break
    checker.update()
    return model, checker


def smc_draw(params: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """One particle of an SMC batch's sweep → its row: the calibration row of
    :func:`~.simulate.row` plus each fact's distance (1 where the run stopped before it)."""
    params = dict(params)
    facts = _facts(params.pop(FACTS))
    epsilon = params.pop(EPSILON, None)
    paths, values = _proposals(params.pop(PROPOSALS))
    params.update(zip(paths, values[int(params.pop(PARTICLE))], strict=True))
    model, checker = play(params, seed, facts, None if epsilon is None else float(epsilon))
    try:
        out = row(model, checker)
        out.update({f"distance.{fid}": checker.distances.get(fid, 1.0) for fid in facts.ids})
        return out
    finally:
        model.release()


#: The facts and a batch's proposals are the batch's, not a particle's: its manifest holds them
#: once (its ``config``), and a row does not (:func:`~..sweep.models.unrecorded`).
smc_draw.unrecorded = frozenset({FACTS, PROPOSALS})
smc_draw.outputs = {"agreement_round": "int64", "agreement_date": "date32[day]",
                    "end_date": "date32[day]", "broken": "string", "agreement": "bool",
                    "end_reason": "string"}


# -- the driver ---------------------------------------------------------------------------------
def batch_root(root_seed: int, call: int, batch: int) -> int:
    """The root seed of batch ``batch`` of call ``call``'s sweep (63 bits)."""
    import numpy as np

    seq = np.random.SeedSequence(root_seed, spawn_key=(BATCH_STREAM, call, batch))
    return int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1))


def fingerprint(config: CalibrationConfig, facts: Facts) -> str:
    """What decides an SMC calibration's runs."""
    from bargaining_chips.experiments.calibrate.config import sweep_configs
    from bargaining_chips.experiments.sweep.models import model_name

    _, prior = sweep_configs(config, facts.to_json())
    data = config.model_dump(mode="json", include={"scenario", "draws", "root_seed", "priors",
                                                   "constants", "smc"})
    data.update(facts=facts.to_json(), smc=config.smc_spec.model_dump(mode="json"),
                model=model_name(smc_draw))
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    digest = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
    return f"smc-{digest}-{prior.fingerprint_for(model_name(smc_draw))}"


def prior(config: CalibrationConfig) -> Any:
    """The priors as a :class:`~.seeded.SeededPrior` of scipy distributions: the same
    distributions the sweep designs draw from (``normal`` truncated to its range)."""
    from pyabc import RV

    from bargaining_chips.experiments.calibrate.seeded import SeededPrior

    rvs = {}
    for path, spec in config.priors.items():
        low, high = spec.range
        if spec.distribution == "uniform":
            rvs[path] = RV("uniform", low, high - low)
        elif spec.distribution == "loguniform":
            rvs[path] = RV("loguniform", low, high)
        elif spec.distribution == "triangular":
            rvs[path] = RV("triang", (spec.mode - low) / (high - low), loc=low, scale=high - low)
        else:
            rvs[path] = RV("truncnorm", (low - spec.mean) / spec.sd, (high - spec.mean) / spec.sd,
                           loc=spec.mean, scale=spec.sd)
    return SeededPrior(**rvs)


@contextmanager
def _quiet_pyabc():  # noqa: ANN202
    """pyabc logs each generation at INFO on stderr; the CLI prints its own summary."""
    import logging

    logger = logging.getLogger("ABC")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Batches:
    """Runs each batch of particles as a sweep into ``out/smc/cNN-bMMM`` and reads its rows."""

    def __init__(self, config: CalibrationConfig, facts: Facts, out: Path,
                 options: RunOptions) -> None:
        self.config, self.facts, self.out, self.options = config, facts, out, options
        self.facts_json = facts.to_json()
        self.paths = list(config.priors)
        self.reports: list[Any] = []
        self.errors = 0
        self.backend: Any = None  # started at the first batch, shared by all, closed by close()

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    def __call__(self, call: int, batch: int, proposals: list, epsilon: float | None):  # noqa: ANN204
        from bargaining_chips.experiments.sweep.config import SweepConfig
        from bargaining_chips.experiments.sweep.runner import run_sweep

        values = [[float(theta[p]) for p in self.paths] for theta in proposals]
        constants: dict[str, Any] = {**self.config.constants, FACTS: self.facts_json,
                                     PROPOSALS: json.dumps({"paths": self.paths, "values": values},
                                                           separators=(",", ":"))}
        if epsilon is not None:
            constants[EPSILON] = float(epsilon)
        sweep = SweepConfig.model_validate({
            "name": f"{self.config.name}: smc call {call} batch {batch}",
            "root_seed": batch_root(self.config.root_seed, call, batch),
            "design": {"kind": "grid"},
            "uncertainties": {PARTICLE: {"values": list(range(len(values)))}},
            "constants": constants,
            **({"scenario": self.config.scenario} if self.config.scenario is not None else {}),
        })
        name = f"c{call:02d}-b{batch:03d}"
        if self.backend is None:
            from bargaining_chips.experiments.sweep.backends import make_backend

            self.backend = make_backend(self.options, smc_draw)
        self.reports.append(run_sweep(sweep, self.out / SMC / name, self.options, model=smc_draw,
                                      shared_backend=self.backend))
        table = read_runs(self.out / SMC / name)
        if len(table) != len(values):
            raise UserError(f"{self.out / SMC / name}: holds {len(table)} runs of {len(values)}; "
                            "run the same command again to finish the calibration")
        results = []
        worst = float(len(self.facts.ids) + 1)
        for i, data in enumerate(table.to_dict("records")):
            info = {"batch": name, "run_index": int(data["run_index"]),
                    "seed": int(data["seed"])}
            if data.get("status") != "ok":
                self.errors += 1
                stats = {fid: worst for fid in self.facts.ids}
            else:
                stats = {fid: float(data[f"distance.{fid}"]) for fid in self.facts.ids}
            assert info["run_index"] == i
            results.append((stats, info))
        return results


@dataclass
class SmcResult:
    """What an ABC-SMC calibration found: the last generation's particles (batch, run index,
    seed, normalised weight, distance, ``params``), each generation's figures, the weighted share
    of the last generation that kept each fact, the batches' sweep reports and pyabc's version."""

    particles: list[dict[str, Any]]
    generations: list[dict[str, Any]]
    rates: dict[str, dict[str, float]]
    reports: list[Any]
    runs: int
    ess: float
    errors: int
    version: str
    history: Path


def run_smc(config: CalibrationConfig, facts: Facts, out: Path,
            options: RunOptions) -> SmcResult:
    """Run ABC-SMC for ``config`` into ``out`` (see the module docstring): the batches' sweeps
    under ``out/smc/`` and pyabc's history in ``out/.history.db.partial`` (the caller moves it
    into place once the result files are written)."""
    import numpy as np

    pyabc = require_pyabc()
    from bargaining_chips.experiments.calibrate.seeded import (
        BatchSampler,
        OneModel,
        Precomputed,
        SeededTransition,
    )

    spec = config.smc_spec
    out.mkdir(parents=True, exist_ok=True)
    partial = out / f".{HISTORY}.partial"
    partial.unlink(missing_ok=True)
    batches = _Batches(config, facts, out, options)
    sampler = BatchSampler(batches, config.root_seed, spec.batch)
    abc = pyabc.ABCSMC(
        models=Precomputed({}), parameter_priors=prior(config),
        distance_function=pyabc.PNormDistance(p=1), population_size=spec.population,
        model_prior=OneModel(), transitions=SeededTransition(),
        eps=pyabc.QuantileEpsilon(alpha=spec.alpha), sampler=sampler,
    )
    try:
        with _quiet_pyabc():
            abc.new(f"sqlite:///{partial}", {fid: 0.0 for fid in facts.ids})
            history = abc.run(minimum_epsilon=spec.min_epsilon,
                              max_nr_populations=spec.generations,
                              max_total_nr_simulations=config.draws)
            populations = history.get_all_populations()
            stored = np.asarray(history.get_distribution(m=0, t=history.max_t)[1], dtype=float) \
                if history.max_t >= 0 else np.array([])
    finally:
        batches.close()
    generations = _generations(sampler, populations)
    if not generations:
        raise UserError(f"{config.name}: smc: no generation reached {spec.population} accepted "
                        "particles within the budget; raise draws or lower the population")
    last = [c for c in sampler.calls if not c["prior_sample"] and c["ok"]][-1]
    weights = np.array([p.weight for p, _ in last["particles"]], dtype=float)
    weights = weights / weights.sum()
    if not np.allclose(np.sort(weights), np.sort(stored)):
        raise RuntimeError("the last generation's weights differ from those in pyabc's history")
    particles = []
    for (particle, info), weight in zip(last["particles"], weights, strict=True):
        particles.append({**info, "weight": float(weight), "distance": float(particle.distance),
                          "params": {p: float(particle.parameter[p]) for p in config.priors},
                          "distances": {fid: float(particle.sum_stat[fid]) for fid in facts.ids}})
    rates = {fid: {"decided": len(particles),
                   "kept": float(sum(p["weight"] for p in particles
                                     if p["distances"][fid] == 0.0))}
             for fid in facts.ids}
    return SmcResult(particles, generations, rates, batches.reports,
                     sum(r.runs_planned for r in batches.reports),
                     float(1.0 / np.sum(weights ** 2)), batches.errors, pyabc.__version__, partial)


def _generations(sampler: Any, populations: pd.DataFrame) -> list[dict[str, Any]]:
    """Per generation pyabc stored: its epsilon, the runs made, the evaluations counted (up to
    the population's last acceptance), accepted, acceptance rate and effective sample size."""
    import numpy as np

    calls = {c["t"]: c for c in sampler.calls if not c["prior_sample"] and c["ok"]}
    out = []
    for pop in populations.itertuples(index=False):
        if pop.t < 0:
            continue
        call = calls[int(pop.t)]
        w = np.array([p.weight for p, _ in call["particles"]], dtype=float)
        w = w / w.sum()
        out.append({"generation": int(pop.t), "epsilon": float(pop.epsilon),
                    "runs": int(call["runs"]), "evaluations": int(pop.samples),
                    "accepted": int(pop.particles),
                    "acceptance_rate": float(pop.particles) / float(pop.samples),
                    "ess": float(1.0 / np.sum(w ** 2))})
    return out


def read_runs(folder: Path, skip: tuple[str, ...] = (FACTS, PROPOSALS)) -> pd.DataFrame:
    """The rows of one batch's sweep store, one per run in run order, without the constants
    that rode in every row of a store written before they were left out of the table (the
    facts' and the proposals' JSON)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bargaining_chips.experiments.sweep.store import PARAM_PREFIX, ResultStore

    drop = {f"{PARAM_PREFIX}{name}" for name in skip}
    tables = []
    for path in ResultStore(folder).part_files():
        names = [n for n in pq.read_schema(path).names if n not in drop]
        tables.append(pq.read_table(path, columns=names))
    if not tables:
        raise UserError(f"{folder}: holds no runs; run the same calibrate command again")
    table = pa.concat_tables(tables, promote_options="permissive")
    frame = table.to_pandas().drop_duplicates("run_key")
    return frame.sort_values("run_index", kind="stable").reset_index(drop=True)


def posterior_runs(out: Path) -> pd.DataFrame:
    """The rows of the last generation's runs (outcomes, terms, calendar), each with its
    ``weight`` and its parameters as ``param.<path>`` columns: what the forecast reads."""
    import pandas as pd

    posterior = pd.read_csv(out / "posterior.csv")
    frames = []
    skip = {"batch", "run_index", "seed", "weight", "distance", "replay"}
    paths = [c for c in posterior.columns if c not in skip]
    for name, part in posterior.groupby("batch", sort=True):
        table = read_runs(out / SMC / str(name)).set_index("run_index")
        rows = table.loc[part["run_index"].to_numpy()].reset_index()
        rows = rows.drop(columns=[c for c in rows.columns if c.startswith("param.")])
        rows["weight"] = part["weight"].to_numpy()
        for p in paths:
            rows[f"param.{p}"] = part[p].to_numpy()
        frames.append(rows)
    if not frames:
        return pd.DataFrame(columns=["weight"])
    frame = pd.concat(frames, ignore_index=True)
    if not math.isclose(float(frame["weight"].sum()), 1.0, rel_tol=1e-9):
        raise UserError(f"{out / 'posterior.csv'}: weights do not sum to 1; run the calibration "
                        "again")
    return frame

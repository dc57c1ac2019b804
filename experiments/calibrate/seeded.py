"""pyabc's ABC-SMC with every random draw taken from one seeded numpy Generator.

pyabc (Klinger, Rickert & Hasenauer 2018; Schälte et al. 2022) draws from numpy's *global*
random state throughout: in 0.13.0, ``MultivariateNormalTransition.rvs`` and ``rvs_single``
(``transition/multivariatenormal.py``, lines 97-110) call ``np.random.choice`` and
``np.random.multivariate_normal``; a prior's ``RV.rvs`` (``random_variables/random_variables.py``,
line 161) calls the scipy distribution's ``rvs`` with no ``random_state``, which is the global
``RandomState``; the model prior is ``RV('randint', 0, 1)`` (``inference/smc.py``, line 230),
drawn likewise even for one model; and its parallel samplers reseed the global state from the
operating system's entropy in every worker (``np.random.seed()``: ``sampler/multicore.py`` line
31, ``sampler/mapping.py`` line 87, ``sampler/eps_mixin.py`` lines 23 and 103), so which particle
is drawn where depends on the workers' timing. None of it takes a Generator. Its epsilon
schedules, distances, acceptor, transition fitting, weights and history draw nothing.

So pyabc's ``ABCSMC`` runs its own loop here (epsilon schedule, transition fits, importance
weights, the SQLite history) with three objects of ours in the places that draw:

- :class:`SeededPrior` — a ``pyabc.Distribution`` whose ``rvs`` passes ``random_state=rng``;
- :class:`SeededTransition` — a ``MultivariateNormalTransition`` whose ``rvs`` draws the
  ancestor and the perturbation from ``rng``;
- :class:`OneModel` — the model prior of a single model, which draws nothing;

and :class:`BatchSampler`, a ``pyabc.sampler.Sampler`` that proposes a batch of particles in the
driver process through pyabc's own ``generate_valid_proposal`` (the prior and the transition
seeded from the calibration's root seed, the call and the batch), evaluates the whole batch at
once through a function it is given (the sweep runner, on any backend), and then judges each
particle in proposal order with pyabc's ``evaluate_proposal`` (its distance, acceptor and weight
function) until ``n`` are accepted — the sequential semantics of pyabc's ``SingleCoreSampler``.
Batch sizes follow from the counts so far, never from time, so a calibration's particles, and
so its posterior, are the same on every backend and any number of workers. The global random
state is neither read nor written.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pyabc
from pyabc.inference_util import inference_util
from pyabc.parameters import Parameter
from pyabc.population import Particle

#: The spawn key that sets the proposals' streams apart from the runs' seeds (child ``j`` of the
#: root seed is run ``j``'s in a sweep).
PROPOSAL_STREAM = 0xABC5_3C


def _need(rng: np.random.Generator | None, owner: object) -> np.random.Generator:
    if rng is None:
        raise RuntimeError(f"{type(owner).__name__} drew before BatchSampler gave it a Generator")
    return rng


class SeededPrior(pyabc.Distribution):
    """Independent priors, one ``pyabc.RV`` per parameter, drawn from :attr:`rng`."""

    rng: np.random.Generator | None = None

    def rvs(self, *args: Any, **kwargs: Any) -> Parameter:
        rng = _need(self.rng, self)
        return Parameter({key: float(rv.distribution.rvs(random_state=rng))
                          for key, rv in self.items()})


class OneModel(pyabc.RV):
    """The model prior of a calibration: its one model, with probability one, drawn without
    randomness (pyabc's default ``RV('randint', 0, 1)`` would draw from the global state)."""

    def __init__(self) -> None:
        super().__init__("randint", 0, 1)

    def rvs(self, *args: Any, **kwargs: Any) -> int:
        return 0


class SeededTransition(pyabc.MultivariateNormalTransition):
    """pyabc's multivariate normal kernel (Silverman's bandwidth by default): pick an ancestor
    by its weight, add a normal perturbation with the fitted covariance — both from :attr:`rng`."""

    rng: np.random.Generator | None = None

    def rvs_single(self) -> Parameter:
        rng = _need(self.rng, self)
        index = rng.choice(len(self.X), p=self.w)
        step = rng.multivariate_normal(np.zeros(self.cov.shape[0]), self.cov)
        return Parameter(self.X.iloc[index] + step)

    def rvs(self, size: int | None = None):  # noqa: ANN201 - a Parameter or a DataFrame
        if size is None:
            return self.rvs_single()
        rng = _need(self.rng, self)
        index = rng.choice(len(self.X), size=size, p=self.w)
        steps = rng.multivariate_normal(np.zeros(self.cov.shape[0]), self.cov, size=size)
        return self.X.iloc[index].reset_index(drop=True) + steps


class Precomputed(pyabc.Model):
    """A pyabc model whose summary statistics were computed elsewhere (a run of the batch)."""

    def __init__(self, stats: dict[str, float]) -> None:
        super().__init__("negotiation")
        self.stats = stats

    def sample(self, pars: Parameter) -> dict[str, float]:
        return self.stats


#: ``evaluate(call, batch, proposals, epsilon) -> [(stats, info), ...]``: the runs of one batch,
#: in proposal order (``epsilon`` None for the prior sample that calibrates the first epsilon).
Evaluate = Callable[[int, int, list[Parameter], float | None], list[tuple[dict[str, float], dict]]]


class BatchSampler(pyabc.sampler.Sampler):
    """Proposes particles from seeded streams in batches and evaluates each batch through
    ``evaluate`` (see the module docstring). ``calls`` records every call pyabc made: its
    generation, whether it was the prior sample, the runs made, and the accepted particles with
    the ``info`` of their runs."""

    def __init__(self, evaluate: Evaluate, root_seed: int, batch: int) -> None:
        super().__init__()
        self.evaluate = evaluate
        self.root_seed = root_seed
        self.batch = batch
        self.calls: list[dict[str, Any]] = []
        self._rate = 1.0

    def rng(self, call: int, batch: int) -> np.random.Generator:
        """The stream of proposals of batch ``batch`` of call ``call``."""
        seq = np.random.SeedSequence(self.root_seed, spawn_key=(PROPOSAL_STREAM, call, batch))
        return np.random.Generator(np.random.PCG64(seq))

    def _size(self, need: int, evaluated: int, accepted: int, prior: bool) -> int:
        if prior:
            return min(need, self.batch)
        if evaluated == 0:
            rate = self._rate
        else:
            rate = accepted / evaluated if accepted else 1.0 / (evaluated + 1)
        size = math.ceil(need / max(rate, 1e-6) * 1.1)
        return max(min(size, self.batch), min(need, 10))

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,  # noqa: ANN001, ANN201
                                all_accepted=False, ana_vars=None):
        kw = simulate_one.keywords
        prior = simulate_one.func is inference_util._simulate_one_from_prior
        call = len(self.calls)
        record: dict[str, Any] = {"t": int(t), "prior_sample": prior, "runs": 0, "batches": 0,
                                  "particles": []}
        self.calls.append(record)
        eps = None if prior else float(kw["eps"](t))
        sample = self._create_empty_sample()
        accepted = evaluated = batch = 0
        while accepted < n and evaluated < max_eval:
            size = self._size(n - accepted, evaluated, accepted, prior)
            proposals = self._propose(kw, t, prior, size, self.rng(call, batch))
            results = self.evaluate(call, batch, [theta for _, theta in proposals], eps)
            record["runs"] += size
            batch += 1
            for (m, theta), (stats, info) in zip(proposals, results, strict=True):
                if accepted >= n or evaluated >= max_eval:
                    break
                particle = self._judge(kw, t, prior, m, theta, stats)
                sample.append(particle)
                evaluated += 1
                if particle.accepted:
                    accepted += 1
                    record["particles"].append((particle, info))
        record.update(batches=batch, evaluations=evaluated, accepted=accepted,
                      ok=accepted >= n, epsilon=eps)
        if not prior and evaluated:
            self._rate = accepted / evaluated
        self.nr_evaluations_ = evaluated
        if accepted < n:
            sample.ok = False
        return sample

    def _propose(self, kw: dict[str, Any], t: int, prior: bool, size: int,
                 rng: np.random.Generator) -> list[tuple[int, Parameter]]:
        priors, transitions = kw["parameter_priors"], kw.get("transitions", [])
        for obj in [*priors, *transitions]:
            if not isinstance(obj, SeededPrior | SeededTransition):
                raise TypeError(f"{type(obj).__name__} would draw from numpy's global random "
                                "state; use SeededPrior and SeededTransition")
            obj.rng = rng
        if not isinstance(kw["model_prior"], OneModel):
            raise TypeError("the model prior would draw from numpy's global random state; "
                            "use OneModel")
        try:
            if prior:
                return [(0, priors[0].rvs()) for _ in range(size)]
            return [inference_util.generate_valid_proposal(
                t=t, m=kw["m"], p=kw["p"], model_prior=kw["model_prior"],
                parameter_priors=priors, model_perturbation_kernel=kw["model_perturbation_kernel"],
                transitions=transitions) for _ in range(size)]
        finally:
            for obj in [*priors, *transitions]:
                obj.rng = None

    @staticmethod
    def _judge(kw: dict[str, Any], t: int, prior: bool, m: int, theta: Parameter,
               stats: dict[str, float]) -> Particle:
        if prior:  # as pyabc's _simulate_one_from_prior: accepted, distance set later
            result = Precomputed(stats).summary_statistics(0, theta, kw["summary_statistics"])
            return Particle(m=m, parameter=theta, weight=1.0, sum_stat=result.sum_stat,
                            distance=np.inf, accepted=True, proposal_id=0, preliminary=False)
        return inference_util.evaluate_proposal(
            m, theta, t=t, models=[Precomputed(stats)],
            summary_statistics=kw["summary_statistics"],
            distance_function=kw["distance_function"], eps=kw["eps"], acceptor=kw["acceptor"],
            x_0=kw["x_0"], weight_function=kw["weight_function"],
            proposal_id=kw["proposal_id"])


__all__ = ["BatchSampler", "OneModel", "Precomputed", "SeededPrior", "SeededTransition"]

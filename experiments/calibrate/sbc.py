"""Simulation-based calibration of the calibration itself (Talts, Betancourt, Simpson, Vehtari &
Gelman 2018, "Validating Bayesian inference algorithms with simulation-based calibration").

Each repetition draws true parameters θ* from the priors and a seed, plays that run, and reads
facts off its records: for each :class:`ObservedOffer`, the band ``centre ± tolerance`` around the
offer the run made, its centre moved by a uniform draw in ``[−tolerance, tolerance]``. That noise
makes rejection ABC exact: the probability a run lands in a band is then the likelihood of the
band's centre (Wilkinson 2013, "Approximate Bayesian computation (ABC) gives exact results under
the assumption of model error"), so the ABC posterior is the posterior of the facts as simulated.
It then calibrates on those facts exactly as ``run.py calibrate`` does — the same Latin
hypercube of prior draws (:func:`~.config.sweep_configs`), the same draw function
(:func:`~.simulate.simulate`) — and asks whether the central 50% and 90% intervals of the accepted
draws cover θ* (by the truth's rank among them: :meth:`Repetition.rank`). Over many repetitions a correct method covers at the nominal rates; the
binomial bounds of :func:`coverage_table` say how far a finite number may stray.

The facts are also added one at a time (the first k of them, k = 1 … K, on the same draws):
as facts are added the posterior should concentrate, its spread shrinking against the prior's
(:func:`concentration_table`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bargaining_chips.experiments.sweep.config import ParameterSpec

LEVELS = (0.5, 0.9)


@dataclass(frozen=True)
class ObservedOffer:
    """A fact to simulate: ``actor``'s offer on ``issue`` in round ``round``, within
    ``tolerance`` (in the issue's units)."""

    actor: str
    issue: str
    round: int
    tolerance: float


@dataclass
class Repetition:
    """One repetition: the truth, and per number of facts k the accepted draws' parameters."""

    truth: dict[str, float]
    seed: int
    posterior: list[dict[str, np.ndarray]]  # [k - 1] → {path: accepted values}
    noise: dict[str, float]  # per parameter, the uniform draw that breaks ties of its rank
    missing_facts: bool = False  # the true run made no offer where a template asked for one

    def rank(self, path: str, k: int | None = None) -> float:
        """The truth's randomised rank among the accepted draws with the first ``k`` facts (all
        by default), in (0, 1): (#below + V·(#equal + 1)) / (L + 1), V uniform. For a correct
        posterior it is uniform whatever the number L of accepted draws (Talts et al. 2018's
        rank statistic, its discreteness smoothed by V), so a central interval of level c,
        |rank − ½| ≤ c/2, covers the truth with probability exactly c — also when L is 0."""
        values = self.posterior[-1 if k is None else k - 1][path]
        truth = self.truth[path]
        below = int(np.sum(values < truth))
        equal = int(np.sum(values == truth))
        return (below + self.noise[path] * (equal + 1)) / (len(values) + 1)


def simulated_facts(templates: Sequence[ObservedOffer], model, rng: np.random.Generator,
                    scenario_name: str):  # noqa: ANN001 - a finished NegotiationModel
    """Facts read off a run's records: each template's offer, in a band of its tolerance whose
    centre is moved by uniform noise of the same width (module docstring). None if the run made
    no offer where a template asks for one."""
    from bargaining_chips.experiments.calibrate.facts import parse_facts

    facts = []
    for k, t in enumerate(templates):
        value = next((float(r[t.issue]) for r in model.rows
                      if r["round"] == t.round and r["proposer"] == t.actor), None)
        if value is None:
            return None
        centre = value + float(rng.uniform(-t.tolerance, t.tolerance))
        facts.append({"id": f"o{k + 1}", "kind": "offer", "actor": t.actor, "issue": t.issue,
                      "round": t.round, "value": centre, "tolerance": t.tolerance,
                      "source": "simulated (simulation-based calibration)"})
    return parse_facts({"meta": {"name": "sbc"}, "facts": facts}, model.spec,
                       f"{scenario_name} (simulated facts)")


def _truth(priors: Mapping[str, ParameterSpec], rng: np.random.Generator) -> dict[str, float]:
    from bargaining_chips.experiments.sweep.design import from_unit

    return {path: float(from_unit(spec, np.array([rng.random()]))[0])
            for path, spec in priors.items()}


def run_sbc(scenario: str, priors: Mapping[str, ParameterSpec],
            templates: Sequence[ObservedOffer], repetitions: int, draws: int,
            root_seed: int = 0) -> list[Repetition]:
    """``repetitions`` simulation-based calibrations of rejection ABC (module docstring), each
    on ``draws`` prior draws; every number drawn comes from ``SeedSequence(root_seed)``."""
    from bargaining_chips.experiments.calibrate.config import CalibrationConfig, sweep_configs
    from bargaining_chips.experiments.calibrate.simulate import FACTS, STOP, simulate
    from bargaining_chips.experiments.single import play
    from bargaining_chips.experiments.sweep.design import Design

    out = []
    streams = np.random.SeedSequence(root_seed).spawn(repetitions)
    for stream in streams:
        rng = np.random.default_rng(stream)
        truth = _truth(priors, rng)
        seed = int(rng.integers(0, 2**63 - 1))
        model = play({"scenario": scenario, **truth}, seed)
        facts = simulated_facts(templates, model, rng, scenario)
        model.release()
        noise = {p: float(rng.random()) for p in priors}
        if facts is None:
            out.append(Repetition(truth, seed, [], noise, missing_facts=True))
            continue
        config = CalibrationConfig(scenario=scenario, facts="(simulated)", draws=draws,
                                   root_seed=int(rng.integers(0, 2**62)), priors=dict(priors),
                                   prior_predictive=1)
        sweep, _ = sweep_configs(config, facts.to_json())
        kept: list[list[dict[str, float]]] = [[] for _ in templates]
        for run in Design(sweep).runs():
            params = {k: v for k, v in run.params.items() if k not in (FACTS, STOP)}
            drawn, checker = simulate(params, run.seed, facts, stop=False)
            drawn.release()
            holds = [checker.verdicts.get(fid, False) for fid in facts.ids]
            for k in range(len(templates)):
                if all(holds[: k + 1]):
                    kept[k].append({p: float(params[p]) for p in priors})
        posterior = [{p: np.array([d[p] for d in draws_k]) for p in priors} for draws_k in kept]
        out.append(Repetition(truth, seed, posterior, noise))
    return out


def binomial_bounds(n: int, p: float, alpha: float = 0.001) -> tuple[int, int]:
    """The counts between which a Binomial(n, p) falls with probability at least 1 − ``alpha``
    (equal tails)."""
    from scipy.stats import binom

    return int(binom.ppf(alpha / 2, n, p)), int(binom.isf(alpha / 2, n, p))


def coverage_table(reps: Sequence[Repetition], levels: Sequence[float] = LEVELS,
                   alpha: float = 0.001):  # noqa: ANN201 - a DataFrame
    """Per parameter and level, with all the facts: how many repetitions' central intervals
    covered the truth (:meth:`Repetition.rank`), of how many, the rate, and whether the count
    lies inside the binomial bounds at ``1 − alpha``."""
    import pandas as pd

    usable = [r for r in reps if not r.missing_facts]
    rows = []
    paths = list(usable[0].truth) if usable else []
    for path in paths:
        for level in levels:
            covered = sum(abs(rep.rank(path) - 0.5) <= level / 2 for rep in usable)
            n = len(usable)
            low, high = binomial_bounds(n, level, alpha)
            rows.append({"parameter": path, "level": level, "covered": covered, "repetitions": n,
                         "rate": covered / n if n else None, "bound_low": low, "bound_high": high,
                         "within": low <= covered <= high})
    return pd.DataFrame(rows)


def concentration_table(reps: Sequence[Repetition],
                        priors: Mapping[str, ParameterSpec]):  # noqa: ANN201 - a DataFrame
    """Per parameter and number of facts k: the posterior's spread as a share of the prior's —
    the square root of the mean, over the repetitions with at least two accepted draws, of
    their sample variance (ddof 1: unbiased however few draws are accepted) over the prior's
    variance — the mean number of accepted draws, and how many repetitions accepted fewer than
    two."""
    import pandas as pd

    from bargaining_chips.experiments.sweep.design import from_unit

    usable = [r for r in reps if not r.missing_facts]
    facts = len(usable[0].posterior) if usable else 0
    rows = []
    for path, spec in priors.items():
        grid = np.asarray(from_unit(spec, (np.arange(4000) + 0.5) / 4000), dtype=float)
        prior_var = float(grid.var())
        for k in range(facts):
            variances, accepted, few = [], [], 0
            for rep in usable:
                values = rep.posterior[k][path]
                accepted.append(len(values))
                if len(values) < 2:
                    few += 1
                    continue
                variances.append(float(np.var(values, ddof=1)))
            rows.append({"parameter": path, "facts": k + 1,
                         "sd_share": float(np.sqrt(np.mean(variances) / prior_var))
                         if variances and prior_var > 0 else None,
                         "accepted_mean": float(np.mean(accepted)), "fewer_than_two": few})
    return pd.DataFrame(rows)

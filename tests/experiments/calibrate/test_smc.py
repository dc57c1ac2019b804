"""ABC-SMC through pyabc (the ``abc`` extra): one seed gives the same posterior bit for bit on one
process worker or two, the posterior concentrates around the truth on the bilateral scenario,
its outputs are those of rejection ABC plus weights (and the forecast reads them), and bad
configs or a missing pyabc are one line and exit 2."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bargaining_chips.cli import main
from bargaining_chips.experiments.calibrate.run import run_calibration
from tests.experiments.calibrate.test_calibrate import FACTS

pytest.importorskip("pyabc")  # in the dev extra: CI runs these

BILATERAL = str(Path(__file__).parents[2] / "fixtures" / "bilateral.toml")
TRUTH = {"actors.A.strategy.beta": 0.5, "actors.B.strategy.beta": 2.0}
# B's second and fourth offers on x tell B's pace; A's third on z tells A's (as in test_sbc).
OBSERVED = [("B", "x", 2, 0.25), ("A", "z", 3, 0.025), ("B", "x", 4, 0.25)]

CONFIG = """\
name = "smc test"
scenario = "{scenario}"
facts = "facts.toml"
method = "abc-smc"
draws = {draws}
root_seed = 11
prior_predictive = 20

[smc]
population = {population}
generations = {generations}
alpha = 0.4

[priors."actors.A.strategy.beta"]
range = [0.2, 3.0]
distribution = "loguniform"

[priors."actors.B.strategy.beta"]
range = [0.2, 3.0]
distribution = "loguniform"
"""


def observed_facts() -> str:
    """Facts read off the truth's run (seed 0): each offer within a narrow band around it."""
    from bargaining_chips.model import NegotiationModel, load_scenario

    model = NegotiationModel(load_scenario(BILATERAL, dict(TRUTH)), seed=0)
    model.run()
    lines = ['[meta]\nname = "observed"\n']
    for i, (actor, issue, rnd, tol) in enumerate(OBSERVED):
        value = next(r[issue] for r in model.rows if r["round"] == rnd and r["proposer"] == actor)
        lines.append(f'[[facts]]\nid = "f{i}"\nkind = "offer"\nactor = "{actor}"\n'
                     f'issue = "{issue}"\nround = {rnd}\nvalue = {float(value)!r}\n'
                     f'tolerance = {tol}\nsource = "the truth\'s run"\n')
    model.release()
    return "\n".join(lines)


def write(folder: Path, draws: int = 1500, population: int = 60, generations: int = 4,
          extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "facts.toml").write_text(observed_facts(), encoding="utf-8")
    path = folder / "smc.toml"
    path.write_text(CONFIG.format(scenario=BILATERAL, draws=draws, population=population,
                                  generations=generations) + extra, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("smc")
    np.random.seed(123)
    random.seed(123)
    before = (np.random.get_state()[1].copy(), random.getstate())
    run_calibration(write(folder), folder / "out", backend="serial", quiet=True)
    after = (np.random.get_state()[1], random.getstate())
    assert np.array_equal(before[0], after[0]) and before[1] == after[1]  # global state untouched
    return folder / "out"


def test_the_posterior_concentrates_around_the_truth(calibrated: Path) -> None:
    posterior = pd.read_csv(calibrated / "posterior.csv")
    w = posterior["weight"].to_numpy()
    assert len(posterior) == 60 and w.sum() == pytest.approx(1.0)
    for path, truth in TRUTH.items():
        x = np.log(posterior[path].to_numpy())
        mean = float(np.sum(w * x))
        sd = float(np.sqrt(np.sum(w * (x - mean) ** 2)))
        prior_sd = (np.log(3.0) - np.log(0.2)) / np.sqrt(12)
        assert abs(mean - np.log(truth)) < 0.25, (path, np.exp(mean))
        assert sd < 0.4 * prior_sd, (path, sd)


def test_the_manifest_records_the_generations_and_pyabcs_history_agrees(calibrated: Path) -> None:
    import pyabc

    manifest = json.loads((calibrated / "manifest.json").read_text())
    assert manifest["method"] == "abc-smc" and manifest["smc"]["pyabc"] == pyabc.__version__
    generations = manifest["generations"]
    eps = manifest["epsilons"]
    assert len(generations) >= 2 and eps == sorted(eps, reverse=True) and eps[-1] < eps[0]
    for g in generations:
        assert g["acceptance_rate"] == pytest.approx(g["accepted"] / g["evaluations"])
        assert 1 <= g["ess"] <= g["accepted"] + 1e-9 and g["runs"] >= g["evaluations"]
    assert manifest["ess"] == pytest.approx(generations[-1]["ess"])
    assert "global random state is not used" in manifest["seeds"]["rule"]
    history = pyabc.History(f"sqlite:///{calibrated / 'history.db'}", create=False)
    frame, w = history.get_distribution(m=0, t=history.max_t)
    assert history.max_t == len(generations) - 1
    posterior = pd.read_csv(calibrated / "posterior.csv")
    assert np.allclose(np.sort(w), np.sort(posterior["weight"]))
    assert np.allclose(np.sort(frame["actors.A.strategy.beta"]),
                       np.sort(posterior["actors.A.strategy.beta"]))
    assert not list(calibrated.glob(".*partial*"))


def test_a_particle_replays_with_its_seed_and_set(calibrated: Path, capsys) -> None:
    posterior = pd.read_csv(calibrated / "posterior.csv")
    top = posterior.sort_values("weight", kind="stable").iloc[-1]
    words = top["replay"].split()[2:]
    assert main([*words, "--json", "--no-plots", "--out", str(calibrated.parent / "replay")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["seed"] == int(top["seed"])
    from bargaining_chips.experiments.calibrate.smc import posterior_runs

    runs = posterior_runs(calibrated).set_index("seed")
    assert runs.loc[int(top["seed"]), "rounds_played"] == summary["rounds_played"]


US_FACTS = FACTS  # the rounds so far without a deal and Japan's auto-tariff offer

US_CONFIG = """\
name = "smc us-japan"
scenario = "us_japan_2025"
facts = "facts.toml"
method = "abc-smc"
draws = 200
root_seed = 5
prior_predictive = 8

[smc]
population = 12
generations = 3
alpha = 0.8

[priors."actors.Japan.strategy.beta"]
range = [0.3, 3.0]
distribution = "loguniform"

[priors."deadlines.G7.extension_probability"]
range = [0.0, 1.0]
"""


def test_one_or_two_process_workers_give_the_same_posterior_and_forecast_reads_its_weights(
        tmp_path: Path, capsys) -> None:
    (tmp_path / "facts.toml").write_text(US_FACTS, encoding="utf-8")
    config = tmp_path / "smc.toml"
    config.write_text(US_CONFIG, encoding="utf-8")
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        run_calibration(config, out, backend="process", workers=workers, quiet=True)
        outs.append(out)
    assert (outs[0] / "posterior.csv").read_bytes() == (outs[1] / "posterior.csv").read_bytes()
    one, two = (json.loads((o / "manifest.json").read_text()) for o in outs)
    assert one["generations"] == two["generations"] and one["fingerprint"] == two["fingerprint"]
    assert len(one["generations"]) == 3  # the later generations propose from the transition
    # The same command again resumes: every batch is on disk, nothing runs, the same posterior.
    report = run_calibration(config, outs[1], backend="serial", quiet=True)
    assert report.draws.runs_done == 0 and report.draws.runs_before == one["draws"]
    assert (outs[0] / "posterior.csv").read_bytes() == (outs[1] / "posterior.csv").read_bytes()
    assert main(["forecast", str(outs[0]), "--no-plots"]) == 0
    text = capsys.readouterr().out
    assert "12 posterior draws (weighted: effective sample size" in text and "P(deal by date)" in text
    posterior = pd.read_csv(outs[0] / "posterior.csv")
    marginals = pd.read_csv(outs[0] / "forecast" / "marginals.csv").set_index(
        ["parameter", "sample"])
    for path in ("actors.Japan.strategy.beta", "deadlines.G7.extension_probability"):
        weighted = float(np.sum(posterior["weight"] * posterior[path]))
        assert marginals.loc[(path, "posterior"), "mean"] == pytest.approx(weighted)


@pytest.mark.parametrize("extra, words", [
    ('\n[priors."deadlines.x"]\nvalues = [1, 2]\n', "ABC-SMC perturbs continuous parameters"),
    ("", "draws (5) is ABC-SMC's budget of runs"),
    ("", "an [smc] table applies to method = \"abc-smc\""),
    ("", "smc.popul"),
])
def test_bad_smc_config_is_one_line_exit_2_and_nothing_written(tmp_path: Path, capsys,
                                                               extra: str, words: str) -> None:
    path = write(tmp_path, extra=extra)
    text = path.read_text()
    if "draws (5)" in words:
        text = text.replace("draws = 1500", "draws = 5")
    if "applies to" in words:
        text = text.replace('method = "abc-smc"\n', "")
    if "popul" in words:
        text = text.replace("population = 60", "popul = 60")
    path.write_text(text)
    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err, err
    assert not out.exists()


def test_without_pyabc_abc_smc_names_the_extra(tmp_path: Path, capsys, monkeypatch) -> None:
    path = write(tmp_path)
    monkeypatch.setitem(sys.modules, "pyabc", None)  # import pyabc → ImportError
    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and 'pip install -e ".[abc]"' in err and "abc-smc" in err
    assert not out.exists()


def test_the_shipped_smc_example_checks() -> None:
    from bargaining_chips.experiments.calibrate.config import load_calibration
    from bargaining_chips.experiments.cli.author import check_file

    path = Path(__file__).parents[3] / "experiments/configs/calibrate/us_japan_may2025_smc.toml"
    assert check_file(path).startswith("OK: ")
    config = load_calibration(path)
    assert config.method == "abc-smc" and config.smc_spec.population == 400


def test_weighted_quantiles_invert_the_weighted_cdf_and_equal_weights_change_nothing() -> None:
    from bargaining_chips.experiments.calibrate.forecast import quantile_row

    values = pd.Series([3.0, 1.0, None, 2.0, 4.0])
    w = np.array([0.1, 0.5, 0.2, 0.3, 0.1])  # the null's weight is dropped with it
    row = quantile_row(values, w)
    assert row["q05"] == 1.0 and row["q50"] == 1.0 and row["q95"] == 4.0
    assert row["mean"] == pytest.approx((0.3 + 0.5 + 0.6 + 0.4) / 1.0)
    row = quantile_row(pd.Series([0.0, 10.0]), np.array([0.4, 0.6]))
    assert row["q50"] == 10.0 and row["q05"] == 0.0
    plain = quantile_row(values)  # unweighted: numpy's interpolated quantiles, as before
    assert plain["q50"] == float(np.quantile([3.0, 1.0, 2.0, 4.0], 0.5))


def test_the_sampler_refuses_pyabc_objects_that_draw_from_the_global_state() -> None:
    import functools

    import pyabc
    from pyabc.inference_util import inference_util

    from bargaining_chips.experiments.calibrate.seeded import BatchSampler, OneModel, SeededPrior

    plain = pyabc.Distribution(x=pyabc.RV("uniform", 0, 1))
    sampler = BatchSampler(lambda *a: [], root_seed=0, batch=10)
    for priors, model_prior, words in ((plain, OneModel(), "Distribution would draw"),
                                       (SeededPrior(x=pyabc.RV("uniform", 0, 1)),
                                        pyabc.RV("randint", 0, 1), "model prior would draw")):
        one = functools.partial(inference_util._simulate_one_from_prior, model_prior=model_prior,
                                parameter_priors=[priors], models=[], summary_statistics=None)
        with pytest.raises(TypeError, match=words):
            sampler.sample_until_n_accepted(5, one, 0)
    seeded = SeededPrior(x=pyabc.RV("uniform", 0, 1))
    draws = [sampler._propose({"parameter_priors": [seeded], "model_prior": OneModel()}, 0, True,
                              3, sampler.rng(0, b))[0][1]["x"] for b in (0, 0, 1)]
    assert draws[0] == draws[1] != draws[2] and seeded.rng is None  # seeded, and handed back

"""Rejection ABC through the sweep runner: accepted draws, seeds that replay, resume, manifest,
and the forecast read from the accepted draws."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bargaining_chips.cli import main
from bargaining_chips.experiments.calibrate.run import load_draws, run_calibration

FACTS = """\
[meta]
name = "test facts"
as_of = 2025-05-28

[[facts]]
id = "no_deal_yet"
kind = "no_deal"
date = 2025-05-23
source = "test"

[[facts]]
id = "japan_round3_auto"
kind = "offer"
actor = "Japan"
issue = "auto_tariff"
round = 3
band = [8.0, 11.0]
source = "test"
"""

CONFIG = """\
name = "test calibration"
scenario = "us_japan_2025"
facts = "facts.toml"
draws = 48
root_seed = 5
prior_predictive = 24

[priors."actors.Japan.strategy.beta"]
range = [0.3, 3.0]
distribution = "loguniform"

[priors."deadlines.G7.extension_probability"]
range = [0.0, 1.0]
"""


def write_config(folder: Path, config: str = CONFIG, facts: str = FACTS) -> Path:
    (folder / "facts.toml").write_text(facts, encoding="utf-8")
    path = folder / "calibration.toml"
    path.write_text(config, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("calibration")
    config = write_config(folder)
    run_calibration(config, folder / "out", backend="serial", quiet=True)
    return folder


def test_the_accepted_draws_are_those_whose_runs_keep_every_fact(calibrated: Path) -> None:
    out = calibrated / "out"
    draws = load_draws(out)
    assert len(draws) == 48 and (draws["status"] == "ok").all()
    kept = draws["fact.no_deal_yet"].eq(True) & draws["fact.japan_round3_auto"].eq(True)
    assert (draws["accepted"] == kept).all()
    assert 0 < kept.sum() < 48  # the band on Japan's third offer tells draws apart
    stopped = draws[~draws["accepted"]]
    assert not stopped["finished"].any()  # a draw that broke a fact stopped there
    assert draws.loc[draws["accepted"], "agreement"].notna().all()  # an accepted one ran on
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["method"] == "rejection" and manifest["draws"] == 48
    assert manifest["accepted"] == kept.sum() == manifest["ess"]
    assert manifest["acceptance_rate"] == pytest.approx(kept.sum() / 48)
    assert manifest["seeds"]["root_seed"] == 5
    assert [f["id"] for f in manifest["facts"]["facts"]] == ["no_deal_yet", "japan_round3_auto"]
    assert set(manifest["priors"]) == {"actors.Japan.strategy.beta",
                                       "deadlines.G7.extension_probability"}
    reached = manifest["fact_rates"]["japan_round3_auto"]
    assert reached["decided"] == draws["fact.japan_round3_auto"].notna().sum() <= 48
    assert reached["kept"] == pytest.approx(draws["fact.japan_round3_auto"].eq(True).sum()
                                            / reached["decided"])
    facts = pd.read_csv(out / "facts.csv")
    assert facts["id"].tolist() == ["no_deal_yet", "japan_round3_auto"]
    assert facts["draws_reached"].tolist()[0] == 48  # decided for every draw by round 3
    posterior = pd.read_csv(out / "posterior.csv")
    assert len(posterior) == kept.sum()
    assert set(posterior["seed"]) == set(draws.loc[draws["accepted"], "seed"])
    assert len(load_draws(out, "prior")) == 24


def test_the_posterior_and_rates_from_a_few_columns_are_those_of_the_whole_table(
        calibrated: Path) -> None:
    from bargaining_chips.experiments.calibrate.config import load_calibration
    from bargaining_chips.experiments.calibrate.run import fact_rates, posterior_table, prepare

    out = calibrated / "out"
    config, facts = prepare(load_calibration(calibrated / "calibration.toml"))
    whole = load_draws(out)
    accepted = whole[whole["accepted"].fillna(False).astype(bool)]
    expected = posterior_table(accepted, config)
    assert (out / "posterior.csv").read_text() == expected.to_csv(index=False)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["fact_rates"] == fact_rates(whole, facts)
    few = load_draws(out, columns=["seed", "accepted"])
    assert set(few.columns) == {"run_key", "run_index", "seed", "accepted"}


def test_a_posterior_draw_replays_with_run_seed_and_set(calibrated: Path, capsys,
                                                        tmp_path: Path) -> None:
    from bargaining_chips.experiments.calibrate.facts import Facts
    from bargaining_chips.experiments.calibrate.simulate import simulate
    from bargaining_chips.experiments.single import play

    out = calibrated / "out"
    draw = pd.read_csv(out / "posterior.csv").iloc[0]
    words = draw["replay"].split()
    assert words[:4] == ["python", "run.py", "run", "--seed"]
    params = {"actors.Japan.strategy.beta": float(draw["actors.Japan.strategy.beta"]),
              "deadlines.G7.extension_probability":
                  float(draw["deadlines.G7.extension_probability"])}
    facts = Facts.from_json(json.dumps(json.loads((out / "manifest.json").read_text())["facts"]))
    calibrated_model, _ = simulate(params, int(draw["seed"]), facts)
    replayed = play(params, int(draw["seed"]))
    assert replayed.rows == calibrated_model.rows
    assert replayed.events == calibrated_model.events
    assert main([*words[2:], "--json", "--out", str(tmp_path / "replay")]) == 0
    summary = json.loads(capsys.readouterr().out)
    row = load_draws(out).set_index("seed").loc[int(draw["seed"])]
    assert summary["agreement_date"] == (None if pd.isna(row["agreement_date"])
                                         else str(row["agreement_date"])[:10])


def test_calibrate_resumes_and_a_process_pool_writes_the_same_draws(calibrated: Path,
                                                                    tmp_path: Path) -> None:
    out = calibrated / "out"
    before = (out / "posterior.csv").read_bytes()
    report = run_calibration(calibrated / "calibration.toml", out, backend="serial", quiet=True)
    assert report.draws.runs_before == 48 and report.draws.runs_done == 0
    assert (out / "posterior.csv").read_bytes() == before
    pooled = run_calibration(calibrated / "calibration.toml", tmp_path / "pool",
                             backend="process", workers=2, quiet=True)
    assert pooled.accepted == report.accepted
    assert (tmp_path / "pool" / "posterior.csv").read_bytes() == before


def test_forecast_prints_the_posterior_beside_the_prior_and_writes_tables_and_plots(
        calibrated: Path, capsys) -> None:
    out = calibrated / "out"
    assert main(["forecast", str(out), "--after", "2025-05-28"]) == 0
    text = capsys.readouterr().out
    assert "P(deal by date)" in text and "2025-06-16 Leaders at the G7 summit" in text
    # the issues and dates in the scenario's words, as the transcript names them
    assert "  reciprocal tariff (%)  " in text and "  chips (¥ trillion)  " in text
    assert "P(G7 leaders' summit missed)" in text and "P(end of the 90-day pause moved)" in text
    assert "reciprocal_tariff" not in text and "pause_end" not in text
    deal = pd.read_csv(out / "forecast" / "p_deal.csv")
    assert (deal["date"] > "2025-05-28").all()
    assert deal["p_posterior"].is_monotonic_increasing and deal["p_prior"].is_monotonic_increasing
    terms = pd.read_csv(out / "forecast" / "terms.csv")
    assert set(terms["sample"]) == {"posterior", "prior"}
    ok = terms.dropna(subset=["q50"])
    assert ((ok["q05"] <= ok["q50"]) & (ok["q50"] <= ok["q95"])).all()
    for name in ("marginals", "pairs", "p_deal", "terms"):
        assert (out / "forecast" / f"{name}.png").stat().st_size > 1000
    calendar = pd.read_csv(out / "forecast" / "calendar.csv")
    assert set(calendar["deadline"]) == {"G7", "pause_end"}


def test_forecast_of_a_folder_without_a_calibration_is_one_line(tmp_path: Path, capsys) -> None:
    assert main(["forecast", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds no calibration" in err


@pytest.mark.parametrize("facts, config, words", [
    (FACTS.replace('actor = "Japan"', 'actor = "Japon"'), CONFIG,
     "facts.toml: facts.1.actor: unknown actor 'Japon'; did you mean 'Japan'?"),
    (FACTS, CONFIG.replace("draws = 48", "draws = 0"), "calibration.toml: draws:"),
    (FACTS, CONFIG.replace('"actors.Japan.strategy.beta"', '"actors.Japan.strategy.bta"'),
     "actors.Japan.strategy.bta"),
    (FACTS, CONFIG.replace('facts = "facts.toml"', 'facts = "nothing.toml"'), "no such facts file"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path: Path, capsys, facts: str,
                                                          config: str, words: str) -> None:
    path = write_config(tmp_path, config, facts)
    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err
    assert not out.exists()


def test_check_validates_a_calibration_config_and_its_facts(tmp_path: Path, capsys) -> None:
    from bargaining_chips.experiments.cli.author import check_file

    good = write_config(tmp_path)
    assert check_file(good).startswith("OK: ") and "2 facts, 48 draws" in check_file(good)
    bad = write_config(tmp_path, facts=FACTS.replace("round = 3", "round = 30"))
    assert main(["check", str(bad)]) == 2
    assert "facts.1.round: round 30 is past the calendar's last round" in capsys.readouterr().err


def test_the_facts_are_in_each_sweeps_manifest_once_and_in_no_row(calibrated: Path) -> None:
    import pyarrow.parquet as pq

    from bargaining_chips.experiments.calibrate.facts import Facts

    out = calibrated / "out"
    for which in ("draws", "prior"):
        assert "param.calibrate.facts" not in pq.read_schema(out / which / "results.parquet").names
        manifest = json.loads((out / which / "manifest.json").read_text())
        assert manifest["unrecorded"] == ["param.calibrate.facts"]
        assert "param.calibrate.facts" not in manifest["table_schema"]
        facts = Facts.from_json(manifest["config"]["constants"]["calibrate.facts"])
        assert facts.ids == ("no_deal_yet", "japan_round3_auto")


def test_a_calibration_begun_with_the_facts_in_every_row_resumes_without_them(
        calibrated: Path, tmp_path: Path) -> None:
    """A folder written when the facts were a column of every row: half its draws in a part
    that holds the column, the rest still to run. It resumes, and its table and posterior are
    those of a calibration run whole."""
    import shutil
    import uuid

    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    shutil.copytree(calibrated / "out", out)
    draws = out / "draws"
    manifest = json.loads((draws / "manifest.json").read_text())
    text = manifest["config"]["constants"]["calibrate.facts"]
    whole = pq.read_table(draws / "results.parquet")
    half = whole.slice(0, 24)
    old = half.append_column("param.calibrate.facts", pa.array([text] * len(half)))
    (draws / "parts").mkdir()
    pq.write_table(old, draws / "parts" / f"part-{0:012d}-24r-{uuid.uuid4().hex[:8]}.parquet")
    (draws / "results.parquet").unlink()
    del manifest["unrecorded"]
    manifest["table_schema"] = {**manifest["table_schema"], "param.calibrate.facts": "string"}
    manifest["status"] = "interrupted"
    (draws / "manifest.json").write_text(json.dumps(manifest))
    report = run_calibration(calibrated / "calibration.toml", out, backend="serial", quiet=True)
    assert report.draws.runs_before == 24 and report.draws.runs_done == 24
    assert pq.read_table(draws / "results.parquet").equals(whole)
    posterior = (calibrated / "out" / "posterior.csv").read_bytes()
    assert (out / "posterior.csv").read_bytes() == posterior


def test_the_posterior_written_a_few_draws_at_a_time_is_the_same_file(calibrated: Path,
                                                                        monkeypatch) -> None:
    """posterior.csv, facts.csv and the manifest's figures are built a batch of draws at a time
    (run.BATCH_DRAWS): in batches of 5 (some with no accepted draw) they are byte for byte what
    one batch of all 48 draws wrote (the calibration run again in its folder: no run is run
    again, the files are rewritten)."""
    from bargaining_chips.experiments.calibrate import run

    out = calibrated / "out"
    batches = list(run.draw_batches(out, ["accepted"], batch=5))
    assert [len(b) for b in batches] == [5] * 9 + [3]
    assert any(not b["accepted"].any() for b in batches)
    held = {name: (out / name).read_bytes() for name in ("posterior.csv", "facts.csv")}
    before = json.loads((out / "manifest.json").read_text())
    monkeypatch.setattr(run, "BATCH_DRAWS", 5)
    run_calibration(calibrated / "calibration.toml", out, backend="serial", quiet=True)
    for name, content in held.items():
        assert (out / name).read_bytes() == content, name
    after = json.loads((out / "manifest.json").read_text())
    for key in ("draws", "accepted", "acceptance_rate", "ess", "fact_rates"):
        assert after[key] == before[key], key


def test_a_calibration_with_no_accepted_draw_writes_the_posterior_header(tmp_path: Path) -> None:
    config = write_config(tmp_path, CONFIG.replace("draws = 48", "draws = 6"), FACTS.replace(
        "band = [8.0, 11.0]", "band = [27.4, 27.5]"))
    report = run_calibration(config, tmp_path / "out", backend="serial", quiet=True)
    assert report.accepted == 0 and report.total == 6
    assert (tmp_path / "out" / "posterior.csv").read_text() == (
        "run_index,seed,actors.Japan.strategy.beta,deadlines.G7.extension_probability,replay\n")

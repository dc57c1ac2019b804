"""The command line (run.py and experiments/cli/run.py).

The commands users type run as subprocesses (``sys.executable run.py ...`` from a scratch folder);
the list of bad inputs runs through ``run.main`` in-process for speed, with a few of them repeated
as subprocesses to check the real process: exit status 2, exactly one line on stderr naming the file
and the field, no traceback, nothing on stdout and no result files.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bargaining_chips.experiments import run_once

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "run.py"
FILES = {"summary.json", "rounds.csv", "lobbying.csv", "transcript.txt", "negotiation_dance.png",
         "utility_space.png"}
DESIGN_KEYS = {
    "scenario", "seed", "outcome", "agreement", "agreement_round", "agreement_date",
    "rounds_played", "terms", "utilities", "nash_product", "pareto_distance", "coalitions",
    "version",
}


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, str(RUN), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def run_main():
    spec = importlib.util.spec_from_file_location("bargaining_chips_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_no_arguments_runs_the_default_scenario_prints_the_transcript_and_writes_results(tmp_path):
    done = cli(cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == "US–Japan tariff talks, April–July 2025 — seed 0"
    assert "Wed 16 Apr 2025 · Round 1 · Washington" in out
    assert any(line.startswith("  Japan proposes: reciprocal tariff ") for line in out)
    assert "Summary" in out
    results = tmp_path / "results"
    assert FILES <= {p.name for p in results.iterdir()}
    assert json.loads((results / "summary.json").read_text()) == run_once({}, seed=0)
    header = (results / "rounds.csv").read_text().splitlines()[0].split(",")
    assert header[:3] == ["round", "date", "proposer"] and "response_US" in header
    assert (results / "transcript.txt").read_text().splitlines()[0] == out[0]
    for png in ("negotiation_dance.png", "utility_space.png"):
        assert (results / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert done.stderr == ""


def test_json_prints_exactly_one_object_with_the_summary_keys(tmp_path):
    done = cli("run", "--json", "--seed", "3", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # the whole of stdout is one JSON document
    assert isinstance(result, dict)
    assert DESIGN_KEYS <= set(result)
    assert result == run_once({}, seed=3)
    assert FILES <= {p.name for p in (tmp_path / "out").iterdir()}


def test_set_overrides_reach_the_run(tmp_path, run_main, capsys):
    out = tmp_path / "out"
    status = run_main(["run", "--json", "--seed", "2", "--out", str(out),
                       "--set", "actors.Japan.strategy.beta=0.5",
                       "--set", "deadlines.G7.extension_probability=0.3"])
    assert status == 0
    result = json.loads(capsys.readouterr().out)
    assert result == run_once({"actors.Japan.strategy.beta": 0.5,
                               "deadlines.G7.extension_probability": 0.3}, seed=2)


def test_a_scenario_file_by_path(tmp_path, run_main, capsys):
    fixture = ROOT / "tests" / "fixtures" / "three_governments.toml"
    status = run_main(["run", "--scenario", str(fixture), "--json", "--out", str(tmp_path / "o")])
    assert status == 0
    assert json.loads(capsys.readouterr().out)["scenario"] == "three_governments"


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    malformed = tmp_path / "malformed.toml"
    malformed.write_text("[meta\nname = 1\n")
    wrong_type = tmp_path / "wrong_type.toml"
    wrong_type.write_text((ROOT / "tests/fixtures/bilateral.toml").read_text()
                          .replace("min = 0.0\nmax = 10.0", 'min = "zero"\nmax = 10.0'))
    unknown_home = tmp_path / "unknown_actor.toml"
    unknown_home.write_text((ROOT / "tests/fixtures/lobbying.toml").read_text()
                            .replace('home = "G"\nlobbying_power = 0.5', 'home = "K"\nlobbying_power = 0.5'))
    binary = tmp_path / "binary.toml"
    binary.write_bytes(bytes(range(256)))
    utf16 = tmp_path / "utf16.toml"
    utf16.write_bytes((ROOT / "tests/fixtures/bilateral.toml").read_text().encode("utf-16"))
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    dotted = tmp_path / "dotted.toml"
    dotted.write_text("a" + ".a" * 200 + " = 1\n")
    return {"malformed": malformed, "wrong_type": wrong_type, "unknown_actor": unknown_home,
            "binary": binary, "utf16": utf16, "deep": deep, "dotted": dotted}


# (arguments, what the one stderr line must contain besides "error: ")
BAD_INPUTS = [
    (["--scenario", "{tmp}/missing.toml"], ["{tmp}/missing.toml", "no such file"]),
    (["--scenario", "no_such_scenario"], ["no_such_scenario", "us_japan_2025"]),
    (["--scenario", "{malformed}"], ["{malformed}", "malformed TOML"]),
    (["--scenario", "{wrong_type}"], ["{wrong_type}", "issues.x.min", "number"]),
    (["--scenario", "{unknown_actor}"], ["{unknown_actor}", "actors.F1.home", "'K' is not a government"]),
    (["--set", "actors.Japan.reservation=high"], ["us_japan_2025.toml", "actors.Japan.reservation", "number"]),
    (["--set", "actors.Japan.weights.rice=0.1"], ["actors.Japan.weights.rice", "unknown issue"]),
    (["--set", "actors.Korea.reservation=0.5"], ["actors.Korea", "does not exist"]),
    (["--set", 'protocol.order=["Japan", "Korea"]'], ["protocol.order.1", "'Korea' is not a government"]),
    (["--set", "actors.Japan.strategy.name=bluff"], ["actors.Japan.strategy.name", "unknown strategy 'bluff'"]),
    (["--set", "actors.US.weights.auto_tariff=1.5"], ["actors.US.weights", "[0, 1]"]),
    (["--set", "deadlines.G7.date=2025-04-01"], ["deadlines.G7.date", "before the first round"]),
    (["--set", "calendar.venue.city=Paris"], ["calendar.venue", "override path does not exist"]),
    (["--set", "protocol.speed=2"], ["protocol.speed", "unknown field"]),
    (["--set", "actors.US.strategy.gamma=1"], ["actors.US.strategy.gamma", "not a parameter of boulware"]),
    (["--set", "actors.Japan.strategy.sigma=2"], ["actors.Japan.strategy.sigma", "out of range"]),
    (["--set", "actors.Japan.strategy.beta"], ["--set", "PATH=VALUE"]),
    # issue 11: untrusted files and numbers
    (["--scenario", "{binary}"], ["{binary}", "not a UTF-8 text file"]),
    (["--scenario", "{utf16}"], ["{utf16}", "not a UTF-8 text file"]),
    (["--scenario", "{deep}"], ["{deep}", "nested too deeply"]),
    (["--scenario", "{dotted}"], ["{dotted}", "nested too deeply"]),
    (["--set", "actors.US.bargaining_power=inf"], ["us_japan_2025.toml", "actors.US.bargaining_power", "not a finite number"]),
    (["--set", "issues.auto_tariff.step=inf"], ["issues.auto_tariff.step", "not a finite number"]),
    (["--set", "issues.investment_fund.min=-inf"], ["issues.investment_fund.min", "not a finite number"]),
    (["--set", "issues.investment_fund.min=nan"], ["issues.investment_fund.min", "not a finite number"]),
    (["--set", "actors.Japan.strategy.beta=nan"], ["actors.Japan.strategy.beta", "not a finite number"]),
    (["--set", "issues.investment_fund.min=-1e308", "--set", "issues.investment_fund.max=1e308"],
     ["issues.investment_fund.m", "too large"]),
    (["--set", "issues.auto_tariff.step=100"], ["issues.auto_tariff", "step (100) is larger than the range"]),
    (["--set", "issues.auto_tariff.format={{0.foo}}"], ["issues.auto_tariff", "not a safe display format"]),
    (["--set", "issues.auto_tariff.format={{0[0]}}"], ["issues.auto_tariff", "not a safe display format"]),
    (["--set", "issues.auto_tariff.format={{:>2000000000}}"], ["issues.auto_tariff", "not a safe display format"]),
    (["--set", "issues.auto_tariff.format={{:.99f}}"], ["issues.auto_tariff", "precision 99"]),
    (["--set", "protocol.max_rounds=100000000"], ["protocol.max_rounds", "at most 10,000"]),
    (["--scenario", "rubinstein", "--set", "protocol.max_rounds=100000000"], ["rubinstein.toml", "protocol.max_rounds", "at most 10,000"]),
    (["--set", "actors.US.weights.auto_tariff=" + "[" * 3000 + "]" * 3000], ["actors.US.weights.auto_tariff"]),
    (["--seed", "-1"], ["--seed", "-1 is out of range", "run --help"]),
    (["--seed", str(2**64)], ["--seed", "out of range"]),
    (["--seed", "1.5"], ["--seed", "not a whole number"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]),
    (["--out", "{tmp}/file.txt"], ["--out {tmp}/file.txt", "is a file, not a folder"]),
    (["--out", "{tmp}/file.txt/below"], ["--out {tmp}/file.txt/below", "is a file, not a folder"]),
]


@pytest.mark.parametrize(("args", "needles"), BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_is_one_line_and_exit_2_with_no_files(tmp_path, run_main, capsys, args, needles):
    names = {k: str(v) for k, v in _bad_files(tmp_path).items()} | {"tmp": str(tmp_path)}
    (tmp_path / "file.txt").write_text("not a folder\n")
    out = tmp_path / "out"
    argv = ["run", *("--out", str(out)), *(a.format(**names) for a in args)]
    try:
        status = run_main(argv)
    except SystemExit as done:  # argparse's own errors
        status = done.code
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle.format(**names) in lines[0]
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--scenario", "missing.toml"],
        ["--set", "actors.Japan.strategy.beta=0"],
        ["--seed", "-1"],
        ["--no-such-option"],
    ],
)
def test_bad_input_as_a_process(tmp_path, args):
    out = tmp_path / "out"
    done = cli("run", *args, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_help_documents_the_commands_with_examples(run_main, capsys):
    with pytest.raises(SystemExit) as done:
        run_main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text
    assert "python run.py run --seed 3 --json" in text
    assert "run" in text and "--set" in text
    with pytest.raises(SystemExit) as done:
        run_main(["run", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for option in ("--scenario", "--seed", "--set", "--out", "--json", "examples:"):
        assert option in text


def test_no_plots_writes_the_tables_but_no_pictures(tmp_path, run_main, capsys):
    out = tmp_path / "out"
    assert run_main(["run", "--no-plots", "--out", str(out)]) == 0
    written = {p.name for p in out.iterdir()}
    assert {"summary.json", "rounds.csv", "transcript.txt"} <= written
    assert not any(name.endswith(".png") for name in written)


def test_a_missing_optional_package_names_its_extra(run_main, capsys, monkeypatch):
    import bargaining_chips.experiments.cli.sweep as cli_sweep

    def needs_pyarrow(args):
        raise ModuleNotFoundError("No module named 'pyarrow'", name="pyarrow")

    monkeypatch.setattr(cli_sweep, "sweep_command", needs_pyarrow)
    parser_args = ["sweep", "experiments/configs/strategy_grid.toml", "--out", "unused"]
    monkeypatch.setattr(run_main.__globals__["argparse"].ArgumentParser, "parse_args",
                        lambda self, argv=None: _namespace(needs_pyarrow))
    assert run_main(parser_args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: this command needs pyarrow, part of the 'sweep' extra: "
                   "pip install 'bargaining-chips[sweep]' (in a checkout: pip install -e '.[sweep]')"]


def _namespace(handler):
    import argparse

    return argparse.Namespace(handler=handler)


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    """``python run.py | head`` must not print a BrokenPipeError traceback."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, str(RUN), "run", "--no-plots", "--out",
                             str(tmp_path / "out")], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err, err

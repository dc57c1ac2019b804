"""Untrusted sweep configs and output folders through run.py (in process): each bad input is one
line on stderr naming the file (or option) and the field, exit status 2, and nothing written —
the output folder is checked before any run starts."""

from __future__ import annotations

import os
import tempfile

import pytest

from bargaining_chips.cli import main
from bargaining_chips.experiments.cli import arguments
from bargaining_chips.experiments.sweep.config import parse_config
from bargaining_chips.model.errors import UserError

CONFIG = """\
name = "inputs"
scenario = "us_japan_2025"
root_seed = 1
replications = 1
[design]
kind = "grid"
[levers."actors.Japan.strategy.beta"]
values = [0.5, 1.0]
[uncertainties."deadlines.G7.extension_probability"]
range = [0.0, 1.0]
steps = 2
"""

BAD_CONFIGS = [
    ("binary", bytes(range(256)), "not a UTF-8 text file"),
    ("utf16", CONFIG.encode("utf-16"), "not a UTF-8 text file"),
    ("deep", b"x = " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    ("inf value", CONFIG.replace("[0.5, 1.0]", "[0.5, inf]").encode(),
     'levers."actors.Japan.strategy.beta".values.1: inf is not a finite number'),
    ("nan range", CONFIG.replace("range = [0.0, 1.0]", "range = [0.0, nan]").encode(),
     'uncertainties."deadlines.G7.extension_probability".range.1: nan is not a finite number'),
    ("overflowing range", CONFIG.replace("range = [0.0, 1.0]", "range = [-1e308, 1e308]").encode(),
     "range.0: -1e+308 is too large"),
    ("infinite mode", CONFIG.replace("steps = 2", 'distribution = "triangular"\nmode = inf\nsteps = 2')
     .encode(), "mode: inf is not a finite number"),
    ("huge sd", CONFIG.replace("steps = 2", 'distribution = "normal"\nmean = 0.5\nsd = 1e300\nsteps = 2')
     .encode(), "sd: 1e+300 is too large"),
    ("infinite constant", (CONFIG + '[constants]\n"actors.US.strategy.beta" = -inf\n').encode(),
     "constants.\"actors.US.strategy.beta\": -inf is not a finite number"),
    ("root seed", CONFIG.replace("root_seed = 1", f"root_seed = {2**64}").encode(), "root_seed"),
]


@pytest.mark.parametrize(("command"), ["sweep", "sensitivity"])
@pytest.mark.parametrize(("name", "content", "message"), BAD_CONFIGS, ids=[b[0] for b in BAD_CONFIGS])
def test_a_bad_config_is_one_line_naming_it(tmp_path, capsys, command, name, content, message):
    config = tmp_path / "config.toml"
    config.write_bytes(content)
    out = tmp_path / "out"
    assert main([command, str(config), "--out", str(out), "--backend", "serial", "--quiet"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"error: {config}: ") and message in lines[0]
    assert captured.out == "" and not out.exists()


def test_sensitivity_with_a_grid_design_names_the_config_file(tmp_path, capsys):
    config = tmp_path / "grid.toml"
    config.write_text(CONFIG)
    assert main(["sensitivity", str(config), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"error: {config}: design.kind: sensitivity needs a 'sobol' or 'morris' "
                   "design, not 'grid'"]
    assert not (tmp_path / "out").exists()


def test_numbers_in_a_config_given_as_a_mapping_are_checked_too():
    data = {"scenario": "us_japan_2025",
            "levers": {"actors.Japan.strategy.beta": {"range": [0.1, float("inf")], "steps": 3}}}
    with pytest.raises(UserError, match=r"^api: levers\.\"actors\.Japan\.strategy\.beta\"\.range\.1: "
                       "inf is not a finite number"):
        parse_config(data, source="api")


@pytest.mark.parametrize("command", ["run", "sweep", "sensitivity"])
def test_an_out_that_is_a_file_is_refused_before_anything_runs(tmp_path, capsys, command):
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.replace('kind = "grid"', 'kind = "morris"\nsamples = 2'))
    target = tmp_path / "taken.txt"
    target.write_text("keep me\n")
    argv = ["run", "--no-plots"] if command == "run" else [command, str(config), "--quiet"]
    assert main([*argv, "--out", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: --out {target}: is a file, not a folder; name a folder for the results\n"
    assert captured.out == "" and target.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "taken.txt"]


def test_an_unwritable_out_is_refused_before_the_model_runs(tmp_path, capsys, monkeypatch):
    import bargaining_chips.model.negotiation as negotiation

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    def no_model(*args, **kwargs):
        raise AssertionError("the model ran before --out was checked")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    monkeypatch.setattr(negotiation.NegotiationModel, "__init__", no_model)
    out = tmp_path / "locked" / "results"
    (tmp_path / "locked").mkdir()
    assert main(["run", "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"error: --out {out}: cannot write there (its parent {tmp_path / 'locked'}): "
                   "Permission denied"]
    assert not out.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user whom file permissions bind (root writes anywhere)")
def test_a_read_only_folder_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(UserError, match="cannot write there"):
            arguments.check_output_folder(locked / "results")
        with pytest.raises(UserError, match="cannot write there"):
            arguments.check_output_folder(locked)
    finally:
        locked.chmod(0o755)


def test_an_existing_or_new_folder_is_accepted_and_left_as_it_was(tmp_path):
    arguments.check_output_folder(tmp_path)
    arguments.check_output_folder(tmp_path / "new" / "deeper")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [b"{bad", b"\xff\xfe", b"[1]", b'{"config": 3}'])
def test_summarize_with_an_unreadable_manifest_is_one_line(tmp_path, capsys, content):
    (tmp_path / "manifest.json").write_bytes(content)
    assert main(["summarize", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {tmp_path / 'manifest.json'}: not a readable")


def test_validate_plots_into_a_file_is_refused_before_the_runs(tmp_path, capsys, monkeypatch):
    from bargaining_chips.experiments.theory import validation

    monkeypatch.setattr(validation, "deadline_rounds", lambda n: pytest.fail("ran first"))
    target = tmp_path / "plots.png"
    target.write_bytes(b"keep")
    assert main(["validate", "--plots", str(target)]) == 2
    assert capsys.readouterr().err == (f"error: --plots {target}: is a file, not a folder; "
                                       "name a folder for the results\n")


@pytest.mark.parametrize("name", ["us_japan_2025", "zeuthen"])
def test_a_run_writes_only_strict_json(tmp_path, capsys, name):
    """No file a run writes holds a bare NaN or Infinity (the zeuthen scenario's coalition graph
    has an undefined alignment, against a no-deal that is none of the options: it is null)."""
    import json

    def refuse(constant):
        raise ValueError(f"{constant} in a JSON file")

    out = tmp_path / name
    assert main(["run", "--scenario", name, "--no-plots", "--json", "--out", str(out)]) == 0
    json.loads(capsys.readouterr().out, parse_constant=refuse)
    for path in out.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)

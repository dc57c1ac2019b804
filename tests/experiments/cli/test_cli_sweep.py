"""The sweep, summarize and sensitivity commands through run.py (in process)."""

from __future__ import annotations

import json

import pytest

import run


def write(path, text):
    path.write_text(text)
    return path


TOY = """
name = "toy"
root_seed = 5
replications = 8
outcomes = ["y", "deal"]
[design]
kind = "grid"
[levers.x]
values = [0.0, 0.5, 1.0]
[uncertainties.z]
range = [0.0, 1.0]
steps = 3
[constants]
noise = 0.1
[[plots]]
kind = "heatmap"
x = "x"
y = "z"
outcome = "y"
[[plots]]
kind = "p_deal"
x = "x"
outcome = "deal"
"""


LINEAR = ["--model", "bargaining_chips.experiments.sensitivity.toys:noisy_linear"]
ISHIGAMI = ["--model", "bargaining_chips.experiments.sensitivity.toys:ishigami"]


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        run.main(["--help"])
    out = capsys.readouterr().out
    assert "sweep" in out and "summarize" in out and "sensitivity" in out


def test_sweep_then_summarize(tmp_path, capsys):
    config = write(tmp_path / "toy.toml", TOY)
    out = tmp_path / "out"
    assert run.main(["sweep", str(config), "--out", str(out), *LINEAR, "--backend", "serial"]) == 0
    printed = capsys.readouterr()
    assert "toy: 72 runs" in printed.out and "0 errors" in printed.out
    assert "72/72" in printed.err  # the progress bar
    assert (out / "means.csv").exists()
    assert sorted(p.name for p in (out / "plots").iterdir()) == [
        "heatmap_y_x_z.png", "p_deal_deal_x.png",
    ]
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"

    # Started again: nothing to do, nothing added.
    assert run.main(["sweep", str(config), "--out", str(out), *LINEAR, "--backend", "serial",
                     "--quiet"]) == 0
    assert capsys.readouterr().out == ""

    csv = tmp_path / "table.csv"
    assert run.main(["summarize", str(out), "--csv", str(csv)]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:4] == ["runs", "errors", "y", "deal"]
    assert len(table.splitlines()) == 2 + 9  # header, index names, nine points
    assert csv.read_text().startswith("param.x,param.z,outcome,runs,errors,n,mean")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("values = [0.0, 0.5, 1.0]", "values = []"), "levers.x: 'values' is empty"),
        (("noise = 0.1", "noise = 0.1\nnoize = 2"), "unknown parameter 'noize'"),
        (('x = "x"', 'x = "w"'), "'w', which is not a swept parameter"),
        (("range = [0.0, 1.0]", "range = [1.0, 0.0]"), "empty range"),
        (('kind = "grid"', 'kind = "sobol"\nsamples = 12'), "not a power of two"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, change, message):
    config = write(tmp_path / "bad.toml", TOY.replace(*change))
    out = tmp_path / "out"
    assert run.main(["sweep", str(config), "--out", str(out), *LINEAR]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not out.exists()


def test_bad_backend_and_foreign_out_dir(tmp_path, capsys):
    config = write(tmp_path / "toy.toml", TOY)
    assert run.main(["sweep", str(config), "--out", str(tmp_path / "o"), *LINEAR, "--backend", "gpu"]) == 2
    assert "unknown backend 'gpu'" in capsys.readouterr().err
    other = tmp_path / "other"
    assert run.main(["sweep", str(config), "--out", str(other), *LINEAR, "--backend", "serial",
                     "--quiet"]) == 0
    changed = write(tmp_path / "changed.toml", TOY.replace("root_seed = 5", "root_seed = 6"))
    before = sorted(p.name for p in other.rglob("*"))
    assert run.main(["sweep", str(changed), "--out", str(other), *LINEAR]) == 2
    assert "holds results of a different sweep" in capsys.readouterr().err
    assert sorted(p.name for p in other.rglob("*")) == before


def test_sensitivity_command_writes_tables_and_plots(tmp_path, capsys):
    config = write(tmp_path / "ish.toml", """
name = "ishigami"
outcomes = ["y"]
[design]
kind = "morris"
samples = 10
[uncertainties.x1]
range = [-3.14159, 3.14159]
[uncertainties.x2]
range = [-3.14159, 3.14159]
[uncertainties.x3]
range = [-3.14159, 3.14159]
""")
    out = tmp_path / "sens"
    assert run.main(["sensitivity", str(config), "--out", str(out), "--backend", "serial",
                     "--quiet", *ISHIGAMI]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["indices.csv", "morris_y.png", "oat", "runs", "sensitivity.json",
                     "tornado.csv", "tornado_y.png"]
    assert run.main(["summarize", str(out)]) == 0  # a study's folder summarises its runs


def test_ctrl_c_stops_cleanly_and_the_same_command_completes(tmp_path, root):
    import signal
    import subprocess
    import sys
    import time

    from bargaining_chips.experiments.sweep.store import load_results

    # 1,350 runs of 4 ms: several seconds of work, so the interrupt lands mid-sweep even when
    # the first parts arrive late on a loaded machine.
    config = write(tmp_path / "slow.toml", TOY.replace("noise = 0.1", "noise = 0.1\ndelay = 0.004")
                   .replace("replications = 8", "replications = 150"))
    out = tmp_path / "out"
    cmd = [sys.executable, "run.py", "sweep", str(config), "--out", str(out), "--quiet", *LINEAR,
           "--part-rows", "20"]
    # A shell's background job inherits SIGINT as ignored; give the sweep the default disposition,
    # as a terminal would, so Python turns the signal into KeyboardInterrupt.
    proc = subprocess.Popen(cmd, cwd=root, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while len(list(out.glob("parts/part-*"))) < 2:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.strip().endswith("interrupted")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    done = manifest["counts"]["runs_done"]
    assert 0 < done < 1350
    assert run.main(["sweep", str(config), "--out", str(out), *LINEAR, "--quiet"]) == 0
    keys = load_results(out)["run_key"]
    assert len(keys) == 1350 and keys.is_unique


def test_a_sweep_whose_runs_all_fail_still_writes_its_table(tmp_path, capsys):
    config = write(tmp_path / "fail.toml", TOY.replace("noise = 0.1", "noise = 0.1\nfail_above = -1"))
    out = tmp_path / "out"
    assert run.main(["sweep", str(config), "--out", str(out), *LINEAR, "--backend", "serial",
                     "--quiet"]) == 0
    assert "plot heatmap skipped: no outcome 'y'" in capsys.readouterr().err
    assert (out / "means.csv").exists()
    assert json.loads((out / "manifest.json").read_text())["counts"]["runs_error"] == 72


def test_sensitivity_of_a_grid_names_the_config_file(tmp_path, capsys):
    config = write(tmp_path / "grid.toml", TOY)
    assert run.main(["sensitivity", str(config), "--out", str(tmp_path / "s"), *LINEAR]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "grid.toml: design.kind: sensitivity needs" in err
    assert not (tmp_path / "s").exists()

"""Faults that must not lose or corrupt a result: a full disk, leftovers of an interrupted write,
a corrupt part, a design too large, files made with the user's umask."""

from __future__ import annotations

import errno
import json
import os

import pandas as pd
import pytest
from sweep_helpers import linear_config

import run
from bargaining_chips.experiments import atomic
from bargaining_chips.experiments.sensitivity.toys import noisy_linear
from bargaining_chips.experiments.sweep import store as store_module
from bargaining_chips.experiments.sweep.config import CONFIRM_RUNS, MAX_RUNS
from bargaining_chips.experiments.sweep.runner import check_size, run_sweep
from bargaining_chips.experiments.sweep.store import ResultStore, load_results
from bargaining_chips.model.errors import UserError

TOY = """
name = "toy"
root_seed = 5
replications = 8
[levers.x]
values = [0.0, 0.5, 1.0]
[uncertainties.z]
range = [0.0, 1.0]
steps = 3
[constants]
noise = 0.1
"""
LINEAR = ["--model", "bargaining_chips.experiments.sensitivity.toys:noisy_linear"]


def toy_sweep(tmp_path) -> tuple:
    """``TOY`` written to a file, its output folder, and the serial command that sweeps it in
    parts of ten rows."""
    config = tmp_path / "toy.toml"
    config.write_text(TOY)
    out = tmp_path / "out"
    return out, ["sweep", str(config), "--out", str(out), "--backend", "serial", "--quiet",
                 "--part-rows", "10", *LINEAR]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted serial sweep of ``TOY``: what every faulty sweep must end up equal to."""
    folder = tmp_path_factory.mktemp("reference")
    config = folder / "toy.toml"
    config.write_text(TOY)
    assert run.main(["sweep", str(config), "--out", str(folder / "out"), "--backend", "serial",
                     "--quiet", *LINEAR]) == 0
    return load_results(folder / "out")


def disk_full_after(monkeypatch, parts: int) -> None:
    """Make every write of a part after the first ``parts`` fail as on a full disk."""
    real = store_module._atomic_write
    written = []

    def write(path, data):
        if path.parent.name == "parts":
            if len(written) >= parts:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            written.append(path)
        real(path, data)

    monkeypatch.setattr(store_module, "_atomic_write", write)


def test_a_full_disk_is_one_line_and_the_same_command_resumes(tmp_path, capsys, monkeypatch,
                                                              reference):
    out, command = toy_sweep(tmp_path)
    disk_full_after(monkeypatch, parts=2)
    assert run.main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "the disk is full" in err and "run the same command again" in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["counts"]["runs_done"] == 20
    assert not list(out.rglob("*.tmp"))
    monkeypatch.undo()  # space is back
    assert run.main(command) == 0
    pd.testing.assert_frame_equal(load_results(out), reference)


def test_a_folder_left_by_a_failed_first_manifest_write_is_resumed(tmp_path, reference):
    config = tmp_path / "toy.toml"
    config.write_text(TOY)
    out = tmp_path / "out"
    (out / "parts").mkdir(parents=True)
    (out / ".manifest.json.1a2b3c4d.tmp").write_text('{"half')  # killed between write and rename
    (out / "parts" / ".part-000000000000-8r-deadbeef.parquet.0f0f0f0f.tmp").write_bytes(b"PAR1")
    assert run.main(["sweep", str(config), "--out", str(out), "--backend", "serial", "--quiet",
                     *LINEAR]) == 0
    assert not list(out.rglob("*.tmp"))
    pd.testing.assert_frame_equal(load_results(out), reference)


def test_a_corrupt_part_is_set_aside_and_its_runs_run_again_once(tmp_path, capsys, monkeypatch,
                                                                 reference):
    out, command = toy_sweep(tmp_path)
    disk_full_after(monkeypatch, parts=4)
    assert run.main(command) == 2
    monkeypatch.undo()
    first, second, *_ = ResultStore(out).part_files()
    first.write_bytes(first.read_bytes()[:200])  # cut short: does not read back
    renamed = second.with_name(second.name.replace("-10r-", "-11r-"))  # lost a row
    second.rename(renamed)
    capsys.readouterr()
    assert run.main(["summarize", str(out)]) == 0  # reported, not a crash
    assert "does not read back" in capsys.readouterr().err
    assert run.main(command) == 0
    err = capsys.readouterr().err
    assert err.count("set aside") == 2
    pd.testing.assert_frame_equal(load_results(out), reference)
    notes = json.loads((out / "manifest.json").read_text())["set_aside"]
    assert sorted(n["file"] for n in notes) == sorted(
        f"parts/_corrupt/{p.name}" for p in (first, renamed)
    )
    assert "holds 10 rows, 11 were written" in " ".join(n["reason"] for n in notes)


def test_a_corrupt_compacted_table_is_set_aside_and_rebuilt(tmp_path, reference):
    config = tmp_path / "toy.toml"
    config.write_text(TOY)
    out = tmp_path / "out"
    command = ["sweep", str(config), "--out", str(out), "--backend", "serial", "--quiet", *LINEAR]
    assert run.main(command) == 0
    (out / "results.parquet").write_bytes(b"garbage")
    assert run.main(command) == 0
    pd.testing.assert_frame_equal(load_results(out), reference)
    assert (out / "parts" / "_corrupt" / "results.parquet").exists()


def test_designs_beyond_the_limits_are_refused_in_one_line(tmp_path, capsys):
    cfg = linear_config()
    with pytest.raises(UserError, match="more than the ceiling"):
        check_size(MAX_RUNS + 1, cfg, True, "s.toml")
    with pytest.raises(UserError, match="confirm with --yes or set max_runs"):
        check_size(CONFIRM_RUNS + 1, cfg, False, "s.toml")
    check_size(CONFIRM_RUNS + 1, cfg, True, "s.toml")
    check_size(CONFIRM_RUNS + 1, linear_config(max_runs=CONFIRM_RUNS + 1), False, "s.toml")
    with pytest.raises(UserError, match="max_runs: the design plans 30 runs, more than"):
        check_size(30, linear_config(max_runs=29), False, "s.toml")
    config = tmp_path / "big.toml"
    config.write_text(TOY.replace("replications = 8", "replications = 1000000000"))
    assert run.main(["sweep", str(config), "--out", str(tmp_path / "o"), *LINEAR]) == 2
    err = capsys.readouterr().err
    assert "9,000,000,000 runs, more than the ceiling" in err and err.count("\n") == 1
    config.write_text(TOY.replace("replications = 8", "replications = 200000"))
    assert run.main(["sweep", str(config), "--out", str(tmp_path / "o"), *LINEAR]) == 2
    assert "confirm with --yes" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_config_naming_code_is_refused_and_nothing_runs(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "shared.toml"
    config.write_text('model = "subprocess:run"\n[levers.PWNED]\nvalues = ["touch"]\n')
    assert run.main(["sweep", str(config), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "shared.toml: model: a sweep config cannot name code" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.toml"]


@pytest.mark.parametrize("mask", [0o022, 0o002])
def test_files_are_made_with_the_users_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        out = tmp_path / "out"
        run_sweep(linear_config(), out, backend="serial", quiet=True, model=noisy_linear)
        atomic.write_text(tmp_path / "note.txt", "x")
        from bargaining_chips.experiments.report import output

        output.write_json(tmp_path / "summary.json", {"a": 1})  # a run's files (was 0600)
    finally:
        os.umask(old)
    for path in (out / "results.parquet", out / "manifest.json", tmp_path / "note.txt",
                 tmp_path / "summary.json"):
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path


def test_a_write_that_fails_leaves_the_old_file_and_no_leftover(tmp_path):
    path = tmp_path / "means.csv"
    path.write_text("old,complete\n")

    def half(tmp):
        tmp.write_text("new,cut")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        atomic.write_atomic(path, half)
    assert path.read_text() == "old,complete\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["means.csv"]


def test_a_plot_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bargaining_chips.experiments.sweep.plots import save

    _, ax = plt.subplots()

    def broken(self, fname, **kwargs):
        with open(fname, "wb") as handle:
            handle.write(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken)
    with pytest.raises(OSError):
        save(ax, tmp_path / "p.png")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_drawing_the_plots_is_one_line(tmp_path, capsys, monkeypatch):
    import matplotlib.figure

    config = tmp_path / "toy.toml"
    config.write_text(TOY + '[[plots]]\nkind = "p_deal"\nx = "x"\noutcome = "deal"\n')

    def full(self, fname, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(fname))

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full)
    out = tmp_path / "out"
    assert run.main(["sweep", str(config), "--out", str(out), "--backend", "serial", "--quiet",
                     *LINEAR]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the disk is full" in err
    assert len(load_results(out)) == 72 and not list(out.rglob("*.tmp"))

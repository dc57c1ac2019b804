"""``--format png|svg|pdf`` and ``--dpi N`` of ``run`` and ``validate --plots`` (one pair of
options, experiments/cli/arguments.py, shared with ``sweep`` and ``sensitivity``): the plots are
files of that format; a bad value is one line on stderr, exit status 2, and nothing written."""

from __future__ import annotations

import struct

import pytest

from bargaining_chips.cli import main
from bargaining_chips.experiments.report import run_files
from bargaining_chips.experiments.theory import validation

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<?xml", "pdf": b"%PDF-"}
RUN_PLOTS = ["coalition_membership", "coalition_network", "negotiation_dance", "utility_space"]


def png_dpi(path) -> float:
    """The resolution a PNG records in its pHYs chunk (pixels per metre), in dots per inch."""
    data = path.read_bytes()
    at = data.index(b"pHYs")
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4:at + 13])
    assert unit == 1  # metres
    return per_metre * 0.0254


@pytest.fixture
def quick_validate(monkeypatch):
    """``validate`` with the deadline case alone, on six made-up runs (the plot, not the model)."""
    monkeypatch.setattr(validation, "CASES", (validation.deadline_checks,))
    monkeypatch.setattr(validation, "deadline_rounds",
                        lambda seeds: ([19, 20, 20, 18, None, 19], 20))


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_run_writes_its_plots_in_the_format_asked(fmt, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--format", fmt, "--dpi", "100", "--out", str(out), "--json"]) == 0
    plots = sorted(p for p in out.iterdir() if p.stem in RUN_PLOTS)
    assert [p.name for p in plots] == [f"{stem}.{fmt}" for stem in RUN_PLOTS]
    for path in plots:
        assert path.read_bytes().startswith(MAGIC[fmt]), path.name
    if fmt == "png":
        assert png_dpi(out / "negotiation_dance.png") == pytest.approx(100, abs=0.1)


def test_a_run_in_another_format_replaces_the_earlier_plots(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--dpi", "30", "--out", str(out), "--json"]) == 0
    assert main(["run", "--format", "svg", "--out", str(out), "--json"]) == 0
    names = {p.name for p in out.iterdir()}
    assert not any(name.endswith(".png") for name in names)
    assert {f"{stem}.svg" for stem in RUN_PLOTS} <= names
    assert set(run_files.PLOT_STEMS) == set(RUN_PLOTS)


def test_the_same_plot_gives_the_same_bytes_in_every_format(default_run, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    for fmt in ("png", "svg", "pdf"):
        drawn = []
        for attempt in ("first", "second"):
            folder = tmp_path / f"{fmt}-{attempt}"
            folder.mkdir()
            paths = run_files.write_plots(default_run, {}, folder, fmt=fmt, dpi=30)
            drawn.append([path.read_bytes() for path in paths])
        assert drawn[0] == drawn[1], fmt


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_validate_writes_the_theory_plot_in_the_format_asked(fmt, quick_validate, tmp_path,
                                                             capsys):
    assert main(["validate", "--plots", str(tmp_path), "--format", fmt, "--dpi", "150"]) == 0
    path = tmp_path / f"deadline_effect.{fmt}"
    assert path.read_bytes().startswith(MAGIC[fmt])
    assert capsys.readouterr().out.rstrip().endswith(f"wrote {path}")
    if fmt == "png":
        assert png_dpi(path) == pytest.approx(150, abs=0.1)


BAD = [
    (["--format", "gif"], "argument --format: invalid choice: 'gif' (choose from 'png', 'svg', "
                          "'pdf')"),
    (["--dpi", "0"], "argument --dpi: 0 is out of range; the resolution is 10 to 1200 dots per "
                     "inch (print: 300)"),
    (["--dpi", "5000"], "argument --dpi: 5000 is out of range"),
    (["--dpi", "300dpi"], "argument --dpi: '300dpi' is not a whole number"),
    (["--dpi", "-1"], "argument --dpi: -1 is out of range"),
]


@pytest.mark.parametrize("command", ["run", "validate", "sweep", "sensitivity"])
@pytest.mark.parametrize(("option", "message"), BAD, ids=["format", "zero", "huge", "text", "neg"])
def test_a_bad_format_or_dpi_is_one_line_and_writes_nothing(command, option, message, tmp_path,
                                                            capsys, quick_validate):
    out = tmp_path / "out"
    argv = {"run": ["run", "--out", str(out)], "validate": ["validate", "--plots", str(out)],
            "sweep": ["sweep", "config.toml", "--out", str(out)],
            "sensitivity": ["sensitivity", "config.toml", "--out", str(out)]}[command]
    with pytest.raises(SystemExit) as exit_:
        main(argv + option)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err
    assert captured.err.startswith(f"error: bargaining-chips {command}: ")
    assert not out.exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "--no-plots", "--format", "pdf"],
     "error: --format has no effect with --no-plots; leave out --no-plots to draw the plots\n"),
    (["validate", "--dpi", "300", "--format", "svg"],
     "error: --format and --dpi have no effect without --plots DIR; add --plots DIR to write "
     "the plots\n"),
])
def test_format_or_dpi_where_nothing_is_drawn_is_refused(argv, message, tmp_path, capsys,
                                                         quick_validate):
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)] if argv[0] == "run" else argv) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", message)
    assert not out.exists()

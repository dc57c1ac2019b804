"""Sensitivity studies: which parameters move an outcome, and how much.

``run_sensitivity`` runs a config whose design is ``sobol`` or ``morris`` through the ordinary
sweep runner (so it is seeded, parallel and resumable like any sweep) and analyses the runs with
:mod:`.indices` (Sobol' indices or Morris screening, with confidence intervals). Unless
``tornado=False``, a second, small sweep moves each parameter across its range (``design.steps``
points) with the others at the baseline — the data of a tornado chart.

Outputs in ``out``: ``runs/`` and ``oat/`` (the two sweeps' stores), ``indices.csv`` (tidy: method,
outcome, parameter, parameter_2, index, value, conf — ``conf`` is the half-width of the confidence
interval), ``tornado.csv``, ``sensitivity.json`` (the outcomes, and those skipped with the reason)
and one PNG per outcome and method.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bargaining_chips.experiments.sensitivity.indices import analyze, tornado_table
from bargaining_chips.experiments.sweep.config import DesignSpec, SweepConfig, load_config
from bargaining_chips.experiments.sweep.design import Design
from bargaining_chips.experiments.sweep.options import RunOptions
from bargaining_chips.model.errors import UserError

_OWN_FILES = {"runs", "oat", "indices.csv", "tornado.csv", "sensitivity.json"}
_ANALYSIS_STREAM = 0xA7A1


@dataclass
class SensitivityReport:
    """What :func:`run_sensitivity` computed and wrote."""

    out: Path
    indices: Any  # pandas DataFrame (tidy, INDEX_COLUMNS)
    tornado: Any | None  # pandas DataFrame, or None without the one-at-a-time sweep
    skipped: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    sweeps: list[Any] = field(default_factory=list)


def oat_config(config: SweepConfig) -> SweepConfig:
    """The one-at-a-time companion of a sensitivity config (same parameters, seeds, model)."""
    steps = max(config.design.steps, 5)
    return config.model_copy(
        update={"design": DesignSpec(kind="oat", steps=steps), "name": f"{config.name}-oat"}
    )


def run_sensitivity(
    config: SweepConfig | str | Path,
    out: str | Path,
    options: RunOptions | None = None,
    *,
    tornado: bool = True,
    plots: bool = True,
    plot_format: str = "png",
    dpi: int = 200,
    **changes: Any,
) -> SensitivityReport:
    """Run a Sobol' or Morris study (and its one-at-a-time companion) and write tables and plots.

    ``options`` say where and how the runs execute, as for :func:`~..sweep.runner.run_sweep`
    (and, as there, its fields may be given by name: ``backend="serial"``); both sweeps use them.
    Outcomes are the config's ``outcomes``, or every numeric outcome of the model when it lists
    none. See the module docstring for the method and the files written; the plots are
    ``plot_format`` files (png, svg or pdf) at ``dpi``, labelled from the study's scenario.
    """
    from bargaining_chips.experiments.sweep.runner import run_sweep
    from bargaining_chips.experiments.sweep.store import MANIFEST, ResultStore
    from bargaining_chips.experiments.sweep.summarize import outcome_columns

    options = RunOptions.of(options, **changes)
    if not isinstance(config, SweepConfig):
        config = load_config(config)
    if config.design.kind not in ("sobol", "morris"):
        raise UserError(
            f"{config.name}: sensitivity needs a 'sobol' or 'morris' design, not "
            f"{config.design.kind!r}"
        )
    out = Path(out)
    if (out / MANIFEST).exists():
        raise UserError(f"{out}: holds a sweep's results; choose another --out")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir()
                         if p.name not in _OWN_FILES and p.suffix != ".png")
        if foreign:
            raise UserError(f"{out}: holds other files ({foreign[0]}); choose another --out")
    companion = oat_config(config) if tornado else None
    ResultStore.check(out / "runs", config, resume=options.resume)
    if companion is not None:
        ResultStore.check(out / "oat", companion, resume=options.resume)

    report = SensitivityReport(out, None, None)
    report.sweeps.append(run_sweep(config, out / "runs", options))
    if companion is not None:
        report.sweeps.append(run_sweep(companion, out / "oat", options))

    frame = ResultStore(out / "runs").load()
    outcomes = list(config.outcomes) or outcome_columns(frame)
    design = Design(config)
    seed = int(np.random.SeedSequence([_ANALYSIS_STREAM, config.root_seed]).generate_state(1)[0])
    report.indices, report.skipped = analyze(frame, design, outcomes, seed)
    report.indices.to_csv(out / "indices.csv", index=False)
    report.files.append(out / "indices.csv")
    if companion is not None:
        import pandas as pd

        oat_frame = ResultStore(out / "oat").load()
        oat_design = Design(companion)
        parts = [tornado_table(oat_frame, oat_design, o) for o in outcomes
                 if o in oat_frame.columns]
        report.tornado = pd.concat(parts, ignore_index=True) if parts else None
        if report.tornado is not None:
            report.tornado.to_csv(out / "tornado.csv", index=False)
            report.files.append(out / "tornado.csv")
    (out / "sensitivity.json").write_text(
        json.dumps(
            {"name": config.name, "method": config.design.kind, "fingerprint": config.fingerprint,
             "outcomes": outcomes, "skipped": report.skipped},
            indent=2,
        ) + "\n",
        encoding="utf-8",
    )
    report.files.append(out / "sensitivity.json")
    if plots:
        report.files += write_sensitivity_plots(report, config.design.kind, out, plot_format, dpi,
                                                _labels(config))
    return report


def _labels(config: SweepConfig):
    from bargaining_chips.experiments.labels import labels_for
    from bargaining_chips.experiments.sweep.config import DEFAULT_MODEL

    return labels_for(config.scenario or "us_japan_2025" if config.model == DEFAULT_MODEL else None)


def write_sensitivity_plots(report: SensitivityReport, method: str, out: Path,
                            fmt: str = "png", dpi: int = 200, labels=None) -> list[Path]:  # noqa: ANN001
    """Write the Sobol'/Morris chart and the tornado chart of every analysed outcome."""
    from bargaining_chips.experiments.sensitivity.plots import (
        plot_morris,
        plot_sobol,
        plot_tornado,
    )
    from bargaining_chips.experiments.sweep.plots import file_stem, save

    written = []
    for outcome in dict.fromkeys(report.indices["outcome"]):
        draw = plot_sobol if method == "sobol" else plot_morris
        ax = draw(report.indices, outcome, labels=labels)
        written.append(save(ax, out / f"{file_stem(method, outcome)}.{fmt}", dpi))
    if report.tornado is not None:
        for outcome in dict.fromkeys(report.tornado["outcome"]):
            ax = plot_tornado(report.tornado, outcome, labels=labels)
            written.append(save(ax, out / f"{file_stem('tornado', outcome)}.{fmt}", dpi))
    return written

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

from bargaining_chips.experiments.atomic import clean_leftovers
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
    model: Any = None,
    plot_format: str = "png",
    dpi: int = 200,
    **changes: Any,
) -> SensitivityReport:
    """Run a Sobol' or Morris study (and its one-at-a-time companion) and write tables and plots.

    ``options`` say where and how the runs execute, as for :func:`~..sweep.runner.run_sweep`
    (and, as there, its fields may be given by name: ``backend="serial"``); both sweeps use them.
    ``model`` is the function under study, as for ``run_sweep`` (default the negotiation model).
    Outcomes are the config's ``outcomes``, or every numeric outcome of the model when it lists
    none. See the module docstring for the method and the files written (each atomically); the
    plots are ``plot_format`` files (png, svg or pdf) at ``dpi``, labelled from the study's scenario.
    """
    from bargaining_chips.experiments.atomic import write_atomic, write_text
    from bargaining_chips.experiments.sweep.models import default_model, model_name
    from bargaining_chips.experiments.sweep.runner import run_sweep
    from bargaining_chips.experiments.sweep.store import MANIFEST, ResultStore
    from bargaining_chips.experiments.sweep.summarize import outcome_columns

    options = RunOptions.of(options, **changes)
    source = f"sweep config {config.name!r}" if isinstance(config, SweepConfig) else str(config)
    if not isinstance(config, SweepConfig):
        config = load_config(config)
    if config.design.kind not in ("sobol", "morris"):
        raise UserError(
            f"{source}: design.kind: sensitivity needs a 'sobol' or 'morris' design, not "
            f"{config.design.kind!r}"
        )
    out = Path(out)
    if (out / MANIFEST).exists():
        raise UserError(f"{out}: holds a sweep's results; choose another --out")
    if out.is_dir():
        clean_leftovers(out)
        foreign = sorted(p.name for p in out.iterdir()
                         if p.name not in _OWN_FILES and p.suffix != ".png")
        if foreign:
            raise UserError(f"{out}: holds other files ({foreign[0]}); choose another --out")
    companion = oat_config(config) if tornado else None
    name = model_name(model or default_model())
    ResultStore.check(out / "runs", config, resume=options.resume, model=name)
    if companion is not None:
        ResultStore.check(out / "oat", companion, resume=options.resume, model=name)

    report = SensitivityReport(out, None, None)
    report.sweeps.append(run_sweep(config, out / "runs", options, model=model))
    if companion is not None:
        report.sweeps.append(run_sweep(companion, out / "oat", options, model=model))

    frame = ResultStore(out / "runs").load()
    outcomes = list(config.outcomes) or outcome_columns(frame)
    design = Design(config)
    seed = int(np.random.SeedSequence([_ANALYSIS_STREAM, config.root_seed]).generate_state(1)[0])
    report.indices, report.skipped = analyze(frame, design, outcomes, seed)
    indices = report.indices
    write_atomic(out / "indices.csv", lambda tmp: indices.to_csv(tmp, index=False))
    report.files.append(out / "indices.csv")
    if companion is not None:
        import pandas as pd

        oat_frame = ResultStore(out / "oat").load()
        oat_design = Design(companion)
        parts = [tornado_table(oat_frame, oat_design, o) for o in outcomes
                 if o in oat_frame.columns]
        report.tornado = pd.concat(parts, ignore_index=True) if parts else None
        if report.tornado is not None:
            tornado_frame = report.tornado
            write_atomic(out / "tornado.csv", lambda tmp: tornado_frame.to_csv(tmp, index=False))
            report.files.append(out / "tornado.csv")
    write_text(
        out / "sensitivity.json",
        json.dumps(
            {"name": config.name, "method": config.design.kind,
             "fingerprint": config.fingerprint_for(name), "outcomes": outcomes,
             "skipped": report.skipped},
            indent=2,
        ) + "\n",
    )
    report.files.append(out / "sensitivity.json")
    if plots:
        report.files += write_sensitivity_plots(report, config.design.kind, out, plot_format, dpi,
                                                _labels(config, labelled=model is None))
    return report


def _labels(config: SweepConfig, labelled: bool):
    """Words for the plots from the study's scenario (the negotiation model's), else none."""
    from bargaining_chips.experiments.labels import labels_for

    return labels_for(config.scenario or "us_japan_2025" if labelled else None)


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

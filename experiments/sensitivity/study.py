"""Sensitivity studies: which parameters move an outcome, and how much.

``run_sensitivity`` runs a config whose design is ``sobol`` or ``morris`` through the ordinary
runner (so it is seeded, parallel and resumable like any sweep), averages each outcome over the
replications at every design point, and analyses the point means with SALib:

- **Sobol' indices** (Sobol' 1993; estimators of Saltelli 2002 and Saltelli et al. 2010, bootstrap
  confidence intervals): S1, the share of the outcome's variance due to one parameter alone; ST, its
  share including every interaction; S2 for pairs when the design asks for second order.
- **Morris screening** (Morris 1991, with μ* of Campolongo, Cariboni & Saltelli 2007): μ*, the mean
  absolute elementary effect (overall influence), σ, their spread (interactions, non-linearity).
  Effects are per unit of the parameter's sampling scale (its range, or its list of values).
- **One at a time** (unless ``tornado=False``): a second, small sweep moves each parameter across
  its range (``design.steps`` points) with the others at the baseline — the data of a tornado chart.

Averaging over replications first treats the model's internal randomness as noise around the
parameter effect; with ``common_random_numbers`` every point sees the same seeds, which reduces that
noise. An outcome with no value at some point (agreed terms where no run reached a deal, unless the
config's ``fill`` gives the no-deal value) or with no variance cannot be analysed and is listed
under ``skipped`` with the reason.

Outputs in ``out``: ``runs/`` and ``oat/`` (the two sweeps' stores), ``indices.csv`` (tidy: method,
outcome, parameter, parameter_2, index, value, conf — ``conf`` is the half-width of the confidence
interval), ``tornado.csv``, ``sensitivity.json`` and one PNG per outcome and method.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from bargaining_chips.experiments.sweep.config import DesignSpec, SweepConfig, load_config
from bargaining_chips.experiments.sweep.design import Design
from bargaining_chips.experiments.sweep.options import RunOptions
from bargaining_chips.model.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

INDEX_COLUMNS = ("method", "outcome", "parameter", "parameter_2", "index", "value", "conf")
_OWN_FILES = {"runs", "oat", "indices.csv", "tornado.csv", "sensitivity.json"}
_ANALYSIS_STREAM = 0xA7A1


def point_means(
    frame: pd.DataFrame, design: Design, outcome: str, fill: float | None = None
) -> np.ndarray:
    """Mean of ``outcome`` over the replications at each design point (NaN: no value there).

    Runs are matched to points by their key, so rows may come in any order, and a point visited
    twice (Morris trajectories share points) gets the same value both times. ``fill`` replaces a
    missing value of a run that finished (runs that raised stay out).
    """
    import pandas as pd

    if outcome not in frame.columns:
        raise UserError(f"no outcome {outcome!r} in the results")
    ok = frame["status"].eq("ok")
    values = pd.to_numeric(frame[outcome], errors="coerce").astype("float64")
    if fill is not None:
        values = values.fillna(fill)
    values = values.where(ok)
    by_key = pd.Series(values.to_numpy(), index=frame["run_key"].to_numpy())
    grid = by_key.reindex(design.keys().ravel()).to_numpy().reshape(design.points, -1)
    with np.errstate(all="ignore"):
        counts = np.sum(np.isfinite(grid), axis=1)
        sums = np.nansum(grid, axis=1)
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _problem_check(y: np.ndarray) -> str | None:
    if np.isnan(y).any():
        return f"no value at {int(np.isnan(y).sum())} of {len(y)} points"
    if np.ptp(y) == 0:
        return "constant over the design"
    return None


def sobol_indices(design: Design, y: np.ndarray, outcome: str, seed: int) -> pd.DataFrame:
    """Sobol' S1, ST (and S2 with a second-order design) of point means ``y``, as tidy rows."""
    import pandas as pd
    from SALib.analyze import sobol

    problem = design.salib_problem()
    second = design.config.design.second_order
    si = sobol.analyze(problem, y, calc_second_order=second, conf_level=0.95, seed=seed)
    rows = []
    for d, name in enumerate(problem["names"]):
        for index in ("S1", "ST"):
            rows.append(("sobol", outcome, name, None, index, si[index][d], si[f"{index}_conf"][d]))
    if second:
        for i, a in enumerate(problem["names"]):
            for j in range(i + 1, len(problem["names"])):
                b = problem["names"][j]
                rows.append(("sobol", outcome, a, b, "S2", si["S2"][i, j], si["S2_conf"][i, j]))
    return pd.DataFrame(rows, columns=list(INDEX_COLUMNS))


def morris_indices(design: Design, y: np.ndarray, outcome: str, seed: int) -> pd.DataFrame:
    """Morris μ, μ*, σ (and μ*'s confidence interval) of point means ``y``, as tidy rows."""
    import pandas as pd
    from SALib.analyze import morris

    problem = design.salib_problem()
    si = morris.analyze(
        problem, design.unit, y, num_levels=design.config.design.levels, conf_level=0.95,
        seed=seed,
    )
    rows = []
    for d, name in enumerate(problem["names"]):
        rows.append(("morris", outcome, name, None, "mu", si["mu"][d], np.nan))
        rows.append(("morris", outcome, name, None, "mu_star", si["mu_star"][d],
                     si["mu_star_conf"][d]))
        rows.append(("morris", outcome, name, None, "sigma", si["sigma"][d], np.nan))
    return pd.DataFrame(rows, columns=list(INDEX_COLUMNS))


def tornado_table(frame: pd.DataFrame, design: Design, outcome: str) -> pd.DataFrame:
    """One-at-a-time swings from an ``oat`` design: baseline, lowest and highest point mean per
    parameter, and the swing (highest − lowest). Rows: outcome, parameter, baseline, low, high,
    swing."""
    import pandas as pd

    if design.kind != "oat":
        raise ValueError("a tornado table needs an 'oat' design")
    y = point_means(frame, design, outcome, design.config.fill.get(outcome))
    rows = []
    for path in design.paths:
        own = [i for i, varied in enumerate(design.varied) if varied == path]
        values = y[own]
        if np.isnan(values).all():
            continue
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
        rows.append((outcome, path, float(y[0]), low, high, high - low))
    columns = ["outcome", "parameter", "baseline", "low", "high", "swing"]
    return pd.DataFrame(rows, columns=columns)


def analyze(
    frame: pd.DataFrame, design: Design, outcomes: list[str], seed: int
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Indices for each outcome by the design's method; returns (indices, skipped outcomes)."""
    import pandas as pd

    tables, skipped = [], {}
    method = {"sobol": sobol_indices, "morris": morris_indices}[design.kind]
    for outcome in outcomes:
        if outcome not in frame.columns:
            skipped[outcome] = "not in the results"
            continue
        y = point_means(frame, design, outcome, design.config.fill.get(outcome))
        reason = _problem_check(y)
        if reason:
            skipped[outcome] = reason
            continue
        tables.append(method(design, y, outcome, seed))
    indices = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
        columns=list(INDEX_COLUMNS)
    )
    return indices, skipped


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
    **changes: Any,
) -> SensitivityReport:
    """Run a Sobol' or Morris study (and its one-at-a-time companion) and write tables and plots.

    ``options`` say where and how the runs execute, as for :func:`~..sweep.runner.run_sweep`
    (and, as there, its fields may be given by name: ``backend="serial"``); both sweeps use them.
    Outcomes are the config's ``outcomes``, or every numeric outcome of the model when it lists
    none. See the module docstring for the method and the files written.
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
        report.files += write_sensitivity_plots(report, config.design.kind, out)
    return report


def write_sensitivity_plots(report: SensitivityReport, method: str, out: Path) -> list[Path]:
    """Write the Sobol'/Morris chart and the tornado chart of every analysed outcome."""
    from bargaining_chips.experiments.sweep.plots import (
        file_stem,
        plot_morris,
        plot_sobol,
        plot_tornado,
        save,
    )

    written = []
    for outcome in dict.fromkeys(report.indices["outcome"]):
        draw = plot_sobol if method == "sobol" else plot_morris
        written.append(save(draw(report.indices, outcome), out / f"{file_stem(method, outcome)}.png"))
    if report.tornado is not None:
        for outcome in dict.fromkeys(report.tornado["outcome"]):
            ax = plot_tornado(report.tornado, outcome)
            written.append(save(ax, out / f"{file_stem('tornado', outcome)}.png"))
    return written

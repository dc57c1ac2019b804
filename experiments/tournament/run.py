"""Play a tournament through the sweep machinery and write its tables and plots.

``run_tournament(config, out)`` writes into ``out``: the sweep's store (``results.parquet``, one
row per match; ``manifest.json``; resumable like any sweep), ``ranking.csv`` (:func:`.ranking.
ranking`), ``pairwise.csv`` (:func:`.ranking.pairwise_scores`) and under ``plots/`` the pairwise
heatmap and the score distributions. A tournament interrupted at any point continues where it
stopped when run again, and gives the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bargaining_chips.experiments.tournament.config import (
    TournamentConfig,
    load_tournament,
    sweep_config,
)

if TYPE_CHECKING:
    import pandas as pd

    from bargaining_chips.experiments.sweep.options import RunOptions
    from bargaining_chips.experiments.sweep.runner import SweepReport


@dataclass
class TournamentReport:
    """What a tournament wrote: the sweep's report, the ranking and the files."""

    sweep: SweepReport
    ranking: pd.DataFrame
    files: list[Path]


def run_tournament(config: TournamentConfig | str | Path, out: str | Path,
                   options: RunOptions | None = None, *, plot_format: str = "png",
                   dpi: int = 200, **changes: Any) -> TournamentReport:
    """Play every match of ``config`` into ``out`` (see the module docstring)."""
    from bargaining_chips.experiments.atomic import write_atomic
    from bargaining_chips.experiments.sweep.plots import save
    from bargaining_chips.experiments.sweep.runner import run_sweep
    from bargaining_chips.experiments.sweep.store import RESULTS, ResultStore
    from bargaining_chips.experiments.tournament.match import play_match
    from bargaining_chips.experiments.tournament.plots import (
        plot_pairwise,
        plot_score_distributions,
    )
    from bargaining_chips.experiments.tournament.ranking import pairwise_scores, ranking, scores

    if not isinstance(config, TournamentConfig):
        config = load_tournament(config)
    out = Path(out)
    report = run_sweep(sweep_config(config), out, options, model=play_match, **changes)
    table = scores(ResultStore(out).load())
    ranked = ranking(table)
    order = ranked["strategy"].tolist()
    matrix = pairwise_scores(table, order)
    files = [out / RESULTS]
    for name, frame, index in (("ranking.csv", ranked, False), ("pairwise.csv", matrix, True)):
        path = out / name
        write_atomic(path, lambda tmp, f=frame, i=index: f.to_csv(tmp, index=i))
        files.append(path)
    plots = out / "plots"
    plots.mkdir(parents=True, exist_ok=True)
    if len(table):
        files.append(save(plot_pairwise(matrix), plots / f"pairwise.{plot_format}", dpi))
        files.append(save(plot_score_distributions(table, order), plots / f"scores.{plot_format}",
                          dpi))
    return TournamentReport(report, ranked, files)

"""The files of one run, written to the output folder the user names (default ``results/``).

Each writer takes the finished model, its summary and the folder; :data:`WRITERS` lists them in
order. Every file is written atomically (see :mod:`experiments.output`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from experiments import output, plots, report

if TYPE_CHECKING:
    from model.negotiation import NegotiationModel


def write_summary(model: NegotiationModel, result: dict, out: Path) -> list[Path]:
    path = out / "summary.json"
    output.write_json(path, result)
    return [path]


def write_rounds(model: NegotiationModel, result: dict, out: Path) -> list[Path]:
    rounds, lobby = out / "rounds.csv", out / "lobbying.csv"
    table = model.rounds_table()
    output.write_atomic(rounds, lambda tmp: table.to_csv(tmp, index=False))
    import pandas as pd

    moves = pd.DataFrame([m.__dict__ for m in model.lobby_moves])
    output.write_atomic(lobby, lambda tmp: moves.to_csv(tmp, index=False))
    return [rounds, lobby]


def write_transcript(model: NegotiationModel, result: dict, out: Path) -> list[Path]:
    path = out / "transcript.txt"
    text = "\n".join(report.transcript(model) + report.summary_lines(model, result)) + "\n"
    output.write_text(path, text)
    return [path]


def write_plots(model: NegotiationModel, result: dict, out: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    title = model.spec.meta.get("title", model.spec.name)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    plots.plot_dance(plots.dance_table(model), ax=ax, title=f"The negotiation dance — {title}")
    dance = out / "negotiation_dance.png"
    output.save_figure(dance, fig)
    written = [dance]
    if len(model.setup.governments) >= 2:
        fig, ax = plt.subplots(figsize=(6.4, 6.4))
        plots.plot_utility_space(plots.utility_space_table(model), ax=ax,
                                 title="Offers, Pareto frontier, Nash and K–S points")
        space = out / "utility_space.png"
        output.save_figure(space, fig)
        written.append(space)
    return written


WRITERS: list[Callable[[NegotiationModel, dict, Path], list[Path]]] = [
    write_summary,
    write_rounds,
    write_transcript,
    write_plots,
]


#: Writers that draw pictures (skipped by ``run --no-plots``).
PLOT_WRITERS: set = {write_plots}


def write_all(model: NegotiationModel, result: dict, out: Path, plots: bool = True) -> list[Path]:
    """Write every file of the run into ``out`` (the plots only if ``plots``); returns the paths."""
    import matplotlib

    matplotlib.use("Agg")
    written = []
    for writer in WRITERS:
        if plots or writer not in PLOT_WRITERS:
            written.extend(writer(model, result, out))
    return written

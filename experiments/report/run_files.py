"""The files of one run, written to the output folder the user names (default ``results/``).

Each writer takes the finished model, its summary and the folder; :data:`WRITERS` lists them in
order. Every file is written atomically (see :mod:`experiments.report.output`), and
:func:`write_all` never leaves two runs mixed in one folder: the files are written into a fresh
temporary folder beside ``out``, then the earlier run's files (:data:`RUN_ENTRIES`) are removed from
``out`` and the new ones moved in. While that swap happens ``out/.run-incomplete`` exists; a kill
in between leaves files of one run only (and the marker), and the next run into ``out`` cleans up.
Other files in ``out`` (a sweep's folder inside ``results/``) are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bargaining_chips.experiments.report import output, plots, transcript

if TYPE_CHECKING:
    from bargaining_chips.model.negotiation import NegotiationModel


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
    text = "\n".join(transcript.transcript(model) + transcript.summary_lines(model, result)) + "\n"
    output.write_text(path, text)
    return [path]


def write_plots(model: NegotiationModel, result: dict, out: Path, fmt: str = "png",
                dpi: int = 200) -> list[Path]:
    """negotiation_dance.FMT and (with two governments or more) utility_space.FMT."""
    import matplotlib.pyplot as plt

    title = model.spec.meta.get("title", model.spec.name)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    plots.plot_dance(plots.dance_table(model), ax=ax, title=f"The negotiation dance — {title}")
    dance = out / f"negotiation_dance.{fmt}"
    output.save_figure(dance, fig, fmt, dpi)
    written = [dance]
    if len(model.setup.governments) >= 2:
        fig, ax = plt.subplots(figsize=(8.4, 5.6))
        plots.plot_utility_space(plots.utility_space_table(model), ax=ax)
        space = out / f"utility_space.{fmt}"
        output.save_figure(space, fig, fmt, dpi)
        written.append(space)
    return written


def write_coalitions(model: NegotiationModel, result: dict, out: Path) -> list[Path]:
    """coalitions.csv (round, phase, coalition, members, size, stance, issue, cross_border),
    coalition_edges.csv (round, phase, u, v, weight, in_coalition) and ratification.csv (one row
    per domestic vote on a deal accepted at the table)."""
    import pandas as pd

    tracker = getattr(model, "coalition_tracker", None)
    if tracker is None:
        return []
    tables = {
        out / "coalitions.csv": pd.DataFrame(tracker.membership_rows()),
        out / "coalition_edges.csv": pd.DataFrame(tracker.edge_rows()),
        out / "ratification.csv": pd.DataFrame(
            [{**v.__dict__, "approve": ";".join(v.approve), "oppose": ";".join(v.oppose)}
             for v in model.domestic.votes],
            columns=["round_no", "government", "approval", "threshold", "passed", "approve",
                     "oppose"],
        ),
    }
    for path, table in tables.items():
        output.write_atomic(path, lambda tmp, t=table: t.to_csv(tmp, index=False))
    return list(tables)


def write_beliefs(model: NegotiationModel, result: dict, out: Path) -> list[Path]:
    """beliefs.csv under private information (nothing otherwise): one row per belief after each
    offer it learned from — round, believer, about, model, kendall_tau, weight_distance, the
    believed and true weight of every issue (``w_<issue>``, ``true_w_<issue>``), reservation and
    true_reservation (:class:`~model.information.BeliefRecord`)."""
    beliefs = getattr(model, "beliefs", None)
    if beliefs is None:
        return []
    import pandas as pd

    issues = model.setup.space.issue_names
    rows = []
    for rec in beliefs.records:
        row = {"round": rec.round_no, "believer": rec.believer, "about": rec.about,
               "model": rec.model, "kendall_tau": rec.kendall_tau,
               "weight_distance": rec.weight_distance}
        row.update({f"w_{i}": w for i, w in zip(issues, rec.weights, strict=True)})
        row.update({f"true_w_{i}": w for i, w in zip(issues, rec.true_weights, strict=True)})
        row.update(reservation=rec.reservation, true_reservation=rec.true_reservation)
        rows.append(row)
    path = out / "beliefs.csv"
    table = pd.DataFrame(rows)
    output.write_atomic(path, lambda tmp: table.to_csv(tmp, index=False))
    return [path]


def graph_file_stem(snapshot) -> str:
    """``round_03`` for the graph when round 3 opened, ``final`` for the graph on the outcome."""
    return "final" if snapshot.phase == "final" else f"round_{snapshot.round_no:02d}"


def write_coalition_graphs(model: NegotiationModel, result: dict, out: Path) -> list[Path]:
    """The coalition graph of every round as GraphML (Gephi, networkx) and node-link JSON
    (networkx, d3) in ``graphs/``: ``round_01.graphml`` … and ``final.graphml``."""
    import networkx as nx

    tracker = getattr(model, "coalition_tracker", None)
    if tracker is None:
        return []
    folder = out / "graphs"
    if folder.is_dir():  # files of an earlier, longer run in the same folder would mislead
        for old in [*folder.glob("round_*.graphml"), *folder.glob("round_*.json")]:
            old.unlink()
    written = []
    for k, snap in enumerate(tracker.snapshots):
        g = tracker.graph(k)
        stem = graph_file_stem(snap)
        graphml, js = folder / f"{stem}.graphml", folder / f"{stem}.json"
        output.write_atomic(graphml, lambda tmp, g=g: nx.write_graphml(g, tmp))
        output.write_json(js, output.finite_or_null(nx.node_link_data(g)))
        written += [graphml, js]
    return written


def write_coalition_plots(model: NegotiationModel, result: dict, out: Path, fmt: str = "png",
                          dpi: int = 200) -> list[Path]:
    """coalition_network.FMT (the network at the chosen rounds, ``coalitions.plot_rounds``) and
    coalition_membership.FMT (membership over the rounds)."""
    import matplotlib.pyplot as plt

    from bargaining_chips.experiments.report import coalition_plots as cp

    if getattr(model, "coalition_tracker", None) is None:
        return []
    data = cp.network_table(model)
    panels = data["panels"]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.8 * len(panels) + 0.4, 6.2),
                             squeeze=False, layout="constrained")
    for ax, panel in zip(axes[0], panels, strict=True):
        cp.plot_network(panel, ax=ax, threshold=data["threshold"], separate=False)
    fig.suptitle("Coalitions on the offer on the table", fontsize=11)
    fig.legend(handles=cp.network_key(data["threshold"]), loc="outside lower center", ncols=3, fontsize=8,
               frameon=False)
    for ax in axes[0]:
        cp.separate_labels(ax)
    network = out / f"coalition_network.{fmt}"
    output.save_figure(network, fig, fmt, dpi)
    table = cp.membership_table(model)
    fig, ax = plt.subplots(figsize=(9, 0.45 * table["actor"].nunique() + 1.8))
    cp.plot_membership(table, ax=ax)
    membership = out / f"coalition_membership.{fmt}"
    output.save_figure(membership, fig, fmt, dpi)
    return [network, membership]


WRITERS: list[Callable[[NegotiationModel, dict, Path], list[Path]]] = [
    write_summary,
    write_rounds,
    write_beliefs,
    write_transcript,
    write_plots,
    write_coalitions,
    write_coalition_graphs,
    write_coalition_plots,
]


#: Writers that draw pictures (skipped by ``run --no-plots``); they also take ``fmt`` and ``dpi``.
PLOT_WRITERS: set = {write_plots, write_coalition_plots}

#: The plots of a run, by file stem; each is written as ``STEM.png``, ``.svg`` or ``.pdf``.
PLOT_STEMS = ("negotiation_dance", "utility_space", "coalition_network", "coalition_membership")

#: What a run writes into its folder: removed from ``out`` before a new run's files move in (the
#: plots in every format, so a PDF run does not leave an earlier run's PNGs beside its PDFs).
RUN_ENTRIES = (
    "summary.json", "rounds.csv", "lobbying.csv", "transcript.txt", "coalitions.csv",
    "coalition_edges.csv", "ratification.csv", "graphs", "beliefs.csv",
    *(f"{stem}.{fmt}" for stem in PLOT_STEMS for fmt in output.PLOT_FORMATS),
)
INCOMPLETE = ".run-incomplete"


def write_all(model: NegotiationModel, result: dict, out: Path, plots: bool = True,
              fmt: str = "png", dpi: int = 200) -> list[Path]:
    """Write every file of the run into ``out`` (the plots only if ``plots``, as ``fmt`` — png,
    svg or pdf — at ``dpi``); returns the paths.

    The files are written into a temporary folder beside ``out`` and moved in at the end, so
    ``out`` never holds files of two runs (module docstring).
    """
    import shutil
    import uuid

    import matplotlib

    matplotlib.use("Agg")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.*.tmp"):  # left by a run killed while writing
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    stage = out.parent / f".{out.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        stage.mkdir()
        staged = []
        for writer in WRITERS:
            if writer not in PLOT_WRITERS:
                staged.extend(writer(model, result, stage))
            elif plots:
                staged.extend(writer(model, result, stage, fmt=fmt, dpi=dpi))
        _move_in(stage, out)
    except OSError as err:
        from bargaining_chips.experiments.atomic import why
        from bargaining_chips.model.errors import UserError

        raise UserError(
            f"{err.filename or out}: cannot write the run's files ({why(err)}); "
            f"{out} still holds the earlier run's files, if any"
        ) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return [out / path.relative_to(stage) for path in staged]


def _move_in(stage: Path, out: Path) -> None:
    """Replace the earlier run's files in ``out`` by the staged ones (see the module docstring)."""
    import os
    import shutil

    from bargaining_chips.experiments.atomic import clean_leftovers

    out.mkdir(parents=True, exist_ok=True)
    marker = out / INCOMPLETE
    output.write_text(marker, "a run is being moved into this folder; its files may be partial\n")
    trash = stage / ".earlier-run"
    trash.mkdir()
    for name in RUN_ENTRIES:
        if (out / name).exists():
            os.replace(out / name, trash / name)
    clean_leftovers(out)
    for entry in stage.iterdir():
        if entry != trash:
            os.replace(entry, out / entry.name)
    marker.unlink()
    shutil.rmtree(trash, ignore_errors=True)

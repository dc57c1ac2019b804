"""Plots of the coalition graph: thin functions over tables, each returning its Axes.

Data preparation is separate and tested (:func:`network_table`, :func:`membership_table`,
:func:`coalition_layout`); the plot functions draw on the Axes they are given (or a new one), never
show or save.

The network is drawn with one layout for every round of a run, so nodes keep their place and only
the edges and colours change: a spring layout (Fruchterman–Reingold, ``networkx.spring_layout``)
of the graph whose edge weights are the actors' mean positive alignment over all snapshots, seeded
with the run's seed so the same run gives the same picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from bargaining_chips.model.coalitions import CoalitionTracker
    from bargaining_chips.model.negotiation import NegotiationModel

COALITION_COLOURS = ("#1f4e79", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#17a2b8",
                     "#7f6000", "#e84393")
ALONE = "#b0b0b0"
STANCE_MARKERS = {"pro-deal": "^", "anti-deal": "v", "undecided": "o"}


def coalition_colour(coalition_id: int) -> str:
    """A coalition's colour, by its stable id: the same coalition keeps its colour over rounds."""
    return COALITION_COLOURS[coalition_id % len(COALITION_COLOURS)]


def coalition_layout(tracker: CoalitionTracker, seed: int) -> dict[str, tuple[float, float]]:
    """Node positions shared by every round: a seeded spring layout of the mean positive
    alignment over the run's snapshots."""
    import networkx as nx

    names = tracker.cs.names
    mean = np.mean([np.maximum(s.align, 0.0) for s in tracker.snapshots], axis=0)
    g = nx.Graph()
    g.add_nodes_from(names)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            g.add_edge(names[a], names[b], weight=float(mean[a, b]) + 0.01)
    pos = nx.spring_layout(g, weight="weight", seed=seed, k=1.2 / np.sqrt(len(names)))
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def default_plot_rounds(model: NegotiationModel) -> list[int]:
    """Snapshot indices to draw: those of ``coalitions.plot_rounds`` (rounds played), else the
    second round (the first with an offer on the table), the middle one and the final state."""
    tracker = model.coalition_tracker
    last = len(tracker.snapshots) - 1
    chosen = [r - 1 for r in model.spec.coalitions.plot_rounds if r - 1 < last]
    if chosen:
        return chosen + [last]
    table = list(range(last))
    picks = [table[min(1, len(table) - 1)], table[len(table) // 2]] if table else []
    return sorted(set(picks)) + [last]


def network_table(model: NegotiationModel, snapshots: list[int] | None = None) -> dict:
    """Everything a network panel needs, per chosen snapshot: nodes with position, size (by
    lobbying power; governments drawn as squares), colour (by coalition) and edges with weight."""
    tracker = model.coalition_tracker
    cs = tracker.cs
    chosen = default_plot_rounds(model) if snapshots is None else snapshots
    pos = coalition_layout(tracker, model.seed)
    history = tracker.history()
    panels = []
    for k in chosen:
        snap = tracker.snapshots[k]
        of = {i: c for c in history[k] for i in c.members}
        nodes = [
            {
                "name": name, "x": pos[name][0], "y": pos[name][1],
                "government": cs.kinds[i] == "government",
                "size": 900.0 if cs.kinds[i] == "government" else 200.0 + 900.0 * cs.power[i],
                "colour": ALONE if len(of[i].members) == 1 else coalition_colour(of[i].id),
                "coalition": of[i].id, "stance": of[i].stance,
            }
            for i, name in enumerate(cs.names)
        ]
        edges = [
            {"u": cs.names[a], "v": cs.names[b], "weight": float(snap.align[a, b]),
             "in_coalition": bool(snap.align[a, b] >= cs.threshold)}
            for a in range(len(cs.names)) for b in range(a + 1, len(cs.names))
        ]
        when = "final" if snap.phase == "final" else f"round {snap.round_no}"
        rnd = model.setup.rounds[min(snap.round_no, len(model.setup.rounds)) - 1]
        label = f"{when}" + (f" ({rnd.date:%d %b})" if rnd.date else "")
        panels.append({"label": label, "nodes": nodes, "edges": edges})
    return {"threshold": cs.threshold, "panels": panels}


def plot_network(panel: dict, ax: Axes | None = None, threshold: float = 0.0, title: str = "") -> Axes:
    """One round of the coalition network: node size by lobbying power (governments as squares),
    colour by coalition (grey: alone), edge width by alignment (dark: edges that join
    coalitions, A ≥ τ; faint: weaker positive alignment; negative weights are not drawn)."""
    ax = _axes(ax)
    at = {n["name"]: (n["x"], n["y"]) for n in panel["nodes"]}
    for e in panel["edges"]:
        if e["weight"] <= 0:
            continue
        (x1, y1), (x2, y2) = at[e["u"]], at[e["v"]]
        ax.plot([x1, x2], [y1, y2], color="#333333" if e["in_coalition"] else "#bbbbbb",
                lw=0.5 + 4.0 * e["weight"], alpha=0.9 if e["in_coalition"] else 0.5, zorder=1)
    for n in panel["nodes"]:
        ax.scatter([n["x"]], [n["y"]], s=n["size"], color=n["colour"],
                   marker="s" if n["government"] else "o", edgecolors="black", linewidths=0.8,
                   zorder=2)
        ax.annotate(n["name"], (n["x"], n["y"]), textcoords="offset points",
                    xytext=(0, np.sqrt(n["size"]) / 2 + 3), ha="center", fontsize=8, zorder=3)
    ax.set_title(title or panel["label"], fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.margins(0.18)
    return ax


def membership_table(model: NegotiationModel) -> pd.DataFrame:
    """One row per snapshot and actor: snapshot index, label, actor, coalition id, its size and
    stance (the data of the membership-over-rounds plot)."""
    import pandas as pd

    tracker = model.coalition_tracker
    names = tracker.cs.names
    rows = []
    for k, (snap, coalitions) in enumerate(zip(tracker.snapshots, tracker.history(), strict=True)):
        label = "final" if snap.phase == "final" else str(snap.round_no)
        for c in coalitions:
            for i in c.members:
                rows.append({"snapshot": k, "label": label, "actor": names[i], "coalition": c.id,
                             "size": len(c.members), "stance": c.stance})
    return pd.DataFrame(rows)


def plot_membership(table: pd.DataFrame, ax: Axes | None = None, title: str = "") -> Axes:
    """Coalition membership over the rounds: one row per actor, one column per round; the marker's
    colour is the coalition (grey: alone), its shape the coalition's stance (▲ for the deal on the
    table, ▼ against, ● undecided); lines join an actor's consecutive rounds in the same
    coalition of two or more."""
    ax = _axes(ax)
    actors = list(dict.fromkeys(table["actor"]))
    y = {a: len(actors) - 1 - k for k, a in enumerate(actors)}
    for actor, part in table.groupby("actor", sort=False):
        part = part.sort_values("snapshot")
        steps = list(zip(part["snapshot"], part["coalition"], part["size"], strict=True))
        for (x0, c0, n0), (x1, c1, n1) in zip(steps, steps[1:], strict=False):
            if c0 == c1 and n0 > 1 and n1 > 1:
                ax.plot([x0, x1], [y[actor]] * 2, color="#cccccc", lw=2, zorder=1)
    for stance, marker in STANCE_MARKERS.items():
        part = table[table["stance"] == stance]
        colours = [ALONE if s == 1 else coalition_colour(c)
                   for c, s in zip(part["coalition"], part["size"], strict=True)]
        ax.scatter(part["snapshot"], [y[a] for a in part["actor"]], c=colours, marker=marker,
                   s=90, edgecolors="black", linewidths=0.5, zorder=2, label=stance)
    labels = table.drop_duplicates("snapshot").sort_values("snapshot")
    ax.set_xticks(labels["snapshot"], labels["label"])
    ax.set_yticks(list(y.values()), list(y.keys()))
    ax.set_xlabel("round (final: on the outcome)")
    ax.set_title(title or "Coalition membership over the rounds (colour: coalition; grey: alone)")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker=m, ls="", color="white", markeredgecolor="black", ms=8,
                      label=s) for s, m in STANCE_MARKERS.items()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
              title="stance")
    ax.grid(alpha=0.2)
    return ax


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(8, 4.5)).add_subplot()

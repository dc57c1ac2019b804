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

from bargaining_chips.experiments.labels import actor_name

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from bargaining_chips.model.coalitions import CoalitionTracker
    from bargaining_chips.model.negotiation import NegotiationModel

COALITION_COLOURS = ("#1f4e79", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#17a2b8",
                     "#7f6000", "#e84393")
ALONE = "#b0b0b0"
STANCE_MARKERS = {"pro-deal": "^", "anti-deal": "v", "undecided": "o"}
STANCE_WORDS = {"pro-deal": "for the deal", "anti-deal": "against the deal",
                "undecided": "undecided"}


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
    # networkx seeds numpy's legacy generator, which takes 32 bits; a sweep's seeds have 63, so a
    # run replayed with its seed (run.py run --seed S) is laid out by the seed's low 32 bits.
    layout_seed = seed % 2**32 if seed is not None else None
    pos = nx.spring_layout(g, weight="weight", seed=layout_seed, k=1.2 / np.sqrt(len(names)))
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
        rnd = model.rounds[min(snap.round_no, len(model.rounds)) - 1]
        label = f"{when}" + (f" ({rnd.date.day} {rnd.date:%b})" if rnd.date else "")
        coalitions = [{"colour": coalition_colour(c.id), "label": coalition_words(model, c)}
                      for c in history[k] if len(c.members) > 1]
        panels.append({"label": label, "nodes": nodes, "edges": edges, "coalitions": coalitions})
    return {"threshold": cs.threshold, "panels": panels}


def coalition_words(model: NegotiationModel, coalition) -> str:  # noqa: ANN001 - a Coalition
    """What a coalition is, for a key: "for the deal, chiefly over chip purchases (5)": its
    stance on the offer on the table, the issue that binds it most (the scenario's label) and
    its size."""
    name = model.coalition_tracker.issue_names[coalition.issue]
    issue = model.spec.issues.get(name)
    issue_label = issue.label if issue is not None else name.replace("_", " ")
    stance = STANCE_WORDS.get(coalition.stance, coalition.stance)
    return f"{stance}, chiefly over {issue_label} ({len(coalition.members)})"


def plot_network(panel: dict, ax: Axes | None = None, threshold: float = 0.0, title: str = "",
                 separate: bool = True) -> Axes:
    """One round of the coalition network: node size by lobbying power (governments as squares),
    colour by coalition (grey: alone), edge width by alignment (dark: edges that join
    coalitions, A ≥ τ; faint: weaker positive alignment; negative weights are not drawn). Below
    the network, a key names each coalition of two or more. With ``separate``, names that would
    overlap are moved (:func:`separate_labels`); a caller that changes the layout afterwards
    calls it itself."""
    from matplotlib.lines import Line2D

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
        label = ax.annotate(actor_name(n["name"]), (n["x"], n["y"]), textcoords="offset points",
                            xytext=(0, _radius(n) + 2), ha="center", va="bottom", fontsize=8,
                            zorder=3, bbox={"boxstyle": "square,pad=0.1", "fc": "white",
                                            "ec": "none", "alpha": 0.7})
        label.node_radius = _radius(n)  # type: ignore[attr-defined] - read by separate_labels
    ax.set_title(title or panel["label"], fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.margins(0.18)
    handles = [Line2D([], [], marker="o", ls="", color=c["colour"], markeredgecolor="black",
                      label=c["label"]) for c in panel.get("coalitions", [])]
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), fontsize=8,
                  frameon=False, title="coalitions (members)", title_fontsize=8)
    if separate:
        separate_labels(ax)
    return ax


def _radius(node: dict) -> float:
    """Half a node's marker, in points (a marker of size s is √s points across)."""
    return float(np.sqrt(node["size"])) / 2


def separate_labels(ax: Axes, passes: int = 4) -> int:
    """Move node names that overlap another name: first below their node, then to its side.
    Returns how many were moved. Lays out the figure first, so call it once the figure is
    complete."""
    names = [t for t in ax.texts if hasattr(t, "node_radius")]
    moved = 0
    for _ in range(passes):
        ax.figure.draw_without_rendering()
        boxes = [t.get_window_extent() for t in names]
        clash = False
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                if not boxes[i].overlaps(boxes[j]):
                    continue
                clash = True
                lower = j if boxes[j].y0 <= boxes[i].y0 else i
                text, r = names[lower], names[lower].node_radius
                placed = text.get_va(), text.get_ha()
                if placed == ("bottom", "center"):  # above its node: put it below
                    text.xyann, _ = (0, -r - 2), text.set_va("top")
                elif placed == ("top", "center"):  # below: put it to the right
                    text.xyann, _ = (r + 3, 0), text.set_va("center")
                    text.set_ha("left")
                else:
                    continue
                moved += 1
                boxes[lower] = text.get_window_extent()
        if not clash:
            break
    return moved


def network_key(threshold: float) -> list:
    """Legend handles of what the network's shapes and lines mean (one key for all panels);
    ``threshold`` is the alignment τ at which an edge joins a coalition."""
    from matplotlib.lines import Line2D

    marker = {"ls": "", "markeredgecolor": "black", "color": "white"}
    return [
        Line2D([], [], marker="s", markersize=10, label="government", **marker),
        Line2D([], [], marker="o", markersize=9, label="firm (size: lobbying power)", **marker),
        Line2D([], [], marker="o", markersize=9, ls="", color=ALONE, markeredgecolor="black",
               label="in no coalition"),
        Line2D([], [], color="#333333", lw=3, label=f"aligned enough to join (A ≥ τ = {threshold:g})"),
        Line2D([], [], color="#bbbbbb", lw=1.5, label="weaker positive alignment"),
    ]


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
    coalition of two or more. Both keys are outside the axes."""
    from matplotlib.lines import Line2D

    from bargaining_chips.experiments.report.plots import round_ticks

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
    shown = round_ticks(list(labels["snapshot"]))
    by_snapshot = dict(zip(labels["snapshot"], labels["label"], strict=True))
    ax.set_xticks(shown, [by_snapshot[k] for k in shown])
    ax.set_yticks(list(y.values()), [actor_name(a) for a in y])
    ax.set_xlabel("round (final: the graph on the outcome)")
    ax.set_title(title or "Coalition membership over the rounds")
    handles = [Line2D([], [], marker=m, ls="", color="white", markeredgecolor="black", ms=8,
                      label=STANCE_WORDS[s]) for s, m in STANCE_MARKERS.items()]
    handles.append(Line2D([], [], marker="o", ls="", color=ALONE, markeredgecolor="black", ms=8,
                          label="grey: in no coalition"))
    handles.append(Line2D([], [], color="#cccccc", lw=2,
                          label="stays in the same coalition"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
              title="stance of the coalition\n(colour: which coalition)", title_fontsize=8)
    ax.set_ylim(-0.6, len(actors) - 0.4)
    ax.grid(alpha=0.2)
    return ax


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(8, 4.5)).add_subplot()

"""Plots of one run: thin functions over tables, each returning its Axes.

Data preparation is separate and tested (:func:`dance_table`, :func:`utility_space_table`); the
plot functions draw on the Axes they are given (or a new one), never show or save.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.experiments.labels import actor_words

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from bargaining_chips.model.negotiation import NegotiationModel

PALETTE = ("#1f4e79", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#566573")


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(8, 4.5)).add_subplot()


def dance_table(model: NegotiationModel) -> pd.DataFrame:
    """One row per offer and government: round, date, proposer, government, its utility, its
    reservation utility as the offer was judged (lobbying and the calendar move it during the
    talks), and whether the offer was the agreement."""
    import pandas as pd

    names = model.setup.actor_names
    rows = []
    for row, reservation in zip(model.rows, model.offer_reservations, strict=True):
        for g in model.setup.governments:
            rows.append(
                {
                    "round": row["round"],
                    "date": row["date"],
                    "proposer": row["proposer"],
                    "government": names[g],
                    "utility": row[f"u_{names[g]}"],
                    "reservation": float(reservation[g]),
                    "agreed": bool(row["ratified"]),
                }
            )
    frame = pd.DataFrame(rows)
    frame.attrs["deadlines"] = [
        (d.index + 1, d.label) for d in model.deadlines if d.index < len(model.rows)
    ]
    frame.attrs["moves"] = calendar_moves(model)
    return frame


#: How the dance draws each kind of move of the calendar: marker, colour, legend words.
MOVE_STYLE = {
    "target missed": ("v", "#d95f02", "a target missed"),
    "deadline moved": (">", "#1b9e77", "a deadline moved by its owner"),
    "threat carried out": ("X", "#e7298a", "a threat carried out"),
    "threat not carried out": ("x", "#7570b3", "a threat not carried out"),
}


def calendar_moves(model: NegotiationModel) -> list[tuple[int, str, str]]:
    """One entry per move of the calendar, in order: (round number, kind, what moved) — a target
    missed, a deadline moved by its owner, a threat carried out or not (the kinds of
    :data:`MOVE_STYLE`)."""
    from bargaining_chips.model import events as ev

    out = []
    for e in model.events:
        if isinstance(e, ev.TargetMissed):
            out.append((e.round_index + 1, "target missed", e.target))
        elif isinstance(e, ev.DeadlineMoved):
            out.append((e.round_index + 1, "deadline moved", e.deadline))
        elif isinstance(e, ev.ThreatResolved):
            kind = "threat carried out" if e.carried_out else "threat not carried out"
            out.append((e.round_index + 1, kind, e.threat))
    return out


#: What a utility means on an axis: each actor's utility is normalised to [0, 1] between the
#: worst and the best package it can get (:mod:`model.utility`).
UTILITY_UNIT = "0 = its worst package, 1 = its best"

#: More rounds than this and the round axis labels only every k-th round (whole rounds still).
MAX_ROUND_TICKS = 24


def round_ticks(rounds: list[int], most: int = MAX_ROUND_TICKS) -> list[int]:
    """The rounds to label on a round axis: every one, or every k-th (always the first and the
    last) so that at most ``most`` labels share the axis."""
    if len(rounds) <= most:
        return list(rounds)
    step = -(-len(rounds) // most)
    shown = list(rounds[::step])
    if shown[-1] != rounds[-1]:
        shown[-1] = rounds[-1]
    return shown


def _day(date: str) -> str:
    """``2025-05-01`` → ``1 May``."""
    day = dt.date.fromisoformat(date)
    return f"{day.day} {day:%b}"


def plot_dance(table: pd.DataFrame, ax: Axes | None = None, title: str = "") -> Axes:
    """The negotiation dance: each government's utility of every offer, round by round.

    Solid markers are a government's own offers, hollow ones the other side's; dashed lines are
    reservation utilities as each offer was judged, stepped where lobbying or the calendar moved
    them; a star marks the agreement; dotted lines are the targets and deadlines (a moved one
    where it now stands), and a marker along the top marks each move of the calendar
    (:func:`calendar_moves`). The legend, outside the axes, says so.
    """
    from matplotlib.lines import Line2D

    ax = _axes(ax)
    rounds = sorted(table["round"].unique())
    dates = dict(zip(table["round"], table["date"], strict=True))
    dated = all(isinstance(dates[r], str) for r in rounds)
    for k, (gov, part) in enumerate(table.groupby("government", sort=False)):
        color = PALETTE[k % len(PALETTE)]
        who = actor_words(gov)
        ax.plot(part["round"], part["utility"], color=color, lw=1.5, label=f"{who}'s utility")
        own = part["proposer"] == gov
        ax.scatter(part["round"][own], part["utility"][own], color=color, s=36, zorder=3)
        ax.scatter(part["round"][~own], part["utility"][~own], facecolors="white",
                   edgecolors=color, s=36, zorder=3)
        # the reservation as each offer was judged, a step where lobbying or the calendar moved it
        ax.step(part["round"], part["reservation"], where="mid", color=color, ls="--", lw=1,
                alpha=0.7, label=f"{who}'s reservation")
        deal = part[part["agreed"]]
        if len(deal):
            ax.scatter(deal["round"], deal["utility"], marker="*", s=260, color=color,
                       edgecolors="black", zorder=4)
    moves = table.attrs.get("moves", [])
    for round_no, kind, _ in moves:  # a marker per move, along the top of the axes
        marker, color, _words = MOVE_STYLE[kind]
        ax.scatter([round_no], [1.0], marker=marker, s=90, color=color, edgecolors="black",
                   linewidths=0.6, zorder=6, clip_on=False)
    for round_no, label in table.attrs.get("deadlines", []):
        ax.axvline(round_no, color="grey", ls=":", lw=1.2)
        ax.text(round_no, 0.02, f"{label} ", rotation=90, va="bottom", ha="right", fontsize=8,
                color="#555555", zorder=5,  # over the lines, on a veil so it stays legible
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
    shown = round_ticks(rounds)
    if dated:
        ax.set_xticks(shown, [_day(dates[r]) for r in shown], rotation=45, ha="right")
        years = sorted({dates[r][:4] for r in rounds})
        ax.set_xlabel(f"date of the round ({'–'.join(dict.fromkeys([years[0], years[-1]]))})")
    else:
        ax.set_xticks(shown, [str(r) for r in shown])
        ax.set_xlabel("round")
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel(f"utility of the offer\n({UTILITY_UNIT})")
    ax.set_title(title or "The negotiation dance")
    handles, _ = ax.get_legend_handles_labels()
    grey = {"ls": "", "color": "#555555", "markersize": 7}
    handles += [Line2D([], [], marker="o", label="its own offer", **grey),
                Line2D([], [], marker="o", markerfacecolor="white", label="the other's offer",
                       **grey)]
    if table["agreed"].any():
        handles.append(Line2D([], [], marker="*", markersize=13, ls="", color="#555555",
                              markeredgecolor="black", label="the agreement"))
    for kind in dict.fromkeys(k for _, k, _ in moves):
        marker, color, words = MOVE_STYLE[kind]
        handles.append(Line2D([], [], marker=marker, markersize=9, ls="", color=color,
                              markeredgecolor="black", label=words))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def utility_space_table(model: NegotiationModel) -> dict:
    """Offers, frontier and solution points in the two governments' utility space.

    Everything is valued with the governments' weights at the end of the run (lobbying moves them
    during the talks), so offers, frontier and agreement are on one footing.
    """
    from bargaining_chips.model.metrics import frontier

    names = model.setup.actor_names
    a, b = model.setup.governments[:2]
    front = frontier(model)
    offers = []
    for offer, row in zip(model.offers, model.rows, strict=True):
        u = model.utilities(offer.terms)
        offers.append((row["proposer"], float(u[a]), float(u[b]), row["ratified"]))
    out = {"x": names[a], "y": names[b], "offers": offers,
           "disagreement": (float(model.reservation[a]), float(model.reservation[b]))}
    if front is not None:
        out["frontier"] = front.points
        nash = front.nash()
        ks = front.kalai_smorodinsky()
        out["nash"] = nash.utilities if nash else None
        out["ks"] = ks.utilities if ks else None
    return out


def plot_utility_space(data: dict, ax: Axes | None = None, title: str = "") -> Axes:
    """Offers in the governments' utility space with the Pareto frontier, Nash and K–S points;
    the legend is outside the axes, so it hides no offer."""
    ax = _axes(ax)
    x, y = actor_words(data["x"]), actor_words(data["y"])
    if "frontier" in data:
        f = np.asarray(data["frontier"])
        ax.plot(f[:, 0], f[:, 1], color="black", lw=1.5, label="Pareto frontier")
    for k, who in enumerate((data["x"], data["y"])):
        pts = np.array([(o[1], o[2]) for o in data["offers"] if o[0] == who]).reshape(-1, 2)
        ax.plot(pts[:, 0], pts[:, 1], "o-", color=PALETTE[k % len(PALETTE)], ms=5, lw=0.8,
                alpha=0.8, label=f"offers by {actor_words(who)}")
    dx, dy = data["disagreement"]
    ax.scatter([dx], [dy], marker="s", color="grey", s=50, zorder=4,
               label="no deal (reservation utilities)")
    if data.get("nash"):
        ax.scatter(*data["nash"], marker="D", color="#d68910", s=60, label="Nash point", zorder=5)
    if data.get("ks"):
        ax.scatter(*data["ks"], marker="^", color="#8e44ad", s=60, zorder=5,
                   label="Kalai–Smorodinsky point")
    deal = [(o[1], o[2]) for o in data["offers"] if o[3]]
    if deal:
        ax.scatter(*deal[0], marker="*", s=300, color="gold", edgecolors="black",
                   label="agreement", zorder=6)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(f"utility to {x} (0–1)")
    ax.set_ylabel(f"utility to {y} (0–1)")
    ax.set_title(title or f"Offers in the utility space of {x} and {y}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    return ax

"""What each dashboard panel shows, prepared from a model's own records (no Solara, no drawing).

Every function takes a :class:`~model.NegotiationModel` as it stands after some rounds and returns
plain data; :mod:`viz.figures` draws it and :mod:`viz.app` lays it out. The wording of the round
log is the transcript's own (:func:`experiments.report.round_lines`), and the dance and
utility-space tables are the report plots' own (:mod:`experiments.plots`), so the page, the
printed transcript and the saved plots tell the same story.

The coalition network
---------------------
The network's nodes are all the actors. Positions are computed once per scenario
(:func:`network_layout`): a force-directed layout with a fixed seed, in which the governments are
pinned at left and right and each firm is drawn towards its home government, so that nodes never
move between rounds or across resets and the class can follow them.

Coalitions are read off the offer on the table by the rule the run summary uses for its final
coalitions when the model tracks none (:func:`model.metrics.coalitions`): the actors better off
with the offer on the table than with their reservation utility ("for this offer", utilities under
the current, lobbied weights) and those worse off ("against this offer"). Edges are the lobbying links of the last round (a firm and its home
government, width by the push's intensity η) and the table between the governments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from experiments import plots, report

if TYPE_CHECKING:
    import pandas as pd

    from model.negotiation import NegotiationModel

#: Seed of the network layout: positions are a function of the scenario alone.
LAYOUT_SEED = 7


@dataclass(frozen=True)
class IssueLine:
    """One issue of the offer on the table, in the issue's own units."""

    issue: str
    label: str
    value: float
    shown: str  # the value in the issue's display format, e.g. "12.5%"
    no_deal: str  # the no-deal value in the same format


@dataclass(frozen=True)
class Stand:
    """How one government stands to the offer: its utility, and (for a responder) its answer and
    the utility it asked for when judging the offer (its acceptance threshold, None if its
    strategy has none)."""

    government: str
    utility: float
    role: str  # "proposer" or "responder"
    answer: str | None = None  # "accept" | "reject" | "walk_away"
    threshold: float | None = None
    reservation: float = 0.0


@dataclass(frozen=True)
class RoundSummary:
    """The current round's card: when, who proposed what, how each side stands, how talks stand."""

    round_no: int | None  # the last round played; None before the first
    date: str | None  # ISO date of that round (None for undated scenarios or before the first)
    heading: str  # "Fri 23 May 2025 · Round 3 · Washington", from the transcript
    proposer: str | None
    terms: tuple[IssueLine, ...]
    stands: tuple[Stand, ...]
    status: str  # one sentence: talks go on (next round ...), agreement, or no deal and why
    finished: bool
    agreement: bool


def _pretty_date(date: dt.date | None) -> str:
    return f"{date:%d %b %Y}" if date else ""


def status_line(model: NegotiationModel) -> str:
    """How the talks stand, in one sentence, from ``model.outcome`` and the calendar."""
    setup = model.setup
    out = model.outcome
    if out is None:
        nxt = setup.rounds[model.round_index] if model.round_index < len(setup.rounds) else None
        if nxt is None:
            return "The calendar has no more rounds."
        when = f" on {_pretty_date(nxt.date)}" if nxt.date else ""
        label = (
            f" ({nxt.label})"
            if nxt.label and nxt.date and nxt.label != f"Round {nxt.number}"
            else ""
        )
        return f"Talks go on: round {nxt.number}{when}{label} is next."
    rnd = setup.rounds[out.round_index]
    when = f" on {_pretty_date(rnd.date)}" if rnd.date else ""
    if out.agreement:
        return f"Agreement in round {rnd.number}{when}."
    deadline = next((d for d in setup.deadlines if d.name == out.deadline), None)
    why = {
        "hard deadline": f"the hard deadline ({deadline.label if deadline else out.deadline}) passed",
        "deadline not extended": (
            f"the {deadline.label if deadline else out.deadline} deadline passed and was not extended"
        ),
        "walked away": "a government walked away",
        "calendar end": "the calendar ran out",
    }.get(out.reason, out.reason)
    return f"No deal in round {rnd.number}{when}: {why}."


def round_summary(model: NegotiationModel) -> RoundSummary:
    """The card of the last round played (or of the talks before the first round)."""
    setup = model.setup
    names = setup.actor_names
    finished = model.outcome is not None
    agreement = bool(finished and model.outcome.agreement)
    if not model.rows:
        first = setup.rounds[0]
        return RoundSummary(
            round_no=None,
            date=None,
            heading=(
                f"Before round 1 ({report.round_heading(model, first.number)})"
                if first.date
                else "Before round 1"
            ),
            proposer=None,
            terms=(),
            stands=(),
            status=status_line(model),
            finished=finished,
            agreement=agreement,
        )
    row = model.rows[-1]
    terms = tuple(
        IssueLine(
            issue=name,
            label=issue.label,
            value=float(row[name]),
            shown=issue.render(float(row[name])),
            no_deal=issue.render(issue.no_deal),
        )
        for name, issue in model.spec.issues.items()
    )
    stands = []
    for g in setup.governments:
        who = names[g]
        if who == row["proposer"]:
            stands.append(
                Stand(
                    who, float(row[f"u_{who}"]), "proposer", reservation=float(model.reservation[g])
                )
            )
        else:
            threshold = row["thresholds"].get(who)
            stands.append(
                Stand(
                    who,
                    float(row[f"u_{who}"]),
                    "responder",
                    answer=row["responses"].get(who),
                    threshold=None if threshold is None else float(threshold),
                    reservation=float(model.reservation[g]),
                )
            )
    return RoundSummary(
        round_no=int(row["round"]),
        date=row["date"],
        heading=report.round_heading(model, int(row["round"])),
        proposer=row["proposer"],
        terms=terms,
        stands=tuple(stands),
        status=status_line(model),
        finished=finished,
        agreement=agreement,
    )


def round_log(model: NegotiationModel, round_no: int | None = None) -> list[str]:
    """The transcript's lines for one round (default: the last played), without its heading."""
    if round_no is None:
        round_no = len(model.rows)
    if round_no < 1:
        return []
    lines = report.round_lines(model, round_no)[1:]
    return [line[2:] if line.startswith("  ") else line for line in lines]


def dance_table(model: NegotiationModel) -> pd.DataFrame:
    """Both governments' utility of every offer so far (the report's own table)."""
    return plots.dance_table(model)


def calendar_ticks(model: NegotiationModel) -> list[tuple[int, str]]:
    """(round number, short label) for every round of the calendar: "16 Apr", or "3" if undated."""
    return [(r.number, f"{r.date:%d %b}" if r.date else str(r.number)) for r in model.setup.rounds]


def utility_space(model: NegotiationModel) -> dict:
    """Offers, Pareto frontier, Nash point, reservation point and agreement in the two
    governments' utility space (the report's own table; frontier under the current weights)."""
    return plots.utility_space_table(model)


# -- coalitions -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoalitionNetwork:
    """The coalition network of the current round, ready to draw.

    ``coalition`` maps every actor to the index of its coalition in ``coalitions`` (names of the
    groups, e.g. "for this offer"); ``edges`` are (u, v, weight, kind) with kind "lobbying",
    "table"; ``source`` says what the coalitions were read from ("offer", or "none" before any
    offer); ``members`` maps each coalition's name to its actors.
    """

    actors: tuple[str, ...]
    kinds: dict[str, str]
    power: dict[str, float]
    coalition: dict[str, int]
    coalitions: tuple[str, ...]
    edges: tuple[tuple[str, str, float, str], ...]
    source: str
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)


def structure_graph(model: NegotiationModel) -> nx.Graph:
    """The scenario's fixed structure: governments facing each other, each firm tied to its home."""
    setup = model.setup
    names = setup.actor_names
    graph = nx.Graph()
    graph.add_nodes_from(names)
    govs = [names[g] for g in setup.governments]
    for a, b in zip(govs, govs[1:], strict=False):
        graph.add_edge(a, b)
    for f in setup.firms:
        graph.add_edge(names[f], names[setup.home[f]])
    return graph


def network_layout(
    model: NegotiationModel, seed: int = LAYOUT_SEED
) -> dict[str, tuple[float, float]]:
    """Stable node positions for the scenario: governments pinned on a horizontal line (left to
    right in file order), firms placed by a seeded spring layout around them. A pure function of
    the scenario and the seed."""
    setup = model.setup
    names = setup.actor_names
    govs = [names[g] for g in setup.governments]
    xs = np.linspace(-1.0, 1.0, len(govs)) if len(govs) > 1 else np.zeros(1)
    fixed = {g: (float(x), 0.0) for g, x in zip(govs, xs, strict=True)}
    graph = structure_graph(model)
    if len(graph) == len(fixed):
        return fixed
    pos = nx.spring_layout(graph, pos=fixed, fixed=list(fixed), seed=seed, k=0.6, iterations=200)
    return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}


def coalition_network(model: NegotiationModel) -> CoalitionNetwork:
    """Coalitions and links of the current round (see the module docstring for the rules)."""
    setup = model.setup
    names = setup.actor_names
    spec = model.spec
    kinds = {n: spec.actors[n].kind for n in names}
    power = {n: float(setup.lobbying_power[i]) for i, n in enumerate(names)}
    edges: list[tuple[str, str, float, str]] = []
    govs = [names[g] for g in setup.governments]
    for a, b in zip(govs, govs[1:], strict=False):
        edges.append((a, b, 1.0, "table"))
    last_round = len(model.rows)
    for move in model.lobby_moves:
        if move.round_no == last_round:
            edges.append((move.firm, move.government, float(move.intensity), "lobbying"))

    if model.offers:
        table = model.offers[-1].terms
        gain = model.utilities(table) - model.reservation
        groups_by_side = {0: [], 1: []}
        for i, n in enumerate(names):
            groups_by_side[0 if gain[i] >= 0 else 1].append(n)
        coalitions = ("for this offer", "against this offer")
        coalition = {n: side for side, group in groups_by_side.items() for n in group}
        groups = [tuple(groups_by_side[0]), tuple(groups_by_side[1])]
        source = "offer"
    else:
        coalitions = ("no offer yet",)
        coalition = dict.fromkeys(names, 0)
        groups = [tuple(names)]
        source = "none"
    members = {label: group for label, group in zip(coalitions, groups, strict=True)}
    return CoalitionNetwork(
        actors=names,
        kinds=kinds,
        power=power,
        coalition=coalition,
        coalitions=coalitions,
        edges=tuple(edges),
        source=source,
        members=members,
    )
